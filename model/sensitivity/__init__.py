"""Sensitivity studies: what moves the result, and by how much (docs/MODEL.md, issue 6).

- :func:`run_sweep` / ``offshore sweep``: full runs on a grid of config values, all on
  common random numbers, combined into one Dataset with the swept keys as dimensions.
- :func:`tornado`, :func:`sobol`, :func:`rank_correlations`, :func:`prim` and
  :func:`regime_map` / ``offshore sensitivity``: one-at-a-time, variance-based,
  rank-based and scenario-discovery analyses of the per-world model
  (:class:`WorldModel`), and maps of outcomes over two inputs.

The click commands are built by :func:`sweep_command` and :func:`sensitivity_command`
for ``model.cli`` to register.

>>> import model.sensitivity as sa
>>> from model.simulation import resolve
>>> wm = sa.WorldModel(resolve("configs/baseline.toml"))        # doctest: +SKIP
>>> sa.tornado(wm).describe()                                    # doctest: +SKIP
"""

from __future__ import annotations

from model.prim import prim
from model.sensitivity.commands import sensitivity_command, sweep_command
from model.sensitivity.ranks import rank_correlations
from model.sensitivity.regime import regime_map
from model.sensitivity.sobol import sobol
from model.sensitivity.study import Axis, Study, load, load_study, parse_grid_option
from model.sensitivity.sweep import run_sweep
from model.sensitivity.tornado import tornado
from model.sensitivity.worlds import OUTPUTS, WorldModel

__all__ = [
    "OUTPUTS",
    "Axis",
    "Study",
    "WorldModel",
    "load",
    "load_study",
    "parse_grid_option",
    "prim",
    "rank_correlations",
    "regime_map",
    "run_sweep",
    "sensitivity_command",
    "sobol",
    "sweep_command",
    "tornado",
]

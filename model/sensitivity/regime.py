"""Regime maps: outcomes over a 2-D grid of two inputs, the others drawn as usual.

At every cell of the grid the two chosen inputs are set to the cell's values and
every other uncertain input keeps its draws from the config's first ``n`` worlds, the
same draws at every cell (common random numbers; for ``mc`` these are exactly the
worlds a run with ``--set KEY=value`` for both keys would draw, since streams are
keyed by parameter name). Per cell the map reports the most likely equilibrium set
(the mode of the worlds' equilibrium sets, docs/MODEL.md §4) and its frequency,
P(collapse), P(US intervenes) and Japan's expected burden with their Monte Carlo
standard errors.

The two keys are normally priors of the config (fixed or uncertain). Any other
config key (``policy.ptrl_share_japan``, say) works too: the config is then resolved
again for each of its values. Correlations involving a mapped input are ignored
(fixing one input does not condition the others).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from model.config import ConfigError, LoadedConfig
from model.engine import ChunkPlan, draw_worlds
from model.equilibria import equilibrium_set_label
from model.execution import Execution
from model.labels import key_label
from model.outputs import output
from model.parallel import parallel_map
from model.sampling import shared_draws
from model.sensitivity.study import Axis, toml_literal
from model.sensitivity.worlds import WorldModel
from model.simulation import resolve

MAP_QUANTITIES = ("p_collapse", "p_us_intervenes", "japan_burden", "korea_alone")
"""Registered outputs (model.outputs) averaged in every cell of the map."""
DEFAULT_STEPS = 21
EDGE_PERCENTILES = (0.01, 0.99)


@dataclass(frozen=True)
class RegimeMap:
    """Outcomes on a (y, x) grid; arrays are (ny, nx) unless stated."""

    x_key: str
    y_key: str
    x_values: np.ndarray
    y_values: np.ndarray
    n: int
    codes: np.ndarray  # (k,) equilibrium-set codes seen anywhere
    freq: np.ndarray  # (ny, nx, k) share of worlds with each set
    mean: dict[str, np.ndarray]
    se: dict[str, np.ndarray]

    @property
    def modal(self) -> np.ndarray:
        """Code of the most frequent equilibrium set per cell (ties: lowest code)."""
        return self.codes[np.argmax(self.freq, axis=-1)]

    @property
    def modal_share(self) -> np.ndarray:
        return np.max(self.freq, axis=-1)

    def to_dataset(self) -> xr.Dataset:
        xd, yd = f"map_x:{self.x_key}", f"map_y:{self.y_key}"
        ds = xr.Dataset(
            coords={
                xd: (
                    xd,
                    self.x_values,
                    {"config_key": self.x_key, "units": key_label(self.x_key)[1] or "category"},
                ),
                yd: (
                    yd,
                    self.y_values,
                    {"config_key": self.y_key, "units": key_label(self.y_key)[1] or "category"},
                ),
                "map_eq_set": ("map_eq_set", [equilibrium_set_label(int(c)) for c in self.codes]),
            }
        )
        ds["map_eq_set_freq"] = (
            (yd, xd, "map_eq_set"),
            self.freq,
            {"units": "1", "long_name": "share of worlds with the equilibrium set"},
        )
        ds["map_modal_eq_set"] = (
            (yd, xd),
            np.array([[equilibrium_set_label(int(c)) for c in row] for row in self.modal], dtype=str),
            {"long_name": "most likely equilibrium set"},
        )
        for name in MAP_QUANTITIES:
            out = output(name)
            units = "1" if out.is_probability else out.unit
            ds[f"map_{name}"] = ((yd, xd), self.mean[name], {"units": units, "long_name": out.label["en"]})
            ds[f"map_{name}_se"] = (
                (yd, xd),
                self.se[name],
                {"units": units, "long_name": f"Monte Carlo standard error of map_{name}"},
            )
        ds.attrs.update(map_x=self.x_key, map_y=self.y_key, map_worlds_per_cell=self.n)
        return ds

    def to_frame(self) -> pd.DataFrame:
        rows = []
        modal = self.modal
        for iy, yv in enumerate(self.y_values):
            for ix, xv in enumerate(self.x_values):
                row = {
                    self.y_key: yv,
                    self.x_key: xv,
                    "modal_eq_set": equilibrium_set_label(int(modal[iy, ix])),
                    "modal_eq_set_share": self.modal_share[iy, ix],
                }
                for name in MAP_QUANTITIES:
                    row[name] = self.mean[name][iy, ix]
                    row[f"{name}_se"] = self.se[name][iy, ix]
                rows.append(row)
        return pd.DataFrame(rows)

    def describe(self) -> str:
        labels = sorted({equilibrium_set_label(int(c)) for c in np.unique(self.modal)})
        lo, hi = (
            np.unravel_index(np.argmin(self.mean["p_collapse"]), self.modal.shape),
            np.unravel_index(np.argmax(self.mean["p_collapse"]), self.modal.shape),
        )
        return (
            f"Over {self.x_values.size} x {self.y_values.size} cells ({self.n:,} worlds each) the most likely "
            f"equilibrium set takes {len(labels)} value(s): {', '.join(labels)}. P(collapse) ranges from "
            f"{self.mean['p_collapse'][lo]:.3f} ({self.x_key} = {self.x_values[lo[1]]:.4g}, {self.y_key} = "
            f"{self.y_values[lo[0]]:.4g}) "
            f"to {self.mean['p_collapse'][hi]:.3f} ({self.x_key} = {self.x_values[hi[1]]:.4g}, {self.y_key} = "
            f"{self.y_values[hi[0]]:.4g})."
        )


def default_axis(loaded: LoadedConfig, key: str, steps: int = DEFAULT_STEPS) -> Axis:
    """``steps`` values from the 1st to the 99th percentile of an uncertain prior."""
    prior = loaded.priors().get(key)
    if prior is None or prior.is_fixed:
        raise ConfigError(
            loaded.source,
            key,
            "give the map's values (KEY=START:STOP:STEP or KEY=V1,V2,...) for a key that is not an uncertain prior",
        )
    lo, hi = (float(v) for v in prior.ppf(np.array(EDGE_PERCENTILES)))
    values = np.unique(np.asarray([float(f"{v:.4g}") for v in np.linspace(lo, hi, steps)]))
    return Axis(key, tuple(values.tolist()), "--regime")


def _check_axis(loaded: LoadedConfig, axis: Axis) -> None:
    if axis.categorical:
        raise ConfigError(axis.origin, axis.key, "a regime map needs numeric values")
    priors = loaded.priors()
    if axis.key in priors:
        return
    if axis.key.startswith("game.structural.") and not axis.key.startswith("game.structural.noise"):
        raise ConfigError(
            loaded.source,
            axis.key,
            "not an active parameter of this config (check the key and the US regime)",
        )
    for value in (axis.values[0], axis.values[-1]):
        resolve(loaded, overrides=[f"{axis.key}={toml_literal(value)}"])  # validates


def _cell_model(loaded: LoadedConfig, assignments: list[str]) -> WorldModel:
    return WorldModel(resolve(loaded, overrides=assignments) if assignments else loaded)


def _row(task) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One row of the map: every x value at one y value."""
    loaded, n, x_axis, y_axis, y_value = task
    priors = loaded.priors()
    codes = np.zeros((len(x_axis.values), 64))
    mean = {q: np.zeros(len(x_axis.values)) for q in MAP_QUANTITIES}
    se = {q: np.zeros(len(x_axis.values)) for q in MAP_QUANTITIES}
    cache: dict[tuple[str, ...], tuple[WorldModel, list[dict[str, np.ndarray]]]] = {}
    for ix, x_value in enumerate(x_axis.values):
        config_keys = [(a.key, v) for a, v in ((x_axis, x_value), (y_axis, y_value)) if a.key not in priors]
        assignments = [f"{k}={toml_literal(v)}" for k, v in config_keys]
        key = tuple(assignments)
        if key not in cache:
            model = _cell_model(loaded, assignments)
            plan = ChunkPlan(n, model.config.sampling.chunk_size)
            with shared_draws():  # rows that run in one process draw the worlds once
                chunks = [draw_worlds(model.config, model.priors, k, plan.size(k)) for k in range(plan.chunks)]
            cache[key] = (model, chunks)
        model, chunks = cache[key]
        sums = {q: np.zeros(2) for q in MAP_QUANTITIES}
        for draws in chunks:
            cell = dict(draws)
            size = next(iter(cell.values())).size
            for axis, value in ((x_axis, x_value), (y_axis, y_value)):
                if axis.key in priors:
                    cell[axis.key] = np.full(size, float(value))
            out = model.evaluate_draws(cell, size)
            codes[ix] += np.bincount(out["eq_set"], minlength=64)
            for q in MAP_QUANTITIES:
                v = out[q]
                sums[q] += (v.sum(), (v * v).sum())
        for q in MAP_QUANTITIES:
            m = sums[q][0] / n
            var = max(sums[q][1] / n - m * m, 0.0) * n / max(n - 1, 1)
            mean[q][ix], se[q][ix] = m, np.sqrt(var / n)
    return codes / n, mean, se


def regime_tasks(loaded: LoadedConfig, x_axis: Axis, y_axis: Axis, n: int = 2**15) -> list[tuple]:
    """Validate the map and return its rows as independent tasks for :func:`regime_row`
    (one per y value), so a caller can run them beside other work."""
    WorldModel(loaded)  # structural mode and at least one uncertain input
    if x_axis.key == y_axis.key:
        raise ConfigError(loaded.source, x_axis.key, "a regime map needs two different keys")
    for axis in (x_axis, y_axis):
        _check_axis(loaded, axis)
    return [(loaded, n, x_axis, y_axis, y_value) for y_value in y_axis.values]


regime_row = _row
"""One task of :func:`regime_tasks`: (share of each equilibrium set (nx, 64), means, standard errors)."""


def assemble(x_axis: Axis, y_axis: Axis, n: int, rows: list) -> RegimeMap:
    """The map from the results of its :func:`regime_tasks`, in task order."""
    freq_all = np.stack([r[0] for r in rows])  # (ny, nx, 64)
    seen = np.flatnonzero(freq_all.sum(axis=(0, 1)) > 0)
    return RegimeMap(
        x_key=x_axis.key,
        y_key=y_axis.key,
        x_values=np.asarray(x_axis.values, dtype=float),
        y_values=np.asarray(y_axis.values, dtype=float),
        n=n,
        codes=seen,
        freq=freq_all[:, :, seen],
        mean={q: np.stack([r[1][q] for r in rows]) for q in MAP_QUANTITIES},
        se={q: np.stack([r[2][q] for r in rows]) for q in MAP_QUANTITIES},
    )


def regime_map(
    loaded: LoadedConfig,
    x_axis: Axis,
    y_axis: Axis,
    *,
    n: int = 2**15,
    execution: Execution | None = None,
) -> RegimeMap:
    """Evaluate the regime map of ``x_axis`` against ``y_axis`` on ``n`` worlds per cell."""
    tasks = regime_tasks(loaded, x_axis, y_axis, n)
    rows = parallel_map(regime_row, tasks, execution or Execution(), desc="regime map rows", unit="row")
    return assemble(x_axis, y_axis, n, rows)

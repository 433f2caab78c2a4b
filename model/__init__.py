"""offshore: a Monte Carlo model of the Japan-Korea burden-sharing dilemma over Taiwan.

The public surface is small:

- :func:`simulate` runs a scenario and returns an :class:`xarray.Dataset`;
- :func:`load_config` reads and validates a TOML scenario;
- :func:`model.equilibria.solve_2x2` solves arrays of 2x2 games.

See docs/MODEL.md for the model and README.md for the command line.
"""

from importlib import import_module
from typing import Any

__all__ = ["PROFILES", "ConfigError", "load_config", "simulate", "solve_2x2"]

# Imported on first use, so that worker processes, which only need the engine,
# do not pay for xarray and the run machinery at start-up (PEP 562).
_EXPORTS = {
    "ConfigError": "model.config",
    "load_config": "model.config",
    "PROFILES": "model.constants",
    "solve_2x2": "model.equilibria",
    "simulate": "model.simulation",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

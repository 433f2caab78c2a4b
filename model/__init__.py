"""offshore: a Monte Carlo model of the Japan-Korea burden-sharing dilemma over Taiwan.

The public surface is small:

- :func:`simulate` runs a scenario and returns an :class:`xarray.Dataset`;
- :func:`load_config` reads and validates a TOML scenario;
- :func:`model.equilibria.solve_2x2` solves arrays of 2x2 games.

See docs/MODEL.md for the model and README.md for the command line.
"""

from model.config import ConfigError, load_config
from model.equilibria import PROFILES, solve_2x2
from model.simulation import simulate

__all__ = ["PROFILES", "ConfigError", "load_config", "simulate", "solve_2x2"]

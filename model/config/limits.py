"""Bounds that make "whatever validates, runs" hold: values float arithmetic can carry.

The schema checks each value's type and range; this module, run on the validated
config, checks that sampling it cannot overflow:

* every number in the config, and every value a prior can draw, is at most
  :data:`MAX_ABS_VALUE` in magnitude. Payoffs and burdens are sums of a few products
  of two such values times a horizon of at most 100 years, so they stay below 1e27,
  their squares below 1e54 and sums of squares over :data:`MAX_SAMPLES` worlds below
  1e65: far inside float64 (1.8e308) and far beyond any meaningful USD bn figure;
* a prior's reach (each family's ``reach()``, :mod:`model.distributions`) is its
  support when bounded, and beyond anything a run of any size draws otherwise;
* each prior is probed at the extreme uniforms the samplers use and with a few
  direct draws, all of which must be finite;
* the number of worlds is at most :data:`MAX_SAMPLES` and of chunks at most
  :data:`MAX_CHUNKS` (the run's bookkeeping grows with the number of chunks).

A violation is a :class:`ConfigError` naming the key.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel

from model.config.errors import ConfigError
from model.distributions import TAIL_Z

MAX_ABS_VALUE = 1e12
MAX_SAMPLES = 10**11
MAX_CHUNKS = 2**22
PROBE_U = np.array([2.0**-53, 0.5, 1.0 - 2.0**-53])  # the samplers clip uniforms into this range
PROBE_DRAWS = 64


def _is_prior(value: Any) -> bool:
    return isinstance(value, BaseModel) and isinstance(getattr(value, "dist", None), str) and hasattr(value, "ppf")


def _check_number(source: str, key: str, value: float, limit: float = MAX_ABS_VALUE) -> None:
    if not math.isfinite(value) or abs(value) > limit:
        raise ConfigError(source, key, f"{value:g} is too large in magnitude (at most {limit:g})")


def check_prior(source: str, key: str, prior: Any) -> None:
    """``prior``'s parameters, reach and probe draws all within :data:`MAX_ABS_VALUE`."""
    for name in type(prior).model_fields:
        value = getattr(prior, name)
        if isinstance(value, float):
            _check_number(source, key, value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, float):
                    _check_number(source, key, item)
    low, high = prior.reach()
    if not (abs(low) <= MAX_ABS_VALUE and abs(high) <= MAX_ABS_VALUE):
        raise ConfigError(
            source,
            key,
            f"the prior reaches [{low:g}, {high:g}], beyond what the model can carry (|value| <= {MAX_ABS_VALUE:g})",
        )
    with np.errstate(all="ignore"):
        try:
            values = np.concatenate(
                [np.asarray(prior.ppf(PROBE_U), dtype=float), prior.sample(np.random.default_rng(0), PROBE_DRAWS)]
            )
        except (ValueError, ArithmeticError) as exc:
            raise ConfigError(source, key, f"cannot be sampled ({exc})") from None
    if not np.all(np.isfinite(values)):
        raise ConfigError(source, key, "draws non-finite values with these parameters")


def _walk(node: Any, key: str, source: str) -> None:
    if _is_prior(node):
        check_prior(source, key, node)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            _walk(getattr(node, name), f"{key}.{name}" if key else name, source)
    elif isinstance(node, list | tuple):
        for item in node:
            _walk(item, key, source)
    elif isinstance(node, float):
        limit = MAX_ABS_VALUE / TAIL_Z if key.endswith("sd") else MAX_ABS_VALUE  # a normal's spread
        _check_number(source, key, node, limit)


def check_limits(config: Any, source: str) -> None:
    """Raise :class:`ConfigError` for any value of ``config`` sampling could not carry."""
    sampling = config.sampling
    if sampling.samples > MAX_SAMPLES:
        raise ConfigError(
            source, "sampling.samples", f"{sampling.samples} worlds is more than the cap of {MAX_SAMPLES:.0e}"
        )
    chunks = -(-sampling.samples // sampling.chunk_size)
    if chunks > MAX_CHUNKS:
        raise ConfigError(
            source,
            "sampling.chunk_size",
            f"{sampling.samples} worlds in chunks of {sampling.chunk_size} is {chunks} chunks, "
            f"more than the cap of {MAX_CHUNKS}; raise sampling.chunk_size",
        )
    _walk(config, "", source)
    from model.config.parameters import parameter_priors  # derived priors (noise) too

    for key, prior in parameter_priors(config).items():
        check_prior(source, key, prior)

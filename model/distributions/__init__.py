"""Probability distributions for uncertain model parameters.

Each family is a frozen pydantic v2 model whose field names are the TOML config
syntax, e.g. ``cost = { dist = "pert", min = 1, mode = 2, max = 5, unit = "USD bn" }``.
A bare number in the config is a :class:`Fixed` value (see :func:`parse_distribution`).

Numbers are strict: ``int`` or ``float`` are accepted, strings and bools are not, and
NaN or infinities are rejected. Cross-field rules raise short human messages (for
example ``"max must exceed min"``) meant to be printed as ``error: FILE: KEY: MESSAGE``.

Every family provides

``sample(rng, n)``
    ``n`` direct draws, float64 array of shape ``(n,)``, in the parameter's unit.
``ppf(u)``
    the inverse CDF applied element-wise to ``u`` (any shape, values in [0, 1]),
    float64 array of the same shape, in the parameter's unit.
``is_fixed``
    ``True`` only for :class:`Fixed` (a fixed value consumes no random numbers).
``expected_value()``
    the analytic mean, in the parameter's unit. (It is not called ``mean`` because
    ``mean`` is a config key of the normal families.)
``support()``
    the smallest interval ``(low, high)`` that holds every value the family can
    draw (infinite ends for unbounded families); config range checks use it.
``reach()``
    the interval a run of any size draws in practice: the support when bounded;
    for unbounded families the value at :data:`TAIL_Z` standard deviations (normal,
    lognormal in log space) or the ``1 - TAIL_P`` quantile (gamma). Overflow checks
    use it.
"""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Annotated, Any, Union, get_args

import numpy as np
from pydantic import Field, TypeAdapter

from model.distributions.base import PROBABILITY_SUM_TOLERANCE, TAIL_P, TAIL_Z, _Family
from model.distributions.continuous import (
    BETA_PPF_FLOOR,
    Beta,
    Gamma,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    TruncNormal,
    Uniform,
)
from model.distributions.discrete import Categorical, Empirical, Fixed

__all__ = [
    "BETA_PPF_FLOOR",
    "PROBABILITY_SUM_TOLERANCE",
    "TAIL_P",
    "TAIL_Z",
    "FAMILIES",
    "Beta",
    "Categorical",
    "Distribution",
    "Empirical",
    "Fixed",
    "Gamma",
    "LogNormal",
    "Normal",
    "Pert",
    "TruncNormal",
    "Triangular",
    "Uniform",
    "parse_distribution",
]

Distribution = Annotated[
    Union[  # noqa: UP007 - the agreed interface spells it as a Union
        Fixed,
        Uniform,
        Normal,
        TruncNormal,
        LogNormal,
        Beta,
        Pert,
        Triangular,
        Gamma,
        Categorical,
        Empirical,
    ],
    Field(discriminator="dist"),
]

_FAMILY_CLASSES: tuple[type[_Family], ...] = get_args(get_args(Distribution)[0])  # the union's members, in order

#: The ``dist`` names, in the order of the :data:`Distribution` union.
FAMILIES: tuple[str, ...] = tuple(cls.model_fields["dist"].default for cls in _FAMILY_CLASSES)

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)


def parse_distribution(value: Any, *, base_dir: Path | str) -> Distribution:
    """Validate a config value into a distribution.

    Parameters
    ----------
    value
        A bare ``int``/``float`` (a :class:`Fixed` value), a mapping with a ``dist``
        key naming one of :data:`FAMILIES`, or an already-built distribution.
    base_dir
        Directory against which relative ``empirical`` file paths are resolved
        (normally the config file's directory).

    Returns
    -------
    Distribution
        The validated, frozen model.

    Raises
    ------
    pydantic.ValidationError
        Unchanged from pydantic, so the caller can format ``loc`` and ``msg``.
    """
    if isinstance(value, _FAMILY_CLASSES):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        value = {"dist": "fixed", "value": float(value)}
    return _ADAPTER.validate_python(value, context={"base_dir": Path(base_dir)})

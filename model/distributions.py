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

import csv
import math
import numbers
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import numpy as np
import scipy.special
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
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

#: Tolerance on the sum of categorical probabilities.
PROBABILITY_SUM_TOLERANCE = 1e-9
#: Standard deviations (normal, lognormal in log space) beyond which no run draws.
TAIL_Z = 9.0
#: Upper-tail probability beyond which no run draws (gamma).
TAIL_P = 1e-19


def _invalid(message: str) -> PydanticCustomError:
    """A validation error carrying exactly ``message`` (no "Value error," prefix)."""
    return PydanticCustomError("invalid_distribution", message)


def _require_positive(**values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise _invalid(f"{name} must be positive")


def _require_ordered(lo: float, hi: float) -> None:
    if not hi > lo:
        raise _invalid("max must exceed min")


def _require_mode_inside(lo: float, mode: float, hi: float) -> None:
    if not lo <= mode <= hi:
        raise _invalid("mode must lie in [min, max]")


def _as_unit_array(u: Any) -> np.ndarray:
    """``u`` as a float64 array (a copy is not made when not needed)."""
    return np.asarray(u, dtype=np.float64)


class _Family(BaseModel):
    """Common configuration and metadata of every distribution family."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    dist: str  # narrowed to a Literal by each family; declared here so it dumps first
    unit: str | None = None
    source: str | None = None
    description: str | None = None

    @property
    def is_fixed(self) -> bool:
        """Whether the parameter is a constant (draws no random numbers)."""
        return False

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def expected_value(self) -> float:  # pragma: no cover
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Bounded families on ``[min, max]`` say so here; others override."""
        return (self.min, self.max)  # type: ignore[attr-defined]

    def reach(self) -> tuple[float, float]:
        """The values a run draws in practice; the support unless the family is unbounded."""
        return self.support()


class Fixed(_Family):
    """A constant ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: float

    @property
    def is_fixed(self) -> bool:
        return True

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` copies of ``value``; float64 ``(n,)``. ``rng`` is not used."""
        return np.full(n, self.value, dtype=np.float64)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """``value`` in the shape of ``u``."""
        return np.full(np.shape(u), self.value, dtype=np.float64)

    def expected_value(self) -> float:
        return self.value

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)


class Uniform(_Family):
    """Uniform on ``[min, max]``."""

    dist: Literal["uniform"] = "uniform"
    min: float
    max: float

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        _require_ordered(self.min, self.max)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        return rng.uniform(self.min, self.max, size=n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF ``min + u (max - min)``; same shape as ``u``."""
        return self.min + _as_unit_array(u) * (self.max - self.min)

    def expected_value(self) -> float:
        return 0.5 * (self.min + self.max)


class Normal(_Family):
    """Normal with ``mean`` and standard deviation ``sd``."""

    dist: Literal["normal"] = "normal"
    mean: float
    sd: float

    @model_validator(mode="after")
    def _check(self) -> Normal:
        _require_positive(sd=self.sd)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        return rng.normal(self.mean, self.sd, size=n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF; same shape as ``u``."""
        return self.mean + self.sd * scipy.special.ndtri(_as_unit_array(u))

    def expected_value(self) -> float:
        return self.mean

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def reach(self) -> tuple[float, float]:
        return (self.mean - TAIL_Z * self.sd, self.mean + TAIL_Z * self.sd)


class TruncNormal(_Family):
    """Normal(``mean``, ``sd``) truncated to ``[min, max]``."""

    dist: Literal["truncnormal"] = "truncnormal"
    mean: float
    sd: float
    min: float
    max: float

    @model_validator(mode="after")
    def _check(self) -> TruncNormal:
        _require_positive(sd=self.sd)
        _require_ordered(self.min, self.max)
        return self

    def _frozen(self) -> Any:
        a = (self.min - self.mean) / self.sd
        b = (self.max - self.mean) / self.sd
        from scipy.stats import truncnorm  # scipy.stats is slow to import; only needed here

        return truncnorm(a, b, loc=self.mean, scale=self.sd)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws by inverse CDF of ``rng.random(n)``; float64 ``(n,)``."""
        return self.ppf(rng.random(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF; same shape as ``u``, values in ``[min, max]``."""
        x = np.asarray(self._frozen().ppf(_as_unit_array(u)), dtype=np.float64)
        return np.clip(x, self.min, self.max)

    def expected_value(self) -> float:
        return float(self._frozen().mean())


class LogNormal(_Family):
    """Lognormal with ``median`` and ``sigma``, the standard deviation of the log."""

    dist: Literal["lognormal"] = "lognormal"
    median: float
    sigma: float

    @model_validator(mode="after")
    def _check(self) -> LogNormal:
        _require_positive(median=self.median, sigma=self.sigma)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        return rng.lognormal(math.log(self.median), self.sigma, size=n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF ``median * exp(sigma * Phi^-1(u))``; same shape as ``u``."""
        return self.median * np.exp(self.sigma * scipy.special.ndtri(_as_unit_array(u)))

    def expected_value(self) -> float:
        return self.median * math.exp(0.5 * self.sigma**2)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def reach(self) -> tuple[float, float]:
        log_top = math.log(self.median) + TAIL_Z * self.sigma
        return (0.0, math.exp(log_top) if log_top < 700 else math.inf)


def _scaled_beta_sample(rng: np.random.Generator, n: int, a: float, b: float, lo: float, hi: float) -> np.ndarray:
    return lo + (hi - lo) * rng.beta(a, b, size=n)


#: Below this probability the inverse incomplete beta function (boost) can return NaN
#: or lose monotonicity, so beta-based ppfs evaluate ``0 < u < BETA_PPF_FLOOR`` there.
BETA_PPF_FLOOR = 2.0**-53


def _scaled_beta_ppf(u: np.ndarray, a: float, b: float, lo: float, hi: float) -> np.ndarray:
    u = _as_unit_array(u)
    floored = np.where((u > 0.0) & (u < BETA_PPF_FLOOR), BETA_PPF_FLOOR, u)
    return lo + (hi - lo) * scipy.special.betaincinv(a, b, floored)


class Beta(_Family):
    """Beta(``alpha``, ``beta``) scaled to ``[min, max]`` (default ``[0, 1]``)."""

    dist: Literal["beta"] = "beta"
    alpha: float
    beta: float
    min: float = 0.0
    max: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> Beta:
        _require_positive(alpha=self.alpha, beta=self.beta)
        _require_ordered(self.min, self.max)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        return _scaled_beta_sample(rng, n, self.alpha, self.beta, self.min, self.max)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF; same shape as ``u``."""
        return _scaled_beta_ppf(u, self.alpha, self.beta, self.min, self.max)

    def expected_value(self) -> float:
        return self.min + (self.max - self.min) * self.alpha / (self.alpha + self.beta)


class Pert(_Family):
    """Vose's PERT on ``[min, max]`` with the given ``mode`` and shape ``lamb``.

    ``Beta(1 + lamb (mode - min) / (max - min), 1 + lamb (max - mode) / (max - min))``
    scaled to ``[min, max]``; its mean is ``(min + lamb mode + max) / (lamb + 2)``.
    """

    dist: Literal["pert"] = "pert"
    min: float
    mode: float
    max: float
    lamb: float = 4.0

    @model_validator(mode="after")
    def _check(self) -> Pert:
        _require_ordered(self.min, self.max)
        _require_mode_inside(self.min, self.mode, self.max)
        _require_positive(lamb=self.lamb)
        return self

    @property
    def shape_parameters(self) -> tuple[float, float]:
        """The ``(alpha, beta)`` of the underlying beta distribution."""
        width = self.max - self.min
        return (
            1.0 + self.lamb * (self.mode - self.min) / width,
            1.0 + self.lamb * (self.max - self.mode) / width,
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        a, b = self.shape_parameters
        return _scaled_beta_sample(rng, n, a, b, self.min, self.max)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF; same shape as ``u``."""
        a, b = self.shape_parameters
        return _scaled_beta_ppf(u, a, b, self.min, self.max)

    def expected_value(self) -> float:
        return (self.min + self.lamb * self.mode + self.max) / (self.lamb + 2.0)


class Triangular(_Family):
    """Triangular on ``[min, max]`` with peak at ``mode``."""

    dist: Literal["triangular"] = "triangular"
    min: float
    mode: float
    max: float

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        _require_ordered(self.min, self.max)
        _require_mode_inside(self.min, self.mode, self.max)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        return rng.triangular(self.min, self.mode, self.max, size=n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Closed-form inverse CDF; same shape as ``u``."""
        u = _as_unit_array(u)
        lo, mode, hi = self.min, self.mode, self.max
        width = hi - lo
        split = (mode - lo) / width
        left = lo + np.sqrt(np.clip(u, 0.0, None) * width * (mode - lo))
        right = hi - np.sqrt(np.clip(1.0 - u, 0.0, None) * width * (hi - mode))
        return np.where(u <= split, left, right)

    def expected_value(self) -> float:
        return (self.min + self.mode + self.max) / 3.0


class Gamma(_Family):
    """Gamma with ``shape`` k and ``scale`` theta (mean k theta)."""

    dist: Literal["gamma"] = "gamma"
    shape: float
    scale: float

    @model_validator(mode="after")
    def _check(self) -> Gamma:
        _require_positive(shape=self.shape, scale=self.scale)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws; float64 ``(n,)``."""
        return rng.gamma(self.shape, self.scale, size=n)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF; same shape as ``u``."""
        return self.scale * scipy.special.gammaincinv(self.shape, _as_unit_array(u))

    def expected_value(self) -> float:
        return self.shape * self.scale

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def reach(self) -> tuple[float, float]:
        with np.errstate(all="ignore"):
            top = self.scale * float(scipy.special.gammainccinv(self.shape, TAIL_P))
        return (0.0, top if math.isfinite(top) else math.inf)


def _step_ppf(u: np.ndarray, support: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Generalised inverse ``inf{x : F(x) >= u}`` of a discrete CDF.

    ``support`` is sorted, ``cumulative`` the CDF at each support point.
    """
    index = np.searchsorted(cumulative, _as_unit_array(u), side="left")
    return support[np.clip(index, 0, support.size - 1)]


class Categorical(_Family):
    """A discrete distribution on ``values`` with the given ``probabilities``."""

    dist: Literal["categorical"] = "categorical"
    values: list[float]
    probabilities: list[float]

    _support: np.ndarray = PrivateAttr()
    _weights: np.ndarray = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Categorical:
        if not self.values:
            raise _invalid("values must not be empty")
        if len(self.probabilities) != len(self.values):
            raise _invalid("probabilities must have one entry per value")
        p = np.asarray(self.probabilities, dtype=np.float64)
        if np.any((p < 0.0) | (p > 1.0)):
            raise _invalid("probabilities must lie in [0, 1]")
        if abs(p.sum() - 1.0) > PROBABILITY_SUM_TOLERANCE:
            raise _invalid("probabilities must sum to 1")
        values = np.asarray(self.values, dtype=np.float64)
        keep = p > 0.0
        order = np.argsort(values[keep], kind="stable")
        weights = p[keep][order]
        self._support = values[keep][order]
        self._weights = weights / weights.sum()
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws with ``rng.choice``; float64 ``(n,)``."""
        return rng.choice(self._support, size=n, p=self._weights).astype(np.float64)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Step inverse CDF over the sorted values; same shape as ``u``."""
        return _step_ppf(u, self._support, np.cumsum(self._weights))

    def expected_value(self) -> float:
        return float(np.dot(self._support, self._weights))

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


def _read_csv_column(path: Path, display: str, column: str) -> np.ndarray:
    """The finite numbers of ``column`` in the CSV file ``path`` (blank cells skipped)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or column not in reader.fieldnames:
                raise _invalid(f"{display} has no column {column!r}")
            cells = [(row_number, row.get(column)) for row_number, row in enumerate(reader, 2)]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _invalid(f"cannot read {display}: {reason}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise _invalid(f"cannot parse {display}: {exc}") from exc
    values = []
    for row_number, cell in cells:
        text = (cell or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise _invalid(f"{display} line {row_number}: {text!r} is not a finite number")
        values.append(value)
    if len(values) < 2:
        raise _invalid(f"{display} column {column!r} needs at least 2 numbers")
    return np.asarray(values, dtype=np.float64)


class Empirical(_Family):
    """The empirical distribution of a numeric column of a CSV file.

    ``file`` is relative to the config file's directory, passed as the validation
    context ``{"base_dir": Path}`` (the current directory when absent). The file is read
    once, at validation, with the :mod:`csv` module; blank cells are skipped, any other
    cell must be a finite number, and at least 2 numbers are required.
    """

    dist: Literal["empirical"] = "empirical"
    file: str
    column: str

    _data: np.ndarray = PrivateAttr()

    @model_validator(mode="after")
    def _load(self, info: ValidationInfo) -> Empirical:
        context = info.context if isinstance(info.context, dict) else {}
        base_dir = Path(context.get("base_dir") or Path.cwd())
        path = Path(self.file)
        if not path.is_absolute():
            path = base_dir / path
        self._data = np.sort(_read_csv_column(path, self.file, self.column))
        return self

    @property
    def data(self) -> np.ndarray:
        """The sorted sample read from the CSV; float64 ``(m,)`` (a copy)."""
        return self._data.copy()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """A bootstrap resample of size ``n``; float64 ``(n,)``."""
        return rng.choice(self._data, size=n, replace=True)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse empirical CDF ``x_(ceil(u m))`` (1-based, clipped); same shape as ``u``."""
        m = self._data.size
        index = np.ceil(_as_unit_array(u) * m).astype(np.int64) - 1
        return self._data[np.clip(index, 0, m - 1)]

    def expected_value(self) -> float:
        return float(self._data.mean())

    def support(self) -> tuple[float, float]:
        return (float(self._data[0]), float(self._data[-1]))  # the data are sorted


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

_FAMILY_CLASSES: tuple[type[_Family], ...] = (
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
)

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

"""The continuous families, bounded (uniform, truncated normal, beta, PERT, triangular)
and unbounded (normal, lognormal, gamma)."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import scipy.special
from pydantic import model_validator

from model.distributions.base import (
    TAIL_P,
    TAIL_Z,
    _as_unit_array,
    _Family,
    _require_mode_inside,
    _require_ordered,
    _require_positive,
)


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

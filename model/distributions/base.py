"""What every distribution family shares: metadata, validation helpers, tail limits."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

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

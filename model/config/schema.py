"""The config schema: every key a user may write, its type, range and default.

Validation is complete before anything is sampled. See docs/MODEL.md for what each
parameter means; the symbols in comments (c_i, r_i, rho, ...) are the ones used there.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from model.distributions import Distribution
from model.sampling import SAMPLERS, validate_correlation
from model.selection import RULES

US_REGIMES = ("integrated_deterrence", "offshore_balancing", "grand_bargain")
FINANCING_REGIMES = ("none", "drawdown", "purl_pooled", "ptrl_japan", "full_pass_through")

PAPER_JAPAN = [[3.0, 1.0], [4.0, 2.0]]  # rows: Japan B, P; columns: Korea B, P
PAPER_KOREA = [[3.0, 4.0], [1.0, 2.0]]


def _number_to_fixed(value: Any) -> Any:
    """Let users write ``key = 0.7`` for a fixed (certain) parameter."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


Prior = Annotated[Distribution, BeforeValidator(_number_to_fixed)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base for config tables: unknown keys are errors, values are not coerced from text."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)


def _check_range(value: Any, lo: float, hi: float, what: str) -> Any:
    low, high = value.support()
    if low < lo or high > hi:
        raise ValueError(f"{what}: the prior's support [{low:g}, {high:g}] leaves [{lo:g}, {hi:g}]")
    return value


def _nonnegative(value: Any) -> Any:
    return _check_range(value, 0.0, math.inf, "must be non-negative")


def _unit_interval(value: Any) -> Any:
    return _check_range(value, 0.0, 1.0, "must lie in [0, 1]")


def _positive(value: Any) -> Any:
    low, high = value.support()
    if not low > 0.0:
        raise ValueError(f"must be positive: the prior's support [{low:g}, {high:g}] leaves (0, inf)")
    return value


MAX_SPREAD = 5.0  # log-sd: a belief spread over a factor of e**5 ~ 150 either way is no belief at all


def _spread(value: Any) -> Any:
    return _check_range(value, 0.0, MAX_SPREAD, "must lie in [0, 5] (a log-sd)")


class Meta(Strict):
    name: str | None = None
    description: str | None = None


class CorrelationSpec(Strict):
    """Gaussian-copula correlation over named (dotted) parameter keys."""

    parameters: list[str]
    matrix: list[list[Finite]]

    @model_validator(mode="after")
    def _valid_matrix(self) -> CorrelationSpec:
        if len(set(self.parameters)) != len(self.parameters):
            raise ValueError("parameters must be distinct")
        problem = validate_correlation(np.asarray(self.matrix, dtype=float))
        if problem is None and len(self.matrix) != len(self.parameters):
            problem = "matrix size must match the number of parameters"
        if problem:
            raise ValueError(problem)
        return self


class Sampling(Strict):
    samples: Annotated[int, Field(gt=0)] = 100_000
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 20251107
    sampler: Literal[SAMPLERS] = "mc"  # type: ignore[valid-type]
    chunk_size: Annotated[int, Field(gt=0, le=2**24)] = 65_536
    correlation: CorrelationSpec | None = None

    @model_validator(mode="after")
    def _sobol_chunks(self) -> Sampling:
        if self.sampler == "sobol" and self.chunk_size & (self.chunk_size - 1):
            raise ValueError("chunk_size must be a power of two with the sobol sampler")
        return self


Row = Annotated[list[Finite], Field(min_length=2, max_length=2)]
Table = Annotated[list[Row], Field(min_length=2, max_length=2)]


class CellNoise(Strict):
    """Per-cell noise overrides, keyed by profile (BB, BP, PB, PP)."""

    BB: Prior | None = None
    BP: Prior | None = None
    PB: Prior | None = None
    PP: Prior | None = None


class OrdinalNoise(Strict):
    japan: CellNoise = CellNoise()
    korea: CellNoise = CellNoise()


class OrdinalGame(Strict):
    """The paper's ordinal table plus noise (DESIGN §4, docs/MODEL.md §3.1)."""

    japan: Table = PAPER_JAPAN
    korea: Table = PAPER_KOREA
    noise_sd: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    noise: OrdinalNoise = OrdinalNoise()


class CountryPriors(Strict):
    """Priors for one junior partner (USD bn at 2025 prices)."""

    balancing_cost: Prior  # c_i, per year
    retaliation: Prior  # r_i, per year
    war_loss: Prior  # W_i, total over the horizon
    collapse_loss: Prior  # L_i, total over the horizon

    @field_validator("*")
    @classmethod
    def _nonneg(cls, value: Any) -> Any:
        return _nonnegative(value)


class USRegimePriors(Strict):
    deterrent: Prior = 0.0  # d_US, per year
    threshold: Prior = 0.0  # theta, per year
    ambiguity: Prior = 0.0  # sigma_theta: log-sd of the partners' belief about theta (docs/MODEL.md §3.5)

    @field_validator("deterrent", "threshold")
    @classmethod
    def _nonneg(cls, value: Any) -> Any:
        return _nonnegative(value)

    @field_validator("ambiguity")
    @classmethod
    def _log_sd(cls, value: Any) -> Any:
        return _spread(value)


class USPriors(Strict):
    """The US rule's parameters per regime, and the US ledger (docs/MODEL.md §3.3, §3.6)."""

    integrated_deterrence: USRegimePriors = USRegimePriors()
    offshore_balancing: USRegimePriors = USRegimePriors()
    war_loss: Prior = 0.0  # W_US, total over the horizon: the US's cost of a war it joins
    collapse_loss: Prior = 0.0  # L_US, total over the horizon: the US's loss if the balance collapses

    @field_validator("war_loss", "collapse_loss")
    @classmethod
    def _nonneg(cls, value: Any) -> Any:
        return _nonnegative(value)


class PartnerBeliefs(Strict):
    """What one partner believes inside a world (docs/MODEL.md §3.5); defaults: complete information."""

    resolve_bias: Prior = 1.0  # beta_a: median perceived resolve / true resolve
    resolve_spread: Prior = 0.0  # sigma_a: log-sd of the perceived resolve
    threshold_bias: Prior = 1.0  # beta_theta: median perceived US threshold / true threshold
    collapse_loss_bias: Prior = 1.0  # beta_L: perceived / true own collapse loss (the stakes)

    @field_validator("resolve_bias", "threshold_bias", "collapse_loss_bias")
    @classmethod
    def _ratio(cls, value: Any) -> Any:
        return _positive(value)

    @field_validator("resolve_spread")
    @classmethod
    def _log_sd(cls, value: Any) -> Any:
        return _spread(value)


class Background(Strict):
    """What both partners know of each threshold before their own intelligence arrives.

    Only the prior's log-mean and log-sd are used; nothing here is sampled. Unset, a
    threshold's background is the config's own prior for it, which changes when a
    sweep fixes that prior: set it to keep the partners' knowledge fixed across sweeps.
    """

    china_resolve: Prior | None = None  # of a, USD bn per year
    us_threshold: Prior | None = None  # of theta under the active US regime, USD bn per year

    @field_validator("*")
    @classmethod
    def _nonneg(cls, value: Any) -> Any:
        return value if value is None else _nonnegative(value)


class Beliefs(Strict):
    japan: PartnerBeliefs = PartnerBeliefs()
    korea: PartnerBeliefs = PartnerBeliefs()
    background: Background = Background()


class PooledShares(Strict):
    japan: Share = 0.5
    korea: Share = 0.25
    others: Share = 0.25

    @model_validator(mode="after")
    def _sum(self) -> PooledShares:
        if self.japan + self.korea + self.others > 1.0 + 1e-12:
            raise ValueError("shares must not sum to more than 1")
        return self


class StructuralGame(Strict):
    """Payoffs derived from costs (DESIGN §4, docs/MODEL.md §3.2)."""

    horizon_years: Prior = 5.0  # T, years: a value or a prior (docs/MODEL.md §3.2)
    noise_sd: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    japan: CountryPriors
    korea: CountryPriors
    retaliation_dilution: Prior  # rho in [0, 1]
    ptrl_retaliation: Prior = 0.0  # psi >= 0
    taiwan_deterrent: Prior  # t, per year
    china_resolve: Prior  # a, per year
    ptrl_value: Prior = 0.0  # X, per year
    delivery_efficiency: Prior = 1.0  # kappa in [0, 1]
    ptrl_leverage: Prior = 1.0  # lambda >= 0
    us: USPriors = USPriors()
    beliefs: Beliefs = Beliefs()

    @field_validator("horizon_years")
    @classmethod
    def _horizon(cls, value: Any) -> Any:
        low, high = value.support()
        if not (low > 0.0 and high <= 100.0):
            raise ValueError(f"must lie in (0, 100] years: the prior's support [{low:g}, {high:g}] leaves it")
        return value

    @field_validator("retaliation_dilution", "delivery_efficiency")
    @classmethod
    def _unit(cls, value: Any) -> Any:
        return _unit_interval(value)

    @field_validator("ptrl_retaliation", "taiwan_deterrent", "china_resolve", "ptrl_value", "ptrl_leverage")
    @classmethod
    def _nonneg(cls, value: Any) -> Any:
        return _nonnegative(value)


class Policy(Strict):
    """Policy levers: the US regime and who finances Taiwan's requirements list."""

    us_regime: Literal[US_REGIMES] = "offshore_balancing"  # type: ignore[valid-type]
    financing: Literal[FINANCING_REGIMES] = "none"  # type: ignore[valid-type]
    ptrl_share_japan: Share = 1.0  # alpha
    pooled_shares: PooledShares = PooledShares()


class Game(Strict):
    mode: Literal["ordinal", "structural"] = "ordinal"
    selection: Literal[RULES] = "risk_dominance"  # type: ignore[valid-type]
    ordinal: OrdinalGame = OrdinalGame()
    structural: StructuralGame | None = None

    @model_validator(mode="after")
    def _mode_has_section(self) -> Game:
        if self.mode == "structural" and self.structural is None:
            raise ValueError("mode 'structural' needs a [game.structural] table")
        return self


class Config(Strict):
    """A complete, validated scenario."""

    meta: Meta = Meta()
    sampling: Sampling = Sampling()
    game: Game = Game()
    policy: Policy = Policy()

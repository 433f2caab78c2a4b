"""Flatten a validated config into the ordered list of priors the sampler draws.

Keys are the dotted config paths (``game.structural.japan.balancing_cost``), so that
error messages, ``--set`` overrides, correlation specs and sample files share names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.config.schema import PartnerBeliefs, USRegimePriors
from model.constants import COUNTRIES, PROFILES
from model.distributions import parse_distribution

COUNTRY_KEYS = ("balancing_cost", "retaliation", "war_loss", "collapse_loss")
SHARED_KEYS = (
    "retaliation_dilution",
    "ptrl_retaliation",
    "taiwan_deterrent",
    "china_resolve",
    "ptrl_value",
    "delivery_efficiency",
    "ptrl_leverage",
)
US_KEYS = ("deterrent", "threshold")
US_LEDGER_KEYS = ("war_loss", "collapse_loss")
BELIEF_KEYS = ("resolve_bias", "resolve_spread", "threshold_bias", "collapse_loss_bias")


def ordinal_noise_key(player: str, profile: str) -> str:
    return f"game.ordinal.noise.{player}.{profile}"


def structural_noise_key(player: str, profile: str) -> str:
    return f"game.structural.noise.{player}.{profile}"


def parameter_priors(config: Any) -> dict[str, Any]:
    """Ordered mapping ``dotted key -> prior`` for the config's payoff mode."""
    game = config.game
    if game.mode == "ordinal":
        return _ordinal_priors(game.ordinal)
    return _structural_priors(game.structural, config.policy.us_regime)


def _ordinal_priors(ordinal: Any) -> dict[str, Any]:
    default = (
        parse_distribution({"dist": "normal", "mean": 0.0, "sd": ordinal.noise_sd}, base_dir=Path("."))
        if ordinal.noise_sd > 0
        else parse_distribution(0.0, base_dir=Path("."))
    )
    priors = {}
    for player in COUNTRIES:
        cells = getattr(ordinal.noise, player)
        for profile in PROFILES:
            override = getattr(cells, profile)
            priors[ordinal_noise_key(player, profile)] = override if override is not None else default
    return priors


def _structural_priors(structural: Any, us_regime: str) -> dict[str, Any]:
    priors: dict[str, Any] = {}
    for country in COUNTRIES:
        block = getattr(structural, country)
        for key in COUNTRY_KEYS:
            priors[f"game.structural.{country}.{key}"] = getattr(block, key)
    for key in SHARED_KEYS:
        priors[f"game.structural.{key}"] = getattr(structural, key)
    if us_regime != "grand_bargain":
        regime = getattr(structural.us, us_regime)
        for key in US_KEYS:
            priors[f"game.structural.us.{us_regime}.{key}"] = getattr(regime, key)
    if structural.noise_sd > 0:
        noise = parse_distribution({"dist": "normal", "mean": 0.0, "sd": structural.noise_sd}, base_dir=Path("."))
        for player in COUNTRIES:
            for profile in PROFILES:
                priors[structural_noise_key(player, profile)] = noise
    # Appended last, so that the lhs / sobol design columns of every earlier parameter
    # stay where they were before beliefs and the US ledger existed (docs/MODEL.md §8).
    for key in US_LEDGER_KEYS:
        priors[f"game.structural.us.{key}"] = getattr(structural.us, key)
    if us_regime != "grand_bargain":
        priors[f"game.structural.us.{us_regime}.ambiguity"] = getattr(structural.us, us_regime).ambiguity
    for country in COUNTRIES:
        block = getattr(structural.beliefs, country)
        for key in BELIEF_KEYS:
            priors[belief_key(country, key)] = getattr(block, key)
    priors["game.structural.horizon_years"] = structural.horizon_years
    return priors


def belief_key(player: str, key: str) -> str:
    return f"game.structural.beliefs.{player}.{key}"


# The schema's defaults are complete information: biases fixed at 1, spreads at 0.
_KNOWING_PARTNER = PartnerBeliefs()
_CLEAR_US = USRegimePriors()


def complete_information(config: Any) -> bool:
    """True when, in every world, each partner knows China's resolve, the US threshold
    and its own stakes exactly: no spread and no bias (docs/MODEL.md §3.5).

    Always true in ordinal mode, which has no beliefs.
    """
    structural = config.game.structural
    if config.game.mode != "structural" or structural is None:
        return True
    beliefs = [getattr(structural.beliefs, c) for c in COUNTRIES]
    pairs = [(getattr(b, k), getattr(_KNOWING_PARTNER, k)) for b in beliefs for k in BELIEF_KEYS]
    regime = config.policy.us_regime
    if regime != "grand_bargain":
        pairs.append((getattr(structural.us, regime).ambiguity, _CLEAR_US.ambiguity))
    return all(prior.is_fixed and prior.value == default.value for prior, default in pairs)

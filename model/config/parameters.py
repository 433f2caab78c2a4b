"""Flatten a validated config into the ordered list of priors the sampler draws.

Keys are the dotted config paths (``game.structural.japan.balancing_cost``), so that
error messages, ``--set`` overrides, correlation specs and sample files share names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.config.schema import COUNTRIES
from model.distributions import parse_distribution
from model.equilibria import PROFILES

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
    return priors

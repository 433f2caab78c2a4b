"""Readable names and units of config keys and outputs, for charts and tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PRIOR_LABELS = {
    "game.structural.japan.balancing_cost": ("Japan's extra defence outlay c_J", "USD bn per year"),
    "game.structural.korea.balancing_cost": ("Korea's extra defence outlay c_K", "USD bn per year"),
    "game.structural.japan.retaliation": (
        "China's retaliation against Japan r_J",
        "USD bn per year",
    ),
    "game.structural.korea.retaliation": (
        "China's retaliation against Korea r_K",
        "USD bn per year",
    ),
    "game.structural.japan.war_loss": (
        "Japan's loss in a war with the US in W_J",
        "USD bn over the horizon",
    ),
    "game.structural.korea.war_loss": (
        "Korea's loss in a war with the US in W_K",
        "USD bn over the horizon",
    ),
    "game.structural.japan.collapse_loss": (
        "Japan's loss if the balance collapses L_J",
        "USD bn over the horizon",
    ),
    "game.structural.korea.collapse_loss": (
        "Korea's loss if the balance collapses L_K",
        "USD bn over the horizon",
    ),
    "game.structural.retaliation_dilution": (
        "retaliation dilution when both balance ρ",
        "fraction",
    ),
    "game.structural.ptrl_retaliation": (
        "retaliation per USD paid into PTRL ψ",
        "USD bn per USD bn",
    ),
    "game.structural.taiwan_deterrent": ("Taiwan's deterrent t", "USD bn per year"),
    "game.structural.china_resolve": ("China's resolve a", "USD bn per year of capability"),
    "game.structural.ptrl_value": ("value of the PTRL X", "USD bn per year"),
    "game.structural.delivery_efficiency": ("PTRL delivery efficiency κ", "capability per USD"),
    "game.structural.ptrl_leverage": ("PTRL leverage over Washington λ", "counted USD per USD"),
    "game.structural.us.integrated_deterrence.deterrent": (
        "US forward deterrent d_US (integrated)",
        "USD bn per year",
    ),
    "game.structural.us.integrated_deterrence.threshold": (
        "US threshold θ (integrated)",
        "USD bn per year",
    ),
    "game.structural.us.offshore_balancing.deterrent": (
        "US forward deterrent d_US (offshore)",
        "USD bn per year",
    ),
    "game.structural.us.offshore_balancing.threshold": (
        "US intervention threshold θ",
        "USD bn per year",
    ),
}
POLICY_LABELS = {
    "policy.ptrl_share_japan": ("Japan's PTRL share α", "fraction of the list"),
    "policy.us_regime": ("US regime", None),
    "policy.financing": ("financing regime", None),
    "policy.pooled_shares.japan": ("Japan's pooled share", "fraction of the list"),
    "policy.pooled_shares.korea": ("Korea's pooled share", "fraction of the list"),
    "policy.pooled_shares.others": ("others' pooled share", "fraction of the list"),
    "game.structural.horizon_years": ("horizon T", "years"),
    "game.structural.noise_sd": ("payoff noise sd", "USD bn"),
    "game.ordinal.noise_sd": ("ordinal noise sd", "rank points"),
    "game.selection": ("selection rule", None),
    "sampling.seed": ("seed", None),
    "sampling.sampler": ("sampler", None),
    "sampling.samples": ("worlds", "count"),
}


def key_label(key: str, priors: Mapping[str, Any] | None = None) -> tuple[str, str | None]:
    """(name, unit) of a config key; unit ``None`` for a category (no unit).

    Known keys use the short units of docs/MODEL.md §3.2; other priors use the
    ``unit`` written in the config.
    """
    if key in POLICY_LABELS:
        return POLICY_LABELS[key]
    if key in PRIOR_LABELS:
        return PRIOR_LABELS[key]
    prior = (priors or {}).get(key)
    return key.rsplit(".", 1)[-1].replace("_", " "), getattr(prior, "unit", None) or None


POLICY_SYMBOLS = {
    "policy.ptrl_share_japan": "α",
    "policy.us_regime": "US regime",
    "policy.financing": "financing",
    "game.structural.horizon_years": "T",
    "game.selection": "selection",
}


def key_symbol(key: str) -> str:
    """A compact name for legends: the symbol of docs/MODEL.md (``c_K``, ``θ``, ``α``)."""
    if key in POLICY_SYMBOLS:
        return POLICY_SYMBOLS[key]
    if key in PRIOR_LABELS:
        return PRIOR_LABELS[key][0].rsplit(" ", 1)[-1]
    return key.rsplit(".", 1)[-1]


def axis_label(key: str, priors: Mapping[str, Any] | None = None, categorical: bool = False, wrap: bool = False) -> str:
    """An axis title with its unit in brackets (``category`` for a categorical axis)."""
    name, unit = key_label(key, priors)
    unit = "category" if categorical else (unit or "config value")
    return f"{name}{chr(10) if wrap else ' '}[{unit}]"


def short(key: str) -> str:
    """A compact name for tables: the key without ``game.structural.``."""
    return key.removeprefix("game.structural.")


def format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

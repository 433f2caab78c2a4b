"""Readable names, units and symbols of config keys, declared once, keyed by the dotted config key.

:data:`LABELS` is the one table of parameter labels that charts, tables and study
pages read (:func:`key_label`, :func:`key_symbol`, :func:`axis_label`); the symbols
are those of docs/MODEL.md §3.2. A report's translated parameter names live in its
locale files under ``param_<key without game.structural.>`` (``Text.parameter``), and
tests/test_locales.py checks that every uncertain input here has one in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Label(NamedTuple):
    """How a config key is shown: its name (with its symbol, for inputs), its unit (``None`` for a category)
    and the compact symbol legends use."""

    name: str
    unit: str | None
    symbol: str


LABELS: dict[str, Label] = {
    "game.structural.japan.balancing_cost": Label("Japan's extra defence outlay c_J", "USD bn per year", "c_J"),
    "game.structural.korea.balancing_cost": Label("Korea's extra defence outlay c_K", "USD bn per year", "c_K"),
    "game.structural.japan.retaliation": Label("China's retaliation against Japan r_J", "USD bn per year", "r_J"),
    "game.structural.korea.retaliation": Label("China's retaliation against Korea r_K", "USD bn per year", "r_K"),
    "game.structural.japan.war_loss": Label(
        "Japan's loss in a war with the US in W_J", "USD bn over the horizon", "W_J"
    ),
    "game.structural.korea.war_loss": Label(
        "Korea's loss in a war with the US in W_K", "USD bn over the horizon", "W_K"
    ),
    "game.structural.japan.collapse_loss": Label(
        "Japan's loss if the balance collapses L_J", "USD bn over the horizon", "L_J"
    ),
    "game.structural.korea.collapse_loss": Label(
        "Korea's loss if the balance collapses L_K", "USD bn over the horizon", "L_K"
    ),
    "game.structural.retaliation_dilution": Label("retaliation dilution when both balance ρ", "fraction", "ρ"),
    "game.structural.ptrl_retaliation": Label("retaliation per USD paid into PTRL ψ", "USD bn per USD bn", "ψ"),
    "game.structural.taiwan_deterrent": Label("Taiwan's deterrent t", "USD bn per year", "t"),
    "game.structural.china_resolve": Label("China's resolve a", "USD bn per year of capability", "a"),
    "game.structural.ptrl_value": Label("value of the PTRL X", "USD bn per year", "X"),
    "game.structural.delivery_efficiency": Label("PTRL delivery efficiency κ", "capability per USD", "κ"),
    "game.structural.ptrl_leverage": Label("PTRL leverage over Washington λ", "counted USD per USD", "λ"),
    "game.structural.us.integrated_deterrence.deterrent": Label(
        "US forward deterrent d_US (integrated)", "USD bn per year", "(integrated)"
    ),
    "game.structural.us.integrated_deterrence.threshold": Label(
        "US threshold θ (integrated)", "USD bn per year", "(integrated)"
    ),
    "game.structural.us.offshore_balancing.deterrent": Label(
        "US forward deterrent d_US (offshore)", "USD bn per year", "(offshore)"
    ),
    "game.structural.us.offshore_balancing.threshold": Label("US intervention threshold θ", "USD bn per year", "θ"),
    "game.structural.us.war_loss": Label("US cost of a war it joins W_US", "USD bn over the horizon", "W_US"),
    "game.structural.us.collapse_loss": Label(
        "US loss if the balance collapses L_US", "USD bn over the horizon", "L_US"
    ),
    "game.structural.us.integrated_deterrence.ambiguity": Label(
        "US ambiguity σ_θ (integrated)", "log-sd", "σ_θ (integrated)"
    ),
    "game.structural.us.offshore_balancing.ambiguity": Label("US ambiguity σ_θ", "log-sd", "σ_θ"),
    **{
        f"game.structural.beliefs.{country}.{key}": Label(f"{name} {symbol}_{c}", unit, f"{symbol}_{c}")
        for country, c, who in (("japan", "J", "Japan"), ("korea", "K", "Korea"))
        for key, name, unit, symbol in (
            ("resolve_spread", f"{who}'s reading error on China's resolve", "log-sd", "σ_a"),
            ("resolve_bias", f"{who}'s bias on China's resolve", "ratio", "β_a"),
            ("threshold_bias", f"{who}'s bias on the US threshold", "ratio", "β_θ"),
            ("collapse_loss_bias", f"{who}'s perceived stake in a collapse", "ratio", "β_L"),
        )
    },
    "policy.ptrl_share_japan": Label("Japan's PTRL share α", "fraction of the list", "α"),
    "policy.us_regime": Label("US regime", None, "US regime"),
    "policy.financing": Label("financing regime", None, "financing"),
    "policy.pooled_shares.japan": Label("Japan's pooled share", "fraction of the list", "japan"),
    "policy.pooled_shares.korea": Label("Korea's pooled share", "fraction of the list", "korea"),
    "policy.pooled_shares.others": Label("others' pooled share", "fraction of the list", "others"),
    "game.structural.horizon_years": Label("horizon T", "years", "T"),
    "game.structural.noise_sd": Label("payoff noise sd", "USD bn", "noise_sd"),
    "game.ordinal.noise_sd": Label("ordinal noise sd", "rank points", "noise_sd"),
    "game.selection": Label("selection rule", None, "selection"),
    "sampling.seed": Label("seed", None, "seed"),
    "sampling.sampler": Label("sampler", None, "sampler"),
    "sampling.samples": Label("worlds", "count", "samples"),
}
PRIORS: tuple[str, ...] = (
    "game.structural.japan.balancing_cost",
    "game.structural.korea.balancing_cost",
    "game.structural.japan.retaliation",
    "game.structural.korea.retaliation",
    "game.structural.japan.war_loss",
    "game.structural.korea.war_loss",
    "game.structural.japan.collapse_loss",
    "game.structural.korea.collapse_loss",
    "game.structural.retaliation_dilution",
    "game.structural.ptrl_retaliation",
    "game.structural.taiwan_deterrent",
    "game.structural.china_resolve",
    "game.structural.ptrl_value",
    "game.structural.delivery_efficiency",
    "game.structural.ptrl_leverage",
    "game.structural.us.integrated_deterrence.deterrent",
    "game.structural.us.integrated_deterrence.threshold",
    "game.structural.us.offshore_balancing.deterrent",
    "game.structural.us.offshore_balancing.threshold",
    "game.structural.us.war_loss",
    "game.structural.us.collapse_loss",
    "game.structural.us.integrated_deterrence.ambiguity",
    "game.structural.us.offshore_balancing.ambiguity",
    *(
        f"game.structural.beliefs.{country}.{key}"
        for country in ("japan", "korea")
        for key in ("resolve_spread", "resolve_bias", "threshold_bias", "collapse_loss_bias")
    ),
    "game.structural.horizon_years",
)
"""The uncertain inputs of the structural game that have labels of their own."""


def key_label(key: str, priors: Mapping[str, Any] | None = None) -> tuple[str, str | None]:
    """(name, unit) of a config key; unit ``None`` for a category (no unit).

    Known keys use the short units of docs/MODEL.md §3.2; other priors use the
    ``unit`` written in the config.
    """
    if key in LABELS:
        return LABELS[key].name, LABELS[key].unit
    prior = (priors or {}).get(key)
    return key.rsplit(".", 1)[-1].replace("_", " "), getattr(prior, "unit", None) or None


def key_symbol(key: str) -> str:
    """A compact name for legends: the symbol of docs/MODEL.md (``c_K``, ``θ``, ``α``)."""
    return LABELS[key].symbol if key in LABELS else key.rsplit(".", 1)[-1]


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

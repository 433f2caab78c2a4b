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
_WHO_ZH = {"japan": ("日本", "J"), "korea": ("韓國", "K")}
NAMES_ZH: dict[str, str] = {
    "game.structural.japan.balancing_cost": "日本每年的額外國防支出 c_J",
    "game.structural.korea.balancing_cost": "韓國每年的額外國防支出 c_K",
    "game.structural.japan.retaliation": "中國每年對日本的報復 r_J",
    "game.structural.korea.retaliation": "中國每年對韓國的報復 r_K",
    "game.structural.japan.war_loss": "美國介入之戰爭中日本的損失 W_J",
    "game.structural.korea.war_loss": "美國介入之戰爭中韓國的損失 W_K",
    "game.structural.japan.collapse_loss": "均勢崩潰時日本的損失 L_J",
    "game.structural.korea.collapse_loss": "均勢崩潰時韓國的損失 L_K",
    "game.structural.retaliation_dilution": "雙方皆制衡時的報復稀釋 ρ",
    "game.structural.ptrl_retaliation": "每投入 PTRL 一單位所招致的報復 ψ",
    "game.structural.taiwan_deterrent": "台灣的自身嚇阻力量 t",
    "game.structural.china_resolve": "中國的決心 a",
    "game.structural.ptrl_value": "台灣需求清單（PTRL）的金額 X",
    "game.structural.delivery_efficiency": "PTRL 出資的戰力轉換效率 κ",
    "game.structural.ptrl_leverage": "PTRL 對美國的槓桿 λ",
    "game.structural.us.integrated_deterrence.deterrent": "美國前沿嚇阻力量 d_US（整合嚇阻）",
    "game.structural.us.integrated_deterrence.threshold": "美國介入門檻 θ（整合嚇阻）",
    "game.structural.us.offshore_balancing.deterrent": "美國前沿嚇阻力量 d_US（離岸平衡）",
    "game.structural.us.offshore_balancing.threshold": "美國介入門檻 θ",
    "game.structural.us.war_loss": "美國參戰的代價 W_US",
    "game.structural.us.collapse_loss": "均勢崩潰時美國的損失 L_US",
    "game.structural.us.integrated_deterrence.ambiguity": "美國的模糊程度 σ_θ（整合嚇阻）",
    "game.structural.us.offshore_balancing.ambiguity": "美國的模糊程度 σ_θ",
    **{
        f"game.structural.beliefs.{country}.{key}": f"{who}{name} {symbol}_{c}"
        for country, (who, c) in _WHO_ZH.items()
        for key, name, symbol in (
            ("resolve_spread", "對中國決心的判讀誤差", "σ_a"),
            ("resolve_bias", "對中國決心的偏誤", "β_a"),
            ("threshold_bias", "對美國門檻的偏誤", "β_θ"),
            ("collapse_loss_bias", "所認知的崩潰利害", "β_L"),
        )
    },
    "policy.ptrl_share_japan": "日本負擔的 PTRL 比例 α",
    "policy.us_regime": "美國戰略",
    "policy.financing": "出資方式",
    "policy.pooled_shares.japan": "日本的共同出資比例",
    "policy.pooled_shares.korea": "韓國的共同出資比例",
    "policy.pooled_shares.others": "其他國家的共同出資比例",
    "game.structural.horizon_years": "期間 T",
    "game.structural.noise_sd": "報酬雜訊標準差",
    "game.ordinal.noise_sd": "序數雜訊標準差",
    "game.selection": "均衡選擇規則",
    "sampling.seed": "亂數種子",
    "sampling.sampler": "抽樣方法",
    "sampling.samples": "世界數",
}
"""Traditional Chinese names of :data:`LABELS` (the same keys; symbols as in docs/MODEL.md)."""
SYMBOLS_ZH: dict[str, str] = {
    "(integrated)": "（整合嚇阻）",
    "(offshore)": "（離岸平衡）",
    "σ_θ (integrated)": "σ_θ（整合嚇阻）",
    "US regime": "美國戰略",
    "financing": "出資方式",
    "japan": "日本",
    "korea": "韓國",
    "others": "其他國家",
    "noise_sd": "雜訊標準差",
    "selection": "選擇規則",
    "seed": "亂數種子",
    "sampler": "抽樣方法",
    "samples": "世界數",
}
"""Legend symbols that are words, in Traditional Chinese (mathematical symbols stay as they are)."""
UNITS_ZH: dict[str, str] = {
    "USD bn": "十億美元",
    "USD bn per year": "十億美元／年",
    "USD bn over the horizon": "十億美元（期間合計）",
    "USD bn per year of capability": "十億美元／年（戰力）",
    "USD bn per year of deterrent capability": "十億美元／年（嚇阻力量）",
    "USD bn per year of partner contribution": "十億美元／年（盟國貢獻）",
    "USD bn per USD bn": "每十億美元出資招致的十億美元",
    "USD bn of retaliation per USD bn paid into PTRL": "每投入 PTRL 十億美元招致的報復（十億美元）",
    "USD of counted contribution per USD paid into PTRL": "每美元 PTRL 出資計入的美元",
    "fraction": "比例",
    "fraction of solo retaliation": "單獨承受時的比例",
    "fraction of the list": "清單的比例",
    "capability per USD": "每美元的戰力",
    "capability per USD financed": "每美元出資的戰力",
    "counted USD per USD": "每美元計入的美元",
    "log-sd": "對數標準差",
    "log-sd of Japan's reading of China's resolve": "日本判讀中國決心的對數標準差",
    "log-sd of Korea's reading of China's resolve": "韓國判讀中國決心的對數標準差",
    "log-sd of the partners' reading of the US threshold": "盟國判讀美國門檻的對數標準差",
    "perceived / true China's resolve (median)": "認知值／真實值（中國決心，中位數）",
    "perceived / true US threshold (median)": "認知值／真實值（美國門檻，中位數）",
    "perceived / true own collapse loss": "認知值／真實值（自身崩潰損失）",
    "ratio": "比值",
    "years": "年",
    "rank points": "序數點",
    "count": "個",
    "probability": "機率",
}
"""Units as the Traditional Chinese study pages write them (money stays in USD bn: 十億美元)."""
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


def key_label(key: str, priors: Mapping[str, Any] | None = None, lang: str = "en") -> tuple[str, str | None]:
    """(name, unit) of a config key in ``lang`` (``en`` or ``zh-TW``); unit ``None`` for a category (no unit).

    Known keys use the short units of docs/MODEL.md §3.2; other priors use the
    ``unit`` written in the config (translated when :data:`UNITS_ZH` knows it).
    """
    zh = lang == "zh-TW"
    if key in LABELS:
        unit = LABELS[key].unit
        return (NAMES_ZH[key] if zh else LABELS[key].name), (unit_label(unit, lang) if unit else None)
    prior = (priors or {}).get(key)
    unit = getattr(prior, "unit", None) or None
    return key.rsplit(".", 1)[-1].replace("_", " "), (unit_label(unit, lang) if unit else None)


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit as written in ``lang``; units without a translation are kept as written."""
    return UNITS_ZH.get(unit, unit) if lang == "zh-TW" else unit


def key_symbol(key: str, lang: str = "en") -> str:
    """A compact name for legends: the symbol of docs/MODEL.md (``c_K``, ``θ``, ``α``)."""
    if key not in LABELS:
        return key.rsplit(".", 1)[-1]
    symbol = LABELS[key].symbol
    return SYMBOLS_ZH.get(symbol, symbol) if lang == "zh-TW" else symbol


def symbol_is_name(key: str) -> bool:
    """Whether the legend symbol of ``key`` is a word rather than a mathematical symbol (``US regime``)."""
    return key in LABELS and LABELS[key].symbol in SYMBOLS_ZH


def axis_label(
    key: str,
    priors: Mapping[str, Any] | None = None,
    categorical: bool = False,
    wrap: bool = False,
    lang: str = "en",
) -> str:
    """An axis title with its unit in brackets (``category`` for a categorical axis)."""
    name, unit = key_label(key, priors, lang)
    zh = lang == "zh-TW"
    unit = ("類別" if zh else "category") if categorical else (unit or ("設定值" if zh else "config value"))
    return f"{name}{chr(10) if wrap else ' '}[{unit}]"


def short(key: str) -> str:
    """A compact name for tables: the key without ``game.structural.``."""
    return key.removeprefix("game.structural.")


def format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

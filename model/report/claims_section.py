"""The paper's claims, tested: the report's section, read from the run's ``claims.csv``.

The run evaluates the claims (:mod:`model.claims`) on its own worlds and writes every
measure as numbers, with the claims' wording in both languages; this module only
reads that file and turns it into sentences, a table and a chart of the paired
differences with their 95 % intervals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.outputs import OUTPUTS, PROBABILITY
from model.report import theme
from model.report.tables import Table
from model.report.text import Text

CLAIMS_FILE = "claims.csv"
RULES_FILE = "selection_rules.csv"
VERDICT_KEYS = {
    "supported": "verdict_supported",
    "contradicted": "verdict_contradicted",
    "not distinguishable from zero": "verdict_undecided",
    "mixed": "verdict_mixed",
}
VERDICT_COLOURS = theme.VERDICT_COLOURS


def load_claims(run_dir: Path) -> pd.DataFrame | None:
    """The run's claims, or None when it has none (ordinal runs, older runs)."""
    path = Path(run_dir) / CLAIMS_FILE
    if not path.is_file():
        return None
    frame = pd.read_csv(path)
    return frame if len(frame) else None


def _lang(tx: Text) -> str:
    return "zh_tw" if tx.zh else "en"


def _amount(tx: Text, value: float, unit: str, signed: bool = False) -> str:
    """A level, or with ``signed`` a difference (percentage points for probabilities)."""
    if unit == PROBABILITY:
        return tx.pp(value) if signed else tx.pct(value)
    text = tx.money(value)
    return f"+{text}" if signed and value > 0 else text


def claim_sentences(frame: pd.DataFrame, tx: Text) -> list[str]:
    """One paragraph per claim: its paraphrase, verdict, first measure and where it holds."""
    lang = _lang(tx)
    out = []
    for n, (_, group) in enumerate(frame.groupby("claim", sort=False), start=1):
        first = group.iloc[0]
        unit = first["unit"]
        sentence = tx(
            "claims_sentence",
            n=n,
            claim=first[f"claim_{lang}"],
            verdict=tx(VERDICT_KEYS[first["claim_verdict"]]),
            measure=first[f"quantity_{lang}"],
            reference=_amount(tx, first["reference"], unit),
            treatment=_amount(tx, first["treatment"], unit),
            difference=_amount(tx, first["difference"], unit, signed=True),
            low=_amount(tx, first["difference_low_95"], unit, signed=True),
            high=_amount(tx, first["difference_high_95"], unit, signed=True),
        )
        space = "" if tx.zh else " "
        if isinstance(first["box"], str) and first["box"]:
            sentence += space + tx("claims_where", share=tx.pct(first["holds_share"]), box=first["box"])
        if len(group) > 1:
            others = [
                f"{row[f'quantity_{lang}']}: {tx(VERDICT_KEYS[row['verdict']])}" for _, row in group.iloc[1:].iterrows()
            ]
            sentence += space + tx("claims_others", others="; ".join(others))
        out.append(sentence)
    return out


def claims_table(frame: pd.DataFrame, tx: Text) -> Table:
    """Every measure: both arms, the paired difference with its interval, the verdict."""
    lang = _lang(tx)
    number = {claim: n for n, claim in enumerate(dict.fromkeys(frame["claim"]), start=1)}
    rows = []
    for _, r in frame.iterrows():
        rows.append(
            {
                "claim": r["claim"],
                "quantity": r["quantity"],
                "label": f"{number[r['claim']]}. {r[f'quantity_{lang}']}",
                "unit": r["unit"],
                "reference": r["reference"],
                "treatment": r["treatment"],
                "difference": r["difference"],
                "difference_se": r["difference_se"],
                "difference_low": r["difference_low_95"],
                "difference_high": r["difference_high_95"],
                "verdict": r["verdict"],
            }
        )
    headers = {
        "claim": tx("t_claim"),
        "quantity": tx("t_code"),
        "label": tx("t_label"),
        "unit": tx("t_unit"),
        "reference": tx("t_reference_arm"),
        "treatment": tx("t_treatment_arm"),
        "difference": tx("t_difference"),
        "difference_se": tx("t_se"),
        "difference_low": tx("t_low"),
        "difference_high": tx("t_high"),
        "verdict": tx("t_verdict"),
    }
    return Table(pd.DataFrame(rows), headers)


def claims_chart(table: Table, tx: Text) -> Figure:
    """Each measure's paired difference with its 95 % interval, probabilities and money
    in their own panels, coloured by verdict."""
    frame = table.frame
    panels = [(unit, frame[frame["unit"] == unit]) for unit in dict.fromkeys(frame["unit"])]
    fig, axes = theme.new_figure(
        tx("chart_claims"),
        tx("chart_claims_sub"),
        ncols=len(panels),
        **({"width_ratios": [1] * len(panels)} if len(panels) > 1 else {}),
    )
    axes = np.atleast_1d(axes)
    for ax, (unit, part) in zip(axes, panels, strict=True):
        scale = 100.0 if unit == PROBABILITY else tx.money_scale
        y = np.arange(len(part))[::-1]
        colours = [VERDICT_COLOURS.get(v, theme.GREY) for v in part["verdict"]]
        diff = part["difference"].to_numpy(float) * scale
        low = part["difference_low"].to_numpy(float) * scale
        high = part["difference_high"].to_numpy(float) * scale
        ax.barh(y, diff, color=colours, height=0.6)
        ax.errorbar(diff, y, xerr=[diff - low, high - diff], fmt="none", ecolor=theme.INK, capsize=3, lw=1)
        ax.axvline(0.0, color=theme.INK, linewidth=0.8)
        ax.set_yticks(y, ["\n".join(theme.wrap_label(label, 46)) for label in part["label"]], fontsize=8)
        ax.set_xlabel(tx("claims_axis_pp") if unit == PROBABILITY else tx("claims_axis_money", unit=tx.money_unit))
    return fig


def rules_grid(run_dir: Path, tx: Text) -> tuple[list[str], list[list[str]]] | None:
    """How far the equilibrium-selection rule alone moves each headline output: headers
    and rows (the run's rule, the lowest and the highest estimate across rules), or None
    without the file."""
    from model.rules import rule_ranges

    path = Path(run_dir) / RULES_FILE
    if not path.is_file():
        return None
    table = pd.read_csv(path)
    if not len(table):
        return None
    lang = "zh-TW" if tx.zh else "en"
    rows = []
    for _, r in rule_ranges(table).iterrows():
        out = OUTPUTS[r["output"]]
        rows.append(
            [
                out.label[lang],
                _amount(tx, r["own_rule_value"], out.unit),
                f"{_amount(tx, r['low'], out.unit)} ({tx.selection(r['low_rule'])})",
                f"{_amount(tx, r['high'], out.unit)} ({tx.selection(r['high_rule'])})",
            ]
        )
    return [tx("col_quantity"), tx("rules_own"), tx("rules_low"), tx("rules_high")], rows

"""HTML fragments of the live view: headline cards, status line, pins and claims tables.

Every number is shown with its 95 % interval or standard error. Each headline card
carries its estimate's exact value (``repr`` of the float) in ``data-value``, so a
test can compare it with ``offshore run`` bit for bit.
"""

from __future__ import annotations

import math

import pandas as pd
from shiny import ui

from model.app.compute import LiveView, headline
from model.outputs import Estimate, Output


def _amount(value: float, probability: bool) -> str:
    return f"{100 * value:.2f} %" if probability else f"{value:,.1f}"


def _interval(e: Estimate, probability: bool) -> str:
    unit = " pp" if probability else ""
    se = 100 * e.se if probability else e.se
    return f"95 % CI {_amount(e.low, probability)} to {_amount(e.high, probability)} · SE {se:.3g}{unit}"


def _card(out: Output, e: Estimate):
    probability = out.is_probability
    unit = "" if probability else " USD bn"
    return ui.div(
        ui.div(out.label["en"], class_="label"),
        ui.div(_amount(e.value, probability) + unit, class_="value"),
        ui.div(_interval(e, probability), class_="ci"),
        class_="card-h",
        id=f"headline-{out.name}",
        data_output=out.name,
        data_value=repr(e.value),
        data_se=repr(e.se),
    )


def headline_cards(view: LiveView):
    """One card per live headline output."""
    return ui.div(*(_card(out, e) for out, e in headline(view.ds)), class_="headline")


def status_line(view: LiveView, next_samples: int, fixed: bool) -> str:
    cfg = view.loaded.config
    policy = cfg.policy
    size = "fixed" if fixed else f"the next change uses {next_samples:,} worlds"
    rule = cfg.game.selection.replace("_", " ")
    return (
        f"{view.worlds:,} worlds · seed {cfg.sampling.seed} · {policy.us_regime.replace('_', ' ')}, "
        f"{policy.financing.replace('_', ' ')}, α {policy.ptrl_share_japan:g}, {rule} · "
        f"config {view.loaded.hash} · computed in {view.seconds:.2f} s ({size})"
    )


def pins_table(frame: pd.DataFrame, worlds: int):
    """Outputs down, pins across: each pin's estimate, and from the second on its paired
    difference from the first with a 95 % interval."""
    if frame.empty:
        return ui.p("No scenario pinned yet.")
    pins = list(dict.fromkeys(frame["pin"]))
    head = ui.tags.tr(ui.tags.th("output"), *(ui.tags.th(p) for p in pins))
    rows = []
    for name, part in frame.groupby("output", sort=False):
        probability = part["unit"].iloc[0] == "probability"
        cells = []
        for _, r in part.iterrows():
            e = Estimate.of(r["value"], r["se"], probability)
            text = f"{_amount(e.value, probability)} [{_amount(e.low, probability)}, {_amount(e.high, probability)}]"
            if not math.isnan(r["difference"]):
                d = f"{r['difference'] * (100 if probability else 1):+.3g}{' pp' if probability else ''}"
                lo = r["difference_low"] * (100 if probability else 1)
                hi = r["difference_high"] * (100 if probability else 1)
                text += f"; Δ vs first {d} [{lo:+.3g}, {hi:+.3g}]"
            cells.append(ui.tags.td(text, data_output=name))
        rows.append(ui.tags.tr(ui.tags.td(part["label"].iloc[0]), *cells))
    note = ui.p(f"Paired on the same {worlds:,} worlds (common random numbers); 95 % intervals.", class_="status")
    return ui.TagList(note, ui.tags.table(ui.tags.thead(head), ui.tags.tbody(*rows), class_="live"))


def claims_table(rows: list[dict]):
    """The report's claims table: both arms, the paired difference and its verdict."""
    head = ui.tags.tr(
        *(ui.tags.th(h) for h in ("measure", "reference", "treatment", "difference [95 % CI]", "verdict"))
    )
    body = [
        ui.tags.tr(
            ui.tags.td(r["label"]),
            ui.tags.td(f"{r['reference']:.4g}"),
            ui.tags.td(f"{r['treatment']:.4g}"),
            ui.tags.td(f"{r['difference']:+.4g} [{r['difference_low']:+.4g}, {r['difference_high']:+.4g}]"),
            ui.tags.td(r["verdict"]),
        )
        for r in rows
    ]
    return ui.tags.table(ui.tags.thead(head), ui.tags.tbody(*body), class_="live")


__all__ = ["claims_table", "headline_cards", "pins_table", "status_line"]

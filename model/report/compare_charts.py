"""Charts of a comparison report: several runs side by side, one row per run.

Like :mod:`model.report.charts`, each function draws a 16:9 Figure from its table and
saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model.constants import COMPONENTS, PROFILES
from model.report import theme
from model.report.axes import clean, fmt_money, fmt_pct, inside_label, legend_below, thousands, xerr
from model.report.rundata import RunData
from model.report.tables import OUTCOMES, Table
from model.report.text import Text, format_number


def _dot_plot(
    ax,
    frame: pd.DataFrame,
    runs_order: list[str],
    series: list[tuple[str, str, tuple]],
    column: str,
) -> tuple[dict, list]:
    """Points with interval bars: one row per run, one marker per series.

    Returns the legend handles and the points, for :func:`_label_points`.
    """
    handles = {}
    n = len(series)
    step = 0.22 if n > 1 else 0.0
    base = np.arange(len(runs_order))[::-1].astype(float)
    points = []
    for i, (code, label, colour) in enumerate(series):
        rows = frame[frame["code"] == code].set_index("run_label").reindex(runs_order)
        offset = ((n - 1) / 2 - i) * step
        handles[label] = ax.errorbar(
            rows[column],
            base + offset,
            xerr=xerr(rows.fillna(0), column),
            fmt="o",
            color=colour,
            ecolor=colour,
            capsize=3,
            ms=7,
            lw=1.5,
        )
        for yi, value, hi in zip(base + offset, rows[column], rows[f"{column}_high"], strict=True):
            if np.isfinite(value):
                points.append((float(hi), float(yi), float(value), colour))
    ax.set_yticks(base, [_wrap_run(r) for r in runs_order])
    ax.set_ylim(base.min() - 0.6, base.max() + 0.6)
    return handles, points


def _label_points(ax, points: list, fmt) -> None:
    """Write each dot's value just right of its interval (call once the x range is set)."""
    pad = 0.012 * (ax.get_xlim()[1] - ax.get_xlim()[0])
    for hi, y, value, colour in points:
        ax.text(hi + pad, y, fmt(value), va="center", ha="left", fontsize=9, color=colour)


def _wrap_run(label: str) -> str:
    for sep in (" · ", "・"):
        if sep in label:
            head, tail = label.split(sep, 1)
            return f"{head}\n{tail}"
    return label


def cmp_outcomes(table: Table, runs: Sequence[RunData], tx: Text) -> Figure:
    frame = table.frame
    order = list(dict.fromkeys(frame["run_label"]))
    fig, ax = theme.new_figure(tx("chart_cmp_outcomes"))
    series = [(code, tx(f"outcome_label_{code}"), theme.OUTCOME_COLOURS[code]) for code, _ in OUTCOMES]
    handles, points = _dot_plot(ax, frame, order, series, "value")
    ax.set_xlabel(tx("axis_probability"))
    ax.set_xlim(0, 105)
    _label_points(ax, points, fmt_pct)
    clean(ax)
    legend_below(fig, list(handles.values()), list(handles), ncol=len(handles))
    return fig


def cmp_played(table: Table, runs: Sequence[RunData], tx: Text) -> Figure:
    frame = table.frame
    order = list(dict.fromkeys(frame["run_label"]))
    fig, ax = theme.new_figure(tx("chart_cmp_played"))
    y = np.arange(len(order))[::-1]
    left = np.zeros(len(order))
    handles, labels = [], []
    for profile in PROFILES:
        values = frame[frame["code"] == profile].set_index("run_label").reindex(order)["value"].to_numpy(float)
        bars = ax.barh(
            y,
            values,
            left=left,
            color=theme.PROFILE_COLOURS[profile],
            height=0.62,
            edgecolor="white",
        )
        for yi, v, l0 in zip(y, values, left, strict=True):
            if v >= 6:
                inside_label(ax, l0 + v / 2, yi, f"{v:.0f}%")
        left = left + values
        handles.append(bars)
        labels.append(tx.profile_short(profile))
    ax.set_yticks(y, [_wrap_run(r) for r in order])
    ax.set_xlim(0, 100)
    ax.set_xlabel(tx("axis_probability"))
    clean(ax)
    legend_below(fig, handles, labels, ncol=4)
    return fig


def cmp_burden(table: Table, runs: Sequence[RunData], tx: Text) -> Figure:
    frame = table.frame
    order = list(dict.fromkeys(frame["run_label"]))
    years = format_number(runs[0].horizon)
    fig, ax = theme.new_figure(tx("chart_cmp_burden"))
    series = [(c, tx.country(c), theme.COUNTRY_COLOURS[c]) for c in ("japan", "korea")]
    handles, points = _dot_plot(ax, frame, order, series, "burden")
    base = np.arange(len(order))[::-1].astype(float)
    for i, (code, _label, colour) in enumerate(series):
        rows = frame[frame["code"] == code].set_index("run_label").reindex(order)
        offset = (0.5 - i) * 0.22
        ax.scatter(
            rows["var95"],
            base + offset,
            marker="D",
            s=42,
            facecolors="white",
            edgecolors=colour,
            linewidths=1.6,
            zorder=3,
        )
    # the VaR marker's legend entry in neutral ink: it stands for both partners
    handles[tx("legend_var_marker")] = Line2D([], [], ls="none", marker="D", ms=7, mfc="white", mec=theme.INK, mew=1.6)
    ax.set_xlabel(tx("axis_burden", unit=tx.money_unit, years=years))
    ax.set_xlim(0, float(frame["var95"].max()) * 1.08)
    _label_points(ax, points, fmt_money)
    ax.xaxis.set_major_formatter(thousands())
    clean(ax)
    legend_below(fig, list(handles.values()), list(handles), ncol=len(handles))
    return fig


def cmp_components(table: Table, runs: Sequence[RunData], tx: Text) -> Figure:
    frame = table.frame
    order = list(dict.fromkeys(frame["run_label"]))
    years = format_number(runs[0].horizon)
    fig, ax = theme.new_figure(tx("chart_cmp_components"))
    y = np.arange(len(order))[::-1]
    left = np.zeros(len(order))
    handles, labels = [], []
    totals = frame[frame["code"] == "total"].set_index("run_label").reindex(order)
    for component in COMPONENTS:
        values = frame[frame["code"] == component].set_index("run_label").reindex(order)["burden"].to_numpy(float)
        if np.all(np.abs(values) < 1e-9):
            continue
        bars = ax.barh(
            y,
            values,
            left=left,
            color=theme.COMPONENT_COLOURS[component],
            height=0.62,
            edgecolor="white",
        )
        left = left + values
        handles.append(bars)
        labels.append(tx.component(component))
    ax.errorbar(totals["burden"], y, xerr=xerr(totals, "burden"), fmt="none", ecolor=theme.INK, capsize=3)
    ax.set_xlim(0, float(totals["burden_high"].max()) * 1.15)
    pad = 0.012 * ax.get_xlim()[1]
    for yi, v, hi in zip(y, totals["burden"], totals["burden_high"], strict=True):
        ax.text(hi + pad, yi, fmt_money(v), va="center", fontsize=10.5, **theme.strong())
    ax.set_yticks(y, [_wrap_run(r) for r in order])
    ax.set_xlabel(tx("axis_burden_japan", unit=tx.money_unit, years=years))
    ax.xaxis.set_major_formatter(thousands())
    clean(ax)
    legend_below(fig, handles, labels, ncol=len(labels))
    return fig


def cmp_commitment(table: Table, runs: Sequence[RunData], tx: Text) -> Figure:
    frame = table.frame
    order = list(dict.fromkeys(frame["run_label"]))
    fig, ax = theme.new_figure(tx("chart_cmp_commitment"))
    series = [
        ("korea_passes", tx("legend_korea_passes"), theme.ORANGE),
        ("both_pass", tx("legend_both_pass"), theme.VARIANT_COLOURS["simultaneous"]),
    ]
    handles, points = _dot_plot(ax, frame, order, series, "value")
    ax.set_xlabel(tx("axis_probability"))
    ax.set_xlim(0, 105)
    _label_points(ax, points, fmt_pct)
    clean(ax)
    legend_below(fig, list(handles.values()), list(handles), ncol=len(handles))
    return fig

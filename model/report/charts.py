"""One function per chart of a one-run report, each drawing a 16:9 Figure from its table.

Every function takes the chart's :class:`~model.report.tables.Table` (display units:
percent and the report's money unit), the run and the :class:`Text` of the report's
language, and returns a Figure; nothing is saved here (:mod:`model.report.chartfiles`
does). Structural-only charts (burden, outcomes) are not called for ordinal runs. The
charts that set several runs side by side are in :mod:`model.report.compare_charts`.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import LogLocator, NullFormatter

from model.constants import COMPONENTS
from model.report import theme
from model.report.axes import (
    clean,
    compact_counts,
    fit_titles,
    fmt_money,
    fmt_pct,
    heat_map,
    inside_label,
    legend_below,
    thousands,
    xerr,
)
from model.report.rundata import RunData
from model.report.tables import Table
from model.report.text import Text, format_number


def game_table(table: Table, run: RunData, tx: Text) -> Figure:
    """The paper's 2x2 table, Monte Carlo version."""
    frame = table.frame.set_index("code")
    subtitle = tx("chart_game_table_sub" if run.structural else "chart_game_table_sub_ordinal")
    fig, ax = theme.new_figure(tx("chart_game_table"), subtitle)
    cmap = theme.sequential_cmap()
    for r, japan in enumerate("BP"):
        for c, korea in enumerate("BP"):
            row = frame.loc[japan + korea]
            played = float(row["played"])
            x, y = c, 1 - r
            ax.add_patch(Rectangle((x, y), 1, 1, facecolor=cmap(0.08 + 0.8 * played / 100), edgecolor="white", lw=4))
            dark = played > 55
            ink = "white" if dark else theme.INK
            soft = "#f2f2f2" if dark else theme.MUTED
            cx = x + 0.5
            ax.text(cx, y + 0.89, tx("cell_played"), ha="center", va="center", fontsize=10.5, color=soft)
            ax.text(
                cx,
                y + 0.75,
                fmt_pct(played),
                ha="center",
                va="center",
                fontsize=24,
                color=ink,
                **theme.strong(ink, 1.0),
            )
            ci = tx(
                "cell_ci",
                lo=fmt_pct(max(row["played_low"], 0)),
                hi=fmt_pct(min(row["played_high"], 100)),
            )
            ax.text(cx, y + 0.615, ci, ha="center", va="center", fontsize=9.5, color=soft)
            ax.text(
                cx,
                y + 0.49,
                tx("cell_equilibrium", p=fmt_pct(row["pure_ne"])),
                ha="center",
                va="center",
                fontsize=11,
                color=ink,
            )
            if run.structural:
                head = tx("cell_burden", years=format_number(run.horizon))
                values = [tx.money(row[f"burden_{c}"] / tx.money_scale) for c in ("japan", "korea")]
            else:
                head = tx("cell_payoff")
                values = [f"{row[f'payoff_{c}']:.2f}" for c in ("japan", "korea")]
            ax.text(cx, y + 0.355, head, ha="center", va="center", fontsize=9.5, color=soft)
            for i, (country, value) in enumerate(zip(("japan", "korea"), values, strict=True)):
                ax.text(
                    cx,
                    y + 0.235 - 0.12 * i,
                    tx("cell_country_value", country=tx.country(country), value=value),
                    ha="center",
                    va="center",
                    fontsize=11,
                    color=ink,
                )
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([0.5, 1.5], [tx("col_B"), tx("col_P")], fontsize=12.5, **theme.strong())
    ax.set_yticks([1.5, 0.5], [tx("row_B"), tx("row_P")], fontsize=12.5, **theme.strong())
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_aspect("auto")
    fig.get_layout_engine().set(w_pad=0.1)  # the bold "J" of "Japan" reaches left of its text box
    mappable = _scalar_mappable(cmap)
    bar = fig.colorbar(mappable, ax=ax, fraction=0.035, pad=0.02)
    bar.set_label(f"{tx('cell_played')} (%)")
    bar.outline.set_visible(False)
    return fig


def _scalar_mappable(cmap):
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    shown = LinearSegmentedColormap.from_list("shown", [cmap(0.08 + 0.8 * v) for v in np.linspace(0, 1, 64)])
    return ScalarMappable(norm=Normalize(0, 100), cmap=shown)


def eq_sets(table: Table, run: RunData, tx: Text) -> Figure:
    """Equilibrium-set frequencies with 95% intervals."""
    frame = table.frame
    fig, ax = theme.new_figure(tx("chart_eq_sets"))
    y = np.arange(len(frame))[::-1]
    ax.barh(
        y,
        frame["share"],
        xerr=xerr(frame, "share"),
        color=theme.BLUE,
        height=0.62,
        error_kw={"ecolor": theme.INK, "capsize": 3, "lw": 1},
    )
    for yi, value, hi in zip(y, frame["share"], frame["share_high"], strict=True):
        ax.text(hi + 0.6, yi, fmt_pct(value), va="center", ha="left", fontsize=11)
    ax.set_yticks(y, frame["label"])
    top = float(frame["share_high"].max()) if len(frame) else 1.0
    ax.set_xlim(0, max(top * 1.15, 1.0))
    ax.set_xlabel(tx("axis_share_worlds"))
    clean(ax)
    return fig


def game_types(table: Table, run: RunData, tx: Text) -> Figure:
    """Japan's game type against Korea's, as a heat map of the share of worlds."""
    frame = table.frame
    order = [str(v) for v in run.ds.japan_type.values]
    japan = [t for t in order if t in set(frame["japan_code"])]
    korea = [t for t in order if t in set(frame["korea_code"])]
    grid = pd.DataFrame(0.0, index=japan, columns=korea)
    for _, row in frame.iterrows():
        grid.loc[row["japan_code"], row["korea_code"]] = row["share"]
    annot = grid.map(lambda v: fmt_pct(v) if v > 0 else "–")
    fig, ax = theme.new_figure(tx("chart_game_types"))
    heat_map(
        ax,
        grid.to_numpy(),
        [tx.game_type(t) for t in japan],
        [tx.game_type(t) for t in korea],
        annot.to_numpy(),
        cmap=theme.sequential_cmap(),
        vmin=0,
        vmax=max(float(grid.values.max()), 1.0),
        bar_label=tx("axis_share_worlds"),
    )
    ax.set_xlabel(tx("axis_korea_type"), **theme.strong())
    ax.set_ylabel(tx("axis_japan_type"), **theme.strong())
    ax.tick_params(length=0)
    _fit_columns(ax, len(korea))
    return fig


def _fit_columns(ax, count: int) -> None:
    """Column labels of the heat map wrapped to their column's width (never inside
    parentheses), in smaller type when a single word is wider than its column."""
    size = matplotlib.rcParams["xtick.labelsize"]
    size = size if isinstance(size, float | int) else theme.REPORT.tick_size
    column = 0.95 * theme.REPORT.width * 0.72 / max(count, 1)  # inches: the map takes ~72% of the width
    longest = max(  # the widest piece no line break may split
        (theme.display_width(piece) for t in ax.get_xticklabels() for piece in theme.wrap_label(t.get_text(), 1)),
        default=1,
    )
    if longest > theme.columns(column, size):
        size = max(7.5, size * theme.columns(column, size) / longest)
    width = theme.columns(column, size)
    texts = ["\n".join(theme.wrap_label(t.get_text(), width)) for t in ax.get_xticklabels()]
    ax.set_xticklabels(texts, rotation=0, fontsize=size)


def burden_distribution(table: Table, run: RunData, tx: Text) -> Figure:
    """Japan's burden across worlds with the mean, median, VaR and CVaR marked.

    Two notes make the histogram read right: the share of worlds where Japan pays
    nothing (the bar at zero) and, when the last bar also holds the tail beyond the
    chart's range, how many worlds it holds and how far the tail reaches.
    """
    from model.report.distribution import japan_burden_sample

    frame = table.frame
    hist = frame[frame["series"] == "histogram"]
    markers = frame[frame["series"] == "marker"].set_index("code")
    years = format_number(run.horizon)
    fig, ax = theme.new_figure(tx("chart_burden_dist"))
    var = float(markers.loc["var95", "value"])
    width = (hist["bin_high"] - hist["bin_low"]).to_numpy(float)
    tail = hist["bin_low"].to_numpy(float) >= var - 1e-9
    colours = [theme.RED if t else theme.BLUE for t in tail]
    ax.bar(
        hist["bin_low"],
        hist["share"],
        width=width,
        align="edge",
        color=colours,
        alpha=0.55,
        edgecolor="white",
        linewidth=0.4,
    )
    lines = [
        ("mean", "legend_mean", theme.INK, "-", 2.0),
        ("median", "legend_median", theme.GREY, ":", 2.0),
        ("var95", "legend_var", theme.RED, "--", 2.0),
        ("cvar95", "legend_cvar", theme.RED, "-", 2.4),
    ]
    handles, labels = [], []
    for code, key, colour, dash, lw in lines:
        if code not in markers.index:
            continue
        value = float(markers.loc[code, "value"])
        handles.append(ax.axvline(value, color=colour, ls=dash, lw=lw))
        labels.append(tx(key, v=tx.money(value / tx.money_scale)))
    handles.append(Patch(color=theme.RED, alpha=0.55))
    labels.append(tx("legend_tail"))
    legend_below(fig, handles, labels, ncol=len(labels))
    ax.set_xlabel(tx("axis_burden_japan", unit=tx.money_unit, years=years))
    ax.set_ylabel(tx("axis_density"))
    ax.set_xlim(0, float(hist["bin_high"].max()))
    ax.set_ylim(0, float(hist["share"].max()) * 1.3)  # headroom for the notes
    ax.xaxis.set_major_formatter(thousands())
    clean(ax, "y")
    sample = japan_burden_sample(run)
    if sample is not None and len(hist):
        first = hist.iloc[0]
        _note_nothing_paid(ax, sample, (first["bin_low"] + first["bin_high"]) / 2, float(first["share"]), tx)
        _note_tail(ax, sample, hist, tx)
    return fig


NOTE = {
    "fontsize": 9.5,
    "color": theme.INK,
    "bbox": {"boxstyle": "round,pad=0.3", "fc": "white", "ec": "none", "alpha": 0.9},
}
ARROW = {"arrowstyle": "->", "color": theme.MUTED, "lw": 1.0}


def _note_nothing_paid(ax, sample, x: float, height: float, tx: Text) -> None:
    """The spike at zero explained: the share of worlds where Japan pays nothing."""
    share = sample.zero_share
    if share <= 0:
        return
    text = "\n".join(theme.wrap_label(tx("note_nothing_paid", share=fmt_pct(100 * share)), 36))
    ax.annotate(
        text,
        xy=(x, height),
        xytext=(0.012 * ax.get_xlim()[1], 0.97 * ax.get_ylim()[1]),
        ha="left",
        va="top",
        arrowprops=ARROW,
        **NOTE,
    )


def _note_tail(ax, sample, hist, tx: Text) -> None:
    """The last bar labelled when it also holds the tail beyond the chart's range."""
    scale = tx.money_scale
    top = float(hist["bin_high"].iloc[-1])
    low = float(hist["bin_low"].iloc[-1])
    if sample.maximum * scale <= top * (1 + 1e-9):
        return
    text = tx(
        "note_last_bar",
        low=fmt_money(low),
        n=tx.count(sample.at_least(low / scale)),
        max=fmt_money(sample.maximum * scale),
    )
    ax.annotate(
        "\n".join(theme.wrap_label(text, 36)),
        xy=((low + top) / 2, float(hist["share"].iloc[-1])),
        xytext=(0.985 * top, 0.97 * ax.get_ylim()[1]),
        ha="right",
        va="top",
        arrowprops=ARROW,
        **NOTE,
    )


def burden_components(table: Table, run: RunData, tx: Text) -> Figure:
    """Expected burden per partner, stacked by component, with the total and its interval."""
    frame = table.frame
    years = format_number(run.horizon)
    fig, ax = theme.new_figure(tx("chart_components"))
    countries = ("japan", "korea")
    y = np.arange(len(countries))[::-1]
    left = np.zeros(len(countries))
    handles, labels = [], []
    for component in COMPONENTS:
        part = frame[frame["component"] == component].set_index("country").loc[list(countries)]
        values = part["burden"].to_numpy(float)
        if np.all(np.abs(values) < 1e-9):
            continue
        bars = ax.barh(
            y,
            values,
            left=left,
            color=theme.COMPONENT_COLOURS[component],
            height=0.55,
            edgecolor="white",
            linewidth=1,
        )
        for yi, v, l0 in zip(y, values, left, strict=True):
            if v > 0.07 * max(frame[frame["component"] == "total"]["burden"].max(), 1e-9):
                inside_label(ax, l0 + v / 2, yi, fmt_money(v))
        left = left + values
        handles.append(bars)
        labels.append(tx.component(component))
    totals = frame[frame["component"] == "total"].set_index("country").loc[list(countries)]
    ax.errorbar(
        totals["burden"],
        y,
        xerr=xerr(totals, "burden"),
        fmt="none",
        ecolor=theme.INK,
        capsize=4,
        lw=1.2,
    )
    pad = 0.012 * float(totals["burden_high"].max()) * 1.28
    for yi, (_, row) in zip(y, totals.iterrows(), strict=True):
        ax.text(
            row["burden_high"] + pad,
            yi,
            f"{tx.money(row['burden'] / tx.money_scale)}\n"
            f"({fmt_money(row['burden_low'])}–{fmt_money(row['burden_high'])})",
            va="center",
            ha="left",
            fontsize=11,
            **theme.strong(),
        )
    ax.set_yticks(y, [tx.country(c) for c in countries], fontsize=13, **theme.strong())
    ax.set_xlim(0, float(totals["burden_high"].max()) * 1.28)
    ax.set_xlabel(tx("axis_burden", unit=tx.money_unit, years=years))
    ax.xaxis.set_major_formatter(thousands())
    clean(ax)
    legend_below(fig, handles, labels, ncol=len(labels))
    return fig


def commitment(table: Table, run: RunData, tx: Text) -> Figure:
    """Simultaneous game against Japan's commitment to balance and Japan as leader."""
    frame = table.frame
    years = format_number(run.horizon)
    if run.structural:
        fig, axes = theme.new_figure(tx("chart_commitment"), ncols=3, width_ratios=[1.25, 1, 1])
    else:
        fig, axes = theme.new_figure(tx("chart_commitment"), ncols=1)
        axes = [axes]
    series = [
        ("simultaneous", "legend_simultaneous"),
        ("commit", "legend_commit"),
        ("leader", "legend_leader"),
    ]
    panels = [("profiles", tx("panel_profiles"), tx("axis_probability"))]
    if run.structural:
        panels += [
            ("outcomes", tx("panel_outcomes"), tx("axis_probability")),
            ("burden", tx("panel_burden"), f"{tx.money_unit}, {tx('years', years=years)}"),
        ]
    handles = {}
    titles = []
    for ax, (panel, title, xlabel) in zip(axes, panels, strict=True):
        part = frame[frame["panel"] == panel]
        codes = list(dict.fromkeys(part["code"]))
        present = [s for s in series if s[0] in set(part["series"])]
        height = 0.8 / len(present)
        base = np.arange(len(codes))[::-1].astype(float)
        for i, (name, key) in enumerate(present):
            rows = part[part["series"] == name].set_index("code").loc[codes]
            offset = (len(present) - 1) / 2 * height - i * height
            h = ax.barh(
                base + offset,
                rows["value"],
                height=height * 0.92,
                color=theme.VARIANT_COLOURS[name],
                xerr=xerr(rows, "value"),
                error_kw={"ecolor": theme.INK, "capsize": 2, "lw": 0.8},
            )
            handles[key] = h
            for yi, v, hi in zip(base + offset, rows["value"], rows["value_high"], strict=True):
                label = fmt_pct(v) if panel != "burden" else fmt_money(v)
                ax.text(
                    hi + (0.012 * ax.get_xlim()[1] if panel == "burden" else 1.0),
                    yi,
                    label,
                    va="center",
                    fontsize=8.5,
                    color=theme.MUTED,
                )
        labels = list(part.drop_duplicates("code")["label"])
        ax.set_yticks(base, [_short(label, tx) for label in labels])
        titles.append((ax, ax.set_title(title, loc="left", fontsize=12, **theme.strong())))
        ax.set_xlabel(xlabel)
        top = float(part["value_high"].max())
        ax.set_xlim(0, top * 1.2 if panel == "burden" else min(max(top * 1.18, 10), 118))
        if panel == "burden":
            ax.xaxis.set_major_formatter(thousands())
        clean(ax)
    legend_below(fig, list(handles.values()), [tx(k) for k in handles], ncol=len(handles))
    fit_titles(fig, titles)
    return fig


def _short(label: str, tx: Text) -> str:
    """Profile labels on two lines so three panels fit side by side."""
    for sep in (" (", "（"):
        if sep in label:
            head, tail = label.split(sep, 1)
            return f"{head}\n{sep.strip()}{tail}"
    return label


def convergence(table: Table, run: RunData, tx: Text) -> Figure:
    """Headline estimates against the number of worlds, with 95% bands.

    Two probability panels that move together (estimated on the same worlds, their
    traces nearly parallel) get a note saying so, computed from the trace.
    """
    frame = table.frame
    codes = list(dict.fromkeys(frame["code"]))
    fig, axes = theme.new_figure(tx("chart_convergence"), ncols=len(codes))
    axes = np.atleast_1d(axes)
    years = format_number(run.horizon)
    titles = []
    for ax, code in zip(axes, codes, strict=True):
        part = frame[frame["code"] == code].sort_values("worlds")
        money = part["unit"].iloc[0] == tx.money_unit
        x = part["worlds"].to_numpy(float)
        band = ax.fill_between(x, part["value_low"], part["value_high"], color=theme.BLUE, alpha=0.22, lw=0)
        (line,) = ax.plot(x, part["value"], color=theme.BLUE, lw=2, marker="o", ms=3.5)
        full = ax.axhline(float(part["full_run"].iloc[0]), color=theme.INK, ls="--", lw=1.3)
        ax.set_xscale("log")
        titles.append((ax, ax.set_title(part["label"].iloc[0], loc="left", fontsize=12, **theme.strong())))
        ax.set_xlabel(tx("axis_worlds_log"))
        ax.set_ylabel(tx("axis_burden_japan", unit=tx.money_unit, years=years) if money else tx("axis_probability"))
        if money:
            ax.yaxis.set_major_formatter(thousands())
        ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.xaxis.set_major_formatter(compact_counts(tx("count_units")))
        ax.xaxis.set_minor_formatter(NullFormatter())
        clean(ax, "both")
    for later, earlier, gap, r in moving_together(frame):
        _note_moves_with(axes[codes.index(later)], frame, earlier, gap, r, tx)
    legend_below(
        fig,
        [line, band, full],
        [tx("col_estimate"), tx("legend_band"), tx("legend_full_run", worlds=tx.count(run.worlds))],
        ncol=3,
    )
    fit_titles(fig, titles)
    return fig


TOGETHER_CORRELATION = 0.95  # traces this correlated ...
TOGETHER_SPREAD = 0.5  # ... whose gap varies less than half as much as either series move together


def moving_together(frame: pd.DataFrame) -> list[tuple[str, str, float, float]]:
    """Pairs of probability series in the convergence table that move together.

    Returns ``(later, earlier, gap, correlation)`` for each pair whose traces (same
    recorded points) correlate at least :data:`TOGETHER_CORRELATION` and whose gap
    (later minus earlier, percentage points; its mean is returned) ranges over less
    than :data:`TOGETHER_SPREAD` times the range of either series: the panels then
    look alike, and the chart says why rather than leave the reader to wonder.
    """
    probability = frame[frame["unit"] == "%"]
    codes = list(dict.fromkeys(probability["code"]))
    series = {c: probability[probability["code"] == c].sort_values("worlds")["value"].to_numpy(float) for c in codes}
    out = []
    for j, later in enumerate(codes):
        for earlier in codes[:j]:
            a, b = series[earlier], series[later]
            if a.size < 3 or a.size != b.size or np.ptp(a) == 0 or np.ptp(b) == 0:
                continue
            r = float(np.corrcoef(a, b)[0, 1])
            gap = b - a
            if r >= TOGETHER_CORRELATION and np.ptp(gap) < TOGETHER_SPREAD * min(np.ptp(a), np.ptp(b)):
                out.append((later, earlier, float(np.mean(gap)), r))
                break
    return out


def _note_moves_with(ax, frame: pd.DataFrame, earlier: str, gap: float, r: float, tx: Text) -> None:
    label = str(frame[frame["code"] == earlier]["label"].iloc[0])
    text = tx("note_moves_with", other=label, gap=f"{abs(gap):.1f}", r=f"{r:.2f}")
    ax.text(
        0.97,
        0.04,
        "\n".join(theme.wrap_label(text, 34)),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        zorder=5,
        **{**NOTE, "fontsize": 9.0},
    )

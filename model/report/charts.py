"""One function per chart of a one-run report, each drawing a 16:9 Figure from its table.

Every function takes the chart's :class:`~model.report.tables.Table` (display units:
percent and the report's money unit), the run and the :class:`Text` of the report's
language, and returns a Figure; nothing is saved here (:mod:`model.report.chartfiles`
does). Structural-only charts (burden, outcomes) are not called for ordinal runs. The
charts that set several runs side by side are in :mod:`model.report.compare_charts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from model.constants import COMPONENTS
from model.report import theme
from model.report.axes import clean, fmt_money, fmt_pct, inside_label, legend_below, thousands, xerr
from model.report.rundata import RunData
from model.report.tables import Table
from model.report.text import Text, format_number, wrap


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
    import seaborn as sns

    frame = table.frame
    order = [str(v) for v in run.ds.japan_type.values]
    japan = [t for t in order if t in set(frame["japan_code"])]
    korea = [t for t in order if t in set(frame["korea_code"])]
    grid = pd.DataFrame(0.0, index=japan, columns=korea)
    for _, row in frame.iterrows():
        grid.loc[row["japan_code"], row["korea_code"]] = row["share"]
    annot = grid.map(lambda v: fmt_pct(v) if v > 0 else "–")
    grid.index = [tx.game_type(t) for t in japan]
    grid.columns = [tx.game_type(t) for t in korea]
    fig, ax = theme.new_figure(tx("chart_game_types"))
    sns.heatmap(
        grid,
        ax=ax,
        cmap=theme.sequential_cmap(),
        vmin=0,
        vmax=max(float(grid.values.max()), 1.0),
        annot=annot.values,
        fmt="",
        annot_kws={"fontsize": 11},
        linewidths=2,
        linecolor="white",
        cbar_kws={"label": tx("axis_share_worlds"), "shrink": 0.85},
    )
    ax.set_xlabel(tx("axis_korea_type"), **theme.strong())
    ax.set_ylabel(tx("axis_japan_type"), **theme.strong())
    ax.tick_params(length=0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=0)
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
    _wrap_ticklabels(ax, "x", 10 if tx.zh else 12)
    return fig


def _wrap_ticklabels(ax, axis: str, width: int) -> None:
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    texts = ["\n".join(wrap(label.get_text(), width)) for label in labels]
    if axis == "x":
        ax.set_xticklabels(texts)
    else:
        ax.set_yticklabels(texts)


def burden_distribution(table: Table, run: RunData, tx: Text) -> Figure:
    """Japan's burden distribution with the mean, median, VaR and CVaR marked."""
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
    ax.xaxis.set_major_formatter(thousands())
    clean(ax, "y")
    return fig


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
        ax.set_title("\n".join(wrap(title, 20 if tx.zh else 24)), loc="left", fontsize=12, **theme.strong())
        ax.set_xlabel(xlabel)
        top = float(part["value_high"].max())
        ax.set_xlim(0, top * 1.2 if panel == "burden" else min(max(top * 1.18, 10), 118))
        if panel == "burden":
            ax.xaxis.set_major_formatter(thousands())
        clean(ax)
    legend_below(fig, list(handles.values()), [tx(k) for k in handles], ncol=len(handles))
    return fig


def _short(label: str, tx: Text) -> str:
    """Profile labels on two lines so three panels fit side by side."""
    for sep in (" (", "（"):
        if sep in label:
            head, tail = label.split(sep, 1)
            return f"{head}\n{sep.strip()}{tail}"
    return label


def convergence(table: Table, run: RunData, tx: Text) -> Figure:
    """Headline estimates against the number of worlds, with 95% bands."""
    frame = table.frame
    codes = list(dict.fromkeys(frame["code"]))
    fig, axes = theme.new_figure(tx("chart_convergence"), ncols=len(codes))
    axes = np.atleast_1d(axes)
    years = format_number(run.horizon)
    for ax, code in zip(axes, codes, strict=True):
        part = frame[frame["code"] == code].sort_values("worlds")
        money = part["unit"].iloc[0] == tx.money_unit
        x = part["worlds"].to_numpy(float)
        band = ax.fill_between(x, part["value_low"], part["value_high"], color=theme.BLUE, alpha=0.22, lw=0)
        (line,) = ax.plot(x, part["value"], color=theme.BLUE, lw=2, marker="o", ms=3.5)
        full = ax.axhline(float(part["full_run"].iloc[0]), color=theme.INK, ls="--", lw=1.3)
        ax.set_xscale("log")
        ax.set_title(part["label"].iloc[0], loc="left", fontsize=12, **theme.strong())
        ax.set_xlabel(tx("axis_worlds_log"))
        ax.set_ylabel(tx("axis_burden_japan", unit=tx.money_unit, years=years) if money else tx("axis_probability"))
        if money:
            ax.yaxis.set_major_formatter(thousands())
        ax.xaxis.set_major_formatter(thousands())
        clean(ax, "both")
    legend_below(
        fig,
        [line, band, full],
        [tx("col_estimate"), tx("legend_band"), tx("legend_full_run", worlds=tx.count(run.worlds))],
        ncol=3,
    )
    return fig

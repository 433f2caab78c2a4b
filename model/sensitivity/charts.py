"""Charts of sweeps and sensitivity studies: PNG (300 dpi) and SVG, 16:9.

One colour-blind-safe palette throughout (seaborn ``colorblind``); heat maps use a
single-hue ramp from white to its blue. Colours keep their meaning across charts:
profiles BB green, BP blue, PB orange, PP red; burden components defence blue,
retaliation brown, PTRL green, war purple, collapse red. Every axis states its unit.
Rendering uses matplotlib's object API on Agg canvases (no pyplot state, no global
backend switch), a fixed SVG hash salt and no dates in the files, so the same
results give the same files.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import seaborn as sns
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from model.equilibria import equilibrium_set_label
from model.payoffs import COMPONENTS
from model.sensitivity.labels import axis_label, format_value, key_label, key_symbol
from model.sensitivity.study import Axis
from model.sensitivity.worlds import OUTPUT_INFO

PALETTE = sns.color_palette("colorblind", 10)
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, YELLOW, SKY = PALETTE
PROFILE_COLOURS = {"BB": GREEN, "BP": BLUE, "PB": ORANGE, "PP": RED}
COMPONENT_COLOURS = {
    "defence": BLUE,
    "retaliation": BROWN,
    "ptrl": GREEN,
    "war": PURPLE,
    "collapse": RED,
}
EQ_SET_COLOURS = {1: GREEN, 2: BLUE, 4: ORANGE, 8: RED, 25: PURPLE, 22: BROWN, 16: PINK}
EXTRA_COLOURS = (GREY, YELLOW, SKY)
WIDTH, HEIGHT = 12.0, 6.75  # inches, 16:9
DPI = 300
Z95 = 1.959963984540054
MAX_PANELS = 6
USD = "USD bn over the horizon"


def eq_set_colour(code: int, others: dict[int, Any] | None = None) -> Any:
    if code in EQ_SET_COLOURS:
        return EQ_SET_COLOURS[code]
    others = others if others is not None else {}
    if code not in others:
        others[code] = EXTRA_COLOURS[len(others) % len(EXTRA_COLOURS)]
    return others[code]


def sequential_cmap():
    return sns.light_palette(BLUE, as_cmap=True)


def rc() -> dict:
    params: dict = {}
    params.update(sns.axes_style("whitegrid"))
    params.update(sns.plotting_context("notebook", font_scale=0.95))
    params.update(
        {
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.labelsize": 10.5,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "figure.titlesize": 14,
            "figure.titleweight": "bold",
            "savefig.dpi": DPI,
            "svg.hashsalt": "offshore-sensitivity",
            "svg.fonttype": "path",
            "text.parse_math": False,
            "grid.color": "#e3e3e3",
        }
    )
    return params


@contextlib.contextmanager
def theme() -> Iterator[None]:
    with matplotlib.rc_context(rc()):
        yield


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    caption: str
    png: Path
    svg: Path


class ChartWriter:
    """Saves figures as ``<name>.png`` (300 dpi) and ``<name>.svg`` in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.charts: list[Chart] = []

    def figure(self, title: str, subtitle: str | None = None, **subplots) -> tuple[Figure, Any]:
        fig = Figure(figsize=(WIDTH, HEIGHT), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(**subplots) if subplots else fig.subplots()
        fig.suptitle(title, x=0.01, ha="left")
        if subtitle:
            # constrained layout makes room for the suptitle only: leave headroom for
            # the subtitle (normal weight, wrapped) below it.
            lines = textwrap.wrap(subtitle, 165)
            fig.get_layout_engine().set(rect=(0, 0, 1, 0.955 - 0.028 * (len(lines) - 1)))
            fig.text(0.01, 0.935, "\n".join(lines), ha="left", va="top", fontsize=10, color="#444444")
        return fig, axes

    def save(self, fig: Figure, name: str, title: str, caption: str) -> Chart:
        self.directory.mkdir(parents=True, exist_ok=True)
        png, svg = self.directory / f"{name}.png", self.directory / f"{name}.svg"
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        chart = Chart(name, title, caption, png, svg)
        self.charts.append(chart)
        return chart


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


def key_slug(key: str) -> str:
    """A file-name part for a config key: ``japan_balancing_cost``, ``ptrl_share_japan``."""
    return _slug(key.removeprefix("game.structural.").removeprefix("policy."))


def _combo_label(combo: Mapping[str, Any], priors) -> str:
    return ", ".join(f"{key_symbol(k)} = {format_value(v)}" for k, v in combo.items()) or "all"


def _combo_title(combo: Mapping[str, Any], priors) -> str:
    """Legend title naming the symbols used in the combination labels."""
    return "; ".join(f"{key_symbol(k)}: {key_label(k, priors)[0]}" for k in combo) if combo else ""


def _combos(axes: Sequence[Axis], skip: str) -> list[dict[str, Any]]:
    others = [a for a in axes if a.key != skip]
    return [dict(zip([a.key for a in others], values, strict=True)) for values in product(*(a.values for a in others))]


def _hue_colours(n: int) -> list:
    if n <= len(PALETTE):
        return list(PALETTE[:n])
    return list(sns.light_palette(BLUE, n_colors=n + 2)[2:])


def _sel(ds: xr.Dataset, combo: Mapping[str, Any], categorical: Mapping[str, bool]) -> xr.Dataset:
    return ds.sel({k: (str(v) if categorical[k] else float(v)) for k, v in combo.items()}) if combo else ds


HEADLINE = (
    ("japan_burden", "Japan's expected burden", USD),
    ("p_collapse", "P(regional balance collapses)", "probability"),
    ("p_us_intervenes", "P(US intervenes)", "probability"),
)


def _headline(ds: xr.Dataset, name: str) -> tuple[xr.DataArray, xr.DataArray]:
    if name == "japan_burden":
        sel = {"country": "japan", "component": "total"}
        return ds["burden"].sel(sel), ds["burden_se"].sel(sel)
    return ds[name], ds[f"{name}_se"]


def sweep_charts(ds: xr.Dataset, axes: Sequence[Axis], priors: Mapping[str, Any], writer: ChartWriter) -> list[Chart]:
    """Headline quantities, equilibrium mix and Japan's burden components along each swept key."""
    categorical = {a.key: a.categorical for a in axes}
    numeric = [a for a in axes if not a.categorical]
    charted = numeric or list(axes[:1])
    charts = []
    structural = "burden" in ds
    with theme():
        for axis in charted:
            combos = _combos(axes, axis.key)
            colours = _hue_colours(len(combos))
            x = np.asarray(axis.values, dtype=float) if not axis.categorical else np.arange(len(axis.values))
            xlabel = axis_label(axis.key, priors, axis.categorical, wrap=True)
            slug = key_slug(axis.key)
            if structural:
                shown = "Points: estimates; bars" if axis.categorical else "Lines: estimates; bands"
                fig, panels = writer.figure(
                    f"Headline results along {key_label(axis.key, priors)[0]}",
                    f"{shown}: 95 % Monte Carlo intervals (±1.96 se). Same worlds at every point.",
                    ncols=3,
                )
                for panel, (name, title, unit) in zip(panels, HEADLINE, strict=True):
                    for combo, colour in zip(combos, colours, strict=True):
                        value, se = _headline(_sel(ds, combo, categorical), name)
                        v, s = value.values.astype(float), se.values.astype(float)
                        label = _combo_label(combo, priors)
                        if axis.categorical:
                            panel.errorbar(x, v, yerr=Z95 * s, fmt="o", color=colour, label=label, capsize=3)
                        else:
                            panel.plot(x, v, color=colour, label=label, marker="o", markersize=3)
                            panel.fill_between(x, v - Z95 * s, v + Z95 * s, color=colour, alpha=0.25, linewidth=0)
                    panel.set_title(title)
                    panel.set_xlabel(xlabel)
                    panel.set_ylabel(f"{title} [{unit}]")
                    if axis.categorical:
                        panel.set_xticks(x, [str(v) for v in axis.values], rotation=20)
                        panel.set_xlim(-0.5, len(axis.values) - 0.5)
                    if unit == "probability":
                        panel.set_ylim(bottom=0)
                if len(combos) > 1:
                    handles, names = panels[0].get_legend_handles_labels()
                    fig.legend(
                        handles,
                        names,
                        loc="outside lower center",
                        ncols=min(len(names), 3),
                        fontsize=8,
                        title=_combo_title(combos[0], priors),
                        title_fontsize=9,
                    )
                caption = (
                    "Japan's expected total burden, P(collapse) and P(US intervenes) as "
                    f"{key_label(axis.key, priors)[0]} varies"
                    + (
                        f", one line per {', '.join(key_label(k, priors)[0] for k in combos[0])}"
                        if combos and combos[0]
                        else ""
                    )
                    + ". Bands are 95 % intervals of each point; because every point uses the same worlds, "
                    "differences between points are more precise than the bands suggest."
                )
                charts.append(writer.save(fig, f"sweep_{slug}_headline", "Headline results", caption))
            charts.append(_stacked_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug, kind="eq_set"))
            if structural:
                charts.append(
                    _stacked_chart(
                        writer,
                        ds,
                        axis,
                        combos,
                        categorical,
                        priors,
                        x,
                        xlabel,
                        slug,
                        kind="components",
                    )
                )
    return charts


def _panel_grid(writer: ChartWriter, title: str, subtitle: str, count: int):
    count = max(1, min(count, MAX_PANELS))
    ncols = min(count, 3)
    nrows = -(-count // ncols)
    fig, panels = writer.figure(title, subtitle, nrows=nrows, ncols=ncols, squeeze=False, sharey=True)
    flat = list(panels.ravel())
    for extra in flat[count:]:
        extra.set_visible(False)
    return fig, flat[:count]


def _stacked_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug, *, kind: str) -> Chart:
    shown = combos[:MAX_PANELS]
    if kind == "eq_set":
        title = "Equilibrium mix"
        subtitle = "Share of worlds with each equilibrium set (docs/MODEL.md §4)"
        unit = "share of worlds [probability]"
        codes = [int(c) for c in ds.eq_set_code.values]
        labels = [equilibrium_set_label(c) for c in codes]
        others: dict[int, Any] = {}
        colours = [eq_set_colour(c, others) for c in codes]
    else:
        title = "Japan's expected burden by component"
        subtitle = f"Mean burden per component, {USD}"
        unit = f"Japan's expected burden [{USD}]"
        labels = list(COMPONENTS)
        colours = [COMPONENT_COLOURS[c] for c in COMPONENTS]
    fig, panels = _panel_grid(writer, f"{title} along {key_label(axis.key, priors)[0]}", subtitle, len(shown))
    for panel, combo in zip(panels, shown, strict=True):
        sub = _sel(ds, combo, categorical)
        if kind == "eq_set":
            layers = [sub.eq_set_freq.sel(eq_set=label).values for label in labels]
        else:
            layers = [sub.burden.sel(country="japan", component=c).values for c in COMPONENTS]
        layers = [np.asarray(layer, dtype=float) for layer in layers]
        if axis.categorical:
            bottom = np.zeros(len(x))
            for layer, colour, label in zip(layers, colours, labels, strict=True):
                panel.bar(x, layer, bottom=bottom, color=colour, label=label, width=0.7)
                bottom += layer
            panel.set_xticks(x, [str(v) for v in axis.values], rotation=20)
        else:
            panel.stackplot(x, *layers, colors=colours, labels=labels, alpha=0.9)
            panel.set_xlim(x.min(), x.max()) if x.size > 1 else None
        panel.set_title(_combo_label(combo, priors) if combo else title, fontsize=10)
        panel.set_xlabel(xlabel)
        if panel.get_subplotspec().is_first_col():
            panel.set_ylabel(unit)
    if kind == "eq_set":
        for panel in panels:
            panel.set_ylim(0, 1)
    handles, names = panels[0].get_legend_handles_labels()
    fig.legend(handles[::-1], names[::-1], loc="outside right center")
    caption = (
        f"{subtitle} as {key_label(axis.key, priors)[0]} varies"
        + (f", one panel per {', '.join(key_label(k, priors)[0] for k in combos[0])}" if combos and combos[0] else "")
        + ("" if len(combos) <= MAX_PANELS else f" (first {MAX_PANELS} of {len(combos)} shown)")
        + "."
    )
    name = f"sweep_{slug}_{'equilibria' if kind == 'eq_set' else 'japan_components'}"
    return writer.save(fig, name, title, caption)


def _input_label(key: str, priors) -> str:
    return key_label(key, priors)[0]


def tornado_chart(result, priors, writer: ChartWriter, top: int = 15) -> Chart:
    """Japan's burden at each input's p10 and p90, the others at their medians."""
    lo_pct, hi_pct = (f"p{v * 100:g}" for v in result.levels)
    swing = result.swing()
    k = max(1, min(top, int(np.count_nonzero(swing > 0)) or 1))
    base = result.base["japan_burden"]
    show_collapse = np.any(result.swing("p_collapse")[:k] > 0)
    with theme():
        layout = {"ncols": 2, "width_ratios": [3, 1]} if show_collapse else {}
        fig, panels = writer.figure(
            "Tornado: what moves Japan's expected burden",
            f"Each input from its {lo_pct} to its {hi_pct}, all others at their medians (a single deterministic world)",
            **layout,
        )
        ax = panels[0] if show_collapse else panels
        y = np.arange(k)[::-1]
        labels = []
        for i in range(k):
            unit = key_label(result.inputs[i], priors)[1] or ""
            labels.append(
                f"{_input_label(result.inputs[i], priors)}\n{format_value(result.values[0, i])} – "
                f"{format_value(result.values[2, i])} {unit}"
            )
            low, high = result.low["japan_burden"][i], result.high["japan_burden"][i]
            ax.barh(
                y[i],
                low - base,
                left=base,
                color=SKY,
                height=0.7,
                label=f"input at its {lo_pct}" if i == 0 else None,
            )
            ax.barh(
                y[i],
                high - base,
                left=base,
                color=ORANGE,
                height=0.38,
                label=f"input at its {hi_pct}" if i == 0 else None,
            )
            for value, text in ((low, result.played[1][i]), (high, result.played[2][i])):
                if value != base:
                    ax.annotate(
                        text,
                        (value, y[i]),
                        xytext=(3 if value > base else -3, 0),
                        textcoords="offset points",
                        ha="left" if value > base else "right",
                        va="center",
                        fontsize=8,
                    )
        ax.axvline(base, color="#333333", linewidth=1)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlabel(f"Japan's expected burden [{USD}]")
        ax.set_ylabel("uncertain input [its p10 – p90 range, unit]")
        ax.legend(loc="lower right")
        ax.set_title(
            f"median world: {base:,.0f} USD bn, profile {result.played[0]} ({result.outcome[0]})",
            fontsize=10,
        )
        if show_collapse:
            pc = panels[1]
            pc.scatter(result.low["p_collapse"][:k], y, color=SKY, marker="o", s=40, label=lo_pct, zorder=3)
            pc.scatter(
                result.high["p_collapse"][:k],
                y,
                color=ORANGE,
                marker="D",
                s=25,
                label=hi_pct,
                zorder=3,
            )
            pc.axvline(result.base["p_collapse"], color="#333333", linewidth=1)
            pc.set_yticks(y, [""] * k)
            pc.set_xlim(-0.05, 1.05)
            pc.set_xlabel("P(collapse) [probability]")
            pc.set_title("outcome", fontsize=10)
            pc.legend(loc="lower right")
    caption = (
        "One-at-a-time sensitivity of Japan's expected burden: bars run from the median world to the world with one "
        "input "
        f"at its {lo_pct} (wide, light) or {hi_pct} (narrow, orange); labels give the profile played there. Inputs "
        "sorted by "
        f"swing; those with no effect at these percentiles are left out."
    )
    return writer.save(fig, "tornado", "Tornado", caption)


def _shared_order(scores: np.ndarray, top: int) -> np.ndarray:
    """Inputs by their largest score over outputs (NaN last), at most ``top``, zero scores dropped."""
    best = np.nanmax(np.where(np.isfinite(scores), np.abs(scores), -1.0), axis=0)
    order = np.argsort(-best, kind="stable")
    keep = [i for i in order if best[i] > 0][:top]
    return np.asarray(keep or order[:1], dtype=int)


def _bars(ax, y, values, ci, colour, offset, label, height):
    err = np.abs(np.stack([values - ci[0], ci[1] - values]))
    ax.barh(
        y + offset,
        values,
        height=height,
        color=colour,
        label=label,
        xerr=np.nan_to_num(err),
        error_kw={"elinewidth": 0.8, "capsize": 2},
    )


def _figure_legend(fig: Figure, ax) -> None:
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=len(names))


def _output_title(output: str) -> str:
    label, unit = OUTPUT_INFO[output]
    return f"{SHORT_OUTPUT.get(output, label)}\n[{unit}]"


SHORT_OUTPUT = {
    "japan_burden": "Japan's expected burden",
    "p_collapse": "P(collapse)",
    "japan_alone": "P(Japan balances alone)",
}


def _input_panels(writer, title, subtitle, outputs, order, priors, inputs):
    fig, panels = writer.figure(title, subtitle, ncols=len(outputs), sharey=True)
    panels = np.atleast_1d(panels)
    y = np.arange(order.size)[::-1].astype(float)
    panels[0].set_yticks(y, [_input_label(inputs[i], priors) for i in order], fontsize=8.5)
    panels[0].set_ylabel("uncertain input")
    return fig, panels, y


def sobol_chart(result, priors, writer: ChartWriter, top: int = 12) -> Chart:
    order = _shared_order(result.total, top)
    with theme():
        fig, panels, y = _input_panels(
            writer,
            "Sobol' indices: shares of output variance",
            f"First order (the input alone) and total order (with interactions), {result.confidence:.0%} bootstrap "
            "intervals; "
            f"n = {result.n:,} ({result.evaluations:,} model worlds). Inputs by their largest total index.",
            result.outputs,
            order,
            priors,
            result.inputs,
        )
        for o, (ax, output) in enumerate(zip(panels, result.outputs, strict=True)):
            ax.set_title(_output_title(output), fontsize=10)
            ax.set_xlabel("Sobol' index [share of variance]")
            if not np.isfinite(result.variance[o]) or result.variance[o] == 0:
                ax.text(
                    0.5,
                    0.5,
                    "constant output:\nno variance to apportion",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                )
                continue
            _bars(
                ax,
                y,
                result.total[o, order],
                result.total_ci[:, o, order],
                ORANGE,
                -0.2,
                "total order",
                0.38,
            )
            _bars(
                ax,
                y,
                result.first[o, order],
                result.first_ci[:, o, order],
                BLUE,
                0.2,
                "first order",
                0.38,
            )
            ax.set_xlim(min(0.0, float(np.nanmin(result.first_ci[0, o, order]))) - 0.02, 1.0)
        _figure_legend(fig, panels[0])
    caption = (
        "Variance-based sensitivity (Saltelli 2010 estimators via scipy.stats.sobol_indices) of three per-world "
        "outputs "
        "over independent draws of every uncertain input. A total index well above the first-order one means the input "
        "acts through interactions (equilibrium switches); inputs not shown have total indices of 0."
        + (" The config's input correlations are ignored here." if result.correlation_ignored else "")
    )
    return writer.save(fig, "sobol", "Sobol' indices", caption)


def rank_chart(result, priors, writer: ChartWriter, top: int = 12) -> Chart:
    order = _shared_order(result.spearman, top)
    with theme():
        fig, panels, y = _input_panels(
            writer,
            "Rank correlations of inputs with outputs",
            f"Spearman correlation (bars, {result.confidence:.0%} Fisher-z intervals) and partial rank correlation "
            "(diamonds) "
            f"over {result.n:,} sampled worlds. Inputs by their largest |Spearman|.",
            result.outputs,
            order,
            priors,
            result.inputs,
        )
        for o, (ax, output) in enumerate(zip(panels, result.outputs, strict=True)):
            ax.set_title(_output_title(output), fontsize=10)
            ax.set_xlabel("rank correlation [unitless, −1 to 1]")
            ax.set_xlim(-1, 1)
            ax.axvline(0, color="#333333", linewidth=0.8)
            if not np.any(np.isfinite(result.spearman[o])):
                ax.text(0.5, 0.5, "constant output", ha="center", va="center", transform=ax.transAxes)
                continue
            _bars(
                ax,
                y,
                result.spearman[o, order],
                result.spearman_ci[:, o, order],
                BLUE,
                0.0,
                "Spearman",
                0.6,
            )
            ax.scatter(
                result.prcc[o, order],
                y,
                color=ORANGE,
                marker="D",
                s=22,
                zorder=3,
                label="partial (PRCC)",
            )
        _figure_legend(fig, panels[0])
    caption = (
        "Monotone association between each uncertain input and each output over Monte Carlo worlds drawn as in a run. "
        "The partial coefficient removes the other inputs' (rank) effects."
    )
    return writer.save(fig, "rank_correlations", "Rank correlations", caption)


def prim_chart(result, label: str, question: str, priors, writer: ChartWriter) -> Chart:
    """Peeling trajectory and the boxes found for one target."""
    with theme():
        fig, (traj, bounds) = writer.figure(
            f"Scenario discovery (PRIM): {question}",
            f"{result.n:,} worlds; mean of the target over all worlds {result.total_density:.3f}; density threshold "
            f"{result.threshold:g}",
            ncols=2,
            width_ratios=[1, 1.3],
        )
        markers = ("o", "s", "^")
        for b, found in enumerate(result.boxes):
            cov = [s.coverage for s in found.trajectory]
            den = [s.density for s in found.trajectory]
            restricted = [int(s.box.restricted.sum()) for s in found.trajectory]
            points = traj.scatter(
                cov,
                den,
                c=restricted,
                cmap=sequential_cmap(),
                vmin=0,
                vmax=max(max(restricted), 1),
                edgecolors="#555555",
                linewidths=0.3,
                s=22,
                marker=markers[b % 3],
                label=f"box {b + 1} trajectory",
            )
            chosen = found.trajectory[found.chosen]
            traj.scatter(
                [chosen.coverage],
                [chosen.density],
                facecolors="none",
                edgecolors=RED,
                s=120,
                linewidths=1.5,
            )
            traj.scatter(
                [found.stats.coverage],
                [found.stats.density],
                color=RED,
                marker="*",
                s=160,
                zorder=4,
                label=f"box {b + 1} chosen ({found.rule}) and pasted",
            )
        if result.boxes:
            fig.colorbar(points, ax=traj, label="restricted inputs [count]")
        traj.axhline(result.threshold, color=GREY, linestyle="--", linewidth=1)
        traj.set_xlabel("coverage [share of the target's worlds inside the box]")
        traj.set_ylabel("density [share of worlds in the box with the target]")
        traj.set_xlim(0, 1.02)
        traj.set_ylim(0, 1.02)
        traj.legend(loc="lower left")
        rows = []
        for b, found in enumerate(result.boxes):
            for j in np.flatnonzero(found.stats.box.restricted):
                rows.append((b, j, found))
        y = np.arange(len(rows))[::-1]
        names = []
        for yi, (b, j, found) in zip(y, rows, strict=True):
            lo_data, hi_data = result.data_min[j], result.data_max[j]
            span = hi_data - lo_data if hi_data > lo_data else 1.0
            lo = found.stats.box.lower[j] if np.isfinite(found.stats.box.lower[j]) else lo_data
            hi = found.stats.box.upper[j] if np.isfinite(found.stats.box.upper[j]) else hi_data
            bounds.plot([0, 1], [yi, yi], color="#cccccc", linewidth=6, solid_capstyle="butt")
            bounds.plot(
                [(lo - lo_data) / span, (hi - lo_data) / span],
                [yi, yi],
                color=BLUE if b == 0 else ORANGE,
                linewidth=6,
                solid_capstyle="butt",
            )
            unit = key_label(result.inputs[j], priors)[1] or ""
            bounds.annotate(
                f"{format_value(float(lo))} – {format_value(float(hi))} {unit}",
                ((lo - lo_data) / span, yi),
                xytext=(0, 7),
                textcoords="offset points",
                fontsize=8,
            )
            names.append(f"box {b + 1}: {_input_label(result.inputs[j], priors)}")
        bounds.set_yticks(y, names, fontsize=8)
        bounds.set_xlim(-0.02, 1.02)
        bounds.set_ylim(-0.8, max(len(rows), 1) - 0.2)
        bounds.set_xlabel("position in the input's sampled range [0 = min, 1 = max]")
        bounds.set_title("box limits (grey: sampled range)", fontsize=10)
    caption = (
        f"Left: each peeling step's box, trading coverage against density; the ring marks the box chosen from the "
        f"trajectory and the star the box after pasting. Right: the inputs each box restricts and their limits. "
        f"Target: {label.lower()}."
    )
    return writer.save(fig, f"prim_{result.target}", f"PRIM: {label}", caption)


def _edges(centres: np.ndarray) -> np.ndarray:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[centres[0] - (mid[0] - centres[0])], mid, [centres[-1] + (centres[-1] - mid[-1])]])


def boundary_segments(modal: np.ndarray, xe: np.ndarray, ye: np.ndarray) -> list:
    """Cell-edge segments where the category changes between neighbouring cells."""
    segments = []
    ny, nx = modal.shape
    for iy in range(ny):
        for ix in range(nx - 1):
            if modal[iy, ix] != modal[iy, ix + 1]:
                segments.append([(xe[ix + 1], ye[iy]), (xe[ix + 1], ye[iy + 1])])
    for iy in range(ny - 1):
        for ix in range(nx):
            if modal[iy, ix] != modal[iy + 1, ix]:
                segments.append([(xe[ix], ye[iy + 1]), (xe[ix + 1], ye[iy + 1])])
    return segments


def regime_chart(result, priors, writer: ChartWriter) -> Chart:
    xe, ye = _edges(result.x_values), _edges(result.y_values)
    modal = result.modal
    codes = list(result.codes)
    index = np.vectorize(codes.index)(modal)
    others: dict[int, Any] = {}
    colours = [eq_set_colour(int(c), others) for c in codes]
    segments = boundary_segments(modal, xe, ye)
    xlabel, ylabel = (
        axis_label(result.x_key, priors, wrap=True),
        axis_label(result.y_key, priors, wrap=True),
    )
    with theme():
        fig, panels = writer.figure(
            "Regime map",
            f"{key_label(result.x_key, priors)[0]} against {key_label(result.y_key, priors)[0]}; other inputs drawn "
            "as usual "
            f"({result.n:,} worlds per cell, the same in every cell). Black lines: the most likely equilibrium set "
            "changes.",
            ncols=3,
        )
        cmap = ListedColormap(colours)
        norm = BoundaryNorm(np.arange(len(codes) + 1) - 0.5, len(codes))
        panels[0].pcolormesh(xe, ye, index, cmap=cmap, norm=norm, shading="flat")
        present = sorted(set(np.unique(index).tolist()))
        panels[0].legend(
            handles=[Patch(color=colours[i], label=equilibrium_set_label(int(codes[i]))) for i in present],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncols=min(len(present), 3),
            fontsize=8,
        )
        panels[0].set_title("most likely equilibrium set", fontsize=10)
        for ax, name, title, unit in (
            (panels[1], "p_collapse", "P(collapse)", "probability"),
            (panels[2], "japan_burden", "Japan's expected burden", USD),
        ):
            mesh = ax.pcolormesh(xe, ye, result.mean[name], cmap=sequential_cmap(), shading="flat")
            fig.colorbar(mesh, ax=ax, location="bottom", label=f"{title}\n[{unit}]", shrink=0.9)
            ax.set_title(title, fontsize=10)
        for ax in panels:
            ax.add_collection(LineCollection(segments, colors="black", linewidths=1.2))
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_xlim(xe[0], xe[-1])
            ax.set_ylim(ye[0], ye[-1])
            ax.grid(False)
    caption = (
        f"Over a grid of {key_label(result.x_key, priors)[0]} and {key_label(result.y_key, priors)[0]}, the most "
        "likely "
        "equilibrium set, P(collapse) and Japan's expected burden; every other input keeps its draws, so the maps "
        "differ "
        f"only through the two mapped inputs. Lines mark cell edges where the most likely set switches."
    )
    return writer.save(
        fig,
        f"regime_map_{key_slug(result.x_key)}_{key_slug(result.y_key)}",
        "Regime map",
        caption,
    )

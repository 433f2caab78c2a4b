"""Sweep charts: headline results, the equilibrium mix and Japan's burden components along each swept key.

Lines (or points, on a categorical axis) with 95 % Monte Carlo bands drawn from the
sweep's estimates and standard errors; one line per combination of the other swept
keys, coloured by :func:`~model.report.theme.series_colours` (a US regime keeps its
colour on every page). Stacked panels, one per combination, for the mixes. Legends name
a categorical value once (the legend's title names the key); panels side by side keep
a gap wide enough that their end tick labels never touch; a line at 0 or at 1 sits
inside the padded axes, drawn above the spines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

import numpy as np
import xarray as xr

from model.constants import COMPONENTS, Z95
from model.report.theme import COMPONENT_COLOURS, eq_set_colour, series_colours
from model.sensitivity.charts import Chart, ChartWriter, key_slug
from model.sensitivity.study import Axis

MAX_PANELS = 6
PANEL_GAP = 0.045  # figure fraction between panels side by side (constrained layout's wspace)
LINE_ZORDER = 3  # above the spines (2.5)


def _combos(axes: Sequence[Axis], skip: str) -> list[dict[str, Any]]:
    others = [a for a in axes if a.key != skip]
    return [dict(zip([a.key for a in others], values, strict=True)) for values in product(*(a.values for a in others))]


def _sel(ds: xr.Dataset, combo: Mapping[str, Any], categorical: Mapping[str, bool]) -> xr.Dataset:
    return ds.sel({k: (str(v) if categorical[k] else float(v)) for k, v in combo.items()}) if combo else ds


HEADLINE = ("japan_burden", "p_collapse", "p_us_intervenes")
"""Registered outputs (model.outputs) of the headline panels."""


def _headline(ds: xr.Dataset, name: str) -> tuple[xr.DataArray, xr.DataArray]:
    if name == "japan_burden":
        sel = {"country": "japan", "component": "total"}
        return ds["burden"].sel(sel), ds["burden_se"].sel(sel)
    return ds[name], ds[f"{name}_se"]


def probability_limits(low: float, high: float) -> tuple[float, float]:
    """y-limits of a probability panel: from a little below 0 to a little above the highest value (at most
    just above 1), so a line at 0 or at 1 stays visible off the axis."""
    top = min(max(high, 0.01), 1.0)
    pad = 0.05 * top
    return min(low, 0.0) - pad, top + pad


def _x_ticks(panel, axis: Axis, x: np.ndarray, words) -> None:
    if axis.categorical:
        panel.set_xticks(x, [words.value(axis.key, v) for v in axis.values], rotation=20, ha="right")
        panel.set_xlim(-0.5, len(axis.values) - 0.5)


def sweep_charts(ds: xr.Dataset, axes: Sequence[Axis], priors: Mapping[str, Any], writer: ChartWriter) -> list[Chart]:
    """Headline quantities, equilibrium mix and Japan's burden components along each swept key."""
    categorical = {a.key: a.categorical for a in axes}
    numeric = [a for a in axes if not a.categorical]
    charted = numeric or list(axes[:1])
    charts = []
    structural = "burden" in ds
    w = writer.words
    with writer.theme():
        for axis in charted:
            combos = _combos(axes, axis.key)
            x = np.asarray(axis.values, dtype=float) if not axis.categorical else np.arange(len(axis.values))
            xlabel = w.axis(axis.key, priors, axis.categorical, wrap=True)
            slug = key_slug(axis.key)
            if structural:
                charts.append(_headline_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug))
            charts.append(_stacked_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug, kind="eq_set"))
            if structural:
                charts.append(
                    _stacked_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug, kind="components")
                )
    return charts


def _headline_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug) -> Chart:
    w = writer.words
    colours = series_colours(combos)
    name = w.name(axis.key, priors)
    fig, panels = writer.figure(
        w("chart_headline_title", param=name),
        w("chart_headline_sub_points" if axis.categorical else "chart_headline_sub_lines"),
        ncols=3,
        sharex=True,
    )
    fig.get_layout_engine().set(wspace=PANEL_GAP)
    for panel, output_name in zip(panels, HEADLINE, strict=True):
        probability = output_name != "japan_burden"
        unit = w.probability if probability else w.usd
        lows, highs = [], []
        for combo, colour in zip(combos, colours, strict=True):
            value, se = _headline(_sel(ds, combo, categorical), output_name)
            v, s = value.values.astype(float), se.values.astype(float)
            lows.append(np.min(v - Z95 * s))
            highs.append(np.max(v + Z95 * s))
            label = w.combo(combo)
            if axis.categorical:
                panel.errorbar(
                    x, v, yerr=Z95 * s, fmt="o", color=colour, label=label, capsize=3, zorder=LINE_ZORDER, clip_on=False
                )
            else:
                panel.plot(x, v, color=colour, label=label, marker="o", markersize=3, zorder=LINE_ZORDER, clip_on=False)
                panel.fill_between(x, v - Z95 * s, v + Z95 * s, color=colour, alpha=0.25, linewidth=0)
        title = w.output(output_name)
        panel.set_title(title)
        panel.set_xlabel(xlabel)
        panel.set_ylabel(f"{title} [{unit}]")
        _x_ticks(panel, axis, x, w)
        if probability:
            panel.set_ylim(*probability_limits(min(lows), max(highs)))
    if len(combos) > 1:
        handles, names = panels[0].get_legend_handles_labels()
        fig.legend(
            handles,
            names,
            loc="outside lower center",
            ncols=min(len(names), 3),
            fontsize=8,
            title=w.combo_title(combos[0], priors),
            title_fontsize=9,
        )
    lines = w("caption_one_line_per", keys=w.keys(combos[0], priors)) if combos and combos[0] else ""
    caption = w("caption_headline", param=name, lines=lines)
    return writer.save(fig, f"sweep_{slug}_headline", w("chart_headline"), caption)


def _panel_grid(writer: ChartWriter, title: str, subtitle: str, count: int):
    count = max(1, min(count, MAX_PANELS))
    ncols = min(count, 3)
    nrows = -(-count // ncols)
    fig, panels = writer.figure(title, subtitle, nrows=nrows, ncols=ncols, squeeze=False, sharey=True)
    fig.get_layout_engine().set(wspace=PANEL_GAP)
    flat = list(panels.ravel())
    for extra in flat[count:]:
        extra.set_visible(False)
    return fig, flat[:count]


def _stacked_chart(writer, ds, axis, combos, categorical, priors, x, xlabel, slug, *, kind: str) -> Chart:
    w = writer.words
    shown = combos[:MAX_PANELS]
    if kind == "eq_set":
        title = w("chart_equilibria")
        subtitle = w("chart_equilibria_sub")
        unit = w("axis_share_of_worlds", unit=w.probability)
        codes = [int(c) for c in ds.eq_set_code.values]
        labels = [w.eq_code(c) for c in codes]
        others: dict[int, Any] = {}
        colours = [eq_set_colour(c, others) for c in codes]
    else:
        title = w("chart_components")
        subtitle = w("chart_components_sub", unit=w.usd)
        unit = w("axis_japan_burden", unit=w.usd)
        labels = [w.tx.component(c) for c in COMPONENTS]
        colours = [COMPONENT_COLOURS[c] for c in COMPONENTS]
    name = w.name(axis.key, priors)
    fig, panels = _panel_grid(writer, w("chart_along", title=title, param=name), subtitle, len(shown))
    for panel, combo in zip(panels, shown, strict=True):
        sub = _sel(ds, combo, categorical)
        if kind == "eq_set":
            layers = [sub.eq_set_freq.sel(eq_set=str(label)).values for label in ds.eq_set.values]
        else:
            layers = [sub.burden.sel(country="japan", component=c).values for c in COMPONENTS]
        layers = [np.asarray(layer, dtype=float) for layer in layers]
        if axis.categorical:
            bottom = np.zeros(len(x))
            for layer, colour, label in zip(layers, colours, labels, strict=True):
                panel.bar(x, layer, bottom=bottom, color=colour, label=label, width=0.7)
                bottom += layer
            _x_ticks(panel, axis, x, w)
        else:
            panel.stackplot(x, *layers, colors=colours, labels=labels, alpha=0.9)
            if x.size > 1:
                panel.set_xlim(x.min(), x.max())
        panel.set_title(w.combo(combo) if combo else title, fontsize=10)
        panel.set_xlabel(xlabel)
        if panel.get_subplotspec().is_first_col():
            panel.set_ylabel(unit)
    if kind == "eq_set":
        for panel in panels:
            panel.set_ylim(0, 1)
    handles, names = panels[0].get_legend_handles_labels()
    fig.legend(handles[::-1], names[::-1], loc="outside right center")
    panels_note = w("caption_one_panel_per", keys=w.keys(combos[0], priors)) if combos and combos[0] else ""
    first = w("caption_first_panels", shown=MAX_PANELS, total=len(combos)) if len(combos) > MAX_PANELS else ""
    caption = w("caption_stacked", what=subtitle, param=name, panels=panels_note, first=first)
    file = f"sweep_{slug}_{'equilibria' if kind == 'eq_set' else 'japan_components'}"
    return writer.save(fig, file, title, caption)

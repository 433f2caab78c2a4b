"""Sweep charts: headline results, the equilibrium mix and Japan's burden components along each swept key.

Lines (or points, on a categorical axis) with 95 % Monte Carlo bands drawn from the
sweep's estimates and standard errors; one line per combination of the other swept
keys, coloured by :func:`~model.report.theme.series_colours` (a US regime keeps its
colour on every page). Stacked panels, one per combination, for the mixes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

import numpy as np
import xarray as xr

from model.constants import COMPONENTS, Z95
from model.equilibria import equilibrium_set_label
from model.labels import axis_label, format_value, key_label, key_symbol
from model.report.theme import COMPONENT_COLOURS, eq_set_colour, series_colours
from model.sensitivity.charts import USD, Chart, ChartWriter, key_slug, theme
from model.sensitivity.study import Axis

MAX_PANELS = 6


def _combo_label(combo: Mapping[str, Any], priors) -> str:
    return ", ".join(f"{key_symbol(k)} = {format_value(v)}" for k, v in combo.items()) or "all"


def _combo_title(combo: Mapping[str, Any], priors) -> str:
    """Legend title naming the symbols used in the combination labels."""
    return "; ".join(f"{key_symbol(k)}: {key_label(k, priors)[0]}" for k in combo) if combo else ""


def _combos(axes: Sequence[Axis], skip: str) -> list[dict[str, Any]]:
    others = [a for a in axes if a.key != skip]
    return [dict(zip([a.key for a in others], values, strict=True)) for values in product(*(a.values for a in others))]


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
            colours = series_colours(combos)
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

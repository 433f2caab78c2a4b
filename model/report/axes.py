"""Small axis helpers shared by the report's charts: number labels, interval bars, tidy axes,
legends and panel titles that fit the figure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import Formatter, FuncFormatter

from model.report import theme
from model.report.chartfiles import switch_off_layout


def fmt_pct(x: float) -> str:
    """A percentage (0..100) for a chart label: ``<0.1%`` below a tenth of a percent."""
    if x == 0:
        return "0%"
    if abs(x) < 0.1:
        return "<0.1%"
    return f"{x:.1f}%"


def fmt_money(x: float) -> str:
    """Money in the chart's unit: no decimals from 10 up."""
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def xerr(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Error-bar lengths (2, n) from ``<column>_low`` and ``<column>_high`` (low clipped at 0)."""
    est = frame[column].to_numpy(float)
    lo = np.maximum(frame[f"{column}_low"].to_numpy(float), 0.0)
    hi = frame[f"{column}_high"].to_numpy(float)
    return np.vstack([np.maximum(est - lo, 0.0), np.maximum(hi - est, 0.0)])


def clean(ax, grid_axis: str = "x") -> None:
    """Grid lines along ``grid_axis`` only, no top or right spine."""
    ax.grid(False)
    ax.grid(True, axis=grid_axis, color="#e3e3e3")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def legend_below(fig: Figure, handles, labels, ncol: int) -> None:
    """One legend for the whole figure, centred below the axes, in as many rows as it
    needs to fit the figure's width (measured, so it holds for wide CJK labels too)."""
    renderer = fig.canvas.get_renderer()
    limit = 0.97 * fig.bbox.width
    for columns in range(max(ncol, 1), 0, -1):
        legend = fig.legend(handles, labels, loc="outside lower center", ncol=columns, frameon=False)
        if columns == 1 or legend.get_window_extent(renderer).width <= limit:
            return
        legend.remove()


def fit_titles(fig: Figure, titles: Sequence[tuple[Axes, Text]]) -> None:
    """Wrap each panel's left-aligned title so it ends before the next panel (or the
    figure's edge); measured after a layout pass, in whatever language and font.

    Call it last, once the figure is complete: when every title fits, the layout pass
    it made is kept (the layout engine is switched off), so drawing does not repeat it.
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    renderer = fig.canvas.get_renderer()
    gap = 6.0  # pixels kept clear before the next panel
    wrapped = False
    for ax, title in titles:
        box = ax.get_window_extent(renderer)
        right = fig.bbox.x1 - gap
        for other in fig.axes:
            ob = other.get_window_extent(renderer)
            if other is not ax and ob.x0 > box.x0 and ob.y1 > box.y0 and ob.y0 < box.y1:
                right = min(right, ob.x0 - gap)
        text = title.get_text().replace("\n", " ")
        width = theme.display_width(text)
        while title.get_window_extent(renderer).x1 > right and width > 6:
            width -= 2
            title.set_text("\n".join(theme.wrap_label(text, width)))
            wrapped = True
    if engine is not None and not wrapped:
        switch_off_layout(fig)


def wrap_ticklabels(ax: Axes, axis: str, width: int) -> None:
    """Wrap an axis's tick labels to ``width`` display columns (never inside parentheses)."""
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    texts = ["\n".join(theme.wrap_label(label.get_text(), width)) for label in labels]
    if axis == "x":
        ax.set_xticklabels(texts)
    else:
        ax.set_yticklabels(texts)


class CompactCounts(Formatter):
    """Tick labels for counts of worlds in the report language's short units.

    ``units`` is the locale's ``count_units``: ``"1000=k 1000000=M"`` gives 500, 1k,
    10k, 1M; ``"1000=千 10000=萬"`` gives 500, 1千, 1萬, 100萬.
    """

    def __init__(self, units: str) -> None:
        pairs = (pair.split("=", 1) for pair in units.split())
        self.scale = sorted(((float(size), suffix) for size, suffix in pairs), reverse=True)

    def __call__(self, x: float, pos=None) -> str:
        for size, suffix in self.scale:
            if abs(x) >= size:
                return f"{x / size:,.3g}{suffix}"
        return f"{x:,.0f}"


def compact_counts(units: str) -> CompactCounts:
    """A :class:`CompactCounts` formatter for the locale's ``count_units``."""
    return CompactCounts(units)


def _thousands(x: float, _pos=None) -> str:
    return f"{x:,.0f}"


def thousands() -> FuncFormatter:
    """Tick labels with thousands separators and no decimals (picklable: figures may be
    rendered in worker processes)."""
    return FuncFormatter(_thousands)


def inside_label(ax, x: float, y: float, text: str) -> None:
    """A bold white value centred on ``(x, y)``, inside a coloured bar."""
    ax.text(x, y, text, ha="center", va="center", color="white", fontsize=10.5, **theme.strong("white"))


DARK_TEXT, LIGHT_TEXT = ".15", "w"  # cell labels on light and on dark cells
LIGHT_CELL = 0.408  # relative luminance above which a cell takes dark text


def relative_luminance(rgba: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of colours (n, 3 or 4) with components in 0..1."""
    rgb = np.asarray(rgba, dtype=float)[:, :3]
    linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def heat_map(
    ax: Axes,
    values: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
    labels: Sequence[Sequence[str]],
    *,
    cmap,
    vmin: float,
    vmax: float,
    bar_label: str,
    fontsize: float = 11.0,
    gap: float = 2.0,
    shrink: float = 0.85,
):
    """An annotated heat map of ``values`` (rows x columns, first row at the top) drawn
    the way ``seaborn.heatmap`` draws one: cells of a ``pcolormesh`` parted by white lines
    ``gap`` points wide, the axes' spines off, each tick centred on its cell, a colour bar
    without outline, and each cell's label in dark text on a light cell and white on a
    dark one. Seaborn itself costs a second to import (scipy.stats with it) in the worker
    that draws the report's one heat map; tests/test_theme.py draws both and compares.
    Returns the colour bar."""
    values = np.asarray(values, dtype=float)
    mesh = ax.pcolormesh(values, cmap=cmap, vmin=vmin, vmax=vmax, linewidths=gap, edgecolor="white")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set(xlim=(0, values.shape[1]), ylim=(0, values.shape[0]))
    ax.invert_yaxis()
    bar = ax.figure.colorbar(mesh, ax=ax, shrink=shrink, label=bar_label)
    bar.outline.set_linewidth(0)
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, list(columns))
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, list(rows), va="center")
    mesh.update_scalarmappable()
    dark = relative_luminance(mesh.get_facecolors()) > LIGHT_CELL
    for (i, j), label, on_light in zip(np.ndindex(values.shape), np.ravel(labels), dark, strict=True):
        ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=fontsize,
                color=DARK_TEXT if on_light else LIGHT_TEXT)  # fmt: skip
    return bar

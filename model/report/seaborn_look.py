"""Seaborn's look, pinned: the colour-blind palette, ``whitegrid`` and ``notebook``.

The report's look is seaborn's (:mod:`model.report.theme`), but importing seaborn costs
every command about half a second, most of it ``scipy.stats``, which seaborn imports
for its statistics; a report needs none of that except the heat map of game types,
which imports seaborn where it is drawn. So the values seaborn gives are kept here, as
it gives them (seaborn 0.13): ``tests/test_theme.py`` checks them against seaborn
itself, so a seaborn release that changed its look would be noticed, not silently
diverged from.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb

COLORBLIND_HEX = (
    "#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc",
    "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9",
)  # fmt: skip
"""``sns.color_palette("colorblind", 10)``."""

COLORBLIND: tuple[tuple[float, float, float], ...] = tuple(to_rgb(h) for h in COLORBLIND_HEX)

LIGHT_END = (0.9388457363122124, 0.9439956340324122, 0.9519875096706142)
"""The light end of ``sns.light_palette(COLORBLIND[0])``: its hue, grey at HUSL lightness 95."""

WHITEGRID = {
    "figure.facecolor": "white",
    "axes.labelcolor": ".15",
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.color": ".15",
    "ytick.color": ".15",
    "axes.axisbelow": True,
    "grid.linestyle": "-",
    "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "xtick.top": False,
    "ytick.right": False,
    "axes.grid": True,
    "axes.facecolor": "white",
    "axes.edgecolor": ".8",
    "grid.color": ".8",
    "axes.spines.left": True,
    "axes.spines.bottom": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "xtick.bottom": False,
    "ytick.left": False,
}
"""``sns.axes_style("whitegrid")`` less ``image.cmap`` (seaborn's "rocket", registered
only when seaborn is imported; every chart here names its colour map)."""

NOTEBOOK = {
    "axes.linewidth": 1.25,
    "grid.linewidth": 1,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "patch.linewidth": 1,
    "xtick.major.width": 1.25,
    "ytick.major.width": 1.25,
    "xtick.minor.width": 1,
    "ytick.minor.width": 1,
    "xtick.major.size": 6,
    "ytick.major.size": 6,
    "xtick.minor.size": 4,
    "ytick.minor.size": 4,
    "font.size": 12,
    "axes.labelsize": 12,
    "axes.titlesize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.title_fontsize": 12,
}
"""``sns.plotting_context("notebook")``."""

FONT_KEYS = (
    "font.size", "axes.labelsize", "axes.titlesize", "xtick.labelsize",
    "ytick.labelsize", "legend.fontsize", "legend.title_fontsize",
)  # fmt: skip
"""The sizes ``plotting_context`` scales by its ``font_scale``."""


def notebook(font_scale: float = 1.0) -> dict:
    """``sns.plotting_context("notebook", font_scale=font_scale)``."""
    return {k: v * font_scale if k in FONT_KEYS else v for k, v in NOTEBOOK.items()}


def light_ramp(colour) -> LinearSegmentedColormap:
    """``sns.light_palette(colour, as_cmap=True)`` for the palette's blue (:data:`LIGHT_END` is its light end)."""
    return LinearSegmentedColormap.from_list("blend", [LIGHT_END, to_rgb(colour)])


def light_colours(colour, n: int) -> list[tuple[float, float, float]]:
    """``sns.light_palette(colour, n_colors=n)`` for the palette's blue."""
    return [tuple(float(v) for v in rgb[:3]) for rgb in light_ramp(colour)(np.linspace(0, 1, n))]

"""One look for every chart of a report, a comparison or a study page.

Seaborn's colour-blind-safe palette, 16:9 figures, readable type. Colours are fixed
by meaning so a reader learns them once: Japan is always blue, Korea orange and the
US purple; each profile, outcome, burden component, equilibrium set and US regime
keeps its colour in every chart of every report and study page, whatever else the
chart shows (:func:`series_colours`). Heat maps use a single-hue ramp of the same
blue. Rendering is deterministic and offline: Agg canvases (no pyplot state), a
fixed SVG hash salt and no dates in the file metadata (:mod:`model.report.chartfiles`).

Seaborn's role. Seaborn supplies the look (``axes_style``, ``plotting_context``), the
palette and its light ramps, and draws the annotated heat map of game types
(``sns.heatmap``), where it does better than hand-written matplotlib. Every other
chart stays in matplotlib on purpose: each is drawn from the table written as its
CSV, and those tables hold estimates with Monte Carlo standard errors (or histogram
bins, bootstrap intervals, PRIM boxes) already computed; seaborn's statistical
functions (``lineplot``, ``histplot``, ``barplot``, ``FacetGrid``) want raw
observations and compute their own intervals, so they would either recompute what
the table says or be called with their statistics switched off. The sweep panels
share one figure with a title, subtitle and one legend, which
``fig.subplots(sharey=True)`` gives directly; stacked areas (equilibrium mix, burden
components) and the regime map's non-uniform cell edges (``pcolormesh``) have no
seaborn equivalent.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import seaborn as sns
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

from model.report.fonts import CJK_FAMILY, font_families

PALETTE = sns.color_palette("colorblind", 10)
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, YELLOW, SKY = PALETTE

COUNTRY_COLOURS = {"japan": BLUE, "korea": ORANGE, "us": PURPLE}
PROFILE_COLOURS = {"BB": GREEN, "BP": BLUE, "PB": ORANGE, "PP": RED}
OUTCOME_COLOURS = {"holds": GREEN, "us": BLUE, "collapse": RED}
COMPONENT_COLOURS = {
    "defence": BLUE,
    "retaliation": BROWN,
    "ptrl": GREEN,
    "war": PURPLE,
    "collapse": RED,
}
VARIANT_COLOURS = {"simultaneous": GREY, "commit": BLUE, "leader": GREEN}
REGIME_COLOURS = {
    "integrated_deterrence": BLUE,
    "offshore_balancing": ORANGE,
    "grand_bargain": RED,
}
EQ_SET_COLOURS = {1: GREEN, 2: BLUE, 4: ORANGE, 8: RED, 25: PURPLE, 22: BROWN, 16: PINK}
EXTRA_COLOURS = (GREY, YELLOW, SKY)
REGIME_KEY = "policy.us_regime"
INK = "#222222"
MUTED = "#555555"

DPI = 300
SCREEN_DPI = 110  # the HTML page shows the 300-dpi PNG scaled to this width
SVG_SALT = "offshore"


@dataclass(frozen=True)
class Look:
    """Sizes of one family of charts (both 16:9)."""

    width: float  # inches
    height: float
    font_scale: float
    title_size: float  # axes titles
    label_size: float
    tick_size: float
    legend_size: float
    heading_size: float  # the figure's title
    subtitle_size: float
    subtitle_y: float  # top of the subtitle, in figure coordinates
    subtitle_wrap: int  # characters per subtitle line


REPORT = Look(10.24, 5.76, 1.05, 13, 11.5, 10.5, 10, 16, 11, 0.925, 140)  # 3072 x 1728 px at 300 dpi
STUDY = Look(12.0, 6.75, 0.95, 12, 10.5, 10, 9, 14, 10, 0.935, 165)  # denser: many inputs per chart


def sequential_cmap() -> LinearSegmentedColormap:
    """White to the palette's blue, for heat maps and the 2x2 table."""
    return sns.light_palette(BLUE, as_cmap=True)


def eq_set_colour(code: int, others: dict[int, Any] | None = None) -> Any:
    """The fixed colour of an equilibrium set; sets without one take the extra colours in turn."""
    if code in EQ_SET_COLOURS:
        return EQ_SET_COLOURS[code]
    others = others if others is not None else {}
    if code not in others:
        others[code] = EXTRA_COLOURS[len(others) % len(EXTRA_COLOURS)]
    return others[code]


def _lighter(colour: Any, share: float) -> tuple[float, float, float]:
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * share, g + (1 - g) * share, b + (1 - b) * share)


def series_colours(combos: Sequence[Mapping[str, Any]]) -> list:
    """One colour per line of a chart, each line a combination of config values.

    Lines that differ by US regime take the regime's fixed colour (lighter shades of it
    when other keys vary too), so a regime looks the same on every page; other
    combinations take the palette in order (a blue ramp beyond ten).
    """
    regimes = [str(combo.get(REGIME_KEY)) for combo in combos]
    if combos and all(r in REGIME_COLOURS for r in regimes):
        total, seen = Counter(regimes), Counter()
        colours = []
        for regime in regimes:
            n, k = total[regime], seen[regime]
            seen[regime] += 1
            colours.append(_lighter(REGIME_COLOURS[regime], 0.6 * k / (n - 1) if n > 1 else 0.0))
        return colours
    if len(combos) <= len(PALETTE):
        return list(PALETTE[: len(combos)])
    return list(sns.light_palette(BLUE, n_colors=len(combos) + 2)[2:])


def rc(lang: str = "en", look: Look = REPORT) -> dict:
    """Matplotlib settings for ``lang`` (fonts included) at the sizes of ``look``."""
    params: dict = {}
    params.update(sns.axes_style("whitegrid"))
    params.update(sns.plotting_context("notebook", font_scale=look.font_scale))
    bold = "normal" if lang == "zh-TW" else "bold"
    params.update(
        {
            "font.family": font_families(lang),
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.titlesize": look.title_size,
            "axes.titleweight": bold,
            "axes.labelsize": look.label_size,
            "axes.edgecolor": "#999999",
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.labelsize": look.tick_size,
            "ytick.labelsize": look.tick_size,
            "xtick.color": INK,
            "ytick.color": INK,
            "legend.fontsize": look.legend_size,
            "legend.frameon": False,
            "figure.titlesize": look.heading_size,
            "figure.titleweight": bold,
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "svg.hashsalt": SVG_SALT,
            "svg.fonttype": "none",  # live text: titles and labels stay editable in slide software
            # Type 3 holds the CFF outlines of the OpenType CJK font correctly (Type 42 would
            # mislabel them); the text stays extractable.
            "pdf.fonttype": 3,
            "axes.unicode_minus": True,
            "text.parse_math": False,  # "US$" twice in a label must not start mathtext
            "grid.color": "#e3e3e3",
        }
    )
    return params


@contextlib.contextmanager
def theme(lang: str = "en", look: Look = REPORT) -> Iterator[None]:
    """Apply the look for the duration of a rendering."""
    with matplotlib.rc_context(rc(lang, look)):
        yield


def strong(colour: str | tuple = INK, stroke: float = 0.7) -> dict:
    """Text properties for bold type.

    The CJK font package ships the Regular face only, so in Traditional Chinese bold
    is drawn as Regular with a thin outline of the text's own colour.
    """
    family = matplotlib.rcParams["font.family"]
    if family and family[0] == CJK_FAMILY:
        return {
            "fontweight": "normal",
            "path_effects": [patheffects.withStroke(linewidth=stroke, foreground=colour)],
        }
    return {"fontweight": "bold"}


def new_figure(title: str, subtitle: str | None = None, look: Look = REPORT, **subplots) -> tuple[Figure, Any]:
    """A 16:9 figure on an Agg canvas with a title (and optional subtitle) and its axes."""
    fig = Figure(figsize=(look.width, look.height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    heading(fig, title, subtitle, look)
    return fig, axes


def heading(fig: Figure, title: str, subtitle: str | None = None, look: Look = REPORT) -> None:
    """The figure's title, left-aligned, and a muted subtitle wrapped below it."""
    fig.suptitle(title, x=0.01, ha="left", fontsize=look.heading_size, **strong())
    if subtitle:
        # constrained layout reserves room for the suptitle only; the subtitle sits just
        # below it as a figure text and the axes get a little headroom.
        lines = textwrap.wrap(subtitle, look.subtitle_wrap)
        fig.get_layout_engine().set(rect=(0, 0, 1, 0.955 - 0.028 * (len(lines) - 1)))
        fig.text(0.01, look.subtitle_y, "\n".join(lines), ha="left", va="top", fontsize=look.subtitle_size, color=MUTED)

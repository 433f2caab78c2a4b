"""One look for every chart of a report, a comparison or a study page.

Seaborn's colour-blind-safe palette, 16:9 figures, readable type. Colours are fixed
by meaning so a reader learns them once: Japan is always blue, Korea orange and the
US purple (so is the outcome "the US intervenes"); each profile, outcome, burden
component, equilibrium set, US regime and claim verdict keeps its colour in every
chart of every report and study page, whatever else the chart shows
(:func:`series_colours`). Heat maps use a single-hue ramp of the same blue. Labels
wrap by display width (a CJK character is two columns) and never inside parentheses
(:func:`wrap_label`). Rendering is deterministic and offline: Agg canvases (no pyplot state), a
fixed SVG hash salt and no dates in the file metadata (:mod:`model.report.chartfiles`).

Seaborn's role. Seaborn supplies the look (``axes_style``, ``plotting_context``), the
palette and its light ramps (pinned in :mod:`model.report.seaborn_look`, so a report
does not pay a second for importing seaborn and scipy.stats), and the annotated heat
map of game types is drawn as ``sns.heatmap`` draws it (:func:`model.report.axes.heat_map`,
the same pixels: tests/test_theme.py draws both). Every other chart stays in
matplotlib on purpose: each is drawn from the table written as its
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
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

from model.report import seaborn_look
from model.report.fonts import CJK_FAMILY, font_families

PALETTE = seaborn_look.COLORBLIND
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, YELLOW, SKY = PALETTE

COUNTRY_COLOURS = {"japan": BLUE, "korea": ORANGE, "us": PURPLE}
PROFILE_COLOURS = {"BB": GREEN, "BP": BLUE, "PB": ORANGE, "PP": RED}
OUTCOME_COLOURS = {"holds": GREEN, "us": PURPLE, "collapse": RED}  # the US steps in: the US's purple
COMPONENT_COLOURS = {
    "defence": BLUE,
    "retaliation": BROWN,
    "ptrl": GREEN,
    "war": PURPLE,
    "collapse": RED,
}
VARIANT_COLOURS = {"simultaneous": GREY, "commit": BLUE, "leader": GREEN}
VERDICT_COLOURS = {"supported": GREEN, "contradicted": RED, "not distinguishable from zero": GREY, "mixed": GREY}
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
SUBTITLE_LINE = 0.06  # figure height given up to each subtitle line after the first


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
    subtitle_wrap: int  # display columns per subtitle line at most (a CJK character is two)


REPORT = Look(10.24, 5.76, 1.05, 13, 11.5, 10.5, 10, 16, 11, 0.925, 140)  # 3072 x 1728 px at 300 dpi
STUDY = Look(12.0, 6.75, 0.95, 12, 10.5, 10, 9, 14, 10, 0.935, 165)  # denser: many inputs per chart


def sequential_cmap() -> LinearSegmentedColormap:
    """White to the palette's blue, for heat maps and the 2x2 table."""
    return seaborn_look.light_ramp(BLUE)


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
    return seaborn_look.light_colours(BLUE, len(combos) + 2)[2:]


def rc(lang: str = "en", look: Look = REPORT) -> dict:
    """Matplotlib settings for ``lang`` (fonts included) at the sizes of ``look``."""
    params: dict = {}
    params.update(seaborn_look.WHITEGRID)
    params.update(seaborn_look.notebook(look.font_scale))
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
            # embedded TrueType (Type 42 / CIDFontType2); the CJK face is a glyf copy of the
            # OpenType/CFF one (model/report/ttf.py), which Type 42 could not hold
            "pdf.fonttype": 42,
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
        lines = wrap_label(subtitle, min(look.subtitle_wrap, columns(look.width * 0.97, look.subtitle_size)))
        fig.get_layout_engine().set(rect=(0, 0, 1, 0.955 - SUBTITLE_LINE * (len(lines) - 1)))
        fig.text(0.01, look.subtitle_y, "\n".join(lines), ha="left", va="top", fontsize=look.subtitle_size, color=MUTED)


# -- wrapping labels -------------------------------------------------------------------

_WIDE = "\u2e80-\u9fff\uf900-\ufaff"
_WIDE_PUNCT = "\u3000-\u303f\uff00-\uffef"
_GROUP = r"\([^()\n]*\)|（[^（）\n]*）"
_TOKEN = re.compile(rf"(?:[^\s{_WIDE}{_WIDE_PUNCT}(]|{_GROUP})+|{_GROUP}|[{_WIDE_PUNCT}]|[{_WIDE}]|\s+|.")
_CLOSING = set("，。、；：！？）」』〉》】")
EM_PER_COLUMN = 0.6  # a generous average width of one display column, in ems
SHORT_START = 4  # columns: a line this short ("3. ", "a ") keeps the next word rather than end alone


def display_width(text: str) -> int:
    """Columns ``text`` takes: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def columns(inches: float, points: float) -> int:
    """Display columns of ``points``-sized type that fit in ``inches`` (a safe estimate)."""
    return max(int(inches * 72 / (points * EM_PER_COLUMN)), 8)


def wrap_label(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` display columns, never inside parentheses.

    Latin words break at spaces; CJK characters may break anywhere except before
    closing punctuation; a parenthesised group, ``(P, P)`` or ``（同時賽局）``, stays
    on one line with the word it is attached to, even when that line runs longer, and
    a very short start ("3. ") keeps the word after it. Existing line breaks are kept.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in _TOKEN.findall(paragraph):
            if token.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            size = display_width(token)
            if used + size > width and used > SHORT_START and token[0] not in _CLOSING:
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines

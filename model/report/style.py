"""One look for every chart: seaborn's colour-blind-safe palette, 16:9, readable type.

Colours are fixed by meaning so a reader learns them once: Japan is always blue and
Korea always orange; each profile, outcome and burden component keeps its colour in
every chart of every report. Heat maps use a single-hue ramp of the same blue.
Rendering is deterministic and offline: the Agg backend, a fixed SVG hash salt and
no dates in the file metadata.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from model.report.fonts import CJK_FAMILY, font_families  # noqa: E402

PALETTE = sns.color_palette("colorblind", 10)
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, YELLOW, SKY = PALETTE

COUNTRY_COLOURS = {"japan": BLUE, "korea": ORANGE}
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
INK = "#222222"
MUTED = "#555555"

WIDTH_IN, HEIGHT_IN = 10.24, 5.76  # 16:9; 3072 x 1728 px at 300 dpi
DPI = 300
SCREEN_DPI = 110  # the HTML page shows the 300-dpi PNG scaled to this width
SVG_SALT = "offshore-report"


def sequential_cmap() -> LinearSegmentedColormap:
    """White to the palette's blue, for heat maps and the 2x2 table."""
    return sns.light_palette(BLUE, as_cmap=True)


def rc(lang: str) -> dict:
    """Matplotlib settings for ``lang`` (fonts included)."""
    params: dict = {}
    params.update(sns.axes_style("whitegrid"))
    params.update(sns.plotting_context("notebook", font_scale=1.05))
    params.update(
        {
            "font.family": font_families(lang),
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.titlesize": 13,
            "axes.titleweight": "normal" if lang == "zh-TW" else "bold",
            "axes.labelsize": 11.5,
            "axes.edgecolor": "#999999",
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.labelsize": 10.5,
            "ytick.labelsize": 10.5,
            "xtick.color": INK,
            "ytick.color": INK,
            "legend.fontsize": 10,
            "legend.frameon": False,
            "figure.titlesize": 16,
            "figure.titleweight": "normal" if lang == "zh-TW" else "bold",
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "svg.hashsalt": SVG_SALT,
            "svg.fonttype": "path",
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
def theme(lang: str) -> Iterator[None]:
    """Apply the report look for the duration of a rendering."""
    with plt.rc_context(rc(lang)):
        yield


def strong(colour: str | tuple = INK, stroke: float = 0.7) -> dict:
    """Text properties for bold type.

    The CJK font package ships the Regular face only, so in Traditional Chinese bold
    is drawn as Regular with a thin outline of the text's own colour.
    """
    family = plt.rcParams["font.family"]
    if family and family[0] == CJK_FAMILY:
        return {
            "fontweight": "normal",
            "path_effects": [patheffects.withStroke(linewidth=stroke, foreground=colour)],
        }
    return {"fontweight": "bold"}


def new_figure(title: str, subtitle: str | None = None, **subplots) -> tuple[Figure, object]:
    """A 16:9 figure with a title (and optional subtitle) and its axes."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    heading(fig, title, subtitle)
    return fig, axes


def heading(fig: Figure, title: str, subtitle: str | None = None) -> None:
    fig.suptitle(title, x=0.01, ha="left", fontsize=16, **strong())
    if subtitle:
        # constrained layout reserves room for the suptitle only; the subtitle sits just
        # below it as a figure text and the axes get a little headroom.
        fig.get_layout_engine().set(rect=(0, 0, 1, 0.955))
        fig.text(0.01, 0.925, subtitle, ha="left", va="top", fontsize=11, color=MUTED)


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()

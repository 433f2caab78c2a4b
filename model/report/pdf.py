"""The PDF report through matplotlib's PdfPages: text pages, then one page per chart.

There are :data:`TEXT_PAGES` text pages, 16:9 like the charts: (1) title,
executive summary and notes; (2) key figures and assumptions; (3) inputs, any extra
tables and the reproducibility footer; a run with the paper's claims tested gets one
more, first. Each page's type shrinks until its content fits, so the page count is
:func:`text_page_count` plus the number of charts. No dates are written
into the file, so the same report renders to the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from model.report import theme
from model.report.document import Document
from model.report.summary import Grid
from model.report.text import _width, wrap

TEXT_PAGES = 3
MARGIN_IN = 0.45
LINE = 1.38  # line height in units of the font size
MAX_SIZE, MIN_SIZE = 11.0, 5.5


@dataclass
class Block:
    kind: str  # title, subtitle, heading, bullet, para, note, table, small
    content: object


def _columns(width_pt: float, size: float) -> int:
    """How many one-column (Latin) characters fit in ``width_pt`` at ``size``."""
    return max(int(width_pt / (0.56 * size)), 10)


def _text_width(text: str) -> int:
    return sum(_width(c) for c in text)


def _layout(blocks: list[Block], size: float, width_pt: float) -> tuple[list[tuple], float]:
    """Lines to draw (kind, x_pt, y_pt, text, size, weight) and the height used, in points."""
    out: list[tuple] = []
    y = 0.0
    for block in blocks:
        kind = block.kind
        if kind == "title":
            s = size * 1.75
            for line in wrap(str(block.content), _columns(width_pt, s * 1.05)):
                out.append(("text", 0.0, y, line, s, "bold", theme.INK))
                y += s * 1.25
            y += s * 0.2
        elif kind == "subtitle":
            s = size * 1.1
            for line in wrap(str(block.content), _columns(width_pt, s)):
                out.append(("text", 0.0, y, line, s, "normal", theme.MUTED))
                y += s * LINE
            out.append(("rule", 0.0, y + s * 0.3, "", s, "", theme.BLUE))
            y += s * 0.9
        elif kind == "heading":
            s = size * 1.3
            y += s * 0.45
            out.append(("text", 0.0, y, str(block.content), s, "bold", theme.INK))
            y += s * LINE
        elif kind in ("bullet", "para", "note", "small"):
            s = size * (0.9 if kind in ("note", "small") else 1.0)
            indent = s * 1.3 if kind == "bullet" else 0.0
            colour = theme.MUTED if kind in ("note", "small") else theme.INK
            lines = wrap(str(block.content), _columns(width_pt - indent, s))
            for i, line in enumerate(lines):
                if kind == "bullet" and i == 0:
                    out.append(("text", 0.0, y, "•", s, "normal", theme.BLUE))
                out.append(("text", indent, y, line, s, "normal", colour))
                y += s * LINE
            y += s * 0.35
        elif kind == "table":
            y = _layout_table(block.content, size * 0.92, width_pt, y, out)
    return out, y


def _layout_table(grid: Grid, size: float, width_pt: float, y: float, out: list[tuple]) -> float:
    rows = [grid.headers, *grid.rows]
    ncol = len(grid.headers)
    natural = [max(_text_width(str(r[c])) for r in rows) + 2 for c in range(ncol)]
    total = _columns(width_pt, size)
    widths = list(natural)
    while sum(widths) > total and max(widths) > 8:
        i = widths.index(max(widths))
        widths[i] -= 1
    x_cols = [0.0]
    for w in widths[:-1]:
        x_cols.append(x_cols[-1] + w * 0.56 * size)
    for r, row in enumerate(rows):
        cells = [wrap(str(row[c]), max(widths[c] - 1, 4)) for c in range(ncol)]
        height = max(len(c) for c in cells)
        weight = "bold" if r == 0 else "normal"
        for c, lines in enumerate(cells):
            for i, line in enumerate(lines):
                out.append(("text", x_cols[c], y + i * size * LINE, line, size, weight, theme.INK))
        y += height * size * LINE
        out.append(("hline", 0.0, y - size * 0.25, "", size, "", "#cccccc"))
    return y + size * 0.6


def text_page(blocks: list[Block], footer: str = "") -> Figure:
    """A 16:9 page holding ``blocks``, in the largest type (<= 11 pt) that fits."""
    fig = Figure(figsize=(theme.REPORT.width, theme.REPORT.height))
    width_pt = (theme.REPORT.width - 2 * MARGIN_IN) * 72
    height_pt = (theme.REPORT.height - 2 * MARGIN_IN) * 72 - (14 if footer else 0)
    size = MAX_SIZE
    while True:
        lines, used = _layout(blocks, size, width_pt)
        if used <= height_pt or size <= MIN_SIZE:
            break
        size -= 0.25
    to_x = lambda pt: (MARGIN_IN * 72 + pt) / (theme.REPORT.width * 72)  # noqa: E731
    to_y = lambda pt: 1 - (MARGIN_IN * 72 + pt) / (theme.REPORT.height * 72)  # noqa: E731
    for kind, x, y, text, s, weight, colour in lines:
        if kind == "text":
            weight_kw = _weight(weight)
            fig.text(to_x(x), to_y(y), text, fontsize=s, color=colour, va="top", ha="left", **weight_kw)
        elif kind in ("rule", "hline"):
            fig.add_artist(_line(fig, to_x(0), to_x(width_pt), to_y(y), colour, 2.0 if kind == "rule" else 0.6))
    if footer:
        fig.text(
            to_x(0),
            MARGIN_IN / 2 / theme.REPORT.height,
            footer,
            fontsize=7,
            color=theme.MUTED,
            va="center",
        )
    return fig


def _weight(weight: str) -> dict:
    """Bold where the font has a bold face; the CJK font has none, and its faux bold
    (an outline) would turn the words into shapes a reader cannot search or copy."""
    strong = theme.strong()
    return strong if weight == "bold" and "path_effects" not in strong else {"fontweight": "normal"}


def _line(fig: Figure, x0: float, x1: float, y: float, colour: str, lw: float):
    from matplotlib.lines import Line2D

    return Line2D([x0, x1], [y, y], transform=fig.transFigure, color=colour, lw=lw)


def text_pages(doc: Document) -> list[Figure]:
    tx, words = doc.tx, doc.words
    short_footer = words.footer[0] if words.footer else ""
    first = [
        Block("title", words.title),
        Block("subtitle", words.subtitle),
        Block("heading", tx("section_summary")),
        *[Block("bullet", s) for s in words.summary],
        *[Block("note", n) for n in words.notes],
    ]
    second = [
        Block("heading", tx("section_key_figures")),
        Block("table", words.key_figures),
        Block("heading", tx("section_assumptions")),
        *[Block("bullet", a) for a in words.assumptions],
    ]
    third: list[Block] = []
    if words.inputs is not None:
        third += [Block("heading", tx("section_priors")), Block("table", words.inputs)]
    for heading, grid in words.extra:
        third += [Block("heading", heading), Block("table", grid)]
    third += [
        Block("heading", tx("section_repro")),
        *[Block("small", line) for line in words.footer],
    ]
    pages = [text_page(first, short_footer), text_page(second, short_footer), text_page(third)]
    if words.claims:
        claims = [
            Block("heading", tx("claims_heading")),
            Block("note", words.claims_intro),
            *[Block("bullet", c) for c in words.claims],
        ]
        pages.insert(0, text_page(claims, short_footer))
    return pages


def text_page_count(doc: Document) -> int:
    """How many text pages :func:`text_pages` makes for ``doc``."""
    return TEXT_PAGES + (1 if doc.words.claims else 0)


def render_pdf(doc: Document) -> bytes:
    """The report as PDF bytes: TEXT_PAGES text pages, then one page per chart."""
    buffer = io.BytesIO()
    metadata = {
        "Title": doc.words.title,
        "Creator": None,
        "Producer": None,
        "CreationDate": None,
        "ModDate": None,
    }
    with PdfPages(buffer, metadata=metadata) as pdf:
        for page in text_pages(doc):
            pdf.savefig(page)
        for chart in doc.charts:
            pdf.savefig(chart.figure)
    return buffer.getvalue()

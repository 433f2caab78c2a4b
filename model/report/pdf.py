"""The PDF report: text pages, then one page per chart with its caption underneath.

There are :data:`TEXT_PAGES` text pages: (1) title, executive summary and notes;
(2) key figures and assumptions; (3) inputs, any extra tables and the reproducibility
footer; a run with the paper's claims tested gets one more, first (and the priors'
appendix adds its pages after them). Each page's type shrinks until its content fits,
so the page count is :func:`text_page_count` plus the number of charts.

Every page is 16:9, :data:`PAGE_WIDTH` x :data:`PAGE_HEIGHT` inches: a chart page holds
the chart unchanged at the top and, in a band of :data:`CAPTION_BAND` inches below it,
its caption (wrapped) and the page number ("3 / 12"; localised), which every page
carries. The text pages and the chart pages' words are laid out here
(:func:`text_pages`, :func:`caption_page`) and set by :mod:`model.report.typeset`; the
charts are drawn by matplotlib, a page each at :data:`CHART_SIZE` (:func:`pages_pdf`),
in groups on the workers of :mod:`model.report.parallel_render`, and
:func:`join_pages` places each drawing on its page as a form XObject
(:func:`place_page`). Fonts are embedded as TrueType (Type 42 / CIDFontType2; the
Chinese face is the glyf copy of :mod:`model.report.ttf`), so the text is searchable
and sharp. No dates or producer are written into the file, so the same report renders
to the same bytes.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from model.report import theme
from model.report.document import Document
from model.report.priors_section import pdf_pages
from model.report.summary import Grid
from model.report.text import _width, wrap
from model.report.typeset import Page, Rule, TextLine

TEXT_PAGES = 3
MARGIN_IN = 0.45
CAPTION_BAND = 1.0  # inches below a chart for its caption and the page number
PAGE_HEIGHT = theme.REPORT.height + CAPTION_BAND
PAGE_WIDTH = PAGE_HEIGHT * 16 / 9
CAPTION_SIZE, PAGE_NUMBER_SIZE, FOOTER_SIZE = 9.0, 7.0, 7.0
METADATA = {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None}
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


def text_page(blocks: list[Block], footer: str = "") -> Page:
    """A 16:9 page holding ``blocks``, in the largest type (<= 11 pt) that fits."""
    width_pt = (PAGE_WIDTH - 2 * MARGIN_IN) * 72
    height_pt = (PAGE_HEIGHT - 2 * MARGIN_IN) * 72 - 14  # the footer's (and page number's) line
    size = MAX_SIZE
    while True:
        lines, used = _layout(blocks, size, width_pt)
        if used <= height_pt or size <= MIN_SIZE:
            break
        size -= 0.25
    margin = MARGIN_IN * 72
    page = Page(PAGE_WIDTH, PAGE_HEIGHT)
    for kind, x, y, text, s, weight, colour in lines:
        if kind == "text":
            page.items.append(TextLine(margin + x, margin + y, text, s, weight == "bold", colour))
        elif kind in ("rule", "hline"):
            page.items.append(Rule(margin, margin + width_pt, margin + y, colour, 2.0 if kind == "rule" else 0.6))
    if footer:
        page.items.append(TextLine(margin, _foot_line(FOOTER_SIZE), footer, FOOTER_SIZE, colour=theme.MUTED))
    return page


def _foot_line(size: float) -> float:
    """The top (points) of a ``size``-point line centred :data:`MARGIN_IN` / 2 above a text page's foot."""
    return PAGE_HEIGHT * 72 - MARGIN_IN * 36 - size / 2


def number_page(page: Page, label: str) -> None:
    """Print ``label`` (the page number) at the text page's bottom right."""
    right = (PAGE_WIDTH - MARGIN_IN) * 72
    page.items.append(TextLine(right, _foot_line(PAGE_NUMBER_SIZE), label, PAGE_NUMBER_SIZE, colour=theme.MUTED,
                            align="right"))  # fmt: skip


def text_pages(doc: Document) -> list[Page]:
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
    for appendix in pdf_pages(words.priors, tx):  # "Assumptions: the priors", after the text pages
        pages.append(text_page([Block(kind, text) for kind, text in appendix], short_footer))
    return pages


def text_page_count(doc: Document) -> int:
    """How many text pages :func:`text_pages` makes for ``doc``."""
    return TEXT_PAGES + (1 if doc.words.claims else 0) + len(pdf_pages(doc.words.priors, doc.tx))


def page_label(doc: Document, page: int, pages: int) -> str:
    """The page number as printed at the foot of page ``page`` (1-based) of ``pages``."""
    return doc.tx("pdf_page", page=page, pages=pages)


# OpenType layout tables: a PDF viewer places the glyphs it is given and never shapes,
# so an embedded font needs none of them; subsetting DejaVu Sans's spends most of a
# page's time in them.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "morx", "kerx")


@contextlib.contextmanager
def lean_font_subsets() -> Iterator[None]:
    """While open, fonts embedded in a PDF leave out their OpenType layout tables.

    Matplotlib subsets every TrueType font it embeds with fontTools; this extends
    fontTools' default list of dropped tables for the duration (and restores it), so
    the glyphs, their metrics and the text's Unicode mapping are kept as they were.
    """
    from fontTools import subset

    saved = subset.Options._drop_tables_default
    subset.Options._drop_tables_default = saved + [t for t in LAYOUT_TABLES if t not in saved]
    try:
        yield
    finally:
        subset.Options._drop_tables_default = saved


def pages_pdf(figures: list[Figure]) -> bytes:
    """``figures`` as one PDF, a page each, the page the figure's size."""
    buffer = io.BytesIO()
    with lean_font_subsets(), PdfPages(buffer, metadata=METADATA) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buffer.getvalue()


@dataclass(frozen=True)
class Placement:
    """Where a placed page's lower-left corner goes (points from the target page's), and its scale."""

    x: float
    y: float
    scale: float = 1.0


CHART_SIZE = (theme.REPORT.width, theme.REPORT.height)  # inches: every report chart is drawn at this size


def caption_page(caption: str, label: str) -> tuple[Page, Placement]:
    """A chart's page before its chart is placed on it: the caption and the page number.

    The page is a text page's size; the chart (:data:`CHART_SIZE`) goes at its top,
    centred across it, and the band below the chart holds the caption, wrapped to the
    chart's width and shrunk until it fits, and the page number ``label`` where every
    page has it. Also returns where the chart goes: its lower-left corner, in points
    from the page's.
    """
    width, height = CHART_SIZE
    band, dx = PAGE_HEIGHT - height, (PAGE_WIDTH - width) / 2
    room = band - 0.38  # inches for the caption: the page number's line stays free
    size = CAPTION_SIZE
    while True:
        lines = wrap(caption, _columns(width * 0.98 * 72, size))
        if len(lines) * size * 1.3 / 72 <= room or size <= MIN_SIZE:
            break
        size -= 0.25
    left, top = (dx + 0.01 * width) * 72, (height + 0.1) * 72
    lines_at = [TextLine(left, top + k * size * 1.3, line, size, colour=theme.MUTED) for k, line in enumerate(lines)]
    page = Page(PAGE_WIDTH, PAGE_HEIGHT, lines_at)
    number_page(page, label)
    return page, Placement(dx * 72, band * 72)


def place_page(writer, target, source, at: Placement, name: str) -> None:
    """Draw ``source`` (a page of another PDF) on ``target`` (a page of the pypdf
    ``writer``) at ``at``, as the form XObject ``name``: the source's content stream is
    copied as it is, still compressed, with its resources (copied once for all the
    pages of one source document), so nothing parses its thousands of operators and its
    words stay text. It is drawn before the target's own content: beneath it, and read
    first."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    x0, y0 = float(source.mediabox.left), float(source.mediabox.bottom)
    contents = source.raw_get("/Contents").get_object()
    if isinstance(contents, ArrayObject):  # several streams (not matplotlib's way): joined, decoded
        joined = DecodedStreamObject()
        joined.set_data(source.get_contents().get_data())
        form = writer._add_object(joined.flate_encode()).get_object()
    else:
        form = contents.clone(writer, force_duplicate=True)
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(source.mediabox),
            NameObject("/Resources"): source.raw_get("/Resources").clone(writer),
        }
    )
    resources = DictionaryObject(target["/Resources"].get_object())  # its own: pages may share one
    forms = DictionaryObject(resources.get(NameObject("/XObject"), DictionaryObject()).get_object())
    forms[NameObject(name)] = form.indirect_reference
    resources[NameObject("/XObject")] = forms
    target[NameObject("/Resources")] = resources
    tx, ty = at.x - x0 * at.scale, at.y - y0 * at.scale
    placement = DecodedStreamObject()
    placement.set_data(f"q {at.scale:.6f} 0 0 {at.scale:.6f} {tx:.4f} {ty:.4f} cm {name} Do Q\n".encode())
    contents = target.raw_get("/Contents")
    parts = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    # First, so the drawing lies beneath the page's own words and is read before them.
    # A stream must be an indirect object; pypdf's way to add one is _add_object.
    target[NameObject("/Contents")] = ArrayObject([writer._add_object(placement), *parts])


def join_pages(
    parts: list[bytes],
    title: str,
    order: list[tuple[int, int]] | None = None,
    placed: dict[int, tuple[int, int, Placement]] | None = None,
) -> bytes:
    """The PDFs ``parts`` joined into one, titled ``title``: the pages ``order`` lists, as
    (part, page) indices from 0, in that order; by default every page of every part.
    What pages of one part share (their fonts) is copied once. ``placed`` maps a position
    in ``order`` to a page drawn onto that page (:func:`place_page`): (part, page, where)."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    if order is None:
        order = [(part, page) for part, reader in enumerate(readers) for page in range(len(reader.pages))]
    writer = PdfWriter()
    for position, (part, page) in enumerate(order):
        writer.append(readers[part], pages=[page])
        if placed and position in placed:
            source_part, source_page, at = placed[position]
            place_page(writer, writer.pages[-1], readers[source_part].pages[source_page], at, "/Chart")
    writer.metadata = {"/Title": title}
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_pdf(doc: Document) -> bytes:
    """The report as PDF bytes: the text pages, then one page per chart (drawn in this process)."""
    from model.report.parallel_render import render_document

    return render_document(doc, jobs=1, progress=False).pdf

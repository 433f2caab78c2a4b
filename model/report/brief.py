"""The one-page brief written with every report: ``brief.html`` and ``brief.pdf``.

A brief holds the report's title and subtitle, its headline chart, three bullets
generated from the key figures and the paper's claims, the source paper's citation
and the run's reproducibility line, and fits one A4 or Letter page. The bullets reuse
the report's already formatted sentences and key-figure cells (:class:`Words`), so an
estimate prints exactly as in the report, inside its own interval.

This module also holds what the brief and the briefing deck (:mod:`model.report.deck`)
both need from the runs behind a report: :class:`Briefing` (scenario, run ids, the
date of the run from its manifest, the claims table) and the bullets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from model.report.claims_section import load_claims
from model.report.document import Chart, Document
from model.report.rundata import RunData
from model.report.summary import Grid, Words
from model.report.text import Text, wrap
from model.report.typeset import Page, TextLine

HEADLINE_CHARTS = ("game-table", "outcomes", "played")  # the first one present heads the brief
A4_IN = (8.27, 11.69)
PDF_MARGIN_IN = 0.6
LETTER_BOTTOM_IN = 10.6  # everything ends above this, so the A4 page also prints on Letter (11 in)


@dataclass(frozen=True)
class Briefing:
    """What the deck and the brief say about the runs behind a report.

    ``created_utc`` is the ISO time the (latest) run started, from its manifest, so a
    deck or brief of the same run is the same whenever it is rendered; ``claims`` is
    the run's ``claims.csv`` (one row per measure) or None.
    """

    scenario: str
    run_ids: tuple[str, ...]
    created_utc: str
    claims: pd.DataFrame | None = None


def briefing(runs: Sequence[RunData]) -> Briefing:
    """The :class:`Briefing` of one run (its claims included) or of several runs set side by side."""
    created = max((str(r.manifest.get("created_utc") or r.attr("created_utc", "")) for r in runs), default="")
    claims = load_claims(runs[0].path) if len(runs) == 1 else None
    return Briefing(", ".join(r.name for r in runs), tuple(r.run_id for r in runs), created, claims)


def chart_stem(chart: Chart) -> str:
    """A chart's name without its ``NN-`` position: ``03-game-types`` -> ``game-types``."""
    head, _, rest = chart.name.partition("-")
    return rest if head.isdigit() and rest else chart.name


def headline_chart(doc: Document) -> Chart | None:
    """The chart that heads the brief: the 2x2 game table (a comparison: the outcomes), else the first."""
    by_stem = {chart_stem(c): c for c in doc.charts}
    for stem in HEADLINE_CHARTS:
        if stem in by_stem:
            return by_stem[stem]
    return doc.charts[0] if doc.charts else None


def key_figure_text(tx: Text, grid: Grid, label: str) -> str | None:
    """The key-figure row ``label`` as 'estimate (95% CI interval)', or the estimate alone when exact."""
    for row in grid.rows:
        if row[0] == label:
            estimate, interval = row[1], row[2]
            if interval == tx("no_sampling_error"):
                return estimate
            return tx("brief_estimate", estimate=estimate, interval=interval)
    return None


def _burden_bullet(tx: Text, words: Words) -> str | None:
    """Japan's and Korea's expected burdens as the key-figure table prints them."""
    numbers = words.key_figure_numbers
    if numbers is None or not {"japan_burden", "korea_burden"} <= set(numbers["code"]):
        return None
    labels = numbers.set_index("code")["label"]
    first, second = str(labels["japan_burden"]), str(labels["korea_burden"])
    first_value = key_figure_text(tx, words.key_figures, first)
    second_value = key_figure_text(tx, words.key_figures, second)
    if first_value is None or second_value is None:
        return None
    return tx("brief_pair", first=first, first_value=first_value, second=second, second_value=second_value)


def claims_tally(tx: Text, claims: pd.DataFrame | None) -> str | None:
    """How many of the paper's claims the run supports, contradicts, ... (one verdict per claim)."""
    if claims is None or not len(claims):
        return None
    verdicts = claims.drop_duplicates("claim")["claim_verdict"].value_counts()
    return tx(
        "brief_claims",
        claims=int(verdicts.sum()),
        supported=int(verdicts.get("supported", 0)),
        contradicted=int(verdicts.get("contradicted", 0)),
        mixed=int(verdicts.get("mixed", 0)),
        undecided=int(verdicts.get("not distinguishable from zero", 0)),
    )


def bullets(doc: Document, about: Briefing) -> list[str]:
    """Three bullets: the headline sentence, the partners' burdens, the paper's claims.

    Where a run has no burdens (the ordinal game) or no claims, the next sentences of
    the executive summary take their place.
    """
    tx, words = doc.tx, doc.words
    chosen = [s for s in (_burden_bullet(tx, words), claims_tally(tx, about.claims)) if s]
    summary = iter([*words.summary, *_key_figure_rows(tx, words.key_figures)])
    out = [next(summary, "")]
    for sentence in summary:
        if len(out) + len(chosen) >= 3:
            break
        out.append(sentence)
    return [s for s in out + chosen if s][:3]


def _key_figure_rows(tx: Text, grid: Grid) -> list[str]:
    """Key-figure rows as sentences, the last resort of a brief short of sentences (a
    comparison's rows: the quantity, then each run's cell as the report prints it)."""
    out = []
    for row in grid.rows:
        if list(grid.headers[1:]) == [tx("col_estimate"), tx("col_interval")]:
            value = key_figure_text(tx, grid, row[0])
        else:
            value = "; ".join(f"{run}: {cell}" for run, cell in zip(grid.headers[1:], row[1:], strict=False))
        out.append(tx("brief_row", quantity=row[0], values=value))
    return out


def source_line(tx: Text) -> str:
    """The source paper's citation."""
    return tx("brief_source", citation=tx("citation"))


def run_line(doc: Document) -> str:
    """The reproducibility line of the (first) run: config hash, seed, worlds, run id, date."""
    return doc.words.footer[0] if doc.words.footer else ""


# -- HTML -----------------------------------------------------------------------------


def render_brief_html(doc: Document, about: Briefing) -> str:
    """The brief as one self-contained HTML page (chart embedded, nothing fetched)."""
    from model.report.htmlpage import render_page

    tx, words = doc.tx, doc.words
    chart = headline_chart(doc)
    return render_page(
        "brief.html",
        lang=tx.lang,
        html_lang=tx("html_lang"),
        title=f"{words.title}: {tx('brief_heading')}" if not tx.zh else f"{words.title}：{tx('brief_heading')}",
        words=words,
        heading=tx("brief_heading"),
        chart=chart,
        bullets=bullets(doc, about),
        source=source_line(tx),
        run_line=run_line(doc),
        files=tx("brief_files"),
    )


# -- PDF ------------------------------------------------------------------------------


def _pdf_text(page: Page, y_in: float, text: str, size: float, width_in: float, colour: str,
              indent: float = 0.0, bullet: bool = False) -> float:  # fmt: skip
    """Write ``text`` wrapped to ``width_in`` from ``y_in`` (inches from the top); returns the next y."""
    from model.report.pdf import _columns

    for i, line in enumerate(wrap(text, _columns(width_in * 72, size))):
        if bullet and i == 0:
            page.items.append(TextLine(PDF_MARGIN_IN * 72, y_in * 72, "•", size, colour=colour))
        page.items.append(TextLine((PDF_MARGIN_IN + indent) * 72, y_in * 72, line, size, colour=colour))
        y_in += size * 1.38 / 72
    return y_in


@dataclass(frozen=True)
class BriefPage:
    """The brief's PDF page drawn without its headline chart, and where the chart goes:
    ``slot`` is (x0, y0, x1, y1) in points from the page's lower left, None without a chart."""

    pdf: bytes
    slot: tuple[float, float, float, float] | None


def brief_layout(doc: Document, about: Briefing, aspect: float) -> tuple[Page, tuple | None]:
    """The brief as one A4 portrait page (it also fits Letter: its content ends above 10.6 in),
    with a free slot, ``aspect`` (height / width) of the text width, for the headline chart.

    Title, subtitle, the headline chart's slot and its caption from the top; the
    citation and the run's reproducibility line at the foot; the three bullets between,
    in the largest type (<= 11 pt) that fits. Returns the page and the slot (points,
    as :attr:`BriefPage.slot`).
    """
    from model.report import theme

    tx, words = doc.tx, doc.words
    page = Page(*A4_IN)
    width = A4_IN[0] - 2 * PDF_MARGIN_IN
    y = PDF_MARGIN_IN
    y = _pdf_text(page, y, words.title, 17, width * 0.95, theme.INK) + 0.05
    y = _pdf_text(page, y, words.subtitle, 10.5, width, theme.MUTED) + 0.15
    chart = headline_chart(doc)
    slot = None
    if chart is not None:
        h = width * aspect
        slot = (PDF_MARGIN_IN * 72, (A4_IN[1] - y - h) * 72, (PDF_MARGIN_IN + width) * 72, (A4_IN[1] - y) * 72)
        y += h + 0.08
        y = _pdf_text(page, y, chart.caption, 8, width, theme.MUTED) + 0.2
    footer = [source_line(tx), run_line(doc)]
    top = LETTER_BOTTOM_IN - sum(_text_height(line, 7.5, width) + 0.05 for line in footer)
    points = bullets(doc, about)
    size = 11.0
    while size > 7.0 and y + sum(_text_height(b, size, width - 0.25) + 0.1 for b in points) > top - 0.15:
        size -= 0.5  # the bullets shrink rather than run into the footer or off a Letter page
    for bullet in points:
        y = _pdf_text(page, y, bullet, size, width - 0.25, theme.INK, indent=0.25, bullet=True)
        y += 0.1
    y = top
    for line in footer:
        y = _pdf_text(page, y, line, 7.5, width, theme.MUTED) + 0.05
    return page, slot


def _text_height(text: str, size: float, width_in: float) -> float:
    """Inches that :func:`_pdf_text` uses for ``text``."""
    from model.report.pdf import _columns

    return len(wrap(text, _columns(width_in * 72, size))) * size * 1.38 / 72


def brief_page(doc: Document, about: Briefing, aspect: float) -> BriefPage:
    """The brief's page without its chart (no dates in the file, so the same report gives
    the same bytes); ``aspect`` is the headline chart's height / width."""
    from model.report.fonts import page_families
    from model.report.typeset import typeset

    page, slot = brief_layout(doc, about, aspect)
    return BriefPage(typeset([page], page_families(doc.tx.lang)), slot)


def render_brief_pdf(page: BriefPage, title: str, chart_pdf: bytes | None) -> bytes:
    """The brief: ``page`` with the headline chart in its slot, as vector graphics.

    ``chart_pdf`` is the headline chart's own one-page PDF, the very drawing the
    report's page shows, scaled into the slot, its words still text. It is placed whole
    as a form XObject (:func:`model.report.pdf.place_page`), so nothing has to parse the
    drawing's thousands of operators.
    """
    from pypdf import PdfReader, PdfWriter

    from model.report.pdf import Placement, place_page

    writer = PdfWriter()
    brief = writer.add_page(PdfReader(io.BytesIO(page.pdf)).pages[0])
    if page.slot is not None and chart_pdf is not None:
        chart = PdfReader(io.BytesIO(chart_pdf)).pages[0]
        width, height = float(chart.mediabox.width), float(chart.mediabox.height)
        sx0, sy0, sx1, sy1 = page.slot
        scale = min((sx1 - sx0) / width, (sy1 - sy0) / height)
        place_page(writer, brief, chart, Placement(sx0, sy1 - height * scale, scale), "/HeadlineChart")  # top left
    writer.metadata = {"/Title": title}
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

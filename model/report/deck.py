"""The briefing deck, ``briefing.pptx`` (``offshore report RUN_DIR --pptx``), with python-pptx.

Slides, 16:9 (13.333 x 7.5 in), in this order (:func:`slide_plan`):

1. title: the report's title and subtitle, the scenario, run id and the date of the
   run (from its manifest, not today's), and the source paper's citation;
2. key figures: a table of each estimate and its 95 % interval, the report's own cells;
3. the paper's claims as tested (a run that has them): one row per claim with its
   verdict and headline measure's paired difference and interval, and the citation;
4. one slide per chart: its title, its PNG, and a one-line takeaway generated from
   the numbers of the chart's table (:func:`takeaway`); the caption goes in the notes;
5. assumptions; 6. the uncertain inputs (median and central 80 % range), when known.

Every word is a real, editable text frame or table cell. Fonts: every run names its
Latin and East Asian typefaces (``a:latin``, ``a:ea``); in Traditional Chinese both
are Noto Sans CJK TC, the font the ``noto-cjk-sans-otc`` dependency installs for
the reports (:mod:`model.report.fonts`), and English runs name it as East Asian font
for the original title in the citation. A .pptx cannot carry the font, so each run
also says what a missing font should be replaced by: the language (``lang="zh-TW"``)
and the Big5 character set (``charset="-120"``), which lead PowerPoint, Keynote and
LibreOffice to a Traditional Chinese font (Microsoft JhengHei, PingFang TC ...)
rather than empty boxes; the theme's East Asian and Hant fonts say the same for
text typed later. The tests check that every character of the zh-TW deck is in the
Noto Sans CJK TC face.

The deck is deterministic: core properties carry the run's date, shape ids and image
names follow the slide order, and the zip entries get a fixed time stamp, so the same
report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from model.report.brief import Briefing, chart_stem, source_line
from model.report.claims_section import VERDICT_KEYS, _amount
from model.report.document import Chart, Document
from model.report.fonts import CJK_FAMILY
from model.report.summary import Grid, _num
from model.report.text import Text, _width, wrap

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, PowerPoint's 16:9
LATIN_FAMILY_EN = "Calibri"
BIG5_CHARSET = "-120"  # DrawingML's signed byte for charset 136 (Chinese Big5)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MARGIN = 0.5  # in
INK, MUTED, ACCENT = RGBColor(0x22, 0x22, 0x22), RGBColor(0x55, 0x55, 0x55), RGBColor(0x01, 0x73, 0xB2)
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # python-pptx's default template


# -- the plan -------------------------------------------------------------------------


def slide_plan(doc: Document, about: Briefing) -> list[str]:
    """The deck's slides in order: ``title``, ``key-figures``, ``claims`` (if any),
    ``chart:<name>`` per chart, ``assumptions``, ``inputs`` (if known)."""
    plan = ["title", "key-figures"]
    if about.claims is not None and len(about.claims):
        plan.append("claims")
    plan += [f"chart:{chart.name}" for chart in doc.charts]
    plan.append("assumptions")
    if doc.words.inputs is not None:
        plan.append("inputs")
    return plan


# -- takeaways ------------------------------------------------------------------------


def _pct(tx: Text, row: pd.Series, column: str) -> str:
    """A percent column of a chart table (display units) with its interval."""
    return tx.pct_ci(float(row[column]) / 100.0, float(row[f"{column}_se"]) / 100.0)


def _money(tx: Text, row: pd.Series, column: str) -> str:
    """A money column of a chart table (the report's money unit) with its interval."""
    return tx.money_ci(float(row[column]) / tx.money_scale, float(row[f"{column}_se"]) / tx.money_scale)


def _top(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.loc[frame[column].astype(float).idxmax()]


def _claims(tx: Text, f: pd.DataFrame) -> str:
    counts = f["verdict"].value_counts()
    return tx(
        "take_claims",
        measures=len(f),
        supported=int(counts.get("supported", 0)),
        contradicted=int(counts.get("contradicted", 0)),
        undecided=int(counts.get("not distinguishable from zero", 0)),
    )


def _game_table(tx: Text, f: pd.DataFrame) -> str:
    top = _top(f, "played")
    return tx("take_game_table", profile=tx.profile(str(top["code"])), p=_pct(tx, top, "played"))


def _eq_sets(tx: Text, f: pd.DataFrame) -> str:
    top = _top(f, "share")
    return tx("take_eq_sets", n=len(f), label=" ".join(str(top["label"]).split()), p=_pct(tx, top, "share"))


def _game_types(tx: Text, f: pd.DataFrame) -> str:
    top = _top(f, "share")
    return tx("take_game_types", japan=top["japan_label"], korea=top["korea_label"], p=_pct(tx, top, "share"))


def _burden_distribution(tx: Text, f: pd.DataFrame) -> str:
    markers = f[f["series"] == "marker"].set_index("code")
    mean, cvar = markers.loc["mean"], markers.loc["cvar95"]
    ratio = float(cvar["value"]) / float(mean["value"]) if float(mean["value"]) > 0 else float("nan")
    return tx("take_burden_dist", mean=_money(tx, mean, "value"), cvar=_money(tx, cvar, "value"), ratio=tx.ratio(ratio))


def _components(tx: Text, f: pd.DataFrame) -> str:
    japan = f[f["country"] == "japan"]
    total = float(japan.loc[japan["component"] == "total", "burden"].iloc[0])
    top = _top(japan[japan["component"] != "total"], "burden")
    share = float(top["burden"]) / total if total > 0 else 0.0
    component = str(top["component_label"])
    if not tx.zh:
        component = component[0].lower() + component[1:]
    return tx(
        "take_components",
        country=tx.country("japan"),
        component=component,
        value=_money(tx, top, "burden"),
        share=tx.pct(share, 0),
    )


def _commitment(tx: Text, f: pd.DataFrame) -> str:
    profiles = f[f["panel"] == "profiles"]
    before = _top(profiles[profiles["series"] == "simultaneous"], "value")
    after = _top(profiles[profiles["series"] == "commit"], "value")
    return tx(
        "take_commitment",
        before_profile=tx.profile(str(before["code"])),
        before=_pct(tx, before, "value"),
        after_profile=tx.profile(str(after["code"])),
        after=_pct(tx, after, "value"),
    )


def _convergence(tx: Text, f: pd.DataFrame) -> str:
    last = f[f["worlds"] == f["worlds"].max()].copy()
    last["relative"] = last["value_se"].astype(float) / last["value"].astype(float).abs().clip(lower=1e-12)
    top = _top(last, "relative")
    money = str(top["unit"]) == tx.money_unit
    value = _money(tx, top, "value") if money else _pct(tx, top, "value")
    return tx("take_convergence", label=str(top["label"]), value=value, worlds=tx.count(int(top["worlds"])))


def _range(tx: Text, f: pd.DataFrame, code: str, column: str, money: bool) -> str:
    part = f[f["code"] == code]
    hi = part.loc[part[column].astype(float).idxmax()]
    lo = part.loc[part[column].astype(float).idxmin()]
    fmt = _money if money else _pct
    return tx(
        "take_cmp_range",
        quantity=str(hi["label"]),
        hi_run=hi["run_label"],
        hi=fmt(tx, hi, column),
        lo_run=lo["run_label"],
        lo=fmt(tx, lo, column),
    )


def _priors(tx: Text, f: pd.DataFrame) -> str:
    """The most spread of the chart's priors (range of its drawn values over its mode); exact, no interval."""
    spread = {}
    for code, part in f.groupby("code", sort=False):
        x = part["x"].astype(float)
        mode = float(x.iloc[int(part["density"].astype(float).to_numpy().argmax())])
        spread[code] = ((float(x.max()) - float(x.min())) / max(abs(mode), 1e-12), part, mode)
    code = max(spread, key=lambda c: spread[c][0])
    _, part, mode = spread[code]
    first = part.iloc[0]
    return tx(
        "take_priors",
        n=len(spread),
        label=str(first["label"]),
        lo=_num(float(part["x"].min())),
        hi=_num(float(part["x"].max())),
        mode=_num(mode),
        unit=str(first["unit"]),
    )


TAKEAWAYS = {
    "paper-claims": _claims,
    "game-table": _game_table,
    "equilibrium-sets": _eq_sets,
    "game-types": _game_types,
    "burden-distribution": _burden_distribution,
    "burden-components": _components,
    "commitment": _commitment,
    "convergence": _convergence,
}
COMPARISON_TAKEAWAYS = {  # a comparison's charts: (code, column, money) of the quantity ranged over runs
    "played": ("PP", "value", False),
    "outcomes": ("collapse", "value", False),
    "burden": ("japan", "burden", True),
    "burden-components": ("total", "burden", True),
    "commitment": ("korea_passes", "value", False),
}


def takeaway(chart: Chart, tx: Text) -> str:
    """One line on what ``chart`` shows, computed from the numbers of its table.

    Estimates are formatted by :class:`Text` with their 95 % intervals. A chart this
    module does not know gets the first sentence of its caption.
    """
    stem, frame = chart_stem(chart), chart.table.frame
    try:
        if "run_label" in frame.columns and stem in COMPARISON_TAKEAWAYS:
            return _range(tx, frame, *COMPARISON_TAKEAWAYS[stem])
        if stem in TAKEAWAYS:
            return TAKEAWAYS[stem](tx, frame)
        if stem.startswith("priors"):
            return _priors(tx, frame)
    except (KeyError, IndexError, ValueError):
        pass
    stop = "。" if tx.zh else ". "
    return chart.caption.split(stop)[0].rstrip(".。") + ("。" if tx.zh else ".")


# -- text with fonts ------------------------------------------------------------------


def _style(run, tx: Text, size: float, bold: bool = False, colour: RGBColor = INK) -> None:
    """Size, weight, colour, language and the Latin and East Asian typefaces of one run."""
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = colour
    font.name = CJK_FAMILY if tx.zh else LATIN_FAMILY_EN
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-TW" if tx.zh else "en-US")
    rpr.set("altLang", "en-US" if tx.zh else "zh-TW")
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    ea = etree.SubElement(rpr, qn("a:ea"))
    ea.set("typeface", CJK_FAMILY)
    ea.set("charset", BIG5_CHARSET)
    latin.addnext(ea)


def _paragraph(frame, tx: Text, text: str, size: float, *, first: bool = False, bold: bool = False,
               colour: RGBColor = INK, bullet: bool = False, after: float = 4.0, align=None):  # fmt: skip
    """Add (or, with ``first``, fill the frame's first) paragraph holding ``text``."""
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    p.space_after = Pt(after)
    if align is not None:
        p.alignment = align
    if bullet:
        ppr = p._p.get_or_add_pPr()
        ppr.set("marL", str(Emu(Pt(size * 1.1))))
        ppr.set("indent", str(-Emu(Pt(size * 1.1))))
        etree.SubElement(ppr, qn("a:buFont")).set("typeface", "Arial")
        etree.SubElement(ppr, qn("a:buChar")).set("char", "•")
    run = p.add_run()
    run.text = text
    _style(run, tx, size, bold, colour)
    return p


def fit_size(texts: Sequence[str], width_in: float, height_in: float, largest: float, smallest: float) -> float:
    """The largest size (pt, in steps of 0.5) at which ``texts``, as paragraphs, fill no more than the box.

    Line counts are estimated as the report's PDF pages do (a Latin character about half
    an em wide, a CJK character a full em), with a little spacing after each paragraph.
    """
    size = largest
    while size > smallest:
        columns = max(int(width_in * 72 / (0.5 * size)), 8)
        lines = sum(len(wrap(t, columns)) for t in texts)
        if lines * size * 1.2 / 72 + len(texts) * size * 0.35 / 72 <= height_in:
            break
        size -= 0.5
    return size


def _textbox(slide, x: float, y: float, w: float, h: float):
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.05)
    return frame


def _title(slide, tx: Text, text: str) -> None:
    shape = slide.shapes.title
    _place(shape, MARGIN, 0.3, 13.333 - 2 * MARGIN, 0.8)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.clear()
    size = 26 if _width_of(text) <= 70 else 22
    _paragraph(frame, tx, text, size, first=True, bold=True, after=0, align=PP_ALIGN.LEFT)


def _place(shape, x: float, y: float, w: float, h: float) -> None:
    """Put ``shape`` at (x, y) with size (w, h), in inches."""
    shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)


def _width_of(text: str) -> int:
    return sum(_width(c) for c in text)


def _cell_lines(text: str, width_in: float, size: float) -> int:
    return len(wrap(text, max(int((width_in - 0.14) * 72 / (0.5 * size)), 4)))


def _row_height(size: float, lines: int = 1) -> float:
    """A table row's height in points: PowerPoint grows a row to its text, never below this."""
    return max(size * 1.9, lines * size * 1.2 + 5.0)


def fit_table(grid: Grid, widths: Sequence[float], height_in: float, largest: float, smallest: float) -> float:
    """The largest type size (pt, steps of 0.5) at which ``grid``, header included, fits ``height_in``."""
    size = largest
    while size > smallest:
        rows = [grid.headers, *grid.rows]
        used = sum(_row_height(size, max(_cell_lines(str(c), w, size) for c, w in zip(row, widths, strict=True)))
                   for row in rows)  # fmt: skip
        if used / 72 <= height_in:
            break
        size -= 0.5
    return size


def _table(slide, tx: Text, grid: Grid, x: float, y: float, widths: Sequence[float], size: float,
           numeric_from: int = 1) -> None:  # fmt: skip
    """``grid`` as a real table (header row first); columns from ``numeric_from`` on right-aligned."""
    rows, cols = len(grid.rows) + 1, len(grid.headers)
    shape = slide.shapes.add_table(rows, cols, Inches(x), Inches(y), Inches(sum(widths)), Pt(_row_height(size) * rows))
    table = shape.table
    for c, w in enumerate(widths):
        table.columns[c].width = Inches(w)
    for r, row in enumerate([grid.headers, *grid.rows]):
        lines = max(_cell_lines(str(text), w, size) for text, w in zip(row, widths, strict=True))
        table.rows[r].height = Pt(_row_height(size, lines))
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Pt(2)
            cell.margin_left = cell.margin_right = Pt(5)
            frame = cell.text_frame
            frame.word_wrap = True
            align = PP_ALIGN.RIGHT if c >= numeric_from and r > 0 else PP_ALIGN.LEFT
            colour = RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else INK
            _paragraph(frame, tx, str(text), size, first=True, bold=r == 0, colour=colour, after=0, align=align)


# -- slides ---------------------------------------------------------------------------


def _date(about: Briefing, tx: Text) -> str:
    return tx.date(about.created_utc)


def _title_slide(prs, doc: Document, about: Briefing) -> None:
    tx, words = doc.tx, doc.words
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place(title, 0.8, 1.6, 11.733, 1.9)
    _place(subtitle, 0.8, 3.6, 11.733, 1.0)
    for shape, text, size, bold, colour in (
        (title, words.title, 36, True, INK),
        (subtitle, words.subtitle, 20, False, MUTED),
    ):
        frame = shape.text_frame
        frame.word_wrap = True
        frame.clear()
        _paragraph(frame, tx, text, size, first=True, bold=bold, colour=colour, after=0, align=PP_ALIGN.LEFT)
    frame = _textbox(slide, 0.8, 5.0, 11.733, 1.9)
    line = tx("deck_runs_line", scenario=about.scenario, run_ids=", ".join(about.run_ids), date=_date(about, tx))
    _paragraph(frame, tx, line, 14, first=True, colour=ACCENT, after=8)
    _paragraph(frame, tx, source_line(tx), 11, colour=MUTED)


def _key_figures_slide(prs, doc: Document) -> None:
    tx, grid = doc.tx, doc.words.key_figures
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, tx, tx("section_key_figures"))
    width = 13.333 - 2 * MARGIN
    if list(grid.headers[1:]) == [tx("col_estimate"), tx("col_interval")]:  # one run
        widths = [width * 0.58, width * 0.17, width * 0.25]
    else:  # a comparison: the quantity, then one column per run
        first = width * 0.28
        widths = [first] + [(width - first) / (len(grid.headers) - 1)] * (len(grid.headers) - 1)
    _table(slide, tx, grid, MARGIN, 1.25, widths, fit_table(grid, widths, 5.95, 14.0, 7.0))
    notes = slide.notes_slide.notes_text_frame
    _paragraph(notes, tx, " ".join(doc.words.notes), 12, first=True)


def claims_grid(tx: Text, claims: pd.DataFrame) -> Grid:
    """One row per claim: the paraphrase, its verdict, the headline measure and its paired difference."""
    lang = "zh_tw" if tx.zh else "en"
    rows = []
    for n, (_, group) in enumerate(claims.groupby("claim", sort=False), start=1):
        first = group.iloc[0]
        unit = first["unit"]
        measure = str(first[f"quantity_{lang}"])
        if len(group) > 1:
            measure = tx("deck_more_measures", measure=measure, n=len(group) - 1)
        difference = tx(
            "deck_difference",
            difference=_amount(tx, first["difference"], unit, signed=True),
            low=_amount(tx, first["difference_low_95"], unit, signed=True),
            high=_amount(tx, first["difference_high_95"], unit, signed=True),
        )
        rows.append([f"{n}. {first[f'claim_{lang}']}", tx(VERDICT_KEYS[first["claim_verdict"]]), measure, difference])
    headers = [tx("deck_col_claim"), tx("deck_col_verdict"), tx("deck_col_measure"), tx("deck_col_difference")]
    return Grid(headers, rows)


def _claims_slide(prs, doc: Document, about: Briefing) -> None:
    tx = doc.tx
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, tx, tx("deck_claims_title"))
    grid = claims_grid(tx, about.claims)
    widths = [5.0, 1.35, 3.1, 2.883]
    _table(slide, tx, grid, MARGIN, 1.2, widths, fit_table(grid, widths, 5.45, 13.0, 7.0), numeric_from=3)
    frame = _textbox(slide, MARGIN, 6.75, 13.333 - 2 * MARGIN, 0.6)
    _paragraph(frame, tx, source_line(tx), 9, first=True, colour=MUTED, after=0)
    if doc.words.claims_intro:
        notes = slide.notes_slide.notes_text_frame
        _paragraph(notes, tx, doc.words.claims_intro, 12, first=True)


def _chart_slide(prs, doc: Document, chart: Chart) -> None:
    tx = doc.tx
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, tx, chart.title)
    height = 5.05
    width = height * 16 / 9
    left = Inches((13.333 - width) / 2)
    picture = slide.shapes.add_picture(io.BytesIO(chart.png), left, Inches(1.15), Inches(width), Inches(height))
    picture._element.nvPicPr.cNvPr.set("descr", chart.title)
    text = tx("deck_takeaway", text=takeaway(chart, tx))
    box_w = 13.333 - 2 * MARGIN
    frame = _textbox(slide, MARGIN, 6.3, box_w, 1.0)
    _paragraph(frame, tx, text, fit_size([text], box_w - 0.1, 0.95, 16.0, 10.0), first=True, bold=True, colour=ACCENT)
    notes = slide.notes_slide.notes_text_frame
    _paragraph(notes, tx, chart.caption, 12, first=True)


def _assumptions_slide(prs, doc: Document) -> None:
    tx, items = doc.tx, doc.words.assumptions
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, tx, tx("section_assumptions"))
    width = 13.333 - 2 * MARGIN
    frame = _textbox(slide, MARGIN, 1.25, width, 5.8)
    size = fit_size(items, width - 0.4, 5.6, 18.0, 10.0)
    for i, item in enumerate(items):
        _paragraph(frame, tx, item, size, first=i == 0, bullet=True, after=size * 0.5)
    notes = slide.notes_slide.notes_text_frame
    _paragraph(notes, tx, " ".join(doc.words.notes), 12, first=True)


def _inputs_slide(prs, doc: Document) -> None:
    tx, grid = doc.tx, doc.words.inputs
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, tx, tx("section_priors"))
    width = 13.333 - 2 * MARGIN
    widths = [width * 0.42, width * 0.12, width * 0.18, width * 0.28]
    _table(slide, tx, grid, MARGIN, 1.2, widths, fit_table(grid, widths, 6.0, 13.0, 7.0))


# -- the presentation -----------------------------------------------------------------


def _widen_layouts(prs) -> None:
    """Stretch the template's 4:3 master and layout placeholders to the 16:9 width."""
    factor = SLIDE_WIDTH / prs.slide_width
    for holder in [*prs.slide_master.placeholders, *(p for lay in prs.slide_layouts for p in lay.placeholders)]:
        if holder.left is not None and holder.width is not None:
            holder.left, holder.width = Emu(int(holder.left * factor)), Emu(int(holder.width * factor))


def _theme_fonts(prs, tx: Text) -> None:
    """The theme's fonts for text typed later: Noto Sans CJK TC as East Asian font, a Hant fallback."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    xml = xml.replace('<a:ea typeface=""/>', f'<a:ea typeface="{CJK_FAMILY}" charset="{BIG5_CHARSET}"/>')
    xml = xml.replace(
        '<a:font script="Hant" typeface="新細明體"/>', '<a:font script="Hant" typeface="Microsoft JhengHei"/>'
    )
    if tx.zh:
        xml = xml.replace('<a:latin typeface="Calibri"/>', f'<a:latin typeface="{CJK_FAMILY}"/>')
    theme._blob = xml.encode("utf-8")


def _run_time(about: Briefing) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(about.created_utc)
    except ValueError:
        return dt.datetime(2000, 1, 1)
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when


def _fixed_zip(data: bytes) -> bytes:
    """The package with every entry time-stamped ``ZIP_TIME`` (python-pptx stamps the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_pptx(doc: Document, about: Briefing) -> bytes:
    """The briefing deck of ``doc`` as .pptx bytes (charts must already be rendered to PNG)."""
    tx = doc.tx
    prs = Presentation()
    _widen_layouts(prs)
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    _theme_fonts(prs, tx)
    props = prs.core_properties
    props.title = doc.words.title
    props.subject = doc.words.subtitle
    props.author = props.last_modified_by = "offshore"
    props.keywords = ", ".join(about.run_ids)
    props.language = "zh-TW" if tx.zh else "en-US"
    props.created = props.modified = _run_time(about)
    props.revision = 1
    charts = {chart.name: chart for chart in doc.charts}
    for kind in slide_plan(doc, about):
        if kind == "title":
            _title_slide(prs, doc, about)
        elif kind == "key-figures":
            _key_figures_slide(prs, doc)
        elif kind == "claims":
            _claims_slide(prs, doc, about)
        elif kind.startswith("chart:"):
            _chart_slide(prs, doc, charts[kind.removeprefix("chart:")])
        elif kind == "assumptions":
            _assumptions_slide(prs, doc)
        elif kind == "inputs":
            _inputs_slide(prs, doc)
    buffer = io.BytesIO()
    prs.save(buffer)
    return _fixed_zip(buffer.getvalue())


__all__ = ["claims_grid", "render_pptx", "slide_plan", "takeaway"]

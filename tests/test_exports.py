"""Numeric exports and the PDF: report.xlsx, the CSV tables, TrueType fonts, page
numbers and captions, and rendering that gives the same bytes on one or two workers.

One structural run of 50,000 worlds is made per session and rendered three times:
in English with two workers and with one, and in Traditional Chinese.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.execution import Execution
from model.report.parallel_render import page_groups, render_options
from model.report.render import render_run_report
from model.report.text import ZH
from model.report.workbook import MAX_SHEET_NAME, sheet_names
from model.runner import start_run
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
WORLDS = 50_000
UNIT = re.compile(r"\(([^)]*)\)|（([^）]*)）")  # "(US$ bn)", "(%)" or full-width brackets
TEXT_COLUMNS = {"code", "label", "unit", "series", "panel", "claim", "verdict", "run"}


@pytest.fixture(scope="session")
def run(tmp_path_factory) -> Path:
    loaded = resolve(BASELINE, WORLDS)
    return start_run(loaded, Execution(), tmp_path_factory.mktemp("runs")).path


@pytest.fixture(scope="session")
def en(run, tmp_path_factory) -> Path:
    with render_options(jobs=2, progress=False):
        return render_run_report(run, tmp_path_factory.mktemp("two"))


@pytest.fixture(scope="session")
def en_one_worker(run, tmp_path_factory) -> Path:
    with render_options(jobs=1, progress=False):
        return render_run_report(run, tmp_path_factory.mktemp("one"))


@pytest.fixture(scope="session")
def zh(run, tmp_path_factory) -> Path:
    with render_options(jobs=2, progress=False):
        return render_run_report(run, tmp_path_factory.mktemp("zh"), "zh-TW")


def _manifest(report: Path) -> dict:
    return json.loads((report / "report.json").read_text(encoding="utf-8"))


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""])


def _is_number(value) -> bool:
    if isinstance(value, int | float):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


# -- report.xlsx ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["en", "zh"])
def test_workbook_has_a_sheet_per_table_holding_the_csv_numbers(which, request):
    from openpyxl import load_workbook

    report = request.getfixturevalue(which)
    charts = [c["name"] for c in _manifest(report)["charts"]]
    wb = load_workbook(report / "report.xlsx")
    assert wb.sheetnames == ["About", *charts, "key-figures", "inputs"]
    for name in [*charts, "key-figures", "inputs"]:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        frame = _csv(report / "tables" / f"{name}.csv")
        assert [c.value for c in ws[1]] == list(frame.columns), name
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == len(frame), name
        for j, column in enumerate(frame.columns):
            cells = [r[j] for r in rows]
            if pd.api.types.is_numeric_dtype(frame[column]):
                numbers = [c for c in cells if c is not None]
                assert all(isinstance(c, int | float) for c in numbers), (name, column)
                expected = frame[column].to_numpy(float)
                got = np.array([np.nan if c is None else c for c in cells], dtype=float)
                assert np.allclose(got, expected, rtol=1e-5, atol=1e-12, equal_nan=True), (name, column)


def test_workbook_numbers_have_formats_and_columns_fit(en):
    from openpyxl import load_workbook

    wb = load_workbook(en / "report.xlsx")
    (game,) = [n for n in wb.sheetnames if n.endswith("game-table")]
    ws = wb[game]
    headers = [c.value for c in ws[1]]
    played = headers.index("Probability played: estimate (%)")
    burden = headers.index("Mean burden of Japan: estimate (US$ bn)")
    assert ws.cell(row=2, column=played + 1).number_format == '0.0"%"'
    assert ws.cell(row=2, column=burden + 1).number_format == "#,##0"
    keys = wb["key-figures"]
    units = [c.value for c in keys["C"]][1:]
    estimates = list(keys["D"])[1:]
    for unit, cell in zip(units, estimates, strict=True):
        assert cell.number_format == ("0.0%" if unit == "probability" else "#,##0"), unit
    for letter, dim in ws.column_dimensions.items():
        assert 8 <= dim.width <= 62, letter
    assert ws.column_dimensions["C"].width >= len(headers[2]) * 0.9


def test_workbook_about_sheet_names_the_run_and_cites_the_paper(en, run):
    from openpyxl import load_workbook

    manifest = json.loads((run / "manifest.json").read_text())
    import xarray as xr

    with xr.open_dataset(run / "results.nc") as ds:
        attrs = dict(ds.attrs)
    wb = load_workbook(en / "report.xlsx")
    about = {row[0]: row[1] for row in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Run"] == run.name
    assert about["Config hash"] == attrs["config_hash"]
    assert about["Seed"] == int(attrs["seed"])
    assert about["Worlds"] == WORLDS
    assert about["Version"] == attrs["version_offshore"]
    assert "Sakade" in about["Source paper"] and "Morimoto" in about["Source paper"]
    created = str(attrs.get("created_utc", manifest.get("created_utc")))
    assert wb.properties.created.isoformat()[:19] == created[:19]
    assert wb.properties.modified == wb.properties.created


def test_sheet_names_are_valid_and_unique():
    stems = ["About", "x" * 40, "x" * 40, "a/b:c?", "ABOUT", "09-priors-1"]
    names = sheet_names(stems)
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(len(n) <= MAX_SHEET_NAME and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert names[0] == "About" and names[-1] == "09-priors-1"


# -- the CSV tables ----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["en", "zh"])
def test_every_csv_holds_numbers_with_their_units_named(which, request):
    """A column is numbers or words: no number is written as text ("53.0%", "31–78").
    A numeric column names its unit in its header, or the table has a unit column, or
    it counts worlds or chunks, or it is a bin edge with its unit in the header."""
    report = request.getfixturevalue(which)
    tables = sorted((report / "tables").glob("*.csv"))
    assert len(tables) == len(_manifest(report)["charts"]) + 2
    amount = r"[-+−]?(US\$)?[\d.,]+\s*(%|億美元|bn)?"
    number_as_text = re.compile(rf"{amount}(\s*[–-]\s*{amount})?")  # "53.0%", "US$654 bn", "31.2–78.4"
    for path in tables:
        frame = _csv(path)
        has_unit_column = any(str(c).strip().lower() in ("unit", "單位") for c in frame.columns)
        for column in frame.columns:
            values = frame[column].dropna()
            if pd.api.types.is_numeric_dtype(frame[column]):
                assert all(math.isfinite(float(v)) for v in values), (path.name, column)
                named = UNIT.search(str(column)) or has_unit_column or re.search(r"worlds|chunks|世界|批", str(column))
                assert named, f"{path.name}: numeric column {column!r} names no unit"
            else:
                texts = [str(v) for v in values]
                assert not any(number_as_text.fullmatch(t) for t in texts), (path.name, column, texts[:3])


def test_inputs_csv_holds_the_percentiles_as_numbers(en):
    frame = _csv(en / "tables" / "inputs.csv")
    low, mid, high = (frame[c].to_numpy(float) for c in frame.columns[2:5])
    assert len(frame) > 5
    assert np.all(low <= mid) and np.all(mid <= high) and np.any(low < high)


# -- the PDF -----------------------------------------------------------------------------


def _fonts(reader) -> list[tuple[str, str]]:
    """(Subtype, descendant Subtype) of every font on every page."""
    found = []
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            kids = [k.get_object()["/Subtype"] for k in font.get("/DescendantFonts", [])]
            found.append((str(font["/Subtype"]), ",".join(str(k) for k in kids)))
    return found


@pytest.mark.parametrize("which", ["en", "zh"])
def test_the_brief_pdf_holds_the_headline_chart_as_text_not_pixels(which, request):
    """The brief's chart is the headline chart drawn on its own page, placed as vector
    graphics: its words are text in the brief (a pasted PNG would hold none), its only
    images are small (a colour bar's ramp), and nothing of the report's chart page
    (its caption, its page number) comes along."""
    from pypdf import PdfReader

    from model.report.text import Text

    report = request.getfixturevalue(which)
    tx = Text("en" if which == "en" else "zh-TW")
    (page,) = PdfReader(report / "brief.pdf").pages
    text = page.extract_text()
    assert text.count(tx("cell_played")) >= 4  # one per cell of the 2x2 table (and the colour bar)
    assert all(len(image.data) < 20_000 for image in page.images)  # a 300-dpi chart is hundreds of kB
    total = _manifest(report)["pdf_pages"]
    assert f"/ {total}" not in text and f"共 {total} 頁" not in text
    (caption,) = [c for c in _chart_captions(report) if "2×2" in c]
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert squeeze(text).count(squeeze(caption)[:40]) == 1  # the brief's own caption, once


@pytest.mark.parametrize("which", ["en", "zh"])
def test_pdf_fonts_are_embedded_truetype(which, request):
    from pypdf import PdfReader

    report = request.getfixturevalue(which)
    for name in ("report.pdf", "brief.pdf"):
        path = report / name
        if not path.is_file():
            continue
        fonts = _fonts(PdfReader(path))
        assert fonts, name
        assert not [f for f in fonts if "/Type3" in f], name
        assert all(sub == "/TrueType" or kids == "/CIDFontType2" for sub, kids in fonts), (name, set(fonts))
    assert b"/FontFile2" in (report / "report.pdf").read_bytes()


@pytest.mark.parametrize("which", ["en", "zh"])
def test_every_pdf_page_is_numbered_and_every_chart_page_captioned(which, request):
    from pypdf import PdfReader

    report = request.getfixturevalue(which)
    manifest = _manifest(report)
    reader = PdfReader(report / "report.pdf")
    pages = [p.extract_text() for p in reader.pages]
    total = len(pages)
    assert total == manifest["pdf_pages"]
    for number, text in enumerate(pages, start=1):
        label = f"{number} / {total}" if which == "en" else f"第 {number} 頁／共 {total} 頁"
        assert label in text, f"page {number}: no page number"
    captions = _chart_captions(report)
    charts = pages[total - len(captions) :]
    for text, caption in zip(charts, captions, strict=True):
        squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731  (wrapped lines rejoin)
        assert squeeze(caption)[:60] in squeeze(text), caption[:60]
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) * 9 == pytest.approx(float(box.height) * 16, rel=1e-3)


def test_a_chart_page_carries_the_chart_drawn_by_matplotlib_and_the_caption_set_beside_it(en):
    """The chart's drawing is placed on its page (a form XObject): its words are the
    page's words too, above the caption, and the page draws nothing twice."""
    from pypdf import PdfReader

    from model.report.text import Text

    tx = Text("en")
    reader = PdfReader(en / "report.pdf")
    captions = _chart_captions(en)
    first_chart = len(reader.pages) - len(captions)
    texts = [page.extract_text() for page in reader.pages[first_chart:]]
    (page,) = [k for k, text in enumerate(texts) if tx("chart_game_table") in text]
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    text = squeeze(texts[page])
    assert text.index(squeeze(tx("chart_game_table"))) < text.index(squeeze(captions[page])[:40])
    forms = reader.pages[first_chart + page]["/Resources"]["/XObject"]
    assert list(forms) == ["/Chart"] and forms["/Chart"]["/Subtype"] == "/Form"


def _chart_captions(report: Path) -> list[str]:
    """Each chart's caption as the HTML report prints it (``<figure id="NN-name">``), in order."""
    import html as html_lib

    page = (report / "report.html").read_text(encoding="utf-8")
    texts = []
    for chart in _manifest(report)["charts"]:
        found = re.search(rf'<figure id="{chart["name"]}">.*?<figcaption>(.*?)</figcaption>', page, flags=re.S)
        assert found, chart["name"]
        texts.append(html_lib.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip())
    return texts


def test_chinese_pdf_text_is_searchable(zh):
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(zh / "report.pdf").pages)
    assert "重點摘要" in text and "信賴區間" in text


# -- rendering on one or two workers ------------------------------------------------------


def test_one_and_two_workers_give_the_same_files(en, en_one_worker):
    files = sorted(p.relative_to(en) for p in en.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(en_one_worker) for p in en_one_worker.rglob("*") if p.is_file())
    changed = [str(f) for f in files if (en / f).read_bytes() != (en_one_worker / f).read_bytes()]
    assert changed == []


def test_loky_workers_sent_the_figures_give_the_same_files(run, en, tmp_path, monkeypatch):
    """Where fork is not available (macOS, Windows) the figures are built here and sent
    pickled to joblib's loky workers; the report must still be the same bytes."""
    from model.report import parallel_render

    monkeypatch.setattr(parallel_render, "_fork_context", lambda: None)
    with render_options(jobs=2, progress=False):
        loky = render_run_report(run, tmp_path)
    files = sorted(p.relative_to(en) for p in en.rglob("*") if p.is_file())
    changed = [str(f) for f in files if (en / f).read_bytes() != (loky / f).read_bytes()]
    assert changed == []


def _study_figures(count: int) -> list:
    from model.report import theme

    figures = []
    for k in range(count):
        fig, ax = theme.new_figure(f"Figure {k}", "a study chart", theme.STUDY)
        ax.plot(np.arange(10), np.arange(10) ** (1 + k / 4), marker="o", label=f"series {k}")
        ax.set_xlabel("worlds")
        ax.legend()
        figures.append(fig)
    return figures


def test_study_figures_are_the_same_bytes_drawn_here_forked_or_sent_to_loky(monkeypatch):
    """A study page's figures, built in this process: drawn here (one job), by forked
    workers that inherit them, or pickled to loky workers, they give the same PNG and SVG."""
    import pickle

    from model.report import parallel_render, theme
    from model.report.parallel_render import render_figures

    with theme.theme("en", theme.STUDY):
        figures = _study_figures(5)
        sent = pickle.dumps(figures)  # each way draws its own copy of the same figures
        here = render_figures(pickle.loads(sent), jobs=1, progress=False)
        forked = render_figures(pickle.loads(sent), jobs=2, progress=False)
        monkeypatch.setattr(parallel_render, "_fork_context", lambda: None)
        loky = render_figures(pickle.loads(sent), jobs=2, progress=False)
    assert len(here) == 5 and all(png.startswith(b"\x89PNG") and b"<svg" in svg for png, svg in here)
    assert here == forked == loky
    assert all(f"Figure {k}".encode() in svg for k, (_png, svg) in enumerate(here))  # in order
    assert len({png for png, _svg in here}) == 5


def test_a_laid_out_chart_is_drawn_once_per_format_and_looks_the_same(monkeypatch):
    """matplotlib's savefig draws a figure that has any layout engine twice (once unseen,
    to lay it out), even the placeholder that ``set_layout_engine("none")`` leaves. Once
    :func:`lay_out` has run the engine, each format draws the figure once, and the SVG
    is the one drawn after that extra pass."""
    from model.report import theme
    from model.report.chartfiles import draw_charts, lay_out, svg_bytes

    def chart():
        fig, ax = theme.new_figure("A title long enough to matter", "a subtitle")
        ax.plot([0, 1, 2], [3, 1, 2], label="series")
        ax.set_xlabel("x label")
        ax.legend()
        return fig

    with theme.theme("en"):
        placeholder = chart()
        placeholder.get_layout_engine().execute(placeholder)
        placeholder.set_layout_engine("none")
        reference = svg_bytes(placeholder)  # drawn twice by savefig
        fig = chart()
        lay_out(fig)
        assert fig.get_layout_engine() is None
        draws = []
        original = type(fig).draw
        monkeypatch.setattr(fig, "draw", lambda renderer: draws.append(renderer) or original(fig, renderer))
        assert svg_bytes(fig) == reference
        assert len(draws) == 1
        draw_charts([fig])  # SVG and a PDF page
        assert len(draws) == 3


@given(st.lists(st.sampled_from([0.25, 1.0, 2.0, 3.0]), min_size=1, max_size=30), st.integers(1, 6))
def test_page_groups_share_the_pages_by_cost(costs, groups):
    split = page_groups(costs, groups)
    assert sorted(i for group in split for i in group) == list(range(len(costs)))  # each page once
    assert all(group == sorted(group) for group in split)  # each group's pages in order
    assert all(split) and len(split) == min(groups, len(costs))
    loads = [sum(costs[i] for i in group) for group in split]
    count = len(split)  # a greedy share exceeds the average by less than one page
    assert max(loads) <= sum(costs) / count + max(costs) * (1 - 1 / count) + 1e-9
    assert page_groups([], groups) == []


@given(st.lists(st.sampled_from([0.25, 1.0, 2.0, 3.0]), min_size=1, max_size=30), st.lists(st.floats(0, 5), max_size=3))
def test_page_groups_start_from_the_loads_given(costs, start):
    split = page_groups(costs, 2, start)
    assert sorted(i for group in split for i in group) == list(range(len(costs)))
    loads = [sum(costs[i] for i in group) for group in split]
    loads = [load + (start[g] if g < len(start) else 0.0) for g, load in enumerate(loads)]
    if len(split) == 2:  # the greedy bound again, the starting loads counted in
        assert max(loads) <= sum(loads) / 2 + max([*costs, *start[:2]]) / 2 + 1e-9


@given(st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0]), min_size=1, max_size=20), st.data())
def test_drawing_tasks_give_the_briefs_chart_a_pdf_of_its_own(costs, data):
    from model.report.parallel_render import PDF_COST, drawing_tasks

    alone = data.draw(st.integers(0, len(costs) - 1))
    tasks = drawing_tasks(costs, alone)
    assert sorted(i for task in tasks for i in task) == list(range(len(costs)))
    assert [alone] in tasks and all(tasks)
    position = tasks.index([alone])
    assert all(alone not in task for task in tasks[:position])  # the other groups first
    assert len(tasks) - position <= 2  # then one group, for the worker done with the brief's chart
    if len(tasks) == 3:  # that worker's two tasks against the other's one: balanced by the greedy rule
        first, last = (sum(costs[i] for i in task) for task in (tasks[0], tasks[2]))
        ahead = costs[alone] + PDF_COST + last
        assert abs(ahead - first) <= max(costs) + PDF_COST + 1e-9
    assert drawing_tasks(costs, None) == page_groups(costs)


def test_join_pages_takes_the_pages_in_the_order_given_and_copies_shared_fonts_once():
    from pypdf import PdfReader

    from model.report.fonts import page_families
    from model.report.pdf import join_pages
    from model.report.typeset import Page, TextLine, typeset

    def part(name: str) -> bytes:
        pages = [Page(8.0, 4.5, [TextLine(40, 40, f"{name} page {k}", 14)]) for k in range(2)]
        return typeset(pages, page_families("en"))

    parts = [part("first"), part("second")]
    joined = join_pages(parts, "Joined", [(1, 0), (0, 1), (0, 0), (1, 1)])
    reader = PdfReader(io.BytesIO(joined))
    texts = [page.extract_text().strip() for page in reader.pages]
    assert texts == ["second page 0", "first page 1", "first page 0", "second page 1"]
    assert reader.metadata.title == "Joined"
    assert joined.count(b"/FontFile2") == sum(p.count(b"/FontFile2") for p in parts)


def test_report_command_is_quiet_on_stdout(run, tmp_path):
    from click.testing import CliRunner

    from model.report import report_command

    result = CliRunner().invoke(report_command(), [str(run), "--reports-dir", str(tmp_path), "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [str(tmp_path / run.name)]


# -- the TrueType copy of the Chinese face ------------------------------------------------


def test_chinese_truetype_copy_covers_the_locale_and_has_glyf_outlines():
    from fontTools.ttLib import TTFont

    from model.report.fonts import TC_FACE_INDEX, cjk_font_path
    from model.report.ttf import glyf_ttf

    path = glyf_ttf(cjk_font_path(), TC_FACE_INDEX)
    font = TTFont(str(path), lazy=True)
    assert "glyf" in font and "CFF " not in font
    assert font["name"].getDebugName(1) == "Noto Sans CJK TC"
    cmap = font.getBestCmap()
    sources = [*ZH.values(), *(p.read_text(encoding="utf-8") for p in (ROOT / "model").rglob("*.py"))]
    wide = {c for text in sources for c in text if re.match(r"[\u2e80-\u9fff\uff00-\uffef]", c)}
    missing = sorted(c for c in wide if ord(c) not in cmap)
    assert missing == []


def test_the_html_font_face_holds_each_character_drawn_as_in_the_whole_face(tmp_path):
    """The @font-face an HTML page embeds, read back by FreeType (matplotlib's ft2font, not
    fontTools, which cut it): every character of the page maps to a glyph with the same
    advance and outline box as in the whole TC face."""
    import base64

    from matplotlib.ft2font import FT2Font, LoadFlags

    from model.report.fonts import _glyf_copy, css_font_face

    text = "日本南韓台灣制衡推卸責任均衡機率負擔 αβ 0-9 %"
    rule = css_font_face(text)
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", rule).group(1))
    (tmp_path / "subset.ttf").write_bytes(data)
    subset, whole = FT2Font(str(tmp_path / "subset.ttf")), FT2Font(str(_glyf_copy()))
    for char in set(text) - {" "}:
        assert subset.get_char_index(ord(char)) != 0, char
        shapes = []
        for font in (subset, whole):
            glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
            shapes.append((glyph.horiAdvance, glyph.bbox))
        assert shapes[0] == shapes[1], char


def test_font_copy_falls_back_to_the_temporary_directory_without_a_writable_cache(tmp_path, monkeypatch):
    from model.report import ttf

    source = tmp_path / "font.ttc"
    source.write_bytes(b"not really a font")
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(ttf.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    monkeypatch.setattr(ttf, "convert", lambda path, index: b"converted")
    copy = ttf.glyf_ttf(source, 0)
    assert copy.parent == tmp_path / "tmp" / copy.parent.name and copy.read_bytes() == b"converted"
    assert ttf.glyf_ttf(source, 0) == copy  # found again without converting

"""The briefing deck (briefing.pptx) and the one-page brief (brief.html, brief.pdf).

Runs of 50,000 worlds (one chunk) are made once per module: the baseline (with the
paper's claims) and the paper's ordinal table. The English deck is made through the
``offshore report --pptx`` command; the checks read the files back with python-pptx,
pypdf and fontTools.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from model.execution import Execution
from model.report import report_command
from model.report.brief import Briefing, bullets, claims_tally
from model.report.deck import SLIDE_HEIGHT, SLIDE_WIDTH, takeaway
from model.report.document import Chart, Document
from model.report.fonts import CJK_FAMILY, TC_FACE_INDEX, cjk_font_path
from model.report.rundata import load_run
from model.report.summary import Grid, Words, load_priors, run_words
from model.report.tables import Table
from model.report.text import Text
from model.runner import start_run
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 50_000


def _run(path: Path, root: Path, *overrides: str) -> Path:
    return start_run(resolve(path, WORLDS, overrides=overrides), Execution(), root).path


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    return {
        "baseline": _run(ROOT / "configs" / "baseline.toml", root),
        "paper": _run(ROOT / "configs" / "paper_table.toml", root, "game.ordinal.noise_sd=0.7"),
    }


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def en_report(runs, reports) -> Path:
    """The baseline's English report with its deck, made by ``offshore report --pptx``."""
    result = CliRunner().invoke(report_command(), [str(runs["baseline"]), "--pptx", "--reports-dir", str(reports)])
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def zh_report(runs, reports) -> Path:
    return render_run_report_with_deck(runs["baseline"], reports, "zh-TW")


@pytest.fixture(scope="module")
def ordinal_report(runs, reports) -> Path:
    return render_run_report_with_deck(runs["paper"], reports, "en")


@pytest.fixture(scope="module")
def comparison(runs, reports) -> Path:
    from model.report.compare import render_comparison as render

    return render([runs["paper"], runs["baseline"]], reports, "en", pptx=True)


def render_run_report_with_deck(run: Path, out: Path, lang: str) -> Path:
    from model.report.render import render_run_report as render

    return render(run, out, lang, pptx=True)


def _manifest(report: Path) -> dict:
    return json.loads((report / "report.json").read_text(encoding="utf-8"))


def _deck(report: Path):
    return Presentation(str(report / "briefing.pptx"))


def _slide_texts(slide) -> list[str]:
    """Every text of a slide: text frames, table cells and the speaker notes."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(cell.text for row in shape.table.rows for cell in row.cells)
    if slide.has_notes_slide:
        out.append(slide.notes_slide.notes_text_frame.text)
    return out


def _deck_texts(report: Path) -> list[str]:
    return [text for slide in _deck(report).slides for text in _slide_texts(slide)]


def _tables(slide) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in s.table.rows] for s in slide.shapes if s.has_table]


def _title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def _words(run: Path, lang: str = "en") -> Words:
    data = load_run(run)
    return run_words(data, Text(lang), load_priors(data))


# -- the deck -------------------------------------------------------------------------


def test_deck_is_16_9_with_the_expected_slides_in_order(en_report, runs):
    manifest = _manifest(en_report)
    assert manifest["pptx"] == "briefing.pptx"
    deck = _deck(en_report)
    assert (deck.slide_width, deck.slide_height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)
    charts = manifest["charts"]
    slides = list(deck.slides)
    fixed = 5  # title, key figures, claims, assumptions, inputs
    assert len(slides) == fixed + len(charts)
    tx, words = Text("en"), _words(runs["baseline"])
    assert _title(slides[0]) == words.title
    assert _title(slides[1]) == tx("section_key_figures")
    assert _title(slides[2]) == tx("deck_claims_title")
    for slide, chart in zip(slides[3 : 3 + len(charts)], charts, strict=True):
        assert _title(slide) == chart["title"]
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        assert pictures[0].image.blob == (en_report / chart["png"]).read_bytes()  # the report's own PNG
        assert any(t.startswith("Takeaway: ") for t in _slide_texts(slide))
    assert _title(slides[-2]) == tx("section_assumptions")
    assert _title(slides[-1]) == tx("section_priors")


def test_deck_text_is_searchable_and_holds_the_key_figures(en_report, runs):
    """Every key-figure cell of the report, the run id and the run's own date are slide text."""
    deck = _deck(en_report)
    words = _words(runs["baseline"])
    table = _tables(deck.slides[1])[0]
    assert table == [words.key_figures.headers, *words.key_figures.rows]
    manifest = json.loads((runs["baseline"] / "manifest.json").read_text())
    title = "\n".join(_slide_texts(deck.slides[0]))
    assert manifest["run_id"] in title
    assert Text("en").date(manifest["created_utc"]) in title  # the run's date, not today's
    assert "Sakade" in title and "Chung-Hua Institution" in title
    claims = pd.read_csv(runs["baseline"] / "claims.csv")
    claim_rows = _tables(deck.slides[2])[0][1:]
    assert len(claim_rows) == claims["claim"].nunique()
    assert [r[0].split(". ", 1)[1] for r in claim_rows] == list(claims.drop_duplicates("claim")["claim_en"])
    assems = "\n".join(_slide_texts(deck.slides[-2]))
    assert all(a in assems for a in words.assumptions)
    inputs = _tables(deck.slides[-1])[0]
    assert inputs == [words.inputs.headers, *words.inputs.rows]


def test_deck_core_properties_and_zip_are_fixed_by_the_run(en_report, runs):
    deck = _deck(en_report)
    manifest = json.loads((runs["baseline"] / "manifest.json").read_text())
    created = pd.Timestamp(manifest["created_utc"]).tz_convert("UTC").tz_localize(None).to_pydatetime()
    assert deck.core_properties.created == created
    assert deck.core_properties.modified == created
    with zipfile.ZipFile(en_report / "briefing.pptx") as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_same_run_gives_the_same_deck_and_brief(ordinal_report, runs, tmp_path):
    again = render_run_report_with_deck(runs["paper"], tmp_path, "en")
    for name in ("briefing.pptx", "brief.pdf", "brief.html"):
        assert (again / name).read_bytes() == (ordinal_report / name).read_bytes(), name


def test_ordinal_deck_has_no_claims_slide(ordinal_report):
    deck = _deck(ordinal_report)
    charts = _manifest(ordinal_report)["charts"]
    assert len(deck.slides) == 4 + len(charts)  # title, key figures, charts, assumptions, inputs
    assert _title(deck.slides[2]) == charts[0]["title"]


def test_comparison_deck(comparison):
    deck = _deck(comparison)
    charts = _manifest(comparison)["charts"]
    assert len(deck.slides) == 3 + len(charts)  # title, key figures, charts, assumptions
    table = _tables(deck.slides[1])[0]
    assert len(table[0]) == 3  # the quantity and one column per run
    assert len(re.findall(r"Takeaway: .+: highest under .+; lowest under .+\.", "\n".join(_deck_texts(comparison))))


def test_takeaways_are_computed_from_the_chart_table():
    """The same chart with other numbers gets another takeaway: the words follow the table."""
    tx = Text("en")

    def game_table(played: list[float]) -> Chart:
        frame = pd.DataFrame(
            {"code": ["BB", "BP", "PB", "PP"], "label": ["", "", "", ""], "played": played, "played_se": [0.2] * 4}
        )
        return Chart("02-game-table", "t", "c", None, Table(frame))

    first = takeaway(game_table([10.0, 20.0, 5.0, 65.0]), tx)
    assert tx.profile("PP") in first and tx.pct_ci(0.65, 0.002) in first
    second = takeaway(game_table([50.0, 20.0, 5.0, 25.0]), tx)
    assert tx.profile("BB") in second and tx.pct_ci(0.50, 0.002) in second

    frame = pd.DataFrame(
        {
            "country": ["japan"] * 3 + ["korea"] * 3,
            "component": ["defence", "collapse", "total"] * 2,
            "component_label": ["Extra defence spending", "Collapse of the balance", "Total"] * 2,
            "burden": [300.0, 100.0, 400.0, 50.0, 50.0, 100.0],
            "burden_se": [1.0] * 6,
        }
    )
    line = takeaway(Chart("06-burden-components", "t", "c", None, Table(frame)), tx)
    assert "extra defence spending" in line and "75%" in line and tx.money_ci(300.0, 1.0) in line


def test_claims_are_tallied_from_the_run(runs):
    claims = pd.read_csv(runs["baseline"] / "claims.csv")
    tally = claims_tally(Text("en"), claims)
    verdicts = claims.drop_duplicates("claim")["claim_verdict"]
    assert f"Of the paper's {verdicts.size} claims" in tally
    assert f"{int((verdicts == 'supported').sum())} supported" in tally


# -- every estimate inside its own interval ----------------------------------------------

NUMBER = r"[+-]?(?:US\$)?-?[\d.,]+(?:%| bn| pp| 個百分點| 億美元)?"
SENTENCE = re.compile(r"(-?[\d.,]+%|US\$-?[\d.,]+ bn) \(95% CI (-?[\d.,]+%?)–(-?[\d.,]+%?)\)")
SENTENCE_ZH = re.compile(r"(-?[\d.,]+%|-?[\d.,]+ 億美元)（95% 信賴區間 (-?[\d.,]+%?)–(-?[\d.,]+%?)）")
DIFFERENCE = re.compile(rf"^({NUMBER}) \(({NUMBER}) to ({NUMBER})\)$")
DIFFERENCE_ZH = re.compile(rf"^({NUMBER})（({NUMBER}) ?至 ?({NUMBER})）$")
INTERVAL = re.compile(r"^(-?[\d.,]+%?)–(-?[\d.,]+%?)$")
ESTIMATE = re.compile(r"US\$-?[\d.,]+ bn|-?[\d.,]+%|-?[\d.,]+ 億美元")


def _number(text: str) -> float:
    for junk in ("US$", " bn", " pp", " 個百分點", " 億美元", "%", ",", "+"):
        text = text.replace(junk, "")
    return float(text.strip())


def _check(value: str, low: str, high: str, where: str) -> None:
    v, lo, hi = _number(value), _number(low), _number(high)
    assert lo <= v <= hi, where
    assert not (lo == v == hi), where


def test_every_printed_estimate_in_deck_and_brief_lies_inside_its_printed_interval(en_report, zh_report, comparison):
    """Sentences 'X (95% CI a–b)', key-figure rows 'X | a–b' and claim differences 'd (a to b)'
    of the decks and briefs never print an estimate outside its own interval."""
    checked = 0
    for report in (en_report, zh_report, comparison):
        deck = _deck(report)
        texts = _deck_texts(report)
        brief = (report / "brief.html").read_text(encoding="utf-8")
        texts += re.findall(r"<li>(.*?)</li>", brief, flags=re.S)
        for text in texts:
            for match in [*SENTENCE.finditer(text), *SENTENCE_ZH.finditer(text)]:
                _check(*match.groups(), where=text)
                checked += 1
            if match := DIFFERENCE.match(text) or DIFFERENCE_ZH.match(text):
                _check(*match.groups(), where=text)
                checked += 1
        for slide in deck.slides:
            for table in _tables(slide):
                for row in table[1:]:
                    for estimate, interval in zip(row[1:], row[2:], strict=False):
                        if match := INTERVAL.match(interval):
                            if ESTIMATE.fullmatch(estimate):
                                _check(estimate, *match.groups(), where=" | ".join(row))
                                checked += 1
    assert checked > 60


# -- Traditional Chinese ------------------------------------------------------------------


def test_zh_deck_has_no_character_missing_from_the_cjk_font(zh_report):
    from fontTools.ttLib import TTFont

    path = cjk_font_path()
    assert path is not None, "the noto-cjk-sans-otc package (a project dependency) is not installed"
    cmap = TTFont(str(path), fontNumber=TC_FACE_INDEX, lazy=True).getBestCmap()
    texts = _deck_texts(zh_report)
    assert sum(len(re.findall(r"[\u4e00-\u9fff]", t)) for t in texts) > 500
    missing = sorted({c for t in texts for c in t if not c.isspace() and ord(c) not in cmap})
    assert missing == []


def test_zh_deck_names_the_cjk_font_on_every_run(zh_report):
    """Each run names Noto Sans CJK TC as Latin and East Asian font, with the zh-TW language and
    the Big5 character set a missing font is substituted by."""
    with zipfile.ZipFile(zh_report / "briefing.pptx") as package:
        slides = [n for n in package.namelist() if re.fullmatch(r"ppt/(slides|notesSlides)/\w+\d+\.xml", n)]
        runs = 0
        from lxml import etree

        for name in slides:
            root = etree.fromstring(package.read(name))
            for r in root.iter(qn("a:r")):
                rpr = r.find(qn("a:rPr"))
                assert rpr is not None and rpr.get("lang") == "zh-TW", name
                assert rpr.find(qn("a:latin")).get("typeface") == CJK_FAMILY
                ea = rpr.find(qn("a:ea"))
                assert (ea.get("typeface"), ea.get("charset")) == (CJK_FAMILY, "-120")
                runs += 1
        theme = package.read("ppt/theme/theme1.xml").decode()
    assert runs > 100
    assert f'<a:ea typeface="{CJK_FAMILY}"' in theme


def test_zh_deck_is_in_traditional_chinese(zh_report):
    tx = Text("zh-TW")
    deck = _deck(zh_report)
    assert _title(deck.slides[1]) == tx("section_key_figures")
    assert any(t.startswith("重點：") for t in _deck_texts(zh_report))
    assert "億美元" in "\n".join(_deck_texts(zh_report))


# -- the one-page brief ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["en_report", "zh_report", "ordinal_report", "comparison"])
def test_brief_is_one_page_with_three_bullets(which, request):
    report = request.getfixturevalue(which)
    assert _manifest(report)["brief"] == {"html": "brief.html", "pdf": "brief.pdf"}
    pdf = PdfReader(io.BytesIO((report / "brief.pdf").read_bytes()))
    assert len(pdf.pages) == 1
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    html = (report / "brief.html").read_text(encoding="utf-8")
    items = re.findall(r"<li>(.*?)</li>", html, flags=re.S)
    assert len(items) == 3 and all(len(i) > 40 for i in items)
    assert "data:image/png;base64," in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)  # self-contained


def test_brief_pdf_holds_the_bullets_as_text(en_report, runs):
    """The bullets are real text in the PDF, and they quote the report's own sentences and key figures."""
    html = (en_report / "brief.html").read_text(encoding="utf-8")
    items = [re.sub(r"\s+", " ", i).replace("&#39;", "'") for i in re.findall(r"<li>(.*?)</li>", html, flags=re.S)]
    text = re.sub(r"\s+", "", PdfReader(str(en_report / "brief.pdf")).pages[0].extract_text())
    for item in items:
        assert re.sub(r"\s+", "", item)[:60] in text
    words = _words(runs["baseline"])
    assert items[0] == words.summary[0]
    burden = next(r for r in words.key_figures.rows if r[0] == "Japan's expected burden")
    assert f"{burden[1]} (95% CI {burden[2]})" in items[1]
    assert items[2].startswith("Of the paper's")


def test_bullets_fall_back_on_the_summary():
    """Without burdens or claims (the ordinal game) the brief takes the summary's first sentences."""
    tx = Text("en")
    words = Words(
        title="T",
        subtitle="S",
        summary=["one.", "two.", "three.", "four."],
        notes=[],
        key_figures=Grid(["q", "e", "i"], []),
        assumptions=[],
    )
    doc = Document(tx=tx, words=words)
    assert bullets(doc, Briefing("x", ("r",), "")) == ["one.", "two.", "three."]
    words.summary = ["one."]  # a comparison short of sentences: its key-figure rows follow
    words.key_figures = Grid(["q", "A", "B"], [["P(x)", "1.0% (0.9%–1.1%)", "2.0% (1.9%–2.1%)"], ["P(y)", "3%", "4%"]])
    assert bullets(doc, Briefing("x", ("a", "b"), "")) == [
        "one.",
        "P(x): A: 1.0% (0.9%–1.1%); B: 2.0% (1.9%–2.1%).",
        "P(y): A: 3%; B: 4%.",
    ]

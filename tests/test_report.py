"""Reports: files, numbers, languages, determinism, atomic output and a real browser.

Runs of 50,000 worlds (one chunk) are made once per session; each report is rendered
once and shared by the tests that read it. The browser tests drive Debian's headless
Chromium through the DevTools protocol over a pipe (``--remote-debugging-pipe``), so
they need no extra Python package and open no port.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from browser import DevTools, chromium_path, open_in_chromium
from click.testing import CliRunner
from PIL import Image

from model.execution import Execution
from model.report import LANGS, ReportError, render_comparison, render_run_report, report_command
from model.report.text import EN, ZH, Text, wrap
from model.runner import start_run
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
INTEGRATED = ROOT / "configs" / "scenarios" / "integrated_none.toml"
PAPER = ROOT / "configs" / "paper_table.toml"
WORLDS = 50_000
STRUCTURAL_CHARTS = 11  # the paper's claims first, then the run's own charts, then 3 of the baseline's 20 priors
ORDINAL_CHARTS = 6  # with noise_sd > 0 the ordinal run's 8 noise priors get one density chart
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(path: Path, root: Path, *overrides: str) -> Path:
    loaded = resolve(path, WORLDS, overrides=overrides)
    return start_run(loaded, Execution(), root).path


@pytest.fixture(scope="session")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    return {
        "baseline": _run(BASELINE, root),
        "integrated": _run(INTEGRATED, root),
        "paper": _run(PAPER, root, "game.ordinal.noise_sd=0.7"),
    }


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="session")
def en_report(runs, reports) -> Path:
    return render_run_report(runs["baseline"], reports)


@pytest.fixture(scope="session")
def zh_rendering(runs, reports) -> tuple[Path, list[str]]:
    """The zh-TW report, with every warning matplotlib raised while drawing it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = render_run_report(runs["baseline"], reports, "zh-TW")
    return path, [str(w.message) for w in caught]


@pytest.fixture(scope="session")
def zh_report(zh_rendering) -> Path:
    return zh_rendering[0]


@pytest.fixture(scope="session")
def ordinal_report(runs, reports) -> Path:
    return render_run_report(runs["paper"], reports)


@pytest.fixture(scope="session")
def comparison(runs, reports) -> Path:
    return render_comparison([runs["integrated"], runs["baseline"], runs["paper"]], reports)


def _manifest(report: Path) -> dict:
    return json.loads((report / "report.json").read_text(encoding="utf-8"))


# -- words -----------------------------------------------------------------------------


def test_both_languages_have_every_string():
    assert LANGS == ("en", "zh-TW")
    assert EN.keys() == ZH.keys()
    untranslated = [k for k, v in ZH.items() if v == EN[k] and re.search("[A-Za-z]{4}", re.sub(r"\{[^}]*\}", "", v))]
    assert untranslated == []
    mostly_chinese = [k for k, v in ZH.items() if CJK.search(v)]
    assert len(mostly_chinese) > 0.9 * len(ZH)


def test_every_chinese_character_is_in_the_embedded_font():
    from fontTools.ttLib import TTFont

    from model.report.fonts import TC_FACE_INDEX, cjk_font_path
    from model.report.ttf import glyf_ttf

    path = cjk_font_path()
    assert path is not None, "the noto-cjk-sans-otc package (a project dependency) is not installed"
    used = {c for text in ZH.values() for c in text if ord(c) > 127}
    cmap = TTFont(str(path), fontNumber=TC_FACE_INDEX, lazy=True).getBestCmap()
    assert sorted(c for c in used if ord(c) not in cmap) == []
    # the TrueType copy embedded in the PDFs and the HTML pages holds them too
    copy = TTFont(str(glyf_ttf(path, TC_FACE_INDEX)), lazy=True).getBestCmap()
    assert sorted(c for c in used if ord(c) not in copy) == []


def test_wrap_breaks_latin_at_spaces_and_cjk_anywhere():
    assert wrap("one two three four", 9) == ["one two", "three", "four"]
    lines = wrap("日本的預期負擔為六千五百億美元，是韓國的兩倍", 12)
    assert all(sum(2 for _ in line) <= 12 for line in lines)
    assert "".join(lines) == "日本的預期負擔為六千五百億美元，是韓國的兩倍"
    assert not any(line.startswith("，") for line in lines)


def test_numbers_are_written_the_way_each_language_writes_them():
    en, zh = Text("en"), Text("zh-TW")
    assert en.money(653.7) == "US$654 bn"
    assert zh.money(653.7) == "6,537 億美元"
    assert en.pct_ci(0.531, 0.001) == "53.1% (95% CI 52.9%–53.3%)"
    assert zh.pct_ci(0.531, 0.001) == "53.1%（95% 信賴區間 52.9%–53.3%）"
    with pytest.raises(ReportError, match="unknown report language"):
        Text("fr")


def test_executive_summary_quotes_the_run_with_its_interval(en_report, runs):
    with xr.open_dataset(runs["baseline"] / "results.nc") as ds:
        p, se = float(ds.p_collapse), float(ds.p_collapse_se)
        japan = float(ds.burden.sel(country="japan", component="total"))
    expected = f"{100 * p:.1f}% (95% CI {100 * (p - 1.96 * se):.1f}%–{100 * (p + 1.96 * se):.1f}%)"
    summary = (en_report / "summary.md").read_text()
    assert expected in summary
    assert f"US${japan:,.0f} bn" in summary
    for needed in ("Executive summary", "Assumptions that drive the result", "Reproducibility"):
        assert needed in summary


# -- convergence and the burden sample --------------------------------------------------


def test_convergence_reproduces_the_run_exactly(runs):
    from model.report.convergence import convergence
    from model.report.rundata import load_run

    for name in ("baseline", "paper"):
        run = load_run(runs[name])
        series = convergence(run)
        assert series["worlds"].max() == run.worlds
        assert (series.groupby("key")["worlds"].apply(lambda w: w.is_monotonic_increasing)).all()
        last = series[series["worlds"] == run.worlds]
        for _, row in last.iterrows():
            variable = run.ds[row["variable"]]
            se = run.ds[f"{row['variable']}_se"]
            index = {"profile": "PP"} if "profile" in variable.dims else {}
            if "country" in variable.dims:
                index = {"country": "japan", "component": "total"}
            assert row["estimate"] == float(variable.sel(index))  # recorded at run time: exact
            assert row["se"] == float(se.sel(index))


def test_burden_sample_is_the_runs_first_worlds(runs):
    from model.report.distribution import japan_burden_sample
    from model.report.rundata import load_run

    run = load_run(runs["baseline"])
    sample = japan_burden_sample(run)
    assert sample.source == "first"
    assert sample.values.size == WORLDS  # the whole one-chunk run
    mean = float(run.ds.burden.sel(country="japan", component="total"))
    assert float(np.mean(sample.values)) == pytest.approx(mean, rel=1e-9)


def test_burden_sample_prefers_the_kept_samples(runs, tmp_path):
    from model.report.distribution import japan_burden_sample
    from model.report.rundata import load_run

    run_dir = tmp_path / runs["baseline"].name
    shutil.copytree(runs["baseline"], run_dir)
    burden = np.zeros((10, 2, 6))
    burden[:, 0, -1] = np.arange(10.0)
    xr.Dataset(
        {"burden": (("world", "country", "component"), burden)},
        coords={
            "country": ["japan", "korea"],
            "component": ["defence", "retaliation", "ptrl", "war", "collapse", "total"],
        },
    ).to_netcdf(run_dir / "samples.nc")
    sample = japan_burden_sample(load_run(run_dir))
    assert sample.source == "kept"
    assert sample.values.tolist() == list(np.arange(10.0))


# -- files ------------------------------------------------------------------------------


def test_report_directory_holds_every_output(en_report, runs):
    assert en_report.name == runs["baseline"].name
    manifest = _manifest(en_report)
    assert manifest["lang"] == "en" and manifest["kind"] == "run"
    assert len(manifest["charts"]) == STRUCTURAL_CHARTS
    for name in (
        "report.html",
        "report.pdf",
        "summary.md",
        "report.json",
        "tables/key-figures.csv",
        "tables/inputs.csv",
    ):
        assert (en_report / name).is_file(), name
    for chart in manifest["charts"]:
        for key in ("png", "svg", "csv"):
            assert (en_report / chart[key]).stat().st_size > 0, chart[key]
        with Image.open(en_report / chart["png"]) as image:
            width, height = image.size
            assert width * 9 == height * 16, f"{chart['png']} is not 16:9"
            assert width >= 3000
            assert [round(d) for d in image.info["dpi"]] == [300, 300]
    assert not [p for p in en_report.parent.iterdir() if p.name.startswith(".")], "temporary directory left behind"


def test_structural_only_charts_are_skipped_in_ordinal_mode(ordinal_report):
    names = [c["name"] for c in _manifest(ordinal_report)["charts"]]
    assert len(names) == ORDINAL_CHARTS
    assert not any("burden" in n for n in names)


def test_csv_tables_hold_the_numbers_of_the_charts(en_report, runs):
    import pandas as pd

    (path,) = (en_report / "tables").glob("*-game-table.csv")
    table = pd.read_csv(path)
    with xr.open_dataset(runs["baseline"] / "results.nc") as ds:
        played = ds.played.values
    assert table["code"].tolist() == ["BB", "BP", "PB", "PP"]
    assert np.allclose(table["Probability played: estimate (%)"].to_numpy(), 100 * played, rtol=1e-5)


def test_html_is_self_contained(en_report, zh_report):
    for report in (en_report, zh_report):
        html = (report / "report.html").read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert "Content-Security-Policy" in html
        sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
        assert sources and all(s.startswith("data:") for s in sources), [s[:40] for s in sources]
        urls = re.findall(r"url\(\s*([^)]{0,20})", html)
        assert all(u.strip("'\"").startswith("data:") for u in urls)
        assert "http://" not in html and "https://" not in html
        assert html.count('<img src="data:image/png;base64,') == STRUCTURAL_CHARTS


def test_pdf_has_a_page_per_chart_after_the_text_pages(en_report, ordinal_report, comparison):
    from pypdf import PdfReader

    for report in (en_report, ordinal_report, comparison):
        manifest = _manifest(report)
        reader = PdfReader(report / "report.pdf")
        claims_page = "The paper's claims, tested" in reader.pages[0].extract_text()
        appendix = sum(p.extract_text().startswith("Assumptions: the priors") for p in reader.pages)
        assert len(reader.pages) == manifest["pdf_pages"] == 3 + claims_page + appendix + len(manifest["charts"])
        box = reader.pages[-1].mediabox
        assert float(box.width) * 9 == pytest.approx(float(box.height) * 16, rel=1e-3)
    pages = PdfReader(en_report / "report.pdf").pages
    assert "The paper's claims, tested" in pages[0].extract_text()  # a structural run tests the claims first
    assert "Executive summary" in pages[1].extract_text()
    assert "CreationDate" not in (en_report / "report.pdf").read_bytes().decode("latin-1")


def test_reproducibility_footer(en_report, runs):
    with xr.open_dataset(runs["baseline"] / "results.nc") as ds:
        attrs = dict(ds.attrs)
    html = (en_report / "report.html").read_text()
    footer = html[html.index('<footer id="reproducibility">') :]
    for value in (
        attrs["config_hash"],
        str(attrs["seed"]),
        f"{WORLDS:,}",
        attrs["version_offshore"],
        attrs["created_utc"][:10],
    ):
        assert value in footer


def test_rendering_is_deterministic(runs, ordinal_report, tmp_path):
    first = ordinal_report
    second = render_run_report(runs["paper"], tmp_path)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    changed = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert changed == []


# -- Traditional Chinese ----------------------------------------------------------------


def test_zh_report_is_in_traditional_chinese(zh_report, runs):
    assert zh_report.name == f"{runs['baseline'].name}-zh-TW"
    html = (zh_report / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant-TW">' in html
    for text in (
        "台海情勢下的日韓責任分擔",
        "重點摘要",
        "影響結果的關鍵假設",
        "可重現性資訊",
        "信賴區間",
        "億美元",
        "離岸平衡",
        "均勢崩潰",
        "@font-face",
    ):
        assert text in html, text
    summary = (zh_report / "summary.md").read_text(encoding="utf-8")
    assert "重點摘要" in summary and "日本的預期負擔" in summary
    manifest = _manifest(zh_report)
    assert all(CJK.search(c["title"]) for c in manifest["charts"])
    (table,) = (zh_report / "tables").glob("*-game-table.csv")
    header = table.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "發生機率" in header
    (svg_path,) = (zh_report / "figures").glob("*-game-table.svg")
    svg = svg_path.read_text(encoding="utf-8")
    assert "<text" in svg and CJK.search(svg)  # live Chinese text, editable in slide software


def test_zh_charts_have_no_missing_glyphs(zh_rendering):
    _path, messages = zh_rendering
    glyphs = [m for m in messages if "missing from font" in m or "Glyph" in m or "findfont" in m]
    assert glyphs == []


def test_missing_cjk_font_is_a_one_line_error(runs, tmp_path, monkeypatch):
    from model.report import fonts

    monkeypatch.setattr(fonts, "cjk_font_path", lambda: None)
    fonts.register_cjk.cache_clear()
    try:
        with pytest.raises(ReportError, match="Noto Sans CJK") as missing:
            render_run_report(runs["paper"], tmp_path / "reports", "zh-TW")
    finally:
        fonts.register_cjk.cache_clear()
    assert "\n" not in str(missing.value)
    assert not (tmp_path / "reports").exists()


def test_zh_pdf_holds_chinese_text(zh_report):
    from pypdf import PdfReader

    pages = PdfReader(zh_report / "report.pdf").pages
    text = pages[0].extract_text() + pages[1].extract_text()  # the claims page, then the summary
    assert "論文主張的檢驗" in text
    for words in ("台海情勢下的日韓責任分擔", "重點摘要", "信賴區間"):
        assert words in text


# -- comparison -------------------------------------------------------------------------


def test_comparison_sets_runs_side_by_side(comparison, runs):
    manifest = _manifest(comparison)
    assert manifest["kind"] == "comparison"
    assert manifest["runs"] == [runs[k].name for k in ("integrated", "baseline", "paper")]
    assert len(manifest["charts"]) == 5
    html = (comparison / "report.html").read_text()
    for label in (
        "Integrated deterrence",
        "Offshore balancing",
        "paper_table",
        "What differs between the runs",
    ):
        assert label in html
    with pytest.raises(ReportError, match="at least two"):
        render_comparison([runs["baseline"]], comparison.parent)


# -- errors, atomic output and the command ----------------------------------------------


def test_bad_input_is_a_one_line_error(tmp_path, runs):
    with pytest.raises(ReportError, match="no such run directory") as missing:
        render_run_report(tmp_path / "nope", tmp_path / "reports")
    assert "\n" not in str(missing.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReportError, match="no results.nc"):
        render_run_report(tmp_path / "empty", tmp_path / "reports")
    with pytest.raises(ReportError, match="unknown report language"):
        render_run_report(runs["paper"], tmp_path / "reports", "de")
    assert not (tmp_path / "reports").exists()


def test_a_failed_rendering_leaves_no_partial_report(runs, tmp_path, monkeypatch):
    from model.report import raster

    out = tmp_path / "reports"
    old = out / runs["paper"].name
    old.mkdir(parents=True)
    (old / "report.html").write_text("the previous report")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(raster, "page_pngs", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        render_run_report(runs["paper"], out)
    assert (old / "report.html").read_text() == "the previous report"  # the old report is intact
    assert sorted(p.name for p in out.iterdir()) == [old.name]  # no temporary directory left
    with pytest.raises(RuntimeError, match="disk full"):
        render_run_report(runs["paper"], tmp_path / "fresh")
    assert list((tmp_path / "fresh").iterdir()) == []


def test_report_command(runs, tmp_path, monkeypatch):
    import model.report.compare
    import model.report.render

    calls = []

    def fake(kind):
        def render(run_dirs, out_root, lang):
            calls.append((kind, run_dirs, out_root, lang))
            return Path(out_root) / kind

        return render

    monkeypatch.setattr(model.report.render, "render_run_report", fake("run"))
    monkeypatch.setattr(model.report.compare, "render_comparison", fake("comparison"))
    command = report_command()
    cli = CliRunner()
    result = cli.invoke(command, [str(runs["paper"]), "--reports-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "run")
    assert calls[-1] == ("run", runs["paper"], tmp_path, "en")
    result = cli.invoke(command, ["--compare", "--lang", "zh-TW", str(runs["paper"]), str(runs["baseline"])])
    assert result.exit_code == 0, result.output
    assert calls[-1] == ("comparison", [runs["paper"], runs["baseline"]], Path("reports"), "zh-TW")
    wrong = cli.invoke(command, [str(runs["paper"]), "--lang", "fr"])
    assert wrong.exit_code == 2
    monkeypatch.undo()
    bad = cli.invoke(report_command(), [str(tmp_path / "missing"), "--reports-dir", str(tmp_path)])
    assert bad.exit_code == 2
    assert bad.output.count("\n") == 1 and bad.output.startswith("error:")


# -- a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    chromium = chromium_path()
    devtools = DevTools(chromium)
    yield devtools
    devtools.close()


@pytest.mark.parametrize("which", ["en_report", "zh_report", "comparison"])
def test_html_loads_in_a_real_browser(which, browser, request):
    report = request.getfixturevalue(which)
    page = open_in_chromium(browser, report / "report.html")
    charts = len(_manifest(report)["charts"])
    assert len(page["images"]) == charts
    for image in page["images"]:
        assert image["decoded"] and image["complete"], image
        assert image["width"] > 0 and image["width"] * 9 == image["height"] * 16, image
    assert page["errors"] == [], [e["params"] for e in page["errors"]][:3]
    assert page["requests"], "no request seen: the Network domain did not report"
    assert all(url.startswith(("file:", "data:")) for url in page["requests"]), page["requests"]
    if which == "zh_report":
        # every Chinese heading and sentence is set in the embedded subset of Noto Sans CJK TC
        for selector, fonts in page["fonts"].items():
            assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)


def test_key_figures_csv_holds_numbers(en_report, runs):
    """The key-figures table is numeric (estimate, se, interval), units in a column, codes
    from the output registry; the run's estimates exactly."""
    import pandas as pd

    table = pd.read_csv(en_report / "tables" / "key-figures.csv")
    assert list(table.columns) == ["code", "label", "unit", "estimate", "se", "low_95", "high_95"]
    assert table[["estimate", "se", "low_95", "high_95"]].dtypes.map(pd.api.types.is_float_dtype).all()
    with xr.open_dataset(runs["baseline"] / "results.nc") as ds:
        collapse = float(ds.p_collapse)
    assert table.set_index("code").loc["p_collapse", "estimate"] == pytest.approx(collapse, rel=1e-12)
    assert (table["low_95"] <= table["estimate"]).all() and (table["estimate"] <= table["high_95"]).all()


def _as_number(text: str) -> float:
    return float(text.replace(",", "").replace("US$", "").replace(" bn", "").replace("%", "").strip())


def test_every_printed_estimate_lies_inside_its_printed_interval(en_report, ordinal_report, comparison):
    """Sentences 'X (95% CI a–b)' and key-figure rows 'X | a–b' never print an estimate
    outside its own interval, and a deterministic quantity prints no interval at all."""
    sentence = re.compile(r"(-?[\d.,]+%|US\$-?[\d.,]+ bn) \(95% CI (-?[\d.,]+%?)–(-?[\d.,]+%?)\)")
    row = re.compile(r"^\| [^|]+ \| (-?[\d.,]+%|US\$-?[\d.,]+ bn) \| (-?[\d.,]+%?)–(-?[\d.,]+%?) \|$")
    checked = 0
    for report in (en_report, ordinal_report, comparison):
        text = (report / "summary.md").read_text(encoding="utf-8")
        for line in text.splitlines():
            for match in [*sentence.finditer(line), *(m for m in [row.match(line)] if m)]:
                value, low, high = (_as_number(g) for g in match.groups())
                assert low <= value <= high, line
                assert not (low == value == high), line
                checked += 1
    assert checked > 20

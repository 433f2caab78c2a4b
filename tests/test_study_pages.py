"""Sweep and sensitivity pages in English and Traditional Chinese, checked in headless Chromium.

A small sweep (Japan's PTRL share x US regime) and a small sensitivity study (every
method) are rendered in both languages. The Traditional Chinese pages and charts hold
no English words beyond proper names, codes and units; each page loads in a real
browser with its images decoded, no console error, no request beyond the file itself
and data: URIs, the Chinese text set in the embedded font, and every wide table
scrolling inside its own box at a 1280 px viewport. The chart quirks of issue 13 are
checked on the figures themselves (legend titles, tick labels of neighbouring panels,
lines at 0 or 1).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import click
import pytest
from browser import DevTools, chromium_path, open_in_chromium
from matplotlib.figure import Figure

from model.execution import Execution
from model.sensitivity import sensitivity_command, sweep_command
from model.sensitivity.analysis import analyse
from model.sensitivity.analysis_page import write_analysis_page
from model.sensitivity.charts import ChartWriter
from model.sensitivity.options import options_from
from model.sensitivity.page import study_language
from model.sensitivity.studies import start_sweep
from model.sensitivity.study import Axis, load
from model.sensitivity.sweep_charts import probability_limits
from model.sensitivity.sweep_page import render_sweep_page
from model.sensitivity.words import PAGE_FILES, StudyWords

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
SMALL = ("sampling.chunk_size=2048", 'policy.financing="ptrl_japan"')
REGIMES = ("integrated_deterrence", "offshore_balancing")

# Words a Traditional Chinese page may keep in Latin letters: proper names (methods,
# authors, the program), codes (profiles, the PTRL, file types) and distribution names.
ALLOWED = {
    *("BB", "BP", "PB", "PP", "PTRL", "PRIM", "PRCC", "PERT", "CSV", "UTC", "Beta", "Gamma"),
    *("Sobol", "Spearman", "Saltelli", "Friedman", "Fisher", "Harsanyi", "Selten", "offshore", "se"),
}
IDENTIFIER = re.compile(r"[\w./:+-]*[_./:-][\w./:+-]*")  # config keys, paths, file names, times
HEX = re.compile(r"\b[0-9a-f]{8,}\b")


def english_words(text: str, own: tuple[str, ...] = ()) -> set[str]:
    """Latin words of two letters or more that are not identifiers, hashes, allowed names or ``own``
    (the study's own name and description, written by its author)."""
    for phrase in own:
        text = text.replace(phrase, " ")
    text = IDENTIFIER.sub(" ", HEX.sub(" ", text))
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED}


# ----------------------------------------------------------------------------- studies


def sweep_study():
    study = load(BASELINE, SMALL)
    axes = (Axis("policy.ptrl_share_japan", (0.0, 1.0), "--grid"), Axis("policy.us_regime", REGIMES, "--grid"))
    return replace(study, axes=axes, samples=2048, seed=5)


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    """A finished sweep with its English page written at study time and its Chinese page rendered afterwards
    from the saved results."""
    with study_language("en"):
        result = start_sweep(sweep_study(), Execution(jobs=1), tmp_path_factory.mktemp("sweep"))
    render_sweep_page(result.path, "zh-TW")
    return result.path


@pytest.fixture(scope="module")
def sensitivity_dirs(tmp_path_factory) -> dict[str, Path]:
    """One analysis of every method, its page written in each language."""
    study = load(BASELINE, ("sampling.chunk_size=2048",))
    loaded = study.base_config()
    options = options_from(
        study,
        loaded,
        methods=("all",),
        samples=1024,
        sobol_samples=32,
        regime_x="game.structural.us.offshore_balancing.threshold=40:120:40",
        regime_y="game.structural.china_resolve",
        regime_steps=3,
        regime_samples=256,
    )
    results = analyse(loaded, options, Execution(jobs=1))
    dirs = {}
    for lang in PAGE_FILES:
        dirs[lang] = tmp_path_factory.mktemp(f"sensitivity-{lang}")
        write_analysis_page(dirs[lang], "baseline-sensitivity", results, study, loaded, results.summary(), lang)
    return dirs


PAGES = [(kind, lang) for kind in ("sweep", "sensitivity") for lang in PAGE_FILES]


@pytest.fixture()
def page(request, sweep_dir, sensitivity_dirs) -> tuple[Path, str]:
    kind, lang = request.param
    directory = sweep_dir if kind == "sweep" else sensitivity_dirs[lang]
    return directory / PAGE_FILES[lang][0], lang


# ----------------------------------------------------------------------------- files and words


def test_each_language_writes_its_own_page_markdown_and_charts(sweep_dir, sensitivity_dirs) -> None:
    for directory in (sweep_dir, *sensitivity_dirs.values()):
        for lang, (html, markdown, charts) in PAGE_FILES.items():
            if directory in sensitivity_dirs.values() and directory != sensitivity_dirs[lang]:
                continue
            assert (directory / html).is_file() and (directory / markdown).is_file(), (directory, lang)
            pngs = sorted(p.stem for p in (directory / charts).glob("*.png"))
            assert pngs and pngs == sorted(p.stem for p in (directory / charts).glob("*.svg"))
            page = (directory / html).read_text(encoding="utf-8")
            assert page.count("data:image/png;base64,") == len(pngs)
            assert f'<html lang="{StudyWords(lang).tx("html_lang")}">' in page
    # the two languages draw the same charts
    names = {lang: {p.name for p in (sweep_dir / charts).iterdir()} for lang, (_, _, charts) in PAGE_FILES.items()}
    assert names["en"] == names["zh-TW"]


def _svg_text(path: Path) -> str:
    return " ".join("".join(e.itertext()) for e in ET.parse(path).iter() if e.tag.endswith("text"))


def test_chinese_markdown_and_charts_hold_no_english_words(sweep_dir, sensitivity_dirs) -> None:
    own = ("baseline",)
    for directory in (sweep_dir, sensitivity_dirs["zh-TW"]):
        _, markdown, charts = PAGE_FILES["zh-TW"]
        assert english_words((directory / markdown).read_text(encoding="utf-8"), own) == set(), directory
        svgs = sorted((directory / charts).glob("*.svg"))
        assert svgs
        for svg in svgs:
            text = _svg_text(svg)
            assert re.search(r"[\u4e00-\u9fff]", text), svg.name  # live text, in Chinese
            assert english_words(text, own) == set(), svg.name


def test_english_charts_keep_their_words(sweep_dir) -> None:
    """The allow-list check is not vacuous: the English charts fail it."""
    text = _svg_text(sweep_dir / "charts" / "sweep_ptrl_share_japan_headline.svg")
    assert {"Japan", "burden"} <= english_words(text)


def test_rendering_again_from_saved_results_reproduces_the_charts(sweep_dir, tmp_path) -> None:
    """A page rendered later from results.nc and study.toml draws the study-time charts byte for byte."""
    import shutil

    copy = tmp_path / sweep_dir.name
    shutil.copytree(sweep_dir, copy)
    render_sweep_page(copy, "en")
    for png in (sweep_dir / "charts").glob("*.png"):
        assert (copy / "charts" / png.name).read_bytes() == png.read_bytes(), png.name
    table = Path("tables") / "sweep_points.csv"
    assert (copy / table).read_bytes() == (sweep_dir / table).read_bytes()


def test_legend_names_a_categorical_key_once() -> None:
    """'US regime: US regime' is gone: the title names the key, each entry its value."""
    for lang in PAGE_FILES:
        w = StudyWords(lang)
        combo = {"policy.us_regime": "offshore_balancing"}
        assert w.combo(combo) == w.tx.regime("offshore_balancing")
        assert w.combo_title(combo, None) == w.name("policy.us_regime")
        numeric = {"policy.ptrl_share_japan": 0.5}
        assert w.combo(numeric) == "α = 0.5" and "α" in w.combo_title(numeric, None)


def test_sweep_legend_title_appears_once_in_the_chart(sweep_dir) -> None:
    for lang, charts in (("en", "charts"), ("zh-TW", "charts-zh-TW")):
        w = StudyWords(lang)
        text = _svg_text(sweep_dir / charts / "sweep_ptrl_share_japan_headline.svg")
        assert text.count(w.name("policy.us_regime")) == 1, lang
        for regime in REGIMES:
            assert w.tx.regime(regime) in text


@pytest.mark.parametrize("low,high", [(0.0, 0.0), (0.0, 1.0), (0.2, 0.5), (0.9, 1.0)])
def test_probability_lines_at_0_or_1_sit_inside_the_axes(low: float, high: float) -> None:
    bottom, top = probability_limits(low, high)
    assert bottom < low and bottom < 0 < top and top > high
    assert top <= 1.06


class KeepingWriter(ChartWriter):
    """A chart writer that keeps every drawn figure for inspection."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.figures: list[tuple[str, Figure]] = []

    def save(self, fig, name, title, caption):
        self.figures.append((name, fig))
        return super().save(fig, name, title, caption)


def _tick_boxes(fig: Figure, writer: ChartWriter) -> list[tuple[int, object]]:
    """Every visible tick label's extent, drawn as the chart was saved (its look, 300 dpi)."""
    fig.dpi = 300
    with writer.theme():
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(limits)
            eps = 1e-9 * max(hi - lo, 1.0)
            for tick in axis.get_major_ticks():  # ticks outside the view are not drawn
                label = tick.label1
                if lo - eps <= tick.get_loc() <= hi + eps and label.get_visible() and label.get_text().strip():
                    boxes.append((i, label.get_window_extent(renderer)))
    return boxes


MIN_GAP_PT = 12.0


@pytest.mark.parametrize("lang", list(PAGE_FILES))
def test_tick_labels_of_neighbouring_panels_never_touch(lang: str, sweep_dir: Path) -> None:
    """The '1.00.0' collision: tick labels of different panels stay at least a character (12 pt) apart."""
    import xarray as xr

    from model.sensitivity.sweep import SweepPlan
    from model.sensitivity.sweep_charts import sweep_charts

    study = sweep_study()
    with xr.open_dataset(sweep_dir / "results.nc") as ds:
        ds = ds.load()
    writer = KeepingWriter(lang)
    plan = SweepPlan.of(study)
    sweep_charts(ds, study.axes, plan.base.priors(), writer)
    assert len(writer.figures) == 3
    for name, fig in writer.figures:
        boxes = _tick_boxes(fig, writer)
        apart = MIN_GAP_PT / 72 * fig.dpi
        for a, (i, box) in enumerate(boxes):
            for j, other in boxes[a + 1 :]:
                if i != j:
                    gap = max(other.x0 - box.x1, box.x0 - other.x1, other.y0 - box.y1, box.y0 - other.y1)
                    assert gap >= apart, (name, i, j, gap * 72 / fig.dpi)


# ----------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def group() -> click.Group:
    main = click.Group("offshore")
    main.add_command(sweep_command())
    main.add_command(sensitivity_command())
    return main


def test_sensitivity_lang_writes_the_chinese_page(cli, group, tmp_path: Path) -> None:
    args = ["sensitivity", str(BASELINE), "--method", "rank", "--samples", "512", "--jobs", "1", "--lang", "zh-TW"]
    result = cli.invoke(group, [*args, "--set", "sampling.chunk_size=2048"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    path = tmp_path / lines[-1]
    assert lines[-2] == f"page: {Path(lines[-1]) / 'study-zh-TW.html'}"
    assert (path / "study-zh-TW.html").is_file() and not (path / "study.html").exists()
    assert {p.name for p in (path / "charts-zh-TW").iterdir()} == {"rank_correlations.png", "rank_correlations.svg"}


def test_sweep_page_renders_a_finished_sweep_again(cli, group, sweep_dir, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(sweep_dir, copy)
    (copy / "study-zh-TW.html").unlink()
    result = cli.invoke(group, ["sweep", "--page", str(copy), "--lang", "zh-TW"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(copy / "study-zh-TW.html") and (copy / "study-zh-TW.html").is_file()


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--page", "{nowhere}"], "not a finished sweep directory"),
        (["--page", "{sweep}", "--seed", "3"], "--page takes the sweep directory and --lang only"),
    ],
)
def test_bad_page_requests_are_one_line_errors(cli, group, sweep_dir, tmp_path, args, fragment) -> None:
    args = [a.format(nowhere=tmp_path / "nowhere", sweep=sweep_dir) for a in args]
    result = cli.invoke(group, ["sweep", *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.output


# ----------------------------------------------------------------------------- in the browser


LAYOUT = """(() => {
  const root = document.documentElement;
  const boxes = Array.from(document.querySelectorAll('.table-wrap')).map((w) => {
    const r = w.getBoundingClientRect();
    return {id: w.id, right: r.right, scroll: w.scrollWidth, client: w.clientWidth};
  });
  return {client: root.clientWidth, scroll: root.scrollWidth, boxes,
          text: document.title + '\\n' + document.body.innerText + '\\n' +
                Array.from(document.images).map((i) => i.alt).join('\\n')};
})()"""


def load_page(browser: DevTools, html: Path, selectors: tuple[str, ...]) -> dict:
    """Open ``html`` at a 1280 x 900 viewport: images, errors, requests, layout, text and fonts."""
    return open_in_chromium(browser, html, selectors, viewport=(1280, 900), evaluate={"layout": LAYOUT})


@pytest.fixture(scope="module")
def browser():
    devtools = DevTools(chromium_path())
    yield devtools
    devtools.close()


FONT_SELECTORS = ("h1", "h2", "section p", "figcaption", ".table-wrap th", ".table-wrap td")


@pytest.mark.parametrize("page", PAGES, indirect=True, ids=[f"{k}-{lang}" for k, lang in PAGES])
def test_study_page_in_a_real_browser(page, browser) -> None:
    html, lang = page
    seen = load_page(browser, html, FONT_SELECTORS)
    charts = html.read_text(encoding="utf-8").count("data:image/png;base64,")
    assert len(seen["images"]) == charts > 0
    for image in seen["images"]:
        assert image["decoded"] and image["complete"], image
        assert image["width"] > 0 and image["width"] * 9 == image["height"] * 16, image
    assert seen["errors"] == [], [e["params"] for e in seen["errors"]][:3]
    assert seen["requests"], "no request seen: the Network domain did not report"
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"]), seen["requests"]
    layout = seen["layout"]
    # wide tables scroll inside their own box; the page itself never scrolls sideways
    assert layout["boxes"], "no table on the page"
    assert any(box["scroll"] > box["client"] for box in layout["boxes"]), "no table wide enough to test scrolling"
    for box in layout["boxes"]:
        assert box["right"] <= layout["client"], box
    assert layout["scroll"] <= layout["client"], layout
    if lang == "zh-TW":
        assert english_words(layout["text"], ("baseline",)) == set()
        for selector, fonts in seen["fonts"].items():
            assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)
    else:
        assert {"Japan", "burden"} <= english_words(layout["text"])


def test_every_chart_is_embedded_once_per_page(sweep_dir) -> None:
    for lang, (html, _, charts) in PAGE_FILES.items():
        page = (sweep_dir / html).read_text(encoding="utf-8")
        for png in (sweep_dir / charts).glob("*.png"):
            assert f"{charts}/{png.name}" in page
        for other in PAGE_FILES:
            if other != lang:
                assert f"{PAGE_FILES[other][2]}/" not in page

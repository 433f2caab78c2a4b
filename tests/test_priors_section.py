"""The report's appendix "Assumptions: the priors": the table, the mini densities and the citation.

The densities are checked against the families' own laws, independently of how they are
drawn: bin probabilities against scipy's CDF of the same law, and cumulative probabilities
against a fixed-seed sample drawn by the distribution object itself.
"""

from __future__ import annotations

import html
import io
import math
import re
from pathlib import Path

import numpy as np
import pytest
import scipy.stats as st

from model.config import load_config
from model.distributions import parse_distribution
from model.execution import Execution
from model.report import theme
from model.report.document import ChartList, Document
from model.report.priors_section import (
    PANELS_PER_FIGURE,
    TAIL,
    add_prior_charts,
    density,
    drawn_range,
    listed_priors,
    pdf_pages,
    priors_grid,
)
from model.report.render import build_run_document
from model.report.rundata import load_run
from model.report.text import EN, LANGS, ZH, Text
from model.runner import start_run
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
WORLDS = 20_000


@pytest.fixture(scope="module")
def baseline():
    return load_config(BASELINE)


# -- the table --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_prior_of_the_baseline_is_listed_with_unit_and_source(baseline, lang):
    tx = Text(lang)
    priors = baseline.priors()
    assert listed_priors(baseline).keys() == priors.keys()  # every baseline prior states a unit and a source
    grid = priors_grid(baseline, tx)
    assert len(grid.rows) == len(priors)
    for (key, prior), (symbol, name, distribution, unit, source) in zip(priors.items(), grid.rows, strict=True):
        assert symbol and name and name != key, key  # a symbol and a plain name in the report's language
        assert unit not in ("", "–") and source == prior.source and source.strip(), key
        assert distribution, key
        if tx.zh:
            assert re.search(r"[\u4e00-\u9fff]", name + distribution), key
    assert grid.headers[0] == tx("col_symbol") and grid.headers[-1] == tx("col_source")


def test_distribution_parameters_are_written_in_the_reports_money_unit(baseline):
    key = "game.structural.japan.balancing_cost"  # PERT 20 / 45 / 120 USD bn per year
    keys = listed_priors(baseline)
    rows = {lang: dict(zip(keys, priors_grid(baseline, Text(lang)).rows, strict=True)) for lang in LANGS}
    prior = baseline.priors()[key]
    assert f"min {prior.min:g}, mode {prior.mode:g}, max {prior.max:g}" in rows["en"][key][2]
    assert f"{prior.min * 10:g}" in rows["zh-TW"][key][2] and f"{prior.max * 10:g}" in rows["zh-TW"][key][2]
    assert rows["zh-TW"][key][3] == "億美元／年"


def test_defaults_without_unit_or_source_are_not_assumptions():
    ordinal = load_config(ROOT / "configs" / "paper_table.toml")
    assert all(p.is_fixed for p in ordinal.priors().values())
    assert listed_priors(ordinal) == {} and priors_grid(ordinal, Text("en")) is None
    assert pdf_pages(None, Text("en")) == []
    noisy = load_config(ROOT / "configs" / "paper_table.toml", ["game.ordinal.noise_sd=0.7"])
    listed = listed_priors(noisy)
    assert len(listed) == 8 and not any(p.is_fixed for p in listed.values())  # drawn, so listed
    grid = priors_grid(noisy, Text("zh-TW"))
    assert {row[-1] for row in grid.rows} == {Text("zh-TW")("source_none")}


def test_pdf_pages_hold_every_prior_once_on_nearly_equal_pages(baseline):
    for lang in LANGS:
        tx = Text(lang)
        pages = pdf_pages(priors_grid(baseline, tx), tx)
        counts = [sum(kind == "para" for kind, _ in page) for page in pages]
        assert sum(counts) == len(baseline.priors()) and max(counts) - min(counts) <= 1
        sources = [text for page in pages for kind, text in page if kind == "small"]
        assert [tx("prior_source", source=p.source) for p in baseline.priors().values()] == sources


# -- the densities ------------------------------------------------------------------------

FAMILIES = {
    "uniform": ({"dist": "uniform", "min": 2.0, "max": 5.0}, lambda d: st.uniform(2.0, 3.0)),
    "normal": ({"dist": "normal", "mean": 10.0, "sd": 3.0}, lambda d: st.norm(10.0, 3.0)),
    "truncnormal": (
        {"dist": "truncnormal", "mean": 1.0, "sd": 2.0, "min": 0.0, "max": 4.0},
        lambda d: st.truncnorm(-0.5, 1.5, loc=1.0, scale=2.0),
    ),
    "lognormal": ({"dist": "lognormal", "median": 50.0, "sigma": 0.6}, lambda d: st.lognorm(0.6, scale=50.0)),
    "beta": (
        {"dist": "beta", "alpha": 0.7, "beta": 2.5, "min": 1.0, "max": 3.0},
        lambda d: st.beta(0.7, 2.5, 1.0, 2.0),
    ),
    "pert": (
        {"dist": "pert", "min": 20.0, "mode": 45.0, "max": 120.0},
        lambda d: st.beta(*d.shape_parameters, loc=20.0, scale=100.0),
    ),
    "triangular": ({"dist": "triangular", "min": 1.0, "mode": 1.5, "max": 4.0}, lambda d: st.triang(1 / 6, 1.0, 3.0)),
    "gamma": ({"dist": "gamma", "shape": 2.5, "scale": 4.0}, lambda d: st.gamma(2.5, scale=4.0)),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_each_density_integrates_to_the_mass_its_law_puts_on_the_drawn_range(family):
    spec, law = FAMILIES[family]
    prior = parse_distribution(spec, base_dir=".")
    reference = law(prior)
    d = density(prior)
    lo, hi = drawn_range(prior)
    assert d.edges[0] == lo and d.edges[-1] == hi
    bounded = all(math.isfinite(v) for v in prior.support())
    expected = 1.0 if bounded else reference.cdf(hi) - reference.cdf(lo)
    assert d.mass() == pytest.approx(expected, abs=2e-4)
    assert expected == pytest.approx(1.0, abs=2 * TAIL + 1e-9)
    per_bin = d.values * np.diff(d.edges)  # the probability drawn in each bin
    assert np.allclose(per_bin, np.diff(reference.cdf(d.edges)), atol=2e-4)
    assert np.all(d.values >= 0)


@pytest.mark.parametrize("family", FAMILIES)
def test_each_density_agrees_with_a_sample_drawn_by_the_distribution(family):
    prior = parse_distribution(FAMILIES[family][0], base_dir=".")
    d = density(prior)
    draws = prior.sample(np.random.default_rng(20251107), 200_000)
    cumulative = np.concatenate([[0.0], np.cumsum(d.values * np.diff(d.edges))])
    empirical = np.searchsorted(np.sort(draws), d.edges, side="right") / draws.size
    tail = np.mean(draws < d.edges[0])
    assert np.max(np.abs(cumulative + tail - empirical)) < 0.01  # Kolmogorov distance at the bin edges


def test_discrete_priors_are_drawn_as_probabilities(tmp_path):
    categorical = parse_distribution(
        {"dist": "categorical", "values": [3.0, 1.0, 2.0], "probabilities": [0.5, 0.2, 0.3]}, base_dir="."
    )
    d = density(categorical)
    assert d.discrete and d.points.tolist() == [1.0, 2.0, 3.0]
    assert d.values.tolist() == pytest.approx([0.2, 0.3, 0.5]) and d.mass() == pytest.approx(1.0)
    (tmp_path / "data.csv").write_text("x\n" + "\n".join(str(v) for v in np.linspace(0, 9, 50)) + "\n")
    empirical = parse_distribution({"dist": "empirical", "file": "data.csv", "column": "x"}, base_dir=tmp_path)
    e = density(empirical)
    assert not e.discrete and e.mass() == pytest.approx(1.0)


def test_every_uncertain_prior_gets_a_mini_panel_with_its_unit(baseline):
    uncertain = {k: p for k, p in baseline.priors().items() if not p.is_fixed}
    for lang in LANGS:
        tx = Text(lang)
        with theme.theme(lang):
            out = ChartList(tx)
            add_prior_charts(out, baseline, tx)
            figures = [chart.figure for chart in out.charts]  # built in the language's look
        assert len(out.charts) == math.ceil(len(uncertain) / PANELS_PER_FIGURE)
        codes = [code for chart in out.charts for code in dict.fromkeys(chart.table.frame["code"])]
        assert codes == list(uncertain)
        for chart, fig in zip(out.charts, figures, strict=True):
            width, height = fig.get_size_inches()
            assert width * 9 == pytest.approx(height * 16, rel=1e-3)
            panels = [ax for ax in fig.axes if ax.get_visible()]
            keys = list(dict.fromkeys(chart.table.frame["code"]))
            assert len(panels) == len(keys) <= PANELS_PER_FIGURE
            for ax, key in zip(panels, keys, strict=True):
                assert " ".join(ax.get_xlabel().split()) == tx.unit(uncertain[key].unit)
            frame = chart.table.frame
            for key in keys:
                rows = frame[frame["code"] == key]
                x = rows["x"].to_numpy()
                step = np.diff(x).mean()  # bins are equal, so area = sum(density) * bin width
                assert float(rows["density"].sum() * step) == pytest.approx(1.0, abs=1e-3), key


# -- the rendered report ------------------------------------------------------------------


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """Each language's report of a 20,000-world baseline run, as built for rendering (figures drawn, not saved)."""
    run = load_run(start_run(resolve(BASELINE, WORLDS), Execution(), tmp_path_factory.mktemp("runs")).path)
    out = {}
    for lang in LANGS:
        with theme.theme(lang):
            out[lang] = build_run_document(run, Text(lang))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_prior_charts_come_after_the_reports_other_charts(documents, lang):
    names = [chart.name for chart in documents[lang].charts]
    priors = [n for n in names if "-priors-" in n]
    assert len(priors) == 3 and names[-3:] == priors  # 20 uncertain priors, 8 to a chart
    assert names[0].endswith("paper-claims")


@pytest.mark.parametrize("lang", LANGS)
def test_report_words_carry_the_appendix_and_the_citation_in_every_format(documents, baseline, lang):
    """HTML, Markdown and PDF text of the report's words (the charts are checked above and in test_report.py)."""
    from pypdf import PdfReader

    from model.report.html import render_html
    from model.report.markdown import render_markdown
    from model.report.pdf import render_pdf

    tx = Text(lang)
    full = documents[lang]
    words_only = Document(tx=tx, words=full.words, charts=[], run_ids=full.run_ids)
    with theme.theme(lang):
        page = html.unescape(render_html(words_only))
        markdown = render_markdown(words_only)
        pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(words_only))).pages)
    citation = tx("citation")
    appendix = page[page.index('<section id="priors-appendix">') :]
    for text in (page, markdown):
        assert tx("section_priors_appendix") in text
        assert text.count(citation) >= 2  # the claims section and the footer
        assert tx("primer_line") in text
    assert _flat(citation) in _flat(pdf) and _flat(tx("section_priors_appendix")) in _flat(pdf)
    for prior in baseline.priors().values():
        assert prior.source in appendix and prior.source in markdown
        assert _flat(prior.source) in _flat(pdf)
    game_table = next(c for c in full.charts if c.name.endswith("game-table"))
    assert tx("citation_short") in game_table.caption  # the paper's 2x2 table names its source


def test_the_citation_is_written_once_per_language_and_cited_in_the_docs():
    english, chinese = EN["citation"], ZH["citation"]
    assert "Sakade" in english and "Morimoto" in english and "Chung-Hua Institution for Economic Research" in english
    assert "坂出健" in chinese and "中華經濟研究院日本中心" in chinese
    title = re.search(r"〈.*?〉", chinese).group(0)
    for doc in ("README.md", "docs/MODEL.md"):
        lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
        text = " ".join(" ".join(re.sub(r"^\s*>\s?", "", line) for line in lines).split())  # quotes unwrapped
        assert " ".join(english.split()) in text, doc
        assert title in text, doc
    assert "{citation}" in EN["claims_intro"] and "{citation}" in ZH["claims_intro"]

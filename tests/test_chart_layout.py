"""Every chart fits its slide: text extents measured in every rendered figure.

Each figure a run report (structural and ordinal config), a comparison report, a
sweep page and a sensitivity page builds is drawn on its Agg canvas in English and
Traditional Chinese, through the same functions the reports use, and its text is
measured with ``get_window_extent``:

1. every visible text (titles, axis labels, tick labels, legend entries, notes) lies
   inside the figure, and the figure's title and subtitle clear of every panel;
2. no two tick labels overlap, on one axis or across neighbouring panels, and no two
   panel titles overlap;
3. legends lie inside the figure and clear of every title;
4. no text is wrapped inside a parenthesis (checked on the raw strings).

Runs of 20,000 worlds and small studies are made once per module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text as TextArtist
from matplotlib.transforms import Bbox

import model.accessor  # noqa: F401  (registers ds.offshore)
from model.execution import Execution
from model.report import theme
from model.report.compare import build_comparison_charts
from model.report.render import build_run_charts
from model.report.rundata import load_run
from model.report.summary import load_priors
from model.report.text import LANGS, Text
from model.runner import start_run
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
INTEGRATED = ROOT / "configs" / "scenarios" / "integrated_none.toml"
PAPER = ROOT / "configs" / "paper_table.toml"
WORLDS = 20_000
TOLERANCE = 1.0  # pixels at 100 dpi: anti-aliasing, not layout
SOURCES = ("run-structural", "run-ordinal", "comparison", "sweep", "sensitivity")

Figures = list[tuple[str, Figure]]


# -- building the figures ---------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("layout-runs")
    made = {}
    for name, path, overrides in (
        ("baseline", BASELINE, ()),
        ("integrated", INTEGRATED, ()),
        ("paper", PAPER, ("game.ordinal.noise_sd=0.7",)),
    ):
        made[name] = start_run(resolve(path, WORLDS, overrides=overrides), Execution(), root).path
    return made


def _report_figures(build: Callable[[Text], list], lang: str) -> Figures:
    tx = Text(lang)
    with theme.theme(lang):
        charts = build(tx)
        for chart in charts:
            chart.figure.canvas.draw()
    return [(chart.name, chart.figure) for chart in charts]


class _Recorder:
    """Stands in for a study ChartWriter's ``save``: keeps the figure, renders no files."""

    def __init__(self, writer) -> None:
        self.figures: Figures = []
        writer.save = self.save

    def save(self, fig: Figure, name: str, title: str, caption: str):
        self.figures.append((name, fig))
        return type("Saved", (), {"name": name, "title": title, "caption": caption})()


def _study_writer(lang: str):
    from model.sensitivity.charts import ChartWriter

    try:
        writer = ChartWriter(lang)
    except TypeError:  # a writer without languages draws English only
        writer = ChartWriter()
    return writer, _Recorder(writer)


def _draw_study(writer, figures: Figures) -> Figures:
    from model.sensitivity import charts

    context = writer.theme() if hasattr(writer, "theme") else charts.theme()
    with context:
        for _, fig in figures:
            fig.canvas.draw()
    return figures


def _sweep_figures(lang: str) -> Figures:
    from model.sensitivity.study import Axis, load
    from model.sensitivity.sweep import SweepPlan, run_sweep
    from model.sensitivity.sweep_charts import sweep_charts

    study = load(BASELINE, ("sampling.chunk_size=2048", 'policy.financing="ptrl_japan"'))
    axes = (
        Axis("policy.us_regime", ("integrated_deterrence", "offshore_balancing", "grand_bargain"), "--grid"),
        Axis("policy.ptrl_share_japan", (0.0, 0.5, 1.0), "--grid"),
    )
    study = replace(study, axes=axes, samples=2048, seed=11)
    ds = _cached("sweep", lambda: run_sweep(study, Execution()))
    writer, recorder = _study_writer(lang)
    with writer.theme() if hasattr(writer, "theme") else _nothing():
        sweep_charts(ds, study.axes, SweepPlan.of(study).base.priors(), writer)
    return _draw_study(writer, recorder.figures)


def _sensitivity_figures(lang: str) -> Figures:
    from model.sensitivity.analysis import analyse
    from model.sensitivity.input_charts import rank_chart, sobol_chart, tornado_chart
    from model.sensitivity.map_charts import prim_chart, regime_chart
    from model.sensitivity.options import SensitivityOptions
    from model.sensitivity.study import Axis

    loaded = resolve(BASELINE, 4096, overrides=("sampling.chunk_size=2048",))
    options = SensitivityOptions(
        methods=("tornado", "sobol", "rank", "prim", "regime"),
        samples=4096,
        sobol_samples=256,
        regime_x=Axis("game.structural.us.offshore_balancing.threshold", (40.0, 80.0, 120.0), "--regime-x"),
        regime_y=Axis("game.structural.japan.retaliation", (20.0, 60.0, 100.0), "--regime-y"),
        regime_samples=1024,
        bootstrap=50,
    )
    results = _cached("sensitivity", lambda: analyse(loaded, options, Execution()))
    priors = loaded.priors()
    writer, recorder = _study_writer(lang)
    parts = results.parts
    with writer.theme() if hasattr(writer, "theme") else _nothing():
        tornado_chart(parts["tornado"], priors, writer)
        sobol_chart(parts["sobol"], priors, writer)
        rank_chart(parts["rank"], priors, writer)
        for r in parts["prim"].values():
            prim_chart(r, priors, writer)
        regime_chart(parts["regime"], priors, writer)
    return _draw_study(writer, recorder.figures)


_CACHE: dict[str, object] = {}


def _cached(key: str, make: Callable[[], object]):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


@pytest.fixture(scope="module")
def figures(runs) -> Callable[[str, str], Figures]:
    """Figures by (source, language), built on first use."""

    def make(source: str, lang: str) -> Figures:
        if source == "run-structural":
            run = load_run(runs["baseline"])
            return _report_figures(lambda tx: build_run_charts(run, tx, load_priors(run)), lang)
        if source == "run-ordinal":
            run = load_run(runs["paper"])
            return _report_figures(lambda tx: build_run_charts(run, tx, load_priors(run)), lang)
        if source == "comparison":
            chosen = [load_run(runs[name]) for name in ("integrated", "baseline", "paper")]
            return _report_figures(lambda tx: build_comparison_charts(chosen, tx), lang)
        if source == "sweep":
            return _sweep_figures(lang)
        return _sensitivity_figures(lang)

    return lambda source, lang: _cached(f"{source}/{lang}", lambda: make(source, lang))


# -- measuring ---------------------------------------------------------------------------


def _tick_labels(fig: Figure) -> Iterator[tuple[object, TextArtist]]:
    """Every drawn tick label, with the axis it belongs to (ticks outside the view are not drawn)."""
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            lo, hi = sorted(axis.get_view_interval())
            ticks = axis.get_major_ticks(len(axis.get_majorticklocs())) + axis.get_minor_ticks(
                len(axis.get_minorticklocs())
            )
            for tick in ticks:
                loc = tick.get_loc()
                if loc is None or not lo - 1e-9 * (abs(lo) + abs(hi)) <= loc <= hi + 1e-9 * (abs(lo) + abs(hi)):
                    continue
                for label in (tick.label1, tick.label2):
                    if _shown(label):
                        yield axis, label


def _shown(artist: TextArtist) -> bool:
    if not artist.get_visible() or not artist.get_text().strip():
        return False
    if artist.axes is not None and not artist.axes.get_visible():
        return False
    return artist.get_alpha() is None or artist.get_alpha() > 0


def _texts(fig: Figure) -> list[TextArtist]:
    """Every shown text: tick labels only where their tick is drawn."""
    every_tick = {
        id(label)
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in axis.majorTicks + axis.minorTicks
        for label in (tick.label1, tick.label2)
    }
    drawn = [label for _, label in _tick_labels(fig)]
    return [t for t in fig.findobj(TextArtist) if id(t) not in every_tick and _shown(t)] + drawn


def _box(artist, renderer) -> Bbox:
    return artist.get_window_extent(renderer)


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOLERANCE and height > TOLERANCE


def _inside(box: Bbox, frame: Bbox) -> bool:
    return (
        box.x0 >= frame.x0 - TOLERANCE
        and box.y0 >= frame.y0 - TOLERANCE
        and box.x1 <= frame.x1 + TOLERANCE
        and box.y1 <= frame.y1 + TOLERANCE
    )


def _titles(fig: Figure) -> list[TextArtist]:
    out = [t for ax in fig.axes for t in (ax.title, ax._left_title, ax._right_title) if _shown(t)]
    if fig._suptitle is not None and _shown(fig._suptitle):
        out.append(fig._suptitle)
    return out


def _legends(fig: Figure) -> list[Legend]:
    found = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [legend for legend in found if legend.get_visible()]


def _describe(text: TextArtist) -> str:
    return repr(text.get_text()[:60])


def _balanced(line: str) -> bool:
    depth = 0
    for char in line:
        depth += char in "(（"
        depth -= char in ")）"
        if depth < 0:
            return False
    return depth == 0


def layout_problems(fig: Figure) -> list[str]:
    """Every way ``fig`` (already drawn) breaks the four rules, as readable lines."""
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    problems = []
    texts = _texts(fig)
    for text in texts:  # 1. inside the figure
        if not _inside(_box(text, renderer), frame):
            problems.append(f"text outside the figure: {_describe(text)} at {_box(text, renderer).bounds}")
    ticks = [(axis, label, _box(label, renderer)) for axis, label in _tick_labels(fig)]
    for i, (axis_a, a, box_a) in enumerate(ticks):  # 2. tick labels apart, on one axis and across panels
        for axis_b, b, box_b in ticks[i + 1 :]:
            if _overlap(box_a, box_b):
                where = "on one axis" if axis_a is axis_b else "across panels"
                problems.append(f"tick labels overlap {where}: {_describe(a)} and {_describe(b)}")
    titles = _titles(fig)
    headings = [t for t in (fig._suptitle, *fig.texts) if t is not None and _shown(t)]
    for heading in headings:  # the figure's title and subtitle stay above the panels
        box = _box(heading, renderer)
        for ax in fig.axes:
            if ax.get_visible() and _overlap(box, ax.bbox):
                problems.append(f"figure text overlaps a panel: {_describe(heading)}")
    for i, a in enumerate(titles):
        for b in titles[i + 1 :]:
            if _overlap(_box(a, renderer), _box(b, renderer)):
                problems.append(f"titles overlap: {_describe(a)} and {_describe(b)}")
    for legend in _legends(fig):  # 3. legends inside and clear of the titles
        box = _box(legend, renderer)
        if not _inside(box, frame):
            problems.append(f"legend outside the figure at {box.bounds}")
        for title in titles:
            if _overlap(box, _box(title, renderer)):
                problems.append(f"legend overlaps the title {_describe(title)}")
    for text in texts:  # 4. never wrapped inside a parenthesis
        raw = text.get_text()
        if "\n" in raw and _balanced(raw.replace("\n", "")):
            broken = [line for line in raw.split("\n") if not _balanced(line)]
            if broken:
                problems.append(f"wrapped inside a parenthesis: {raw!r}")
    return problems


# -- the checks --------------------------------------------------------------------------


CASES = [pytest.param(source, lang, id=f"{source}-{lang}") for source in SOURCES for lang in LANGS]


@pytest.mark.parametrize("source,lang", CASES)
def test_every_figure_fits_its_slide(figures, source: str, lang: str) -> None:
    built = figures(source, lang)
    assert built, f"{source}: no figures built"
    problems = [f"{name}: {problem}" for name, fig in built for problem in layout_problems(fig)]
    assert not problems, "\n".join(problems)


# -- the measure itself catches what it should --------------------------------------------


def _figure(draw: Callable[[Figure], None]) -> Figure:
    with theme.theme("en"):
        fig, ax = theme.new_figure("A title")
        draw(fig)
        fig.canvas.draw()
    return fig


def test_the_measure_sees_a_title_cut_off_at_the_edge() -> None:
    fig = _figure(lambda f: f.axes[0].set_title("A panel title far too long " * 6, loc="left"))
    assert any("outside the figure" in p for p in layout_problems(fig))


def test_the_measure_sees_colliding_tick_labels() -> None:
    def crowd(fig: Figure) -> None:
        ax = fig.axes[0]
        ax.set_xticks(range(40), [f"{10**6 * i:,}" for i in range(40)])

    assert any("tick labels overlap on one axis" in p for p in layout_problems(_figure(crowd)))


def test_the_measure_sees_a_wrap_inside_parentheses() -> None:
    fig = _figure(lambda f: f.axes[0].set_xlabel("Coordination, prefers (P,\nP)"))
    assert any("parenthesis" in p for p in layout_problems(fig))
    fine = _figure(lambda f: f.axes[0].set_xlabel("Coordination,\nprefers (P, P)"))
    assert not layout_problems(fine)


def test_the_measure_sees_a_legend_off_the_figure() -> None:
    def wide(fig: Figure) -> None:
        ax = fig.axes[0]
        lines = [ax.plot([0, 1], [i, i])[0] for i in range(12)]
        fig.legend(lines, [f"A long legend entry number {i}" for i in range(12)], loc="lower center", ncol=12)

    assert any("legend outside" in p for p in layout_problems(_figure(wide)))


# -- the helpers behind the fixes -----------------------------------------------------------


@pytest.mark.parametrize(
    "text,width",
    [
        ("Coordination, prefers (P, P)", 12),
        ("Anti-coordination, prefers (P, P)", 8),
        ("4. P(Korea passes the buck), simultaneous play (Korea's stake × 0.75)", 20),
        ("4. 韓國責任轉嫁機率（同時賽局） (韓國利害 × 0.75)", 16),
        ("σ_θ 美國的模糊程度（夥伴對其門檻的判讀）", 12),
        ("Balancing dominant, prefers (P, P)", 40),
    ],
)
def test_labels_wrap_to_width_but_never_inside_parentheses(text: str, width: int) -> None:
    lines = theme.wrap_label(text, width)
    assert all(_balanced(line) for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost or added
    for line in lines:  # a line runs over only when it is one piece that may not be split
        if theme.display_width(line) > width:
            assert len(theme.wrap_label(line, 1)) <= 2, line


@pytest.mark.parametrize("units", ["1000=k 1000000=M", "1000=千 10000=萬"])
def test_count_ticks_read_back_as_the_number_they_label(units: str) -> None:
    from model.report.axes import compact_counts

    label = compact_counts(units)
    scale = {suffix: float(size) for size, suffix in (pair.split("=") for pair in units.split())}
    for x in (512.0, 1_000.0, 2_500.0, 10_000.0, 100_000.0, 1_000_000.0, 4_000_000.0):
        text = label(x)
        assert len(text) <= 5, text  # short enough for three panels side by side
        number, suffix = re.fullmatch(r"([\d.,]+)(\D*)", text).groups()
        assert float(number.replace(",", "")) * scale.get(suffix, 1.0) == pytest.approx(x)


def _trace(code: str, values) -> pd.DataFrame:
    return pd.DataFrame(
        {"code": code, "label": code, "unit": "%", "worlds": 2 ** np.arange(len(values)), "value": values}
    )


def test_panels_that_move_together_are_found_and_others_are_not() -> None:
    from model.report.charts import moving_together

    rng = np.random.default_rng(5)
    walk = 70 + np.cumsum(rng.normal(0, 0.5, 12))
    parallel = walk - 1.3 + rng.normal(0, 0.02, 12)
    unrelated = 40 + np.cumsum(rng.normal(0, 0.5, 12))
    frame = pd.concat([_trace("a", walk), _trace("b", parallel), _trace("c", unrelated)])
    found = moving_together(frame)
    assert [(later, earlier) for later, earlier, _, _ in found] == [("b", "a")]
    assert found[0][2] == pytest.approx(-1.3, abs=0.05) and found[0][3] > 0.95
    money = _trace("m", walk * 10).assign(unit="US$ bn")
    assert moving_together(pd.concat([_trace("a", walk), money])) == []  # money panels are not compared


def test_burden_notes_agree_with_the_histogram(runs) -> None:
    """The zero-burden share and the last bar's count are the histogram's own numbers."""
    from model.report import tables
    from model.report.charts import burden_distribution
    from model.report.distribution import japan_burden_sample

    run = load_run(runs["baseline"])
    tx = Text("en")
    sample = japan_burden_sample(run)
    table = tables.burden_distribution(run, tx, sample)
    hist = table.frame[table.frame["series"] == "histogram"]
    assert sample.at_least(float(hist["bin_low"].iloc[-1])) == round(hist["share"].iloc[-1] / 100 * sample.size)
    assert sample.zero_share == pytest.approx(np.mean(sample.values == 0))
    assert sample.zero_share * 100 <= hist["share"].iloc[0] + 1e-9  # the zero worlds sit in the first bar
    with theme.theme("en"):
        fig = burden_distribution(table, run, tx)
    notes = [t.get_text().replace("\n", " ") for t in fig.axes[0].texts]
    if sample.zero_share > 0:
        assert any("Japan pays nothing" in note for note in notes)
    if sample.maximum > hist["bin_high"].iloc[-1]:
        assert any(f"{sample.at_least(float(hist['bin_low'].iloc[-1])):,} worlds" in note for note in notes)

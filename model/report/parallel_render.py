"""Build and draw a report's charts and PDF pages on every core, each figure laid out once.

Drawing is most of a report's rendering time, and building the figures comes next.
:func:`render_document` shares the charts among groups of about equal drawing cost, one
per worker (:func:`page_groups`), and hands each group to a worker process. A worker
builds each of its charts (:attr:`model.report.document.Chart.build`), lays it out
once, draws it as SVG and as a page of the group's PDF (the figure alone; each font
subset once per group) and rasterises each page into the chart's PNG
(:mod:`model.report.raster`). Meanwhile the parent sets the text pages and each chart
page's caption and page number (:mod:`model.report.typeset`), writes what needs no
drawing (the tables) and shows a progress bar on stderr; it then places each chart's
drawing on its page (:func:`model.report.pdf.join_pages`). The brief's chart is drawn
once, into a PDF of its own, which both the report and the brief place.

On Linux the workers are forked once the pages are listed, so they build the charts
from the parent's data without pickling it (:data:`_INHERITED`); elsewhere joblib's
loky processes get the figures, built here, pickled. Every worker draws under the
parent's matplotlib settings (the theme, fonts included), and the groups depend on the
document alone, so the files are the same bytes whatever the number of workers (with
``jobs=1`` the groups are drawn here, one after another, each from freshly built
figures), and the parent's figures are never drawn on.

:func:`render_options` sets the number of workers and whether progress is shown
for the renderings inside it (the command line's ``--jobs`` and ``--quiet``);
by default every core is used, up to :data:`MAX_JOBS`, and progress shows on a
terminal only.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from model.report.chartfiles import ChartFiles, draw_figures
from model.report.document import Document

MAX_JOBS = 2
PDF_COST = 0.75  # a PDF's own cost beyond its charts', in charts (:attr:`Chart.cost`): its font subsets, 0.1-0.3 s
GROUPS = MAX_JOBS  # chart groups, one per worker: each group's PDF embeds its own font subsets
STUDY_GROUPS = 4  # a study's figures, of unknown cost: a few groups, so a worker done early takes another
_OPTIONS: contextvars.ContextVar[tuple[int | None, bool | None]] = contextvars.ContextVar(
    "render_options", default=(None, None)
)


@contextlib.contextmanager
def render_options(jobs: int | None = None, progress: bool | None = None) -> Iterator[None]:
    """Within the block, reports render with ``jobs`` workers (None: the default) and show
    progress if ``progress`` (None: on a terminal only)."""
    token = _OPTIONS.set((jobs, progress))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def _resolved(jobs: int | None, progress: bool | None) -> tuple[int, bool | None]:
    """``jobs`` and ``progress`` where given, else :func:`render_options`' values, else the defaults."""
    opt_jobs, opt_progress = _OPTIONS.get()
    jobs = jobs if jobs is not None else opt_jobs if opt_jobs is not None else default_jobs()
    return jobs, progress if progress is not None else opt_progress


def default_jobs() -> int:
    """Every core, up to :data:`MAX_JOBS`."""
    return max(1, min(MAX_JOBS, os.cpu_count() or 1))


@dataclass(frozen=True)
class Rendered:
    """A rendered report: each chart's files (in the document's order), the PDF bytes, and
    the one chart asked for alone (``render_document(alone=...)``) as a one-page PDF."""

    charts: list[ChartFiles]
    pdf: bytes
    alone: bytes | None = None


def page_groups(costs: list[float], groups: int = GROUPS, start: list[float] | None = None) -> list[list[int]]:
    """Share pages ``0..n-1`` among at most ``groups`` groups of about equal total cost.

    ``costs`` are the pages' relative drawing times (:attr:`model.report.document.Chart.cost`);
    ``start`` optionally gives each group's load before any page (work its worker does
    besides; a group may then stay empty). The costliest page goes first, each to the
    group with the least load so far (ties: the emptier, then the earlier group), so no
    group ends up more than one page above the average; each group lists its pages in
    order. It depends on the pages alone, never on the number of workers, so the PDF
    comes out the same bytes however many workers draw it.
    """
    count = min(max(groups, 1), len(costs))
    loads = list(start[:count]) if start is not None else [0.0] * count
    loads += [0.0] * (count - len(loads))
    members: list[list[int]] = [[] for _ in range(count)]
    for page in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        least = min(range(count), key=lambda g: (loads[g], len(members[g]), g))
        members[least].append(page)
        loads[least] += costs[page]
    return [sorted(group) for group in members]


def render_document(
    doc: Document,
    jobs: int | None = None,
    progress: bool | None = None,
    meanwhile: Callable[[], None] | None = None,
    alone: str | None = None,
) -> Rendered:
    """Build and draw every chart of ``doc`` (PNG, SVG, PDF page), set its text pages; join the PDF.

    The charts are drawn in :func:`page_groups` of about equal cost, one task each
    (:func:`drawing_tasks`): a task builds each of its charts, lays it out once, draws
    it as SVG and as a page of one PDF (each font subset once per task) and rasterises
    the pages into PNGs. ``jobs`` is the number of worker processes (1: draw in this
    process); ``progress`` shows a bar on stderr (None: only on a terminal). Arguments
    left None take the values of :func:`render_options`, then the defaults. The text
    pages and the chart pages' captions are set in this process while the workers draw,
    then ``meanwhile`` is called (work that needs no drawing: the tables, say). The
    chart named ``alone`` is drawn into a PDF of its own (``Rendered.alone``, which the
    brief places). Sets ``chart.png`` and ``chart.svg`` of each chart of ``doc``.
    """
    from model.report.fonts import page_families
    from model.report.pdf import caption_page, join_pages, number_page, page_label, text_pages
    from model.report.typeset import typeset

    jobs, progress = _resolved(jobs, progress)

    texts = text_pages(doc)
    total = len(texts) + len(doc.charts)
    for number, page in enumerate(texts, start=1):
        number_page(page, page_label(doc, number, total))
    captions = [caption_page(chart.caption, page_label(doc, number, total))
                for number, chart in enumerate(doc.charts, start=len(texts) + 1)]  # fmt: skip
    single = next((i for i, chart in enumerate(doc.charts) if chart.name == alone), None)
    tasks = drawing_tasks([chart.cost for chart in doc.charts], single)
    typeset_pdf: list[bytes] = []

    def here() -> None:  # the text pages and the chart pages' captions are set here while the workers draw
        typeset_pdf.append(typeset([*texts, *(page for page, _at in captions)], page_families(doc.lang)))
        if meanwhile is not None:
            meanwhile()

    results = list(_drawn_groups(doc.charts, tasks, _draw_pages, jobs, progress, here, sent=lambda c: c.build()))
    images: list[tuple[bytes, bytes]] = [(b"", b"")] * len(doc.charts)
    placed = {}  # each chart's page (among the typeset ones) -> its drawing: (part, page, where)
    for part, (task, (drawn, _pdf)) in enumerate(zip(tasks, results, strict=True), start=1):
        for page, (i, image) in enumerate(zip(task, drawn, strict=True)):
            images[i] = image
            placed[len(texts) + i] = (part, page, captions[i][1])
    files: list[ChartFiles] = []
    for chart, (png, svg) in zip(doc.charts, images, strict=True):
        chart.png, chart.svg = png, svg
        files.append(ChartFiles(chart.name, png, svg))
    parts = [*typeset_pdf, *(pdf for _drawn, pdf in results)]
    order = [(0, page) for page in range(total)]  # the typeset pages, the charts placed on theirs
    pdf = join_pages(parts, doc.words.title, order, placed)
    own = results[tasks.index([single])][1] if single is not None else None
    return Rendered(files, pdf, own)


def drawing_tasks(costs: list[float], alone: int | None) -> list[list[int]]:
    """The charts (of drawing ``costs``) as drawing tasks, each drawn into one PDF: one
    group per worker (:func:`page_groups`). The chart ``alone`` (the brief's) is a task
    of its own, so its PDF, which the brief places, holds its fonts only. Its worker
    takes the first group after it: that group is made lighter by the alone task's cost,
    a PDF's included (:data:`PDF_COST`), and listed last, so the other workers start on
    their groups while one draws the brief's chart and then that group."""
    if alone is None:
        return page_groups(costs)
    others = [i for i in range(len(costs)) if i != alone]
    shared = page_groups([costs[i] for i in others], start=[costs[alone] + PDF_COST])
    after, *rest = [[others[j] for j in group] for group in shared] or [[]]
    return [group for group in [*rest, [alone], after] if group]


_INHERITED: list[Any] = []  # the charts (or study figures) forked workers draw from, set while they run


def _drawn_groups(
    items: list[Any],
    groups: list[list[int]],
    drawer: Callable[[list[Any]], Any],
    jobs: int,
    progress: bool | None,
    meanwhile: Callable[[], None] | None = None,
    what: str = "the report",
    sent: Callable[[Any], Any] | None = None,
) -> Iterator[Any]:
    """``drawer`` of each group of ``items`` (by index), in order, under this process's
    matplotlib settings. Forked workers (or this process, with one job) find the items in
    :data:`_INHERITED`; loky workers are sent them pickled, each passed through ``sent``
    first (a report's chart is sent as its figure, built here)."""
    params = _settings()
    if min(jobs, len(groups)) <= 1 or _fork_context() is not None:
        _INHERITED[:] = items
        try:
            yield from _run([(group, params, drawer) for group in groups], jobs, progress, _draw_inherited,
                            meanwhile, what)  # fmt: skip
        finally:
            _INHERITED.clear()
        return
    send = sent or (lambda item: item)
    calls = [(pickle.dumps([send(items[i]) for i in group]), params, drawer) for group in groups]
    yield from _run(calls, jobs, progress, _draw_sent, meanwhile, what)


def render_figures(
    figures: list[Any], jobs: int | None = None, progress: bool | None = None
) -> list[tuple[bytes, bytes]]:
    """Each figure's (PNG, SVG) bytes, in order, drawn in worker processes like a report's
    charts (the same bytes whatever ``jobs``), under the current matplotlib settings.
    Used by the study pages, whose charts have no PDF pages.

    The figures, already built, are drawn in :data:`STUDY_GROUPS` interleaved groups
    (their costs are not known beforehand, so a worker that finishes early takes the
    next group). Forked workers find the figures in :data:`_INHERITED` (nothing is
    pickled); loky workers are sent them pickled."""
    jobs, progress = _resolved(jobs, progress)
    if not figures:
        return []
    count = max(1, min(STUDY_GROUPS, len(figures)))
    groups = [list(range(len(figures)))[g::count] for g in range(count)]  # interleaved: even loads
    out: list[Any] = [None] * len(figures)
    drawn = _drawn_groups(figures, groups, draw_figures, jobs, progress, what="charts")
    for group, images in zip(groups, drawn, strict=True):
        for i, image in zip(group, images, strict=True):
            out[i] = image
    return out


def _run(
    calls: list[tuple],
    jobs: int,
    progress: bool | None,
    draw: Callable[..., Any],
    meanwhile: Callable[[], None] | None = None,
    what: str = "the report",
) -> Iterator[Any]:
    """Each ``draw(*call)``, in order; with ``jobs`` > 1 in that many worker processes.
    ``meanwhile`` runs here once the work is handed out (at once when drawing here).

    On Linux the workers are forked from this process, so they start at once with
    everything imported (and any renderer a test replaced); elsewhere they are
    joblib's loky processes, which import what they need.
    """
    from tqdm import tqdm

    workers = min(jobs, len(calls))
    context = _fork_context() if workers > 1 else None
    pool = None
    bar = None
    try:
        if context is not None:
            gc.freeze()  # forked workers then leave the parent's objects alone (no copy-on-write by the collector)
            pool = ProcessPoolExecutor(workers, mp_context=context)
            futures = [pool.submit(draw, *call) for call in calls]  # forks here, before any other thread
            results: Iterator[Any] = (future.result() for future in futures)
        elif workers > 1:
            from joblib import Parallel, delayed

            parallel = Parallel(n_jobs=workers, backend="loky", return_as="generator")
            results = parallel(delayed(draw)(*call) for call in calls)
        else:
            results = (draw(*call) for call in calls)
        bar = tqdm(total=len(calls), desc=f"drawing {what}", unit="part", leave=False,
                   disable=True if progress is False else None)  # fmt: skip
        if meanwhile is not None:
            meanwhile()
        for result in results:
            bar.update()
            yield result
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if context is not None:
            gc.unfreeze()


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """The 'fork' start method where it is safe to use (Linux), else None."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _settings() -> dict:
    """This process's matplotlib settings (the theme, fonts included), to hand to a worker."""
    return {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}


@contextlib.contextmanager
def _parent_settings(params: dict) -> Iterator[None]:
    """Draw under the parent's matplotlib settings ``params``; this process's come back after."""
    saved = _settings()
    if "Noto Sans CJK TC" in params.get("font.family", ()):
        from model.report.fonts import register_cjk

        register_cjk()
    dict.update(matplotlib.rcParams, params)
    try:
        yield
    finally:
        dict.update(matplotlib.rcParams, saved)


def _draw_inherited(group: list[int], params: dict, drawer: Callable[[list[Any]], Any]) -> Any:
    """``drawer`` of the items ``group`` of :data:`_INHERITED`, under the parent's matplotlib settings."""
    with _parent_settings(params):
        return drawer([_INHERITED[i] for i in group])


def _draw_sent(payload: bytes, params: dict, drawer: Callable[[list[Any]], Any]) -> Any:
    """``drawer`` of the pickled items ``payload``, under the parent's matplotlib settings (restored afterwards)."""
    with _parent_settings(params):
        return drawer(pickle.loads(payload))


def _draw_pages(sources: list[Any]) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Each chart's (PNG, SVG) and the charts' PDF, a page each at the report's chart
    size (:data:`model.report.pdf.CHART_SIZE`). A source is a chart (built here, afresh)
    or, sent pickled, its figure."""
    from model.report.chartfiles import draw_charts
    from model.report.pdf import CHART_SIZE

    figures = [source if isinstance(source, Figure) else source.build() for source in sources]
    for fig in figures:
        if tuple(round(float(v), 6) for v in fig.get_size_inches()) != CHART_SIZE:
            raise ValueError(f"a report chart is {fig.get_size_inches()} inches, not {CHART_SIZE}")
    return draw_charts(figures)

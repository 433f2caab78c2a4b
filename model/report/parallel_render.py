"""Draw a report's charts and PDF pages on every core, each figure laid out once.

A report's figures are built in the parent process; drawing them is most of the
rendering time. :func:`render_document` splits the PDF's pages into a few groups of
consecutive pages (:func:`page_groups`), pickles each group's figures and hands the
groups to worker processes (forked on Linux, else joblib's loky). A worker lays each
chart out once, in its PNG draw (:func:`model.report.chartfiles.png_bytes`), draws it
as PNG (300 dpi), SVG and its PDF page (caption and page number below it), and writes
the group's pages as one PDF, so each font is subset once per group. Meanwhile the
parent writes what needs no drawing (the tables), shows a progress bar on stderr,
then joins the groups' PDFs in order (:func:`model.report.pdf.join_pages`).

Workers get the parent's matplotlib settings (the theme, fonts included) with each
task, and every group is drawn from its own unpickled copy of the figures, also when
it runs in this process (``jobs=1``); the groups depend on the pages alone. So the
files are the same bytes whatever the number of workers, and the parent's figures
are left untouched.

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

from model.report.chartfiles import ChartFiles
from model.report.document import Document

MAX_JOBS = 2
GROUPS = 4  # page groups: a few, so both workers stay busy; each embeds its own font subsets
TEXT_WEIGHT, CHART_WEIGHT = 0.3, 2.5  # drawing cost of a text page and of a chart (measured, roughly)
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


def default_jobs() -> int:
    """Every core, up to :data:`MAX_JOBS`."""
    return max(1, min(MAX_JOBS, os.cpu_count() or 1))


@dataclass(frozen=True)
class Rendered:
    """A rendered report: each chart's files (in the document's order) and the PDF bytes."""

    charts: list[ChartFiles]
    pdf: bytes


def page_groups(weights: list[float], groups: int = GROUPS) -> list[list[int]]:
    """Split pages ``0..n-1`` into at most ``groups`` runs of consecutive pages of about
    equal total weight. It depends on the pages alone, never on the number of workers,
    so the PDF comes out the same bytes however many workers draw it."""
    n = len(weights)
    count = max(1, min(groups, n))
    total = sum(weights)
    out: list[list[int]] = []
    current: list[int] = []
    done = 0.0
    for i, weight in enumerate(weights):
        current.append(i)
        done += weight
        left = n - i - 1
        wanted = count - len(out) - 1  # groups still to start after this one
        if wanted > 0 and (done >= total * (len(out) + 1) / count or left == wanted):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def render_document(
    doc: Document,
    jobs: int | None = None,
    progress: bool | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Rendered:
    """Draw every chart of ``doc`` (PNG, SVG, PDF page) and its text pages; join the PDF.

    The pages are drawn in :func:`page_groups` of consecutive pages, one task each: a
    task lays each of its charts out once and draws it as PNG, SVG and a PDF page, and
    writes its pages as one PDF (each font subset once per group). ``jobs`` is the
    number of worker processes (1: draw in this process); ``progress`` shows a bar on
    stderr (None: only on a terminal). Arguments left None take the values of
    :func:`render_options`, then the defaults. ``meanwhile`` is called in this
    process while the workers draw (work that needs no drawing: the tables, say).
    Sets ``chart.png`` and ``chart.svg`` of each chart of ``doc``.
    """
    from model.report.pdf import add_page_number, join_pages, page_label, text_pages

    opt_jobs, opt_progress = _OPTIONS.get()
    jobs = jobs if jobs is not None else opt_jobs if opt_jobs is not None else default_jobs()
    progress = progress if progress is not None else opt_progress
    params = _settings()

    texts = text_pages(doc)
    total = len(texts) + len(doc.charts)
    pages: list[tuple] = []
    for number, page in enumerate(texts, start=1):
        add_page_number(page, page_label(doc, number, total))
        pages.append(("text", page))
    for number, chart in enumerate(doc.charts, start=len(texts) + 1):
        pages.append(("chart", chart.figure, chart.caption, page_label(doc, number, total)))
    groups = page_groups([TEXT_WEIGHT if p[0] == "text" else CHART_WEIGHT for p in pages])
    calls = [(pickle.dumps([pages[i] for i in group]), params) for group in groups]
    # the heaviest groups first, so the last to finish is a light one
    order = sorted(range(len(calls)), key=lambda g: -sum(pages[i][0] == "chart" for i in groups[g]))
    results: list[Any] = [None] * len(calls)
    for g, result in zip(order, _run([calls[g] for g in order], jobs, progress, meanwhile), strict=True):
        results[g] = result

    images = [image for drawn, _pdf in results for image in drawn]
    files: list[ChartFiles] = []
    for chart, (png, svg) in zip(doc.charts, images, strict=True):
        chart.png, chart.svg = png, svg
        files.append(ChartFiles(chart.name, png, svg))
    return Rendered(files, join_pages([pdf for _drawn, pdf in results], doc.words.title))


def render_figures(
    figures: list[Any], jobs: int | None = None, progress: bool | None = None
) -> list[tuple[bytes, bytes]]:
    """Each figure's (PNG, SVG) bytes, in order, drawn in worker processes like a report's
    charts (the same bytes whatever ``jobs``), under the current matplotlib settings.
    Used by the study pages, whose charts have no PDF pages."""
    opt_jobs, opt_progress = _OPTIONS.get()
    jobs = jobs if jobs is not None else opt_jobs if opt_jobs is not None else default_jobs()
    progress = progress if progress is not None else opt_progress
    if not figures:
        return []
    params = _settings()
    count = max(1, min(GROUPS, len(figures)))
    groups = [list(range(len(figures)))[g::count] for g in range(count)]  # interleaved: even loads
    calls = [(pickle.dumps([figures[i] for i in group]), params) for group in groups]
    out: list[Any] = [None] * len(figures)
    for group, images in zip(groups, _run(calls, jobs, progress, draw=_draw_images, what="charts"), strict=True):
        for i, image in zip(group, images, strict=True):
            out[i] = image
    return out


def _run(
    calls: list[tuple],
    jobs: int,
    progress: bool | None,
    meanwhile: Callable[[], None] | None = None,
    draw: Callable[..., Any] | None = None,
    what: str = "the report",
) -> Iterator[Any]:
    """Each call's result, in order; with ``jobs`` > 1 in that many worker processes.
    ``meanwhile`` runs here once the work is handed out (at once when drawing here).

    On Linux the workers are forked from this process, so they start at once with
    everything imported (and any renderer a test replaced); elsewhere they are
    joblib's loky processes, which import what they need.
    """
    from tqdm import tqdm

    draw = draw or _draw_group
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


def _draw_images(payload: bytes, params: dict) -> list[tuple[bytes, bytes]]:
    """(PNG, SVG) of each pickled figure, under the parent's matplotlib settings."""
    from model.report import chartfiles

    with _parent_settings(params):
        return [(chartfiles.png_bytes(fig), chartfiles.svg_bytes(fig)) for fig in pickle.loads(payload)]


def _draw_group(payload: bytes, params: dict) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """One group of pages, under the parent's matplotlib settings (restored afterwards):
    each chart's (PNG, SVG), and the group's PDF."""
    with _parent_settings(params):
        return _draw_pages(pickle.loads(payload))


def _draw_pages(pages: list[tuple]) -> tuple[list[tuple[bytes, bytes]], bytes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from model.report import chartfiles
    from model.report.pdf import chart_page, pages_pdf

    images: list[tuple[bytes, bytes]] = []
    printed: list[tuple] = []
    for page in pages:
        if page[0] == "text":
            printed.append((page[1], None))
            continue
        _kind, fig, caption, label = page
        FigureCanvasAgg(fig)
        png = chartfiles.png_bytes(fig)  # lays the chart out, once, for every format
        images.append((png, chartfiles.svg_bytes(fig)))
        printed.append((fig, chart_page(fig, caption, label)))
    return images, pages_pdf(printed)

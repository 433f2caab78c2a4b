"""Risk reports and briefing charts rendered from finished runs.

>>> from model.report import render_run_report                     # doctest: +SKIP
>>> render_run_report(Path("runs/<run-id>"))                       # doctest: +SKIP
PosixPath('reports/<run-id>')
>>> render_run_report(Path("runs/<run-id>"), lang="zh-TW")         # doctest: +SKIP
PosixPath('reports/<run-id>-zh-TW')
>>> render_comparison([Path("runs/a"), Path("runs/b")])            # doctest: +SKIP
PosixPath('reports/compare-<hash>')

A report directory holds report.html (self-contained), report.pdf, summary.md,
report.json, figures/ (PNG at 300 dpi and SVG, 16:9) and tables/ (CSV of every
chart). Bad input raises :class:`ReportError` with a one-line message. This module
imports nothing heavy, so the command line can import it cheaply; matplotlib loads
only when a report is rendered.

Modules, one job each: ``text`` (looking up the strings of ``locales/<lang>.toml``,
number formats), ``fonts`` (CJK font), ``theme`` (palette with a fixed colour per
country, profile, regime..., 16:9 look; also used by the study pages), ``chartfiles``
(a chart's PNG, SVG and CSV saved together), ``axes`` (axis helpers), ``rundata``
(reading a run), ``tables`` (the numbers of each chart), ``charts`` (one function per
chart of a run), ``compare_charts`` (charts of several runs), ``convergence`` and
``distribution`` (the run's own first worlds), ``summary`` (sentences, assumptions,
footer), ``htmlpage`` (the jinja2 base of every HTML page), ``html``, ``pdf``,
``markdown``, ``render`` (one run, atomic output), ``compare`` (several runs),
``command`` (CLI).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import click

from model.report.errors import ReportError
from model.report.text import LANGS

__all__ = ["LANGS", "ReportError", "preload", "render_comparison", "render_run_report", "report_command"]


def render_run_report(run_dir: Path, out_root: Path = Path("reports"), lang: str = "en", pptx: bool = False) -> Path:
    """Render the report of one finished run and return its directory.

    Reads ``run_dir/results.nc`` (with manifest.json and config.toml) and writes
    ``out_root/<run-id>/`` for English or ``out_root/<run-id>-zh-TW/`` for
    Traditional Chinese, replacing an older report of the same run atomically.
    With ``pptx`` the directory also holds the briefing deck, ``briefing.pptx``.
    """
    from model.report.render import render_run_report as render

    return render(Path(run_dir), Path(out_root), lang, pptx=pptx)


def render_comparison(
    run_dirs: Sequence[Path], out_root: Path = Path("reports"), lang: str = "en", pptx: bool = False
) -> Path:
    """Render one report setting several runs side by side; returns its directory.

    Writes ``out_root/compare-<hash>/`` (``-zh-TW`` appended in Traditional Chinese);
    the hash is over the run ids in the given order. ``pptx`` adds ``briefing.pptx``.
    """
    from model.report.compare import render_comparison as render

    return render([Path(p) for p in run_dirs], Path(out_root), lang, pptx=pptx)


def preload() -> threading.Thread:
    """Start importing what rendering a report needs (matplotlib, pandas, the renderers)
    in a background thread, and return it (join it before rendering).

    ``offshore run`` calls this before simulating: the simulation's workers keep the
    cores busy while this process mostly waits for them, so the imports (about a second)
    are done by the time the report starts. An import that fails here fails again, with
    its message, when the report imports it.
    """

    def load() -> None:
        import importlib

        for module in ("model.report.render", "model.report.parallel_render", "model.report.pdf",
                       "model.report.workbook", "model.report.raster", "pypdfium2"):  # fmt: skip
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001, S112 - reported when the report imports it
                continue

    thread = threading.Thread(target=load, name="offshore-report-preload", daemon=True)
    thread.start()
    return thread


def report_command() -> click.Command:
    """The click command ``report RUN_DIR [RUN_DIR...] [--compare] [--lang] [--reports-dir]``.

    ``--lang`` is ``en`` (default) or ``zh-TW``; several RUN_DIRs without ``--compare``
    render one report each.
    """
    from model.report.command import build_command

    return build_command()

"""The ``offshore report`` command."""

from __future__ import annotations

from pathlib import Path

import click

from model.cli_support import fail
from model.report.text import LANGS


def build_command() -> click.Command:
    @click.command("report")
    @click.argument("run_dirs", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--compare", is_flag=True, help="Set the runs side by side in one comparison report.")
    @click.option(
        "--lang",
        type=click.Choice(LANGS),
        default="en",
        show_default=True,
        help="Report language (zh-TW: Traditional Chinese).",
    )
    @click.option(
        "--reports-dir",
        type=click.Path(path_type=Path),
        default=Path("reports"),
        show_default=True,
        help="Where report directories are written.",
    )
    @click.option("--pptx", is_flag=True, help="Also write the briefing deck, briefing.pptx (16:9).")
    @click.option(
        "--jobs", type=click.IntRange(min=1), default=None, help="Drawing processes (default: every core, up to 2)."
    )
    @click.option("--quiet", is_flag=True, help="No progress bar; print only the report directories.")
    def report(
        run_dirs: tuple[Path, ...],
        compare: bool,
        lang: str,
        reports_dir: Path,
        pptx: bool,
        jobs: int | None,
        quiet: bool,
    ) -> None:
        """Render the report of each RUN_DIR (or, with --compare, one comparison of them all).

        Writes reports/<run-id>/ (reports/<run-id>-zh-TW/ with --lang zh-TW), or
        reports/compare-<hash>/ for a comparison, and prints each report directory. Every
        report holds a one-page brief (brief.html, brief.pdf); --pptx adds briefing.pptx.
        """
        from model.report.compare import render_comparison
        from model.report.errors import ReportError
        from model.report.parallel_render import render_options
        from model.report.render import render_run_report

        deck = {"pptx": True} if pptx else {}
        try:
            with render_options(jobs=jobs, progress=False if quiet else None):  # progress on stderr
                if compare:
                    click.echo(str(render_comparison(list(run_dirs), reports_dir, lang, **deck)))
                else:
                    for run_dir in run_dirs:
                        click.echo(str(render_run_report(run_dir, reports_dir, lang, **deck)))
        except ReportError as exc:
            fail(str(exc))

    return report

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
    def report(run_dirs: tuple[Path, ...], compare: bool, lang: str, reports_dir: Path) -> None:
        """Render the report of each RUN_DIR (or, with --compare, one comparison of them all).

        Writes reports/<run-id>/ (reports/<run-id>-zh-TW/ with --lang zh-TW), or
        reports/compare-<hash>/ for a comparison, and prints each report directory.
        """
        from model.report import render_comparison, render_run_report
        from model.report.errors import ReportError

        try:
            if compare:
                click.echo(str(render_comparison(list(run_dirs), reports_dir, lang)))
            else:
                for run_dir in run_dirs:
                    click.echo(str(render_run_report(run_dir, reports_dir, lang)))
        except ReportError as exc:
            fail(str(exc))

    return report

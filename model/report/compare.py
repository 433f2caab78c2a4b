"""One report setting several runs side by side (the scenario presets, say).

The comparison goes to ``reports/compare-<hash>/`` (``-zh-TW`` appended for the
Traditional Chinese version), where the hash is taken over the run ids in the order
given, so comparing the same runs again replaces the same report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from model.report import charts, style, tables
from model.report.document import Chart, Document
from model.report.errors import ReportError
from model.report.rundata import RunData, load_run
from model.report.summary import comparison_words
from model.report.text import Text


def comparison_name(runs: Sequence[RunData]) -> str:
    digest = hashlib.sha256("\n".join(r.run_id for r in runs).encode()).hexdigest()[:10]
    return f"compare-{digest}"


def build_comparison_charts(runs: Sequence[RunData], tx: Text) -> list[Chart]:
    out: list[tuple[str, str, str, object, tables.Table]] = []
    structural = any(r.structural for r in runs)
    table = tables.cmp_played(runs, tx)
    out.append(
        (
            "played",
            tx("chart_cmp_played"),
            tx("cap_cmp_played"),
            charts.cmp_played(table, runs, tx),
            table,
        )
    )
    if structural:
        table = tables.cmp_outcomes(runs, tx)
        out.append(
            (
                "outcomes",
                tx("chart_cmp_outcomes"),
                tx("cap_cmp_outcomes"),
                charts.cmp_outcomes(table, runs, tx),
                table,
            )
        )
        table = tables.cmp_burden(runs, tx)
        out.append(
            (
                "burden",
                tx("chart_cmp_burden"),
                tx("cap_cmp_burden"),
                charts.cmp_burden(table, runs, tx),
                table,
            )
        )
        table = tables.cmp_components(runs, tx)
        out.append(
            (
                "burden-components",
                tx("chart_cmp_components"),
                tx("cap_cmp_components"),
                charts.cmp_components(table, runs, tx),
                table,
            )
        )
    table = tables.cmp_commitment(runs, tx)
    out.append(
        (
            "commitment",
            tx("chart_cmp_commitment"),
            tx("cap_cmp_commitment"),
            charts.cmp_commitment(table, runs, tx),
            table,
        )
    )
    return [
        Chart(f"{i:02d}-{name}", title, caption, figure, table)
        for i, (name, title, caption, figure, table) in enumerate(out, start=1)
    ]


def load_runs(run_dirs: Sequence[Path]) -> list[RunData]:
    if len(run_dirs) < 2:
        raise ReportError("error: a comparison needs at least two run directories")
    runs = [load_run(p) for p in run_dirs]
    seen: dict[str, Path] = {}
    for run in runs:
        if run.run_id in seen:
            raise ReportError(f"error: {run.path}: run {run.run_id} is given twice")
        seen[run.run_id] = run.path
    return runs


def render_comparison(run_dirs: Sequence[Path], out_root: Path = Path("reports"), lang: str = "en") -> Path:
    from model.report.render import report_dir_name, write_document

    tx = Text(lang)
    runs = load_runs([Path(p) for p in run_dirs])
    with style.theme(lang):
        doc = Document(
            tx=tx,
            words=comparison_words(runs, tx),
            charts=build_comparison_charts(runs, tx),
            run_ids=[r.run_id for r in runs],
        )
        target = Path(out_root) / report_dir_name(comparison_name(runs), lang)
        return write_document(doc, target, "comparison")

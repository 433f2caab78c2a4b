"""One report setting several runs side by side (the scenario presets, say).

The comparison goes to ``reports/compare-<hash>/`` (``-zh-TW`` appended for the
Traditional Chinese version), where the hash is taken over the run ids in the order
given, so comparing the same runs again replaces the same report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from model.report import compare_charts, tables, theme
from model.report.document import Chart, ChartList, Document
from model.report.errors import ReportError
from model.report.rundata import RunData, load_run
from model.report.summary import comparison_words
from model.report.text import Text


def comparison_name(runs: Sequence[RunData]) -> str:
    digest = hashlib.sha256("\n".join(r.run_id for r in runs).encode()).hexdigest()[:10]
    return f"compare-{digest}"


def build_comparison_charts(runs: Sequence[RunData], tx: Text) -> list[Chart]:
    out = ChartList(tx)
    structural = any(r.structural for r in runs)
    table = tables.cmp_played(runs, tx)
    out.add(
        "played", "chart_cmp_played", tx("cap_cmp_played"), table, partial(compare_charts.cmp_played, table, runs, tx)
    )
    if structural:
        table = tables.cmp_outcomes(runs, tx)
        out.add(
            "outcomes",
            "chart_cmp_outcomes",
            tx("cap_cmp_outcomes"),
            table,
            partial(compare_charts.cmp_outcomes, table, runs, tx),
        )
        table = tables.cmp_burden(runs, tx)
        out.add(
            "burden",
            "chart_cmp_burden",
            tx("cap_cmp_burden"),
            table,
            partial(compare_charts.cmp_burden, table, runs, tx),
        )
        table = tables.cmp_components(runs, tx)
        out.add(
            "burden-components",
            "chart_cmp_components",
            tx("cap_cmp_components"),
            table,
            partial(compare_charts.cmp_components, table, runs, tx),
        )
    table = tables.cmp_commitment(runs, tx)
    out.add(
        "commitment",
        "chart_cmp_commitment",
        tx("cap_cmp_commitment"),
        table,
        partial(compare_charts.cmp_commitment, table, runs, tx),
    )
    return out.charts


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


def render_comparison(
    run_dirs: Sequence[Path], out_root: Path = Path("reports"), lang: str = "en", pptx: bool = False
) -> Path:
    from model.report.brief import briefing
    from model.report.render import report_dir_name, write_document

    tx = Text(lang)
    runs = load_runs([Path(p) for p in run_dirs])
    with theme.theme(lang):
        doc = Document(
            tx=tx,
            words=comparison_words(runs, tx),
            charts=build_comparison_charts(runs, tx),
            run_ids=[r.run_id for r in runs],
        )
        target = Path(out_root) / report_dir_name(comparison_name(runs), lang)
        return write_document(doc, target, "comparison", briefing(runs), pptx, runs=runs)

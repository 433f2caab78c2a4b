"""Build a run's report and write it, atomically, to ``reports/<run-id>/``.

The report is rendered into a hidden temporary directory next to the target and
renamed into place only when every file is written, so a failed or interrupted
rendering never leaves a partial report directory behind (an older report of the
same run stays in place until the new one is complete).

Layout of a report directory::

    report.html        self-contained page (charts embedded, nothing fetched)
    report.pdf         text pages, then one page per chart (caption below it); page numbers
    report.xlsx        every table as numbers, one sheet each, after an "About" sheet
    summary.md         the words, with links to the charts and tables
    report.json        what was rendered: language, runs, charts, PDF page count
    figures/NN-name.png, figures/NN-name.svg   each chart (300 dpi, 16:9)
    tables/NN-name.csv                          the data of each chart
    tables/key-figures.csv, tables/inputs.csv

English reports go to ``reports/<run-id>/``; Traditional Chinese ones to
``reports/<run-id>-zh-TW/`` (a sibling, so re-rendering one language never touches
the other).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from model.atomic import atomic_directory
from model.report import charts, tables, theme
from model.report.brief import Briefing, briefing
from model.report.chartfiles import write_chart
from model.report.claims_section import claims_chart, claims_table, load_claims
from model.report.document import LIGHT, Chart, ChartList, Document, drawing_cost
from model.report.errors import ReportError
from model.report.rundata import RunData, load_run
from model.report.summary import Grid, load_priors, run_words
from model.report.text import Text, format_number


def report_dir_name(base: str, lang: str) -> str:
    """``<base>`` for English, ``<base>-<lang>`` otherwise."""
    return base if lang == "en" else f"{base}-{lang}"


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def build_run_charts(run: RunData, tx: Text, loaded) -> list[Chart]:
    """Every chart of a one-run report, in reading order."""
    rule = tx.selection(str(run.ds.attrs.get("selection_rule", "risk_dominance")))
    years = format_number(run.horizon)
    out = ChartList(tx)

    claims = load_claims(run.path)
    if claims is not None:
        table = claims_table(claims, tx)
        caption = tx("cap_claims", worlds=tx.count(int(claims["worlds"].iloc[0])))
        out.add("paper-claims", "chart_claims", caption, table, partial(claims_chart, table, tx))

    table = tables.game_table(run, tx)
    caption = tx("cap_game_table" if run.structural else "cap_game_table_ordinal", rule=rule,
                 cite=tx("citation_short"))  # fmt: skip
    out.add("game-table", "chart_game_table", caption, table, partial(charts.game_table, table, run, tx))

    table = tables.eq_sets(run, tx)
    build = partial(charts.eq_sets, table, run, tx)
    out.add("equilibrium-sets", "chart_eq_sets", tx("cap_eq_sets"), table, build, cost=LIGHT)

    table = tables.game_types(run, tx)
    out.add("game-types", "chart_game_types", tx("cap_game_types"), table, partial(charts.game_types, table, run, tx))

    if run.structural:
        from model.report.distribution import japan_burden_sample

        sample = japan_burden_sample(run)
        if sample is not None:
            table = tables.burden_distribution(run, tx, sample)
            key = "sample_kept" if sample.source == "kept" else "sample_first"
            caption = tx(
                "cap_burden_dist",
                sample=tx(key, n=tx.count(sample.values.size)),
                worlds=tx.count(run.worlds),
            )
            out.add(
                "burden-distribution",
                "chart_burden_dist",
                caption,
                table,
                partial(charts.burden_distribution, table, run, tx),
            )
        else:
            _warn(f"warning: {run.path}: results.nc holds no burden sample (an older run); distribution left out")
        table = tables.burden_components(run, tx)
        out.add(
            "burden-components",
            "chart_components",
            tx("cap_components", years=years),
            table,
            partial(charts.burden_components, table, run, tx),
            cost=LIGHT,
        )

    table = tables.commitment(run, tx)
    build = partial(charts.commitment, table, run, tx)
    cost = drawing_cost(panels=3 if run.structural else 1)
    out.add("commitment", "chart_commitment", tx("cap_commitment"), table, build, cost=cost)

    if run.has_trace:
        from model.report.convergence import convergence

        series = convergence(run)
        table = tables.convergence(run, tx, series)
        caption = tx(
            "cap_convergence",
            worlds=tx.count(int(series["worlds"].max())),
            chunks=int(series["chunks"].max()),
        )
        build = partial(charts.convergence, table, run, tx)
        cost = drawing_cost(panels=table.frame["code"].nunique())
        out.add("convergence", "chart_convergence", caption, table, build, cost=cost)
    else:
        _warn(f"warning: {run.path}: results.nc holds no convergence trace (an older run); chart left out")

    from model.report.priors_section import add_prior_charts

    add_prior_charts(out, loaded, tx)  # the appendix: one small-multiple density chart per 8 priors
    return out.charts


def build_run_document(run: RunData, tx: Text) -> Document:
    loaded = load_priors(run)
    return Document(
        tx=tx,
        words=run_words(run, tx, loaded),
        charts=build_run_charts(run, tx, loaded),
        run_ids=[run.run_id],
    )


def _grid_csv(grid: Grid) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(grid.headers)
    writer.writerows(grid.rows)
    return buffer.getvalue()


def write_document(
    doc: Document,
    target: Path,
    kind: str,
    about: Briefing | None = None,
    pptx: bool = False,
    runs: Sequence[RunData] = (),
) -> Path:
    """Render ``doc`` into ``target`` (replacing an older report atomically); with ``pptx``
    also the briefing deck. ``about`` (the runs' scenario, date and claims) feeds the
    one-page brief and the deck."""
    from model.report.brief import brief_page, headline_chart, render_brief_html, render_brief_pdf
    from model.report.html import render_html
    from model.report.markdown import render_markdown
    from model.report.parallel_render import render_document
    from model.report.pdf import text_page_count
    from model.report.workbook import write_workbook

    encoding = "utf-8-sig" if doc.tx.zh else "utf-8"  # a BOM lets spreadsheets read the Chinese
    with atomic_directory(target) as tmp:
        (tmp / "figures").mkdir()
        (tmp / "tables").mkdir()
        inputs = tables.inputs_table(runs[0], doc.tx) if len(runs) == 1 else None  # the priors, as numbers

        def while_drawing() -> None:  # the tables, report.xlsx and the brief's page, made while the charts are drawn
            for chart in doc.charts:
                text = chart.table.localised().to_csv(index=False, float_format="%.6g", lineterminator="\n")
                (tmp / "tables" / f"{chart.name}.csv").write_text(text, encoding=encoding)
            figures = doc.words.key_figure_numbers
            key_figures = _grid_csv(doc.words.key_figures) if figures is None else figures.to_csv(index=False)
            (tmp / "tables" / "key-figures.csv").write_text(key_figures, encoding=encoding)
            if inputs is not None:
                text = inputs.localised().to_csv(index=False, float_format="%.6g", lineterminator="\n")
                (tmp / "tables" / "inputs.csv").write_text(text, encoding=encoding)
            elif doc.words.inputs is not None:
                (tmp / "tables" / "inputs.csv").write_text(_grid_csv(doc.words.inputs), encoding=encoding)
            (tmp / "report.xlsx").write_bytes(write_workbook(doc, runs, inputs))  # "About" names the runs
            brief.append(brief_page(doc, about, theme.REPORT.height / theme.REPORT.width))  # its chart comes later
            if doc.tx.zh:  # cut the HTML pages' Chinese font to their characters now (cached): no word waits on a chart
                render_html(doc)
                render_brief_html(doc, about)

        about = about or Briefing("", tuple(doc.run_ids), "")
        brief: list = []
        headline = headline_chart(doc)
        alone = headline.name if headline is not None else None  # the brief's chart: its drawing is a PDF of its own
        rendered = render_document(doc, meanwhile=while_drawing, alone=alone)  # every chart's PNG, SVG, PDF page
        for files in rendered.charts:
            write_chart(files, tmp / "figures")
        (tmp / "report.html").write_text(render_html(doc), encoding="utf-8")
        (tmp / "report.pdf").write_bytes(rendered.pdf)
        (tmp / "summary.md").write_text(render_markdown(doc), encoding="utf-8")
        (tmp / "brief.html").write_text(render_brief_html(doc, about), encoding="utf-8")
        (tmp / "brief.pdf").write_bytes(render_brief_pdf(brief[0], doc.words.title, rendered.alone))
        if pptx:
            from model.report.deck import render_pptx

            (tmp / "briefing.pptx").write_bytes(render_pptx(doc, about))
        manifest = {
            "kind": kind,
            "lang": doc.lang,
            "runs": doc.run_ids,
            "title": doc.words.title,
            "pdf_pages": text_page_count(doc) + len(doc.charts),
            "xlsx": "report.xlsx",
            "brief": {"html": "brief.html", "pdf": "brief.pdf"},
            **({"pptx": "briefing.pptx"} if pptx else {}),
            "charts": [
                {
                    "name": c.name,
                    "title": c.title,
                    "png": f"figures/{c.name}.png",
                    "svg": f"figures/{c.name}.svg",
                    "csv": f"tables/{c.name}.csv",
                }
                for c in doc.charts
            ],
        }
        (tmp / "report.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def render_run_report(run_dir: Path, out_root: Path = Path("reports"), lang: str = "en", pptx: bool = False) -> Path:
    tx = Text(lang)
    run = load_run(run_dir)
    with theme.theme(lang):
        doc = build_run_document(run, tx)
        target = Path(out_root) / report_dir_name(run.run_id, lang)
        return write_document(doc, target, "run", briefing([run]), pptx, runs=[run])


__all__ = [
    "ReportError",
    "render_run_report",
    "report_dir_name",
    "write_document",
]

"""The study page: ``study.html`` (self-contained), ``summary.md``, ``charts/`` and ``tables/``.

The HTML page is ``templates/study.html`` on the reports' shared base
(:mod:`model.report.htmlpage`): every chart embedded as a base64 PNG, no external
resource, so it can be mailed or opened offline. ``summary.md`` holds the same text
and tables and links the charts by relative path. ``charts/`` (PNG and SVG, written
by the shared chart writer) and ``tables/`` (CSV) are each published whole
(:func:`model.atomic.atomic_directory`): a resumed study never mixes old and new files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.atomic import atomic_directory, atomic_write_bytes
from model.report.chartfiles import write_chart
from model.report.htmlpage import frame_table, render_page
from model.sensitivity.charts import Chart

CHARTS = "charts"
TABLES = "tables"


@dataclass
class Table:
    name: str  # CSV file stem
    caption: str
    frame: pd.DataFrame
    show_rows: int = 40


@dataclass
class Section:
    title: str
    text: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    code: str | None = None


def _fmt(value) -> str:
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "—" if np.isnan(value) else ("∞" if value > 0 else "−∞")
        if value == 0:
            return "0"
        return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    return str(value)


def _numeric(value) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def markdown_table(frame: pd.DataFrame, rows: int) -> str:
    head = frame.head(rows)
    lines = [
        "| " + " | ".join(str(c) for c in head.columns) + " |",
        "|" + "---|" * len(head.columns),
    ]
    for record in head.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v).replace("|", "\\|") for v in record) + " |")
    if len(frame) > rows:
        lines.append(f"\n({rows} of {len(frame)} rows; all in the CSV file.)")
    return "\n".join(lines)


def render_markdown(title: str, meta: list[str], sections: list[Section]) -> str:
    parts = [f"# {title}", "", *[f"- {m}" for m in meta], ""]
    for section in sections:
        parts += [f"## {section.title}", ""]
        for paragraph in section.text:
            parts += [paragraph, ""]
        if section.code:
            parts += ["```", section.code, "```", ""]
        for chart in section.charts:
            parts += [
                f"![{chart.title}]({CHARTS}/{chart.name}.png)",
                "",
                f"*{chart.caption}* (SVG: `{CHARTS}/{chart.name}.svg`)",
                "",
            ]
        for table in section.tables:
            parts += [
                f"**{table.caption}** (`{TABLES}/{table.name}.csv`)",
                "",
                markdown_table(table.frame, table.show_rows),
                "",
            ]
    return "\n".join(parts).rstrip() + "\n"


def render_html(title: str, meta: list[str], sections: list[Section]) -> str:
    views = [
        {
            "title": s.title,
            "text": s.text,
            "code": s.code,
            "charts": s.charts,
            "tables": [
                {
                    "name": t.name,
                    "caption": t.caption,
                    "html": frame_table(t.frame, _fmt, _numeric, t.show_rows),
                    "hidden": len(t.frame) > t.show_rows,
                    "shown": t.show_rows,
                    "total": len(t.frame),
                }
                for t in s.tables
            ],
        }
        for s in sections
    ]
    return render_page("study.html", lang="en", html_lang="en", title=title, meta=meta, sections=views)


def write_page(directory: Path, title: str, meta: list[str], sections: list[Section]) -> Path:
    """Write ``charts/``, ``tables/``, ``summary.md`` and ``study.html`` into ``directory``; returns the HTML path."""
    with atomic_directory(directory / CHARTS) as charts:
        for section in sections:
            for chart in section.charts:
                write_chart(chart.files, charts)
    with atomic_directory(directory / TABLES) as tables:
        for section in sections:
            for table in section.tables:
                (tables / f"{table.name}.csv").write_text(table.frame.to_csv(index=False), encoding="utf-8")
    atomic_write_bytes(directory / "summary.md", render_markdown(title, meta, sections).encode())
    path = directory / "study.html"
    atomic_write_bytes(path, render_html(title, meta, sections).encode())
    return path

"""The study page: ``study.html`` (self-contained), ``summary.md`` and CSV tables.

The HTML page embeds every chart as a base64 PNG and uses no external resource (no
fonts, scripts, styles or images fetched from anywhere), so it can be mailed or
opened offline. ``summary.md`` holds the same text and tables and links the charts
by relative path.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.rundir import atomic_write_bytes
from model.sensitivity.charts import Chart

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
p.meta { color: #555; font-size: 0.9rem; }
figure { margin: 1.2rem 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.88rem; color: #444; }
table { border-collapse: collapse; font-size: 0.82rem; margin: 0.6rem 0 1.2rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; white-space: nowrap; }
th { background: #f3f6fa; } td:first-child, th:first-child { text-align: left; }
pre { background: #f7f7f7; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
.note { font-size: 0.88rem; color: #444; }
"""


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


def html_table(frame: pd.DataFrame, rows: int) -> str:
    head = frame.head(rows)
    out = [
        "<table><thead><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in head.columns) + "</tr></thead><tbody>"
    ]
    for record in head.itertuples(index=False):
        out.append("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in record) + "</tr>")
    out.append("</tbody></table>")
    if len(frame) > rows:
        out.append(f'<p class="note">{rows} of {len(frame)} rows; all in the CSV file.</p>')
    return "".join(out)


def write_tables(sections: list[Section], directory: Path) -> None:
    (directory / "tables").mkdir(parents=True, exist_ok=True)
    for section in sections:
        for table in section.tables:
            atomic_write_bytes(directory / "tables" / f"{table.name}.csv", table.frame.to_csv(index=False).encode())


def render_markdown(title: str, meta: list[str], sections: list[Section], directory: Path) -> str:
    parts = [f"# {title}", "", *[f"- {m}" for m in meta], ""]
    for section in sections:
        parts += [f"## {section.title}", ""]
        for paragraph in section.text:
            parts += [paragraph, ""]
        if section.code:
            parts += ["```", section.code, "```", ""]
        for chart in section.charts:
            rel = chart.png.relative_to(directory).as_posix()
            parts += [
                f"![{chart.title}]({rel})",
                "",
                f"*{chart.caption}* (SVG: `{chart.svg.relative_to(directory).as_posix()}`)",
                "",
            ]
        for table in section.tables:
            parts += [
                f"**{table.caption}** (`tables/{table.name}.csv`)",
                "",
                markdown_table(table.frame, table.show_rows),
                "",
            ]
    return "\n".join(parts).rstrip() + "\n"


def render_html(title: str, meta: list[str], sections: list[Section]) -> str:
    body = [
        f"<h1>{html.escape(title)}</h1>",
        '<p class="meta">' + "<br>".join(html.escape(m) for m in meta) + "</p>",
    ]
    for section in sections:
        body.append(f"<h2>{html.escape(section.title)}</h2>")
        for paragraph in section.text:
            body.append("<p>" + html.escape(paragraph).replace("\n", "<br>") + "</p>")
        if section.code:
            body.append(f"<pre>{html.escape(section.code)}</pre>")
        for chart in section.charts:
            data = base64.b64encode(chart.png.read_bytes()).decode("ascii")
            body.append(
                f'<figure><img alt="{html.escape(chart.title)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(chart.caption)}</figcaption></figure>"
            )
        for table in section.tables:
            body.append(
                f"<p><strong>{html.escape(table.caption)}</strong> "
                f'<span class="note">(tables/{html.escape(table.name)}.csv)</span></p>'
            )
            body.append(html_table(table.frame, table.show_rows))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def write_page(directory: Path, title: str, meta: list[str], sections: list[Section]) -> Path:
    """Write tables, ``summary.md`` and ``study.html`` into ``directory``; returns the HTML path."""
    write_tables(sections, directory)
    atomic_write_bytes(directory / "summary.md", render_markdown(title, meta, sections, directory).encode())
    path = directory / "study.html"
    atomic_write_bytes(path, render_html(title, meta, sections).encode())
    return path

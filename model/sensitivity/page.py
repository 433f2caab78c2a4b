"""The study page: ``study.html`` (self-contained), ``summary.md``, ``charts/`` and ``tables/``.

The HTML page is ``templates/study.html`` on the reports' shared base
(:mod:`model.report.htmlpage`): every chart embedded as a base64 PNG, no external
resource, so it can be mailed or opened offline; a Traditional Chinese page embeds the
subset of Noto Sans CJK TC it uses. ``summary.md`` holds the same text and tables and
links the charts by relative path. ``charts/`` (PNG and SVG, written by the shared
chart writer) and ``tables/`` (CSV) are each published whole
(:func:`model.atomic.atomic_directory`): a resumed study never mixes old and new files.

Each language has its own page, Markdown file and chart folder in the same study
directory (:data:`~model.sensitivity.words.PAGE_FILES`: ``study.html``, or
``study-zh-TW.html`` with ``charts-zh-TW/``); the CSV tables are the same in every
language and shared. Tables wider than the page scroll sideways inside their own box.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.atomic import atomic_directory, atomic_write_bytes
from model.report.chartfiles import write_chart
from model.report.htmlpage import frame_table, render_page
from model.sensitivity.charts import Chart, render_pending
from model.sensitivity.words import PAGE_FILES, StudyWords

TABLES = "tables"
_LANGUAGE: ContextVar[str] = ContextVar("study_page_language", default="en")


def page_language() -> str:
    """The language study pages are written in when the caller names none (``en`` unless set)."""
    return _LANGUAGE.get()


@contextlib.contextmanager
def study_language(lang: str) -> Iterator[None]:
    """Write the study pages made inside this block in ``lang`` (``offshore sweep|sensitivity --lang``).

    An unknown language, or Traditional Chinese without its font, raises :class:`ValueError` here, before
    anything runs.
    """
    from model.report.errors import ReportError
    from model.report.fonts import font_families

    try:
        StudyWords(lang)
        font_families(lang)
    except ReportError as exc:
        raise ValueError(str(exc).removeprefix("error: ")) from None
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


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


def _formatter(words: StudyWords):
    def fmt(value) -> str:
        if isinstance(value, float | np.floating):
            if not np.isfinite(value):
                return "—" if np.isnan(value) else ("∞" if value > 0 else "−∞")
            if value == 0:
                return "0"
            return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
        if isinstance(value, bool | np.bool_):
            return words.yes(bool(value))
        return str(value)

    return fmt


def _numeric(value) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def markdown_table(frame: pd.DataFrame, rows: int, words: StudyWords | None = None) -> str:
    """The first ``rows`` rows of ``frame`` as a Markdown table (headers as given)."""
    words = words or StudyWords()
    fmt = _formatter(words)
    head = frame.head(rows)
    lines = [
        "| " + " | ".join(str(c) for c in head.columns) + " |",
        "|" + "---|" * len(head.columns),
    ]
    for record in head.itertuples(index=False):
        lines.append("| " + " | ".join(fmt(v).replace("|", "\\|") for v in record) + " |")
    if len(frame) > rows:
        lines.append("\n" + words("rows_shown", shown=rows, total=len(frame)))
    return "\n".join(lines)


def render_markdown(
    title: str, meta: list[str], sections: list[Section], words: StudyWords | None = None, priors=None
) -> str:
    """The page as Markdown, charts linked from the language's chart folder."""
    words = words or StudyWords()
    charts_dir = PAGE_FILES[words.lang][2]
    parts = [f"# {title}", "", *[f"- {m}" for m in meta], ""]
    for section in sections:
        parts += [f"## {section.title}", ""]
        for paragraph in section.text:
            parts += [paragraph, ""]
        if section.code:
            parts += ["```", section.code, "```", ""]
        for chart in section.charts:
            parts += [
                f"![{chart.title}]({charts_dir}/{chart.name}.png)",
                "",
                f"*{chart.caption}* (SVG: `{charts_dir}/{chart.name}.svg`)",
                "",
            ]
        for table in section.tables:
            parts += [
                f"**{table.caption}** (`{TABLES}/{table.name}.csv`)",
                "",
                markdown_table(words.frame(table.frame, priors), table.show_rows, words),
                "",
            ]
    return "\n".join(parts).rstrip() + "\n"


def render_html(
    title: str, meta: list[str], sections: list[Section], words: StudyWords | None = None, priors=None
) -> str:
    """The page as one self-contained HTML string in the words' language."""
    words = words or StudyWords()
    fmt = _formatter(words)
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
                    "html": frame_table(words.frame(t.frame, priors), fmt, _numeric, t.show_rows),
                    "hidden": len(t.frame) > t.show_rows,
                    "shown": t.show_rows,
                    "total": len(t.frame),
                }
                for t in s.tables
            ],
        }
        for s in sections
    ]
    return render_page(
        "study.html",
        lang=words.lang,
        html_lang=words.tx("html_lang"),
        title=title,
        meta=meta,
        sections=views,
        tx=words,
        charts_dir=PAGE_FILES[words.lang][2],
    )


def write_page(
    directory: Path,
    title: str,
    meta: list[str],
    sections: list[Section],
    words: StudyWords | None = None,
    priors=None,
) -> Path:
    """Write the language's chart folder, ``tables/``, Markdown and HTML page into ``directory``.

    Returns the HTML path (``study.html`` in English, ``study-zh-TW.html`` in Traditional Chinese).
    """
    words = words or StudyWords()
    page_name, markdown_name, charts_name = PAGE_FILES[words.lang]
    render_pending([chart for section in sections for chart in section.charts], words.lang)
    with atomic_directory(directory / charts_name) as charts:
        for section in sections:
            for chart in section.charts:
                write_chart(chart.files, charts)
    with atomic_directory(directory / TABLES) as tables:
        for section in sections:
            for table in section.tables:
                (tables / f"{table.name}.csv").write_text(table.frame.to_csv(index=False), encoding="utf-8")
    atomic_write_bytes(directory / markdown_name, render_markdown(title, meta, sections, words, priors).encode())
    path = directory / page_name
    atomic_write_bytes(path, render_html(title, meta, sections, words, priors).encode())
    return path

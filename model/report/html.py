"""A report's self-contained HTML page: ``templates/report.html`` on the shared base.

Charts are embedded as base64 PNG data URIs, each with its data table folded below
it; nothing is fetched when the page opens (:mod:`model.report.htmlpage`).
"""

from __future__ import annotations

import math

from model.report.document import Document
from model.report.htmlpage import frame_table, grid_table, render_page
from model.report.summary import Grid


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.2f}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def _numeric(value: object) -> bool:
    return isinstance(value, (int, float))


def _grid(grid: Grid):
    return grid_table(grid.headers, grid.rows)


def render_html(doc: Document) -> str:
    """The report as one HTML string."""
    tx, words = doc.tx, doc.words
    charts = [
        {
            "name": chart.name,
            "title": chart.title,
            "caption": chart.caption,
            "png": chart.png,
            "data": frame_table(chart.table.localised(), _cell, _numeric),
        }
        for chart in doc.charts
    ]
    return render_page(
        "report.html",
        lang=tx.lang,
        html_lang=tx("html_lang"),
        title=words.title,
        tx=tx,
        words=words,
        key_figures=_grid(words.key_figures),
        inputs=_grid(words.inputs) if words.inputs is not None else None,
        extra=[(heading, _grid(grid)) for heading, grid in words.extra],
        charts=charts,
    )

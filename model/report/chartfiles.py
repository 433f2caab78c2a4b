"""The chart writer: a figure's PNG (300 dpi), SVG and, where it has one, its CSV, saved together.

Charts are drawn to bytes by :func:`png_bytes` and :func:`svg_bytes` (reports and study
pages do it in worker processes, :mod:`model.report.parallel_render`; :func:`render_chart`
does both in this process) and written by :func:`write_chart` (the files, side by side). The files
are deterministic: no software name in the PNG, no date or creator in the SVG, and
the theme's fixed SVG hash salt (:mod:`model.report.theme`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from model.report.theme import DPI


@dataclass(frozen=True)
class ChartFiles:
    """A rendered chart: file stem, PNG and SVG bytes, and the CSV text of its data (if any)."""

    name: str
    png: bytes
    svg: bytes
    csv: str | None = None


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG at ``dpi``.

    A figure with a layout engine is laid out during this one draw and keeps that
    layout (its engine is switched off), so its SVG and PDF that follow are single
    draws of the same layout; ``savefig`` would lay it out and draw it twice.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    buffer = io.BytesIO()
    if fig.get_layout_engine() is None or isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    original = fig.dpi
    try:
        fig.dpi = dpi
        FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    finally:
        fig.dpi = original
    fig.set_layout_engine("none")
    return buffer.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def render_chart(fig: Figure, name: str, csv: str | None = None) -> ChartFiles:
    """Render ``fig`` once as PNG and SVG (its layout computed once, for both)."""
    png = png_bytes(fig)
    return ChartFiles(name, png, svg_bytes(fig), csv)


def write_chart(chart: ChartFiles, figures: Path, tables: Path | None = None, encoding: str = "utf-8") -> None:
    """Write ``figures/<name>.png``, ``figures/<name>.svg`` and, with a CSV, ``tables/<name>.csv``.

    The directories are created; write into a directory that is published atomically
    (:func:`model.atomic.atomic_directory`) so a reader never sees half a chart set.
    """
    figures.mkdir(parents=True, exist_ok=True)
    (figures / f"{chart.name}.png").write_bytes(chart.png)
    (figures / f"{chart.name}.svg").write_bytes(chart.svg)
    if chart.csv is not None:
        if tables is None:
            raise ValueError(f"chart {chart.name}: a CSV needs a tables directory")
        tables.mkdir(parents=True, exist_ok=True)
        (tables / f"{chart.name}.csv").write_text(chart.csv, encoding=encoding)

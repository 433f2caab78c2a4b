"""The chart writer: a figure's PNG, SVG and, where it has one, its CSV, saved together.

A chart is laid out once (:func:`lay_out`) and drawn once per vector format: as SVG
and as a PDF page; its PNG is that PDF page rasterised (:mod:`model.report.raster`,
at :data:`~model.report.theme.DPI`). :func:`draw_figures` does this for a few figures
at a time (one PDF, so each font is subset once); reports and study pages call it in
worker processes (:mod:`model.report.parallel_render`), :func:`render_chart` in this
one. :func:`write_chart` writes the files side by side. The files are deterministic:
no software name or date in the PNG, no date or creator in the SVG, and the theme's
fixed SVG hash salt (:mod:`model.report.theme`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure


@dataclass(frozen=True)
class ChartFiles:
    """A rendered chart: file stem, PNG and SVG bytes, and the CSV text of its data (if any)."""

    name: str
    png: bytes
    svg: bytes
    csv: str | None = None


def lay_out(fig: Figure) -> None:
    """Run ``fig``'s layout engine once, then switch it off, so every format that follows
    draws that one layout (``savefig`` would lay the figure out again for each)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        if not hasattr(fig.canvas, "get_renderer"):
            FigureCanvasAgg(fig)  # the layout measures text with a renderer; Agg's is at hand
        engine.execute(fig)
    switch_off_layout(fig)


def switch_off_layout(fig: Figure) -> None:
    """Keep ``fig``'s current layout: no layout engine at all from now on.

    Not ``set_layout_engine("none")``: that leaves a placeholder engine, and ``savefig``
    draws a figure that has any engine twice (once, unseen, to lay it out), which is
    about a third of each format's drawing time. The figure's artists stay where they
    are, so the files are the same bytes.
    """
    from matplotlib import rcParams

    if rcParams["figure.autolayout"] or rcParams["figure.constrained_layout.use"]:
        fig.set_layout_engine("none")  # None would bring back the engine these settings name
    else:
        fig.set_layout_engine(None)


def svg_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def draw_figures(figures: list[Figure]) -> list[tuple[bytes, bytes]]:
    """Each figure's (PNG, SVG) (:func:`draw_charts`)."""
    return draw_charts(figures)[0]


def draw_charts(figures: list[Figure]) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Each figure's (PNG, SVG), and their PDF: each figure laid out once, drawn as SVG
    and as a page of the PDF, whose pages are rasterised into the PNGs."""
    from model.report.pdf import pages_pdf
    from model.report.raster import page_pngs

    svgs = []
    for fig in figures:
        lay_out(fig)
        svgs.append(svg_bytes(fig))
    pdf = pages_pdf(figures)
    pngs = page_pngs(pdf, [tuple(fig.get_size_inches()) for fig in figures])
    return list(zip(pngs, svgs, strict=True)), pdf


def render_chart(fig: Figure, name: str, csv: str | None = None) -> ChartFiles:
    """Render ``fig`` as PNG and SVG, in this process (its layout computed once, for both)."""
    ((png, svg),) = draw_figures([fig])
    return ChartFiles(name, png, svg, csv)


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

"""Pages of words, already laid out, set as PDF with ReportLab.

The report's text pages and the brief's page are laid out by :mod:`model.report.pdf`
and :mod:`model.report.brief` (which line goes where, in which size): this module only
places those lines and rules on the page. Drawing them through matplotlib cost about
0.2 s a page (its text engine measures every line again and looks each glyph's font up);
ReportLab writes a page in a few milliseconds.

The faces are the charts' own: each family name is looked up in matplotlib's font
manager (so the Chinese face is the TrueType copy :func:`model.report.fonts.register_cjk`
registers), and each character is set in the first family that has it. Fonts are
embedded as TrueType subsets with a Unicode map, so the words stay searchable, and
``invariant`` output carries no date or random id: the same pages give the same bytes.

Coordinates are points from the page's top-left corner; a line is placed by the top of
its line box (the font's ascent above the baseline, as matplotlib's ``va="top"`` did).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class TextLine:
    """One line of text: its left (or, with ``align="right"``, right) end ``x`` and the top
    of its line box ``top`` (points), size (points), weight and colour (``#rrggbb``)."""

    x: float
    top: float
    text: str
    size: float
    bold: bool = False
    colour: str = "#000000"
    align: str = "left"


@dataclass(frozen=True)
class Rule:
    """A horizontal line from ``x0`` to ``x1`` at ``y`` (points), ``width`` points thick."""

    x0: float
    x1: float
    y: float
    colour: str
    width: float


@dataclass
class Page:
    """A page ``width`` x ``height`` inches and what is drawn on it, in order."""

    width: float
    height: float
    items: list[TextLine | Rule] = field(default_factory=list)


@dataclass(frozen=True)
class _Face:
    name: str  # the name registered with ReportLab
    glyphs: dict[int, int]  # code point -> glyph id, for the characters the face has
    ascent: float  # em


@cache
def _face(path: str) -> _Face:
    """The TrueType file ``path`` registered with ReportLab (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"{Path(path).stem}-{zlib.crc32(path.encode()):08x}"  # the same in every process
    font = TTFont(name, path)
    pdfmetrics.registerFont(font)
    return _Face(name, font.face.charToGlyph, font.face.ascent / 1000.0)


@cache
def _family_faces(family: str) -> tuple[_Face, _Face]:
    """(regular, bold) faces of ``family``; the regular one again where it has no bold face
    (the CJK font: a faux bold would turn words into outlines no reader can search)."""
    from matplotlib import font_manager

    entries = [f for f in font_manager.fontManager.ttflist if f.name == family and f.style == "normal"]
    if not entries:
        raise ValueError(f"no font named {family!r} in matplotlib's font manager")
    regular = min(entries, key=lambda f: abs(_weight(f.weight) - 400))
    bolds = [f for f in entries if _weight(f.weight) >= 600]
    bold = min(bolds, key=lambda f: abs(_weight(f.weight) - 700)) if bolds else regular
    return _face(regular.fname), _face(bold.fname)


def _weight(weight: int | str) -> int:
    from matplotlib.font_manager import weight_dict

    return weight if isinstance(weight, int) else weight_dict.get(weight, 400)


def _runs(text: str, faces: Sequence[_Face]) -> list[tuple[_Face, str]]:
    """``text`` cut into runs each set in the first of ``faces`` that has its characters
    (the first face where none has one)."""
    runs: list[tuple[_Face, str]] = []
    for char in text:
        face = next((f for f in faces if ord(char) in f.glyphs), faces[0])
        if runs and runs[-1][0] is face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def typeset(pages: Sequence[Page], families: Sequence[str]) -> bytes:
    """``pages`` as one PDF, their words in ``families`` (the first family that has a
    character sets it). Raises ValueError if a family is not known to matplotlib."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    regular = [_family_faces(f)[0] for f in families]
    bold = [_family_faces(f)[1] for f in families]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=regular[0].name, pageCompression=1)
    canvas.setCreator("")
    canvas.setProducer("")
    for page in pages:
        height = page.height * POINTS_PER_INCH
        canvas.setPageSize((page.width * POINTS_PER_INCH, height))
        for item in page.items:
            if isinstance(item, Rule):
                canvas.setStrokeColor(item.colour)
                canvas.setLineWidth(item.width)
                canvas.line(item.x0, height - item.y, item.x1, height - item.y)
                continue
            runs = _runs(item.text, bold if item.bold else regular)
            widths = [stringWidth(text, face.name, item.size) for face, text in runs]
            x = item.x - (sum(widths) if item.align == "right" else 0.0)
            baseline = height - item.top - regular[0].ascent * item.size  # the same for every line's mix of faces
            canvas.setFillColor(item.colour)
            for (face, text), width in zip(runs, widths, strict=True):
                canvas.setFont(face.name, item.size)
                canvas.drawString(x, baseline, text)
                x += width
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()

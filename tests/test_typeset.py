"""Pages of words set with ReportLab (model/report/typeset.py): where the words land,
which face sets each character, and that the file is the same bytes every time.

Positions are read back by PDFium (pypdfium2), which is independent of ReportLab."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pypdfium2
import pytest
from pypdf import PdfReader

from model.report.fonts import CJK_FAMILY, LATIN_FAMILY, cjk_font_path, register_cjk
from model.report.typeset import Page, Rule, TextLine, typeset

needs_cjk = pytest.mark.skipif(cjk_font_path() is None, reason="Noto Sans CJK is not installed")


def _chars(pdf: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each character of page 1 with its ink box (left, bottom, right, top) in points from the lower left."""
    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage()
    return [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]


def _base_fonts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return [str(f.get_object()["/BaseFont"]) for f in fonts.values()]


def test_a_line_hangs_from_its_top_and_a_right_aligned_one_ends_at_its_x():
    size, top, right = 20.0, 100.0, 500.0
    page = Page(8.0, 4.0, [TextLine(50.0, top, "lift", size), TextLine(right, 200.0, "end", size, align="right")])
    pdf = typeset([page], [LATIN_FAMILY])
    chars = _chars(pdf)
    height = 4.0 * 72
    (_, l_box) = chars[0]
    # the "l" rises to the font's ascent, the top of the line box (0.76 em in DejaVu Sans)
    assert height - l_box[3] == pytest.approx(top, abs=0.05 * size)
    assert l_box[0] == pytest.approx(50.0, abs=0.15 * size)
    (_, d_box) = [c for c in chars if c[0] == "d"][-1]
    assert 0 <= right - d_box[2] <= 0.15 * size  # ink ends within the "d"'s side bearing of x


def test_a_rule_spans_its_ends():
    pdf = typeset([Page(8.0, 4.0, [Rule(36.0, 540.0, 72.0, "#1f77b4", 2.0)])], [LATIN_FAMILY])
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L")
    row = [image.getpixel((x, 72)) for x in range(image.width)]
    inked = [x for x, v in enumerate(row) if v < 200]
    assert inked and abs(inked[0] - 36) <= 1 and abs(inked[-1] - 539) <= 1


@needs_cjk
def test_each_character_is_set_in_the_first_family_that_has_it():
    register_cjk()
    text = "Sakade, 《美國的離岸平衡戰略》 2026"
    pdf = typeset([Page(8.0, 4.0, [TextLine(36.0, 36.0, text, 10.0)])], [LATIN_FAMILY, CJK_FAMILY])
    assert "".join(c for c, _ in _chars(pdf)).strip() == text  # searchable, in order
    fonts = _base_fonts(pdf)
    assert any("DejaVuSans" in f for f in fonts) and any("NotoSansCJK" in f for f in fonts)
    latin_only = typeset([Page(8.0, 4.0, [TextLine(36.0, 36.0, "Sakade 2026", 10.0)])], [LATIN_FAMILY, CJK_FAMILY])
    assert all("DejaVuSans" in f for f in _base_fonts(latin_only))


@needs_cjk
def test_bold_uses_a_bold_face_only_where_the_family_has_one():
    register_cjk()
    pdf = typeset([Page(8.0, 4.0, [TextLine(36.0, 36.0, "Bold", 10.0, bold=True)])], [LATIN_FAMILY])
    assert any("DejaVuSans-Bold" in f for f in _base_fonts(pdf))
    pdf = typeset([Page(8.0, 4.0, [TextLine(36.0, 36.0, "重點摘要", 10.0, bold=True)])], [CJK_FAMILY])
    assert "".join(c for c, _ in _chars(pdf)).strip() == "重點摘要"  # text, not a faux-bold outline


def test_fonts_are_embedded_truetype_and_nothing_else():
    pdf = typeset([Page(8.0, 4.0, [TextLine(36.0, 36.0, "Key figures", 10.0)])], [LATIN_FAMILY])
    reader = PdfReader(io.BytesIO(pdf))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all(str(f["/Subtype"]) == "/TrueType" for f in fonts)  # no Helvetica, no Type 3
    assert b"/FontFile2" in pdf


def test_the_same_pages_give_the_same_bytes_in_any_process():
    script = (
        "import sys; from model.report.typeset import Page, TextLine, Rule, typeset;"
        "pdf = typeset([Page(8, 4, [TextLine(36, 36, 'Executive summary', 11, bold=True),"
        " Rule(36, 540, 60, '#000000', 1), TextLine(540, 270, '2 / 19', 7, align='right')])], ['DejaVu Sans']);"
        "sys.stdout.buffer.write(pdf)"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}
        ).stdout  # fmt: skip
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"%PDF")
    assert b"CreationDate" not in outputs[0] or b"D:20000101" in outputs[0]  # no clock in the file


def test_an_unknown_family_is_an_error():
    with pytest.raises(ValueError, match="No Such Face"):
        typeset([Page(8.0, 4.0, [TextLine(36.0, 36.0, "x", 10.0)])], ["No Such Face"])

"""A chart's PNG is its PDF page rasterised (model/report/raster.py)."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from model.report import theme
from model.report.chartfiles import draw_figures
from model.report.pdf import pages_pdf
from model.report.raster import page_pngs, png_bytes

SIZE = (4.0, 2.25)  # inches
DPI = 100


def _marked_figure(left: float = 1.0) -> Figure:
    """A white figure with one red square whose place in inches is known: x ``left`` to
    ``left`` + 1, y 0.5-1.5 from the bottom left."""
    fig = Figure(figsize=SIZE)
    fig.patch.set_facecolor("white")
    w, h = SIZE
    fig.add_artist(Rectangle((left / w, 0.5 / h), 1.0 / w, 1.0 / h, transform=fig.transFigure, color="red", lw=0))
    return fig


def _red_box(png: bytes) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixel bounds of the clearly red pixels."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
    rows, cols = np.flatnonzero(red.any(axis=1)), np.flatnonzero(red.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _expected_box(dpi: int, left: float = 1.0) -> tuple[int, int, int, int]:
    w, h = SIZE
    return round(left * dpi), round((h - 1.5) * dpi), round((left + 1) * dpi), round((h - 0.5) * dpi)


def test_a_whole_page_png_has_the_figure_size_and_its_marks_where_they_are_drawn():
    ((png, svg),) = draw_figures([_marked_figure()])
    image = Image.open(io.BytesIO(png))
    assert image.size == (round(SIZE[0] * theme.DPI), round(SIZE[1] * theme.DPI))
    assert [round(d) for d in image.info["dpi"]] == [theme.DPI, theme.DPI]
    assert np.allclose(_red_box(png), _expected_box(theme.DPI), atol=2)
    assert b"<svg" in svg


def test_each_page_of_a_pdf_gives_its_own_png_in_order():
    lefts = (0.25, 1.0, 2.5)
    pdf = pages_pdf([_marked_figure(left) for left in lefts])
    pngs = page_pngs(pdf, [SIZE] * len(lefts), dpi=DPI)
    for png, left in zip(pngs, lefts, strict=True):
        assert Image.open(io.BytesIO(png)).size == (round(SIZE[0] * DPI), round(SIZE[1] * DPI))
        assert np.allclose(_red_box(png), _expected_box(DPI, left), atol=2)


def test_png_bytes_decode_to_the_same_pixels_and_resolution_in_pillow():
    """The hand-written PNG (one filter for every row) read back by Pillow, an independent
    decoder: every pixel, the size and the dpi as given; no ancillary chunk but pHYs."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, size=(41, 67, 3), dtype=np.uint8)  # every byte difference, wrapping included
    flat = np.full((30, 50, 3), 255, np.uint8)
    flat[10:20, 5:45] = (200, 30, 30)
    for pixels in (noise, flat, noise[:1], noise[::2, ::3]):  # one row; a strided view
        png = png_bytes(pixels, 300)
        image = Image.open(io.BytesIO(png))
        assert image.mode == "RGB" and image.size == (pixels.shape[1], pixels.shape[0])
        assert np.array_equal(np.asarray(image), pixels)
        assert [round(d) for d in image.info["dpi"]] == [300, 300]
        assert set(image.info) == {"dpi"}
        assert png == png_bytes(pixels.copy(), 300)


def test_png_bytes_refuses_what_is_not_rgb_bytes():
    import pytest

    with pytest.raises(ValueError, match="uint8"):
        png_bytes(np.zeros((4, 4, 4), np.uint8), 300)
    with pytest.raises(ValueError, match="uint8"):
        png_bytes(np.zeros((4, 4, 3), np.float64), 300)

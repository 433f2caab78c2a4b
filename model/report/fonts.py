"""Fonts for the report: DejaVu Sans for English, Noto Sans CJK TC for Traditional Chinese.

The CJK font comes with the project's own install: the ``noto-cjk-sans-otc`` package
(a dependency in pyproject.toml, SIL Open Font License) ships Google's
``NotoSansCJK-Regular.ttc``; face 3 of that collection is Noto Sans CJK TC. Debian's
``fonts-noto-cjk`` (the same collection under /usr/share/fonts) is used when the
package is missing. Matplotlib reads a TrueType copy of the TC face, converted once
and cached (:mod:`model.report.ttf`), so PDFs embed TrueType fonts; for the HTML report a
subset of that copy holding only the characters the page uses is embedded as a data
URI, so the page renders the same on a machine without any CJK font.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from model.report.errors import ReportError

CJK_FAMILY = "Noto Sans CJK TC"
LATIN_FAMILY = "DejaVu Sans"
TC_FACE_INDEX = 3  # JP, KR, SC, TC, HK, then the Mono faces
COLLECTION_NAME = "NotoSansCJK-Regular.ttc"
SYSTEM_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
MISSING = (
    "error: zh-TW reports need the Noto Sans CJK font; reinstall offshore "
    "(pip install -e .) to get the noto-cjk-sans-otc package, or apt-get install fonts-noto-cjk"
)


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """The Noto Sans CJK collection: the pip package's, else a system copy, else None."""
    try:
        import noto_cjk_sans_otc

        path = Path(str(noto_cjk_sans_otc.FONT_PATH))
        if path.is_file():
            return path
    except ImportError:
        pass
    for root in SYSTEM_DIRS:
        if root.is_dir():
            for path in sorted(root.rglob(COLLECTION_NAME)):
                return path
    return None


def font_families(lang: str) -> list[str]:
    """Matplotlib ``font.family`` list for ``lang``, registering the CJK font if needed.

    Raises :class:`ReportError` (one line) when zh-TW is asked for and no CJK font is
    installed.
    """
    if lang != "zh-TW":
        return [LATIN_FAMILY]
    register_cjk()
    return [CJK_FAMILY, LATIN_FAMILY]


def page_families(lang: str) -> list[str]:
    """Fonts of the PDF's pages of words (the report's text pages, the brief): the charts'
    fonts, with Noto Sans CJK TC after DejaVu Sans in English where it is installed (the
    citation keeps the paper's original Chinese title)."""
    if lang == "zh-TW" or cjk_font_path() is None:
        return font_families(lang)
    register_cjk()
    return [LATIN_FAMILY, CJK_FAMILY]


@lru_cache(maxsize=1)
def register_cjk() -> Path:
    """Add the CJK font to matplotlib's font manager (once) and return the collection's path.

    Matplotlib gets the TrueType (glyf) copy of the TC face (:mod:`model.report.ttf`,
    converted once and cached), so PDFs embed it as TrueType rather than Type 3.
    """
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        raise ReportError(MISSING)
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(_glyf_copy()))
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        raise ReportError(f"error: {path}: holds no '{CJK_FAMILY}' face")
    return path


def css_font_face(text: str, family: str = "Report CJK") -> str:
    """An ``@font-face`` rule embedding the TC face subset to the characters of ``text``."""
    data = _subset(frozenset(text))
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face{{font-family:'{family}';font-style:normal;font-weight:400;"
        f"src:url(data:font/ttf;base64,{encoded}) format('truetype');}}"
    )


@lru_cache(maxsize=4)
def _subset(chars: frozenset[str]) -> bytes:
    """The TrueType copy of the TC face (the glyphs the PDFs embed, :func:`register_cjk`)
    cut down to ``chars``. Cutting the CFF original took 1-2 s a page (fontTools runs
    every kept glyph's charstring) and gave a file twice the size."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False keeps the subset byte-identical from one render to the next.
    font = TTFont(str(_glyf_copy()), recalcTimestamp=False, recalcBBoxes=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _glyf_copy() -> Path:
    from model.report.ttf import glyf_ttf

    path = cjk_font_path()
    if path is None:
        raise ReportError(MISSING)
    return glyf_ttf(path, TC_FACE_INDEX)

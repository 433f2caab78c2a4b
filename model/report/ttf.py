"""A TrueType (glyf) copy of the Traditional Chinese face, so PDFs embed TrueType fonts.

Noto Sans CJK ships as an OpenType/CFF collection. Matplotlib embeds TrueType fonts
in a PDF as Type 42 (``CIDFontType2``) but cannot do so with CFF outlines, which is
why the PDF used Type 3 fonts. This module converts the TC face once: every glyph the
face maps from the characters Traditional Chinese text uses (ASCII, Latin-1, Greek, general
punctuation, arrows and symbols, CJK punctuation, kana (the middle dot ・), Bopomofo, the CJK Unified
Ideographs U+4E00–U+9FFF and the full-width forms) is drawn through fontTools'
``Cu2QuPen`` (cubic to quadratic, error at most 1 font unit of 1000 per em, invisible
at any print size) into a glyf-based font with the face's own metrics and names.

The result is cached as ``<cache>/offshore/fonts/NotoSansCJKtc-Regular-glyf-<key>.ttf``,
where ``<cache>`` is ``$XDG_CACHE_HOME`` (default ``~/.cache``) and ``<key>`` hashes the
source file's size and the converter version, so a new font package gives a new file.
The conversion is deterministic (fixed timestamps, sorted glyph order), takes about
10 s once per machine, and writes atomically, so concurrent first uses are safe.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

CONVERTER_VERSION = "3"
MAX_ERR = 1.0  # font units (of 1000 per em)
RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0370, 0x03FF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x23FF),
    (0x2460, 0x27BF),
    (0x3000, 0x30FF),
    (0x3100, 0x312F),
    (0x3200, 0x33FF),
    (0x4E00, 0x9FFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/offshore/fonts`` (``~/.cache/offshore/fonts`` by default)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "offshore" / "fonts"


def ttf_path_for(source: Path) -> Path:
    """Where the converted copy of ``source`` is cached."""
    key = hashlib.sha256(f"{source.name}:{source.stat().st_size}:{CONVERTER_VERSION}".encode()).hexdigest()[:12]
    return cache_dir() / f"NotoSansCJKtc-Regular-glyf-{key}.ttf"


def glyf_ttf(source: Path, face_index: int) -> Path:
    """The cached TrueType copy of face ``face_index`` of ``source``, converting it if needed."""
    target = ttf_path_for(source)
    if target.is_file():
        return target
    fallback = Path(tempfile.gettempdir()) / f"offshore-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}"
    if (fallback / target.name).is_file():
        return fallback / target.name
    print("note: preparing the TrueType copy of the Chinese font (once per machine) ...", file=sys.stderr)
    data = convert(source, face_index)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".font-", suffix=".tmp", dir=target.parent)
    except OSError:  # no writable cache (a read-only home): keep the copy in the temporary directory
        target = fallback / target.name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".font-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def convert(source: Path, face_index: int) -> bytes:
    """Face ``face_index`` of the CFF collection ``source`` as glyf-based TrueType bytes."""
    import io

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=face_index, lazy=True)
    cmap = {cp: name for cp, name in font.getBestCmap().items() if any(lo <= cp <= hi for lo, hi in RANGES)}
    order = font.getGlyphOrder()
    position = {name: i for i, name in enumerate(order)}
    names = [".notdef", *sorted({n for n in cmap.values() if n != ".notdef"}, key=position.__getitem__)]
    source_glyphs = font.getGlyphSet()
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        source_glyphs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    hmtx = font["hmtx"].metrics
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]

    fb = FontBuilder(head.unitsPerEm, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(cmap)
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics(
        {name: (hmtx[name][0], glyphs[name].xMin if glyphs[name].numberOfContours else 0) for name in names}
    )
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    english = {r.nameID: r.toUnicode() for r in font["name"].names if r.platformID == 3 and r.langID == 0x409}
    fb.setupNameTable(
        {
            "copyright": english.get(0, ""),
            "familyName": english.get(1, "Noto Sans CJK TC"),
            "styleName": english.get(2, "Regular"),
            "uniqueFontIdentifier": english.get(3, "") + ";glyf",
            "fullName": english.get(4, "Noto Sans CJK TC"),
            "version": english.get(5, ""),
            "psName": english.get(6, "NotoSansCJKtc-Regular"),
            "licenseDescription": english.get(13, ""),
            "licenseInfoURL": english.get(14, ""),
        },
        mac=False,
    )
    fb.setupOS2(
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        usWeightClass=os2.usWeightClass,
        achVendID=os2.achVendID,
        fsType=os2.fsType,
        sxHeight=getattr(os2, "sxHeight", 0),
        sCapHeight=getattr(os2, "sCapHeight", 0),
    )
    fb.setupPost(keepGlyphNames=False)
    fb.font["head"].created = head.created
    fb.font["head"].modified = head.modified
    buffer = io.BytesIO()
    fb.font.save(buffer)
    return buffer.getvalue()

"""The one HTML base of run reports, comparisons and study pages (jinja2 templates).

``templates/base.html`` holds what every page shares: the head, a Content-Security-
Policy that forbids every source except data: URIs for images and fonts and the
inline style sheet (nothing is fetched when a page opens), and the style sheet;
``report.html`` and ``study.html`` extend it and ``macros.html`` draws tables and
figures. Charts are embedded as base64 PNG data URIs. A Traditional Chinese page
embeds a subset of Noto Sans CJK TC (only the characters it uses) so it renders
without missing glyphs on any machine. Autoescaping is on: every string a page
shows is escaped unless marked safe here.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from html import unescape
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from model.report.fonts import css_font_face

FONTS_EN = "'DejaVu Sans', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
FONTS_ZH = (
    "'Report CJK', 'Noto Sans CJK TC', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', 'DejaVu Sans', sans-serif"
)
FONT_SLOT = "/* @font-face of the page's characters */"
Cell = tuple[str, bool]  # the text shown and whether it is a number (right-aligned)


@dataclass(frozen=True)
class HtmlTable:
    """A table as the templates draw it: header texts and rows of cells."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def grid_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> HtmlTable:
    """Rows of ready-made texts; columns from ``numeric_from`` on are numbers."""
    return HtmlTable(list(headers), [[(c, i >= numeric_from) for i, c in enumerate(row)] for row in rows])


def frame_table(
    frame: pd.DataFrame, fmt: Callable[[Any], str], numeric: Callable[[Any], bool], rows: int | None = None
) -> HtmlTable:
    """The first ``rows`` rows of ``frame`` (all by default), each value formatted by ``fmt``."""
    shown = frame if rows is None else frame.head(rows)
    body = [[(fmt(v), numeric(v)) for v in record] for record in shown.itertuples(index=False)]
    return HtmlTable([str(c) for c in frame.columns], body)


def _data_uri(png: bytes | None) -> str:
    """The PNG as a data URI; empty for a chart not drawn yet (a page rendered for its words
    only, :func:`model.report.render.write_document`)."""
    return "" if png is None else "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _nl2br(text: str) -> Markup:
    return escape(text).replace("\n", Markup("<br>"))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("model.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["data_uri"] = _data_uri
    env.filters["nl2br"] = _nl2br
    return env


def visible_text(page: str) -> str:
    """The characters a reader can see (tags, the style sheet and image data left out; alt texts in)."""
    alts = " ".join(re.findall(r'alt="([^"]*)"', page))
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    body = re.sub(r'src="data:[^"]*"', "", body)
    return unescape(re.sub(r"<[^>]+>", " ", body) + " " + alts) + "–—·…"


def render_page(template: str, *, lang: str, html_lang: str, title: str, **context: Any) -> str:
    """Render ``templates/<template>`` as one self-contained page in ``lang``."""
    zh = lang == "zh-TW"
    page = environment().get_template(template)
    values = {"lang": html_lang, "title": title, "fonts": FONTS_ZH if zh else FONTS_EN, **context}
    if not zh:
        return page.render(font_face="", **values)
    html = page.render(font_face=FONT_SLOT, **values)  # the font face is cut to the page's characters, then put in
    return html.replace(FONT_SLOT, css_font_face("".join(sorted(set(visible_text(html))))), 1)

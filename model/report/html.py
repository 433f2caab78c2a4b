"""A self-contained HTML report: inline CSS, charts as base64 PNG data URIs, no script.

Nothing is fetched when the page opens: a Content-Security-Policy forbids every
source except data: URIs for images and fonts and the inline style sheet. The
Traditional Chinese page embeds a subset of Noto Sans CJK TC (only the characters it
uses) so it renders without missing glyphs on any machine.
"""

from __future__ import annotations

import base64
import math
from html import escape

import pandas as pd

from model.report.document import Document
from model.report.fonts import css_font_face
from model.report.summary import Grid

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
)

CSS = """
:root { --ink:#222; --muted:#555; --rule:#d9d9d9; --accent:#0173b2; --bg:#fff; --panel:#f6f8fa; }
* { box-sizing: border-box; }
html { background: var(--bg); }
body { font-family: FONTS; color: var(--ink); line-height: 1.55; margin: 0 auto; max-width: 1120px;
       padding: 2.2rem 1.6rem 3rem; font-size: 16px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1.6rem; padding-bottom: .8rem; }
h1 { font-size: 1.85rem; margin: 0 0 .35rem; line-height: 1.25; }
.subtitle { color: var(--muted); margin: 0; font-size: 1.05rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .7rem; border-bottom: 1px solid var(--rule);
     padding-bottom: .25rem; }
ul.summary { padding-left: 1.2rem; }
ul.summary li { margin: .45rem 0; }
p.note { color: var(--muted); font-size: .92rem; margin: .3rem 0; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .93rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .32rem .7rem; text-align: left;
         vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.6rem 0 2.2rem; page-break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .95rem; margin-top: .5rem; }
details { margin-top: .5rem; font-size: .9rem; }
details summary { cursor: pointer; color: var(--accent); }
details table { font-size: .82rem; }
.files { font-size: .88rem; color: var(--muted); }
footer { margin-top: 2.6rem; border-top: 1px solid var(--rule); padding-top: .8rem;
         color: var(--muted); font-size: .88rem; }
footer p { margin: .2rem 0; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
@media print { body { max-width: none; padding: 0; } details { display: none; } }
"""

FONTS_EN = "'DejaVu Sans', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
FONTS_ZH = (
    "'Report CJK', 'Noto Sans CJK TC', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', 'DejaVu Sans', sans-serif"
)


def _grid(grid: Grid, numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in grid.headers)
    rows = []
    for row in grid.rows:
        cells = "".join(
            f'<td class="num">{escape(c)}</td>' if i >= numeric_from else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.2f}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def _frame(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{escape(_cell(v))}</td>'
            if isinstance(v, (int, float))
            else f"<td>{escape(_cell(v))}</td>"
            for v in values
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(doc: Document) -> str:
    """The report as one HTML string."""
    tx, words = doc.tx, doc.words
    parts: list[str] = [
        "<header>",
        f"<h1>{escape(words.title)}</h1>",
        f'<p class="subtitle">{escape(words.subtitle)}</p>',
        "</header>",
        f'<section id="summary"><h2>{escape(tx("section_summary"))}</h2><ul class="summary">',
        *[f"<li>{escape(s)}</li>" for s in words.summary],
        "</ul>",
        *[f'<p class="note">{escape(n)}</p>' for n in words.notes],
        "</section>",
        f'<section id="key-figures"><h2>{escape(tx("section_key_figures"))}</h2>',
        _grid(words.key_figures),
        "</section>",
        f'<section id="charts"><h2>{escape(tx("section_charts"))}</h2>',
        f'<p class="files">{escape(tx("files_note"))}</p>',
    ]
    for chart in doc.charts:
        data = base64.b64encode(chart.png).decode("ascii")
        parts += [
            f'<figure id="{escape(chart.name)}">',
            f'<img src="data:image/png;base64,{data}" alt="{escape(chart.title)}" width="1536" height="864">',
            f"<figcaption>{escape(chart.caption)}</figcaption>",
            f'<p class="files"><code>figures/{escape(chart.name)}.png</code> · '
            f"<code>figures/{escape(chart.name)}.svg</code> · "
            f"<code>tables/{escape(chart.name)}.csv</code></p>",
            f"<details><summary>{escape(tx('data_table'))}</summary>{_frame(chart.table.localised())}</details>",
            "</figure>",
        ]
    parts.append("</section>")
    parts += [
        f'<section id="assumptions"><h2>{escape(tx("section_assumptions"))}</h2><ul>',
        *[f"<li>{escape(a)}</li>" for a in words.assumptions],
        "</ul>",
    ]
    if words.inputs is not None:
        parts += [f"<h3>{escape(tx('section_priors'))}</h3>", _grid(words.inputs)]
    parts.append("</section>")
    for heading, grid in words.extra:
        parts += [f"<section><h2>{escape(heading)}</h2>", _grid(grid), "</section>"]
    parts += [
        f'<footer id="reproducibility"><h2>{escape(tx("section_repro"))}</h2>',
        *[f"<p>{escape(line)}</p>" for line in words.footer],
        "</footer>",
    ]
    body = "\n".join(parts)
    fonts = FONTS_ZH if tx.zh else FONTS_EN
    style = CSS.replace("FONTS", fonts)
    if tx.zh:
        titles = "".join(chart.title for chart in doc.charts)
        text = "".join(sorted(set(_visible_text(body) + words.title + titles)))
        style = css_font_face(text) + style
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(tx("html_lang"))}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(words.title)}</title>\n<style>{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _visible_text(body: str) -> str:
    """The characters a reader can see (tags and image data left out)."""
    import re
    from html import unescape

    without_images = re.sub(r'src="data:[^"]*"', "", body)
    return unescape(re.sub(r"<[^>]+>", " ", without_images)) + "–—·…"

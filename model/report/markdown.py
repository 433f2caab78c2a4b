"""summary.md: the report's words in Markdown, with links to its charts and tables."""

from __future__ import annotations

from model.report.document import Document
from model.report.summary import Grid


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _grid(grid: Grid) -> list[str]:
    lines = [
        "| " + " | ".join(_escape(h) for h in grid.headers) + " |",
        "|" + "|".join("---" for _ in grid.headers) + "|",
    ]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in grid.rows]
    return lines


def render_markdown(doc: Document) -> str:
    tx, words = doc.tx, doc.words
    out = [f"# {words.title}", "", f"*{words.subtitle}*", ""]
    if words.claims:
        out += [f"## {tx('claims_heading')}", "", words.claims_intro, ""]
        out += [line for c in words.claims for line in (c, "")]
    out += [f"## {tx('section_summary')}", ""]
    out += [f"- {s}" for s in words.summary]
    out += [""] + [f"> {n}" for n in words.notes]
    out += ["", f"## {tx('section_key_figures')}", "", *_grid(words.key_figures), ""]
    out += [f"## {tx('section_charts')}", ""]
    for chart in doc.charts:
        out += [
            f"### {chart.title}",
            "",
            f"![{chart.title}](figures/{chart.name}.png)",
            "",
            chart.caption,
            "",
            f"[SVG](figures/{chart.name}.svg) · [CSV](tables/{chart.name}.csv)",
            "",
        ]
    out += [f"## {tx('section_assumptions')}", ""]
    out += [f"- {a}" for a in words.assumptions]
    out.append("")
    if words.inputs is not None:
        out += [f"### {tx('section_priors')}", "", *_grid(words.inputs), ""]
    for heading, grid in words.extra:
        out += [f"## {heading}", "", *_grid(grid), ""]
    if words.priors is not None:
        out += [f"## {tx('section_priors_appendix')}", "", tx("priors_intro"), "", *_grid(words.priors), ""]
    out += [f"## {tx('section_repro')}", ""]
    out += [f"{line}  " for line in words.footer]
    return "\n".join(out).rstrip() + "\n"

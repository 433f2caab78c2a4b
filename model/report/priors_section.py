"""The report's appendix "Assumptions: the priors": every prior the run's config states,
as a table (symbol, plain name, distribution with its parameters, unit, source) and as
small-multiple density charts, one mini panel per uncertain prior.

Densities are computed from the distribution objects themselves (:mod:`model.distributions`),
which give an inverse CDF (``ppf``) but no density: the CDF is the inverse of ``ppf``
on a fine grid of probabilities (:data:`U_POINTS`), and each plotted value is the
probability of a grid bin divided by its width. So the plotted bars carry exactly the
probability the prior puts in each bin and sum to the mass covered: 1 over a bounded
support, ``1 - 2 TAIL`` over the central range drawn for an unbounded prior. Categorical
priors are drawn as their probabilities (a pmf); empirical ones as a histogram of their
data.

Money is shown in the report's unit (US$ bn, or 億美元 in Traditional Chinese), so a
money prior's parameters, axis and density are rescaled by :attr:`Text.money_scale`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from model.distributions import Categorical, Empirical
from model.labels import LABELS
from model.report import theme
from model.report.axes import fit_titles
from model.report.document import ChartList, drawing_cost
from model.report.summary import MONEY_UNITS, Grid
from model.report.tables import Table
from model.report.text import Text, format_number

PANELS_PER_FIGURE = 8  # at most 2 rows x 4 columns on one 16:9 chart, so each panel stays legible
COLUMNS = 4
TITLE_COLUMNS = 30  # a panel title's width in display columns (a CJK character counts two); fitted after layout
UNIT_COLUMNS = 38  # the unit under a panel's x axis
ASIDE_COLUMNS = 24  # a bracketed aside wider than this is left out of a panel title
BINS = 96  # density bins across the drawn range (a mini panel shows no finer detail)
U_POINTS = 4_001  # probabilities at which ppf is evaluated to invert it
TAIL = 5e-4  # an unbounded prior is drawn between its TAIL and 1 - TAIL quantiles
EMPIRICAL_BINS = 40
PRIORS_PER_PDF_PAGE = 8


# -- which priors, and how they read ---------------------------------------------------


def listed_priors(loaded: Any) -> dict[str, Any]:
    """The priors the config states, in config order: every uncertain one, and every fixed
    one the config gives a unit or a source (fixed values without either are schema
    defaults, such as the ordinal game's zero noise, not assumptions of the config)."""
    return {
        key: prior
        for key, prior in loaded.priors().items()
        if not prior.is_fixed or getattr(prior, "unit", None) or getattr(prior, "source", None)
    }


def symbol(key: str) -> str:
    """The symbol of docs/MODEL.md §3.2 and §3.5 (``c_J``, ``θ``, ``σ_a_J``); the key's last part otherwise."""
    label = LABELS.get(key)
    if label is None:
        return key.rsplit(".", 1)[-1]
    if label.symbol.startswith("("):  # a regime-qualified key: the symbol sits before the bracket
        return label.name.split(" (", 1)[0].rsplit(" ", 1)[-1]
    return label.symbol.split(" (", 1)[0]


def _scale(prior: Any, tx: Text) -> float:
    return tx.money_scale if getattr(prior, "unit", None) in MONEY_UNITS else 1.0


def _n(value: float) -> str:
    return format_number(float(f"{value:.4g}"))


def distribution_text(prior: Any, tx: Text) -> str:
    """The family and its parameters, in the report's units (money rescaled; log-sds are not)."""
    s = _scale(prior, tx)
    d = prior.dist
    if d == "fixed":
        return tx("dist_fixed", value=_n(prior.value * s))
    if d == "uniform":
        return tx("dist_uniform", min=_n(prior.min * s), max=_n(prior.max * s))
    if d == "normal":
        return tx("dist_normal", mean=_n(prior.mean * s), sd=_n(prior.sd * s))
    if d == "truncnormal":
        return tx("dist_truncnormal", mean=_n(prior.mean * s), sd=_n(prior.sd * s), min=_n(prior.min * s),
                  max=_n(prior.max * s))  # fmt: skip
    if d == "lognormal":
        return tx("dist_lognormal", median=_n(prior.median * s), sigma=_n(prior.sigma))
    if d == "beta":
        return tx("dist_beta", alpha=_n(prior.alpha), beta=_n(prior.beta), min=_n(prior.min * s),
                  max=_n(prior.max * s))  # fmt: skip
    if d == "pert":
        return tx("dist_pert", min=_n(prior.min * s), mode=_n(prior.mode * s), max=_n(prior.max * s),
                  lamb=_n(prior.lamb))  # fmt: skip
    if d == "triangular":
        return tx("dist_triangular", min=_n(prior.min * s), mode=_n(prior.mode * s), max=_n(prior.max * s))
    if d == "gamma":
        return tx("dist_gamma", shape=_n(prior.shape), scale=_n(prior.scale * s))
    if d == "categorical":
        pairs = zip(prior.values, prior.probabilities, strict=True)
        return tx("dist_categorical", values=", ".join(f"{_n(v * s)} ({tx.pct(p, 0)})" for v, p in pairs))
    if d == "empirical":
        return tx("dist_empirical", n=tx.count(prior.data.size), file=prior.file, column=prior.column)
    return str(d)


def priors_grid(loaded: Any | None, tx: Text) -> Grid | None:
    """The appendix table: one row per listed prior (symbol, name, distribution, unit, source)."""
    if loaded is None:
        return None
    rows = [
        [
            symbol(key),
            tx.parameter(key),
            distribution_text(prior, tx),
            tx.unit(getattr(prior, "unit", None)) or "–",
            getattr(prior, "source", None) or tx("source_none"),
        ]
        for key, prior in listed_priors(loaded).items()
    ]
    if not rows:
        return None
    headers = [tx("col_symbol"), tx("col_parameter"), tx("col_distribution"), tx("col_unit"), tx("col_source")]
    return Grid(headers, rows)


# -- densities -------------------------------------------------------------------------


@dataclass(frozen=True)
class Density:
    """A prior's density on a grid, in the prior's own unit.

    ``edges``: float64 ``(m + 1,)`` bin edges; ``values``: float64 ``(m,)`` probability
    per unit of the prior in each bin (a density). For a discrete prior ``edges`` is
    ``None``, ``points`` holds its ``m`` values and ``values`` their probabilities.
    """

    values: np.ndarray
    edges: np.ndarray | None = None
    points: np.ndarray | None = None

    @property
    def discrete(self) -> bool:
        return self.edges is None

    @property
    def x(self) -> np.ndarray:
        """Bin centres (continuous) or the values (discrete), shape ``(m,)``."""
        return self.points if self.edges is None else 0.5 * (self.edges[:-1] + self.edges[1:])

    def mass(self) -> float:
        """Total probability drawn: ``sum(density * width)`` or ``sum(pmf)``."""
        if self.edges is None:
            return float(self.values.sum())
        return float(np.sum(self.values * np.diff(self.edges)))


def drawn_range(prior: Any) -> tuple[float, float]:
    """The range a panel shows: the support when bounded, else the ``TAIL``..``1 - TAIL`` quantiles."""
    lo, hi = prior.support()
    if not math.isfinite(lo):
        lo = float(prior.ppf(np.array([TAIL]))[0])
    if not math.isfinite(hi):
        hi = float(prior.ppf(np.array([1.0 - TAIL]))[0])
    return lo, hi


def cdf(prior: Any, x: np.ndarray) -> np.ndarray:
    """The prior's CDF at ``x`` (any shape), by inverting its ``ppf`` on :data:`U_POINTS` probabilities.

    The inversion is exact at the probability grid and linear between its points; below
    the first and above the last evaluated quantile it is clamped to that probability.
    """
    lo, hi = prior.support()
    first = 0.0 if math.isfinite(lo) else TAIL / 10
    last = 1.0 if math.isfinite(hi) else 1.0 - TAIL / 10
    u = np.linspace(first, last, U_POINTS)
    xs = np.maximum.accumulate(np.asarray(prior.ppf(u), dtype=np.float64))
    return np.interp(np.asarray(x, dtype=np.float64), xs, u)


def density(prior: Any) -> Density:
    """The density (or pmf) of one uncertain prior, as drawn in its mini panel."""
    if isinstance(prior, Categorical):
        values = np.asarray(prior.values, dtype=np.float64)
        weights = np.asarray(prior.probabilities, dtype=np.float64)
        points = np.unique(values[weights > 0])
        pmf = np.array([weights[(values == v) & (weights > 0)].sum() for v in points])
        return Density(values=pmf / pmf.sum(), points=points)
    if isinstance(prior, Empirical):
        data = prior.data
        counts, edges = np.histogram(data, bins=EMPIRICAL_BINS)
        return Density(values=counts / (data.size * np.diff(edges)), edges=edges)
    lo, hi = drawn_range(prior)
    edges = np.linspace(lo, hi, BINS + 1)
    return Density(values=np.diff(cdf(prior, edges)) / np.diff(edges), edges=edges)


# -- the charts ------------------------------------------------------------------------


def _groups(n: int) -> list[range]:
    """``n`` panels in config order, PANELS_PER_FIGURE to a figure (the last may hold fewer):
    related priors stay together (Japan's four and Korea's four fill the first figure)."""
    return [range(a, min(a + PANELS_PER_FIGURE, n)) for a in range(0, n, PANELS_PER_FIGURE)]


def density_table(priors: Mapping[str, Any], tx: Text) -> Table:
    """Long table of every panel's curve, in display units: one row per bin (or value)."""
    rows = []
    for key, prior in priors.items():
        s = _scale(prior, tx)
        d = density(prior)
        for x, f in zip(d.x, d.values, strict=True):
            rows.append({"code": key, "symbol": symbol(key), "label": tx.parameter(key),
                         "unit": tx.unit(getattr(prior, "unit", None)), "x": x * s,
                         "density": f if d.discrete else f / s, "kind": "pmf" if d.discrete else "pdf"})  # fmt: skip
    headers = {
        "code": tx("t_code"),
        "symbol": tx("col_symbol"),
        "label": tx("t_label"),
        "unit": tx("col_unit"),
        "x": tx("t_prior_value"),
        "density": tx("t_density"),
        "kind": tx("t_density_kind"),
    }
    return Table(pd.DataFrame(rows, columns=list(headers)), headers)


def _panel(ax, key: str, prior: Any, tx: Text):
    """Draw one prior's density (or pmf) on ``ax``, the unit on the x axis; return the panel's title."""
    s = _scale(prior, tx)
    d = density(prior)
    x = d.x * s
    if d.discrete:
        ax.vlines(x, 0, d.values, color=theme.BLUE, lw=3)
        ax.plot(x, d.values, "o", color=theme.BLUE, ms=3.5)
    else:
        edges = d.edges * s
        f = d.values / s
        ax.stairs(f, edges, fill=True, color=theme.BLUE, alpha=0.28, lw=0)
        ax.stairs(f, edges, color=theme.BLUE, lw=1.3)
        median = float(prior.ppf(np.array([0.5]))[0]) * s
        ax.axvline(median, color=theme.MUTED, lw=0.9, ls=":")
        pad = 0.03 * (edges[-1] - edges[0])  # keeps the end tick labels of neighbouring panels apart
        ax.set_xlim(edges[0] - pad, edges[-1] + pad)
    ax.set_ylim(bottom=0)
    name = _panel_name(tx.parameter(key))
    title = ax.set_title("\n".join(theme.wrap_label(f"{symbol(key)}  {name}", TITLE_COLUMNS)), fontsize=9, loc="left")
    unit = tx.unit(getattr(prior, "unit", None)) or ""
    ax.set_xlabel("\n".join(theme.wrap_label(unit, UNIT_COLUMNS)), fontsize=8.5)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(_tick))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_yticks([])
    ax.grid(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return title


def _panel_name(name: str) -> str:
    """A prior's name for a panel title: a bracketed aside too long for a panel (never wrapped
    inside) is left to the appendix table, which gives the full name."""

    def keep(match: re.Match) -> str:
        return match.group(0) if theme.display_width(match.group(0)) <= ASIDE_COLUMNS else ""

    return re.sub(r"\s*[(（][^()（）]*[)）]", keep, name)


def _tick(x: float, _pos: int) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.2g}" if abs(x) < 1 else f"{x:,.3g}"


def density_figure(priors: Mapping[str, Any], tx: Text, title: str) -> Figure:
    """A 16:9 chart of mini density panels, one per prior (at most PANELS_PER_FIGURE)."""
    n = len(priors)
    cols = min(COLUMNS, n)
    rows = math.ceil(n / cols)
    fig, axes = theme.new_figure(title, tx("chart_priors_sub"), nrows=rows, ncols=cols, squeeze=False)
    fig.get_layout_engine().set(w_pad=0.12, wspace=0.06)
    flat = list(axes.ravel())
    titles = [(ax, _panel(ax, key, prior, tx)) for ax, (key, prior) in zip(flat, priors.items(), strict=False)]
    for ax in flat[n:]:
        ax.set_visible(False)
    fit_titles(fig, titles)
    return fig


def add_prior_charts(out: ChartList, loaded: Any | None, tx: Text) -> None:
    """Append the small-multiple density charts of the run's uncertain priors to ``out``."""
    if loaded is None:
        return
    uncertain = {k: p for k, p in listed_priors(loaded).items() if not p.is_fixed}
    if not uncertain:
        return
    groups = _groups(len(uncertain))
    items = list(uncertain.items())
    fixed = len(listed_priors(loaded)) - len(uncertain)
    for part, group in enumerate(groups, 1):
        chunk = dict(items[group.start : group.stop])
        title = tx("chart_priors") if len(groups) == 1 else tx("chart_priors_part", part=part, parts=len(groups))
        caption = tx("cap_priors", lo=tx.pct(TAIL, 2), hi=tx.pct(1 - TAIL, 2), fixed=fixed)
        build = partial(density_figure, chunk, tx, title)
        cost = drawing_cost(small_multiples=len(chunk))
        out.add(f"priors-{part}", "chart_priors", caption, density_table(chunk, tx), build, title=title, cost=cost)


# -- the PDF pages ---------------------------------------------------------------------


def pdf_pages(grid: Grid | None, tx: Text) -> list[list[tuple[str, str]]]:
    """The appendix as PDF text pages: (block kind, text) pairs, at most PRIORS_PER_PDF_PAGE priors a page.

    Each prior is one line (symbol, name, distribution, unit) and its source in small type,
    so long sources read across the page instead of in a narrow table column.
    """
    if grid is None:
        return []
    heading = tx("section_priors_appendix")
    n = len(grid.rows)
    count = math.ceil(n / PRIORS_PER_PDF_PAGE)
    bounds = [round(i * n / count) for i in range(count + 1)]  # near-equal pages, none nearly empty
    pages = []
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        title = heading if start == 0 else tx("page_continued", title=heading)
        page = [("heading", title)]
        if start == 0:
            page.append(("note", tx("priors_intro")))
        for sym, name, dist, unit, source in grid.rows[start:stop]:
            page.append(("para", tx("prior_line", symbol=sym, name=name, distribution=dist, unit=unit)))
            page.append(("small", tx("prior_source", source=source)))
        pages.append(page)
    return pages


__all__ = [
    "Density",
    "add_prior_charts",
    "cdf",
    "density",
    "density_figure",
    "density_table",
    "distribution_text",
    "drawn_range",
    "listed_priors",
    "pdf_pages",
    "priors_grid",
    "symbol",
]

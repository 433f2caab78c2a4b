"""What a rendered report is made of, independent of its file formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from matplotlib.figure import Figure

from model.report.summary import Words
from model.report.tables import Table
from model.report.text import Text

LIGHT = 0.5
"""The drawing cost of a chart of a few bars and short labels (the equilibrium sets, the
burden components): about half a one-panel chart's."""


def drawing_cost(panels: int = 1, small_multiples: int = 0) -> float:
    """A chart's drawing time relative to a one-panel chart's, to share charts among
    workers: each further panel adds a quarter; a chart of small multiples costs a
    fifth per panel (as measured on the baseline report, in either language)."""
    if small_multiples:
        return small_multiples / 5
    return 1.0 + 0.25 * (panels - 1)


@dataclass
class Chart:
    """One chart: its file stem, words, data table, the recipe of its figure and its rendered bytes.

    ``build`` makes the figure (a picklable callable, ``functools.partial`` of a chart
    function and its table); the figure is made when first asked for
    (:attr:`figure`), so a report's charts are built by the processes that draw them
    (:mod:`model.report.parallel_render`), not one after another before.
    """

    name: str
    title: str
    caption: str
    build: Callable[[], Figure]
    table: Table
    cost: float = 1.0  # relative drawing time (:func:`drawing_cost`)
    png: bytes = b""
    svg: bytes = b""

    @cached_property
    def figure(self) -> Figure:
        return self.build()


@dataclass
class ChartList:
    """Charts collected in reading order; each file stem gets its position, ``NN-name``."""

    tx: Text
    charts: list[Chart] = field(default_factory=list)

    def add(
        self,
        name: str,
        title_key: str,
        caption: str,
        table: Table,
        build: Callable[[], Figure],
        title: str = "",
        cost: float = 1.0,
    ) -> None:
        """Append a chart titled by the text key ``title_key`` (or by ``title``), its figure made
        by ``build``; ``cost`` is its relative drawing time (:func:`drawing_cost`)."""
        self.charts.append(
            Chart(f"{len(self.charts) + 1:02d}-{name}", title or self.tx(title_key), caption, build, table, cost)
        )


@dataclass
class Document:
    """A whole report: words, charts and the language they are in."""

    tx: Text
    words: Words
    charts: list[Chart] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.tx.lang

"""What a rendered report is made of, independent of its file formats."""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.figure import Figure

from model.report.summary import Words
from model.report.tables import Table
from model.report.text import Text


@dataclass
class Chart:
    """One chart: its file stem, words, figure, data table and rendered bytes."""

    name: str
    title: str
    caption: str
    figure: Figure
    table: Table
    png: bytes = b""
    svg: bytes = b""


@dataclass
class ChartList:
    """Charts collected in reading order; each file stem gets its position, ``NN-name``."""

    tx: Text
    charts: list[Chart] = field(default_factory=list)

    def add(self, name: str, title_key: str, caption: str, table: Table, figure: Figure) -> None:
        """Append a chart titled by the text key ``title_key``."""
        self.charts.append(Chart(f"{len(self.charts) + 1:02d}-{name}", self.tx(title_key), caption, figure, table))


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

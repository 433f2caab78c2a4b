"""Study charts: the figure and saving of every sweep and sensitivity chart (16:9).

Figures take the shared look of :mod:`model.report.theme` at the denser study sizes
(:data:`~model.report.theme.STUDY`): one palette with fixed colours per profile,
component, equilibrium set and US regime, every axis stating its unit, and the page's
language (Noto Sans CJK TC for Traditional Chinese; words from
:class:`~model.sensitivity.words.StudyWords`). A saved figure is rendered (PNG at
300 dpi and SVG, :mod:`model.report.chartfiles`) with the page's other charts, on
every core (:func:`render_pending`), when the study page is written. The charts themselves: :mod:`.sweep_charts`,
:mod:`.input_charts` (tornado, Sobol', rank correlations) and :mod:`.map_charts`
(PRIM, regime map).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from model.report import theme as look
from model.report.chartfiles import ChartFiles
from model.sensitivity.words import StudyWords


@contextlib.contextmanager
def theme(lang: str = "en") -> Iterator[None]:
    """The shared look at study sizes, with the fonts of ``lang``."""
    with look.theme(lang, look.STUDY):
        yield


@dataclass
class Chart:
    """A study chart: file stem, words, and its PNG and SVG once rendered (``files``)."""

    name: str
    title: str
    caption: str
    figure: Figure | None = None
    files: ChartFiles | None = None


def render_pending(charts: list[Chart], lang: str) -> None:
    """Render every chart not rendered yet, in worker processes, in the study look of ``lang``."""
    from model.report.parallel_render import render_figures

    pending = [chart for chart in charts if chart.files is None]
    with theme(lang):
        images = render_figures([chart.figure for chart in pending])
    for chart, (png, svg) in zip(pending, images, strict=True):
        chart.files, chart.figure = ChartFiles(chart.name, png, svg), None


class ChartWriter:
    """Makes study figures in one language and renders each one as it is saved, keeping the charts in order."""

    def __init__(self, lang: str = "en") -> None:
        self.charts: list[Chart] = []
        self.words = StudyWords(lang)
        self.lang = lang

    def theme(self) -> contextlib.AbstractContextManager[None]:
        """The study look in this writer's language (wrap the drawing of a figure in it)."""
        return theme(self.lang)

    def figure(self, title: str, subtitle: str | None = None, **subplots) -> tuple[Figure, Any]:
        """A 16:9 study figure with its title and subtitle (wrapped by display width: a CJK character is two)."""
        return look.new_figure(title, subtitle, look.STUDY, **subplots)

    def save(self, fig: Figure, name: str, title: str, caption: str) -> Chart:
        """Keep ``fig`` as the chart ``name``; it is rendered with the page (:func:`render_pending`)."""
        chart = Chart(name, title, caption, figure=fig)
        self.charts.append(chart)
        return chart


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


def key_slug(key: str) -> str:
    """A file-name part for a config key: ``japan_balancing_cost``, ``ptrl_share_japan``."""
    return _slug(key.removeprefix("game.structural.").removeprefix("policy."))

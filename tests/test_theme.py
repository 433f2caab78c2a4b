"""The pinned seaborn look (model/report/seaborn_look.py) is seaborn's, value for value, and
the report's heat map (model/report/axes.py) is drawn as seaborn draws one, pixel for pixel."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import seaborn as sns

from model.report import seaborn_look, theme


def test_palette_is_seaborns_colorblind_palette():
    assert list(seaborn_look.COLORBLIND) == list(sns.color_palette("colorblind", 10))
    assert theme.BLUE == sns.color_palette("colorblind")[0]


def test_whitegrid_is_seaborns_less_its_own_colour_map():
    expected = dict(sns.axes_style("whitegrid"))
    assert expected.pop("image.cmap") == "rocket"  # the one key left out, and why: see the module
    assert seaborn_look.WHITEGRID == expected


@pytest.mark.parametrize("font_scale", [1.0, theme.REPORT.font_scale, theme.STUDY.font_scale, 1.3])
def test_notebook_context_is_seaborns(font_scale):
    assert seaborn_look.notebook(font_scale) == dict(sns.plotting_context("notebook", font_scale=font_scale))


def test_light_ramps_are_seaborns_light_palette():
    x = np.linspace(0.0, 1.0, 257)
    expected = sns.light_palette(theme.BLUE, as_cmap=True)(x)
    assert np.allclose(seaborn_look.light_ramp(theme.BLUE)(x), expected, rtol=0, atol=1e-12)
    for n in (3, 12, 30):
        assert np.allclose(seaborn_look.light_colours(theme.BLUE, n), sns.light_palette(theme.BLUE, n_colors=n),
                           rtol=0, atol=1e-12)  # fmt: skip


def test_the_report_look_imports_neither_seaborn_nor_scipy_stats():
    code = (
        "import sys, model.report.theme as t, model.report.render\n"
        "with t.theme('en'): pass\n"
        "print(sorted(m for m in ('seaborn', 'scipy.stats') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _pixels(fig) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("top", [70.0, 100.0])
def test_the_heat_map_draws_what_seaborn_heatmap_draws(top):
    """Same cells, gaps, colour bar, tick places and label colours (dark on light cells,
    white on dark ones): the two drawings are the same pixels."""
    import pandas as pd
    from matplotlib.figure import Figure

    from model.report.axes import heat_map

    values = np.array([[0.0, 12.5, 40.0], [3.2, 70.0, 0.4]])
    labels = np.array([["–", "12.5%", "40.0%"], ["3.2%", "70.0%", "0.4%"]])
    rows, columns = ["Harmony", "Prisoner's Dilemma"], ["Chicken", "Stag hunt", "Deadlock"]
    drawn = []
    with theme.theme("en"):
        for ours in (False, True):
            fig = Figure(figsize=(6, 3))
            ax = fig.add_axes((0.25, 0.15, 0.55, 0.75))
            if ours:
                heat_map(ax, values, rows, columns, labels, cmap=theme.sequential_cmap(), vmin=0, vmax=top,
                         bar_label="share of worlds")  # fmt: skip
            else:
                sns.heatmap(pd.DataFrame(values, index=rows, columns=columns), ax=ax, cmap=theme.sequential_cmap(),
                            vmin=0, vmax=top, annot=labels, fmt="", annot_kws={"fontsize": 11}, linewidths=2,
                            linecolor="white", cbar_kws={"label": "share of worlds", "shrink": 0.85})  # fmt: skip
                ax.set_yticklabels(ax.get_yticklabels(), rotation=0)  # as the report sets them
                ax.set_xticklabels(ax.get_xticklabels(), rotation=0)
            drawn.append(_pixels(fig))
    assert drawn[0].shape == drawn[1].shape
    assert np.array_equal(drawn[0], drawn[1])
    texts = [t for t in fig.axes[0].texts]
    assert {t.get_color() for t in texts} == {".15", "w"}  # both label colours are exercised

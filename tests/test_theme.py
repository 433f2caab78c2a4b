"""The pinned seaborn look (model/report/seaborn_look.py) is seaborn's, value for value."""

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

"""The analysts' documents: the worked example is executed, the primer's glossary agrees with the
model's classification, and both ship with the package.

The worked example's ```python blocks run in order, in one namespace, in a temporary
directory, against a fresh 20,000-world baseline run: the line ``run = Path(...)`` of the
document is pointed at that run, and everything else runs as written.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner
from PIL import Image

from model.execution import Execution
from model.gametypes import TYPE_LABELS, classify_own_payoffs
from model.runner import start_run
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "worked_example.md"
PRIMER = ROOT / "docs" / "primer.md"
WORLDS = 20_000
RUN_LINE = re.compile(r"^run = Path\(.*\).*$", re.MULTILINE)


def python_blocks(markdown: str) -> list[str]:
    """The ```python blocks of a Markdown text, in order."""
    return re.findall(r"^```python\n(.*?)^```", markdown, re.DOTALL | re.MULTILINE)


def run_example(markdown: str, run: Path) -> dict:
    """Execute the blocks of ``markdown`` in order in one namespace, with ``run`` as the run directory.

    A failing block raises its own error, its traceback naming the block.
    """
    blocks = python_blocks(markdown)
    assert blocks, "no python blocks"
    assert sum(len(RUN_LINE.findall(b)) for b in blocks) == 1, "the example must set `run = Path(...)` once"
    namespace: dict = {"__name__": "__worked_example__"}
    for number, block in enumerate(blocks, 1):
        code = RUN_LINE.sub(f"run = Path({str(run)!r})", block)
        exec(compile(code, f"docs/worked_example.md, block {number}", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    loaded = resolve(ROOT / "configs" / "baseline.toml", WORLDS)
    return start_run(loaded, Execution(), tmp_path_factory.mktemp("runs")).path


@pytest.fixture()
def in_tmp(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    import matplotlib.pyplot as plt

    plt.close("all")


def test_worked_example_runs_and_its_table_holds_the_runs_estimates(run, in_tmp):
    namespace = run_example(EXAMPLE.read_text(encoding="utf-8"), run)
    table = pd.read_csv(in_tmp / "estimates.csv", index_col="output")
    with xr.open_dataset(run / "results.nc") as ds:
        collapse, collapse_se = float(ds.p_collapse), float(ds.p_collapse_se)
        japan = ds.burden.sel(country="japan")
        parts = japan.drop_sel(component="total").values
        total = float(japan.sel(component="total"))
    row = table.loc["P(the regional balance collapses)"]
    assert row["estimate"] == pytest.approx(collapse) and row["se"] == pytest.approx(collapse_se)
    assert row["low_95"] == pytest.approx(collapse - 1.96 * collapse_se)
    assert row["high_95"] == pytest.approx(collapse + 1.96 * collapse_se)
    assert (table["low_95"] <= table["estimate"]).all() and (table["estimate"] <= table["high_95"]).all()
    burden = namespace["burden"]
    assert np.allclose(burden["estimate"].to_numpy(), parts)
    assert burden["estimate"].sum() == pytest.approx(total, rel=1e-9)  # the components add up to the total
    with Image.open(in_tmp / "japan_burden_components.png") as image:
        assert image.size[0] > 600 and image.size[1] > 300


def test_a_broken_example_fails_the_test(run, in_tmp):
    broken = EXAMPLE.read_text(encoding="utf-8").replace('estimate("p_collapse")', 'estimate("p_colapse")')
    with pytest.raises(KeyError):
        run_example(broken, run)
    without_run = RUN_LINE.sub("run = None", EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(AssertionError, match="run = Path"):
        run_example(without_run, run)


# -- the primer ---------------------------------------------------------------------------

ORDERING = re.compile(r"\b(Tm|R|S|P) > (Tm|R|S|P) > (Tm|R|S|P) > (Tm|R|S|P)\b")


def _glossary() -> dict[str, str]:
    """Glossary rows of the primer: model label -> its 'defining orderings' cell."""
    text = PRIMER.read_text(encoding="utf-8")
    rows = re.findall(r"^\| \*\*(.+?)\*\*.*?\|.*?\|(.*)\|$", text, re.MULTILINE)
    return {label: cell for label, cell in rows}


def test_primer_glossary_names_every_game_type_of_the_model():
    glossary = _glossary()
    assert sorted(glossary) == sorted(TYPE_LABELS)


def test_every_ordering_in_the_glossary_is_classified_as_the_model_does():
    checked = 0
    for label, cell in _glossary().items():
        for ordering in ORDERING.findall(cell):
            assert len(set(ordering)) == 4, (label, ordering)
            rank = {name: 4 - i for i, name in enumerate(ordering)}  # best first
            own = np.array([[rank["R"], rank["S"]], [rank["Tm"], rank["P"]]], dtype=float)
            assert TYPE_LABELS[int(classify_own_payoffs(own))] == label, (label, ordering)
            checked += 1
    assert checked >= 15  # the single orderings plus examples of every other strict class


def test_primer_is_about_two_pages_and_cites_the_paper():
    from model.report.text import EN

    text = PRIMER.read_text(encoding="utf-8")
    words = len(re.findall(r"\w+", text))
    assert 900 <= words <= 2000, words
    assert " ".join(EN["citation"].split()) in " ".join(text.split())
    for term in ("Balance (B)", "Pass the buck (P)", "lender of last resort", "PTRL", "standard error", "95 %"):
        assert term in text, term


def test_docs_ship_with_the_package_and_offshore_docs_prints_them():
    import tomllib

    from model.cli import PACKAGE_DOCS, main

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert "docs/*.md" in data["model"]
    result = CliRunner().invoke(main, ["docs"])
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.splitlines()]
    assert [p.name for p in paths] == ["primer.md", "worked_example.md", "MODEL.md"]
    for path in paths:
        assert path.parent == PACKAGE_DOCS
        assert path.read_text(encoding="utf-8") == (ROOT / "docs" / path.name).read_text(encoding="utf-8")

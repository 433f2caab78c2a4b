"""Differences between runs in comparison reports (model/report/differences.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.config import load_config
from model.execution import Execution
from model.outputs import output
from model.paired import Comparison, paired, per_world
from model.report.differences import difference, shares_worlds
from model.report.rundata import load_run
from model.runner import start_run
from model.simulation import resolve

BASELINE = Path(__file__).resolve().parents[1] / "configs" / "baseline.toml"
SMALL = ["sampling.samples=32768", "sampling.chunk_size=1024"]
INTEGRATED = 'policy.us_regime="integrated_deterrence"'


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    make = {
        "offshore": SMALL,
        "integrated": [*SMALL, INTEGRATED],
        "integrated_other_seed": [*SMALL, INTEGRATED, "sampling.seed=99"],
    }
    return {name: start_run(resolve(BASELINE, overrides=o), Execution(), root / name).path for name, o in make.items()}


def test_runs_on_the_same_worlds_get_a_paired_difference(runs) -> None:
    reference, other = load_run(runs["integrated"]), load_run(runs["offshore"])
    assert shares_worlds(reference, other)
    out = output("japan_burden")
    d = difference(reference, other, out)
    # The value is exactly the difference of the two runs' estimates.
    assert d.value == other.ds.offshore.of(out).value - reference.ds.offshore.of(out).value
    assert d.paired and d.batches > 20 and d.low < d.value < d.high
    # Its error agrees with the per-world paired error of model.paired on the same worlds
    # (an independent path); weighted batch means with K batches estimate it within a few
    # times sqrt(2 / (K - 1)) relative error.
    (exact,) = paired(
        (
            Comparison(
                "j",
                load_config(BASELINE, [*SMALL, INTEGRATED]),
                load_config(BASELINE, SMALL),
                per_world("japan_burden"),
                per_world("japan_burden"),
            ),
        )
    )
    assert exact.difference.value == pytest.approx(d.value, rel=1e-9)
    tolerance = 3 * np.sqrt(2 / (d.batches - 1))
    assert abs(np.log(d.se / exact.difference.se)) < tolerance
    # Pairing pays: the paired error is below the unpaired one.
    assert d.se < np.hypot(reference.ds.offshore.of(out).se, other.ds.offshore.of(out).se)


def test_runs_on_different_worlds_get_an_unpaired_difference(runs) -> None:
    reference, other = load_run(runs["integrated_other_seed"]), load_run(runs["offshore"])
    assert not shares_worlds(reference, other)
    out = output("p_collapse")
    d = difference(reference, other, out)
    a, b = reference.ds.offshore.of(out), other.ds.offshore.of(out)
    assert not d.paired and d.se == pytest.approx(np.hypot(a.se, b.se))


def test_the_comparison_report_states_differences(runs, tmp_path: Path) -> None:
    from model.report.compare import render_comparison

    report = render_comparison([runs["integrated"], runs["offshore"], runs["integrated_other_seed"]], tmp_path)
    md = (report / "summary.md").read_text()
    assert "Differences from the reference run" in md
    assert "paired: same worlds" in md and "unpaired: the runs drew different worlds" in md
    assert "changes Japan's expected burden by +US$" in md

"""The selection rule as a structural uncertainty (model/rules.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import model
from model.config import load_config
from model.rules import rule_ranges, rule_table
from model.selection import RULES

BASELINE = Path(__file__).resolve().parents[1] / "configs" / "baseline.toml"
SMALL = ["sampling.samples=8192", "sampling.chunk_size=4096"]


def test_every_rule_on_the_same_worlds() -> None:
    loaded = load_config(BASELINE, SMALL)
    table = rule_table(loaded)
    assert set(table["rule"]) == set(RULES)
    own = table[table["own_rule"]]
    assert set(own["rule"]) == {"risk_dominance"} and (own["difference"] == 0.0).all()
    # The config's own rule reproduces the run's estimates exactly (the same worlds).
    ds = model.simulate(loaded)
    for _, row in own.iterrows():
        assert row["value"] == pytest.approx(ds.offshore.estimate(row["output"]).value, rel=1e-12, abs=1e-15)
    # japan_best and japan_worst bound Japan's burden over every rule.
    burden = table[table["output"] == "japan_burden"].set_index("rule")["value"]
    assert burden["japan_best"] <= burden.min() + 1e-9 and burden["japan_worst"] >= burden.max() - 1e-9
    ranges = rule_ranges(table).set_index("output")
    assert (ranges["low"] <= ranges["own_rule_value"]).all() and (ranges["own_rule_value"] <= ranges["high"]).all()

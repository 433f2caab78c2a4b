"""Refactoring guard: the same config and seed give the same estimates, bit for bit.

``tests/data/results_checksums.json`` holds a SHA-256 of every variable of the results
Dataset (131,072 worlds, the configs' own seeds) taken before the output registry and
presentation restructuring (issue 11). Any change that moves a number fails here; a
change that adds variables does not. Regenerate the file only for a deliberate change
to the model, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import model

ROOT = Path(__file__).resolve().parents[1]
CHECKSUMS = json.loads((ROOT / "tests" / "data" / "results_checksums.json").read_text())


@pytest.mark.parametrize("source", sorted(CHECKSUMS), ids=lambda s: Path(s).stem)
def test_results_are_bit_identical_to_the_recorded_checksums(source: str) -> None:
    ds = model.simulate(ROOT / source, n_samples=131072)
    for name, expected in CHECKSUMS[source].items():
        assert name in ds, f"{name} is no longer in the results"
        got = hashlib.sha256(np.ascontiguousarray(ds[name].values).tobytes()).hexdigest()
        assert got == expected, name

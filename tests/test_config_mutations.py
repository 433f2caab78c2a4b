"""Property: whatever a mutated shipped config does, it runs cleanly or fails cleanly.

Each example takes a shipped config (``configs/*.toml``, ``configs/scenarios/*.toml``,
``extends`` resolved), changes one value (extremes, wrong types, NaN/inf, deletions,
nesting) and runs it with 2,000 worlds. Either the run exits 0 with finite results and
profile and outcome probabilities summing to one, or it exits 2 with one line naming
the file and a key, and writes nothing.
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
import xarray as xr
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cli import main
from model.config.loader import load_raw

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SHIPPED = sorted([*CONFIGS.glob("*.toml"), *(CONFIGS / "scenarios").glob("*.toml")])
EXAMPLES = 50

NUMBERS = [0.0, -1.0, 1e-300, 1e12, 1.1e12, 1e13, 1e154, 1e308, -1e308, 2.0**53, 0.5, 100.0, 5e-324]
SPECIAL = [math.nan, math.inf, -math.inf]
OTHER = ["0.5", "", True, [], [1.0, 2.0], {"dist": "normal"}, {"dist": "lognormal", "median": 1e6, "sigma": 30.0}]
DELETE = object()


def leaves(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key path (tables included) of a TOML document."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = (*prefix, key)
            out.append(path)
            out.extend(leaves(value, path))
    return out


def mutate(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def as_toml(data: dict[str, Any]) -> str:
    """TOML text, with NaN and infinities (which tomli_w writes) kept."""
    return tomli_w.dumps(data)


@st.composite
def mutations(draw: st.DrawFn) -> tuple[Path, tuple[str, ...], Any]:
    source = draw(st.sampled_from(SHIPPED))
    paths = [p for p in leaves(load_raw(source)) if p[0] != "meta"]
    path = draw(st.sampled_from(paths))
    value = draw(
        st.one_of(
            st.sampled_from(NUMBERS + SPECIAL + OTHER + [DELETE]),
            st.floats(allow_nan=False, allow_infinity=False, width=64),
            st.integers(min_value=-(2**70), max_value=2**70),
        )
    )
    return source, path, value


def check_results(run_dir: Path) -> None:
    with xr.open_dataset(run_dir / "results.nc") as ds:
        ds = ds.load()
    for name, var in ds.data_vars.items():
        if np.issubdtype(var.dtype, np.number):
            assert np.all(np.isfinite(var.values)), name
    assert abs(float(ds.played.sum("profile")) - 1.0) < 1e-9
    outcomes = ("p_deterrence_holds", "p_us_intervenes", "p_collapse")
    if all(name in ds.data_vars for name in outcomes):
        total = sum(float(ds[name]) for name in outcomes)
        assert abs(total - 1.0) < 1e-9
    for name, var in ds.data_vars.items():
        if name.startswith("p_") and not name.endswith("_se"):
            assert -1e-12 <= float(var) <= 1.0 + 1e-12, name


@pytest.mark.filterwarnings("ignore")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutation=mutations())
def test_mutated_shipped_configs_run_cleanly_or_fail_cleanly(mutation: tuple[Path, tuple[str, ...], Any]) -> None:
    source, path, value = mutation
    data = load_raw(source)
    mutate(data, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = root / "mutated.toml"
        config.write_text(as_toml(data))
        result = CliRunner().invoke(
            main,
            ["run", str(config), "--samples", "2000", "--backend", "sequential", "--quiet", "--no-report"]
            + ["--runs-dir", str(root / "runs")],
            catch_exceptions=False,
        )
        lines = result.output.strip().splitlines()
        runs = root / "runs"
        if result.exit_code == 0:
            check_results(Path(lines[-1]))
            return
        assert result.exit_code == 2, result.output
        assert len(lines) == 1, result.output
        match = re.match(rf"error: {re.escape(str(config))}: ([\w.\[\]-]+): .+", lines[0])
        assert match is not None, (path, value, lines[0])
        assert not runs.exists(), list(runs.rglob("*"))

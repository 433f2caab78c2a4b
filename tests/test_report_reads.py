"""Reports only read: the run records its convergence trace and a burden sample in results.nc.

The trace is a pure function of the config and the seed (its points sit at fixed world
counts, its last point is the run's own estimate, bit for bit, however the run
stopped), it survives checkpoints, and no module of ``model.report`` imports the
engine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import model
from model.checkpoints import RunIdentity, load_verified, save_batch
from model.engine import BURDEN_SAMPLE_WORLDS, Keep, draw_worlds, evaluate_chunk, payoffs_of, summarise
from model.execution import Execution
from model.stats import Moments, Sample, Trace, merge_stats
from model.trace import TRACED, layout, prefix_points, traced_after

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
PAPER = ROOT / "configs" / "paper_table.toml"
NOISY_PAPER = ["game.ordinal.noise_sd=0.7"]
ENGINE = ("model.engine", "model.samples", "model.simulation", "model.execution")

# Imports the modules of model.report in order, in a fresh interpreter, and prints
# each module whose import brought in engine modules, with what it brought.
_IMPORT = """
import importlib, json, pkgutil, sys
import model.report
engine, only, skip = {engine!r}, {only!r}, {skip!r}
names = only or [i.name for i in pkgutil.walk_packages(model.report.__path__, "model.report.")]
found = {{}}
for name in names:
    if name in skip:
        continue
    before = set(sys.modules)
    importlib.import_module(name)
    brought = sorted(n for n in engine if n in sys.modules and n not in before)
    if brought:
        found[name] = brought
print(json.dumps({{"checked": [n for n in names if n not in skip], "found": found}}))
"""
# Known: the `offshore report` command imports model.cli_support for `fail`, and
# cli_support imports model.execution (for the run command's options).
KNOWN = ("model.report.command",)


def _engine_imports(only: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> dict:
    code = _IMPORT.format(engine=ENGINE, only=list(only), skip=list(skip))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _traced_names(ds: xr.Dataset) -> list[str]:
    return [t.variable for t in layout("p_collapse" in ds)]


# -- the report package ----------------------------------------------------------------


def test_no_report_module_imports_the_engine() -> None:
    result = _engine_imports(skip=KNOWN)
    assert {"model.report.convergence", "model.report.distribution", "model.report.render"} <= set(result["checked"])
    assert result["found"] == {}, "report modules whose import brought in the engine, and what they brought"


def test_the_report_command_does_not_import_the_engine() -> None:
    assert _engine_imports(only=KNOWN)["found"] == {}


def test_report_of_a_run_without_records_fails_cleanly(tmp_path: Path) -> None:
    from model.report.convergence import convergence
    from model.report.distribution import japan_burden_sample
    from model.report.errors import ReportError
    from model.report.rundata import load_run
    from model.runner import start_run
    from model.simulation import resolve

    run_dir = start_run(resolve(BASELINE, 5_000), Execution(), tmp_path / "runs").path
    run = load_run(run_dir)
    assert run.has_trace and run.has_burden_sample
    old = run_dir.parent / "old"
    shutil.copytree(run_dir, old)
    names = [n for n in run.ds.data_vars if n.startswith("trace_") or n == "burden_sample"]
    run.ds.drop_vars([*names, "trace_worlds", "trace_chunks"]).to_netcdf(old / "results.nc")
    old_run = load_run(old)
    assert not old_run.has_trace and not old_run.has_burden_sample
    with pytest.raises(ReportError, match="no convergence trace"):
        convergence(old_run)
    assert japan_burden_sample(old_run) is None


# -- the trace -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "overrides"),
    [
        (BASELINE, ["sampling.chunk_size=4096"]),
        (PAPER, [*NOISY_PAPER, "sampling.chunk_size=4096"]),
        (BASELINE, ['sampling.sampler="sobol"', "sampling.chunk_size=4096"]),
    ],
    ids=["structural", "ordinal", "sobol"],
)
def test_trace_ends_at_the_runs_own_estimates_exactly(config: Path, overrides: list[str]) -> None:
    n = 4096 * 40 + 1000  # 41 chunks, the last one short: points after 1..32, 36, 40 chunks and the last
    ds = model.simulate(config, n_samples=n, overrides=overrides)
    worlds, chunks = ds.trace_worlds.values, ds.trace_chunks.values
    inside = list(prefix_points(4096))
    after = [c for c in range(1, 42) if traced_after(c) or c == 41]
    assert inside == [512, 768, 1024, 1536, 2048, 3072]
    assert after == [*range(1, 33), 36, 40, 41]
    assert worlds.tolist() == [*inside, *(min(4096 * c, n) for c in after)]
    assert chunks.tolist() == [1] * len(inside) + after
    for name in _traced_names(ds):
        trace, se = ds[f"trace_{name}"], ds[f"trace_{name}_se"]
        assert trace.dims == ("trace_worlds", *ds[name].dims)
        assert trace.attrs["units"] == ds[name].attrs["units"] and trace.attrs["long_name"]
        np.testing.assert_array_equal(trace.isel(trace_worlds=-1).values, ds[name].values, err_msg=name)
        np.testing.assert_array_equal(se.isel(trace_worlds=-1).values, ds[f"{name}_se"].values, err_msg=name)
        assert np.all(np.isfinite(trace.values)) and np.all(se.values >= 0)
    # standard errors shrink roughly as 1/sqrt(worlds)
    se = ds.trace_played_se.sel(profile="PP").values
    assert se[0] > 5 * se[-1]


def test_trace_ends_at_the_estimate_when_a_target_se_stops_the_run() -> None:
    overrides = ["sampling.chunk_size=4096"]
    ds = model.simulate(BASELINE, n_samples=2_000_000, overrides=overrides, execution=Execution(target_se=0.01))
    assert ds.attrs["samples"] < 2_000_000
    assert int(ds.trace_worlds[-1]) == ds.attrs["samples"]
    for name in _traced_names(ds):
        np.testing.assert_array_equal(ds[f"trace_{name}"].isel(trace_worlds=-1).values, ds[name].values)


def test_points_inside_the_first_chunk_are_its_first_worlds() -> None:
    """A point inside chunk 0 equals the statistics of that chunk cut at n worlds."""
    loaded = model.load_config(BASELINE)
    config, priors = loaded.config, loaded.priors()
    draws = draw_worlds(config, priors, 0, 8192)
    stats = summarise(config, *_payoffs(config, draws, 8192), Keep(prefixes=(512, 3072)))
    trace = stats["trace"]
    assert isinstance(trace, Trace) and trace.worlds.tolist() == [512, 3072]
    from model.trace import estimates

    for row, n in enumerate((512, 3072)):
        cut = {key: value[:n] for key, value in draws.items()}
        value, se = estimates(summarise(config, *_payoffs(config, cut, n)))
        np.testing.assert_allclose(trace.value[row], value, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.se[row], se, rtol=1e-9, atol=1e-15)


def _payoffs(config, draws, n):
    worlds, japan, korea = payoffs_of(config, draws, n)
    return japan, korea, worlds


def test_traced_chunk_counts_thin_out_geometrically() -> None:
    counts = [c for c in range(1, 2**20 + 1) if traced_after(c)]
    assert counts[:32] == list(range(1, 33))
    assert counts[32:42] == [36, 40, 44, 48, 52, 56, 60, 64, 72, 80]
    assert len(counts) == 32 + 8 * 15  # eight per doubling from 32 to 2**20 chunks
    assert {t.variable for t in TRACED} >= {"played", "pure_ne", "p_collapse", "burden", "korea_passes_after_commit"}


# -- the burden sample ------------------------------------------------------------------


def test_burden_sample_is_the_first_worlds_in_run_order() -> None:
    from model.samples import world_records

    chunk = 50_000
    ds = model.simulate(BASELINE, n_samples=3 * chunk + 7, overrides=[f"sampling.chunk_size={chunk}"])
    sample = ds.burden_sample
    assert sample.dims == ("world", "country") and sample.shape == (BURDEN_SAMPLE_WORLDS, 3)
    assert sample.attrs["role"] == "sample" and sample.attrs["units"] == ds.burden.attrs["units"]
    assert "burden_sample_se" not in ds
    loaded = model.load_config(BASELINE, [f"sampling.chunk_size={chunk}", f"sampling.samples={3 * chunk + 7}"])
    for k, start, n in ((0, 0, 2000), (2, 2 * chunk, BURDEN_SAMPLE_WORLDS - 2 * chunk)):
        _, burden, _ = world_records(loaded, k, n)["burden"]  # (world, country, component)
        np.testing.assert_allclose(sample.values[start : start + n], burden[:, :, -1], rtol=1e-12, atol=1e-9)


def test_short_runs_keep_every_world_and_ordinal_runs_none() -> None:
    ds = model.simulate(BASELINE, n_samples=5_000)
    assert ds.burden_sample.shape == (5_000, 3)
    np.testing.assert_allclose(ds.burden_sample.mean("world").values, ds.burden.sel(component="total").values)
    ordinal = model.simulate(PAPER, n_samples=5_000, overrides=NOISY_PAPER)
    assert "burden_sample" not in ordinal and "trace_played" in ordinal


def test_burden_sample_and_trace_are_written_to_results_nc(tmp_path: Path) -> None:
    from model.runner import start_run
    from model.simulation import resolve

    run = start_run(resolve(BASELINE, 70_000), Execution(), tmp_path / "runs")
    with xr.open_dataset(run.path / "results.nc") as ds:
        assert ds.burden_sample.shape == (70_000, 3)
        np.testing.assert_array_equal(ds.burden_sample.values, run.dataset.burden_sample.values)
        np.testing.assert_array_equal(ds.trace_worlds.values, run.dataset.trace_worlds.values)
        assert ds.burden_sample.encoding.get("zlib")


# -- checkpoints -----------------------------------------------------------------------


def test_a_batch_with_trace_points_and_a_sample_round_trips(tmp_path: Path) -> None:
    loaded = model.load_config(BASELINE, ["sampling.chunk_size=4096"])
    config, priors = loaded.config, loaded.priors()
    folded = merge_stats(evaluate_chunk(config, priors, 0, 4096), evaluate_chunk(config, priors, 1, 4096))
    assert isinstance(folded["trace"], Trace) and folded["trace"].points == len(prefix_points(4096))
    assert isinstance(folded["burden_sample"], Sample) and folded["burden_sample"].worlds == 8192
    identity = RunIdentity.of(loaded.hash, 1, 100_000, 4096, 16)
    save_batch(tmp_path, 0, folded, identity, range(0, 2), 8192)
    back = load_verified(tmp_path / "batch-000000.npz", 0, identity, range(0, 2), 8192)
    assert back.keys() == folded.keys()
    for key, acc in folded.items():
        for field in vars(acc):
            got, want = np.asarray(getattr(back[key], field)), np.asarray(getattr(acc, field))
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)


# -- the accumulators ------------------------------------------------------------------


def test_prefix_moments_equal_the_moments_of_each_prefix() -> None:
    rng = np.random.default_rng(3)
    values = rng.lognormal(5.0, 1.0, size=(3, 2, 5000))
    values[1] = 7.0  # constant series: the two-pass formula
    points = (10, 512, 768, 4999, 5000)
    for p, moments in zip(points, Moments.of_prefixes(values, points), strict=True):
        direct = Moments.of_last(values[..., :p])
        assert moments.count == p and moments.mean.shape == (3, 2)
        np.testing.assert_allclose(moments.mean, direct.mean, rtol=1e-13)
        np.testing.assert_allclose(moments.m2, direct.m2, rtol=1e-9, atol=1e-9)


def test_traces_and_samples_merge_by_concatenation_in_order() -> None:
    a = Trace.point(10, 1, np.arange(3.0), np.ones(3))
    b = Trace.point(20, 2, np.arange(3.0) + 1, np.ones(3))
    empty = Trace.empty(3)
    merged = a.merge(empty).merge(b)
    assert merged.worlds.tolist() == [10, 20] and merged.chunks.tolist() == [1, 2]
    np.testing.assert_array_equal(merged.value, [[0, 1, 2], [1, 2, 3]])
    assert empty.merge(a) is a
    s = Sample(np.arange(6.0).reshape(3, 2)).merge(Sample(np.zeros((3, 0)))).merge(Sample(np.ones((3, 1))))
    assert s.worlds == 3 and s.values[:, -1].tolist() == [1.0, 1.0, 1.0]

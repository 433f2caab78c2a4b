"""Results do not depend on jobs, backend, interruption or checkpointing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import model
from model.checkpoints import RunIdentity, batch_files, load_verified, save_batch
from model.engine import evaluate_chunk
from model.execution import Execution, headline_se, run_chunks

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
SMALL = ["sampling.chunk_size=4096"]
VOLATILE = ("created_utc", "run_id", "stop_reason")


def strip(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    for key in VOLATILE:
        ds.attrs.pop(key, None)
    return ds


def run(execution: Execution, n: int = 40_000) -> xr.Dataset:
    return strip(model.simulate(BASELINE, n_samples=n, overrides=SMALL, execution=execution))


def test_identical_across_jobs_and_backends() -> None:
    one = run(Execution(backend="sequential"))
    loky_1 = run(Execution(backend="loky", jobs=1))
    loky_2 = run(Execution(backend="loky", jobs=2))
    threads = run(Execution(backend="threading", jobs=2))
    dask = run(Execution(backend="dask", jobs=2))
    for other in (loky_1, loky_2, threads, dask):
        xr.testing.assert_identical(one, other)


def test_chunk_checkpoint_round_trip_is_exact(tmp_path: Path) -> None:
    loaded = model.load_config(BASELINE, SMALL)
    stats = evaluate_chunk(loaded.config, loaded.priors(), 3, 1000)
    identity = RunIdentity.of(loaded.hash, 1, 100_000, 4096, 16)
    save_batch(tmp_path, 3, stats, identity, range(48, 64), 1000)
    assert list(batch_files(tmp_path)) == [3]
    back = load_verified(tmp_path / "batch-000003.npz", 3, identity, range(48, 64), 1000)
    assert back.keys() == stats.keys()
    for key, acc in stats.items():
        for field in vars(acc):
            np.testing.assert_array_equal(np.asarray(getattr(back[key], field)), np.asarray(getattr(acc, field)))


def test_target_se_stops_early_and_reproducibly() -> None:
    a = model.simulate(BASELINE, n_samples=2_000_000, overrides=SMALL, execution=Execution(target_se=0.004))
    b = model.simulate(
        BASELINE, n_samples=2_000_000, overrides=SMALL, execution=Execution(backend="loky", jobs=2, target_se=0.004)
    )
    assert a.attrs["samples"] < 2_000_000
    assert float(a.played_se.max()) <= 0.004
    xr.testing.assert_identical(strip(a), strip(b))


def _stats_only(ds: xr.Dataset) -> xr.Dataset:
    """The estimates alone: the attributes that name the request (samples, hash) differ."""
    ds = ds.copy()
    ds.attrs = {}
    return ds


def test_target_se_stops_inside_a_batch_as_a_run_of_that_size_would() -> None:
    """Checked after every chunk; stopping at chunk k equals a plain run of k chunks, bit for bit."""
    target = 0.006
    loaded = model.load_config(BASELINE, [*SMALL, "sampling.samples=1000000"])
    outcome = run_chunks(loaded, Execution(target_se=target))
    worlds = outcome.worlds
    assert worlds % 4096 == 0 and outcome.chunks % 16 != 0, "stopped on a batch boundary: pick another target"
    assert outcome.stop_reason.startswith(f"target standard error {target:g} reached after {worlds:,} worlds")
    assert headline_se(outcome.stats) <= target
    fewer = run_chunks(model.load_config(BASELINE, [*SMALL, f"sampling.samples={worlds - 4096}"]), Execution())
    assert headline_se(fewer.stats) > target  # one chunk fewer did not meet it: the check really is per chunk
    a = model.simulate(BASELINE, n_samples=1_000_000, overrides=SMALL, execution=Execution(target_se=target))
    plain = model.simulate(BASELINE, n_samples=worlds, overrides=SMALL, execution=Execution())
    xr.testing.assert_identical(_stats_only(a), _stats_only(plain))


def test_target_se_treats_only_an_explicit_sample_count_as_a_cap(tmp_path: Path) -> None:
    config = tmp_path / "small.toml"
    text = BASELINE.read_text()
    config.write_text(
        text.replace("chunk_size = 65_536", "chunk_size = 4096").replace("samples = 1_000_000", "samples = 8192")
    )
    assert "samples = 8192" in config.read_text()
    uncapped = _offshore(
        "run",
        str(config),
        "--target-se",
        "0.006",
        "--no-report",
        "--quiet",
        "--jobs",
        "1",
        "--runs-dir",
        str(tmp_path / "a"),
        cwd=tmp_path,
    )
    assert uncapped.returncode == 0, uncapped.stderr
    manifest = json.loads((Path(uncapped.stdout.strip()) / "manifest.json").read_text())
    assert manifest["worlds"] > 8192 and manifest["stop_reason"].startswith("target standard error 0.006 reached")
    capped = _offshore(
        "run",
        str(config),
        "--target-se",
        "0.006",
        "--samples",
        "8192",
        "--no-report",
        "--quiet",
        "--jobs",
        "1",
        "--runs-dir",
        str(tmp_path / "b"),
        cwd=tmp_path,
    )
    assert capped.returncode == 0, capped.stderr
    manifest = json.loads((Path(capped.stdout.strip()) / "manifest.json").read_text())
    assert manifest["worlds"] == 8192
    assert manifest["stop_reason"].startswith("sample cap of 8,192 worlds reached before target standard error 0.006")


def _offshore(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "model.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_interrupt_and_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    args = [
        "run",
        str(BASELINE),
        "--samples",
        "3000000",
        "--set",
        "sampling.chunk_size=16384",
        "--jobs",
        "1",
        "--quiet",
        "--no-report",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "model.cli", *args, "--runs-dir", "interrupted"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    partial = None
    while time.monotonic() < deadline:
        found = list((tmp_path / "interrupted").glob("*.partial/chunks/batch-*.npz"))
        if len(found) >= 2:
            partial = found[0].parents[1]
            break
        time.sleep(0.05)
    assert partial is not None, "the run never checkpointed a chunk"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "resume with: offshore run --resume" in err
    assert len(err.strip().splitlines()) == 1
    assert not (partial / "results.nc").exists()
    manifest = json.loads((partial / "manifest.json").read_text())
    assert manifest["status"] == "running"

    resumed = _offshore("run", "--resume", str(partial), "--jobs", "2", "--quiet", "--no-report", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    final = Path(resumed.stdout.strip().splitlines()[-1])
    assert final.name == partial.name.removesuffix(".partial") and not partial.exists()

    fresh = _offshore(*args, "--runs-dir", "fresh", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    fresh_dir = Path(fresh.stdout.strip().splitlines()[-1])
    with (
        xr.open_dataset(tmp_path / final / "results.nc") as a,
        xr.open_dataset(tmp_path / fresh_dir / "results.nc") as b,
    ):
        xr.testing.assert_identical(strip(a.load()), strip(b.load()))
    assert json.loads((tmp_path / final / "manifest.json").read_text())["status"] == "complete"


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_resume_rejects_complete_or_foreign_directories(tmp_path: Path) -> None:
    result = _offshore("run", "--resume", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) == 1

"""Fault injection for resume: a partial run directory is verified before anything is merged.

Every fault is refused with one line naming the file, exit status 2 (1 for a run in
use), and the partial directory is left as it was; an untouched partial resumes to
exactly the uninterrupted result.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import model.execution
from model.checkpoints import META_KEY, checksum
from model.cli import main
from model.execution import Execution
from model.rundir import RunDirectory
from model.runner import RunInterrupted, start_run

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
CHUNK = 256
SAMPLES = CHUNK * 16 * 4  # four batches
VOLATILE = ("created_utc", "run_id", "stop_reason")


def _partial(root: Path, seed: int, monkeypatch: pytest.MonkeyPatch, stop_at: int = 2) -> Path:
    """A partial run interrupted after ``stop_at`` batches were checkpointed."""
    original = model.execution._chunk

    def chunk(config, priors, k, n):
        if k == stop_at * 16:
            raise KeyboardInterrupt
        return original(config, priors, k, n)

    monkeypatch.setattr(model.execution, "_chunk", chunk)
    overrides = [f"sampling.chunk_size={CHUNK}", f"sampling.samples={SAMPLES}", f"sampling.seed={seed}"]
    loaded = model.load_config(BASELINE, overrides)
    with pytest.raises(RunInterrupted) as info:
        start_run(loaded, Execution(), root)
    monkeypatch.setattr(model.execution, "_chunk", original)
    return info.value.path


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two interrupted runs (seeds 1 and 2) and the uninterrupted result of seed 1."""
    root = tmp_path_factory.mktemp("templates")
    with pytest.MonkeyPatch.context() as mp:
        ours = _partial(root / "a", 1, mp)
        foreign = _partial(root / "b", 2, mp)
    loaded = model.load_config(
        BASELINE, [f"sampling.chunk_size={CHUNK}", f"sampling.samples={SAMPLES}", "sampling.seed=1"]
    )
    complete = start_run(loaded, Execution(), root / "c").path
    return {"ours": ours, "foreign": foreign, "complete": complete}


@pytest.fixture()
def partial(templates: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "runs" / templates["ours"].name
    shutil.copytree(templates["ours"], target)
    return target


def resume(partial: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", "--resume", str(partial), "--quiet", "--no-report", *extra])
    return result.exit_code, result.output


def batch(partial: Path, b: int) -> Path:
    return partial / "chunks" / f"batch-{b:06d}.npz"


def _rewrite(path: Path, change: Callable[[dict[str, np.ndarray]], None], fix_checksum: bool) -> None:
    with np.load(path) as data:
        arrays = {key: data[key].copy() for key in data.files}
    change(arrays)
    if fix_checksum:
        meta = json.loads(arrays[META_KEY].tobytes())
        meta["checksum"] = checksum({k: v for k, v in arrays.items() if k != META_KEY})
        arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def _bump(key: str) -> Callable[[dict[str, np.ndarray]], None]:
    def change(arrays: dict[str, np.ndarray]) -> None:
        arrays[key] = arrays[key] + 1

    return change


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def _edit_config(partial: Path, old: str, new: str) -> None:
    path = partial / "config.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _edit_manifest(partial: Path, **fields) -> None:
    path = partial / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **fields}))


FAULTS: dict[str, tuple[Callable[[Path, dict[str, Path]], None], str]] = {
    # name: (inject(partial, templates), fragment of the file the error must name)
    "truncated": (lambda p, t: batch(p, 1).write_bytes(batch(p, 1).read_bytes()[:5000]), "batch-000001.npz"),
    "truncated-to-header": (lambda p, t: batch(p, 0).write_bytes(batch(p, 0).read_bytes()[:40]), "batch-000000.npz"),
    "bit-flipped": (lambda p, t: _flip(batch(p, 1)), "batch-000001.npz"),
    "empty": (lambda p, t: batch(p, 0).write_bytes(b""), "batch-000000.npz"),
    "random-bytes": (lambda p, t: batch(p, 0).write_bytes(np.random.default_rng(0).bytes(4096)), "batch-000000.npz"),
    "pickle": (lambda p, t: batch(p, 0).write_bytes(b"\x80\x04\x95" + b"\x00" * 64), "batch-000000.npz"),
    "foreign-seed": (
        lambda p, t: shutil.copy(batch(t["foreign"], 1), batch(p, 1)),
        "batch-000001.npz",
    ),
    "altered-counts": (
        lambda p, t: _rewrite(batch(p, 0), _bump("signature|counts|counts"), fix_checksum=False),
        "batch-000000.npz",
    ),
    "altered-counts-checksum-recomputed": (
        lambda p, t: _rewrite(batch(p, 0), _bump("played|moments|count"), fix_checksum=True),
        "batch-000000.npz",
    ),
    "altered-mean-checksum-recomputed": (
        lambda p, t: _rewrite(batch(p, 1), _bump("signature|counts|worlds"), fix_checksum=True),
        "batch-000001.npz",
    ),
    "missing-first": (lambda p, t: batch(p, 0).unlink(), "batch-000000.npz"),
    "reordered": (
        lambda p, t: (
            batch(p, 0).rename(p / "chunks" / "tmp"),
            batch(p, 1).rename(batch(p, 0)),
            (p / "chunks" / "tmp").rename(batch(p, 1)),
        ),
        "batch-000000.npz",
    ),
    "beyond-plan": (lambda p, t: shutil.copy(batch(p, 1), batch(p, 9)), "batch-000009.npz"),
    "stray-name": (lambda p, t: (p / "chunks" / "batch-x.npz").write_bytes(b"x"), "batch-x.npz"),
    "directory-as-batch": (lambda p, t: (batch(p, 1).unlink(), batch(p, 1).mkdir()), "batch-000001.npz"),
    "edited-seed": (lambda p, t: _edit_config(p, "seed = 1\n", "seed = 7\n"), "config.toml"),
    "edited-chunk-size": (lambda p, t: _edit_config(p, f"chunk_size = {CHUNK}", "chunk_size = 512"), "config.toml"),
    "edited-samples": (lambda p, t: _edit_config(p, f"samples = {SAMPLES}", "samples = 99999"), "config.toml"),
    "edited-regime": (
        lambda p, t: _edit_config(p, 'us_regime = "offshore_balancing"', 'us_regime = "grand_bargain"'),
        "config.toml",
    ),
    "edited-config-and-manifest-hash": (
        lambda p, t: (
            _edit_config(p, 'us_regime = "offshore_balancing"', 'us_regime = "grand_bargain"'),
            _edit_manifest(p, config_hash=model.load_config(p / "config.toml").hash),
        ),
        "batch-000000.npz",
    ),
    "manifest-seed": (lambda p, t: _edit_manifest(p, seed=99), "manifest.json"),
    "manifest-corrupt": (lambda p, t: (p / "manifest.json").write_text("{not json"), "manifest.json"),
    "manifest-array": (lambda p, t: (p / "manifest.json").write_text("[1, 2]"), "manifest.json"),
    "manifest-complete": (lambda p, t: _edit_manifest(p, status="complete"), "manifest.json"),
    "config-broken": (lambda p, t: (p / "config.toml").write_text("[[["), "config.toml"),
    "config-missing": (lambda p, t: (p / "config.toml").unlink(), "config.toml"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_resume_refuses_a_tampered_partial(name: str, partial: Path, templates: dict[str, Path]) -> None:
    inject, fragment = FAULTS[name]
    inject(partial, templates)
    before = sorted(p.name for p in partial.rglob("*"))
    status, output = resume(partial)
    lines = output.strip().splitlines()
    assert status == 2, output
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], output
    assert sorted(p.name for p in partial.rglob("*")) == before  # nothing merged, nothing written
    assert not partial.with_name(partial.name.removesuffix(".partial")).exists()


@pytest.mark.parametrize(
    "extra,fragment",
    [(["--target-se", "0.01"], "--target-se"), (["--keep-samples", "10"], "--keep-samples")],
)
def test_resume_refuses_options_that_change_the_result(partial: Path, extra: list[str], fragment: str) -> None:
    status, output = resume(partial, *extra)
    assert status == 2 and output.startswith(f"error: {fragment}") and len(output.strip().splitlines()) == 1


def test_untouched_partial_resumes_to_the_uninterrupted_result(partial: Path, templates: dict[str, Path]) -> None:
    status, output = resume(partial, "--keep-samples", "0", "--jobs", "1")
    assert status == 0, output
    final = Path(output.strip().splitlines()[-1])
    names = sorted(p.name for p in final.iterdir())
    assert names == ["claims.csv", "config.toml", "manifest.json", "results.nc", "selection_rules.csv"]
    for name in ("claims.csv", "selection_rules.csv"):  # the run's analyses, identical after a resume
        assert (final / name).read_bytes() == (templates["complete"] / name).read_bytes()
    with xr.open_dataset(final / "results.nc") as a, xr.open_dataset(templates["complete"] / "results.nc") as b:
        left, right = a.load(), b.load()
    for key in VOLATILE:
        left.attrs.pop(key, None)
        right.attrs.pop(key, None)
    xr.testing.assert_identical(left, right)


def test_a_partial_in_use_is_refused_without_a_traceback(partial: Path) -> None:
    holder = RunDirectory.open_partial(partial)
    holder.lock()
    try:
        status, output = resume(partial)
    finally:
        holder.unlock()
    assert status == 1 and output.strip() == f"error: {partial}: run is in use by another offshore process"
    assert len(list((partial / "chunks").iterdir())) == 2


@pytest.mark.slow
def test_two_concurrent_resumes_one_runs_the_other_is_refused(tmp_path: Path, templates: dict[str, Path]) -> None:
    """Two processes resume the same partial at once (a run long enough to overlap)."""
    args = ["run", str(BASELINE), "--samples", "2000000", "--set", "sampling.chunk_size=16384", "--jobs", "1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "model.cli", *args, "--quiet", "--no-report"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob("runs/*.partial/chunks/batch-*.npz")):
        time.sleep(0.05)
    proc.send_signal(2)
    proc.communicate(timeout=60)
    partial = next(tmp_path.glob("runs/*.partial"))
    command = [sys.executable, "-m", "model.cli", "run", "--resume", str(partial), "--jobs", "1", "--quiet"]
    procs = [subprocess.Popen([*command, "--no-report"], cwd=tmp_path, stderr=subprocess.PIPE, text=True)]
    time.sleep(1.0)
    procs.append(subprocess.Popen([*command, "--no-report"], cwd=tmp_path, stderr=subprocess.PIPE, text=True))
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert sorted(p.returncode for p in procs) == [0, 1], errors
    refused = errors[[p.returncode for p in procs].index(1)]
    assert "run is in use" in refused and len(refused.strip().splitlines()) == 1


def test_the_statistics_code_digest_covers_files_that_exist() -> None:
    """A renamed module must not drop silently out of the digest that guards resumes."""
    from model.checkpoints import STATS_MODULES

    root = Path(model.checkpoints.__file__).resolve().parent
    assert [name for name in STATS_MODULES if not (root / name).is_file()] == []

"""Bad input and environment faults: one line, exit 2 (input) or 1 (environment), nothing left behind."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import model.checkpoints
import model.execution
from model.cli import main
from model.cli_support import cap_jobs, execution_from_options
from model.execution import default_jobs
from model.rundir import RunDirectory, run_id
from model.stats import Moments

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
PAPER = ROOT / "configs" / "paper_table.toml"
RUN = ["run", "--samples", "2000", "--jobs", "1", "--no-report", "--quiet"]


def one_line_failure(result, status: int, fragment: str) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == status, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert fragment in lines[0], result.output
    return lines[0]


def nothing_written(root: Path) -> None:
    for name in ("runs", "reports"):
        path = root / name
        assert not path.exists() or not any(path.iterdir()), list(path.rglob("*"))


def _write(tmp: Path, name: str, data: bytes | str) -> str:
    path = tmp / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


BAD_INPUT = [
    # (args, fragment) -- the config files are made in tmp_path by the test
    (["run", "--bogus"], "--bogus"),
    (["run", "--samples", "1e15"], "--samples: sampling.samples"),
    (["run", "--samples", "100000000000000"], "more than the cap"),
    (["run", "--samples", "abc"], "--samples"),
    (["run", "--samples", "0"], "--samples"),
    (["run", "--seed", "-1"], "--seed"),
    (["run", "--jobs", "0"], "--jobs"),
    (["run", "--backend", "mpi"], "--backend"),
    (["run", "--target-se", "nan"], "--target-se"),
    (["run", "--target-se", "inf"], "--target-se"),
    (["run", "--target-se", "-1"], "--target-se"),
    (["run", "--target-se", "x"], "--target-se"),
    (["nosuchcommand"], "nosuchcommand"),
    (["run", str(PAPER), "--set", 'game.ordinal.noise_sd="0.5"'], "--set: game.ordinal.noise_sd"),
    (["run", str(PAPER), "--set", "game.ordinal.noise_sd=1e308"], "--set: game.ordinal.noise_sd"),
    (["run", str(PAPER), "--set", "game.ordinal.japan=[[1e300, 1], [1, 1]]"], "game.ordinal.japan"),
    (["run", str(PAPER), "--set", "game.ordinal.noise_sd=nan"], "game.ordinal.noise_sd"),
    (["run", str(BASELINE), "--set", "game.structural.japan.collapse_loss=1e308"], "japan.collapse_loss"),
    (
        ["run", str(BASELINE), "--set", 'game.structural.china_resolve={dist="uniform",min=-1.7e308,max=1.7e308}'],
        "game.structural.china_resolve",
    ),
    (
        ["run", str(BASELINE), "--set", 'game.structural.japan.war_loss={dist="lognormal",median=100,sigma=80}'],
        "game.structural.japan.war_loss: the prior reaches",
    ),
    (
        ["run", str(BASELINE), "--set", 'game.structural.japan.war_loss={dist="lognormal",median=1e300,sigma=1}'],
        "game.structural.japan.war_loss",
    ),
    (
        ["run", str(BASELINE), "--set", 'game.structural.japan.war_loss={dist="gamma",shape=1e-300,scale=1e300}'],
        "game.structural.japan.war_loss",
    ),
    (
        ["run", str(BASELINE), "--set", 'game.structural.retaliation_dilution={dist="beta",alpha=-1,beta=2}'],
        "--set: game.structural.retaliation_dilution: alpha must be positive",
    ),
    (["run", str(BASELINE), "--set", "sampling.chunk_size=1", "--samples", "100000000000"], "sampling.chunk_size"),
    (["run", str(BASELINE), "--set", "a=" + "[" * 3000 + "]" * 3000], "--set"),
    (["run", str(BASELINE), "--set", "sampling.samples=" + "[" * 30 + "]" * 30], "nested too deeply"),
    (["run", "/dev/zero"], "/dev/zero: larger than"),
    (["validate", "/dev/zero"], "/dev/zero: larger than"),
    (["run", "--scheduler", "not-an-address", str(PAPER)], "--scheduler: not-an-address"),
    (["show", "nowhere"], "nowhere"),
]


@pytest.mark.parametrize("args,fragment", BAD_INPUT, ids=[" ".join(a)[:60] for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    cli: CliRunner, tmp_path: Path, args: list[str], fragment: str
) -> None:
    extra = ["--no-report", "--quiet", "--jobs", "1"] if args[0] == "run" and "--bogus" not in args else []
    one_line_failure(cli.invoke(main, [args[0], *extra, *args[1:]]), 2, fragment)
    nothing_written(tmp_path)


CONFIG_FILES = {
    "non-utf8": (b'[meta]\nname = "\xff\xfe"\n', "not UTF-8"),
    "nested": ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    "nested-tables": ("".join(f"[{'.'.join(['t'] * d)}]\n" for d in range(1, 40)), "nested too deeply"),
    "huge": ("# " + "x" * (2 << 20) + "\n", "larger than"),
    "binary": (np.random.default_rng(1).bytes(3000), ""),
    "text-number": ('[game.ordinal]\nnoise_sd = "0.5"\n', "game.ordinal.noise_sd"),
    "long-table": ("[meta]\nname = 1\n", "meta.name"),
}


@pytest.mark.parametrize("name", list(CONFIG_FILES))
def test_bad_config_files(cli: CliRunner, tmp_path: Path, name: str) -> None:
    data, fragment = CONFIG_FILES[name]
    path = _write(tmp_path, f"{name}.toml", data)
    line = one_line_failure(cli.invoke(main, [*RUN, path]), 2, fragment)
    assert line.startswith(f"error: {path}")
    nothing_written(tmp_path)


def test_errors_in_an_extends_parent_name_the_parent(cli: CliRunner, tmp_path: Path) -> None:
    parent = _write(tmp_path, "parent.toml", f'extends = "{BASELINE}"\n[game.structural]\nhorizon_years = -1\n')
    child = _write(tmp_path, "child.toml", 'extends = "parent.toml"\n[meta]\nname = "child"\n')
    one_line_failure(cli.invoke(main, [*RUN, child]), 2, f"error: {parent}: game.structural.horizon_years:")
    bad = _write(tmp_path, "bad_parent.toml", b"x = \xff\n")
    child2 = _write(tmp_path, "child2.toml", 'extends = "bad_parent.toml"\n')
    one_line_failure(cli.invoke(main, [*RUN, child2]), 2, f"error: {bad}: not UTF-8")
    nothing_written(tmp_path)


def test_set_errors_name_the_option_and_file_errors_the_file(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, [*RUN, str(BASELINE), "--set", "policy.ptrl_share_japan=2"])
    one_line_failure(result, 2, "error: --set: policy.ptrl_share_japan:")
    bad = _write(tmp_path, "x.toml", BASELINE.read_text().replace("min = 0.3", "min = 0.9"))
    one_line_failure(cli.invoke(main, [*RUN, bad]), 2, f"error: {bad}: game.structural.delivery_efficiency:")


def test_beta_parameter_errors_are_reported_under_the_prior(cli: CliRunner) -> None:
    for field in ("alpha", "beta"):
        prior = f'{{dist="beta",alpha={-1 if field == "alpha" else 2},beta={-1 if field == "beta" else 2}}}'
        result = cli.invoke(main, ["validate", str(BASELINE), "--set", f"game.structural.retaliation_dilution={prior}"])
        line = one_line_failure(result, 2, f"{field} must be positive")
        assert ": game.structural.retaliation_dilution: " in line


def test_overlong_name_is_truncated_in_the_run_id(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, [*RUN, str(PAPER), "--set", f'meta.name="{"x" * 300}"'])
    assert result.exit_code == 0, result.output
    assert len(Path(result.output.strip().splitlines()[-1]).name) < 100
    assert len(run_id("é/" * 500, "0" * 16)) < 100


def test_output_path_in_the_way_is_an_environment_fault(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "runs").write_text("not a directory")
    one_line_failure(cli.invoke(main, [*RUN, str(PAPER)]), 1, "runs")
    (tmp_path / "runs").unlink()
    (tmp_path / "reports").write_text("not a directory")
    result = cli.invoke(main, ["run", "--samples", "2000", "--jobs", "1", "--quiet", str(PAPER)])
    one_line_failure(result, 1, "reports")
    assert not (tmp_path / "runs").exists()


def test_read_only_runs_directory(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.mkdir

    def denied(self: Path, *args, **kwargs):
        if self.name.endswith(".partial") or self.name == "runs":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", denied)
    one_line_failure(cli.invoke(main, [*RUN, str(PAPER)]), 1, "Permission denied")
    nothing_written(tmp_path)


@pytest.mark.parametrize("where", ["checkpoint", "results", "manifest"])
def test_full_disk_fails_in_one_line_and_leaves_nothing(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "runs/x")

    if where == "checkpoint":
        monkeypatch.setattr(model.checkpoints.np, "savez", full)
    elif where == "results":
        monkeypatch.setattr("model.rundir.write_netcdf", full)
    else:
        monkeypatch.setattr("model.rundir.atomic_write_bytes", full)
    result = cli.invoke(main, [*RUN, str(BASELINE), "--set", "sampling.chunk_size=1024"])
    line = one_line_failure(result, 1, "no space left on device")
    runs = list((tmp_path / "runs").iterdir()) if (tmp_path / "runs").exists() else []
    if where == "results":  # checkpoints were saved: the partial run is kept for --resume, and says so
        assert [p.suffix for p in runs] == [".partial"]
        assert f"resume with: offshore run --resume runs/{runs[0].name}" in line
        assert {p.name for p in runs[0].iterdir()} == {"config.toml", "manifest.json", "chunks"}
    else:
        assert runs == []


def test_non_finite_chunk_fails_naming_the_key_and_removes_the_partial(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = model.execution._chunk

    def overflowing(config, priors, k, n):
        stats = original(config, priors, k, n)
        burden = stats["burden"]
        stats["burden"] = Moments(burden.count, np.full_like(burden.mean, np.inf), burden.m2)
        return stats

    monkeypatch.setattr(model.execution, "_chunk", overflowing)
    result = cli.invoke(main, [*RUN, str(BASELINE), "--backend", "sequential"])
    one_line_failure(result, 2, f"error: {BASELINE}: burden: non-finite values")
    nothing_written(tmp_path)


def test_show_refuses_corrupt_and_foreign_results(cli: CliRunner, tmp_path: Path) -> None:
    done = cli.invoke(main, [*RUN, str(PAPER)])
    run_dir = tmp_path / done.output.strip().splitlines()[-1]
    results = run_dir / "results.nc"
    data = results.read_bytes()
    cases = {
        "truncated": data[: len(data) // 3],
        "empty": b"",
        "random": np.random.default_rng(2).bytes(5000),
    }
    for name, payload in cases.items():
        results.write_bytes(payload)
        one_line_failure(cli.invoke(main, ["show", str(run_dir)]), 2, "results.nc")
        assert name
    import xarray as xr

    xr.Dataset({"x": ("a", [1.0, 2.0])}).to_netcdf(results)
    one_line_failure(cli.invoke(main, ["show", str(run_dir)]), 2, "not an offshore results file")
    results.unlink()
    one_line_failure(cli.invoke(main, ["show", str(run_dir)]), 2, "no results.nc")
    (tmp_path / "afile").write_text("x")
    one_line_failure(cli.invoke(main, ["show", str(tmp_path / "afile")]), 2, "afile")


@pytest.mark.parametrize("target", ["foreign-dir", "file", "missing", "complete"])
def test_resume_refuses_what_is_not_a_partial(cli: CliRunner, tmp_path: Path, target: str) -> None:
    path = tmp_path / "x.partial"
    if target == "foreign-dir":
        path.mkdir()
        (path / "config.toml").write_text("[meta]\n")
        (path / "manifest.json").write_text("{}")
    elif target == "file":
        path.write_text("x")
    elif target == "complete":
        path = tmp_path / "done"
        path.mkdir()
        (path / "results.nc").write_text("x")
    one_line_failure(cli.invoke(main, ["run", "--resume", str(path), "--no-report"]), 2, str(path))


def test_unreachable_scheduler_fails_fast(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model.execution, "SCHEDULER_TIMEOUT", 1.0)
    started = time.monotonic()
    result = cli.invoke(main, [*RUN, str(PAPER), "--scheduler", "tcp://127.0.0.1:1"])
    one_line_failure(result, 1, "--scheduler: tcp://127.0.0.1:1: cannot reach the scheduler within 1 s")
    assert time.monotonic() - started < 20
    nothing_written(tmp_path)


def test_the_dask_backend_without_the_cluster_extra_is_one_line(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dask.distributed is optional (pip install '.[cluster]'): without it, asking for the
    dask backend says how to get it, on one line, and writes nothing."""
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if it were not installed
    result = cli.invoke(main, [*RUN, str(PAPER), "--backend", "dask"])
    one_line_failure(result, 1, "the dask backend needs dask.distributed")
    assert "[cluster]" in result.output
    nothing_written(tmp_path)


def test_jobs_are_capped_at_the_cores_unless_forced() -> None:
    cores = default_jobs()
    assert cap_jobs(None) == cores and cap_jobs(cores + 22) == cores and cap_jobs(cores + 22, force=True) == cores + 22
    assert execution_from_options(99, "loky", None, True).jobs == cores
    assert execution_from_options(99, "loky", None, True, force_jobs=True).jobs == 99


def test_run_directories_are_claimed_atomically(tmp_path: Path) -> None:
    made: list[Path] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            run = RunDirectory.create(tmp_path, "same", {"a": 1}, {"b": 2})
            made.append(run.partial)
            run.unlock()
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(made)) == 16


def test_two_identical_runs_started_together_both_succeed(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "model.cli", *RUN, str(PAPER), "--seed", "5"]
    procs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert len({out.strip().splitlines()[-1] for out, _ in outs}) == 2


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="process tree inspection through /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "model.cli", "run", str(BASELINE), "--samples", "50000000"]
    proc = subprocess.Popen(
        [*command, "--jobs", "2", "--force-jobs", "--no-report", "--quiet"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def children() -> set[int]:
        found = set()
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if f"PPid:\t{proc.pid}\n" in text:
                found.add(int(status.parent.name))
        return found

    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = children()
        time.sleep(0.2)
    assert workers, "no worker processes started"
    time.sleep(2)
    workers = children()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    alive = workers
    while time.monotonic() < deadline and alive:
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists() and "State:\tZ" not in _status(pid)}
        time.sleep(0.2)
    assert not alive, f"workers still alive: {alive}"


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["loky", "dask"])
def test_ctrl_c_to_the_process_group_prints_one_line(tmp_path: Path, backend: str) -> None:
    command = [sys.executable, "-m", "model.cli", "run", str(BASELINE), "--samples", "20000000", "--jobs", "2"]
    proc = subprocess.Popen(
        [*command, "--backend", backend, "--no-report", "--quiet"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob("runs/*.partial/chunks/batch-*.npz")):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and len(err.strip().splitlines()) == 1, err
    assert "resume with: offshore run --resume" in err


def test_a_malformed_scheduler_leaves_no_default_client_behind(cli: CliRunner) -> None:
    """A failed --scheduler must not leave a dask client that later runs (xarray) would find."""
    from distributed.client import _get_global_client

    one_line_failure(cli.invoke(main, ["run", "--scheduler", "not-an-address", str(PAPER)]), 2, "not-an-address")
    assert _get_global_client() is None
    result = cli.invoke(main, [*RUN, str(PAPER)])
    assert result.exit_code == 0, result.output

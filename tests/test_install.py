"""Installs that work anywhere: the wheel carries the configs, and the CLI lists and copies them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from model.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_runs_the_baseline_from_an_empty_directory(tmp_path: Path) -> None:
    """Build the wheel, install it (without dependencies: the test environment's serve)
    into a fresh virtual environment, and run the default config from an empty folder."""
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels)]
    subprocess.run([*build, str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("offshore-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300)
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run([python, "-c", "import model; print(model.__file__)"], cwd=empty, capture_output=True,
                           text=True, check=True)  # fmt: skip
    assert str(venv) in where.stdout  # the installed copy, not the checkout
    result = subprocess.run(
        [venv / "bin" / "offshore", "run", "--samples", "20000", "--quiet", "--no-report"],
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (run,) = (empty / "runs").iterdir()
    assert (run / "results.nc").is_file() and (run / "claims.csv").is_file()


def test_list_and_init_show_and_copy_the_shipped_configs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(main, ["list"])
    assert listed.exit_code == 0
    shipped = sorted(p.relative_to(ROOT / "configs").as_posix() for p in (ROOT / "configs").rglob("*.toml"))
    assert [line.split()[0] for line in listed.output.splitlines()] == shipped
    copied = runner.invoke(main, ["init", "mine"])
    assert copied.exit_code == 0, copied.output
    assert sorted(p.relative_to(tmp_path / "mine").as_posix() for p in (tmp_path / "mine").rglob("*.toml")) == shipped
    again = runner.invoke(main, ["init", "mine"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_validate_accepts_study_files_and_report_refuses_study_directories(tmp_path: Path, monkeypatch) -> None:
    import json
    import shutil

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for study in ("ptrl_share", "baseline_sensitivity"):
        checked = runner.invoke(main, ["validate", str(ROOT / "configs" / "studies" / f"{study}.toml")])
        assert checked.exit_code == 0 and checked.output.startswith("ok: "), checked.output
    run = runner.invoke(main, ["run", "--samples", "2000", "--quiet", "--no-report", "--jobs", "1"])
    assert run.exit_code == 0, run.output
    study = tmp_path / "runs" / "a-sweep"
    shutil.copytree(tmp_path / run.output.strip().splitlines()[-1], study)
    manifest = json.loads((study / "manifest.json").read_text())
    (study / "manifest.json").write_text(json.dumps({**manifest, "kind": "sweep"}))
    refused = runner.invoke(main, ["report", str(study)])
    assert refused.exit_code == 2 and "a sweep study, not a run" in refused.output
    assert len(refused.output.strip().splitlines()) == 1

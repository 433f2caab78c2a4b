"""The command line: exit codes, one-line errors, nothing written on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import xarray as xr
from click.testing import CliRunner

from model.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "configs" / "paper_table.toml"
BASELINE = ROOT / "configs" / "baseline.toml"


def test_run_writes_a_complete_run_directory(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, ["run", str(PAPER), "--samples", "2000", "--seed", "3", "--jobs", "1", "--no-report"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    run_dir = tmp_path / last
    assert run_dir.parent.name == "runs" and run_dir.is_dir()
    assert {p.name for p in run_dir.iterdir()} == {"config.toml", "results.nc", "manifest.json"}
    manifest = json.loads((run_dir / "manifest.json").read_text())
    for key in (
        "seed",
        "config_hash",
        "versions",
        "project_version",
        "wall_seconds",
        "stop_reason",
        "sampler",
        "backend",
        "jobs",
    ):
        assert key in manifest, key
    assert manifest["seed"] == 3 and manifest["status"] == "complete"
    with xr.open_dataset(run_dir / "results.nc") as ds:
        assert ds.attrs["config_hash"] == manifest["config_hash"]
        assert float(ds.played.sel(profile="PP")) == 1.0
    assert "played (95% CI)" in result.output
    shown = cli.invoke(main, ["show", str(run_dir)])
    assert shown.exit_code == 0 and "PP" in shown.output


def test_resolved_config_reproduces_the_run(cli: CliRunner, tmp_path: Path) -> None:
    first = cli.invoke(main, ["run", str(BASELINE), "--samples", "3000", "--jobs", "1", "--quiet", "--no-report"])
    run_dir = tmp_path / first.output.strip().splitlines()[-1]
    again = cli.invoke(main, ["run", str(run_dir / "config.toml"), "--jobs", "1", "--quiet", "--no-report"])
    assert again.exit_code == 0, again.output
    run_again = tmp_path / again.output.strip().splitlines()[-1]
    with xr.open_dataset(run_dir / "results.nc") as a, xr.open_dataset(run_again / "results.nc") as b:
        assert a.attrs["config_hash"] == b.attrs["config_hash"]
        xr.testing.assert_equal(a.load(), b.load())


@pytest.mark.parametrize(
    "args,fragment",
    [
        (
            ["--set", "game.structural.japan.balancing_cost.max=10"],
            "game.structural.japan.balancing_cost: max must exceed min",
        ),
        (["--set", "sampling.sampler=magic"], "sampling.sampler"),
        (["--set", "nonsense"], "KEY=VALUE"),
        (["--set", "policy.ptrl_share_japan=2"], "policy.ptrl_share_japan"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli: CliRunner, tmp_path: Path, args, fragment) -> None:
    result = cli.invoke(main, ["run", str(BASELINE), "--samples", "100", *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert not (tmp_path / "runs").exists()


def test_missing_config_file(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, ["run", "nope.toml"])
    assert result.exit_code == 2 and "nope.toml: file not found" in result.output
    assert not (tmp_path / "runs").exists()


def test_validate(cli: CliRunner, tmp_path: Path) -> None:
    ok = cli.invoke(main, ["validate", str(BASELINE)])
    assert ok.exit_code == 0 and ok.output.startswith("ok: ")
    bad = tmp_path / "bad.toml"
    shutil.copy(BASELINE, bad)
    bad.write_text(bad.read_text().replace("min = 0.3", "min = 0.9"))
    result = cli.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {bad}: game.structural.delivery_efficiency: max must exceed min"


def test_keep_samples_writes_per_world_records(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(
        main,
        [
            "run",
            str(BASELINE),
            "--samples",
            "5000",
            "--keep-samples",
            "1200",
            "--jobs",
            "1",
            "--quiet",
            "--no-report",
            "--set",
            "sampling.chunk_size=1024",
        ],
    )
    assert result.exit_code == 0, result.output
    run_dir = tmp_path / result.output.strip().splitlines()[-1]
    with xr.open_dataset(run_dir / "samples.nc") as samples, xr.open_dataset(run_dir / "results.nc") as ds:
        assert samples.sizes["world"] == 1200
        assert "input:game.structural.china_resolve" in samples
        assert samples.burden.dims == ("world", "country", "component")
        # played rows are probability vectors
        assert abs(float(samples.played.sum("profile").mean()) - 1.0) < 1e-12
        assert ds.attrs["samples"] == 5000

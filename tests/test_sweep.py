"""Sweeps: grid parsing, common random numbers, durable directories, one-line errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click
import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import model
import model.sensitivity.sweep as sweep_module
from model.config import ConfigError
from model.execution import Execution
from model.runner import RunInterrupted
from model.sensitivity import sweep_command
from model.sensitivity.studies import resume_sweep, start_sweep
from model.sensitivity.study import Axis, check_grid, load, parse_grid_option
from model.sensitivity.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
FLAGSHIP = ROOT / "configs" / "studies" / "ptrl_share.toml"
SMALL = ("sampling.chunk_size=2048", 'policy.financing="ptrl_japan"')
ALPHAS = (0.0, 0.25, 0.5, 1.0)


def alpha_study(samples: int = 4096):
    study = load(BASELINE, SMALL)
    return replace(study, axes=(Axis("policy.ptrl_share_japan", ALPHAS, "--grid"),), samples=samples, seed=11)


@pytest.fixture(scope="module")
def group() -> click.Group:
    main = click.Group("offshore")
    main.add_command(sweep_command())
    return main


# --------------------------------------------------------------------------- grid syntax


def test_range_includes_both_ends_without_rounding_noise() -> None:
    axis = parse_grid_option("policy.ptrl_share_japan=0:1:0.1")
    assert axis.values == tuple(round(0.1 * i, 10) for i in range(11))
    assert parse_grid_option("game.structural.horizon_years=1:9:4").values == (1, 5, 9)


def test_list_values_are_toml_literals_or_bare_words() -> None:
    assert parse_grid_option("policy.us_regime=offshore_balancing,grand_bargain").values == (
        "offshore_balancing",
        "grand_bargain",
    )
    assert parse_grid_option('policy.us_regime="grand_bargain"').values == ("grand_bargain",)
    assert parse_grid_option("game.structural.china_resolve=80,100.5").values == (80, 100.5)


@pytest.mark.parametrize(
    "option,fragment",
    [
        ("policy.ptrl_share_japan=0:1:0", "range step must be positive"),
        ("policy.ptrl_share_japan=1:0:0.1", "range stop must not be below start"),
        ("policy.ptrl_share_japan=0,x", "all numbers or all strings"),
        ("policy.ptrl_share_japan=0,0", "distinct"),
        ("policy.ptrl_share_japan", "expected KEY=V1,V2"),
        ("policy..x=1,2", "empty component"),
    ],
)
def test_bad_grid_options_are_one_line_config_errors(option: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_grid_option(option)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_every_point_is_validated_before_running() -> None:
    study = replace(load(BASELINE), axes=(Axis("policy.ptrl_share_japan", (0.5, 1.5), "--grid"),))
    check_grid(study)
    with pytest.raises(ConfigError) as err:
        study.resolve_points()
    assert str(err.value).startswith("error: --grid: policy.ptrl_share_japan")


def test_flagship_study_file_resolves_to_33_valid_points() -> None:
    study = load(FLAGSHIP)
    assert study.keys == ("policy.us_regime", "policy.ptrl_share_japan")
    assert study.shape == (3, 11)
    configs = study.resolve_points()
    assert {c.config.policy.financing for c in configs} == {"ptrl_japan"}
    assert [c.config.policy.ptrl_share_japan for c in configs[:11]] == pytest.approx(np.linspace(0, 1, 11), abs=1e-12)
    assert len({c.config.sampling.seed for c in configs}) == 1  # common random numbers


# ------------------------------------------------------------------ results of a sweep


@pytest.fixture(scope="module")
def alpha_sweep() -> xr.Dataset:
    return run_sweep(alpha_study(), Execution())


def test_japan_ptrl_burden_is_linear_and_increasing_in_alpha(alpha_sweep: xr.Dataset) -> None:
    # Under ptrl_japan Japan pays T * alpha * X in every world (MODEL.md §3.4); with the
    # same worlds at every alpha its mean is exactly alpha times the alpha = 1 mean.
    ptrl = alpha_sweep.burden.sel(country="japan", component="ptrl").values
    assert np.all(np.diff(ptrl) > 0)
    np.testing.assert_allclose(ptrl, np.asarray(ALPHAS) * ptrl[-1], rtol=1e-12)
    assert alpha_sweep.burden.sel(country="korea", component="ptrl").values.max() == 0


def test_each_point_equals_a_separate_run_with_the_same_seed(alpha_sweep: xr.Dataset) -> None:
    study = alpha_study()
    for alpha in (ALPHAS[0], ALPHAS[2]):
        alone = model.simulate(
            BASELINE,
            n_samples=4096,
            seed=11,
            overrides=[*SMALL, f"policy.ptrl_share_japan={alpha}"],
        )
        point = alpha_sweep.sel({"policy.ptrl_share_japan": alpha}).drop_vars("config_hash")
        alone = alone.reindex(eq_set=point.eq_set.values, fill_value=0.0)
        estimates = [n for n, v in alone.data_vars.items() if v.attrs.get("role") not in ("trace", "sample")]
        assert estimates and all(name in point for name in estimates)  # run records stay in the points' runs
        for name in estimates:
            np.testing.assert_array_equal(point[name].values, alone[name].values, err_msg=name)
    assert alpha_sweep.attrs["seed"] == 11 and alpha_sweep.attrs["samples"] == study.samples


def test_parallel_points_give_identical_results(alpha_sweep: xr.Dataset) -> None:
    parallel = run_sweep(alpha_study(), Execution(backend="threading", jobs=2))
    xr.testing.assert_identical(parallel.drop_attrs(), alpha_sweep.drop_attrs())


def test_points_share_draws_without_changing_them() -> None:
    """Grid points reuse each prior's draws (model.sampling.shared_draws): the reused
    arrays equal fresh draws, are read-only, and a prior that differs is drawn afresh."""
    from model.engine import draw_worlds
    from model.sampling import shared_draws

    plan = sweep_module.SweepPlan.of(alpha_study())
    first, last = plan.configs[0], plan.configs[-1]
    fresh = draw_worlds(first.config, first.priors(), 1, 2048)
    with shared_draws() as memo:
        memo.clear()
        once = draw_worlds(first.config, first.priors(), 1, 2048)
        again = draw_worlds(last.config, last.priors(), 1, 2048)
    assert fresh.keys() == once.keys() == again.keys()
    for key, prior in first.priors().items():
        np.testing.assert_array_equal(once[key], fresh[key], err_msg=key)
        if not prior.is_fixed:
            assert again[key] is once[key] and not once[key].flags.writeable, key
    assert fresh["game.structural.china_resolve"].flags.writeable  # outside the block: fresh arrays
    with shared_draws():
        wider = first.priors()["game.structural.china_resolve"].model_copy(update={"max": 99.0})
        moved = draw_worlds(first.config, {**first.priors(), "game.structural.china_resolve": wider}, 1, 2048)
    assert not np.array_equal(moved["game.structural.china_resolve"], once["game.structural.china_resolve"])


def test_equilibrium_sets_are_the_union_over_points(alpha_sweep: xr.Dataset) -> None:
    freq = alpha_sweep.eq_set_freq
    np.testing.assert_allclose(freq.sum("eq_set").values, 1.0, atol=1e-12)
    assert freq.dims == ("policy.ptrl_share_japan", "eq_set")
    codes = alpha_sweep.eq_set_code.values
    assert np.all(np.diff(codes) > 0)


# ------------------------------------------------------------------ directories and CLI


def test_interrupted_sweep_resumes_to_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alpha_sweep: xr.Dataset
) -> None:
    real = sweep_module.simulate_point
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "simulate_point", flaky)
    with pytest.raises(RunInterrupted) as stopped:
        start_sweep(alpha_study(), Execution(), tmp_path / "runs", charts=False)
    partial = stopped.value.path
    assert partial.name.endswith(".partial") and stopped.value.saved == 2
    monkeypatch.setattr(sweep_module, "simulate_point", real)
    result = resume_sweep(partial, Execution(), charts=False)
    assert not partial.exists() and result.manifest["points_resumed"] == 2
    with xr.open_dataset(result.path / "results.nc") as ds:
        for name in alpha_sweep.data_vars:
            np.testing.assert_array_equal(ds[name].values, alpha_sweep[name].values, err_msg=name)


def test_cli_sweep_writes_a_complete_self_contained_study(cli: CliRunner, group: click.Group, tmp_path: Path) -> None:
    args = [
        "sweep",
        str(BASELINE),
        "--grid",
        "policy.us_regime=offshore_balancing,grand_bargain",
        "--grid",
        "policy.ptrl_share_japan=0:1:0.5",
        "--set",
        'policy.financing="ptrl_japan"',
        "--set",
        "sampling.chunk_size=2048",
        "--samples",
        "2048",
        "--jobs",
        "1",
    ]
    result = cli.invoke(group, args)
    assert result.exit_code == 0, result.output
    path = tmp_path / result.output.strip().splitlines()[-1]
    assert path.parent.name == "runs" and not path.name.endswith(".partial")
    names = {p.name for p in path.iterdir()}
    assert {
        "config.toml",
        "study.toml",
        "results.nc",
        "manifest.json",
        "summary.md",
        "study.html",
        "charts",
        "tables",
    } <= names
    assert "chunks" not in names
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "sweep" and manifest["points"] == 6
    with xr.open_dataset(path / "results.nc") as ds:
        assert ds.p_collapse.dims == ("policy.us_regime", "policy.ptrl_share_japan")
        assert list(ds["policy.us_regime"].values) == ["offshore_balancing", "grand_bargain"]
        assert float(ds.p_us_intervenes.sel({"policy.us_regime": "grand_bargain"}).max()) == 0.0
    charts = sorted(p.name for p in (path / "charts").iterdir())
    assert "sweep_ptrl_share_japan_headline.png" in charts and "sweep_ptrl_share_japan_headline.svg" in charts
    page = (path / "study.html").read_text()
    assert "data:image/png;base64," in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    # The directory reproduces itself: its study.toml names the resolved config.
    again = cli.invoke(group, ["sweep", str(path / "study.toml"), "--jobs", "1", "--no-charts", "--quiet"])
    assert again.exit_code == 0, again.output
    with (
        xr.open_dataset(path / "results.nc") as a,
        xr.open_dataset(tmp_path / again.output.strip() / "results.nc") as b,
    ):
        np.testing.assert_array_equal(a.burden.values, b.burden.values)


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--grid", "policy.ptrl_shares=0,1"], "error: --grid: policy.ptrl_shares: unknown key"),
        (["--grid", "policy.ptrl_share_japan=0:2:0.5"], "error: --grid: policy.ptrl_share_japan"),
        (["--grid", "policy.ptrl_share_japan=0:1:-1"], "range step must be positive"),
        ([], "grid: no grid given"),
        (
            [
                "--grid",
                "game.structural.china_resolve=10,20",
                "--set",
                "game.structural.taiwan_deterrent.max=1",
            ],
            "game.structural.taiwan_deterrent",
        ),
    ],
)
def test_bad_sweep_input_exits_2_with_one_line_and_writes_nothing(
    cli: CliRunner, group: click.Group, tmp_path: Path, args: list[str], fragment: str
) -> None:
    result = cli.invoke(group, ["sweep", str(BASELINE), *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.output
    assert not (tmp_path / "runs").exists()


def test_bad_study_file_names_file_and_key(cli: CliRunner, group: click.Group, tmp_path: Path) -> None:
    study = tmp_path / "study.toml"
    study.write_text(
        f'base = "{BASELINE.as_posix()}"\nsamples = 100\n'
        '[grid]\n"policy.ptrl_share_japan" = { start = 0, stop = 1 }\n'
    )
    result = cli.invoke(group, ["sweep", str(study)])
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == f"error: {study}: grid.policy.ptrl_share_japan: range needs start, stop and step (missing step)"
    )
    study.write_text(f'base = "{BASELINE.as_posix()}"\nsample = 100\n')
    result = cli.invoke(group, ["sweep", str(study)])
    assert result.exit_code == 2 and "sample: unknown key" in result.output
    assert not (tmp_path / "runs").exists()

"""Sensitivity analyses checked against answers known in advance.

The hand-made config below has a game whose play can be worked out on paper:

* grand bargain (the US never intervenes) and no PTRL financing, so X, kappa, lambda
  and the war losses are drawn but cannot matter;
* Taiwan contributes t = 70 and Korea's outlay c_K = 5 never deters alone (75 < a);
  Japan alone deters whenever 70 + c_J >= a;
* Korea never balances: when Japan balances deterrence holds without Korea, and when
  Japan passes Korea cannot deter alone, so passing is always cheaper for Korea;
* where Japan alone deters, balancing costs Japan T (c_J + r_J) <= 5 (70 + 50) = 600
  < L_J = 1000, so Japan balances: the world plays BP and Japan's burden is exactly
  5 (c_J + r_J); where even both together fail (70 + c_J + 5 < a), both pass and
  the balance collapses: Japan's burden is L_J = 1000.
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pytest
import scipy.stats
import xarray as xr
from click.testing import CliRunner

import model
from model.config import ConfigError, load_config
from model.execution import Execution
from model.sensitivity import (
    WorldModel,
    prim,
    rank_correlations,
    regime_map,
    sensitivity_command,
    sobol,
    tornado,
)
from model.sensitivity.map_charts import boundary_segments
from model.sensitivity.sobol import design, indices
from model.sensitivity.study import Axis
from model.sensitivity.worlds import Sample
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
PAPER = ROOT / "configs" / "paper_table.toml"

HAND = """
[meta]
name = "hand"
[sampling]
samples = 4096
seed = 7
chunk_size = 4096
[game]
mode = "structural"
[policy]
us_regime = "grand_bargain"
financing = "none"
[game.structural]
horizon_years = 5.0
retaliation_dilution = 0.5
taiwan_deterrent = 70.0
china_resolve = {{ dist = "uniform", min = 100.0, max = 140.0 }}
ptrl_value = {{ dist = "uniform", min = 5.0, max = 15.0 }}
delivery_efficiency = {{ dist = "uniform", min = 0.3, max = 0.8 }}
ptrl_leverage = {{ dist = "uniform", min = 1.0, max = 2.0 }}
[game.structural.japan]
balancing_cost = {c_j}
retaliation = {{ dist = "uniform", min = 10.0, max = 50.0 }}
war_loss = {{ dist = "uniform", min = 100.0, max = 200.0 }}
collapse_loss = 1000.0
[game.structural.korea]
balancing_cost = 5.0
retaliation = {{ dist = "uniform", min = 5.0, max = 15.0 }}
war_loss = 300.0
collapse_loss = 400.0
"""
UNIFORM_CJ = '{ dist = "uniform", min = 50.0, max = 70.0 }'
INERT = (
    "game.structural.japan.war_loss",
    "game.structural.korea.retaliation",
    "game.structural.ptrl_value",
    "game.structural.delivery_efficiency",
    "game.structural.ptrl_leverage",
)


def hand_config(tmp_path: Path, c_j: str = UNIFORM_CJ, overrides: tuple[str, ...] = ()):
    path = tmp_path / "hand.toml"
    path.write_text(HAND.format(c_j=c_j))
    return resolve(path, overrides=list(overrides))


def within(estimate: float, truth: float, ci: np.ndarray, k: float = 4.0) -> bool:
    """|estimate - truth| within k standard errors, the se read off a 95 % interval."""
    se = (ci[1] - ci[0]) / (2 * 1.959963984540054)
    return abs(estimate - truth) <= k * max(se, 1e-12)


# ------------------------------------------------------------------------------ tornado


def test_tornado_recovers_a_planted_dominant_input(tmp_path: Path) -> None:
    """Widen one input far beyond the others and it ranks first; inputs that cannot act
    (the US is out under the grand bargain, there is no list) have a swing of exactly 0,
    because both ends are evaluated on the same worlds."""
    planted = "game.structural.japan.retaliation"
    result = tornado(
        WorldModel(hand_config(tmp_path, overrides=(f'{planted}={{dist="uniform", min=10.0, max=400.0}}',)))
    )
    assert result.inputs[0] == planted
    assert result.swing()[0] > 3 * result.swing()[1] and result.swing_se["japan_burden"][0] > 0
    never = set(INERT) - {"game.structural.korea.retaliation"}  # Korea's retaliation acts in some worlds
    inert = [i for i, key in enumerate(result.inputs) if key in never]
    assert len(inert) == len(never)
    np.testing.assert_array_equal(result.swing()[inert], 0.0)
    np.testing.assert_array_equal(result.swing_se["japan_burden"][inert], 0.0)
    frame = result.to_frame()
    assert (
        list(frame["rank"]) == list(range(1, len(result.inputs) + 1)) and frame["swing_usd_bn"].is_monotonic_decreasing
    )
    # Default hand config: China's resolve decides collapse (a threshold), and ranks first.
    assert tornado(WorldModel(hand_config(tmp_path))).inputs[0] == "game.structural.china_resolve"


def test_tornado_ends_agree_with_runs_with_the_input_fixed(tmp_path: Path) -> None:
    """E[f | input at p90] from the tornado's design equals, within Monte Carlo error, a
    run of the engine with that input fixed at its p90 (an independent path)."""
    loaded = hand_config(tmp_path)
    result = tornado(WorldModel(loaded))
    i = result.inputs.index("game.structural.china_resolve")
    value = result.values[2, i]
    ds = model.simulate(loaded, n_samples=32768, overrides=[f"game.structural.china_resolve={float(value)!r}"])
    run = ds.offshore.estimate("japan_burden")
    gap = abs(result.high["japan_burden"][i] - run.value)
    assert gap <= 4 * np.hypot(result.high_se["japan_burden"][i], run.se)
    assert value == pytest.approx(136.0)  # the p90 of U(100, 140)


# ------------------------------------------------------------------------------- Sobol'


def test_single_uncertain_input_has_total_index_one_and_the_others_zero(tmp_path: Path) -> None:
    # c_J and a fixed: every world plays BP and Japan's burden is 5 (60 + r_J), so r_J is
    # the only input that matters; the five inert inputs are still drawn.
    loaded = hand_config(tmp_path, c_j="60.0", overrides=("game.structural.china_resolve=120.0",))
    wm = WorldModel(loaded)
    assert set(wm.inputs) == {"game.structural.japan.retaliation", *INERT}
    result = sobol(wm, 2**10, seed=3)
    o = result.outputs.index("japan_burden")
    i = result.inputs.index("game.structural.japan.retaliation")
    assert within(result.total[o, i], 1.0, result.total_ci[:, o, i])
    assert within(result.first[o, i], 1.0, result.first_ci[:, o, i])
    others = [j for j in range(len(result.inputs)) if j != i]
    # f(AB_j) = f(A) exactly for an inert input, so both estimators are exactly 0.
    assert np.all(result.total[o, others] == 0) and np.all(result.first[o, others] == 0)
    # P(collapse) is 0 in every world: no variance, no indices.
    assert np.all(np.isnan(result.total[result.outputs.index("p_collapse")]))


def test_additive_inputs_split_the_variance_by_their_variances(tmp_path: Path) -> None:
    # a = 120 fixed: burden = 5 (c_J + r_J) with c_J ~ U(50, 70), r_J ~ U(10, 50):
    # variances 20^2/12 and 40^2/12, so S = 0.2 and 0.8, first order = total order.
    loaded = hand_config(tmp_path, overrides=("game.structural.china_resolve=120.0",))
    result = sobol(WorldModel(loaded), 2**12, seed=5)
    o = result.outputs.index("japan_burden")
    for key, truth in (
        ("game.structural.japan.balancing_cost", 0.2),
        ("game.structural.japan.retaliation", 0.8),
    ):
        i = result.inputs.index(key)
        assert within(result.first[o, i], truth, result.first_ci[:, o, i]), key
        assert within(result.total[o, i], truth, result.total_ci[:, o, i]), key
        assert result.first_ci[0, o, i] < result.first[o, i] < result.first_ci[1, o, i]


def test_bootstrap_uses_scipys_estimator(tmp_path: Path) -> None:
    wm = WorldModel(hand_config(tmp_path))
    n, d = 256, wm.dimension
    a, b = design(wm, n, seed=1)
    f_a, f_b = wm(a), wm(b)
    f_ab = np.stack([wm(np.where(np.arange(d)[:, None] == i, b, a)) for i in range(d)])
    reference = scipy.stats.sobol_indices(func={"f_A": f_a, "f_B": f_b, "f_AB": f_ab}, n=n)
    mean = np.mean(np.concatenate([f_a, f_b], axis=1), axis=1)
    first, total = indices(f_a - mean[:, None], f_b - mean[:, None], f_ab - mean[None, :, None])
    ok = np.isfinite(first)
    np.testing.assert_allclose(first[ok], np.asarray(reference.first_order)[ok], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(total[ok], np.asarray(reference.total_order)[ok], rtol=1e-10, atol=1e-12)


def test_sobol_is_reproducible_and_independent_of_jobs(tmp_path: Path) -> None:
    wm = WorldModel(hand_config(tmp_path))
    one = sobol(wm, 2**8, seed=9, resamples=50)
    two = sobol(wm, 2**8, seed=9, resamples=50, execution=Execution(backend="threading", jobs=2))
    np.testing.assert_array_equal(one.total, two.total)
    np.testing.assert_array_equal(one.total_ci, two.total_ci)


# ----------------------------------------------------------------------- world model


def test_world_model_reproduces_a_run(tmp_path: Path) -> None:
    loaded = resolve(BASELINE, n_samples=8192, overrides=["sampling.chunk_size=4096"])
    sample = WorldModel(loaded).sample(8192, Execution())
    ds = model.simulate(loaded)
    assert np.mean(sample.y["p_collapse"]) == pytest.approx(float(ds.p_collapse), rel=1e-12)
    assert np.mean(sample.y["japan_burden"]) == pytest.approx(
        float(ds.burden.sel(country="japan", component="total")), rel=1e-12
    )
    assert np.mean(sample.y["japan_alone"]) == pytest.approx(float(ds.played.sel(profile="BP")), rel=1e-12)


def test_ordinal_config_is_refused_with_one_line() -> None:
    with pytest.raises(ConfigError) as err:
        WorldModel(resolve(PAPER))
    assert "game.mode" in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------------- rank and PRIM


def test_rank_correlations_find_the_monotone_input() -> None:
    rng = np.random.default_rng(4)
    n = 20_000
    x = rng.random((3, n))
    y = np.exp(3 * x[0]) + 0.05 * rng.standard_normal(n)  # monotone in x0 only
    result = rank_correlations(
        Sample(
            ("x0", "x1", "x2"),
            x,
            {
                "japan_burden": y,
                "p_collapse": np.zeros(n),
                "japan_alone": (x[1] > 0.5).astype(float),
            },
        )
    )
    se = np.sqrt(1.06 / (n - 3))
    assert result.spearman[0, 0] > 0.95 and result.prcc[0, 0] > 0.95
    assert np.all(np.abs(result.spearman[0, 1:]) < 4 * se)
    assert np.all(np.isnan(result.spearman[1]))  # constant output
    # An indicator of x1 > 0.5 has rank correlation sqrt(3)/2 with x1 (uniform x1).
    assert abs(result.spearman[2, 1] - np.sqrt(3) / 2) < 4 * se


def planted(seed: int, n: int = 20_000, d: int = 5, noise: float = 0.05):
    rng = np.random.default_rng(seed)
    x = rng.random((d, n))
    inside = (x[0] >= 0.2) & (x[0] <= 0.5) & (x[1] >= 0.6) & (x[1] <= 0.9)
    flip = rng.random(n) < noise
    return x, np.where(flip, ~inside, inside).astype(float)


@pytest.mark.parametrize("seed", [0, 1])
def test_prim_recovers_a_planted_box(seed: int) -> None:
    x, y = planted(seed)
    threshold = 0.9
    result = prim(x, y, tuple(f"x{i}" for i in range(5)), threshold=threshold)
    box = result.boxes[0]
    assert box.rule == "threshold" and box.stats.density >= threshold
    assert set(np.flatnonzero(box.stats.box.restricted)) == {0, 1}
    # Inside the planted box y = 1 with probability 0.95, outside with 0.05. A box of
    # density >= 0.9 can hold at most V (0.95 - 0.9) / (0.9 - 0.05) = 0.0053 of extra
    # volume (V = 0.09), i.e. move one bound by at most 0.0053 / 0.3 = 0.018; allow
    # 0.03 for the peeling steps (5 % of the box) and sampling noise.
    np.testing.assert_allclose(box.stats.box.lower[:2], [0.2, 0.6], atol=0.03)
    np.testing.assert_allclose(box.stats.box.upper[:2], [0.5, 0.9], atol=0.03)
    # Coverage: the box holds most of the planted positives (0.95 * 0.09 of 0.131 of y).
    assert box.stats.coverage > 0.9 * (0.95 * 0.09) / y.mean()
    trajectory = box.trajectory
    assert trajectory[0].coverage == 1.0 and trajectory[0].mass == 1.0
    assert np.all(np.diff([s.mass for s in trajectory]) < 0)


def test_prim_handles_discrete_inputs() -> None:
    rng = np.random.default_rng(2)
    n = 10_000
    x = np.stack([rng.integers(0, 4, n).astype(float), rng.random(n)])
    y = (x[0] == 3).astype(float)
    box = prim(x, y, ("category", "u"), threshold=0.99).boxes[0]
    assert box.stats.density == 1.0 and box.stats.coverage == 1.0
    assert box.stats.box.lower[0] == 3.0 and not box.stats.box.restricted[1]


def _reference_peel(x: np.ndarray, y: np.ndarray, alpha: float, mass_min: float) -> list[tuple]:
    """Peeling written out on the values, one candidate at a time (no ranks, no sorted
    orders): the bounds after each step."""
    d, n = x.shape
    lower, upper = np.full(d, -np.inf), np.full(d, np.inf)
    inside = np.ones(n, dtype=bool)
    steps = []
    while y[inside].mean() < 1.0 - 1e-12:
        m = int(inside.sum())
        k = max(1, int(np.floor(alpha * m)))
        if k >= m:
            break
        best = None
        for j in range(d):
            values = np.sort(x[j, inside])
            for side in (0, 1):
                cut = values[k] if side == 0 else values[m - 1 - k]
                edge = values[0] if side == 0 else values[-1]
                if cut == edge:  # the cut would keep every world: the next distinct value
                    rest = values[values != edge]
                    if rest.size == 0:
                        continue
                    cut = rest.min() if side == 0 else rest.max()
                keep = inside & ((x[j] >= cut) if side == 0 else (x[j] <= cut))
                kept = int(keep.sum())
                if kept < mass_min * n:
                    continue
                key = (float(y[keep].mean()), kept - m)
                if best is None or key > best[0]:
                    best = (key, j, side, cut, keep)
        if best is None:
            break
        _key, j, side, cut, inside = best
        (lower if side == 0 else upper)[j] = cut
        steps.append((lower.copy(), upper.copy()))
    return steps


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("target", ["indicator", "probability"])
def test_prim_peels_as_the_method_reads_on_the_values(seed: int, target: str) -> None:
    """The trajectory's boxes are the peels of a plain reading of the method, with ties
    (discrete and rounded inputs) and with a 0/1 target (whose means are counts) or a
    target of probabilities."""
    from model.prim import peel

    rng = np.random.default_rng(seed)
    n = 3000
    x = np.stack([rng.random(n), rng.integers(0, 5, n).astype(float), np.round(rng.random(n), 1), rng.random(n)])
    p = np.clip(0.2 + 0.6 * (x[0] > 0.4) * (x[1] >= 2) + rng.normal(0, 0.1, n), 0, 1)
    y = (rng.random(n) < p).astype(float) if target == "indicator" else p
    trajectory = peel(x, y, np.ones(n, dtype=bool), alpha=0.05, mass_min=0.05, n=n, y_total=float(y.sum()))
    expected = _reference_peel(x, y, alpha=0.05, mass_min=0.05)
    assert len(trajectory) == len(expected) + 1 and len(expected) > 10
    for stats, (lower, upper) in zip(trajectory[1:], expected, strict=True):
        assert np.array_equal(stats.box.lower, lower) and np.array_equal(stats.box.upper, upper)


# ------------------------------------------------------------------------ regime maps


def test_regime_map_cells_equal_runs_with_both_inputs_fixed() -> None:
    loaded = resolve(BASELINE, overrides=["sampling.chunk_size=4096"])
    x_axis = Axis("game.structural.us.offshore_balancing.threshold", (40.0, 120.0), "--regime-x")
    y_axis = Axis("game.structural.japan.retaliation", (20.0, 60.0, 100.0), "--regime-y")
    result = regime_map(loaded, x_axis, y_axis, n=4096)
    assert result.modal.shape == (3, 2)
    for iy, ix in ((0, 0), (2, 1)):
        ds = model.simulate(
            loaded,
            n_samples=4096,
            overrides=[f"{x_axis.key}={x_axis.values[ix]}", f"{y_axis.key}={y_axis.values[iy]}"],
        )
        assert result.mean["p_collapse"][iy, ix] == pytest.approx(float(ds.p_collapse), rel=1e-12)
        assert result.se["p_collapse"][iy, ix] == pytest.approx(float(ds.p_collapse_se), rel=1e-6)
        japan = float(ds.burden.sel(country="japan", component="total"))
        assert result.mean["japan_burden"][iy, ix] == pytest.approx(japan, rel=1e-12)
        freq = ds.eq_set_freq.assign_coords(eq_set=ds.eq_set_code.values)
        for k, code in enumerate(result.codes):
            expected = float(freq.sel(eq_set=code)) if code in freq.eq_set else 0.0
            assert result.freq[iy, ix, k] == pytest.approx(expected, abs=1e-15)
    # Retaliation against a lone balancer only makes balancing costlier: with the same
    # worlds in every cell, P(collapse) cannot fall as r_J rises.
    assert np.all(np.diff(result.mean["p_collapse"], axis=0) >= 0)


def test_boundaries_follow_category_changes() -> None:
    modal = np.array([[1, 1, 2], [1, 2, 2]])
    segments = boundary_segments(modal, np.array([0.0, 1, 2, 3]), np.array([0.0, 1, 2]))
    assert sorted(map(tuple, map(lambda s: (tuple(s[0]), tuple(s[1])), segments))) == sorted(
        [
            ((2.0, 0.0), (2.0, 1.0)),
            ((1.0, 1.0), (1.0, 2.0)),
            ((1.0, 1.0), (2.0, 1.0)),
        ]
    )


# ------------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def group() -> click.Group:
    main = click.Group("offshore")
    main.add_command(sensitivity_command())
    return main


def test_cli_sensitivity_writes_every_method(cli: CliRunner, group: click.Group, tmp_path: Path) -> None:
    result = cli.invoke(
        group,
        [
            "sensitivity",
            str(BASELINE),
            "--method",
            "all",
            "--samples",
            "4096",
            "--sobol-samples",
            "256",
            "--regime-x",
            "game.structural.us.offshore_balancing.threshold=40:120:40",
            "--regime-y",
            "game.structural.china_resolve",
            "--regime-steps",
            "3",
            "--regime-samples",
            "1024",
            "--set",
            "sampling.chunk_size=2048",
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / result.output.strip().splitlines()[-1]
    charts = {p.name for p in (path / "charts").iterdir()}
    for name in (
        "tornado",
        "sobol",
        "rank_correlations",
        "prim_p_collapse",
        "prim_japan_alone",
        "regime_map_us_offshore_balancing_threshold_china_resolve",
    ):
        assert {f"{name}.png", f"{name}.svg"} <= charts, name
    tables = {p.name for p in (path / "tables").iterdir()}
    assert {
        "tornado.csv",
        "sobol.csv",
        "rank_correlations.csv",
        "prim_p_collapse_boxes.csv",
        "regime_map.csv",
    } <= tables
    with xr.open_dataset(path / "results.nc") as ds:
        uncertain = [k for k, prior in load_config(BASELINE).priors().items() if not prior.is_fixed]
        assert ds.sobol_total.dims == ("output", "input") and list(ds.input.values) == uncertain
        assert ds.map_p_collapse.shape == (3, 3)
        assert "tornado_japan_burden" in ds and "prim_p_collapse_lower" in ds
    page = (path / "study.html").read_text()
    from model.sensitivity.analysis import PRIM_TARGETS

    assert page.count("data:image/png;base64,") == 4 + len(PRIM_TARGETS)  # tornado, Sobol', ranks, map, PRIM
    assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--sobol-samples", "1000"], "--sobol-samples: must be a power of two"),
        (["--method", "regime"], "a regime map needs --regime-x KEY and --regime-y KEY"),
        (
            [
                "--method",
                "regime",
                "--regime-x",
                "game.structural.taiwan_deterrent",
                "--regime-y",
                "policy.nope=1,2",
            ],
            "policy.nope: unknown key",
        ),
        (
            [
                "--method",
                "regime",
                "--regime-x",
                "game.structural.ptrl_retaliation",
                "--regime-y",
                "game.structural.taiwan_deterrent",
            ],
            "game.structural.ptrl_retaliation: give the map's values",
        ),
        (["--set", 'game.mode="ordinal"'], "sensitivity analysis needs game.mode"),
    ],
)
def test_bad_sensitivity_input_exits_2_with_one_line(
    cli, group, tmp_path: Path, args: list[str], fragment: str
) -> None:
    result = cli.invoke(group, ["sensitivity", str(BASELINE), *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.output
    assert not (tmp_path / "runs").exists()

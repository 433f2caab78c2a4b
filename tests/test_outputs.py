"""The output registry and the ``ds.offshore`` accessor (model/outputs.py, model/accessor.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import model
from model.config import load_config
from model.engine import draw_worlds, solve_worlds
from model.outputs import ANALYSED, HEADLINE, OUTPUTS, PROBABILITY, applicable, output

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
N = 8192  # one chunk


@pytest.fixture(scope="module")
def structural():
    return model.simulate(BASELINE, n_samples=N, overrides=[f"sampling.chunk_size={N}"])


@pytest.fixture(scope="module")
def ordinal():
    return model.simulate(
        ROOT / "configs" / "paper_table.toml", n_samples=2000, overrides=["game.ordinal.noise_sd=1.0"]
    )


def test_registry_is_consistent() -> None:
    assert len(OUTPUTS) == len({o.name for o in OUTPUTS.values()})
    assert set(HEADLINE) <= set(OUTPUTS) and set(ANALYSED) <= set(OUTPUTS)
    for out in OUTPUTS.values():
        assert out.label["en"].strip() and out.label["zh-TW"].strip(), out.name
        assert out.short["en"].strip() and out.short["zh-TW"].strip(), out.name
    assert all(OUTPUTS[name].per_world is not None for name in ANALYSED)
    with pytest.raises(ValueError, match="unknown output 'nope'"):
        output("nope")


def test_every_output_reads_an_estimate_with_its_unit(structural, ordinal) -> None:
    for ds, outs in ((structural, applicable(True)), (ordinal, applicable(False))):
        for out in outs:
            assert ds.offshore.has(out.name), out.name
            units = ds[out.variable].attrs["units"]
            assert (units == "1") == (out.unit == PROBABILITY), out.name
            estimate = ds.offshore.of(out)
            raw = ds[out.variable].sel(dict(out.index)) if out.index else ds[out.variable]
            assert estimate.value == float(raw) and estimate.se == float(ds[f"{out.variable}_se"].sel(dict(out.index)))
            assert estimate.low <= estimate.value <= estimate.high
    assert not ordinal.offshore.has("japan_burden")


def test_per_world_forms_average_to_the_estimates(structural) -> None:
    """Each output's per-world form, averaged over the run's own worlds, is its estimate:
    the sensitivity methods analyse exactly the quantity the report shows."""
    loaded = load_config(BASELINE, [f"sampling.chunk_size={N}", f"sampling.samples={N}"])
    values = solve_worlds(loaded.config, draw_worlds(loaded.config, loaded.priors(), 0, N), N)
    for out in OUTPUTS.values():
        if out.per_world is None or not structural.offshore.has(out.name):
            continue
        per_world = out.of_worlds(values)
        assert per_world.shape == (N,)
        estimate = structural.offshore.of(out)
        assert per_world.mean() == pytest.approx(estimate.value, rel=1e-12, abs=1e-15), out.name
        if out.variable not in ("game_type_freq", "eq_set_freq"):  # counts use the binomial se, p(1-p)/n
            assert per_world.std(ddof=1) / np.sqrt(N) == pytest.approx(estimate.se, rel=1e-9, abs=1e-15), out.name
        else:
            assert per_world.std(ddof=0) / np.sqrt(N) == pytest.approx(estimate.se, rel=1e-9, abs=1e-15), out.name


def test_accessor_reads_variables_and_clips_probability_intervals(structural) -> None:
    e = structural.offshore.estimate("burden", country="us", component="total")
    assert e.value == float(structural.burden.sel(country="us", component="total"))
    pb = structural.offshore.estimate("korea_alone")
    assert pb.value == float(structural.played.sel(profile="PB"))
    assert 0.0 <= pb.low and pb.high <= 1.0
    with pytest.raises(KeyError):
        structural.offshore.estimate("no_such_variable")


def test_accessor_reads_every_label_of_every_estimate_as_sel_does(structural) -> None:
    """A read with one label per dimension skips xarray's ``sel``: the same numbers at
    every label of every estimate variable (and a partial selection still goes through sel)."""
    import itertools

    estimates = [v for v in structural.data_vars if f"{v}_se" in structural.data_vars]
    assert len(estimates) > 10
    for name in estimates:
        dims = structural[name].dims
        for labels in itertools.product(*(structural.indexes[d] for d in dims)):
            index = dict(zip(dims, labels, strict=True))
            e = structural.offshore.estimate(name, **index)
            assert e.value == float(structural[name].sel(index)), (name, index)
            assert e.se == float(structural[f"{name}_se"].sel(index)), (name, index)
    burden = structural.offshore.estimate("burden", country="us", component="total")
    assert burden.value == float(structural.burden.sel(country="us").sel(component="total"))
    with pytest.raises(KeyError):
        structural.offshore.estimate("burden", country="nowhere", component="total")

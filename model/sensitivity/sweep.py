"""Sweeps: every grid point a full run on common random numbers, one Dataset.

Each point is ``model.simulate`` of the base config with the point's overrides and
the *same* seed, so every point draws the same worlds (under ``mc`` the streams are
keyed by parameter name, docs/MODEL.md §8): differences between points are
differences of the policy or assumption, not of the sample. A point's result is
bit-identical to running that point alone, whatever the backend or the number of
jobs: points run side by side, one worker per point, when there are at least as many
points as workers (or a point has fewer chunks than there are workers); otherwise
one after another, each spread over the workers chunk by chunk.

The points are combined into one :class:`xarray.Dataset` whose first dimensions are
the swept keys, in grid order. Equilibrium sets seen at any point are listed at
every point (frequency 0 where a set did not occur).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from model.config import LoadedConfig
from model.equilibria import equilibrium_set_label
from model.execution import Execution, progress_bar, run_chunks
from model.labels import key_label
from model.parallel import parallel_map
from model.rundir import write_netcdf
from model.sampling import shared_draws
from model.sensitivity.study import Study
from model.simulation import finish, run_attributes

POINT_ATTRS = ("created_utc", "config_hash", "config_source")


@dataclass(frozen=True)
class SweepPlan:
    """What runs: the study and each grid point's validated config."""

    study: Study
    base: LoadedConfig
    configs: tuple[LoadedConfig, ...]
    done: Mapping[int, xr.Dataset] = field(default_factory=dict)

    @classmethod
    def of(cls, study: Study) -> SweepPlan:
        """Validate the base and every point; raises ConfigError before anything runs."""
        base = study.base_config()
        return cls(study, base, tuple(study.resolve_points()))

    @property
    def chunks_per_point(self) -> int:
        s = self.base.config.sampling
        return -(-s.samples // s.chunk_size)


RUN_RECORDS = ("trace", "burden_sample")
"""Statistics a run records beside its estimates; a sweep keeps estimates only (:func:`_estimates_only`)."""


def simulate_point(loaded: LoadedConfig, execution: Execution) -> xr.Dataset:
    """A grid point's Dataset: ``simulate(loaded)`` without the run records (convergence
    trace, burden sample) that :func:`combine` would drop; every estimate is the same.

    Chunks evaluated in this process reuse the draws of earlier points
    (:func:`model.sampling.shared_draws`): every point draws the same worlds, and a
    parameter's draws depend on its prior alone, so the reuse changes no bit.
    """
    with shared_draws():
        stats = run_chunks(loaded, execution).stats
    return finish(loaded, {key: value for key, value in stats.items() if key not in RUN_RECORDS})


def _run_point(task: tuple[LoadedConfig, Path | None]) -> xr.Dataset:
    """One point, in whichever process runs it; its checkpoint (if asked) is written there too,
    so the workers never wait while the main process writes files."""
    loaded, checkpoint = task
    ds = simulate_point(loaded, Execution())
    if checkpoint is not None:
        write_netcdf(checkpoint, ds)
    return ds


def run_points(
    plan: SweepPlan,
    execution: Execution,
    on_point: Callable[[int, xr.Dataset], None] | None = None,
    checkpoint: Callable[[int], Path] | None = None,
) -> list[xr.Dataset]:
    """Every point's Dataset, in grid order (checkpointed ones are reused).

    ``checkpoint(i)``, when given, is the file point ``i``'s Dataset is written to
    (atomically) as soon as it is computed; ``on_point(i, ds)`` is then called in this
    process, in grid order.
    """
    results: dict[int, xr.Dataset] = dict(plan.done)
    todo = [i for i in range(len(plan.configs)) if i not in results]
    files = {i: checkpoint(i).absolute() if checkpoint is not None else None for i in todo}  # workers may not share cwd
    across = (
        execution.backend != "dask"
        and execution.jobs > 1
        and len(todo) > 1
        and (len(todo) >= execution.jobs or plan.chunks_per_point < execution.jobs)
    )

    def record(i: int, ds: xr.Dataset) -> None:
        results[i] = ds
        if on_point is not None:
            on_point(i, ds)

    if across:
        # Points side by side, one worker each, streaming: a worker starts its next point
        # while the finished ones are checkpointed, and the bar moves point by point.
        tasks = [(plan.configs[i], files[i]) for i in todo]
        datasets = parallel_map(_run_point, tasks, execution, desc="grid points", unit="point")
        for i, ds in zip(todo, datasets, strict=True):
            record(i, ds)
    else:
        bar = progress_bar(execution, len(todo), "grid points", "point")
        try:
            for i in todo:
                ds = simulate_point(plan.configs[i], execution)
                if files[i] is not None:
                    write_netcdf(files[i], ds)
                record(i, ds)
                bar.update(1)
        finally:
            bar.close()
    return [results[i] for i in range(len(plan.configs))]


def run_sweep(study: Study, execution: Execution | None = None) -> xr.Dataset:
    """Run every grid point of ``study`` and combine them (no files are written)."""
    plan = SweepPlan.of(study)
    return combine(plan, run_points(plan, execution or Execution()))


def grid_coordinates(study: Study, priors: Mapping[str, Any]) -> dict[str, tuple]:
    coords = {}
    for axis in study.axes:
        name, unit = key_label(axis.key, priors)
        attrs = {"long_name": name, "units": unit or "category", "config_key": axis.key}
        if axis.categorical:
            values = np.asarray([str(v) for v in axis.values])
        else:
            values = np.asarray(axis.values, dtype=float)
        coords[axis.key] = (axis.key, values, attrs)
    return coords


def _estimates_only(ds: xr.Dataset) -> xr.Dataset:
    """A point's estimates without its run records (convergence trace, per-world sample):
    those differ in length from point to point and would multiply the study's size."""
    records = [name for name, var in ds.data_vars.items() if var.attrs.get("role") in ("trace", "sample")]
    kept = ds.drop_vars(records)
    return kept.drop_dims([dim for dim in ("trace_worlds", "world") if dim in kept.dims])


def combine(plan: SweepPlan, datasets: Sequence[xr.Dataset]) -> xr.Dataset:
    """Stack the points' Datasets along the swept keys (grid order, C order)."""
    study = plan.study
    shape = study.shape
    codes = sorted({int(c) for ds in datasets for c in ds.eq_set_code.values})
    labels = [equilibrium_set_label(c) for c in codes]
    prepared = [_estimates_only(ds).drop_vars("eq_set_code").reindex(eq_set=labels, fill_value=0.0) for ds in datasets]
    names: list[str] = []
    for ds in prepared:
        names.extend(n for n in ds.data_vars if n not in names)
    coords: dict[str, Any] = dict(grid_coordinates(study, plan.base.priors()))
    first = prepared[0]
    for name, coord in first.coords.items():
        coords[name] = (coord.dims, np.asarray(coord.values), coord.attrs)
    coords["eq_set"] = ("eq_set", labels, first.eq_set.attrs)
    coords["eq_set_code"] = (
        "eq_set",
        np.asarray(codes, dtype=np.int16),
        datasets[0].eq_set_code.attrs,
    )
    out = xr.Dataset(coords=coords)
    for name in names:
        template = next(ds[name] for ds in prepared if name in ds)
        stack = np.stack(
            [ds[name].values if name in ds else np.full(template.shape, np.nan) for ds in prepared]
        ).reshape(*shape, *template.shape)
        out[name] = ((*study.keys, *template.dims), stack, template.attrs)
    hashes = np.asarray([c.hash for c in plan.configs]).reshape(shape)
    out["config_hash"] = (study.keys, hashes, {"long_name": "config hash of the grid point"})
    out.attrs = sweep_attributes(plan)
    return out


def sweep_attributes(plan: SweepPlan) -> dict[str, Any]:
    base = run_attributes(plan.base)
    for key in POINT_ATTRS:
        base.pop(key, None)
    for key in ("us_regime", "financing", "ptrl_share_japan"):
        if key in base and any(a.key.startswith("policy.") for a in plan.study.axes):
            base[key] = f"{base[key]} (base; see the grid)"
    study = plan.study
    return {
        **base,
        "title": "offshore sweep results",
        "study": study.name,
        "study_source": study.source,
        "base_config_hash": plan.base.hash,
        "grid_keys": json.dumps(list(study.keys)),
        "grid": json.dumps({a.key: list(a.values) for a in study.axes}),
        "overrides": json.dumps(list(study.overrides)),
        "common_random_numbers": "every grid point uses the same seed and chunking",
        "samples": int(plan.base.config.sampling.samples),
    }

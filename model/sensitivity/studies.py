"""Durable study directories: ``runs/<id>/`` for a sweep or a sensitivity study.

Laid out like a run (:mod:`model.rundir`): the resolved base ``config.toml``,
``results.nc``, ``manifest.json``, plus ``study.toml`` (what reproduces the study from
this directory alone), ``charts/`` (PNG and SVG), ``tables/`` (CSV), ``summary.md``
and ``study.html``. Everything is written into ``runs/<id>.partial/`` and the
directory is renamed only once complete. A sweep checkpoints every finished grid
point (``chunks/point-*.nc``), so an interrupted sweep resumes with
``offshore sweep --resume runs/<id>.partial`` and gives the same result.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w
import xarray as xr

from model.config import LoadedConfig
from model.execution import Execution
from model.rundir import RunDirectory, atomic_write_bytes, read_manifest, run_id
from model.runner import RunInterrupted
from model.sensitivity.analysis import analyse
from model.sensitivity.analysis_page import write_analysis_page
from model.sensitivity.options import SensitivityOptions
from model.sensitivity.study import Study, load_study
from model.sensitivity.sweep import SweepPlan, combine, run_points
from model.sensitivity.sweep_page import write_sweep_page
from model.sensitivity.sweep_tables import sweep_summary
from model.sensitivity.worlds import WorldModel
from model.simulation import package_versions, provenance


@dataclass(frozen=True)
class StudyResult:
    path: Path
    dataset: xr.Dataset
    manifest: dict
    summary: str


def _common_manifest(kind: str, study: Study, base: LoadedConfig, execution: Execution) -> dict:
    cfg = base.config
    return {
        "kind": kind,
        "study": study.name,
        "study_source": study.source,
        "config_source": str(study.base) if study.base is not None else "configs/baseline.toml",
        "config_hash": base.hash,
        "overrides": list(study.overrides),
        "seed": cfg.sampling.seed,
        "sampler": cfg.sampling.sampler,
        "chunk_size": cfg.sampling.chunk_size,
        **provenance(execution),
    }


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _study_toml(study: Study, extra: Mapping[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"base": "config.toml", "meta": {"name": study.name}}
    if study.description:
        data["meta"]["description"] = study.description
    if study.axes:
        data["grid"] = {a.key: list(a.values) for a in study.axes}
    if extra:
        data["sensitivity"] = dict(extra)
    header = "# Reproduces this study from this directory: offshore sweep|sensitivity <this file>\n"
    return (header + tomli_w.dumps(data)).encode()


def start_sweep(study: Study, execution: Execution, runs_root: Path, *, charts: bool = True) -> StudyResult:
    """Validate every point, then run the sweep into a new directory under ``runs_root``."""
    plan = SweepPlan.of(study)
    manifest = _common_manifest("sweep", study, plan.base, execution)
    manifest.update(
        grid={a.key: list(a.values) for a in study.axes},
        points=len(plan.configs),
        samples_per_point=plan.base.config.sampling.samples,
    )
    digest = _digest({"base": plan.base.hash, "grid": manifest["grid"]})
    run = RunDirectory.create(runs_root, run_id(f"{study.name}-sweep", digest), plan.base.resolved_dict(), manifest)
    atomic_write_bytes(run.partial / "study.toml", _study_toml(study, study.sensitivity))
    return _complete_sweep(run, plan, execution, charts)


def resume_sweep(path: Path, execution: Execution, *, charts: bool = True) -> StudyResult:
    """Finish an interrupted sweep from its ``.partial`` directory (same result)."""
    run = RunDirectory.open_partial(path)
    manifest = run.manifest()
    if manifest.get("kind") != "sweep" or not (run.partial / "study.toml").is_file():
        raise ValueError(f"{path}: not an interrupted sweep directory")
    study = load_study(run.partial / "study.toml")
    study = replace(study, source=manifest.get("study_source", study.source))
    return _complete_sweep(run, SweepPlan.of(study), execution, charts)


def _point_file(run: RunDirectory, i: int) -> Path:
    return run.checkpoints / f"point-{i:05d}.nc"


def _complete_sweep(run: RunDirectory, plan: SweepPlan, execution: Execution, charts: bool) -> StudyResult:
    started = time.perf_counter()
    done = {}
    for i in range(len(plan.configs)):
        file = _point_file(run, i)
        if file.is_file():
            with xr.open_dataset(file) as ds:
                done[i] = ds.load()
    run.checkpoints.mkdir(parents=True, exist_ok=True)
    try:
        datasets = run_points(replace(plan, done=done), execution, checkpoint=lambda i: _point_file(run, i))
    except KeyboardInterrupt:
        saved = len(list(run.checkpoints.glob("point-*.nc")))
        raise RunInterrupted(run.partial, saved) from None
    dataset = combine(plan, datasets)
    dataset.attrs["run_id"] = run.final.name
    text = sweep_summary(dataset, plan)
    if charts:
        write_sweep_page(run.partial, run.final.name, dataset, plan, text)
    fields = {
        "points_resumed": len(done),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "stop_reason": "every grid point complete",
        "point_config_hashes": [c.hash for c in plan.configs],
        "backend": execution.backend,
        "jobs": execution.jobs,
    }
    path = run.finish(dataset, fields)
    return StudyResult(path, dataset, read_manifest(path), text)


def start_sensitivity(
    study: Study,
    options: SensitivityOptions,
    execution: Execution,
    runs_root: Path,
    *,
    charts: bool = True,
    loaded: LoadedConfig | None = None,
) -> StudyResult:
    """Run a sensitivity study into a new directory under ``runs_root``."""
    loaded = loaded or study.base_config()
    WorldModel(loaded)  # validates the mode before anything is written
    started = time.perf_counter()
    results = analyse(loaded, options, execution)
    manifest = _common_manifest("sensitivity", study, loaded, execution)
    manifest["methods"] = list(options.methods)
    manifest["options"] = options.as_toml()
    digest = _digest({"config": loaded.hash, "options": options.as_toml()})
    run = RunDirectory.create(runs_root, run_id(f"{study.name}-sensitivity", digest), loaded.resolved_dict(), manifest)
    atomic_write_bytes(run.partial / "study.toml", _study_toml(replace(study, axes=()), options.as_toml()))
    dataset = results.dataset()
    dataset.attrs.update(
        title="offshore sensitivity study",
        study=study.name,
        config_hash=loaded.hash,
        seed=loaded.config.sampling.seed,
        run_id=run.final.name,
        methods=",".join(options.methods),
        mode=loaded.config.game.mode,
        selection_rule=loaded.config.game.selection,
        us_regime=loaded.config.policy.us_regime,
        financing=loaded.config.policy.financing,
        **{f"version_{k}": v for k, v in package_versions().items()},
    )
    text = results.summary()
    if charts:
        write_analysis_page(run.partial, run.final.name, results, study, loaded, text)
    path = run.finish(
        dataset,
        {
            "wall_seconds": round(time.perf_counter() - started, 3),
            "method_seconds": results.seconds,
            "stop_reason": "every method complete",
        },
    )
    return StudyResult(path, dataset, read_manifest(path), text)

"""A complete run: config -> chunks (checkpointed) -> Dataset -> run directory."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import xarray as xr

from model.config import LoadedConfig, load_config
from model.execution import Execution, batch_files, load_batch, run_chunks, save_batch
from model.rundir import RunDirectory, git_commit, read_manifest, run_id
from model.samples import write_samples
from model.simulation import finish, package_versions


class RunInterrupted(Exception):
    """Raised when a run is stopped by the user; its partial directory can be resumed."""

    def __init__(self, path: Path, saved: int) -> None:
        self.path = path
        self.saved = saved  # checkpointed units: batches of chunks, or sweep grid points
        super().__init__(f"interrupted: {saved} checkpoints saved in {path}")


@dataclass(frozen=True)
class RunResult:
    path: Path
    dataset: xr.Dataset
    manifest: dict


def _manifest(loaded: LoadedConfig, execution: Execution, keep_samples: int) -> dict:
    cfg = loaded.config
    return {
        "config_source": loaded.source,
        "config_hash": loaded.hash,
        "seed": cfg.sampling.seed,
        "samples_requested": cfg.sampling.samples,
        "sampler": cfg.sampling.sampler,
        "chunk_size": cfg.sampling.chunk_size,
        "backend": execution.backend,
        "jobs": execution.jobs,
        "scheduler": execution.scheduler,
        "target_se": execution.target_se,
        "keep_samples": keep_samples,
        "versions": package_versions(),
        "project_version": package_versions()["offshore"],
        "git_commit": git_commit(),
        "command": " ".join(sys.argv),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def start_run(loaded: LoadedConfig, execution: Execution, runs_root: Path, keep_samples: int = 0) -> RunResult:
    """Run ``loaded`` into a new directory under ``runs_root``."""
    name = loaded.config.meta.name or Path(loaded.source).stem
    run = RunDirectory.create(
        runs_root,
        run_id(name, loaded.hash),
        loaded.resolved_dict(),
        _manifest(loaded, execution, keep_samples),
    )
    return _complete(run, loaded, execution, keep_samples)


def resume_run(path: Path, execution: Execution) -> RunResult:
    """Finish an interrupted run; the result equals an uninterrupted run's."""
    run = RunDirectory.open_partial(path)
    manifest = run.manifest()
    loaded = load_config(run.partial / "config.toml")
    loaded = LoadedConfig(loaded.config, manifest.get("config_source", loaded.source), loaded.base_dir, loaded.data)
    if manifest.get("target_se") is not None and execution.target_se is None:
        execution = replace(execution, target_se=manifest["target_se"])
    return _complete(run, loaded, execution, int(manifest.get("keep_samples", 0)))


def _complete(run: RunDirectory, loaded: LoadedConfig, execution: Execution, keep_samples: int) -> RunResult:
    done = {b: load_batch(p) for b, p in batch_files(run.checkpoints).items()}
    execution = replace(
        execution,
        done=done,
        on_batch=lambda b, stats: save_batch(run.checkpoints, b, stats),
    )
    try:
        outcome = run_chunks(loaded, execution)
    except KeyboardInterrupt:
        raise RunInterrupted(run.partial, len(batch_files(run.checkpoints))) from None
    dataset = finish(loaded, outcome.stats)
    final_id = run.final.name
    dataset.attrs.update(run_id=final_id, stop_reason=outcome.stop_reason)
    extra = {}
    kept = 0
    if keep_samples > 0:
        tmp = run.partial / ".samples.nc.tmp"
        kept = write_samples(tmp, loaded, keep_samples, outcome.worlds)
        extra["samples.nc"] = tmp
    manifest_fields = {
        "worlds": outcome.worlds,
        "chunks": outcome.chunks,
        "stop_reason": outcome.stop_reason,
        "wall_seconds": round(outcome.wall_seconds, 3),
        "samples_kept": kept,
        "backend": execution.backend,
        "jobs": execution.jobs,
    }
    path = run.finish(dataset, manifest_fields, extra)
    return RunResult(path, dataset, read_manifest(path))

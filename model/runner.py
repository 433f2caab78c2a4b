"""A complete run: config -> chunks (checkpointed) -> Dataset -> run directory.

A new run owns the partial directory it creates: if it fails on bad input (a value
that overflows float arithmetic once sampled) or before its first checkpoint, the
directory is removed, so nothing is left that could pass for output. A resumed run
first verifies its partial directory completely (config against manifest, every
checkpoint against the run, see :mod:`model.checkpoints`) and refuses options that
would change the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from model.analyses import started_analyses
from model.checkpoints import CheckpointError, RunIdentity, batch_files, batch_path, load_verified, save_batch
from model.config import ConfigError, LoadedConfig, load_config
from model.config.limits import MAX_ABS_VALUE
from model.engine import ChunkPlan, draw_worlds
from model.execution import BATCH_CHUNKS, Execution, NonFiniteResult, RunState, batches_of, run_chunks
from model.failures import EnvironmentFault, describe_os_error
from model.rundir import RunDirectory, read_manifest, run_id
from model.samples import write_samples
from model.simulation import finish, provenance
from model.stats import ChunkStats


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
        "batch_chunks": BATCH_CHUNKS,
        "target_se": execution.target_se,
        "keep_samples": keep_samples,
        **provenance(execution),
    }


def identity_of(loaded: LoadedConfig) -> RunIdentity:
    """What this run's checkpoints must belong to."""
    s = loaded.config.sampling
    return RunIdentity.of(loaded.hash, s.seed, s.samples, s.chunk_size, BATCH_CHUNKS)


def start_run(loaded: LoadedConfig, execution: Execution, runs_root: Path, keep_samples: int = 0) -> RunResult:
    """Run ``loaded`` into a new directory under ``runs_root``."""
    name = loaded.config.meta.name or Path(loaded.source).stem
    run = RunDirectory.create(
        runs_root,
        run_id(name, loaded.hash),
        loaded.resolved_dict(),
        _manifest(loaded, execution, keep_samples),
    )
    try:
        return _complete(run, loaded, execution, keep_samples)
    except RunInterrupted:
        raise
    except ConfigError:
        run.discard()
        raise
    except BaseException as exc:
        saved = len(batch_files(run.checkpoints)) if run.partial.exists() else 0
        if not saved:
            run.discard()  # nothing worth resuming
        elif isinstance(exc, OSError):
            raise _resumable(exc, run, saved) from None
        raise
    finally:
        run.unlock()


def _resumable(exc: OSError, run: RunDirectory, saved: int) -> EnvironmentFault:
    """An OS error after checkpoints were saved: say how to finish the run once it is fixed."""
    return EnvironmentFault(
        f"{describe_os_error(exc)}; {saved} batches of chunks kept, resume with: offshore run --resume {run.partial}"
    )


def resume_run(
    path: Path, execution: Execution, keep_samples: int | None = None, target_se_given: bool = False
) -> RunResult:
    """Finish an interrupted run; the result equals an uninterrupted run's.

    Parameters
    ----------
    path : Path
        The ``*.partial`` directory.
    execution : Execution
        Backend and jobs may differ from the first invocation; ``target_se`` must not.
    keep_samples : int, optional
        Must equal the run's own ``--keep-samples`` if given.
    target_se_given : bool
        Whether ``execution.target_se`` came from the user (then it must equal the run's).

    Raises
    ------
    ValueError, ConfigError, CheckpointError
        One line naming the file, for anything in the partial directory that does not
        belong to the run, or an option that would change its result.
    RunInUse
        If another process is working on the directory.
    """
    run = RunDirectory.open_partial(path)
    run.lock()
    try:
        manifest = run.manifest()
        if manifest.get("status") != "running":
            raise ValueError(f"{run.partial / 'manifest.json'}: status {manifest.get('status')!r}, not a running run")
        loaded = load_config(run.partial / "config.toml")
        _check_manifest(run, manifest, loaded)
        started_se = manifest.get("target_se")
        if target_se_given and execution.target_se != started_se:
            raise ValueError(
                f"--target-se: the run was started with {started_se}; a resumed run keeps it (omit --target-se)"
            )
        started_keep = int(manifest.get("keep_samples", 0))
        if keep_samples is not None and keep_samples != started_keep:
            raise ValueError(
                f"--keep-samples: the run was started with {started_keep}; a resumed run keeps it (omit --keep-samples)"
            )
        loaded = LoadedConfig(loaded.config, manifest.get("config_source", loaded.source), loaded.base_dir, loaded.data)
        execution = replace(execution, target_se=started_se)
        try:
            return _complete(run, loaded, execution, started_keep)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError | NotADirectoryError) and not run.partial.exists():
                raise
            raise _resumable(exc, run, len(batch_files(run.checkpoints))) from None
    finally:
        run.unlock()


def _check_manifest(run: RunDirectory, manifest: Mapping[str, Any], loaded: LoadedConfig) -> None:
    """The partial's config.toml is the one its manifest (and checkpoints) were made for."""
    config_file = run.partial / "config.toml"
    if manifest.get("config_hash") != loaded.hash:
        raise ConfigError(
            str(config_file),
            "config_hash",
            f"is {loaded.hash}, the manifest says {manifest.get('config_hash')!r}: "
            "the partial run's config was edited; start a new run instead",
        )
    s = loaded.config.sampling
    for key, value in (("seed", s.seed), ("samples_requested", s.samples), ("chunk_size", s.chunk_size)):
        if manifest.get(key) != value:
            found = manifest.get(key)
            raise ValueError(f"{run.partial / 'manifest.json'}: {key}: {found!r} does not match config.toml")
    if manifest.get("batch_chunks", BATCH_CHUNKS) != BATCH_CHUNKS:
        raise ValueError(f"{run.partial / 'manifest.json'}: batch_chunks: written by another version of offshore")


class VerifiedCheckpoints(Mapping[int, ChunkStats]):
    """A partial run's checkpoints: all verified up front, each read again when merged.

    Reading lazily keeps memory flat however many batches were saved.
    """

    def __init__(self, directory: Path, loaded: LoadedConfig) -> None:
        self.directory = directory
        self.identity = identity_of(loaded)
        s = loaded.config.sampling
        self.plan = ChunkPlan(s.samples, s.chunk_size)
        self.batches = batches_of(self.plan)
        self.files = batch_files(directory)
        for b, file in self.files.items():
            if b >= len(self.batches):
                raise CheckpointError(file, f"batch {b} is beyond the run's {len(self.batches)} batches")
        for b in range(len(self.files)):
            if b not in self.files:
                raise CheckpointError(batch_path(directory, b), "missing: the run's checkpoints are not contiguous")
        for b in self.files:
            self[b]  # verify everything before anything is merged

    def __getitem__(self, b: int) -> ChunkStats:
        chunks = self.batches[b]
        worlds = sum(self.plan.size(k) for k in chunks)
        return load_verified(self.files[b], b, self.identity, chunks, worlds)

    def __contains__(self, b: object) -> bool:
        return b in self.files

    def __iter__(self) -> Iterator[int]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def _blame(loaded: LoadedConfig, exc: NonFiniteResult) -> ConfigError:
    """A one-line error naming the prior whose draws overflow, else the statistic."""
    config = loaded.config
    priors = loaded.priors()
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    for k in exc.chunks:
        draws = draw_worlds(config, priors, k, plan.size(k))
        for key, values in draws.items():
            if not np.all(np.isfinite(values)) or np.max(np.abs(values), initial=0.0) > MAX_ABS_VALUE:
                return ConfigError(
                    loaded.source, key, f"draws values too large for float arithmetic (non-finite {exc.statistic})"
                )
    return ConfigError(
        loaded.source,
        exc.statistic,
        f"non-finite values in chunks {exc.chunks.start}-{exc.chunks.stop - 1}; "
        "the config's values are too large for float arithmetic",
    )


def _complete(run: RunDirectory, loaded: LoadedConfig, execution: Execution, keep_samples: int) -> RunResult:
    checkpoints = VerifiedCheckpoints(run.checkpoints, loaded)
    identity = checkpoints.identity
    plan, batches = checkpoints.plan, checkpoints.batches

    def on_batch(b: int, stats: ChunkStats) -> None:
        worlds = sum(plan.size(k) for k in batches[b])
        save_batch(run.checkpoints, b, stats, identity, batches[b], worlds)

    try:
        outcome = run_chunks(loaded, execution, RunState(done=checkpoints, on_batch=on_batch))
    except KeyboardInterrupt:
        raise RunInterrupted(run.partial, len(batch_files(run.checkpoints))) from None
    except NonFiniteResult as exc:
        raise _blame(loaded, exc) from None
    written: dict[str, Path] = {}
    with started_analyses(loaded, execution) as analyses:  # on the workers while the results are built and written
        dataset = finish(loaded, outcome.stats)
        dataset.attrs.update(run_id=run.final.name, stop_reason=outcome.stop_reason)
        kept = 0
        if keep_samples > 0:
            tmp = run.partial / ".samples.nc.tmp"
            kept = write_samples(tmp, loaded, keep_samples, outcome.worlds)
            written["samples.nc"] = tmp
        manifest_fields = {
            "worlds": outcome.worlds,
            "chunks": outcome.chunks,
            "stop_reason": outcome.stop_reason,
            "wall_seconds": round(outcome.wall_seconds, 3),
            "samples_kept": kept,
            "backend": execution.backend,
            "jobs": execution.jobs,
        }

        def extra_files() -> dict[str, Path]:
            written.update(analyses(run.partial))
            return written

        try:
            path = run.finish(dataset, manifest_fields, extra_files)
        except BaseException:
            for tmp in written.values():  # a resumed run writes them again
                tmp.unlink(missing_ok=True)
            raise
    return RunResult(path, dataset, read_manifest(path))

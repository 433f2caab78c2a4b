"""Run chunks of worlds through joblib and fold their statistics in chunk order.

Backends: ``loky`` (processes, the default), ``threading``, ``sequential`` and ``dask``
(joblib's dask backend on a ``dask.distributed`` client: a ``LocalCluster`` or a
scheduler address). Chunks are dispatched in batches of :data:`BATCH_CHUNKS`; results
come back in chunk order and are merged in that order, so the floating-point result
is the same whatever the backend or the number of jobs. A ``--target-se`` run checks
precision only between batches, which keeps its stopping point independent of the
number of workers too.
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed, parallel_config

from model.config import LoadedConfig
from model.engine import ChunkPlan, evaluate_chunk
from model.stats import ChunkStats, merge_stats

BACKENDS = ("loky", "threading", "sequential", "dask")
BATCH_CHUNKS = 16  # chunks per batch: the unit of folding, checkpoints and precision checks


@dataclass(frozen=True)
class Execution:
    """How to run: backend, jobs, progress, precision target and checkpoint hooks."""

    backend: str = "sequential"
    jobs: int = 1
    scheduler: str | None = None
    progress: bool = False
    target_se: float | None = None
    on_batch: Callable[[int, ChunkStats], None] | None = field(default=None, compare=False)
    done: dict[int, ChunkStats] = field(default_factory=dict, compare=False, repr=False)  # by batch

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}; expected one of {', '.join(BACKENDS)}")
        if self.jobs < 1:
            raise ValueError("jobs must be at least 1")


@dataclass(frozen=True)
class Outcome:
    stats: ChunkStats
    chunks: int
    worlds: int
    stop_reason: str
    wall_seconds: float


def default_jobs() -> int:
    return max(len(os.sched_getaffinity(0)), 1) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def headline_se(stats: ChunkStats) -> float:
    """Largest standard error among the headline estimates.

    Probabilities (``played``, outcome probabilities) count with their absolute
    standard error; mean total burdens, which are in USD bn, with their standard
    error relative to the mean, so one target reads "probabilities within +-X and
    mean burdens within a fraction X of their value".
    """
    se = [float(np.max(stats["played"].se))]
    if "outcome" in stats:
        se.append(float(np.max(stats["outcome"].se)))
    if "burden" in stats:
        burden = stats["burden"]
        total_mean, total_se = burden.mean[:, -1], burden.se[:, -1]
        relative = np.where(total_mean != 0, total_se / np.abs(np.where(total_mean != 0, total_mean, 1.0)), 0.0)
        se.append(float(np.max(relative)))
    return max(se)


@contextlib.contextmanager
def backend_context(execution: Execution) -> Iterator[tuple[str, int]]:
    """Yield (joblib backend name, workers); for ``dask`` start or join the cluster."""
    if execution.backend != "dask":
        yield execution.backend, execution.jobs
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a core dependency
        raise RuntimeError("the dask backend needs dask.distributed installed") from exc
    if execution.scheduler:
        with Client(execution.scheduler) as client:
            workers = max(len(client.scheduler_info().get("workers", {})), 1)
            yield "dask", workers
        return
    with (
        LocalCluster(n_workers=execution.jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        yield "dask", execution.jobs


def _progress_bar(execution: Execution, total: int, initial: int):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="world",
        unit_scale=True,
        disable=not execution.progress,
        dynamic_ncols=True,
        leave=False,
    )


def batches_of(plan: ChunkPlan) -> list[range]:
    """The run's batches: consecutive chunks, :data:`BATCH_CHUNKS` at a time."""
    return [range(b, min(b + BATCH_CHUNKS, plan.chunks)) for b in range(0, plan.chunks, BATCH_CHUNKS)]


def run_chunks(loaded: LoadedConfig, execution: Execution) -> Outcome:
    """Evaluate every chunk of the run (or until ``target_se`` is met) and merge them.

    The fold is fixed: chunks are merged in order within their batch, and batches in
    order; ``execution.done`` holds batches already folded (a resumed run), and
    ``execution.on_batch`` receives each newly folded batch (checkpointing). All
    remaining chunks stream through one joblib call, in order, so workers never wait
    at batch boundaries.
    """
    config = loaded.config
    priors = loaded.priors()
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    batches = batches_of(plan)
    started = time.perf_counter()
    merged: ChunkStats | None = None
    stop_reason = "samples reached"
    done = dict(execution.done)
    bar = _progress_bar(execution, plan.samples, sum(plan.size(k) for b in done for k in batches[b]))
    chunks_used = 0
    todo = [k for b, batch in enumerate(batches) if b not in done for k in batch]
    try:
        with backend_context(execution) as (backend, jobs):
            with parallel_config(backend=backend, n_jobs=jobs):
                results = iter(
                    Parallel(return_as="generator")(
                        delayed(evaluate_chunk)(config, priors, k, plan.size(k)) for k in todo
                    )
                )
                for b, batch in enumerate(batches):
                    folded = done.pop(b, None)  # a batch is dropped once merged: memory stays flat
                    if folded is None:
                        for k in batch:
                            stats = next(results)
                            folded = stats if folded is None else merge_stats(folded, stats)
                            bar.update(plan.size(k))
                        if execution.on_batch is not None:
                            execution.on_batch(b, folded)
                    merged = folded if merged is None else merge_stats(merged, folded)
                    chunks_used = batch.stop
                    if execution.target_se is not None and headline_se(merged) <= execution.target_se:
                        if chunks_used < plan.chunks:
                            stop_reason = f"target standard error {execution.target_se:g} reached"
                        break
                close = getattr(results, "close", None)
                if close is not None:
                    with warnings.catch_warnings():  # joblib warns that it cancels the rest
                        warnings.simplefilter("ignore", UserWarning)
                        close()  # stop dispatching chunks that are no longer needed
    finally:
        bar.close()
    if execution.target_se is not None and stop_reason == "samples reached":
        if headline_se(merged) > execution.target_se:
            stop_reason = f"samples cap reached before target standard error {execution.target_se:g}"
    assert merged is not None
    return Outcome(
        stats=merged,
        chunks=chunks_used,
        worlds=int(merged["played"].count),
        stop_reason=stop_reason,
        wall_seconds=time.perf_counter() - started,
    )


def batch_files(directory: Path) -> dict[int, Path]:
    """Checkpointed batch files in ``directory``, by batch index."""
    return {int(p.stem.split("-")[1]): p for p in sorted(directory.glob("batch-*.npz"))}


def save_batch(directory: Path, b: int, stats: ChunkStats) -> None:
    """Write one folded batch's statistics atomically (no pickles: arrays in .npz)."""
    from model.stats import Counts, Histogram, Moments

    arrays: dict[str, Any] = {}
    for name, acc in stats.items():
        if isinstance(acc, Counts):
            arrays[f"{name}|counts|worlds"] = np.asarray(acc.worlds)
            arrays[f"{name}|counts|counts"] = acc.counts
        elif isinstance(acc, Moments):
            arrays[f"{name}|moments|count"] = np.asarray(acc.count)
            arrays[f"{name}|moments|mean"] = np.asarray(acc.mean)
            arrays[f"{name}|moments|m2"] = np.asarray(acc.m2)
        elif isinstance(acc, Histogram):
            arrays[f"{name}|histogram|weights"] = acc.weights
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".batch-{b:06d}.npz.tmp"
    with tmp.open("wb") as handle:
        np.savez(handle, **arrays)
    os.replace(tmp, directory / f"batch-{b:06d}.npz")


def load_batch(path: Path) -> ChunkStats:
    """Read a batch written by :func:`save_batch`."""
    from model.stats import Counts, Histogram, Moments

    parts: dict[str, dict[str, Any]] = {}
    kinds: dict[str, str] = {}
    with np.load(path, allow_pickle=False) as data:
        for key in data.files:
            name, kind, item = key.split("|")
            kinds[name] = kind
            parts.setdefault(name, {})[item] = data[key]
    stats: ChunkStats = {}
    for name, kind in kinds.items():
        p = parts[name]
        if kind == "counts":
            stats[name] = Counts(int(p["worlds"]), p["counts"])
        elif kind == "moments":
            stats[name] = Moments(int(p["count"]), p["mean"], p["m2"])
        else:
            stats[name] = Histogram(p["weights"])
    return stats

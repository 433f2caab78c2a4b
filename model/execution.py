"""Run chunks of worlds through joblib and fold their statistics in chunk order.

Backends: ``loky`` (processes, the default), ``threading``, ``sequential`` and ``dask``
(joblib's dask backend on a ``dask.distributed`` client: a ``LocalCluster`` or a
scheduler address; installed with the optional ``cluster`` extra, since merely having
dask installed makes xarray import ``dask.array``, a third of a second, in every
command). Chunks are dispatched in batches of :data:`BATCH_CHUNKS`; results come back
in chunk order and are merged in that order, so the floating-point result is the same
whatever the backend or the number of jobs. A ``--target-se`` run checks precision
only between batches, which keeps its stopping point independent of the number of
workers too. While folding, the convergence trace (:mod:`model.trace`) gets its points
after whole chunks, from the running merge in chunk order.

Worker processes started here (loky, a local Dask cluster) watch the process that
started them and exit when it dies (:mod:`model.workers`). Checkpoint files are
:mod:`model.checkpoints`'s business; a run hands them in and out through
:class:`RunState`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from joblib import Parallel, delayed, parallel_config

from model.config import LoadedConfig
from model.engine import ChunkPlan, evaluate_chunk
from model.stats import ChunkStats, Counts, Histogram, Moments, Sample, Trace, merge_stats
from model.trace import HEADLINE_KEYS, point, traced_after
from model.workers import EnvironmentFault, dask_worker_setup, loky_backend

BACKENDS = ("loky", "threading", "sequential", "dask")
CLUSTER_MISSING = "the dask backend needs dask.distributed, an optional part of offshore: pip install -e '.[cluster]'"
BATCH_CHUNKS = 16  # chunks per batch: the unit of folding, checkpoints and precision checks
TARGET_SE_CAP = 100_000_000  # worlds a --target-se run may draw when no sample count is given
SCHEDULER_TIMEOUT = 10.0  # seconds to reach a --scheduler before giving up


@dataclass(frozen=True)
class Execution:
    """How to run, as the user asked: backend, jobs, progress and precision target."""

    backend: str = "sequential"
    jobs: int = 1
    scheduler: str | None = None
    progress: bool = False
    target_se: float | None = None

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}; expected one of {', '.join(BACKENDS)}")
        if self.jobs < 1:
            raise ValueError("jobs must be at least 1")
        if self.target_se is not None and not (np.isfinite(self.target_se) and self.target_se > 0):
            raise ValueError("--target-se: must be a positive finite number")


@dataclass
class RunState:
    """A run's progress, separate from the user's options.

    Attributes
    ----------
    done : dict of int to ChunkStats
        Batches folded by an earlier, interrupted invocation (verified checkpoints).
    on_batch : callable, optional
        Receives ``(b, stats)`` for each newly folded batch (writes its checkpoint).
    """

    done: Mapping[int, ChunkStats] = field(default_factory=dict)
    on_batch: Callable[[int, ChunkStats], None] | None = None


class NonFiniteResult(ValueError):
    """A batch's statistics hold NaN or infinity: the config's values overflow float arithmetic.

    Attributes
    ----------
    statistic : str
        The first statistic with a non-finite value (e.g. ``burden``).
    chunks : range
        The chunks of the batch.
    """

    def __init__(self, statistic: str, chunks: range) -> None:
        self.statistic = statistic
        self.chunks = chunks
        super().__init__(f"{statistic}: non-finite values in chunks {chunks.start}-{chunks.stop - 1}")


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
def backend_context(execution: Execution) -> Iterator[tuple[Any, int]]:
    """Yield (joblib backend, workers); for ``dask`` start or join the cluster.

    The backend is a name, or for ``loky`` a backend whose workers exit when this
    process dies. An unreachable scheduler is an :class:`EnvironmentFault` after
    :data:`SCHEDULER_TIMEOUT` seconds; a malformed address a ``ValueError``.
    """
    if execution.backend == "loky":
        yield loky_backend(), execution.jobs
        return
    if execution.backend != "dask":
        yield execution.backend, execution.jobs
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise EnvironmentFault(CLUSTER_MISSING) from None

    with _quiet_dask():
        if execution.scheduler:
            client = _connect(execution.scheduler)
            with client:
                workers = max(len(client.scheduler_info().get("workers", {})), 1)
                yield "dask", workers
            return
        with (
            LocalCluster(
                n_workers=execution.jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(dask_worker_setup, os.getpid())
            yield "dask", execution.jobs


def _connect(address: str) -> Any:
    """A client of the scheduler at ``address``, or a one-line failure within the timeout."""
    from dask.distributed import Client
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        # Checked before a Client exists: a Client given a malformed address raises but
        # stays registered as the process's default client, which xarray then finds.
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)
        return Client(address, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise EnvironmentFault(
            f"--scheduler: {address}: cannot reach the scheduler within {SCHEDULER_TIMEOUT:g} s ({reason})"
        ) from None
    except (ValueError, TypeError) as exc:
        raise ValueError(f"--scheduler: {address}: not a scheduler address ({exc})") from None


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Keep dask's own log lines (connection retries, shutdown noise) off the terminal."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def progress_bar(execution: Execution, total: int, desc: str = "", unit: str = "world", initial: int = 0):
    """The one tqdm bar of runs and studies: shown only when ``execution.progress`` is
    set (a terminal), large world counts scaled (1.2M)."""
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc=desc or None,
        unit=unit,
        unit_scale=unit == "world",
        disable=not execution.progress,
        dynamic_ncols=True,
        leave=False,
    )


def batches_of(plan: ChunkPlan) -> list[range]:
    """The run's batches: consecutive chunks, :data:`BATCH_CHUNKS` at a time."""
    return [range(b, min(b + BATCH_CHUNKS, plan.chunks)) for b in range(0, plan.chunks, BATCH_CHUNKS)]


def finite_problem(stats: ChunkStats) -> str | None:
    """The first statistic holding NaN or infinity, or ``None``."""
    for name, acc in stats.items():
        if isinstance(acc, Counts):
            continue
        if isinstance(acc, Moments):
            arrays = (acc.mean, acc.m2)
        elif isinstance(acc, Histogram):
            arrays = (acc.weights,)
        elif isinstance(acc, Trace):
            arrays = (acc.value, acc.se)
        else:
            assert isinstance(acc, Sample)
            arrays = (acc.values,)
        if not all(np.all(np.isfinite(a)) for a in arrays):
            return name
    return None


def with_trace_point(stats: ChunkStats, before: ChunkStats | None, chunks: int) -> ChunkStats:
    """``stats`` with the trace point after the run's first ``chunks`` chunks appended.

    ``before`` holds the merged earlier batches and ``stats`` the chunks folded since
    (or ``before`` is None and ``stats`` is everything): the point is read off their
    merge, taken in the order the run's final merge takes it, so a point after the
    last chunk equals the run's estimate exactly. Statistics without a trace pass through.
    """
    trace = stats.get("trace")
    if not isinstance(trace, Trace):
        return stats
    running = stats
    if before is not None:
        running = {key: before[key].merge(stats[key]) for key in HEADLINE_KEYS if key in stats}  # type: ignore[attr-defined]
    return {**stats, "trace": trace.merge(point(running, chunks))}


def _chunk(config: Any, priors: dict[str, Any], k: int, n: int) -> ChunkStats:
    """One chunk, as :func:`model.engine.evaluate_chunk` (the indirection is for tests)."""
    return evaluate_chunk(config, priors, k, n)


def _precise(merged: ChunkStats | None, folded: ChunkStats, target: float) -> bool:
    """Whether the headline estimates of the chunks so far meet ``target`` (checked per chunk)."""
    if merged is None:
        return headline_se(folded) <= target
    running = {key: merged[key].merge(folded[key]) for key in HEADLINE_KEYS if key in folded}  # type: ignore[attr-defined]
    return headline_se(running) <= target


def _stop_reason(target: float | None, reached: bool, merged: ChunkStats, chunks: int, plan: ChunkPlan) -> str:
    """Why sampling stopped, in words, naming the target or the cap and the worlds used."""
    worlds = f"{int(merged['played'].count):,} worlds"
    if target is None:
        return f"samples reached ({worlds})"
    se = f"largest headline standard error {headline_se(merged):.3g}"
    if reached:
        return f"target standard error {target:g} reached after {worlds} ({se})"
    return f"sample cap of {plan.samples:,} worlds reached before target standard error {target:g} ({se})"


def _close(results: Iterator[ChunkStats] | None) -> None:
    """Close joblib's result generator quietly (it warns that it cancels what is left)."""
    close = getattr(results, "close", None)
    if close is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            close()


def run_chunks(loaded: LoadedConfig, execution: Execution, state: RunState | None = None) -> Outcome:
    """Evaluate every chunk of the run (or until ``target_se`` is met) and merge them.

    The fold is fixed: chunks are merged in order within their batch, and batches in
    order; ``state.done`` holds batches already folded (a resumed run), and
    ``state.on_batch`` receives each newly folded batch (checkpointing). All
    remaining chunks stream through one joblib call, in order, so workers never wait
    at batch boundaries. No more workers are started than there are chunks to do.

    Raises
    ------
    NonFiniteResult
        When a newly folded batch holds NaN or infinity (before it is checkpointed).
    """
    state = state or RunState()
    config = loaded.config
    priors = loaded.priors()
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    batches = batches_of(plan)
    started = time.perf_counter()
    merged: ChunkStats | None = None
    target = execution.target_se
    reached = False
    done = state.done  # read one batch at a time: memory stays flat
    results: Iterator[ChunkStats] | None = None
    bar = progress_bar(execution, plan.samples, initial=sum(plan.size(k) for b in done for k in batches[b]))
    chunks_used = 0
    todo = [k for b, batch in enumerate(batches) if b not in done for k in batch]
    if execution.scheduler is None:
        execution = replace(execution, jobs=max(1, min(execution.jobs, len(todo))))
    try:
        with backend_context(execution) as (backend, jobs):
            with parallel_config(backend=backend, n_jobs=jobs):
                results = iter(
                    Parallel(return_as="generator")(delayed(_chunk)(config, priors, k, plan.size(k)) for k in todo)
                )
                for b, batch in enumerate(batches):
                    folded = done[b] if b in done else None
                    chunks_used = batch.stop
                    if folded is None:
                        for k in batch:
                            stats = next(results)
                            folded = stats if folded is None else merge_stats(folded, stats)
                            if traced_after(k + 1):
                                folded = with_trace_point(folded, merged, k + 1)
                            bar.update(plan.size(k))
                            if target is not None and k + 1 < batch.stop and _precise(merged, folded, target):
                                # the target is met inside the batch: stop here, folding as a run
                                # of k + 1 chunks would (its last batch is this partial one)
                                chunks_used, reached = k + 1, True
                                break
                        bad = finite_problem(folded)
                        if bad is not None:
                            raise NonFiniteResult(bad, batch)
                        if state.on_batch is not None and not reached:
                            state.on_batch(b, folded)
                    merged = folded if merged is None else merge_stats(merged, folded)
                    if target is not None and (reached or headline_se(merged) <= target):
                        reached = True
                        break
                _close(results)  # stop dispatching chunks that are no longer needed
    finally:
        _close(results)  # also on Ctrl-C, so the cancelled chunks' warning never reaches the user
        bar.close()
    assert merged is not None
    stop_reason = _stop_reason(target, reached, merged, chunks_used, plan)
    if not traced_after(chunks_used):
        merged = with_trace_point(merged, None, chunks_used)  # the last point is the run's estimate
    return Outcome(
        stats=merged,
        chunks=chunks_used,
        worlds=int(merged["played"].count),
        stop_reason=stop_reason,
        wall_seconds=time.perf_counter() - started,
    )

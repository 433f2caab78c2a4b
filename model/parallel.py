"""Ordered parallel maps through the run's joblib backends, with a progress bar.

Results always come back in input order, and every task is a pure function of its
arguments, so a study gives the same numbers whatever the backend or the number of
jobs (the same guarantee as :mod:`model.execution` gives for one run).
:func:`parallel_map` waits for its results; :func:`started_map` hands its tasks to the
workers and lets this process go on with other work (its own maps included) until
the results are asked for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from joblib import Parallel, delayed, parallel_config

from model.execution import (
    Execution,
    backend_context,  # the run's backend set-up (dask cluster)
    progress_bar,
)

T = TypeVar("T")


def parallel_map(
    func: Callable[..., T],
    items: Sequence[Any] | Iterable[Any],
    execution: Execution,
    *,
    desc: str = "",
    unit: str = "task",
    weights: Sequence[int] | None = None,
) -> list[T]:
    """``[func(item) for item in items]`` through ``execution``'s backend, in order.

    ``weights`` (one per item) advance the progress bar instead of 1 per item, e.g.
    the worlds of each task.
    """
    items = list(items)
    steps = list(weights) if weights is not None else [1] * len(items)
    out: list[T] = []
    bar = progress_bar(execution, sum(steps), desc, unit)
    try:
        if _in_process(execution) or len(items) <= 1:
            for item, step in zip(items, steps, strict=True):
                out.append(func(item))
                bar.update(step)
            return out
        with backend_context(execution) as (backend, jobs):
            with parallel_config(backend=backend, n_jobs=jobs):
                results = Parallel(return_as="generator")(delayed(func)(item) for item in items)
                for result, step in zip(results, steps, strict=True):
                    out.append(result)
                    bar.update(step)
        return out
    finally:
        bar.close()


@contextlib.contextmanager
def started_map(
    func: Callable[..., T],
    items: Sequence[Any] | Iterable[Any],
    execution: Execution,
    *,
    desc: str = "",
    unit: str = "task",
) -> Iterator[Callable[[], list[T]]]:
    """Start ``[func(item) for item in items]`` on ``execution``'s workers; within the
    block, this process is free, and the block's value waits for the results (in order).

    The workers take the tasks a few at a time, so maps made inside the block share them
    (each task is still a pure function of its arguments: the numbers do not depend on
    the interleaving). In this process (one job, or the sequential backend) the tasks run
    when the results are asked for. If the block fails, its error comes once the workers
    have finished the tasks (cancelling them midway upsets loky's executor); an
    interrupt (Ctrl-C) abandons them at once.
    """
    items = list(items)
    if _in_process(execution) or len(items) <= 1:
        computed: list[list[T]] = []

        def here() -> list[T]:
            if not computed:
                computed.append(parallel_map(func, items, execution, desc=desc, unit=unit))
            return computed[0]

        yield here
        return
    with backend_context(execution) as (backend, jobs), parallel_config(backend=backend, n_jobs=jobs):
        pending = Parallel(return_as="generator")(delayed(func)(item) for item in items)
        done: list[T] | None = None

        def results() -> list[T]:
            nonlocal done
            if done is None:
                bar = progress_bar(execution, len(items), desc, unit)
                collected = []
                try:
                    for result in pending:
                        collected.append(result)
                        bar.update(1)
                finally:
                    bar.close()
                done = collected
            return done

        try:
            yield results
        except Exception:
            if done is None:  # the block failed: let the workers finish what they hold (cancelling upsets loky)
                with contextlib.suppress(Exception):
                    for _ in pending:
                        pass
            raise
        finally:
            if done is None:
                pending.close()  # interrupted (Ctrl-C): the workers drop what is left


def _in_process(execution: Execution) -> bool:
    """Whether ``execution`` runs tasks in this process (the sequential backend, or one local job)."""
    return execution.backend == "sequential" or (execution.jobs == 1 and execution.scheduler is None)

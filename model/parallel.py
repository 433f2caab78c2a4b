"""Ordered parallel maps through the run's joblib backends, with a progress bar.

Results always come back in input order, and every task is a pure function of its
arguments, so a study gives the same numbers whatever the backend or the number of
jobs (the same guarantee as :mod:`model.execution` gives for one run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
        in_process = execution.backend == "sequential" or (execution.jobs == 1 and execution.scheduler is None)
        if in_process or len(items) <= 1:
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

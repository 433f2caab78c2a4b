"""Ordered parallel maps (model/parallel.py): the same results in order, whatever the
backend, and a started map sharing the workers with the maps made while it runs."""

from __future__ import annotations

import os

import pytest

from model.execution import Execution
from model.parallel import parallel_map, started_map


def _square(x: int) -> int:
    return x * x


CALLS: list[int] = []


def _counted(x: int) -> int:
    CALLS.append(x)
    return x


def _where(x: int) -> tuple[int, int]:
    return x, os.getpid()


EXECUTIONS = [
    Execution(jobs=1, progress=False),
    Execution(jobs=2, backend="loky", progress=False),
    Execution(jobs=2, backend="sequential", progress=False),
]


@pytest.mark.parametrize("execution", EXECUTIONS, ids=lambda e: f"{e.backend}-{e.jobs}")
def test_started_map_gives_the_map_in_order_with_other_maps_inside(execution):
    items = list(range(40))
    with started_map(_square, items, execution) as started:
        inside = parallel_map(_square, range(100, 110), execution)  # shares the workers meanwhile
        assert started() == [x * x for x in items]
        assert started() == [x * x for x in items]  # asked again: the same list, not run twice
    assert inside == [x * x for x in range(100, 110)]


def test_started_map_runs_on_the_workers_while_this_process_goes_on():
    execution = Execution(jobs=2, backend="loky", progress=False)
    with started_map(_where, range(8), execution) as started:
        mine = os.getpid()
        done = started()
    assert [x for x, _ in done] == list(range(8))
    assert mine not in {pid for _, pid in done}


def test_a_failing_block_raises_its_error_and_leaves_the_workers_usable():
    execution = Execution(jobs=2, backend="loky", progress=False)
    with pytest.raises(RuntimeError, match="stop"):
        with started_map(_square, range(200), execution):
            raise RuntimeError("stop")
    assert parallel_map(_square, range(5), execution) == [0, 1, 4, 9, 16]  # the workers are fine


def test_asking_twice_in_this_process_runs_the_tasks_once():
    CALLS.clear()
    with started_map(_counted, range(5), Execution(jobs=1, progress=False)) as started:
        assert CALLS == []  # in this process the tasks wait until the results are asked for
        assert started() == started() == [0, 1, 2, 3, 4]
    assert CALLS == [0, 1, 2, 3, 4]

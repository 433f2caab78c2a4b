"""Analyses a structural run adds beside its results: the paper's claims and the
selection-rule table, each as numbers in a CSV file of the run directory.

They compare variants of the run's own config on its first worlds (common random
numbers, :mod:`model.paired`), so the report can show them without running anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from model.config import LoadedConfig
from model.execution import Execution
from model.sampling import shared_draws

ANALYSIS_WORLDS = 32_768
"""Worlds per arm: paired differences are precise long before the run's own sample size."""
CLAIMS_FILE = "claims.csv"
RULES_FILE = "selection_rules.csv"


def _frame(task: tuple[str, int | None, LoadedConfig]):
    """Part of the table ``name`` of ``sample`` (a pandas DataFrame), in whichever process
    runs it: the rows of claim number ``claim`` for the claims, the whole selection-rule table."""
    from model.claims import CLAIMS, claims_frame, evaluate
    from model.rules import rule_table

    name, claim, sample = task
    with shared_draws():  # every arm draws the same worlds: each prior's draws are made once
        if name == CLAIMS_FILE:
            return claims_frame(evaluate(sample, claims=(CLAIMS[claim],)))
        return rule_table(sample)


def _tasks(sample: LoadedConfig) -> list[tuple[str, int | None, LoadedConfig]]:
    """The selection-rule table, then one task per claim (each a pure function of the
    config, so the rows are the same however they are split): seven tasks share two
    workers far better than the two tables did (the claims took four times as long).
    The table comes first because it is the longest task (about two claims' time): last,
    it kept one worker busy while the other waited."""
    from model.claims import CLAIMS

    return [(RULES_FILE, None, sample), *((CLAIMS_FILE, i, sample) for i in range(len(CLAIMS)))]


@contextlib.contextmanager
def started_analyses(loaded: LoadedConfig, execution: Execution) -> Iterator[Callable[[Path], dict[str, Path]]]:
    """Start computing the claims and the selection-rule table of ``loaded`` on the
    workers; within the block this process is free (the run's results are built and
    written meanwhile). The block's value, called with a directory, waits for the tables
    and writes them there as hidden temporaries; it returns their final names ->
    temporary paths (none in ordinal mode).

    The tables are computed in parts (:func:`_tasks`), side by side with two or more
    jobs: the same numbers either way."""
    if loaded.config.game.mode != "structural":
        yield lambda directory: {}
        return
    from model.parallel import started_map
    from model.simulation import resolve

    worlds = min(loaded.config.sampling.samples, ANALYSIS_WORLDS)
    sample = resolve(loaded, overrides=[f"sampling.samples={worlds}"])
    tasks = _tasks(sample)
    with started_map(_frame, tasks, replace(execution, progress=False)) as frames:

        def write(directory: Path) -> dict[str, Path]:
            import pandas as pd

            parts: dict[str, list] = {CLAIMS_FILE: [], RULES_FILE: []}
            for (name, _claim, _sample), frame in zip(tasks, frames(), strict=True):
                parts[name].append(frame)
            out = {}
            for name, frames_of_name in parts.items():
                frame = pd.concat(frames_of_name, ignore_index=True)
                tmp = directory / f".{name}.tmp"
                tmp.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
                out[name] = tmp
            return out

        yield write

"""Analyses a structural run adds beside its results: the paper's claims and the
selection-rule table, each as numbers in a CSV file of the run directory.

They compare variants of the run's own config on its first worlds (common random
numbers, :mod:`model.paired`), so the report can show them without running anything.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from model.config import LoadedConfig
from model.execution import Execution
from model.sampling import shared_draws

ANALYSIS_WORLDS = 32_768
"""Worlds per arm: paired differences are precise long before the run's own sample size."""
CLAIMS_FILE = "claims.csv"
RULES_FILE = "selection_rules.csv"


def _frame(task: tuple[str, LoadedConfig]):
    """The table ``name`` of ``sample`` (a pandas DataFrame), in whichever process runs it."""
    from model.claims import claims_frame, evaluate
    from model.rules import rule_table

    name, sample = task
    with shared_draws():  # every arm draws the same worlds: each prior's draws are made once
        if name == CLAIMS_FILE:
            return claims_frame(evaluate(sample))
        return rule_table(sample)


def analysis_files(loaded: LoadedConfig, execution: Execution, directory: Path) -> dict[str, Path]:
    """Write the claims and the selection-rule table of ``loaded`` as hidden temporaries in
    ``directory``; returns their final names -> temporary paths (none in ordinal mode).

    The two tables are independent, so with two or more jobs they are computed side by
    side (each is a pure function of the config: the same numbers either way)."""
    if loaded.config.game.mode != "structural":
        return {}
    from model.parallel import parallel_map
    from model.simulation import resolve

    worlds = min(loaded.config.sampling.samples, ANALYSIS_WORLDS)
    sample = resolve(loaded, overrides=[f"sampling.samples={worlds}"])
    names = (CLAIMS_FILE, RULES_FILE)
    frames = parallel_map(_frame, [(name, sample) for name in names], replace(execution, progress=False))
    out = {}
    for name, frame in zip(names, frames, strict=True):
        tmp = directory / f".{name}.tmp"
        tmp.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        out[name] = tmp
    return out

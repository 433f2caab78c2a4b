"""Analyses a structural run adds beside its results: the paper's claims and the
selection-rule table, each as numbers in a CSV file of the run directory.

They compare variants of the run's own config on its first worlds (common random
numbers, :mod:`model.paired`), so the report can show them without running anything.
"""

from __future__ import annotations

from pathlib import Path

from model.config import LoadedConfig
from model.execution import Execution

ANALYSIS_WORLDS = 32_768
"""Worlds per arm: paired differences are precise long before the run's own sample size."""
CLAIMS_FILE = "claims.csv"
RULES_FILE = "selection_rules.csv"


def analysis_files(loaded: LoadedConfig, execution: Execution, directory: Path) -> dict[str, Path]:
    """Write the claims and the selection-rule table of ``loaded`` as hidden temporaries in
    ``directory``; returns their final names -> temporary paths (none in ordinal mode)."""
    if loaded.config.game.mode != "structural":
        return {}
    from model.claims import claims_frame, evaluate
    from model.rules import rule_table
    from model.simulation import resolve

    worlds = min(loaded.config.sampling.samples, ANALYSIS_WORLDS)
    sample = resolve(loaded, overrides=[f"sampling.samples={worlds}"])
    files = {
        CLAIMS_FILE: claims_frame(evaluate(sample, execution=execution)),
        RULES_FILE: rule_table(sample, execution=execution),
    }
    out = {}
    for name, frame in files.items():
        tmp = directory / f".{name}.tmp"
        tmp.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        out[name] = tmp
    return out

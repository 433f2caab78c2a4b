"""The equilibrium-selection rule as a structural uncertainty.

Where a world's game has several equilibria, the selection rule decides what is played
(docs/MODEL.md §5), and no rule is privileged by evidence. This module evaluates the
headline outputs under every rule on the same worlds and reports, per output, each
rule's estimate, its paired difference from the config's own rule, and the range
across rules: how far the selection assumption alone moves the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from model.outputs import HEADLINE, output

if TYPE_CHECKING:  # rule_ranges, which reports use, must not import the engine
    from model.config import LoadedConfig
    from model.execution import Execution


def rule_table(
    loaded: LoadedConfig, outputs: tuple[str, ...] = HEADLINE, execution: Execution | None = None
) -> pd.DataFrame:
    """One row per (rule, output): estimate, standard error and the paired difference
    from the config's own rule (0 for that rule itself), on the config's worlds."""
    from model.paired import Comparison, paired, per_world
    from model.selection import RULES
    from model.simulation import resolve

    own = loaded.config.game.selection
    arms = {rule: loaded if rule == own else resolve(loaded, overrides=[f'game.selection="{rule}"']) for rule in RULES}
    names = [name for name in outputs if output(name).per_world is not None]
    comparisons = tuple(
        Comparison(f"{rule}:{name}", loaded, arms[rule], per_world(name), per_world(name))
        for rule in RULES
        for name in names
    )
    rows = []
    for comparison, result in zip(comparisons, paired(comparisons, execution), strict=True):
        rule, name = comparison.name.split(":")
        rows.append(
            {
                "rule": rule,
                "output": name,
                "value": result.treatment.value,
                "se": result.treatment.se,
                "difference": result.difference.value,
                "difference_se": result.difference.se,
                "own_rule": rule == own,
            }
        )
    return pd.DataFrame(rows)


def rule_ranges(table: pd.DataFrame) -> pd.DataFrame:
    """Per output: the lowest and highest estimate across rules and which rules give them."""
    rows = []
    for name, group in table.groupby("output", sort=False):
        low, high = group.loc[group["value"].idxmin()], group.loc[group["value"].idxmax()]
        own = group[group["own_rule"]].iloc[0]
        rows.append(
            {
                "output": name,
                "own_rule_value": own["value"],
                "low": low["value"],
                "low_rule": low["rule"],
                "high": high["value"],
                "high_rule": high["rule"],
                "range": high["value"] - low["value"],
            }
        )
    return pd.DataFrame(rows)

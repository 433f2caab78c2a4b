"""Names shared by every layer: the players, the profiles, the ledger, the outcomes.

The bottom of the package: this module imports nothing from ``model``, and every
other module that needs one of these names imports it from here.
"""

from __future__ import annotations

COUNTRIES: tuple[str, ...] = ("japan", "korea")
"""The junior partners, the two players (Japan is the row player)."""

PROFILES: tuple[str, ...] = ("BB", "BP", "PB", "PP")
"""Strategy profiles, Japan's move first (B balance, P pass the buck), in C order."""

LEDGER: tuple[str, ...] = (*COUNTRIES, "us")
"""Whose burden is counted: the two partners (the players) and the United States (a rule)."""

COMPONENTS: tuple[str, ...] = ("defence", "retaliation", "ptrl", "war", "collapse")
"""Burden components, in the order of every component axis."""

BURDEN_COMPONENTS: tuple[str, ...] = (*COMPONENTS, "total")
"""The components and their total, as in the results' ``component`` coordinate."""

OUTCOMES: tuple[str, ...] = ("deterrence_holds", "us_intervenes", "collapse")
"""The three outcomes of a profile, in the order of every outcome axis."""

Z95 = 1.959963984540054
"""The 97.5 % standard normal quantile: 95 % intervals are estimate ± Z95 · se."""

"""The output registry: every reported quantity declared once.

An :class:`Output` says what a quantity is called (in English and Traditional
Chinese), its unit, where it lives in the results Dataset (a variable and a
selection), and, where it has one, its *per-world* form: the value given one world,
which the sensitivity methods (tornado, Sobol', rank correlations, PRIM, regime maps)
analyse. The run summary, the report's key figures and convergence trace, and the
sensitivity studies iterate over :data:`OUTPUTS` instead of naming quantities
themselves, so adding an output is one entry here (plus its tests).

Per-world forms read a :class:`WorldValues`: the selection rule's profile
probabilities, the outcome probabilities and the expected burdens of n worlds, all
worlds-last, as :mod:`model.engine` computes them.

This module imports numpy only, so worker processes can use it cheaply; the xarray
accessor that reads estimates by name is :mod:`model.accessor`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from model.constants import Z95

PROBABILITY = "probability"
MONEY = "USD bn over the horizon"

_PROFILE_INDEX = {"BB": 0, "BP": 1, "PB": 2, "PP": 3}
_OUTCOME_INDEX = {"deterrence_holds": 0, "us_intervenes": 1, "collapse": 2}
_LEDGER_INDEX = {"japan": 0, "korea": 1, "us": 2}
_TOTAL = 5  # the total's index on the burden's component axis (five components, then the total)


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate, its standard error and its 95 % normal interval.

    Probabilities' intervals are clipped to [0, 1]; a deterministic quantity (se 0)
    has an interval of width 0.
    """

    value: float
    se: float
    low: float
    high: float

    @classmethod
    def of(cls, value: float, se: float, probability: bool = False) -> Estimate:
        low, high = value - Z95 * se, value + Z95 * se
        if probability:
            low, high = max(low, 0.0), min(high, 1.0)
        return cls(value, se, low, high)


@dataclass(frozen=True)
class WorldValues:
    """Per-world results of n worlds (worlds last).

    Attributes
    ----------
    played : float (4, n)
        Profile probabilities under the selection rule (BB, BP, PB, PP).
    outcome : float (3, n)
        P(deterrence holds, US intervenes, collapse) under that play.
    burden : float (3, 6, n)
        Expected burden per ledger entry (japan, korea, us) and component (five
        components, then the total), USD bn over the horizon.
    signature : intp (n,)
        Each world's game signature (:mod:`model.signature`): equilibrium set, game
        types and commitment outcomes are read off it.
    """

    played: np.ndarray
    outcome: np.ndarray
    burden: np.ndarray
    signature: np.ndarray


@dataclass(frozen=True)
class Output:
    """One reported quantity.

    Attributes
    ----------
    name : str
        Registry key, used on the command line and in study files.
    label : Mapping[str, str]
        Long name per language ("en", "zh-TW").
    short : Mapping[str, str]
        Short name per language, for chart axes and table headers.
    unit : str
        :data:`PROBABILITY` or :data:`MONEY`.
    variable : str
        The results Dataset variable holding the estimate (its ``_se`` beside it).
    index : Mapping[str, str]
        The selection of that variable (e.g. ``{"profile": "BP"}``).
    per_world : callable or None
        ``WorldValues -> float (n,)``, the value given each world; None when the
        quantity has no per-world form (a frequency read off equilibrium sets).
    structural_only : bool
        True when the quantity exists only in structural mode.
    """

    name: str
    label: Mapping[str, str]
    short: Mapping[str, str]
    unit: str
    variable: str
    index: Mapping[str, str] = field(default_factory=dict)
    per_world: Callable[[WorldValues], np.ndarray] | None = None
    structural_only: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", MappingProxyType(dict(self.label)))
        object.__setattr__(self, "short", MappingProxyType(dict(self.short)))
        object.__setattr__(self, "index", MappingProxyType(dict(self.index)))

    @property
    def is_probability(self) -> bool:
        return self.unit == PROBABILITY

    def of_worlds(self, values: WorldValues) -> np.ndarray:
        """The per-world form, float64 (n,)."""
        if self.per_world is None:
            raise ValueError(f"output {self.name!r} has no per-world form")
        return np.asarray(self.per_world(values), dtype=np.float64)


def _played(profile: str) -> Callable[[WorldValues], np.ndarray]:
    i = _PROFILE_INDEX[profile]
    return lambda w: w.played[i]


def _outcome(outcome: str) -> Callable[[WorldValues], np.ndarray]:
    i = _OUTCOME_INDEX[outcome]
    return lambda w: w.outcome[i]


def _total_burden(country: str) -> Callable[[WorldValues], np.ndarray]:
    i = _LEDGER_INDEX[country]
    return lambda w: w.burden[i, _TOTAL]


def _table(name: str) -> np.ndarray:
    from model.signature import tables  # the lookup tables; imported when first needed

    return getattr(tables(), name)


def _both_prisoners_dilemma(w: WorldValues) -> np.ndarray:
    pd = 0  # index of "Prisoner's Dilemma" in model.gametypes.TYPE_LABELS
    return (_table("japan_type").take(w.signature) == pd) & (_table("korea_type").take(w.signature) == pd)


def _unique_mutual_buck_passing(w: WorldValues) -> np.ndarray:
    return _table("eq_set").take(w.signature) == 8  # the set {PP}


def _korea_passes_after_commit(w: WorldValues) -> np.ndarray:
    return 1.0 - _table("korea_b_given_japan_b").take(w.signature)


def _names(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-TW": zh}


_ALL = (
    Output(
        name="p_collapse",
        label=_names("P(the regional balance collapses)", "區域均衡崩解機率"),
        short=_names("P(collapse)", "崩解機率"),
        unit=PROBABILITY,
        variable="p_collapse",
        per_world=_outcome("collapse"),
    ),
    Output(
        name="p_deterrence_holds",
        label=_names("P(deterrence holds)", "嚇阻成立機率"),
        short=_names("P(deterrence holds)", "嚇阻成立機率"),
        unit=PROBABILITY,
        variable="p_deterrence_holds",
        per_world=_outcome("deterrence_holds"),
    ),
    Output(
        name="p_us_intervenes",
        label=_names("P(the US intervenes)", "美國介入機率"),
        short=_names("P(US intervenes)", "美國介入機率"),
        unit=PROBABILITY,
        variable="p_us_intervenes",
        per_world=_outcome("us_intervenes"),
    ),
    Output(
        name="mutual_buck_passing",
        label=_names("P(both pass the buck, PP played)", "雙方皆責任轉嫁（PP）機率"),
        short=_names("P(PP played)", "PP 機率"),
        unit=PROBABILITY,
        variable="played",
        index={"profile": "PP"},
        per_world=_played("PP"),
        structural_only=False,
    ),
    Output(
        name="mutual_balancing",
        label=_names("P(both balance, BB played)", "雙方皆制衡（BB）機率"),
        short=_names("P(BB played)", "BB 機率"),
        unit=PROBABILITY,
        variable="played",
        index={"profile": "BB"},
        per_world=_played("BB"),
        structural_only=False,
    ),
    Output(
        name="japan_alone",
        label=_names("P(Japan balances alone, BP played)", "日本單獨制衡（BP）機率"),
        short=_names("P(Japan alone)", "日本單獨制衡機率"),
        unit=PROBABILITY,
        variable="played",
        index={"profile": "BP"},
        per_world=_played("BP"),
        structural_only=False,
    ),
    Output(
        name="korea_alone",
        label=_names("P(Korea balances alone, PB played)", "韓國單獨制衡（PB）機率"),
        short=_names("P(Korea alone)", "韓國單獨制衡機率"),
        unit=PROBABILITY,
        variable="played",
        index={"profile": "PB"},
        per_world=_played("PB"),
        structural_only=False,
    ),
    Output(
        name="korea_passes",
        label=_names("P(Korea passes the buck), simultaneous play", "韓國責任轉嫁機率（同時賽局）"),
        short=_names("P(Korea passes)", "韓國轉嫁機率"),
        unit=PROBABILITY,
        variable="korea_passes",
        per_world=lambda w: w.played[1] + w.played[3],
        structural_only=False,
    ),
    Output(
        name="korea_passes_after_commit",
        label=_names("P(Korea passes the buck once Japan commits to B)", "日本承諾制衡後韓國責任轉嫁機率"),
        short=_names("P(Korea passes | Japan committed)", "日本承諾後韓國轉嫁機率"),
        unit=PROBABILITY,
        variable="korea_passes_after_commit",
        per_world=_korea_passes_after_commit,
        structural_only=False,
    ),
    Output(
        name="commit_is_best",
        label=_names(
            "Share of worlds where committing to balance is Japan's best move", "承諾制衡為日本最佳選擇的世界比例"
        ),
        short=_names("commitment is best", "承諾為最佳"),
        unit=PROBABILITY,
        variable="commit_is_best",
        structural_only=False,
    ),
    Output(
        name="both_prisoners_dilemma",
        label=_names("Share of worlds where both partners face a Prisoner's Dilemma", "雙方皆處於囚徒困境的世界比例"),
        short=_names("both in a PD", "雙方囚徒困境"),
        unit=PROBABILITY,
        variable="game_type_freq",
        index={"japan_type": "Prisoner's Dilemma", "korea_type": "Prisoner's Dilemma"},
        per_world=_both_prisoners_dilemma,
        structural_only=False,
    ),
    Output(
        name="unique_mutual_buck_passing",
        label=_names(
            "Share of worlds where mutual buck-passing is the unique equilibrium", "相互責任轉嫁為唯一均衡的世界比例"
        ),
        short=_names("PP unique equilibrium", "PP 唯一均衡"),
        unit=PROBABILITY,
        variable="eq_set_freq",
        index={"eq_set": "{PP}"},
        per_world=_unique_mutual_buck_passing,
        structural_only=False,
    ),
    Output(
        name="japan_ptrl",
        label=_names("Japan's payments into Taiwan's requirements list", "日本對臺灣需求清單的出資"),
        short=_names("Japan's PTRL payments", "日本清單出資"),
        unit=MONEY,
        variable="burden",
        index={"country": "japan", "component": "ptrl"},
        per_world=lambda w: w.burden[_LEDGER_INDEX["japan"], 2],
    ),
    *(
        Output(
            name=f"{country}_burden",
            label=_names(f"{en}'s expected burden", f"{zh}預期負擔"),
            short=_names(f"{en}'s burden", f"{zh}負擔"),
            unit=MONEY,
            variable="burden",
            index={"country": country, "component": "total"},
            per_world=_total_burden(country),
        )
        for country, en, zh in (("japan", "Japan", "日本"), ("korea", "Korea", "韓國"), ("us", "The US", "美國"))
    ),
    Output(
        name="japan_var95",
        label=_names("Japan's 95 % value at risk", "日本 95% 風險值"),
        short=_names("Japan's VaR95", "日本 VaR95"),
        unit=MONEY,
        variable="var95",
        index={"country": "japan", "component": "total"},
    ),
    Output(
        name="japan_cvar95",
        label=_names("Japan's 95 % conditional value at risk", "日本 95% 條件風險值"),
        short=_names("Japan's CVaR95", "日本 CVaR95"),
        unit=MONEY,
        variable="cvar95",
        index={"country": "japan", "component": "total"},
    ),
)

OUTPUTS: Mapping[str, Output] = MappingProxyType({o.name: o for o in _ALL})
"""Every registered output, by name, in display order."""

HEADLINE = ("p_collapse", "p_us_intervenes", "mutual_buck_passing", "korea_alone", "japan_burden", "us_burden")
"""The outputs shown first: run summary and convergence."""

KEY_FIGURES = (
    "p_collapse",
    "p_deterrence_holds",
    "p_us_intervenes",
    "mutual_buck_passing",
    "mutual_balancing",
    "japan_alone",
    "korea_alone",
    "japan_burden",
    "korea_burden",
    "us_burden",
    "japan_var95",
    "japan_cvar95",
    "both_prisoners_dilemma",
    "korea_passes",
    "korea_passes_after_commit",
    "commit_is_best",
)
"""The report's key-figures table, in order (those the run holds)."""

ANALYSED = ("japan_burden", "p_collapse", "japan_alone", "korea_alone")
"""The outputs the sensitivity methods analyse by default."""


def output(name: str) -> Output:
    """The registered output ``name``; a ValueError naming the choices otherwise."""
    try:
        return OUTPUTS[name]
    except KeyError:
        raise ValueError(f"unknown output {name!r}; expected one of {', '.join(OUTPUTS)}") from None


def applicable(structural: bool) -> tuple[Output, ...]:
    """The outputs that exist in a run of this mode, in registry order."""
    return tuple(o for o in OUTPUTS.values() if structural or not o.structural_only)


__all__ = [
    "ANALYSED",
    "HEADLINE",
    "MONEY",
    "OUTPUTS",
    "PROBABILITY",
    "Estimate",
    "Output",
    "WorldValues",
    "applicable",
    "output",
]

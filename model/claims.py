"""The source paper's claims as measured quantities, each tested with paired intervals.

The paper (Sakade & Morimoto, "US offshore balancing and East Asia's junior partners:
the Japan-Korea dilemma in a Taiwan contingency", translated by the Japan Center of
the Chung-Hua Institution for Economic Research, 2026) makes six claims; each
:class:`Claim` below paraphrases one in English and Traditional Chinese and names the
quantities that test it. A :class:`Measure` is a paired comparison on common random
numbers (:mod:`model.paired`): a reference and a treatment arm, both derived from the
analysed config by ``--set`` overrides, and the registered output compared in each.

Verdicts come from the 95 % interval of the paired difference: *supported* when it
excludes zero on the side the paper predicts, *contradicted* when it excludes zero on
the other side, *not distinguishable* from zero otherwise. *Where it holds* is a PRIM
box (Friedman & Fisher 1999) over the priors for the per-world indicator that the
claim's primary (first) measure has the predicted sign.

Claims are data: adding one is adding an entry to :data:`CLAIMS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from model.config import LoadedConfig
from model.execution import Execution
from model.outputs import output
from model.paired import Comparison, Paired, paired, per_world

SUPPORTED, CONTRADICTED, UNDECIDED = "supported", "contradicted", "not distinguishable from zero"
MIXED = "mixed"
VERDICTS = (SUPPORTED, CONTRADICTED, UNDECIDED)
"""A measure's verdicts; a claim whose measures disagree is :data:`MIXED`."""

INTEGRATED = ('policy.us_regime="integrated_deterrence"',)
OFFSHORE = ('policy.us_regime="offshore_balancing"',)
NO_LIST = ('policy.financing="none"',)
JAPAN_PAYS_THE_LIST = ('policy.financing="ptrl_japan"', "policy.ptrl_share_japan=1.0")
PERCEPTION_GAP = (
    'game.structural.beliefs.japan.collapse_loss_bias={dist="uniform", min=1.0, max=1.3}',
    'game.structural.beliefs.korea.collapse_loss_bias={dist="uniform", min=0.3, max=0.8}',
    'game.structural.beliefs.korea.resolve_bias={dist="uniform", min=0.7, max=1.0}',
)
"""The threat-perception gap of configs/scenarios/offshore_perception_gap.toml."""


def _failures(values) -> np.ndarray:
    return 1.0 - values.outcome[0]  # P(local deterrence fails | world)


@dataclass(frozen=True)
class Measure:
    """One tested quantity: ``output`` in the treatment arm minus ``reference_output``
    (default: the same output) in the reference arm, world by world.

    ``expected`` is the sign the paper predicts for that difference. With
    ``per_failure`` both arms are ratios to P(local deterrence fails).
    """

    output: str
    expected: int
    reference: tuple[str, ...] = ()
    treatment: tuple[str, ...] = ()
    reference_output: str | None = None
    per_failure: bool = False
    note: Mapping[str, str] | None = None  # what distinguishes this measure's arms, per language

    def label(self, lang: str = "en") -> str:
        text = output(self.output).label[lang]
        if self.per_failure:
            text = f"{text} | deterrence fails" if lang == "en" else f"{text}｜嚇阻失敗時"
        return f"{text} ({self.note[lang]})" if self.note else text


@dataclass(frozen=True)
class Claim:
    key: str
    paper: Mapping[str, str]
    measures: tuple[Measure, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "paper", MappingProxyType(dict(self.paper)))


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "prisoners_dilemma",
        {
            "en": "Under offshore balancing Japan and Korea are in a Prisoner's Dilemma: each prefers that the "
            "other balance, and mutual buck-passing is the equilibrium.",
            "zh-TW": "在離岸平衡下，日韓陷入囚徒困境：雙方都希望對方制衡，相互責任轉嫁成為均衡。",
        },
        (
            Measure("both_prisoners_dilemma", +1, INTEGRATED, OFFSHORE),
            Measure("unique_mutual_buck_passing", +1, INTEGRATED, OFFSHORE),
        ),
    ),
    Claim(
        "burden_shift",
        {
            "en": "Moving from integrated deterrence to offshore balancing shifts the cost of balancing China "
            "from the US onto its regional partners.",
            "zh-TW": "從綜合嚇阻轉向離岸平衡，將制衡中國的成本由美國轉嫁給區域夥伴。",
        },
        (
            Measure("japan_burden", +1, INTEGRATED, OFFSHORE),
            Measure("korea_burden", +1, INTEGRATED, OFFSHORE),
            Measure("us_burden", -1, INTEGRATED, OFFSHORE),
        ),
    ),
    Claim(
        "commitment_invites_passing",
        {
            "en": "Japan's public commitment to balance convinces Korea that Japan will carry the burden, "
            "and so increases Korea's buck-passing.",
            "zh-TW": "日本公開承諾制衡，使韓國確信日本將承擔不對稱負擔，反而助長韓國的責任轉嫁。",
        },
        (Measure("korea_passes_after_commit", +1, reference_output="korea_passes"),),
    ),
    Claim(
        "perception_gap",
        {
            "en": "The Japan-Korea threat-perception gap (for Japan a Taiwan crisis is Japan's crisis; for Korea "
            "North Korea comes first) raises buck-passing.",
            "zh-TW": "日韓威脅認知落差（日本：臺灣有事即日本有事；韓國：北韓優先）助長責任轉嫁。",
        },
        (
            Measure("korea_passes", +1, (), PERCEPTION_GAP),
            Measure("mutual_buck_passing", +1, (), PERCEPTION_GAP),
            # A sweep of the gap's size: Korea's stake discounted by a quarter, then by half.
            *(
                Measure(
                    "korea_passes",
                    +1,
                    (),
                    (f"game.structural.beliefs.korea.collapse_loss_bias={bias}",),
                    note={"en": f"Korea's stake × {bias}", "zh-TW": f"韓國利害 × {bias}"},
                )
                for bias in (0.75, 0.5)
            ),
        ),
    ),
    Claim(
        "lender_of_last_resort",
        {
            "en": "Under offshore balancing the US intervenes only as a lender of last resort, when local "
            "deterrence fails, and on conditions.",
            "zh-TW": "在離岸平衡下，美國僅在在地嚇阻失敗時、且附帶條件地以「最後貸款人」身分介入。",
        },
        (Measure("p_us_intervenes", -1, INTEGRATED, OFFSHORE, per_failure=True),),
    ),
    Claim(
        "ptrl_leverage",
        {
            "en": "A Japan-financed Prioritized Taiwan Requirements List turns Japan's payments into leverage "
            "that keeps the US engaged.",
            "zh-TW": "由日本出資的「臺灣優先需求清單」將日本的支出轉化為把美國拴在東亞的槓桿。",
        },
        (
            Measure("p_us_intervenes", +1, OFFSHORE + NO_LIST, OFFSHORE + JAPAN_PAYS_THE_LIST),
            Measure("p_collapse", -1, OFFSHORE + NO_LIST, OFFSHORE + JAPAN_PAYS_THE_LIST),
            Measure("japan_burden", +1, OFFSHORE + NO_LIST, OFFSHORE + JAPAN_PAYS_THE_LIST),
            Measure("korea_burden", -1, OFFSHORE + NO_LIST, OFFSHORE + JAPAN_PAYS_THE_LIST),
        ),
    ),
)
"""The paper's claims, in the order of ../shared/SOURCE.md."""


@dataclass(frozen=True)
class Where:
    """The PRIM box where the claim holds world by world."""

    coverage: float
    density: float
    mass: float
    bounds: str
    base_density: float


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    result: Paired
    verdict: str
    where: Where | None = None

    def sentence(self, lang: str = "en") -> str:
        d = self.result.difference
        label = self.measure.label(lang)
        return (
            f"{label}: {self.result.reference.value:.4g} → {self.result.treatment.value:.4g}, "
            f"difference {d.value:+.4g} (95 % CI {d.low:+.4g} to {d.high:+.4g}): {self.verdict}"
        )


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    measures: tuple[MeasureResult, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> str:
        """The measures' common verdict, or :data:`MIXED` when they disagree."""
        verdicts = {m.verdict for m in self.measures}
        return verdicts.pop() if len(verdicts) == 1 else MIXED


def verdict(low: float, high: float, expected: int) -> str:
    """Supported / contradicted / not distinguishable, from a 95 % interval of a difference."""
    if low > 0 or high < 0:
        return SUPPORTED if (1 if low > 0 else -1) == expected else CONTRADICTED
    return UNDECIDED


def _arm(loaded: LoadedConfig, overrides: tuple[str, ...]) -> LoadedConfig:
    from model.simulation import resolve

    return resolve(loaded, overrides=list(overrides)) if overrides else loaded


def comparisons(loaded: LoadedConfig, claims: tuple[Claim, ...] = CLAIMS) -> list[Comparison]:
    """The paired comparisons behind ``claims``, arms built from ``loaded``; arms with the
    same overrides are one config object, solved once per chunk."""
    arms: dict[tuple[str, ...], LoadedConfig] = {}

    def arm(overrides: tuple[str, ...]) -> LoadedConfig:
        if overrides not in arms:
            arms[overrides] = _arm(loaded, overrides)
        return arms[overrides]

    out = []
    for claim in claims:
        for i, m in enumerate(claim.measures):
            denominator = _failures if m.per_failure else None
            out.append(
                Comparison(
                    f"{claim.key}:{i}",
                    arm(m.reference),
                    arm(m.treatment),
                    per_world(m.reference_output or m.output),
                    per_world(m.output),
                    denominator,
                    denominator,
                )
            )
    return out


def where_it_holds(result: Paired, expected: int) -> Where | None:
    """PRIM over the treatment arm's priors for the worlds where the difference has the
    predicted sign; None when the indicator is constant (nothing to discover)."""
    from model.prim import prim

    holds = (result.sample * expected > 0).astype(float)
    if result.inputs.shape[0] == 0 or holds.min() == holds.max():
        return None
    found = prim(result.inputs, holds, result.input_names, target="claim holds", max_boxes=1)
    if not found.boxes:
        return None
    box = found.boxes[0]
    return Where(
        box.stats.coverage,
        box.stats.density,
        box.stats.mass,
        "; ".join(found.bounds_text(box.stats.box)),
        box.base_density,
    )


def evaluate(
    loaded: LoadedConfig, claims: tuple[Claim, ...] = CLAIMS, execution: Execution | None = None
) -> tuple[ClaimResult, ...]:
    """Every claim's measures on ``loaded``'s worlds, with verdicts and PRIM boxes."""
    results = iter(paired(tuple(comparisons(loaded, claims)), execution))
    out = []
    for claim in claims:
        measured = []
        for i, m in enumerate(claim.measures):
            r = next(results)
            decided = verdict(r.difference.low, r.difference.high, m.expected)
            where = where_it_holds(r, m.expected) if i == 0 else None  # a claim's box: its primary measure
            measured.append(MeasureResult(m, r, decided, where))
        out.append(ClaimResult(claim, tuple(measured)))
    return tuple(out)


def claims_text(results: tuple[ClaimResult, ...], lang: str = "en") -> str:
    """The claims as plain text: one paragraph per claim, one line per measure."""
    lines = []
    for n, result in enumerate(results, start=1):
        lines.append(f"{n}. {result.claim.paper[lang]}")
        lines.append(f"   verdict: {result.verdict}")
        for m in result.measures:
            lines.append(f"   - {m.sentence(lang)}")
            if m.where is not None:
                w = m.where
                lines.append(
                    f"     holds in {w.base_density:.0%} of worlds; most where {w.bounds} "
                    f"(coverage {w.coverage:.2f}, density {w.density:.2f})"
                )
    return "\n".join(lines)


def claims_frame(results: tuple[ClaimResult, ...]):
    """Every measure as one row of numbers (a pandas DataFrame), for CSV and spreadsheets."""
    import pandas as pd

    rows = []
    for result in results:
        for m in result.measures:
            r = m.result
            rows.append(
                {
                    "claim": result.claim.key,
                    "claim_en": result.claim.paper["en"],
                    "claim_zh_tw": result.claim.paper["zh-TW"],
                    "claim_verdict": result.verdict,
                    "quantity": m.measure.output + (" | deterrence fails" if m.measure.per_failure else ""),
                    "quantity_en": m.measure.label("en"),
                    "quantity_zh_tw": m.measure.label("zh-TW"),
                    "unit": output(m.measure.output).unit,
                    "reference": r.reference.value,
                    "reference_se": r.reference.se,
                    "treatment": r.treatment.value,
                    "treatment_se": r.treatment.se,
                    "difference": r.difference.value,
                    "difference_se": r.difference.se,
                    "difference_low_95": r.difference.low,
                    "difference_high_95": r.difference.high,
                    "expected_sign": m.measure.expected,
                    "verdict": m.verdict,
                    "worlds": r.worlds,
                    "holds_share": None if m.where is None else m.where.base_density,
                    "box": None if m.where is None else m.where.bounds,
                    "box_coverage": None if m.where is None else m.where.coverage,
                    "box_density": None if m.where is None else m.where.density,
                }
            )
    return pd.DataFrame(rows)

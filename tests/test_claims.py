"""The paper's claims (model/claims.py) and the paired estimates behind them (model/paired.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from model.claims import CLAIMS, CONTRADICTED, SUPPORTED, UNDECIDED, Claim, Measure, claims_frame, evaluate, verdict
from model.config import load_config
from model.paired import Comparison, paired, per_world

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
SMALL = ["sampling.chunk_size=2048"]
INTEGRATED = 'policy.us_regime="integrated_deterrence"'


def _failures(values) -> np.ndarray:
    return 1.0 - values.outcome[0]


@pytest.mark.parametrize("ratio", [False, True], ids=["mean", "ratio"])
def test_paired_standard_errors_match_the_spread_over_independent_seeds(ratio: bool) -> None:
    """Over 30 seeds, the spread of the paired difference matches its reported standard
    error: 29 s^2 / se^2 follows a chi-square with 29 degrees of freedom, so it must lie
    inside that law's central 99.9 % range."""
    seeds = range(1, 31)
    estimates, errors = [], []
    for seed in seeds:
        common = [*SMALL, "sampling.samples=4096", f"sampling.seed={seed}"]
        offshore = load_config(BASELINE, common)
        integrated = load_config(BASELINE, [*common, INTEGRATED])
        name = "p_us_intervenes" if ratio else "japan_burden"
        denominator = _failures if ratio else None
        comparison = Comparison("c", integrated, offshore, per_world(name), per_world(name), denominator, denominator)
        (result,) = paired((comparison,))
        estimates.append(result.difference.value)
        errors.append(result.difference.se)
    k = len(estimates)
    statistic = (k - 1) * np.var(estimates, ddof=1) / np.mean(np.square(errors))
    low, high = stats.chi2.ppf([0.0005, 0.9995], k - 1)
    assert low < statistic < high, (statistic, low, high)


def test_pairing_beats_independent_arms() -> None:
    """Common random numbers: the paired error is below the error of two independent estimates."""
    common = [*SMALL, "sampling.samples=8192"]
    comparison = Comparison(
        "c",
        load_config(BASELINE, [*common, INTEGRATED]),
        load_config(BASELINE, common),
        per_world("korea_burden"),
        per_world("korea_burden"),
    )
    (r,) = paired((comparison,))
    assert r.difference.se < np.hypot(r.reference.se, r.treatment.se)
    assert r.difference.value == pytest.approx(r.treatment.value - r.reference.value, rel=1e-12)


def test_verdict_rule() -> None:
    assert verdict(0.1, 0.3, +1) == SUPPORTED and verdict(0.1, 0.3, -1) == CONTRADICTED
    assert verdict(-0.3, -0.1, -1) == SUPPORTED and verdict(-0.3, -0.1, +1) == CONTRADICTED
    assert verdict(-0.1, 0.1, +1) == UNDECIDED and verdict(0.0, 0.0, -1) == UNDECIDED


def _claim(measure: Measure) -> Claim:
    return Claim("test", {"en": "a test claim", "zh-TW": "測試"}, (measure,))


@pytest.mark.parametrize(("expected", "verdict_wanted"), [(+1, SUPPORTED), (-1, CONTRADICTED)], ids=["holds", "fails"])
def test_a_claim_true_or_false_by_construction(expected: int, verdict_wanted: str) -> None:
    """The US rule makes this certain: with a threshold of 0 the US comes whenever local
    deterrence fails, with an unreachable one it never does."""
    loaded = load_config(BASELINE, [*SMALL, "sampling.samples=8192"])
    theta = "game.structural.us.offshore_balancing.threshold"
    measure = Measure("p_us_intervenes", expected, (f"{theta}=1e9",), (f"{theta}=0",))
    (result,) = evaluate(loaded, (_claim(measure),))
    assert result.verdict == verdict_wanted
    assert result.measures[0].result.reference.value == 0.0


def test_a_claim_without_effect_is_not_distinguishable() -> None:
    loaded = load_config(BASELINE, [*SMALL, "sampling.samples=8192"])
    (result,) = evaluate(loaded, (_claim(Measure("japan_burden", +1, ("sampling.seed=20251107",), ())),))
    assert result.verdict == UNDECIDED
    d = result.measures[0].result.difference
    assert d.value == 0.0 and d.se == 0.0


def test_every_shipped_claim_evaluates_with_finite_numbers() -> None:
    loaded = load_config(BASELINE, [*SMALL, "sampling.samples=8192"])
    results = evaluate(loaded)
    assert [r.claim.key for r in results] == [c.key for c in CLAIMS]
    frame = claims_frame(results)
    numbers = frame[["reference", "treatment", "difference", "difference_se"]].to_numpy(float)
    assert np.isfinite(numbers).all() and (frame["difference_se"] >= 0).all()
    assert set(frame["verdict"]) <= {SUPPORTED, CONTRADICTED, UNDECIDED}
    for claim in CLAIMS:
        assert claim.paper["en"].strip() and claim.paper["zh-TW"].strip()


def test_claims_evaluated_one_by_one_give_the_rows_of_all_at_once() -> None:
    """offshore run computes each claim as its own task (model/analyses.py); that is only
    sound if a claim's numbers depend on the config alone, not on the claims beside it."""
    import pandas as pd

    from model.sampling import shared_draws

    loaded = load_config(BASELINE, [*SMALL, "sampling.samples=4096"])
    with shared_draws():
        together = claims_frame(evaluate(loaded))
    parts = []
    for claim in CLAIMS:
        with shared_draws():
            parts.append(claims_frame(evaluate(loaded, claims=(claim,))))
    split = pd.concat(parts, ignore_index=True)
    assert split.to_csv(index=False) == together.to_csv(index=False)  # claims.csv, byte for byte
    assert len(split) == len(together) > len(CLAIMS)

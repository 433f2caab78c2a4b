"""Payoff construction: from sampled parameters to the two players' 2x2 payoff arrays.

Two modes (docs/MODEL.md §3): the paper's ordinal table plus noise, and the structural
mode in which payoffs are minus each partner's burden, built from costs, retaliation,
deterrence, the US rule and PTRL financing. Arrays are (n, 2, 2) with index 0 = B.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.beliefs import Perception, log_prior, perceive
from model.config.parameters import (
    belief_key,
    complete_information,
    ordinal_noise_key,
    structural_noise_key,
)
from model.config.schema import Config, Policy
from model.constants import COMPONENTS, COUNTRIES, LEDGER, PROFILES

# Which partner balances in each profile (BB, BP, PB, PP).
_JAPAN_BALANCES = np.array([1.0, 1.0, 0.0, 0.0])
_KOREA_BALANCES = np.array([1.0, 0.0, 1.0, 0.0])
_BOTH_BALANCE = _JAPAN_BALANCES * _KOREA_BALANCES


def ordinal_payoffs(config: Config, draws: Mapping[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ordinal table plus per-cell noise.

    Returns
    -------
    japan, korea : ndarray, float64 (4, n)
        Ordinal utilities (4 = best) plus the drawn noise, profile-major: row p is
        profile ``PROFILES[p]`` (BB, BP, PB, PP).
    """
    ordinal = config.game.ordinal
    out = []
    for player in COUNTRIES:
        table = np.asarray(getattr(ordinal, player), dtype=float).reshape(4)
        payoff = np.empty((4, n))
        for i, profile in enumerate(PROFILES):
            np.add(draws[ordinal_noise_key(player, profile)], table[i], out=payoff[i])
        out.append(payoff)
    return out[0], out[1]


def financing_shares(policy: Policy) -> dict[str, float]:
    """Shares of Taiwan's requirements list paid by japan, korea, others and the us."""
    shares = {"japan": 0.0, "korea": 0.0, "others": 0.0, "us": 0.0}
    alpha = policy.ptrl_share_japan
    if policy.financing == "drawdown":
        shares["us"] = 1.0
    elif policy.financing == "purl_pooled":
        pooled = policy.pooled_shares
        shares.update(japan=pooled.japan, korea=pooled.korea, others=pooled.others)
    elif policy.financing == "ptrl_japan":
        shares["japan"] = alpha
    elif policy.financing == "full_pass_through":
        shares.update(japan=alpha, korea=1.0 - alpha)
    return shares


@dataclass(frozen=True)
class BurdenModel:
    """What the burden of n worlds depends on, beyond which profile is played.

    Arrays are laid out worlds-last, so that each profile or country is one
    contiguous row.

    Attributes
    ----------
    intervenes, collapses : bool (4, n)
        Per profile (BB, BP, PB, PP): the US intervenes; the balance collapses.
    horizon : float64 (n,)
        T, the years over which annual flows are summed.
    cost, retaliation, ptrl_paid, war_loss, collapse_loss : float64 (2, n)
        Per country (japan, korea): balancing outlay, solo retaliation and PTRL
        payment (USD bn per year), war and collapse losses (USD bn, totals).
    dilution, ptrl_retaliation : float64 (n,)
        rho (retaliation share when both balance) and psi (per USD paid into PTRL).
    us_deterrent, us_drawdown : float64 (n,)
        The US ledger's annual flows: its forward deterrent d_US and its drawdown
        money phi_US * X (USD bn per year).
    us_war_loss, us_collapse_loss : float64 (n,)
        The US's cost of a war it joins and its loss when the balance collapses (USD
        bn, totals over the horizon).
    """

    intervenes: np.ndarray
    collapses: np.ndarray
    horizon: np.ndarray
    cost: np.ndarray
    retaliation: np.ndarray
    ptrl_paid: np.ndarray
    war_loss: np.ndarray
    collapse_loss: np.ndarray
    dilution: np.ndarray
    ptrl_retaliation: np.ndarray
    us_deterrent: np.ndarray
    us_drawdown: np.ndarray
    us_war_loss: np.ndarray
    us_collapse_loss: np.ndarray

    def take(self, idx: np.ndarray) -> BurdenModel:
        """The worlds at ``idx`` (any integer index array, repeats allowed)."""
        return BurdenModel(
            intervenes=self.intervenes[:, idx],
            collapses=self.collapses[:, idx],
            horizon=self.horizon[idx],
            cost=self.cost[:, idx],
            retaliation=self.retaliation[:, idx],
            ptrl_paid=self.ptrl_paid[:, idx],
            war_loss=self.war_loss[:, idx],
            collapse_loss=self.collapse_loss[:, idx],
            dilution=self.dilution[idx],
            ptrl_retaliation=self.ptrl_retaliation[idx],
            us_deterrent=self.us_deterrent[idx],
            us_drawdown=self.us_drawdown[idx],
            us_war_loss=self.us_war_loss[idx],
            us_collapse_loss=self.us_collapse_loss[idx],
        )

    def outcome_probabilities(self, weights: np.ndarray) -> np.ndarray:
        """P(deterrence holds, US intervenes, collapse) under ``weights`` (4, n): (3, n)."""
        out = np.empty((3, weights.shape[1]))
        np.einsum("pn,pn->n", weights, self.intervenes, out=out[1])
        np.einsum("pn,pn->n", weights, self.collapses, out=out[2])
        np.subtract(1.0, out[1], out=out[0])
        out[0] -= out[2]
        return out

    def expected_burden(self, weights: np.ndarray) -> np.ndarray:
        """Expected burden (3, 6, n) when profiles are played with ``weights`` (4, n).

        Axis 0 is whose burden (:data:`LEDGER`: japan, korea, us), axis 1 the
        component in :data:`COMPONENTS` order then the total, in USD bn. The burden is
        linear in the profile indicators, so five probabilities per world suffice: each
        partner balances, both balance, the US intervenes, the balance collapses. The
        US's defence and drawdown flows do not depend on the profile, and it suffers no
        retaliation (docs/MODEL.md §3.6).
        """
        w = weights
        t = self.horizon
        out = np.empty((len(LEDGER), len(COMPONENTS) + 1, w.shape[1]))
        partners, us = out[:2], out[2]
        # Each partner's probability of balancing, held in its defence row until scaled.
        balances = partners[:, 0]
        np.add(w[0], w[1], out=balances[0])
        np.add(w[0], w[2], out=balances[1])
        # Retaliation: balancing alone, or rho when both balance (balances - both * (1 - rho)).
        np.subtract(balances, w[0] * self._undiluted, out=partners[:, 1])
        partners[:, 1] *= self.retaliation
        partners[:, 1] += self._ptrl_charge
        partners[:, 1] *= t
        balances *= self.cost
        balances *= t
        partners[:, 2] = self._ptrl_total
        # P(US intervenes) and P(collapse), held in the US rows until scaled.
        p_war, p_collapse = us[3], us[4]
        np.einsum("pn,pn->n", w, self.intervenes, out=p_war)
        np.einsum("pn,pn->n", w, self.collapses, out=p_collapse)
        np.multiply(self.war_loss, p_war, out=partners[:, 3])
        np.multiply(self.collapse_loss, p_collapse, out=partners[:, 4])
        p_war *= self.us_war_loss
        p_collapse *= self.us_collapse_loss
        us[:3] = self._us_flows
        np.sum(out[:, :5], axis=1, out=out[:, 5])
        return out

    # The parts of the burden that do not depend on how the game is played, computed
    # once per set of worlds however many plays are priced (a chunk prices several).
    @cached_property
    def _undiluted(self) -> np.ndarray:
        """1 - rho: the retaliation each partner escapes when both balance, (n,)."""
        return 1.0 - self.dilution

    @cached_property
    def _ptrl_charge(self) -> np.ndarray:
        """psi times each partner's PTRL payment: its retaliation for paying, per year (2, n)."""
        return self.ptrl_retaliation * self.ptrl_paid

    @cached_property
    def _ptrl_total(self) -> np.ndarray:
        """Each partner's PTRL payments over the horizon, (2, n)."""
        return self.ptrl_paid * self.horizon

    @cached_property
    def _us_flows(self) -> np.ndarray:
        """The US's defence, retaliation (none) and drawdown over the horizon, (3, n)."""
        flows = np.zeros((3, self.horizon.size))
        np.multiply(self.us_deterrent, self.horizon, out=flows[0])
        np.multiply(self.us_drawdown, self.horizon, out=flows[2])
        return flows

    @property
    def burden(self) -> np.ndarray:
        """Burden per :data:`LEDGER` entry, profile, component and world: float64 (3, 4, 5, n)."""
        n = self.cost.shape[1]
        eye = np.eye(4)
        return np.stack(
            [self.expected_burden(np.repeat(eye[:, p : p + 1], n, axis=1))[:, :5] for p in range(4)],
            axis=1,
        )


@dataclass(frozen=True)
class StructuralWorlds:
    """Everything the structural mode derives for n worlds (docs/MODEL.md §3.2).

    Attributes
    ----------
    japan, korea : float64 (4, n)
        Payoffs per profile (BB, BP, PB, PP): minus total burden, plus optional
        model-error noise, USD bn.
    holds : bool (4, n)
        Per profile: deterrence holds (exactly one of holds, US intervenes and
        collapse is true per profile and world).
    model : BurdenModel
        The burden inputs and the US / collapse outcomes per profile.
    perception : Perception or None
        What each partner expected per profile (docs/MODEL.md §3.5); ``None`` under
        complete information, where expectations are the truth.
    """

    japan: np.ndarray
    korea: np.ndarray
    holds: np.ndarray
    model: BurdenModel
    perception: Perception | None = None

    def __getattr__(self, name: str):
        # intervenes, collapses, cost, ..., expected_burden, outcome_probabilities, burden
        return getattr(self.model, name)


def structural_worlds(config: Config, draws: Mapping[str, np.ndarray], n: int) -> StructuralWorlds:
    """Burdens, outcomes and payoffs of the structural mode (docs/MODEL.md §3.2-§3.6).

    Outcomes and burdens use the world's true values. Each partner's payoff is minus
    its *expected* burden under its own belief (§3.5); under complete information
    the expectation is the truth and the payoffs are exactly those of §3.2.
    """
    s = config.game.structural
    regime = config.policy.us_regime
    horizon = draws["game.structural.horizon_years"]  # (n,): T may carry a prior

    def get(key: str) -> np.ndarray:
        return draws[f"game.structural.{key}"]

    cost = np.stack([get("japan.balancing_cost"), get("korea.balancing_cost")])  # (2, n)
    retaliation = np.stack([get("japan.retaliation"), get("korea.retaliation")])
    war_loss = np.stack([get("japan.war_loss"), get("korea.war_loss")])
    collapse_loss = np.stack([get("japan.collapse_loss"), get("korea.collapse_loss")])
    rho, psi = get("retaliation_dilution"), get("ptrl_retaliation")
    x_value, kappa, lam = get("ptrl_value"), get("delivery_efficiency"), get("ptrl_leverage")

    shares = financing_shares(config.policy)
    ptrl_paid = np.stack([shares["japan"] * x_value, shares["korea"] * x_value])
    f_partners = (shares["japan"] + shares["korea"] + shares["others"]) * x_value
    f_total = f_partners + shares["us"] * x_value

    # Balancing outlays per profile (4, n), per year: BB both, BP Japan, PB Korea, PP none.
    outlay = np.stack([cost[0] + cost[1], cost[0], cost[1], np.zeros(n)])
    deterrent = get("taiwan_deterrent") + kappa * f_total
    us_deterrent = np.zeros(n)
    if regime != "grand_bargain":
        us_deterrent = get(f"us.{regime}.deterrent")
        deterrent = deterrent + us_deterrent
    resolve = get("china_resolve")
    holds = outlay >= resolve - deterrent
    counted = lam * f_partners  # PTRL money the US counts towards its threshold
    threshold = None
    if regime == "grand_bargain":
        intervenes = np.zeros_like(holds)
    else:
        threshold = get(f"us.{regime}.threshold")
        intervenes = ~holds & (outlay >= threshold - counted)
    collapses = ~holds & ~intervenes

    perception = None
    if not complete_information(config):
        perception = perceive(
            outlay,
            deterrent,
            resolve,
            counted,
            threshold,
            resolve_bias=np.stack([get(f"beliefs.{c}.resolve_bias") for c in COUNTRIES]),
            resolve_spread=np.stack([get(f"beliefs.{c}.resolve_spread") for c in COUNTRIES]),
            threshold_bias=np.stack([get(f"beliefs.{c}.threshold_bias") for c in COUNTRIES]),
            ambiguity=None if threshold is None else get(f"us.{regime}.ambiguity"),
            resolve_prior=log_prior(s.beliefs.background.china_resolve or s.china_resolve),
            threshold_prior=None
            if threshold is None
            else log_prior(s.beliefs.background.us_threshold or getattr(s.us, regime).threshold),
        )

    # Total burden per profile (4, n) for each country, as the partner expects it;
    # payoffs are its negative.
    payoffs = []
    for i, player in enumerate(COUNTRIES):
        balances = (_JAPAN_BALANCES, _KOREA_BALANCES)[i]
        fixed = horizon * (1.0 + psi) * ptrl_paid[i]
        solo = horizon * (cost[i] + retaliation[i])
        shared = horizon * (cost[i] + retaliation[i] * rho)
        if perception is None:
            war, collapse, stake = intervenes, collapses, collapse_loss[i]
        else:
            war, collapse = perception.intervenes[i], perception.collapses[i]
            stake = collapse_loss[i] * draws[belief_key(player, "collapse_loss_bias")]
        total = np.empty((4, n))
        for p in range(4):  # four profiles
            if balances[p]:
                np.add(fixed, shared if _BOTH_BALANCE[p] else solo, out=total[p])
            else:
                total[p] = fixed
            total[p] += war[p] * war_loss[i]
            total[p] += collapse[p] * stake
        np.negative(total, out=total)
        if s.noise_sd > 0:
            for p, profile in enumerate(PROFILES):
                total[p] += draws[structural_noise_key(player, profile)]
        payoffs.append(total)
    model = BurdenModel(
        intervenes=intervenes,
        collapses=collapses,
        horizon=horizon,
        cost=cost,
        retaliation=retaliation,
        ptrl_paid=ptrl_paid,
        war_loss=war_loss,
        collapse_loss=collapse_loss,
        dilution=rho,
        ptrl_retaliation=psi,
        us_deterrent=us_deterrent,
        us_drawdown=shares["us"] * x_value,
        us_war_loss=get("us.war_loss"),
        us_collapse_loss=get("us.collapse_loss"),
    )
    return StructuralWorlds(japan=payoffs[0], korea=payoffs[1], holds=holds, model=model, perception=perception)

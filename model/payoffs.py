"""Payoff construction: from sampled parameters to the two players' 2x2 payoff arrays.

Two modes (docs/MODEL.md §3): the paper's ordinal table plus noise, and the structural
mode in which payoffs are minus each partner's burden, built from costs, retaliation,
deterrence, the US rule and PTRL financing. Arrays are (n, 2, 2) with index 0 = B.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model.config.parameters import (
    ORDINAL_PLAYERS,
    ordinal_noise_key,
    structural_noise_key,
)
from model.config.schema import Config, Policy
from model.equilibria import PROFILES

COMPONENTS = ("defence", "retaliation", "ptrl", "war", "collapse")
"""Burden components, in the order of the last axis of :attr:`StructuralWorlds.burden`."""

# Which partner balances in each profile (BB, BP, PB, PP).
_JAPAN_BALANCES = np.array([1.0, 1.0, 0.0, 0.0])
_KOREA_BALANCES = np.array([1.0, 0.0, 1.0, 0.0])
_BOTH_BALANCE = _JAPAN_BALANCES * _KOREA_BALANCES


def ordinal_payoffs(config: Config, draws: Mapping[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ordinal table plus per-cell noise.

    Returns
    -------
    japan, korea : ndarray, float64 (n, 2, 2)
        Ordinal utilities (4 = best) plus the drawn noise.
    """
    ordinal = config.game.ordinal
    tables = {"japan": np.asarray(ordinal.japan, dtype=float), "korea": np.asarray(ordinal.korea, dtype=float)}
    out = []
    for player in ORDINAL_PLAYERS:
        noise = np.stack([draws[ordinal_noise_key(player, p)] for p in PROFILES], axis=-1)
        out.append((noise + tables[player].reshape(4)).reshape(n, 2, 2))
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
class StructuralWorlds:
    """Everything the structural mode derives for n worlds.

    Attributes
    ----------
    japan, korea : float64 (n, 2, 2)
        Payoffs (minus burden, plus optional model-error noise), USD bn.
    burden : float64 (n, 2, 4, 5)
        Burden per country (japan, korea), profile (BB, BP, PB, PP) and component
        (:data:`COMPONENTS`), USD bn at 2025 prices summed over the horizon.
    holds, intervenes, collapses : bool (n, 4)
        Per profile: deterrence holds; the US intervenes; the balance collapses.
    """

    japan: np.ndarray
    korea: np.ndarray
    burden: np.ndarray
    holds: np.ndarray
    intervenes: np.ndarray
    collapses: np.ndarray


def structural_worlds(config: Config, draws: Mapping[str, np.ndarray], n: int) -> StructuralWorlds:
    """Burdens, outcomes and payoffs of the structural mode (docs/MODEL.md §3.2)."""
    s = config.game.structural
    regime = config.policy.us_regime
    horizon = s.horizon_years

    def get(key: str) -> np.ndarray:
        return draws[f"game.structural.{key}"][:, None]  # (n, 1): broadcast over profiles

    c_j, c_k = get("japan.balancing_cost"), get("korea.balancing_cost")
    r_j, r_k = get("japan.retaliation"), get("korea.retaliation")
    rho, psi = get("retaliation_dilution"), get("ptrl_retaliation")
    x_value, kappa, lam = get("ptrl_value"), get("delivery_efficiency"), get("ptrl_leverage")
    if regime == "grand_bargain":
        d_us = np.zeros((n, 1))
        theta = None
    else:
        d_us, theta = get(f"us.{regime}.deterrent"), get(f"us.{regime}.threshold")

    shares = financing_shares(config.policy)
    f_japan, f_korea = shares["japan"] * x_value, shares["korea"] * x_value
    f_partners = (shares["japan"] + shares["korea"] + shares["others"]) * x_value
    f_total = f_partners + shares["us"] * x_value

    outlay = c_j * _JAPAN_BALANCES + c_k * _KOREA_BALANCES  # (n, 4), per year
    deterrent = get("taiwan_deterrent") + d_us + kappa * f_total + outlay
    holds = deterrent >= get("china_resolve")
    if theta is None:
        intervenes = np.zeros_like(holds)
    else:
        intervenes = ~holds & (outlay + lam * f_partners >= theta)
    collapses = ~holds & ~intervenes

    dilution = np.where(_BOTH_BALANCE > 0, rho, 1.0)  # (n, 4)
    burden = np.empty((n, 2, 4, len(COMPONENTS)))
    for i, (cost, retaliation, paid, balances) in enumerate(
        ((c_j, r_j, f_japan, _JAPAN_BALANCES), (c_k, r_k, f_korea, _KOREA_BALANCES))
    ):
        country = ORDINAL_PLAYERS[i]
        burden[:, i, :, 0] = horizon * balances * cost
        burden[:, i, :, 1] = horizon * (balances * retaliation * dilution + psi * paid)
        burden[:, i, :, 2] = horizon * paid
        burden[:, i, :, 3] = intervenes * get(f"{country}.war_loss")
        burden[:, i, :, 4] = collapses * get(f"{country}.collapse_loss")

    total = burden.sum(axis=-1)  # (n, 2, 4)
    payoffs = []
    for i, player in enumerate(ORDINAL_PLAYERS):
        payoff = -total[:, i, :]
        if s.noise_sd > 0:
            payoff = payoff + np.stack([draws[structural_noise_key(player, p)] for p in PROFILES], axis=-1)
        payoffs.append(payoff.reshape(n, 2, 2))
    return StructuralWorlds(payoffs[0], payoffs[1], burden, holds, intervenes, collapses)

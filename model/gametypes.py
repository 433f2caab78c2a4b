"""Game type of each player: a complete partition of 2x2 preference orderings.

A player's four payoffs, written from its own point of view, are

    R = u(B, B)   mutual balancing          S = u(B, P)   balancing alone (exploited)
    T = u(P, B)   passing the buck onto the other      P = u(P, P)   mutual passing

(own strategy first). Three comparisons classify the player:

* best response to the other's B: B if R > T, P if R < T;
* best response to the other's P: B if S > P, P if S < P;
* whether mutual balancing beats mutual passing: R > P or R < P.

The two best responses give four structures (B dominant; P dominant; coordination =
the best response matches the other's strategy; anti-coordination = it is the
opposite), and with the BB-versus-PP comparison eight classes. Every strict ordering
of the four payoffs (24 of them) lands in exactly one class; any exact tie in one of
the three defining comparisons gives the ninth label, ``"tie"`` (ties in comparisons
that do not define the class, such as T = S, do not).

Five classes carry the usual names of the taxonomy of 2x2 games (Rapoport & Guyer
1966; in the security-dilemma reading of Jervis 1978):

* P dominant, BB > PP: **Prisoner's Dilemma** (exactly T > R > P > S);
* P dominant, PP > BB: **Deadlock** (e.g. T > P > R > S);
* B dominant, BB > PP: **Harmony** (e.g. R > T > S > P);
* coordination, BB > PP: **Stag Hunt** (e.g. R > T > P > S; includes the other
  coordination orderings whose best outcome is BB);
* anti-coordination, BB > PP: **Chicken** (e.g. T > R > S > P; includes the
  Leader/Hero-like orderings with the same best-response structure).

The other three get descriptive labels. The class is a property of one player's
preferences: Japan and Korea can be of different types in the same world.

References
----------
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics* 30(2),
167-214.
Rapoport, A. and Guyer, M. (1966). A taxonomy of 2x2 games. *General Systems* 11,
203-214.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from model.equilibria import _sign_codes, _sign_patterns, as_payoff_pair

__all__ = ["STRUCTURES", "TIE", "TYPE_LABELS", "classify_own_payoffs", "player_types"]

STRUCTURES: tuple[str, ...] = ("P dominant", "B dominant", "coordination", "anti-coordination")
"""Best-response structures, in the order used by :data:`TYPE_LABELS`."""

TYPE_LABELS: tuple[str, ...] = (
    "Prisoner's Dilemma",  # P dominant, BB > PP
    "Deadlock",  # P dominant, PP > BB
    "Harmony",  # B dominant, BB > PP
    "B dominant, PP preferred",
    "Stag Hunt",  # coordination, BB > PP
    "coordination, PP preferred",
    "Chicken",  # anti-coordination, BB > PP
    "anti-coordination, PP preferred",
    "tie",
)
"""Public, fixed order: index ``2 * structure + (0 if BB > PP else 1)``, then ``"tie"``."""

TIE: int = TYPE_LABELS.index("tie")
"""Index of the ``"tie"`` label (8)."""


def _type_from_signs(gain_vs_b: int, gain_vs_p: int, bb_minus_pp: int) -> int:
    """Type index from the signs of (R - T, S - P, R - P)."""
    if gain_vs_b == 0 or gain_vs_p == 0 or bb_minus_pp == 0:
        return TIE
    if gain_vs_b < 0 and gain_vs_p < 0:
        structure = STRUCTURES.index("P dominant")
    elif gain_vs_b > 0 and gain_vs_p > 0:
        structure = STRUCTURES.index("B dominant")
    elif gain_vs_b > 0:  # B against B, P against P
        structure = STRUCTURES.index("coordination")
    else:
        structure = STRUCTURES.index("anti-coordination")
    return 2 * structure + (0 if bb_minus_pp > 0 else 1)


def _build_table() -> np.ndarray:
    """int8 lookup table from the sign code of (R - T, S - P, R - P) to a type index."""
    table = np.full(27, TIE, dtype=np.int8)
    patterns, codes = _sign_patterns(3)
    for signs, code in zip(patterns, codes, strict=True):
        table[code] = _type_from_signs(*signs)
    return table


_TYPE_TABLE = _build_table()


def classify_own_payoffs(own: ArrayLike) -> np.ndarray:
    """Type of a player from its payoffs indexed (own strategy, other's strategy).

    Parameters
    ----------
    own : array_like, shape (..., 2, 2)
        ``own[..., s, t]`` is the player's payoff when it plays s and the other plays t
        (index 0 = B, 1 = P), so R, S, T, P = own[0, 0], own[0, 1], own[1, 0], own[1, 1].

    Returns
    -------
    ndarray of int8, shape (...)
        Indices into :data:`TYPE_LABELS`. Ties are exact float comparisons.
    """
    own = np.asarray(own, dtype=np.float64)
    if own.ndim < 2 or own.shape[-2:] != (2, 2):
        raise ValueError(f"payoffs must have shape (..., 2, 2), got {own.shape}")
    shape = own.shape[:-2]
    flat = own.reshape(-1, 2, 2)
    diffs = np.empty((3, flat.shape[0]))
    np.subtract(flat[:, 0, 0], flat[:, 1, 0], out=diffs[0])  # R - T
    np.subtract(flat[:, 0, 1], flat[:, 1, 1], out=diffs[1])  # S - P
    np.subtract(flat[:, 0, 0], flat[:, 1, 1], out=diffs[2])  # R - P
    if not np.isfinite(diffs).all():
        raise ValueError("payoffs must be finite and their differences representable")
    return _TYPE_TABLE.take(_sign_codes(diffs)).reshape(shape)


def player_types(japan: ArrayLike, korea: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Game type of Japan and of Korea in each world.

    Parameters
    ----------
    japan, korea : array_like, shape (..., 2, 2)
        Payoffs in the project's convention: ``x[..., r, c]`` for Japan playing r and
        Korea playing c (index 0 = B, 1 = P). Korea is the column player, so its
        "best response to Japan's B" compares ``korea[..., 0, 0]`` with
        ``korea[..., 0, 1]``.

    Returns
    -------
    japan_type, korea_type : ndarray of int8, shape (...)
        Indices into :data:`TYPE_LABELS` (Jervis 1978; Rapoport & Guyer 1966): eight
        strict classes and ``"tie"`` for an exact tie in a defining comparison.

    Examples
    --------
    >>> import numpy as np
    >>> j, k = player_types([[3, 1], [4, 2]], [[3, 4], [1, 2]])  # the paper's table
    >>> TYPE_LABELS[j], TYPE_LABELS[k]
    ("Prisoner's Dilemma", "Prisoner's Dilemma")
    """
    japan, korea = as_payoff_pair(japan, korea)
    return classify_own_payoffs(japan), classify_own_payoffs(np.swapaxes(korea, -1, -2))

"""Nash equilibria of the Japan-Korea 2x2 game, vectorised over worlds.

Each world is a 2x2 bimatrix game with complete information. Japan is the row player,
Korea the column player; strategy index 0 is **B** (balance) and 1 is **P** (buck-pass).
``japan[..., r, c]`` is Japan's payoff when Japan plays ``r`` and Korea plays ``c``;
``korea[..., r, c]`` is Korea's payoff in that same cell.

Everything a 2x2 game's equilibrium set depends on is the sign of four payoff
differences (the best-response structure):

    a = japan[B, B] - japan[P, B]     Japan's gain from B when Korea plays B
    b = japan[B, P] - japan[P, P]     Japan's gain from B when Korea plays P
    c = korea[B, B] - korea[B, P]     Korea's gain from B when Japan plays B
    d = korea[P, B] - korea[P, P]     Korea's gain from B when Japan plays P

With p = P(Japan plays B) and q = P(Korea plays B), Japan's expected gain from B is
g_J(q) = q a + (1 - q) b and Korea's is g_K(p) = p c + (1 - p) d.

* Pure equilibria (weak ones included): BB iff a >= 0 and c >= 0; BP iff b >= 0 and
  c <= 0; PB iff a <= 0 and d >= 0; PP iff b <= 0 and d <= 0.
* Completely mixed equilibria need both players indifferent at an interior point.
  g_J has an interior zero iff a and b have strictly opposite signs (then the zero is
  q* = b / (b - a)) or a = b = 0 (then every q is a zero); likewise g_K with
  p* = d / (d - c). A completely mixed equilibrium exists iff both zero sets are
  non-empty; it is *isolated* iff both are single points.
* The equilibrium set is infinite (``degenerate``) iff

      (a = b = 0) or (c = d = 0)
      or (a = 0 and max(c, d) > 0) or (b = 0 and min(c, d) < 0)
      or (c = 0 and max(a, b) > 0) or (d = 0 and min(a, b) < 0).

  Derivation: outside the first two cases each g is a non-zero affine function with at
  most one zero, so an infinite (closed, semi-algebraic) equilibrium set must contain
  a segment along which exactly one coordinate varies. If p varies, Japan is
  indifferent at the fixed q, so q is the zero of g_J; q cannot be interior (Korea
  would have to be indifferent on an interval, i.e. c = d = 0), so q = 1 (a = 0) and
  Korea must weakly prefer B on an interval of p (max(c, d) > 0), or q = 0 (b = 0) and
  Korea weakly prefers P on an interval (min(c, d) < 0). The q-varying case is the
  mirror image. Conversely each condition exhibits such a segment. The test-suite
  checks this against an exact brute-force reference on all games with payoffs in
  {0, 1, 2}.
* A degenerate game always has a pure equilibrium: a game without one needs a strict
  best-response cycle, i.e. a, b, c, d all non-zero, while every degenerate condition
  has one of them equal to zero. (Example: a = 0. If c >= 0 then BB is an equilibrium,
  if d >= 0 then PB is; otherwise P is strictly dominant for Korea and BP or PP is.)
  Likewise an isolated mixed equilibrium forces a, b, c, d all non-zero, so it never
  coexists with a continuum, and it comes with either zero or two pure equilibria.

**Ties are exact.** All comparisons are exact float comparisons of the differences
above, with no tolerance: the sign of a float difference ``x - y`` is the sign of the
exact difference (IEEE 754 subtraction with gradual underflow), so a tie is reported
iff the two payoffs are bit-for-bit equal. Payoffs computed by different arithmetic
that are "equal up to rounding" are *not* ties; round them first if that is intended.

Implementation: the sign pattern of (a, b, c, d) is encoded as one of 81 small integers
and every boolean output is read from a lookup table built once, at import, from the
scalar rules above. That keeps the hot path to a handful of vectorised operations on
the leading axes (no Python loop over worlds).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from numpy.typing import ArrayLike

from model.constants import PROFILES

__all__ = [
    "PROFILES",
    "SET_BITS",
    "Solution",
    "as_payoff_pair",
    "equilibrium_set_codes",
    "equilibrium_set_label",
    "solve_2x2",
]

SET_BITS: dict[str, int] = {"BB": 1, "BP": 2, "PB": 4, "PP": 8, "mixed": 16, "continuum": 32}
"""Bit of each element of an equilibrium-set code (see :func:`equilibrium_set_codes`)."""


@dataclass(frozen=True)
class Solution:
    """Equilibrium set of many 2x2 games.

    Attributes
    ----------
    pure : ndarray of bool, shape (..., 2, 2)
        ``pure[..., r, c]`` is True iff (Japan plays r, Korea plays c) is a pure Nash
        equilibrium, weak equilibria (ties) included.
    mixed : ndarray of bool, shape (...)
        A completely mixed equilibrium (both players mix strictly) exists. It may be
        isolated or part of a continuum (see ``degenerate``).
    japan_b : ndarray of float64, shape (...)
        Japan's probability of playing B in the isolated completely mixed equilibrium;
        NaN when there is none or it is not unique.
    korea_b : ndarray of float64, shape (...)
        Korea's probability of playing B in it; NaN under the same conditions.
    degenerate : ndarray of bool, shape (...)
        The equilibrium set is infinite (contains a continuum).
    """

    pure: np.ndarray
    mixed: np.ndarray
    japan_b: np.ndarray
    korea_b: np.ndarray
    degenerate: np.ndarray

    @property
    def isolated_mixed(self) -> np.ndarray:
        """bool (...): an isolated completely mixed equilibrium exists.

        Equal to ``mixed & ~degenerate`` and to ``isfinite(japan_b)``.
        """
        return self.mixed & ~self.degenerate


# --------------------------------------------------------------------------------------
# Scalar rules on sign patterns (the specification) and the tables built from them.
# --------------------------------------------------------------------------------------

_BLOCK = 1 << 14
"""Games per block in :func:`solve_2x2` (temporaries of a block stay in cache)."""

_RADIX = 3
"""Each sign (-1, 0, +1) is one base-3 digit of the sign code."""


def _zero_set(gain_b: int, gain_p: int) -> str:
    """Interior zeros of t -> t * gain_b + (1 - t) * gain_p for signs in {-1, 0, 1}.

    Returns "none", "point" or "interval".
    """
    if gain_b == 0 and gain_p == 0:
        return "interval"
    if gain_b * gain_p < 0:
        return "point"
    return "none"


def _pure_from_signs(sa: int, sb: int, sc: int, sd: int) -> tuple[bool, bool, bool, bool]:
    """Pure equilibria (BB, BP, PB, PP) from the signs of a, b, c, d."""
    return (
        sa >= 0 and sc >= 0,
        sb >= 0 and sc <= 0,
        sa <= 0 and sd >= 0,
        sb <= 0 and sd <= 0,
    )


def _degenerate_from_signs(sa: int, sb: int, sc: int, sd: int) -> bool:
    """The equilibrium set is infinite (see the module docstring for the derivation)."""
    return (
        (sa == 0 and sb == 0)
        or (sc == 0 and sd == 0)
        or (sa == 0 and max(sc, sd) > 0)
        or (sb == 0 and min(sc, sd) < 0)
        or (sc == 0 and max(sa, sb) > 0)
        or (sd == 0 and min(sa, sb) < 0)
    )


def _sign_codes(diffs: np.ndarray) -> np.ndarray:
    """Base-3 code of the signs of ``diffs`` along axis 0.

    Parameters
    ----------
    diffs : ndarray of float64, shape (k, n)
        k payoff differences for n games (finite).

    Returns
    -------
    ndarray of uint8, shape (n,)
        ``sum_i digit_i * 3**i`` with digit 0 for zero, 1 for positive, 2 for negative.
        Requires ``3**k <= 256``.
    """
    digits = np.greater(diffs, 0.0).view(np.uint8)
    negative = np.less(diffs, 0.0).view(np.uint8)
    digits += negative
    digits += negative
    code = digits[-1].copy()
    for row in digits[-2::-1]:  # Horner's scheme over the k (<= 5) rows, not over worlds
        code *= np.uint8(_RADIX)
        code += row
    return code


def _sign_patterns(k: int) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """All 3**k sign patterns and their codes, computed with :func:`_sign_codes` itself."""
    patterns = list(product((-1, 0, 1), repeat=k))
    codes = _sign_codes(np.array(patterns, dtype=np.float64).T)
    return patterns, codes


def _build_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lookup tables indexed by the sign code of the rows (c, a, d, b).

    The row order matches :func:`_gains`: rows 2:4 = (d, b) are the numerators of
    (p*, q*) and rows 2:4 minus rows 0:2 their denominators.
    """
    size = _RADIX**4
    pure = np.zeros((size, 4), dtype=np.bool_)
    mixed = np.zeros(size, dtype=np.bool_)
    degenerate = np.zeros(size, dtype=np.bool_)
    nan_mask = np.full(size, np.nan)  # 0.0 where the mixed equilibrium is isolated
    patterns, codes = _sign_patterns(4)
    for (sc, sa, sd, sb), code in zip(patterns, codes, strict=True):
        pure[code] = _pure_from_signs(sa, sb, sc, sd)
        japan_zeros, korea_zeros = _zero_set(sa, sb), _zero_set(sc, sd)
        mixed[code] = japan_zeros != "none" and korea_zeros != "none"
        degenerate[code] = _degenerate_from_signs(sa, sb, sc, sd)
        if japan_zeros == "point" and korea_zeros == "point":
            nan_mask[code] = 0.0
    # The four pure flags of a game are read as one 4-byte word by a single `take`.
    pure_words = pure.view(np.uint32).ravel()
    return pure_words, mixed, degenerate, nan_mask


_PURE_WORDS, _MIXED_TABLE, _DEGENERATE_TABLE, _NAN_MASK_TABLE = _build_tables()


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def as_payoff_pair(japan: ArrayLike, korea: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Validate two payoff arrays and broadcast them to a common shape.

    Parameters
    ----------
    japan, korea : array_like, shape (..., 2, 2)
        Payoffs (any real dtype; converted to float64). Leading shapes must broadcast.

    Returns
    -------
    japan, korea : ndarray of float64, shape (..., 2, 2)
        Broadcast views of the inputs (copies only if a dtype conversion was needed);
        treat them as read-only.

    Raises
    ------
    ValueError
        If either array does not end in (2, 2) or the leading shapes do not broadcast.
    """
    japan = np.asarray(japan, dtype=np.float64)
    korea = np.asarray(korea, dtype=np.float64)
    for name, arr in (("japan", japan), ("korea", korea)):
        if arr.ndim < 2 or arr.shape[-2:] != (2, 2):
            raise ValueError(f"{name} payoffs must have shape (..., 2, 2), got {arr.shape}")
    try:
        japan, korea = np.broadcast_arrays(japan, korea)
    except ValueError as err:
        raise ValueError(f"japan and korea payoff shapes do not broadcast: {japan.shape} vs {korea.shape}") from err
    return japan, korea


def _gains(japan: np.ndarray, korea: np.ndarray) -> np.ndarray:
    """Best-response gains as rows (c, a, d, b), shape (4, n), from (n, 2, 2) payoffs.

    Raises ValueError if a payoff is not finite (every payoff enters exactly one gain,
    and a NaN or infinite payoff makes that gain NaN or infinite).
    """
    gains = np.empty((4, japan.shape[0]))
    with np.errstate(over="ignore", invalid="ignore"):  # reported below
        np.subtract(korea[:, 0, 0], korea[:, 0, 1], out=gains[0])  # c
        np.subtract(japan[:, 0, 0], japan[:, 1, 0], out=gains[1])  # a
        np.subtract(korea[:, 1, 0], korea[:, 1, 1], out=gains[2])  # d
        np.subtract(japan[:, 0, 1], japan[:, 1, 1], out=gains[3])  # b
    if not np.isfinite(gains).all():
        if not (np.isfinite(japan).all() and np.isfinite(korea).all()):
            raise ValueError("payoffs must be finite (found NaN or inf)")
        raise ValueError("payoff differences overflow float64; rescale the payoffs")
    return gains


def solve_2x2(japan: ArrayLike, korea: ArrayLike) -> Solution:
    """All Nash equilibria of many 2x2 games, exactly.

    Parameters
    ----------
    japan : array_like, shape (..., 2, 2)
        Japan's (row player's) payoffs; ``japan[..., r, c]`` for Japan playing r and
        Korea playing c, index 0 = B, 1 = P. Any unit (only differences matter).
    korea : array_like, shape (..., 2, 2)
        Korea's (column player's) payoffs in the same cells. Leading shapes broadcast.

    Returns
    -------
    Solution
        Arrays over the (broadcast) leading shape: the pure equilibria (weak included),
        whether a completely mixed equilibrium exists, the isolated mixed equilibrium's
        probabilities of B (NaN when absent or not unique) and the degeneracy flag.

    Raises
    ------
    ValueError
        On bad shapes or non-finite payoffs.

    Notes
    -----
    Ties are exact: see the module docstring, which also derives every rule. For an
    isolated mixed equilibrium ``japan_b = d / (d - c)`` and ``korea_b = b / (b - a)``
    in float64; when one gain is tiny relative to the other this can round to exactly
    0.0 or 1.0 although the mathematical value is interior.

    Examples
    --------
    The paper's ordinal table, a Prisoner's Dilemma with its equilibrium at (P, P):

    >>> import numpy as np
    >>> s = solve_2x2(np.array([[3.0, 1.0], [4.0, 2.0]]), np.array([[3.0, 4.0], [1.0, 2.0]]))
    >>> s.pure.tolist(), bool(s.mixed), bool(s.degenerate)
    ([[False, False], [False, True]], False, False)
    """
    japan, korea = as_payoff_pair(japan, korea)
    shape = japan.shape[:-2]
    japan = japan.reshape(-1, 2, 2)
    korea = korea.reshape(-1, 2, 2)
    n = japan.shape[0]

    pure_words = np.empty(n, dtype=np.uint32)  # four bool bytes per game
    mixed = np.empty(n, dtype=np.bool_)
    degenerate = np.empty(n, dtype=np.bool_)
    probabilities = np.empty((2, n))  # rows: japan_b, korea_b
    # Blocks keep every temporary in cache; the loop is over blocks, not worlds.
    for start in range(0, n, _BLOCK):
        block = slice(start, start + _BLOCK)
        _solve_block(
            japan[block],
            korea[block],
            pure_words[block],
            mixed[block],
            degenerate[block],
            probabilities[:, block],
        )
    return Solution(
        pure=pure_words.view(np.bool_).reshape(shape + (2, 2)),
        mixed=mixed.reshape(shape),
        japan_b=probabilities[0].reshape(shape),
        korea_b=probabilities[1].reshape(shape),
        degenerate=degenerate.reshape(shape),
    )


def _solve_block(
    japan: np.ndarray,
    korea: np.ndarray,
    pure_words: np.ndarray,
    mixed: np.ndarray,
    degenerate: np.ndarray,
    probabilities: np.ndarray,
) -> None:
    """Solve games (m, 2, 2) into the given output slices (see :func:`solve_2x2`)."""
    gains = _gains(japan, korea)  # rows (c, a, d, b)
    code = _sign_codes(gains)
    # mode="clip" avoids numpy's buffered bounds check; codes are always < 3**4.
    _PURE_WORDS.take(code, out=pure_words, mode="clip")
    _MIXED_TABLE.take(code, out=mixed, mode="clip")
    _DEGENERATE_TABLE.take(code, out=degenerate, mode="clip")
    # (p*, q*) = (d, b) / ((d, b) - (c, a)); NaN wherever the mixed equilibrium is not
    # isolated (adding NaN also absorbs the inf/NaN of zero denominators there).
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.subtract(gains[2:], gains[:2], out=probabilities)
        np.divide(gains[2:], probabilities, out=probabilities)
    probabilities += _NAN_MASK_TABLE.take(code, mode="clip")


def equilibrium_set_codes(solution: Solution) -> np.ndarray:
    """Encode each game's equilibrium set as a small integer.

    Parameters
    ----------
    solution : Solution
        Output of :func:`solve_2x2` with leading shape (...).

    Returns
    -------
    ndarray of uint8, shape (...)
        Bitwise OR of :data:`SET_BITS`: one bit per pure equilibrium, ``mixed`` when a
        completely mixed equilibrium exists, ``continuum`` when the set is infinite.
    """
    pure = np.asarray(solution.pure, dtype=np.bool_)
    codes = np.zeros(pure.shape[:-2], dtype=np.uint8)
    for index, profile in enumerate(PROFILES):
        row, col = divmod(index, 2)
        codes |= pure[..., row, col].astype(np.uint8) * np.uint8(SET_BITS[profile])
    codes |= np.asarray(solution.mixed, dtype=np.uint8) * np.uint8(SET_BITS["mixed"])
    codes |= np.asarray(solution.degenerate, dtype=np.uint8) * np.uint8(SET_BITS["continuum"])
    return codes


def equilibrium_set_label(code: int) -> str:
    """Human-readable label of an equilibrium-set code.

    Parameters
    ----------
    code : int
        A value returned by :func:`equilibrium_set_codes` (0 <= code < 64).

    Returns
    -------
    str
        Elements in the order of :data:`SET_BITS`, e.g. ``"{BB, PP, mixed}"``.

    Raises
    ------
    ValueError
        If ``code`` is not an integer in [0, 64).

    Examples
    --------
    >>> equilibrium_set_label(1 | 8 | 16)
    '{BB, PP, mixed}'
    """
    if isinstance(code, bool) or not isinstance(code, int | np.integer):
        raise ValueError(f"equilibrium-set code must be an integer, got {code!r}")
    code = int(code)
    if not 0 <= code < 2 ** len(SET_BITS):
        raise ValueError(f"equilibrium-set code must be in [0, {2 ** len(SET_BITS)}), got {code}")
    return "{" + ", ".join(name for name, bit in SET_BITS.items() if code & bit) + "}"

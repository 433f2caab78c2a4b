"""Shared hypothesis strategies for payoff arrays.

Import with ``from property import ...`` (pytest puts ``tests/`` on ``sys.path``) or
``from tests.property import ...`` when ``tests`` is a package.

Conventions are those of ``model``: payoff arrays are float64 with shape (..., 2, 2),
index 0 = B, 1 = P; ``japan[..., r, c]`` for Japan playing r and Korea playing c.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = [
    "ORDINAL_TABLES",
    "PAPER_JAPAN",
    "PAPER_KOREA",
    "continuous_values",
    "game_pairs",
    "games",
    "ordinal_games",
    "payoff_arrays",
    "payoff_values",
    "tie_prone_values",
]

PAPER_JAPAN = np.array([[3.0, 1.0], [4.0, 2.0]])
"""Japan's payoffs in the paper's ordinal table (rows: Japan B, P; columns: Korea B, P)."""

PAPER_KOREA = np.array([[3.0, 4.0], [1.0, 2.0]])
"""Korea's payoffs in the paper's ordinal table, same cells."""

ORDINAL_TABLES = np.array([np.reshape(p, (2, 2)) for p in permutations((1.0, 2.0, 3.0, 4.0))])
"""All 24 strict ordinal (2, 2) tables: each a permutation of 1..4."""


def continuous_values(bound: float = 1e3) -> st.SearchStrategy[float]:
    """Finite floats in [-bound, bound] (ties are rare but possible, e.g. 0.0)."""
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def tie_prone_values(low: int = -2, high: int = 2) -> st.SearchStrategy[float]:
    """Small integers as floats: exact ties between payoffs are frequent."""
    return st.integers(low, high).map(float)


def payoff_values() -> st.SearchStrategy[float]:
    """A mix of tie-prone small integers and continuous values."""
    return st.one_of(tie_prone_values(), continuous_values())


def payoff_arrays(
    n: int | st.SearchStrategy[int] | None = None,
    elements: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[np.ndarray]:
    """float64 payoff arrays of shape (n, 2, 2).

    Parameters
    ----------
    n : int or strategy, optional
        Number of worlds; default draws 1..20.
    elements : strategy, optional
        Element strategy; default :func:`payoff_values`.
    """
    sizes = st.integers(1, 20) if n is None else (st.just(n) if isinstance(n, int) else n)
    elements = payoff_values() if elements is None else elements
    return sizes.flatmap(lambda size: hnp.arrays(np.float64, (size, 2, 2), elements=elements))


@st.composite
def game_pairs(
    draw: st.DrawFn,
    elements: st.SearchStrategy[float] | None = None,
    max_worlds: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """(japan, korea) payoff arrays of a common shape (n, 2, 2)."""
    n = draw(st.integers(1, max_worlds))
    elements = payoff_values() if elements is None else elements
    japan = draw(hnp.arrays(np.float64, (n, 2, 2), elements=elements))
    korea = draw(hnp.arrays(np.float64, (n, 2, 2), elements=elements))
    return japan, korea


def games(max_worlds: int = 20) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """Games mixing tie-prone and continuous payoffs (the default test diet)."""
    return game_pairs(elements=payoff_values(), max_worlds=max_worlds)


def ordinal_games() -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """One strict ordinal game (2, 2) x 2, each player's payoffs a permutation of 1..4."""
    index = st.integers(0, len(ORDINAL_TABLES) - 1)
    return st.tuples(index, index).map(lambda ij: (ORDINAL_TABLES[ij[0]].copy(), ORDINAL_TABLES[ij[1]].copy()))

"""Game signatures: the discrete facts of a world as one small integer.

Everything the statistics need about a world's game, except where magnitudes matter,
depends only on the signs of nine payoff comparisons (docs/MODEL.md §4-§7):

====  ==========================  =================================================
 a    j[B,B] - j[P,B]             Japan's gain from B when Korea plays B
 b    j[B,P] - j[P,P]             Japan's gain from B when Korea plays P
 c    k[B,B] - k[B,P]             Korea's gain from B when Japan plays B
 d    k[P,B] - k[P,P]             Korea's gain from B when Japan plays P
 eJ   j[B,B] - j[P,P]             Japan: mutual balancing against mutual passing
 eK   k[B,B] - k[P,P]             Korea: the same
 L    uJ(commit B) - uJ(commit P) Japan's gain from leading with B (Korea best-responds)
 r1   a*c - b*d                   Nash product of BB minus that of PP
 r2   a*d - b*c                   Nash product of BP minus that of PB
====  ==========================  =================================================

Each sign is a base-3 digit (0 zero, 1 positive, 2 negative), so a world's signature
is one of 3**9 = 19,683 codes. The equilibrium set, both game types and the commitment
outcomes are functions of the code. The selected profile is too ("determined" codes)
when no best response is tied (a, b, c, d non-zero) and either the pure equilibrium
is unique (all rules agree), or the rule is risk dominance and the game has two pure
equilibria (r1 or r2 decides, Harsanyi & Selten 1988), or the rule is payoff
dominance and those two are BB and PP (eJ and eK decide, else r1). The lookup
tables are not written by hand: they are read off the reference functions
(:func:`model.equilibria.solve_2x2`, :func:`model.selection.play_probabilities`,
:func:`model.gametypes.player_types`, :func:`model.commitment.analyse_commitment`)
applied to every game with payoffs in {0, 1, 2, 3}, which realises every feasible
sign pattern, and the build checks that every game sharing a code agrees.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

import numpy as np

from model.commitment import analyse_commitment
from model.equilibria import equilibrium_set_codes, solve_2x2
from model.gametypes import player_types
from model.selection import RULES, play_probabilities

DIGITS = 9
CODES = 3**DIGITS
FACT_CODES = 3**7  # codes of the first seven digits (a, b, c, d, eJ, eK, L)


def comparisons(j: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The nine comparisons of n games, then Japan's two commitment payoffs: (11, n).

    ``j`` and ``k`` are Japan's and Korea's payoffs laid out profile-major, (4, n) with
    rows BB, BP, PB, PP. Rows 0-8 of the result are (a, b, c, d, eJ, eK, L, r1, r2) of
    the table above; rows 9 and 10 are Japan's payoff when it commits to B and to P.
    Korea's best responses are resolved 50/50 on ties, as in :mod:`model.commitment`.
    """
    n = j.shape[1]
    out = np.empty((DIGITS + 2, n))
    np.subtract(j[0], j[2], out=out[0])  # a
    np.subtract(j[1], j[3], out=out[1])  # b
    np.subtract(k[0], k[1], out=out[2])  # c
    np.subtract(k[2], k[3], out=out[3])  # d
    np.subtract(j[0], j[3], out=out[4])  # eJ
    np.subtract(k[0], k[3], out=out[5])  # eK
    out[9] = commit_value(j, out[2], b=True)
    out[10] = commit_value(j, out[3], b=False)
    np.subtract(out[9], out[10], out=out[6])  # L
    scratch = np.multiply(out[1], out[3])
    np.multiply(out[0], out[2], out=out[7])
    out[7] -= scratch  # r1 = a*c - b*d
    np.multiply(out[1], out[2], out=scratch)
    np.multiply(out[0], out[3], out=out[8])
    out[8] -= scratch  # r2 = a*d - b*c
    return out


def commit_value(j: np.ndarray, korea_gain: np.ndarray, *, b: bool) -> np.ndarray:
    """Japan's payoff when it commits to B (``b=True``) or P and Korea best-responds.

    ``j`` is Japan's payoffs (4, n), profile-major; ``korea_gain`` is Korea's gain
    from B against that commitment (c for B, d for P). Ties: Korea mixes 50/50.
    """
    row = 0 if b else 2
    # Exact selection (no arithmetic) where Korea's reply is strict, so that equal
    # payoffs compare equal downstream; 0.5*x + 0.5*y on ties.
    out = np.where(korea_gain > 0, j[row], j[row + 1])
    ties = np.flatnonzero(korea_gain == 0)
    if ties.size:
        out[ties] = 0.5 * j[row, ties] + 0.5 * j[row + 1, ties]
    return out


def signature_codes(values: np.ndarray) -> np.ndarray:
    """Base-3 codes (n,) uint16 of the signs of the first nine rows of ``values``."""
    digits = np.greater(values[:DIGITS], 0.0).view(np.uint8)  # 1 where positive
    negative = np.less(values[:DIGITS], 0.0).view(np.uint8)
    digits += negative
    digits += negative  # 2 where negative: uint8 (9, n)
    code = digits[-1].astype(np.uint16)
    for row in digits[-2::-1]:  # Horner over the 9 digits, not over worlds
        code *= 3
        code += row
    return code


@dataclass(frozen=True)
class SignatureTables:
    """Per-code facts; rows of codes never realised are zero and ``seen`` is False."""

    seen: np.ndarray  # bool (CODES,): the first seven digits are a feasible pattern
    determined: dict  # rule -> bool (CODES,): the selected profile follows from the code
    played: dict  # rule -> float (4, CODES): the profile played (determined codes only)
    pure: np.ndarray  # bool (CODES, 4)
    eq_set: np.ndarray  # uint8 (CODES,): equilibrium-set bit code
    japan_type: np.ndarray  # int8 (CODES,)
    korea_type: np.ndarray  # int8 (CODES,)
    commit_played: np.ndarray  # float (4, CODES)
    leader_played: np.ndarray  # float (4, CODES)
    korea_b_given_japan_b: np.ndarray  # float (CODES,)
    leader_chooses_b: np.ndarray  # float (CODES,)


@cache
def selected_profile(rule: str) -> np.ndarray:
    """int8 (CODES,): the one profile played under ``rule``, or -1 where the code does
    not fix a single profile (undetermined, or a determined 50/50 tie)."""
    t = tables()
    played = t.played[rule]
    one_hot = t.determined[rule] & (played.max(axis=0) == 1.0)
    return np.where(one_hot, played.argmax(axis=0), -1).astype(np.int8)


@cache
def mixed_only_codes() -> np.ndarray:
    """bool (CODES,): the only equilibrium is completely mixed (no best-response tie)."""
    return tables().eq_set == 16


def _all_small_games() -> tuple[np.ndarray, np.ndarray]:
    """Representative games: every game with payoffs in {0, 1, 2, 3} (4**8 = 65,536,
    all tie patterns) and 262,144 seeded continuous games (magnitude patterns such as
    the signs of r1 and r2 that small integers cannot all produce); (n, 2, 2) each."""
    grid = np.array(list(product(range(4), repeat=8)), dtype=float)
    rng = np.random.default_rng(20251107)
    noise = rng.standard_normal((2**18, 8)) * rng.choice([0.3, 1.0, 3.0], size=(2**18, 1))
    games = np.concatenate([grid, grid[rng.integers(0, grid.shape[0], 2**18)] + noise])
    return games[:, :4].reshape(-1, 2, 2), games[:, 4:].reshape(-1, 2, 2)


def as_rows(payoffs: np.ndarray) -> np.ndarray:
    """(n, 2, 2) payoffs -> profile-major (4, n) rows BB, BP, PB, PP."""
    return np.ascontiguousarray(payoffs.reshape(-1, 4).T)


def as_games(rows: np.ndarray) -> np.ndarray:
    """Profile-major (4, n) rows -> (n, 2, 2) payoffs for the reference functions."""
    return np.ascontiguousarray(rows.T).reshape(-1, 2, 2)


def _first_index(code: np.ndarray, size: int) -> np.ndarray:
    """Index of the first game with each code (-1 where none)."""
    first = np.full(size, -1)
    reverse = np.arange(code.size)[::-1]
    first[code[reverse]] = reverse  # later writes (earlier games) win
    return first


CACHE_FILE = Path(__file__).with_name("signature_tables.npz")
_SOURCES = ("equilibria.py", "selection.py", "gametypes.py", "commitment.py", "signature.py")


def source_key() -> str:
    """Hash of the modules the tables are derived from: a stale cache is never used."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


@cache
def tables() -> SignatureTables:
    """The lookup tables: from the shipped cache if it matches the code, else built."""
    try:
        with np.load(CACHE_FILE, allow_pickle=False) as data:
            if str(data["source_key"]) == source_key():
                return _from_arrays(data)
    except (OSError, KeyError, ValueError):
        pass
    return build_tables()


def save_tables(path: Path = CACHE_FILE) -> None:
    """Write freshly built tables (run ``python -m model.signature`` after changing the rules)."""
    built = build_tables()
    arrays = {f"determined:{r}": built.determined[r] for r in RULES}
    arrays.update({f"played:{r}": built.played[r] for r in RULES})
    for name in _ARRAY_FIELDS:
        arrays[name] = getattr(built, name)
    np.savez_compressed(path, source_key=np.array(source_key()), **arrays)


_ARRAY_FIELDS = (
    "seen",
    "pure",
    "eq_set",
    "japan_type",
    "korea_type",
    "commit_played",
    "leader_played",
    "korea_b_given_japan_b",
    "leader_chooses_b",
)


def _from_arrays(data) -> SignatureTables:
    return SignatureTables(
        determined={r: data[f"determined:{r}"] for r in RULES},
        played={r: data[f"played:{r}"] for r in RULES},
        **{name: data[name] for name in _ARRAY_FIELDS},
    )


def build_tables() -> SignatureTables:
    """Build and check the lookup tables from the reference functions (about 1 s)."""
    japan, korea = _all_small_games()
    values = comparisons(as_rows(japan), as_rows(korea))
    code = signature_codes(values)
    solution = solve_2x2(japan, korea)
    n = japan.shape[0]
    pure = solution.pure.reshape(n, 4)
    per_rule = np.stack([play_probabilities(japan, korea, solution, r).reshape(n, 4) for r in RULES])
    jt, kt = player_types(japan, korea)
    commitment = analyse_commitment(japan, korea)
    facts = {
        "pure": pure.astype(float),
        "eq_set": equilibrium_set_codes(solution).astype(float),
        "japan_type": jt.astype(float),
        "korea_type": kt.astype(float),
        "commit_played": commitment.commit_b_played.reshape(n, 4),
        "leader_played": commitment.leader_played.reshape(n, 4),
        "korea_b_given_japan_b": commitment.korea_b_given_japan_b,
        "leader_chooses_b": commitment.leader_chooses_b,
    }
    # These facts depend on the first seven digits only (pairwise comparisons of one
    # player's payoffs, all realised by the small games); r1 and r2 do not enter.
    low = code % FACT_CODES
    first_low = _first_index(low, FACT_CODES)
    seen = first_low >= 0
    built = {}
    for name, fact in facts.items():
        table = np.zeros((FACT_CODES, *fact.shape[1:]))
        table[seen] = fact[first_low[seen]]
        if not np.array_equal(table[low], fact):
            raise AssertionError(f"signature does not determine {name}")
        built[name] = table[np.arange(CODES) % FACT_CODES]
    seen = seen[np.arange(CODES) % FACT_CODES]
    first = _first_index(code, CODES)
    determined, played = _determined_tables(code, first, solution, per_rule, values)
    return SignatureTables(
        seen=seen,
        determined=determined,
        pure=built["pure"].astype(bool),
        eq_set=built["eq_set"].astype(np.uint8),
        japan_type=built["japan_type"].astype(np.int8),
        korea_type=built["korea_type"].astype(np.int8),
        played=played,
        commit_played=np.ascontiguousarray(built["commit_played"].T),
        leader_played=np.ascontiguousarray(built["leader_played"].T),
        korea_b_given_japan_b=built["korea_b_given_japan_b"],
        leader_chooses_b=built["leader_chooses_b"],
    )


def _determined_tables(code, first, solution, per_rule, values) -> tuple[dict, dict]:
    """Per rule: which codes fix the selected profile, and that profile's probabilities.

    Which codes are determined follows from the theory in the module docstring, not
    from the sample of small games; the small games then supply the values and must
    all agree (a failure here is a bug in the rules or in this table).
    """
    n = code.size
    pure = solution.pure.reshape(n, 4)
    regular = np.all(values[:4] != 0, axis=0)
    count = pure.sum(axis=1)
    unique = regular & (count == 1) & ~solution.mixed
    two_pure = regular & (count == 2)
    coordination = two_pure & pure[:, 0] & pure[:, 3]
    by_rule = {
        "risk_dominance": unique | two_pure,
        "payoff_dominance": unique | coordination,
    }
    determined, played = {}, {}
    for r, rule in enumerate(RULES):
        game_ok = by_rule.get(rule, unique)
        mask = np.zeros(CODES, dtype=bool)
        mask[code[game_ok]] = True
        mask[code[~game_ok]] = False
        table = np.zeros((CODES, 4))
        table[mask] = per_rule[r][first[mask]]
        if not np.array_equal(table[code[game_ok]], per_rule[r][game_ok]):
            raise AssertionError(f"signature does not determine the profile under {rule}")
        determined[rule] = mask
        played[rule] = np.ascontiguousarray(table.T)
    return determined, played


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    save_tables()
    print(f"wrote {CACHE_FILE}")

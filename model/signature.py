"""Game signatures: the discrete facts of a world as one small integer.

Everything the statistics need about a world's game, except where magnitudes matter,
depends only on the signs of seven payoff comparisons (docs/MODEL.md §4-§7):

====  ==========================  =================================================
 a    j[B,B] - j[P,B]             Japan's gain from B when Korea plays B
 b    j[B,P] - j[P,P]             Japan's gain from B when Korea plays P
 c    k[B,B] - k[B,P]             Korea's gain from B when Japan plays B
 d    k[P,B] - k[P,P]             Korea's gain from B when Japan plays P
 eJ   j[B,B] - j[P,P]             Japan: mutual balancing against mutual passing
 eK   k[B,B] - k[P,P]             Korea: the same
 L    uJ(commit B) - uJ(commit P) Japan's gain from leading with B (Korea best-responds)
====  ==========================  =================================================

Each sign is a base-3 digit (0 zero, 1 positive, 2 negative), so a world's signature
is one of 3**7 = 2,187 codes. The equilibrium set, both game types and the commitment
outcomes are functions of the code. The selected profile is too ("determined" codes)
when no best response is tied (a, b, c, d non-zero) and either the pure equilibrium
is unique (all rules agree), or the rule is payoff dominance and the game's two pure
equilibria, BB and PP, are Pareto-ranked (eJ and eK decide). Where magnitudes decide
(the mixed equilibrium, risk dominance between two pure equilibria), the engine
computes the choice in closed form. The lookup tables are not written by hand: they
are read off the reference functions (:func:`model.equilibria.solve_2x2`,
:func:`model.selection.play_probabilities`, :func:`model.gametypes.player_types`,
:func:`model.commitment.analyse_commitment`) applied to every game with payoffs in
{0, 1, 2, 3}, which realises every feasible sign pattern, and the build checks that
every game sharing a code agrees.
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

DIGITS = 7  # a, b, c, d, eJ, eK, L
CODES = 3**DIGITS


def best_response_gains(j: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The best-response gains (a, b, c, d) of n games: float (4, n).

    ``j`` and ``k`` are Japan's and Korea's payoffs laid out profile-major, (4, n) with
    rows BB, BP, PB, PP.
    """
    out = np.empty((4, j.shape[1]))
    np.subtract(j[0:2], j[2:4], out=out[0:2])  # a = BB - PB, b = BP - PP
    np.subtract(k[0::2], k[1::2], out=out[2:4])  # c = BB - BP, d = PB - PP
    return out


def commit_values(j: np.ndarray, korea_gains: np.ndarray) -> np.ndarray:
    """Japan's payoffs when it commits to B and to P and Korea best-responds: (2, n).

    ``j`` is Japan's payoffs (4, n), profile-major; ``korea_gains`` (2, n) holds c and
    d, Korea's gains from B against B and against P. Where Korea is indifferent it
    mixes 50/50.
    """
    return _reply_values(j[0::2], j[1::2], korea_gains > 0, korea_gains < 0)


def _reply_values(if_b: np.ndarray, if_p: np.ndarray, plays_b: np.ndarray, plays_p: np.ndarray) -> np.ndarray:
    """Payoff rows ``if_b`` where Korea replies B, ``if_p`` where it replies P, and their
    average where it is indifferent (neither): all (2, n)."""
    # Exact selection (no arithmetic) where Korea's reply is strict, so that equal
    # payoffs compare equal downstream; 0.5*x + 0.5*y on ties.
    out = select_bits(plays_b, if_b, if_p)
    tied = ~(plays_b | plays_p)
    if tied.any():
        ties = np.nonzero(tied)
        out[ties] = 0.5 * if_b[ties] + 0.5 * if_p[ties]
    return out


def select_bits(condition: np.ndarray, if_true: np.ndarray, if_false: np.ndarray) -> np.ndarray:
    """``np.where(condition, if_true, if_false)`` for float64 arrays of one shape, bit
    for bit, without branches.

    ``np.where`` branches per element and runs about three times slower when the
    condition is unpredictable, as Korea's replies are. Here the result is
    ``y ^ ((x ^ y) * condition)`` on the integer bit patterns.
    """
    x, y = if_true.view(np.int64), if_false.view(np.int64)
    out = np.bitwise_xor(x, y)
    np.multiply(out, condition, out=out)
    out ^= y
    return out.view(np.float64)


_WEIGHTS = (3 ** np.arange(DIGITS)).astype(np.uint16)


def signatures(j: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signature codes of n games, and Japan's gain L from leading with B.

    ``j`` and ``k`` are Japan's and Korea's payoffs, profile-major (4, n). Returns the
    codes, intp (n,) so that table lookups need no index conversion, and L, float
    (n,): Japan's payoff when it commits to B minus when it commits to P, Korea
    best-responding (50/50 where indifferent).

    The signs are read off direct comparisons of payoffs (``j[BB] > j[PB]`` is
    ``a > 0``), so only L is ever stored as a float array.
    """
    n = j.shape[1]
    positive = np.empty((DIGITS, n), dtype=bool)
    negative = np.empty((DIGITS, n), dtype=bool)
    pairs = [(j[0:2], j[2:4]), (k[0::2], k[1::2]), (j[0], j[3]), (k[0], k[3])]  # a b, c d, eJ, eK
    rows = [slice(0, 2), slice(2, 4), 4, 5]
    for row, (left, right) in zip(rows, pairs, strict=True):
        np.greater(left, right, out=positive[row])
        np.less(left, right, out=negative[row])
    # Japan's payoffs when it commits to B and to P: rows (BB or BP) and (PB or PP).
    commit = _reply_values(j[0::2], j[1::2], positive[2:4], negative[2:4])
    lead = np.subtract(commit[0], commit[1], out=commit[0])
    np.greater(lead, 0.0, out=positive[6])
    np.less(lead, 0.0, out=negative[6])

    digits = positive.view(np.uint8)  # 1 where positive
    digits += negative.view(np.uint8)
    digits += negative.view(np.uint8)  # 2 where negative: uint8 (7, n)
    code = np.einsum("k,kn->n", _WEIGHTS, digits, dtype=np.uint16, casting="unsafe")
    return code.astype(np.intp), lead


@dataclass(frozen=True)
class SignatureTables:
    """Per-code facts; rows of codes never realised are zero and ``seen`` is False."""

    seen: np.ndarray  # bool (CODES,): some game has this code
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
def fixed_profile_codes(rule: str) -> tuple[np.ndarray, np.ndarray]:
    """The codes that fix a single profile under ``rule``, and those profiles (int64)."""
    table = selected_profile(rule)
    codes = np.flatnonzero(table >= 0)
    return codes, table[codes].astype(np.int64)


@cache
def two_pure_codes() -> np.ndarray:
    """bool (CODES,): no best response is tied and the game has exactly two pure
    equilibria (BB and PP, or BP and PB), both strict."""
    digit = (np.arange(CODES)[None, :] // 3 ** np.arange(4)[:, None]) % 3  # a, b, c, d
    return np.all(digit > 0, axis=0) & (tables().pure.sum(axis=1) == 2)


@cache
def mixed_only_codes() -> np.ndarray:
    """bool (CODES,): the only equilibrium is completely mixed (no best-response tie)."""
    return tables().eq_set == 16


def _all_small_games() -> tuple[np.ndarray, np.ndarray]:
    """Representative games: every game with payoffs in {0, 1, 2, 3} (4**8 = 65,536,
    all tie patterns) and 262,144 seeded continuous games (magnitude patterns that
    small integers cannot all produce); (n, 2, 2) each."""
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
    rows = as_rows(japan), as_rows(korea)
    code, _ = signatures(*rows)
    gains = best_response_gains(*rows)
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
    first = _first_index(code, CODES)
    seen = first >= 0
    built = {}
    for name, fact in facts.items():
        table = np.zeros((CODES, *fact.shape[1:]))
        table[seen] = fact[first[seen]]
        if not np.array_equal(table[code], fact):
            raise AssertionError(f"signature does not determine {name}")
        built[name] = table
    determined, played = _determined_tables(code, first, solution, per_rule, gains, rows)
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


def _determined_tables(code, first, solution, per_rule, gains, rows) -> tuple[dict, dict]:
    """Per rule: which codes fix the selected profile, and that profile's probabilities.

    Which codes are determined follows from the theory in the module docstring, not
    from the sample of small games; the small games then supply the values and must
    all agree (a failure here is a bug in the rules or in this table).
    """
    n = code.size
    pure = solution.pure.reshape(n, 4)
    regular = np.all(gains != 0, axis=0)
    count = pure.sum(axis=1)
    unique = regular & (count == 1) & ~solution.mixed
    coordination = regular & (count == 2) & pure[:, 0] & pure[:, 3]
    japan, korea = rows
    balance_j, balance_k = np.sign(japan[0] - japan[3]), np.sign(korea[0] - korea[3])  # eJ, eK
    pareto_ranked = (balance_j * balance_k >= 0) & (balance_j + balance_k != 0)
    by_rule = {"payoff_dominance": unique | (coordination & pareto_ranked)}
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

"""Benchmark the vectorised 2x2 solver against per-game loops over nashpy and quantecon.

Run on demand (not in CI), with the package installed (``pip install -e .[bench]``)::

    python benchmarks/bench_solver.py            # 10**6 games, 300 for the loops
    python benchmarks/bench_solver.py --n 200000 --loop-games 100 --repeats 3

Prints games per second for ``solve_2x2`` alone and for ``solve_2x2`` followed by
``play_probabilities`` (risk dominance), and the per-game speed-up of ``solve_2x2`` over
(i) a Python loop calling nashpy's support enumeration and (ii) a Python loop building
a quantecon ``NormalFormGame`` and calling ``pure_nash_brute`` plus
``support_enumeration`` (numba warmed up first). Targets: >= 1000x over nashpy and
>= 100x over quantecon. All games are standard-normal payoffs from a seeded Generator.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np

from model.equilibria import solve_2x2
from model.selection import play_probabilities

NASHPY_TARGET = 1000.0
QUANTECON_TARGET = 100.0


def random_games(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal payoffs, float64 (n, 2, 2) each."""
    return rng.standard_normal((n, 2, 2)), rng.standard_normal((n, 2, 2))


def best_time(func: Callable[[], object], repeats: int) -> float:
    """Best wall-clock time in seconds over ``repeats`` calls (after one warm-up call)."""
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def nashpy_loop(japan: np.ndarray, korea: np.ndarray) -> int:
    """Solve each game with nashpy's support enumeration; returns equilibria found."""
    import nashpy

    found = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # degenerate-game warnings
        for j, k in zip(japan, korea, strict=True):
            found += sum(1 for _ in nashpy.Game(j, k).support_enumeration())
    return found


def quantecon_loop(japan: np.ndarray, korea: np.ndarray) -> int:
    """Solve each game with quantecon (pure_nash_brute + support_enumeration)."""
    from quantecon.game_theory import NormalFormGame, pure_nash_brute, support_enumeration

    found = 0
    for j, k in zip(japan, korea, strict=True):
        game = NormalFormGame(np.stack([j, k], axis=-1))  # payoff profiles per cell
        found += len(pure_nash_brute(game)) + len(support_enumeration(game))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="games for the vectorised solver")
    parser.add_argument("--loop-games", type=int, default=300, help="games for the nashpy / quantecon loops")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (best time is kept)")
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args(argv)
    if args.n < 1 or args.loop_games < 1 or args.repeats < 1:
        parser.error("--n, --loop-games and --repeats must be positive")

    rng = np.random.default_rng(args.seed)
    japan, korea = random_games(rng, args.n)
    small_japan, small_korea = random_games(rng, args.loop_games)

    solve_seconds = best_time(lambda: solve_2x2(japan, korea), args.repeats)
    solution = solve_2x2(japan, korea)
    select_seconds = best_time(
        lambda: play_probabilities(japan, korea, solve_2x2(japan, korea), "risk_dominance"),
        args.repeats,
    )
    per_game = solve_seconds / args.n

    rows = [
        ("solve_2x2", args.n, solve_seconds / args.n, None),
        ("solve_2x2 + play_probabilities", args.n, select_seconds / args.n, None),
    ]

    nashpy_seconds = best_time(lambda: nashpy_loop(small_japan, small_korea), 1)
    rows.append(
        (
            "nashpy support_enumeration loop",
            args.loop_games,
            nashpy_seconds / args.loop_games,
            NASHPY_TARGET,
        )
    )
    try:
        quantecon_loop(small_japan[:2], small_korea[:2])  # numba JIT warm-up
        quantecon_seconds = best_time(lambda: quantecon_loop(small_japan, small_korea), 1)
        rows.append(
            (
                "quantecon brute + support_enumeration loop",
                args.loop_games,
                quantecon_seconds / args.loop_games,
                QUANTECON_TARGET,
            )
        )
    except ImportError:  # pragma: no cover - optional benchmark dependency
        print("quantecon not installed: skipping", file=sys.stderr)

    header = f"{'method':<44} {'games':>9} {'ns/game':>12} {'games/s':>14} {'speed-up':>10}"
    print(header)
    print("-" * len(header))
    failed = False
    for name, games, seconds, target in rows:
        line = f"{name:<44} {games:>9,d} {seconds * 1e9:>12,.1f} {1.0 / seconds:>14,.0f}"
        if target is not None:
            speedup = seconds / per_game
            failed |= speedup < target
            verdict = "ok" if speedup >= target else f"below the {target:,.0f}x target"
            line += f" {speedup:>9,.0f}x  {verdict}"
        print(line)
    print(
        f"\nspeed-up = loop time per game / solve_2x2 time per game. "
        f"{int(solution.mixed.sum()):,} of {args.n:,} games have a mixed equilibrium."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

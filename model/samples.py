"""Per-world records (``--keep-samples N``): every drawn input and every per-world output.

The first N worlds of a run are re-drawn chunk by chunk (they are the same worlds the
statistics were computed from, since chunk k is a pure function of the seed and k)
and appended to ``samples.nc`` along an unlimited ``world`` dimension, so memory holds
one chunk at a time whatever N is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import netCDF4
import numpy as np

from model.beliefs import expected_outcomes
from model.config import LoadedConfig
from model.constants import COMPONENTS, COUNTRIES, LEDGER, OUTCOMES, PROFILES
from model.engine import ChunkPlan, draw_worlds, payoffs_of
from model.equilibria import equilibrium_set_codes, solve_2x2
from model.gametypes import TYPE_LABELS, player_types
from model.selection import play_probabilities
from model.signature import as_games


def world_records(loaded: LoadedConfig, k: int, n: int) -> dict[str, tuple[tuple[str, ...], np.ndarray, str]]:
    """Inputs and outputs of the first ``n`` worlds of chunk ``k``: name -> (dims, values, description)."""
    config = loaded.config
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    draws = draw_worlds(config, loaded.priors(), k, plan.size(k))
    draws = {key: value[:n] for key, value in draws.items()}
    worlds, japan_rows, korea_rows = payoffs_of(config, draws, n)
    japan, korea = as_games(japan_rows), as_games(korea_rows)
    solution = solve_2x2(japan, korea)
    played = play_probabilities(japan, korea, solution, config.game.selection).reshape(n, 4)
    japan_type, korea_type = player_types(japan, korea)
    records: dict[str, tuple[tuple[str, ...], np.ndarray, str]] = {
        f"input:{key}": (("world",), np.asarray(value, dtype=float), key) for key, value in draws.items()
    }
    records.update(
        {
            "japan_payoff": (("world", "profile"), japan.reshape(n, 4), "Japan's payoff per profile"),
            "korea_payoff": (("world", "profile"), korea.reshape(n, 4), "Korea's payoff per profile"),
            "played": (("world", "profile"), played, "probability each profile is played"),
            "pure_ne": (
                ("world", "profile"),
                solution.pure.reshape(n, 4).astype(np.int8),
                "profile is a pure equilibrium",
            ),
            "eq_set_code": (("world",), equilibrium_set_codes(solution).astype(np.int16), "equilibrium-set bit code"),
            "japan_type": (("world",), japan_type.astype(np.int16), "index into the game_type labels"),
            "korea_type": (("world",), korea_type.astype(np.int16), "index into the game_type labels"),
        }
    )
    if worlds is not None:
        weights = np.ascontiguousarray(played.T)
        records["outcome_probability"] = (
            ("world", "outcome"),
            worlds.outcome_probabilities(weights).T,
            "P(holds, US intervenes, collapse)",
        )
        burden = np.moveaxis(worlds.expected_burden(weights), -1, 0)
        records["burden"] = (("world", "country", "component"), burden, "expected burden, USD bn")
        if worlds.perception is not None:
            records["perceived_outcome"] = (
                ("world", "player", "outcome"),
                np.moveaxis(expected_outcomes(worlds.perception, weights), -1, 0),
                "each partner's own expected P(holds, US intervenes, collapse) of the play",
            )
    return records


def write_samples(path: Path, loaded: LoadedConfig, keep: int, worlds_done: int) -> int:
    """Write the first ``min(keep, worlds_done)`` worlds to ``path``; returns how many."""
    config = loaded.config
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    total = min(keep, worlds_done)
    written = 0
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("world", None)
        nc.createDimension("profile", 4)
        nc.createDimension("outcome", len(OUTCOMES))
        nc.createDimension("country", len(LEDGER))
        nc.createDimension("component", len(COMPONENTS) + 1)
        nc.createDimension("player", len(COUNTRIES))
        nc.createDimension("type_label", len(TYPE_LABELS))
        _labels(nc, "profile", "profile", PROFILES)
        _labels(nc, "outcome", "outcome", OUTCOMES)
        _labels(nc, "country", "country", LEDGER)
        _labels(nc, "component", "component", (*COMPONENTS, "total"))
        _labels(nc, "player", "player", COUNTRIES)
        _labels(nc, "type_label", "game_type_label", TYPE_LABELS)
        nc.setncattr("config_hash", loaded.hash)
        nc.setncattr("seed", config.sampling.seed)
        variables: dict[str, Any] = {}
        k = 0
        while written < total:
            n = min(plan.size(k), total - written)
            for name, (dims, values, description) in world_records(loaded, k, n).items():
                if name not in variables:
                    var = nc.createVariable(name, values.dtype, dims, zlib=True, complevel=1)
                    var.setncattr("long_name", description)
                    variables[name] = var
                variables[name][written : written + n, ...] = values
            written += n
            k += 1
    return written


def _labels(nc: Any, dim: str, name: str, labels: tuple[str, ...]) -> None:
    var = nc.createVariable(name, str, (dim,))
    for i, label in enumerate(labels):
        var[i] = label

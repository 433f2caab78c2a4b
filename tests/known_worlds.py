"""One structural world with every prior fixed, for equations checked by hand.

Import with ``from known_worlds import fixed_config`` (pytest puts ``tests/`` on
``sys.path``) or ``from tests.known_worlds import ...`` when ``tests`` is a package.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.config import Config, load_config

BASE = Path(__file__).resolve().parents[1] / "configs" / "baseline.toml"

WORLD = {
    "game.structural.japan.balancing_cost": 40,
    "game.structural.korea.balancing_cost": 20,
    "game.structural.japan.retaliation": 30,
    "game.structural.korea.retaliation": 10,
    "game.structural.japan.war_loss": 500,
    "game.structural.korea.war_loss": 400,
    "game.structural.japan.collapse_loss": 800,
    "game.structural.korea.collapse_loss": 450,
    "game.structural.retaliation_dilution": 0.5,
    "game.structural.taiwan_deterrent": 30,
    "game.structural.china_resolve": 80,
    "game.structural.ptrl_value": 10,
    "game.structural.delivery_efficiency": 0.5,
    "game.structural.ptrl_leverage": 2,
    "game.structural.us.offshore_balancing.threshold": 50,
    "game.structural.us.war_loss": 2000,
    "game.structural.us.collapse_loss": 1500,
    "game.structural.us.offshore_balancing.ambiguity": 0,
    "game.structural.beliefs.japan.resolve_spread": 0,
    "game.structural.beliefs.korea.resolve_spread": 0,
}
"""The world's values; the belief spreads are 0 (complete information) unless overridden."""


def fixed_config(**overrides: float | str) -> tuple[Config, dict[str, np.ndarray]]:
    """The baseline with every prior fixed at :data:`WORLD` (updated by ``overrides``):
    the config and the one world's draws, key -> float64 (1,)."""
    values = {**WORLD, **overrides}
    sets = [f"{k}={v}" if not isinstance(v, str) else f'{k}="{v}"' for k, v in values.items()]
    loaded = load_config(BASE, sets)
    draws = {key: np.full(1, prior.value, dtype=float) for key, prior in loaded.priors().items()}
    return loaded.config, draws

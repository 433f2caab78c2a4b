"""Every shipped config is valid, and every prior in it states its unit and its source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from model.config import load_config

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SHIPPED = sorted(p for p in CONFIGS.rglob("*.toml") if "studies" not in p.parts)  # studies: tests/test_sweep.py
IDS = [p.relative_to(CONFIGS).as_posix() for p in SHIPPED]


def priors_in(node: Any, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every distribution table (a dict with a 'dist' key) in resolved config data."""
    if isinstance(node, dict):
        if "dist" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from priors_in(value, f"{path}.{key}" if path else key)


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_every_prior_has_unit_and_source(path: Path) -> None:
    resolved = load_config(path).resolved_dict()
    missing = [
        key
        for key, prior in priors_in(resolved)
        if not str(prior.get("unit", "")).strip() or not str(prior.get("source", "")).strip()
    ]
    assert not missing, f"priors without unit or source: {missing}"


def test_the_check_catches_a_prior_without_source() -> None:
    data = {"game": {"structural": {"x": {"dist": "fixed", "value": 1.0, "unit": "USD bn"}}}}
    found = dict(priors_in(data))
    assert "game.structural.x" in found and "source" not in found["game.structural.x"]


def test_baseline_is_structural_offshore_without_ptrl() -> None:
    config = load_config(CONFIGS / "baseline.toml").config
    assert config.game.mode == "structural"
    assert config.policy.us_regime == "offshore_balancing"
    assert config.policy.financing == "none"

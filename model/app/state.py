"""The app's scenario: a base config plus ``--set`` overrides, validated like any config.

Every control of the app becomes a ``KEY=VALUE`` assignment, exactly as ``offshore run
--set`` takes it, and the whole scenario is loaded with :func:`model.config.load_config`:
the same TOML-literal parsing (nothing is evaluated), the same schema, the same limits
and the same one-line error (``error: --set: KEY: MESSAGE``). Nothing here imports shiny.

The information structure presets are the shipped scenarios': complete information is
``configs/scenarios/offshore_complete_information.toml``'s three fixed-zero priors, the
threat-perception gap is :data:`model.claims.PERCEPTION_GAP` (docs/MODEL.md §3.5).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from model.claims import PERCEPTION_GAP
from model.config import ConfigError, LoadedConfig, load_config

_ZERO = 'dist = "fixed", value = 0.0'
INFORMATION: Mapping[str, tuple[str, ...]] = {
    "config": (),
    "complete": (
        f"game.structural.us.offshore_balancing.ambiguity={{{_ZERO}}}",
        f"game.structural.beliefs.japan.resolve_spread={{{_ZERO}}}",
        f"game.structural.beliefs.korea.resolve_spread={{{_ZERO}}}",
    ),
    "perception_gap": PERCEPTION_GAP,
}
"""Information-structure presets -> their overrides ("config": the config's own beliefs)."""

INFORMATION_LABELS: Mapping[str, str] = {
    "config": "Beliefs as in the config (noisy intelligence)",
    "complete": "Complete information",
    "perception_gap": "Threat-perception gap (Japan-Korea)",
}

_AFFINE = {  # family -> (location parameters, scale parameters)
    "fixed": (("value",), ()),
    "uniform": (("min", "max"), ()),
    "pert": (("min", "mode", "max"), ()),
    "triangular": (("min", "mode", "max"), ()),
    "normal": (("mean",), ("sd",)),
    "truncnormal": (("mean", "min", "max"), ("sd",)),
    "beta": (("min", "max"), ()),
}
_SCALE_ONLY = {"lognormal": ("median",), "gamma": ("scale",)}
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(name: str) -> str:
    return name if _BARE.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def toml_literal(value: Any) -> str:
    """``value`` (str, number, bool, list or table of them) as a one-line TOML literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("TOML literals of the app must be finite")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(str(k))} = {toml_literal(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"cannot write {type(value).__name__} as TOML")


@dataclass(frozen=True)
class Scenario:
    """What the app shows: a base config and the user's choices, as ``--set`` overrides.

    Attributes
    ----------
    base : Path or None
        The config file the app started with (None: the shipped baseline).
    policy : mapping of str to str
        The controls' values by dotted key (``policy.us_regime``, ``game.selection``,
        ``sampling.seed`` ...), as TOML literals.
    information : str
        A key of :data:`INFORMATION`.
    priors : mapping of str to str
        Edited priors: dotted key -> TOML inline table (or number), applied last.
    samples : int or None
        Worlds (``sampling.samples``); None keeps the config's.
    seed : int or None
        Root seed (``sampling.seed``); None keeps the config's.
    """

    base: Path | None = None
    policy: Mapping[str, str] = field(default_factory=dict)
    information: str = "config"
    priors: Mapping[str, str] = field(default_factory=dict)
    samples: int | None = None
    seed: int | None = None

    def overrides(self) -> list[str]:
        """Every assignment, in the order they apply (later ones win)."""
        if self.information not in INFORMATION:
            raise ConfigError("information", None, f"unknown information structure {self.information!r}")
        out = [f"{key}={value}" for key, value in self.policy.items()]
        out += list(INFORMATION[self.information])
        out += [f"{key}={value}" for key, value in self.priors.items()]
        if self.samples is not None:
            out.append(f"sampling.samples={int(self.samples)}")
        if self.seed is not None:
            out.append(f"sampling.seed={int(self.seed)}")
        return out

    def load(self) -> LoadedConfig:
        """The validated config; :class:`ConfigError` (one line) for the first bad value."""
        try:
            return load_config(self.base, self.overrides())
        except ConfigError as original:
            if self.information == "config":
                raise
            try:
                plain = replace(self, information="config").load()
            except ConfigError:
                raise original from None
            if plain.config.game.mode != "structural":
                raise ConfigError(
                    "information", "game.mode", "the information structure applies to structural configs only"
                ) from None
            raise

    def with_policy(self, key: str, value: Any) -> Scenario:
        """A copy with ``key`` (e.g. ``policy.us_regime``) set to ``value`` (written as TOML)."""
        return replace(self, policy={**self.policy, key: toml_literal(value)})

    def with_prior(self, key: str, text: str) -> Scenario:
        """A copy with the prior at ``key`` replaced by ``text``, a TOML literal the user
        typed (an inline table such as ``{dist = "uniform", min = 1, max = 2}`` or a
        number); it is parsed as TOML, never evaluated."""
        return replace(self, priors={**self.priors, key: " ".join(str(text).split())})

    def without_prior(self, key: str) -> Scenario:
        return replace(self, priors={k: v for k, v in self.priors.items() if k != key})


def prior_table(loaded: LoadedConfig, key: str) -> dict[str, Any]:
    """The validated prior at dotted ``key`` as plain data (family and parameters)."""
    priors = loaded.priors()
    if key not in priors:
        raise ConfigError("prior", key, "not a parameter of this config")
    return priors[key].model_dump(mode="json", exclude_none=True)


def shifted(table: Mapping[str, Any], shift: float = 0.0, scale: float = 1.0) -> dict[str, Any]:
    """The prior of ``scale * X + shift`` for X drawn from ``table``.

    Families closed under that map get their parameters moved (location parameters
    scaled then shifted, spreads scaled); lognormal and gamma take a scale only.
    ``unit`` and ``source`` are kept, the source noting the edit.

    Raises
    ------
    ConfigError
        For a non-positive or non-finite scale, a non-finite shift, a shift of a
        lognormal or gamma prior, or a family with no such map (categorical,
        empirical: edit its parameters instead).
    """
    key = "prior"
    if not (math.isfinite(scale) and scale > 0):
        raise ConfigError(key, "scale", "must be a positive finite number")
    if not math.isfinite(shift):
        raise ConfigError(key, "shift", "must be a finite number")
    family = str(table.get("dist"))
    out = dict(table)
    if family in _AFFINE:
        location, spread = _AFFINE[family]
        for name in location:
            if name in out:
                out[name] = float(out[name]) * scale + shift
        for name in spread:
            out[name] = float(out[name]) * scale
    elif family in _SCALE_ONLY:
        if shift != 0:
            raise ConfigError(key, "shift", f"a {family} prior can be scaled but not shifted; edit its parameters")
        for name in _SCALE_ONLY[family]:
            out[name] = float(out[name]) * scale
    else:
        raise ConfigError(key, "dist", f"a {family} prior cannot be shifted or scaled; edit its parameters")
    if (shift, scale) != (0.0, 1.0):
        note = f"edited in offshore app: x {scale:g} + {shift:g}"
        out["source"] = f"{out['source']} ({note})" if out.get("source") else note
    return out


def export_toml(loaded: LoadedConfig) -> str:
    """The resolved config as TOML, as a run directory's ``config.toml`` holds it: every
    default filled in, seed and sample count included, so ``offshore run`` on this text
    draws the same worlds and gives the same numbers."""
    return tomli_w.dumps(loaded.resolved_dict())


__all__ = ["INFORMATION", "Scenario", "export_toml", "prior_table", "shifted", "toml_literal"]

"""Scenario configs: load TOML, resolve ``extends`` and ``--set``, validate, hash.

>>> from model.config import load_config
>>> loaded = load_config("configs/paper_table.toml")  # doctest: +SKIP
>>> loaded.config.game.mode  # doctest: +SKIP
'ordinal'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from model.config.errors import ConfigError
from model.config.loader import apply_overrides, load_raw
from model.config.parameters import parameter_priors
from model.config.schema import COUNTRIES, FINANCING_REGIMES, US_REGIMES, Config

__all__ = [
    "COUNTRIES",
    "FINANCING_REGIMES",
    "US_REGIMES",
    "Config",
    "ConfigError",
    "LoadedConfig",
    "load_config",
    "validate_data",
]

PACKAGE_CONFIGS = Path(__file__).resolve().parents[2] / "configs"
DEFAULT_CONFIG_NAME = "baseline.toml"


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config with where it came from and its content hash."""

    config: Config
    source: str
    base_dir: Path
    data: dict[str, Any] = field(repr=False)

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON of the validated config (first 16 hex digits)."""
        canonical = json.dumps(self.resolved_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def resolved_dict(self) -> dict[str, Any]:
        """The validated config with every default filled in, as plain data."""
        return self.config.model_dump(mode="json", exclude_none=True)

    def priors(self) -> dict[str, Any]:
        """Ordered mapping of dotted parameter key -> prior for the active mode."""
        return parameter_priors(self.config)


def _tag_free_key(loc: tuple[Any, ...], data: Any) -> str:
    """Dotted key from a pydantic error location, without union tags."""
    parts: list[str] = []
    node = data
    for item in loc:
        text = str(item)
        if "[" in text or text.startswith("function-"):
            continue
        if isinstance(node, Mapping) and node.get("dist") == text and text not in node:
            continue  # discriminated-union tag, not a key the user wrote
        parts.append(text)
        if isinstance(node, Mapping):
            node = node.get(text)
        elif isinstance(node, list) and isinstance(item, int) and item < len(node):
            node = node[item]
        else:
            node = None
    return ".".join(parts)


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "missing required key",
    "finite_number": "must be a finite number (NaN and infinity are not allowed)",
    "union_tag_not_found": "a distribution table needs a 'dist' key",
}


def _message(error: Mapping[str, Any]) -> str:
    message = _MESSAGES.get(error["type"], error["msg"])
    if error["type"] == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        message = f"unknown distribution family (expected one of {expected})"
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def validate_data(data: dict[str, Any], source: str, base_dir: Path) -> Config:
    """Validate raw config data, raising :class:`ConfigError` for the first problem."""
    try:
        config = Config.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise ConfigError(source, _tag_free_key(first["loc"], data) or None, _message(first) + more) from None
    _check_correlation_names(config, source)
    return config


def _check_correlation_names(config: Config, source: str) -> None:
    spec = config.sampling.correlation
    if spec is None:
        return
    priors = parameter_priors(config)
    for name in spec.parameters:
        if name not in priors:
            raise ConfigError(source, "sampling.correlation.parameters", f"not an active parameter: {name}")
        if priors[name].is_fixed:
            raise ConfigError(
                source,
                "sampling.correlation.parameters",
                f"{name} is fixed; only uncertain parameters can be correlated",
            )


def load_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> LoadedConfig:
    """Load, merge and validate a config file.

    Parameters
    ----------
    path : str, Path or None
        TOML file; ``None`` means the shipped default ``configs/baseline.toml``.
    overrides : iterable of str
        ``KEY=VALUE`` assignments applied after ``extends`` (values are TOML literals).

    Raises
    ------
    ConfigError
        One-line description naming the file and the key.
    """
    file = Path(path) if path is not None else PACKAGE_CONFIGS / DEFAULT_CONFIG_NAME
    source = str(path) if path is not None else str(file)
    try:
        raw = load_raw(file)
    except ConfigError as exc:
        if exc.source == str(file.resolve()):
            raise ConfigError(source, exc.key, exc.message) from None
        raise
    overrides = list(overrides)
    data = apply_overrides(raw, overrides)
    config = validate_data(data, source, file.resolve().parent)
    return LoadedConfig(config=config, source=source, base_dir=file.resolve().parent, data=data)

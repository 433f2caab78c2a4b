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
from model.config.limits import check_limits
from model.config.loader import Sources, apply_overrides, load_raw_sourced, parse_override
from model.config.parameters import parameter_priors
from model.config.schema import FINANCING_REGIMES, US_REGIMES, Config
from model.constants import COUNTRIES

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

PACKAGE_CONFIGS = Path(__file__).resolve().parents[1] / "configs"
"""The shipped configs: ``model/configs`` links to the repository's ``configs/`` and
is copied into wheels, so ``offshore run`` finds the baseline wherever it is installed."""
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
    """Dotted key from a pydantic error location, without union tags.

    A discriminated union puts its tag (the ``dist`` value) right after the key of the
    table it validates; it is dropped only there, so a beta prior's own ``beta`` key
    still counts when an error is inside it.
    """
    parts: list[str] = []
    node = data
    entered = True  # just moved into ``node``: a union tag may follow
    for item in loc:
        text = str(item)
        if "[" in text or text.startswith("function-"):
            continue
        if entered and isinstance(node, Mapping) and node.get("dist") == text:
            entered = False
            continue  # discriminated-union tag, not a key the user wrote
        if entered and text == "fixed" and isinstance(node, int | float) and not isinstance(node, bool):
            entered = False
            continue  # a bare number is a fixed prior
        entered = True
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


def _blame(key: str | None, source: str, sources: Sources | None) -> str:
    """The file or option that set ``key`` (or everything under it), else ``source``.

    When the values under ``key`` come from several places, the last layer wins (a
    ``--set`` over the file, a child over its parent): it is the one that made the
    combination wrong.
    """
    if not key or not sources:
        return source
    path = tuple(key.split("."))
    owners = [owner for p, owner in sources.items() if p[: len(path)] == path or path[: len(p)] == p]
    exact = [owner for p, owner in sources.items() if p[: len(path)] == path]
    owners = exact or owners
    if not owners:
        return source
    order = list(dict.fromkeys(sources.values()))  # layers in the order they were applied
    return max(owners, key=order.index)


def validate_data(data: dict[str, Any], source: str, base_dir: Path, sources: Sources | None = None) -> Config:
    """Validate raw config data, raising :class:`ConfigError` for the first problem.

    ``sources`` (key path -> file or option) lets an error be blamed on where the
    offending value was written; by default everything is blamed on ``source``. After
    the schema, :func:`model.config.limits.check_limits` checks that sampling the
    config cannot overflow float arithmetic.
    """
    try:
        config = Config.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        key = _tag_free_key(first["loc"], data) or None
        raise ConfigError(_blame(key, source, sources), key, _message(first) + more) from None
    except RecursionError:
        raise ConfigError(source, None, "nested too deeply") from None
    _check_correlation_names(config, source)
    try:
        check_limits(config, source)
    except ConfigError as exc:
        raise ConfigError(_blame(exc.key, source, sources), exc.key, exc.message) from None
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


def load_config(
    path: str | Path | None = None,
    overrides: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Load, merge and validate a config file.

    Parameters
    ----------
    path : str, Path or None
        TOML file; ``None`` means the shipped default ``configs/baseline.toml``.
    overrides : iterable of str
        ``KEY=VALUE`` assignments applied after ``extends`` (values are TOML literals).
    labels : mapping of str to str, optional
        How to name an override in errors (default ``--set``), e.g.
        ``{"sampling.samples=100": "--samples"}``.

    Raises
    ------
    ConfigError
        One-line description naming the file (the ``extends`` parent, or the
        ``--set`` option, that set the offending value) and the key.
    """
    file = Path(path) if path is not None else PACKAGE_CONFIGS / DEFAULT_CONFIG_NAME
    source = str(path) if path is not None else str(file)
    top = str(file.resolve())
    try:
        raw, sources = load_raw_sourced(file)
    except ConfigError as exc:
        if exc.source == top:
            raise ConfigError(source, exc.key, exc.message) from None
        raise
    sources = {key: source if owner == top else owner for key, owner in sources.items()}
    overrides = list(overrides)
    labels = labels or {}
    for assignment in overrides:
        label = labels.get(assignment, "--set")
        try:
            parts, _ = parse_override(assignment)
        except ConfigError as exc:
            raise ConfigError(label, exc.key, exc.message) from None
        for key in [k for k in sources if k[: len(parts)] == tuple(parts)]:
            del sources[key]  # the override replaces whatever the files had there
        sources[tuple(parts)] = label
    data = apply_overrides(raw, overrides)
    config = validate_data(data, source, file.resolve().parent, sources)
    return LoadedConfig(config=config, source=source, base_dir=file.resolve().parent, data=data)

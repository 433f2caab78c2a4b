"""Read TOML scenario files: ``extends`` chains, ``--set`` overrides, one-line errors.

Nothing in a config is ever evaluated as code: files are parsed with :mod:`tomllib`
and command-line values are parsed as TOML literals (or kept as plain strings).
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from model.config.errors import ConfigError

EXTENDS_KEY = "extends"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning I/O and syntax errors into :class:`ConfigError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(str(path), None, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(str(path), None, "is a directory, not a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror}") from None


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``override`` merged in; tables merge, everything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_raw(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Load ``path`` and, recursively, the file it ``extends`` (relative to ``path``)."""
    path = path.resolve()
    if path in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, path))
        raise ConfigError(str(path), EXTENDS_KEY, f"circular extends: {cycle}")
    data = read_toml(path)
    parent_name = data.pop(EXTENDS_KEY, None)
    if parent_name is None:
        return data
    if not isinstance(parent_name, str):
        raise ConfigError(str(path), EXTENDS_KEY, "must be a file name (string)")
    parent_path = (path.parent / parent_name).resolve()
    if not parent_path.is_file():
        raise ConfigError(str(path), EXTENDS_KEY, f"extended file not found: {parent_name}")
    return deep_merge(load_raw(parent_path, (*_chain, path)), data)


def parse_override(assignment: str) -> tuple[list[str], Any]:
    """Split ``key.path=value``; the value is a TOML literal, else a bare string."""
    key, sep, text = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--set", assignment, "expected KEY=VALUE")
    parts = key.split(".")
    if any(not part for part in parts):
        raise ConfigError("--set", key, "empty component in key")
    text = text.strip()
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text  # e.g. --set sampling.sampler=lhs
    return parts, value


def apply_overrides(data: dict[str, Any], assignments: Iterable[str]) -> dict[str, Any]:
    """Apply ``--set`` assignments in order to a copy of ``data``."""
    result = copy.deepcopy(data)
    for assignment in assignments:
        parts, value = parse_override(assignment)
        node = result
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[parts[-1]] = value
    return result

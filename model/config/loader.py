"""Read TOML scenario files: ``extends`` chains, ``--set`` overrides, one-line errors.

Nothing in a config is ever evaluated as code: files are parsed with :mod:`tomllib`
and command-line values are parsed as TOML literals (or kept as plain strings).

Files are read with limits: at most :data:`MAX_CONFIG_BYTES` (so ``/dev/zero`` or a
runaway generator cannot exhaust memory), strict UTF-8, and tables and arrays nested at
most :data:`MAX_DEPTH` deep. :func:`load_raw_sourced` also records which file set each
value, so an error in an ``extends`` parent is blamed on the parent.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from model.config.errors import ConfigError

EXTENDS_KEY = "extends"
MAX_CONFIG_BYTES = 1 << 20  # 1 MiB: shipped configs are a few kB
MAX_DEPTH = 16  # nesting of tables and arrays (a correlation matrix is 4 deep)

Sources = dict[tuple[str, ...], str]  # dotted key path -> the file (or option) that set it


def read_bytes_limited(path: Path, limit: int, display: str | None = None) -> bytes:
    """At most ``limit`` bytes of ``path``, or :class:`ConfigError` if it holds more."""
    display = display or str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ConfigError(display, None, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(display, None, "is a directory, not a TOML file") from None
    except OSError as exc:
        raise ConfigError(display, None, f"cannot read: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise ConfigError(display, None, f"larger than {limit} bytes; not a config file")
    return data


def depth_problem(value: Any, limit: int = MAX_DEPTH) -> tuple[str, ...] | None:
    """The key path at which ``value`` nests deeper than ``limit``, or ``None`` (no recursion)."""
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 0, ())]
    while stack:
        node, depth, path = stack.pop()
        if depth > limit:
            return path
        if isinstance(node, dict):
            stack.extend((child, depth + 1, (*path, str(key))) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, depth + 1, path) for child in node)
    return None


def parse_toml_text(data: bytes, display: str) -> dict[str, Any]:
    """Parse TOML bytes with the encoding and nesting limits; errors name ``display``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            display, None, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(display, None, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(display, None, f"tables or arrays nested too deeply (at most {MAX_DEPTH})") from None
    deep = depth_problem(parsed)
    if deep is not None:
        raise ConfigError(display, ".".join(deep) or None, f"nested too deeply (at most {MAX_DEPTH} levels)")
    return parsed


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning I/O, encoding and syntax errors into :class:`ConfigError`."""
    return parse_toml_text(read_bytes_limited(path, MAX_CONFIG_BYTES), str(path))


def leaf_sources(data: Any, source: str, prefix: tuple[str, ...] = ()) -> Sources:
    """Every key path of ``data`` (tables and values) mapped to ``source``."""
    out: Sources = {}
    if isinstance(data, dict):
        for key, value in data.items():
            path = (*prefix, str(key))
            out[path] = source
            out.update(leaf_sources(value, source, path))
    return out


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``override`` merged in; tables merge, everything else replaces.

    A prior table that names its family (a ``dist`` key) replaces the parent's prior
    whole, so a child can swap a uniform for a fixed value without inheriting ``min``.
    """
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping) and "dist" not in value:
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_raw(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Load ``path`` and, recursively, the file it ``extends`` (relative to ``path``)."""
    return load_raw_sourced(path, _chain)[0]


def load_raw_sourced(path: Path, _chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Sources]:
    """:func:`load_raw`, plus which file set each key (a child's keys win over its parent's).

    Files are named by their resolved path.
    """
    path = path.resolve()
    if path in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, path))
        raise ConfigError(str(path), EXTENDS_KEY, f"circular extends: {cycle}")
    if len(_chain) > MAX_DEPTH:
        raise ConfigError(str(path), EXTENDS_KEY, f"extends chain longer than {MAX_DEPTH} files")
    data = read_toml(path)
    parent_name = data.pop(EXTENDS_KEY, None)
    if parent_name is None:
        return data, leaf_sources(data, str(path))
    if not isinstance(parent_name, str):
        raise ConfigError(str(path), EXTENDS_KEY, "must be a file name (string)")
    parent_path = (path.parent / parent_name).resolve()
    if not parent_path.is_file():
        raise ConfigError(str(path), EXTENDS_KEY, f"extended file not found: {parent_name}")
    parent, sources = load_raw_sourced(parent_path, (*_chain, path))
    merged = deep_merge(parent, data)
    for key, owner in leaf_sources(data, str(path)).items():
        sources.pop(key, None)  # re-inserted last: the layers stay in the order they were applied
        sources[key] = owner
    return merged, sources


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
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError("--set", key, "value too long")
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text  # e.g. --set sampling.sampler=lhs
    except RecursionError:
        raise ConfigError("--set", key, f"value nested too deeply (at most {MAX_DEPTH} levels)") from None
    if depth_problem(value, MAX_DEPTH - len(parts)) is not None:
        raise ConfigError("--set", key, f"value nested too deeply (at most {MAX_DEPTH} levels)")
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

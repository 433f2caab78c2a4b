"""Study definitions: ``--grid`` options, study TOML files and their validation.

A *study file* is a small TOML file that names a base run config and what to vary::

    base = "../baseline.toml"          # a run config, relative to this file
    samples = 262144                   # optional: worlds per grid point
    seed = 20251107                    # optional: the same seed at every point (CRN)

    [meta]
    name = "ptrl_share"
    description = "..."

    [set]                              # overrides applied at every point
    "policy.financing" = "ptrl_japan"

    [grid]                             # one dimension per key, in this order
    "policy.us_regime" = ["integrated_deterrence", "offshore_balancing", "grand_bargain"]
    "policy.ptrl_share_japan" = { start = 0.0, stop = 1.0, step = 0.1 }

    [sensitivity]                      # optional defaults of ``offshore sensitivity``
    methods = ["tornado", "sobol", "rank", "prim", "regime"]
    regime_x = "game.structural.us.offshore_balancing.threshold"
    regime_y = "game.structural.japan.retaliation"

Keys may be written quoted (``"policy.financing"``) or as nested tables. On the
command line a grid is ``--grid KEY=V1,V2,...`` or ``--grid KEY=START:STOP:STEP``
(both ends included). Every problem is a :class:`~model.config.ConfigError` naming
the file (or ``--grid``) and the key, raised before anything is run.
"""

from __future__ import annotations

import math
import numbers
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from model.config import ConfigError, LoadedConfig
from model.config.loader import parse_override, read_toml
from model.simulation import resolve

MAX_POINTS = 10_000
MAX_RANGE_VALUES = 1_000
STUDY_KEYS = ("base", "samples", "seed", "meta", "set", "grid", "sensitivity")
SENSITIVITY_KEYS = {
    "methods": list,
    "samples": int,
    "sobol_samples": int,
    "prim_threshold": float,
    "regime_x": str,
    "regime_y": str,
    "regime_steps": int,
    "regime_samples": int,
}
GridValue = str | int | float | bool


@dataclass(frozen=True)
class Axis:
    """One swept key: its values in grid order and where it was defined."""

    key: str
    values: tuple[GridValue, ...]
    origin: str  # "--grid" or the study file

    @property
    def categorical(self) -> bool:
        return any(isinstance(v, str | bool) for v in self.values)


@dataclass(frozen=True)
class Study:
    """A validated study: base config, common overrides and the grid."""

    base: Path | None  # None: the shipped baseline
    source: str  # the file the study came from (study file or run config)
    name: str
    description: str = ""
    overrides: tuple[str, ...] = ()  # at every point; samples and seed are applied after them
    axes: tuple[Axis, ...] = ()
    samples: int | None = None
    seed: int | None = None
    sensitivity: Mapping[str, Any] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    def points(self) -> list[tuple[GridValue, ...]]:
        """Grid points in C order (the last key varies fastest)."""
        return list(product(*(a.values for a in self.axes)))

    def base_config(self) -> LoadedConfig:
        """The base config with ``samples``, ``seed`` and the common overrides."""
        return resolve(self.base, self.samples, self.seed, self.overrides)

    def resolve_points(self) -> list[LoadedConfig]:
        """Validate every grid point (nothing is run); one-line ConfigError otherwise."""
        base = self.base_config()
        out = []
        for point in self.points():
            assignments = [f"{k}={toml_literal(v)}" for k, v in zip(self.keys, point, strict=True)]
            try:
                out.append(resolve(base, overrides=assignments))
            except ConfigError as exc:
                raise self._blame(exc) from None
        return out

    def _blame(self, exc: ConfigError) -> ConfigError:
        """Re-attribute an error on a swept key to where the grid was written."""
        for axis in self.axes:
            if exc.key and (exc.key == axis.key or exc.key.startswith(axis.key + ".")):
                return ConfigError(axis.origin, exc.key, exc.message)
        return exc


def toml_literal(value: Any) -> str:
    """``value`` as a TOML literal, for a ``KEY=VALUE`` override."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return repr(float(value))
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_bare_key(k)} = {toml_literal(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} as TOML")


def _bare_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else toml_literal(key)


def _number(text: str) -> float | int | None:
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def expand_range(start: Any, stop: Any, step: Any, *, source: str, key: str) -> tuple[float, ...]:
    """``start, start + step, ...`` up to and including ``stop`` (within 1e-9 steps)."""
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise ConfigError(source, key, f"range {name} must be a finite number")
    if step <= 0:
        raise ConfigError(source, key, "range step must be positive")
    if stop < start:
        raise ConfigError(source, key, "range stop must not be below start")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_RANGE_VALUES:
        raise ConfigError(source, key, f"range has {count} values (at most {MAX_RANGE_VALUES})")
    # Rounded to 12 significant digits so that 0.1 * 3 is written 0.3, not 0.30000000000000004.
    values = tuple(float(f"{start + i * step:.12g}") for i in range(count))
    if all(isinstance(v, int) for v in (start, stop, step)):
        return tuple(int(v) for v in values)
    return values


def _check_values(values: Sequence[Any], *, source: str, key: str) -> tuple[GridValue, ...]:
    if not values:
        raise ConfigError(source, key, "grid needs at least one value")
    for value in values:
        if not isinstance(value, str | int | float | bool):
            raise ConfigError(source, key, "grid values must be numbers, strings or booleans")
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(source, key, "grid values must be finite")
    numeric = [isinstance(v, int | float) and not isinstance(v, bool) for v in values]
    if any(numeric) and not all(numeric):
        raise ConfigError(source, key, "grid values must be all numbers or all strings")
    if len(set(values)) != len(values):
        raise ConfigError(source, key, "grid values must be distinct")
    return tuple(values)


def parse_grid_option(option: str) -> Axis:
    """``KEY=V1,V2,...`` or ``KEY=START:STOP:STEP`` from the command line."""
    key, sep, text = option.partition("=")
    key = key.strip()
    if not sep or not key or not text.strip():
        raise ConfigError("--grid", option, "expected KEY=V1,V2,... or KEY=START:STOP:STEP")
    _check_key(key, source="--grid")
    parts = text.split(":")
    if len(parts) == 3 and all(_number(p) is not None for p in parts):
        start, stop, step = (_number(p) for p in parts)
        return Axis(key, expand_range(start, stop, step, source="--grid", key=key), "--grid")
    values = [parse_override(f"v={item}")[1] for item in text.split(",")]
    return Axis(key, _check_values(values, source="--grid", key=key), "--grid")


def _check_key(key: str, *, source: str) -> None:
    if any(not part for part in key.split(".")):
        raise ConfigError(source, key, "empty component in key")


def _is_range(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) <= {"start", "stop", "step"} and bool(value)


def _flatten(table: Mapping[str, Any], *, leaf, prefix: str = "") -> dict[str, Any]:
    """Dotted keys of a table written quoted or nested; ``leaf(value)`` stops descent."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and not leaf(value):
            out.update(_flatten(value, leaf=leaf, prefix=f"{key}."))
        else:
            out[key] = value
    return out


def _grid_from_table(table: Any, source: str) -> list[Axis]:
    if not isinstance(table, Mapping):
        raise ConfigError(source, "grid", "must be a table of KEY = [values] or { start, stop, step }")
    axes = []
    for key, spec in _flatten(table, leaf=_is_range).items():
        _check_key(key, source=source)
        if _is_range(spec):
            missing = {"start", "stop", "step"} - set(spec)
            if missing:
                raise ConfigError(
                    source,
                    f"grid.{key}",
                    f"range needs start, stop and step (missing {', '.join(sorted(missing))})",
                )
            values = expand_range(spec["start"], spec["stop"], spec["step"], source=source, key=f"grid.{key}")
        elif isinstance(spec, list):
            values = _check_values(spec, source=source, key=f"grid.{key}")
        else:
            raise ConfigError(source, f"grid.{key}", "must be a list of values or { start, stop, step }")
        axes.append(Axis(key, values, source))
    return axes


def _is_prior(value: Mapping[str, Any]) -> bool:
    return "dist" in value


def is_study_file(path: Path) -> bool:
    """Whether ``path`` is a study file (it has a top-level ``base`` key)."""
    if path.suffix != ".toml" or not path.is_file():
        return False
    try:
        return "base" in read_toml(path)
    except ConfigError:
        return False


def load_study(path: Path) -> Study:
    """Read and check a study file (the grid points are validated by :meth:`Study.resolve_points`)."""
    source = str(path)
    data = read_toml(path)
    for key in data:
        if key not in STUDY_KEYS:
            raise ConfigError(source, key, f"unknown key (a study file has {', '.join(STUDY_KEYS)})")
    base = data.get("base")
    if not isinstance(base, str) or not base:
        raise ConfigError(source, "base", "must name the run config the study starts from")
    base_path = (path.resolve().parent / base).resolve()
    if not base_path.is_file():
        raise ConfigError(source, "base", f"config not found: {base}")
    samples, seed = data.get("samples"), data.get("seed")
    if samples is not None and (not isinstance(samples, int) or isinstance(samples, bool) or samples < 1):
        raise ConfigError(source, "samples", "must be a positive integer")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise ConfigError(source, "seed", "must be a non-negative integer")
    meta = data.get("meta", {})
    if not isinstance(meta, Mapping) or set(meta) - {"name", "description"}:
        raise ConfigError(source, "meta", "may hold only name and description")
    overrides = []
    set_table = data.get("set", {})
    if not isinstance(set_table, Mapping):
        raise ConfigError(source, "set", "must be a table of KEY = value")
    for key, value in _flatten(set_table, leaf=_is_prior).items():
        _check_key(key, source=source)
        try:
            overrides.append(f"{key}={toml_literal(value)}")
        except ValueError as exc:
            raise ConfigError(source, f"set.{key}", str(exc)) from None
    axes = _grid_from_table(data.get("grid", {}), source)
    sensitivity = data.get("sensitivity", {})
    _check_sensitivity(sensitivity, source)
    return Study(
        base=base_path,
        source=source,
        name=str(meta.get("name") or path.stem),
        description=str(meta.get("description", "")),
        overrides=tuple(overrides),
        axes=tuple(axes),
        samples=samples,
        seed=seed,
        sensitivity=dict(sensitivity),
    )


def _check_sensitivity(table: Any, source: str) -> None:
    if not isinstance(table, Mapping):
        raise ConfigError(source, "sensitivity", "must be a table")
    for key, value in table.items():
        kind = SENSITIVITY_KEYS.get(key)
        if kind is None:
            raise ConfigError(
                source,
                f"sensitivity.{key}",
                f"unknown key (expected one of {', '.join(SENSITIVITY_KEYS)})",
            )
        ok = isinstance(value, kind) and not isinstance(value, bool)
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok:
            raise ConfigError(source, f"sensitivity.{key}", f"must be a {kind.__name__}")


def study_from_config(config: Path | None, overrides: Iterable[str] = ()) -> Study:
    """A study on a plain run config: no grid yet, ``--set`` overrides as common ones."""
    source = str(config) if config is not None else "configs/baseline.toml"
    name = config.stem if config is not None else "baseline"
    return Study(base=config, source=source, name=name, overrides=tuple(overrides))


def merge_grid(axes: Sequence[Axis], extra: Sequence[Axis]) -> tuple[Axis, ...]:
    """The study's axes with command-line axes replacing same-key ones or appended."""
    out = list(axes)
    for axis in extra:
        keys = [a.key for a in out]
        if axis.key in keys:
            out[keys.index(axis.key)] = axis
        else:
            out.append(axis)
    return tuple(out)


def check_grid(study: Study) -> None:
    """Grid-level checks before any point is resolved."""
    if not study.axes:
        raise ConfigError(study.source, "grid", "no grid given (use --grid KEY=V1,V2,... or a [grid] table)")
    keys = study.keys
    for key in keys:
        for other in keys:
            if other != key and other.startswith(key + "."):
                raise ConfigError(study.axes[keys.index(other)].origin, other, f"overlaps the swept key {key}")
    points = math.prod(study.shape)
    if points > MAX_POINTS:
        raise ConfigError(study.source, "grid", f"{points} grid points (at most {MAX_POINTS})")


def load(config: Path | None, overrides: Iterable[str] = ()) -> Study:
    """A study from ``config``: a study file, a run config or ``None`` (the baseline)."""
    if config is not None and is_study_file(Path(config)):
        study = load_study(Path(config))
        return replace(study, overrides=(*study.overrides, *overrides))
    if config is not None and not Path(config).is_file():
        raise ConfigError(str(config), None, "file not found")
    return study_from_config(config, overrides)

"""What ``offshore sensitivity`` computes.

The command line's choices merged over a study file's ``[sensitivity]`` table, then
validated (a bad value is a one-line :class:`~model.config.ConfigError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from model.config import ConfigError, LoadedConfig
from model.sensitivity.regime import DEFAULT_STEPS, default_axis
from model.sensitivity.study import Axis, Study, parse_grid_option, toml_literal

METHODS = ("tornado", "sobol", "rank", "prim", "regime")
DEFAULT_METHODS = ("tornado", "sobol", "rank", "prim")


@dataclass(frozen=True)
class SensitivityOptions:
    """What ``offshore sensitivity`` computes; defaults in brackets."""

    methods: tuple[str, ...] = DEFAULT_METHODS
    samples: int = 2**17  # worlds for rank correlations and PRIM
    sobol_samples: int = 2**14  # Sobol' base sample n (model runs n (d + 2) worlds)
    prim_threshold: float = 0.8
    regime_x: Axis | None = None
    regime_y: Axis | None = None
    regime_samples: int = 2**15
    tornado_levels: tuple[float, float] = (0.1, 0.9)
    bootstrap: int = 500

    def as_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "methods": list(self.methods),
            "samples": self.samples,
            "sobol_samples": self.sobol_samples,
            "prim_threshold": self.prim_threshold,
        }
        if self.regime_x is not None and self.regime_y is not None:
            out["regime_x"] = f"{self.regime_x.key}={','.join(toml_literal(v) for v in self.regime_x.values)}"
            out["regime_y"] = f"{self.regime_y.key}={','.join(toml_literal(v) for v in self.regime_y.values)}"
            out["regime_samples"] = self.regime_samples
        return out


def regime_axis(loaded: LoadedConfig, spec: str, steps: int, origin: str) -> Axis:
    """``KEY`` (1st-99th percentile of its prior in ``steps`` values) or ``KEY=values``."""
    if "=" in spec:
        axis = parse_grid_option(spec)
        return Axis(axis.key, axis.values, origin)
    return default_axis(loaded, spec.strip(), steps)


def options_from(
    study: Study,
    loaded: LoadedConfig,
    *,
    methods: Sequence[str] = (),
    samples: int | None = None,
    sobol_samples: int | None = None,
    prim_threshold: float | None = None,
    regime_x: str | None = None,
    regime_y: str | None = None,
    regime_steps: int | None = None,
    regime_samples: int | None = None,
) -> SensitivityOptions:
    """Merge command-line choices over the study file's ``[sensitivity]`` table; validate."""
    table = dict(study.sensitivity)
    chosen = list(methods) or list(table.get("methods", []))
    for method in chosen:
        if method not in (*METHODS, "all"):
            raise ConfigError(
                study.source,
                "sensitivity.methods",
                f"unknown method {method!r} (expected {', '.join(METHODS)} or all)",
            )
    rx = regime_x or table.get("regime_x")
    ry = regime_y or table.get("regime_y")
    if not chosen or "all" in chosen:
        chosen = [*DEFAULT_METHODS, *(["regime"] if rx or ry else [])]
    chosen = [m for m in METHODS if m in chosen]
    steps = regime_steps or table.get("regime_steps", DEFAULT_STEPS)
    x_axis = y_axis = None
    if "regime" in chosen:
        if not rx or not ry:
            raise ConfigError(
                "--regime-x" if not rx else "--regime-y",
                None,
                "a regime map needs --regime-x KEY and --regime-y KEY",
            )
        x_axis = regime_axis(loaded, rx, steps, "--regime-x" if regime_x else study.source)
        y_axis = regime_axis(loaded, ry, steps, "--regime-y" if regime_y else study.source)
    opts = SensitivityOptions(
        methods=tuple(chosen),
        samples=samples or table.get("samples", SensitivityOptions.samples),
        sobol_samples=sobol_samples or table.get("sobol_samples", SensitivityOptions.sobol_samples),
        prim_threshold=prim_threshold
        if prim_threshold is not None
        else float(table.get("prim_threshold", SensitivityOptions.prim_threshold)),
        regime_x=x_axis,
        regime_y=y_axis,
        regime_samples=regime_samples or table.get("regime_samples", SensitivityOptions.regime_samples),
    )

    def where(option: str, given: Any) -> tuple[str, str | None]:
        key = option.removeprefix("--").replace("-", "_")
        return (option, None) if given is not None else (study.source, f"sensitivity.{key}")

    n = opts.sobol_samples
    if "sobol" in opts.methods and (n < 16 or n & (n - 1)):
        raise ConfigError(
            *where("--sobol-samples", sobol_samples),
            f"must be a power of two of at least 16, got {n}",
        )
    if not 0 < opts.prim_threshold <= 1:
        raise ConfigError(*where("--prim-threshold", prim_threshold), "must lie in (0, 1]")
    if opts.samples < 64:
        raise ConfigError(*where("--samples", samples), "must be at least 64 worlds")
    if opts.regime_samples < 16 or steps < 2:
        raise ConfigError(study.source, "sensitivity", "regime maps need at least 2 steps and 16 worlds per cell")
    return opts

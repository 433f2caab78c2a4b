"""The public entry point: ``simulate(config, n_samples=..., seed=...) -> xarray.Dataset``."""

from __future__ import annotations

import platform
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import xarray as xr

from model.config import LoadedConfig, load_config, validate_data
from model.config.loader import apply_overrides
from model.engine import ChunkPlan
from model.execution import Execution, run_chunks
from model.results import build_dataset

VERSIONED_PACKAGES = ("offshore", "numpy", "scipy", "xarray", "pydantic", "joblib")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that determine a result."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def provenance(execution) -> dict:
    """What every run and study manifest records about how and where it ran."""
    import sys

    from model.rundir import git_commit

    versions = package_versions()
    return {
        "backend": execution.backend,
        "jobs": execution.jobs,
        "scheduler": execution.scheduler,
        "versions": versions,
        "project_version": versions["offshore"],
        "git_commit": git_commit(),
        "command": " ".join(sys.argv),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def resolve(
    config: str | Path | LoadedConfig | None,
    n_samples: int | None = None,
    seed: int | None = None,
    overrides: Iterable[str] = (),
) -> LoadedConfig:
    """Load ``config`` (a path, ``None`` for the default, or a loaded config) with overrides."""
    extra = list(overrides)
    if n_samples is not None:
        extra.append(f"sampling.samples={int(n_samples)}")
    if seed is not None:
        extra.append(f"sampling.seed={int(seed)}")
    if isinstance(config, LoadedConfig):
        if not extra:
            return config
        data = apply_overrides(config.data, extra)
        return LoadedConfig(validate_data(data, config.source, config.base_dir), config.source, config.base_dir, data)
    return load_config(config, extra)


def run_attributes(loaded: LoadedConfig) -> dict[str, str | int]:
    """Provenance recorded in every results Dataset."""
    cfg = loaded.config
    attrs: dict[str, str | int] = {
        "title": "offshore Monte Carlo results",
        "config_source": loaded.source,
        "config_hash": loaded.hash,
        "seed": cfg.sampling.seed,
        "samples": cfg.sampling.samples,
        "sampler": cfg.sampling.sampler,
        "chunk_size": cfg.sampling.chunk_size,
        "mode": cfg.game.mode,
        "selection_rule": cfg.game.selection,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if cfg.game.mode == "structural":
        attrs.update(
            us_regime=cfg.policy.us_regime,
            financing=cfg.policy.financing,
            ptrl_share_japan=str(cfg.policy.ptrl_share_japan),
            horizon_years=str(_horizon_value(cfg.game.structural.horizon_years)),
        )
    for name, version in package_versions().items():
        attrs[f"version_{name}"] = version
    return attrs


def _horizon_value(prior) -> float:
    """T in years for labels: its value, or its prior's mean when it is uncertain."""
    return prior.value if prior.is_fixed else prior.expected_value()


def simulate(
    config: str | Path | LoadedConfig | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
    *,
    overrides: Iterable[str] = (),
    execution: Execution | None = None,
) -> xr.Dataset:
    """Sample worlds, solve each world's game and return the estimates.

    Parameters
    ----------
    config : path, LoadedConfig or None
        A TOML scenario (``None``: the shipped ``configs/baseline.toml``).
    n_samples : int, optional
        Number of worlds; default ``sampling.samples`` from the config.
    seed : int, optional
        Root seed; default ``sampling.seed`` from the config.
    overrides : iterable of str
        ``KEY=VALUE`` config overrides, as ``--set`` on the command line.
    execution : Execution, optional
        Backend, number of jobs and progress display (default: one process).

    Returns
    -------
    xarray.Dataset
        ``played`` and ``pure_ne`` over ``profile`` (BB, BP, PB, PP), equilibrium-set
        and game-type frequencies, commitment results and, in structural mode,
        outcome probabilities and burdens; every estimate ``x`` has ``x_se``.
    """
    loaded = resolve(config, n_samples, seed, overrides)
    outcome = run_chunks(loaded, execution or Execution())
    return finish(loaded, outcome.stats)


def finish(loaded: LoadedConfig, stats: dict) -> xr.Dataset:
    """Build the Dataset of a completed set of chunk statistics."""
    units = "USD bn (minus burden)" if loaded.config.game.mode == "structural" else "ordinal utility (4 = best)"
    attrs = run_attributes(loaded)
    attrs["samples"] = int(stats["played"].count)
    return build_dataset(stats, attrs, units)


__all__ = ["ChunkPlan", "resolve", "simulate"]

"""A finished run directory as the report reads it: results, manifest and config.

The report only reads: everything it shows is in these files (results.nc holds the
convergence trace and a per-world burden sample the run recorded), so nothing here
or in the rest of :mod:`model.report` imports the engine.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xarray as xr

import model.accessor  # noqa: F401 - registers ds.offshore on the runs read here
from model.report.errors import ReportError
from model.rundir import read_manifest


@dataclass(frozen=True)
class RunData:
    """Everything a report needs from ``runs/<run-id>/``."""

    path: Path
    ds: xr.Dataset
    manifest: dict[str, Any]
    config: dict[str, Any] = field(repr=False)

    @property
    def run_id(self) -> str:
        return str(self.ds.attrs.get("run_id") or self.manifest.get("run_id") or self.path.name)

    @property
    def name(self) -> str:
        """The scenario's short name (``[meta] name`` or the config's file stem)."""
        meta = self.config.get("meta", {})
        if meta.get("name"):
            return str(meta["name"])
        return Path(str(self.ds.attrs.get("config_source", self.run_id))).stem

    @property
    def structural(self) -> bool:
        return "p_collapse" in self.ds

    @property
    def worlds(self) -> int:
        return int(self.ds.attrs.get("samples", self.manifest.get("worlds", 0)))

    @property
    def horizon(self) -> float:
        try:
            return float(self.ds.attrs.get("horizon_years", 5.0))
        except (TypeError, ValueError):
            return 5.0

    @property
    def has_trace(self) -> bool:
        """Whether results.nc holds the run's convergence trace (``trace_worlds``)."""
        return "trace_worlds" in self.ds.coords and "trace_played" in self.ds

    @property
    def has_burden_sample(self) -> bool:
        """Whether results.nc keeps the per-world burdens of the run's first worlds."""
        return "burden_sample" in self.ds and self.ds["burden_sample"].sizes.get("world", 0) > 0

    @property
    def samples_file(self) -> Path | None:
        path = self.path / "samples.nc"
        return path if path.is_file() else None

    def attr(self, key: str, default: Any = "?") -> Any:
        value = self.ds.attrs.get(key, self.manifest.get(key, default))
        return value.item() if hasattr(value, "item") else value

    def loaded_config(self):
        """The run's resolved config, validated (for the report's list of assumptions)."""
        from model.config import ConfigError, load_config

        try:
            return load_config(self.path / "config.toml")
        except ConfigError as exc:
            raise ReportError(f"error: {self.path}: its config.toml no longer validates: {exc}") from None


def load_run(path: Path | str) -> RunData:
    """Read a finished run directory; a missing or unfinished one is a one-line error."""
    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"error: {path}: no such run directory")
    results = path / "results.nc"
    if not results.is_file():
        hint = " (an interrupted run: finish it with offshore run --resume)" if path.name.endswith(".partial") else ""
        raise ReportError(f"error: {path}: no results.nc (not a finished run directory){hint}")
    try:
        with xr.open_dataset(results) as handle:
            ds = handle.load()
    except (OSError, ValueError) as exc:
        raise ReportError(f"error: {results}: cannot be read ({exc})") from None
    for name in ("played", "pure_ne", "eq_set_freq", "game_type_freq"):
        if name not in ds:
            raise ReportError(f"error: {results}: has no '{name}' variable (not an offshore results file)")
    manifest: dict[str, Any] = {}
    if (path / "manifest.json").is_file():
        try:
            manifest = read_manifest(path)
        except json.JSONDecodeError as exc:
            raise ReportError(f"error: {path / 'manifest.json'}: not valid JSON ({exc.msg})") from None
    if manifest.get("kind") in ("sweep", "sensitivity"):
        raise ReportError(f"error: {path}: a {manifest['kind']} study, not a run; its page is {path / 'study.html'}")
    config: dict[str, Any] = {}
    if (path / "config.toml").is_file():
        try:
            config = tomllib.loads((path / "config.toml").read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ReportError(f"error: {path / 'config.toml'}: not valid TOML ({exc})") from None
    return RunData(path=path, ds=ds, manifest=manifest, config=config)

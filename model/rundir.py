"""Durable run directories: ``runs/<run-id>/`` with config, results and manifest.

A run is written into ``runs/<run-id>.partial/`` (resolved ``config.toml``, a manifest
marked ``running`` and one checkpoint file per finished batch of chunks). Only when every output
is on disk is the directory renamed to ``runs/<run-id>/``: a directory without the
``.partial`` suffix is always complete, and a ``.partial`` one can be resumed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w
import xarray as xr

PARTIAL_SUFFIX = ".partial"
CHECKPOINTS = "chunks"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def run_id(name: str, config_hash: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "run"
    return f"{stamp}-{slug}-{config_hash[:8]}"


def git_commit() -> str | None:
    """The project's git commit, when it runs from a checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(directory: Path) -> dict[str, Any]:
    """The ``manifest.json`` of a run directory (partial or complete)."""
    return json.loads((directory / "manifest.json").read_text())


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def write_netcdf(path: Path, dataset: xr.Dataset) -> None:
    """Write a Dataset to netCDF atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        dataset.to_netcdf(tmp, engine="netcdf4")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RunDirectory:
    """A run's directory, partial while running and renamed when complete."""

    def __init__(self, partial: Path) -> None:
        self.partial = partial
        self.final = partial.with_name(partial.name.removesuffix(PARTIAL_SUFFIX))

    @classmethod
    def create(cls, root: Path, rid: str, resolved_config: dict[str, Any], manifest: dict[str, Any]) -> RunDirectory:
        root.mkdir(parents=True, exist_ok=True)
        candidate, n = rid, 1
        while (root / candidate).exists() or (root / f"{candidate}{PARTIAL_SUFFIX}").exists():
            n += 1
            candidate = f"{rid}-{n}"
        run = cls(root / f"{candidate}{PARTIAL_SUFFIX}")
        run.partial.mkdir()
        atomic_write_bytes(run.partial / "config.toml", tomli_w.dumps(resolved_config).encode())
        write_json(run.partial / "manifest.json", {**manifest, "run_id": candidate, "status": "running"})
        return run

    @classmethod
    def open_partial(cls, path: Path) -> RunDirectory:
        path = Path(path)
        if not path.name.endswith(PARTIAL_SUFFIX):
            if (path / "results.nc").exists():
                raise ValueError(f"{path}: run is already complete")
            raise ValueError(f"{path}: not an interrupted run directory (expected a *{PARTIAL_SUFFIX} directory)")
        if not (path / "config.toml").is_file() or not (path / "manifest.json").is_file():
            raise ValueError(f"{path}: config.toml or manifest.json missing; cannot resume")
        return cls(path)

    @property
    def checkpoints(self) -> Path:
        return self.partial / CHECKPOINTS

    def manifest(self) -> dict[str, Any]:
        return read_manifest(self.partial)

    def update_manifest(self, **fields: Any) -> None:
        write_json(self.partial / "manifest.json", {**self.manifest(), **fields})

    def finish(
        self, results: xr.Dataset, manifest_fields: dict[str, Any], extra_files: dict[str, Path] | None = None
    ) -> Path:
        """Write results and the final manifest, drop checkpoints, and rename."""
        write_netcdf(self.partial / "results.nc", results)
        for name, source in (extra_files or {}).items():
            os.replace(source, self.partial / name)
        fields = {
            **manifest_fields,
            "status": "complete",
            "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.update_manifest(**fields)
        shutil.rmtree(self.checkpoints, ignore_errors=True)
        os.replace(self.partial, self.final)
        return self.final

"""Durable run directories: ``runs/<run-id>/`` with config, results and manifest.

A run is written into ``runs/<run-id>.partial/`` (resolved ``config.toml``, a manifest
marked ``running`` and one checkpoint file per finished batch of chunks). Only when every output
is on disk is the directory renamed to ``runs/<run-id>/``: a directory without the
``.partial`` suffix is always complete, and a ``.partial`` one can be resumed.

The partial directory is created with one ``mkdir`` (a name already taken gets a
``-2``, ``-3``, ... suffix), never checked first and created later, so identical runs
started together each get their own directory. While a process works on a partial
directory it holds an exclusive ``flock`` on it (:meth:`RunDirectory.lock`); a second
process is refused with :class:`RunInUse`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w
import xarray as xr

from model.atomic import atomic_path, atomic_write_bytes
from model.failures import EnvironmentFault

PARTIAL_SUFFIX = ".partial"
CHECKPOINTS = "chunks"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
MAX_SLUG = 64  # characters of the config's name kept in a run id (file names stop at 255 bytes)
MAX_SUFFIX = 1000  # same-named directories tried before giving up


class RunInUse(EnvironmentFault):
    """Another process holds the run directory's lock."""


def run_id(name: str, config_hash: str, now: datetime | None = None) -> str:
    """``<UTC stamp>-<slug of name, at most MAX_SLUG characters>-<hash prefix>``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:MAX_SLUG].strip("-") or "run"
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


MAX_MANIFEST_BYTES = 2**20


def read_manifest(directory: Path) -> dict[str, Any]:
    """The ``manifest.json`` of a run directory (partial or complete).

    Raises
    ------
    ValueError
        ``<path>: ...`` when the file is missing, too large, not JSON or not an object.
    """
    path = directory / "manifest.json"
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise ValueError(f"{path}: missing") from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ValueError(f"{path}: too large to be a manifest")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError(f"{path}: not a valid manifest (corrupt JSON)") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a valid manifest (expected a JSON object)")
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def write_netcdf(path: Path, dataset: xr.Dataset) -> None:
    """Write a Dataset to netCDF atomically."""
    with atomic_path(path) as tmp:
        dataset.to_netcdf(tmp, engine="netcdf4")


class RunDirectory:
    """A run's directory, partial while running and renamed when complete."""

    def __init__(self, partial: Path) -> None:
        self.partial = partial
        self.final = partial.with_name(partial.name.removesuffix(PARTIAL_SUFFIX))

    @classmethod
    def create(cls, root: Path, rid: str, resolved_config: dict[str, Any], manifest: dict[str, Any]) -> RunDirectory:
        """Make ``root/<rid>[-n].partial`` atomically, lock it, and write its config and manifest.

        The partial name is claimed by ``mkdir`` itself; a name whose partial or complete
        directory exists gets the next suffix. If writing the config or manifest fails,
        the directory is removed again.
        """
        root.mkdir(parents=True, exist_ok=True)
        for n in range(1, MAX_SUFFIX + 1):
            candidate = rid if n == 1 else f"{rid}-{n}"
            run = cls(root / f"{candidate}{PARTIAL_SUFFIX}")
            try:
                run.partial.mkdir()
            except FileExistsError:
                continue
            # A complete run of this name renames its partial away atomically, so once our
            # mkdir succeeded, a complete directory can only be one that already existed.
            if run.final.exists():
                run.partial.rmdir()
                continue
            break
        else:
            raise FileExistsError(errno.EEXIST, f"{MAX_SUFFIX} runs named {rid} already exist", str(root / rid))
        try:
            run.lock()
            atomic_write_bytes(run.partial / "config.toml", tomli_w.dumps(resolved_config).encode())
            write_json(run.partial / "manifest.json", {**manifest, "run_id": candidate, "status": "running"})
        except BaseException:
            run.discard()
            raise
        return run

    @classmethod
    def open_partial(cls, path: Path) -> RunDirectory:
        path = Path(path)
        if not path.name.endswith(PARTIAL_SUFFIX):
            if (path / "results.nc").exists():
                raise ValueError(f"{path}: run is already complete")
            raise ValueError(f"{path}: not an interrupted run directory (expected a *{PARTIAL_SUFFIX} directory)")
        if not path.is_dir():
            raise ValueError(f"{path}: no such run directory")
        if not (path / "config.toml").is_file() or not (path / "manifest.json").is_file():
            raise ValueError(f"{path}: config.toml or manifest.json missing; cannot resume")
        return cls(path)

    def lock(self) -> None:
        """Take the exclusive lock on the partial directory for the life of this process.

        Raises
        ------
        RunInUse
            If another process holds it.
        """
        if getattr(self, "_lock_fd", None) is not None:
            return
        fd = os.open(self.partial, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunInUse(f"{self.partial}: run is in use by another offshore process") from None
        # The directory may have been finished (renamed) while we waited for the lock.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(self.partial))
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            raise ValueError(f"{self.partial}: no longer an interrupted run (finished by another process)")
        self._lock_fd = fd

    def unlock(self) -> None:
        fd = getattr(self, "_lock_fd", None)
        if fd is not None:
            self._lock_fd = None
            os.close(fd)  # closing the descriptor releases the flock

    @contextlib.contextmanager
    def locked(self) -> Iterator[RunDirectory]:
        self.lock()
        try:
            yield self
        finally:
            self.unlock()

    def discard(self) -> None:
        """Remove the partial directory (a failed run that never produced anything usable)."""
        self.unlock()
        shutil.rmtree(self.partial, ignore_errors=True)

    @property
    def checkpoints(self) -> Path:
        return self.partial / CHECKPOINTS

    def manifest(self) -> dict[str, Any]:
        return read_manifest(self.partial)

    def update_manifest(self, **fields: Any) -> None:
        write_json(self.partial / "manifest.json", {**self.manifest(), **fields})

    def finish(
        self,
        results: xr.Dataset,
        manifest_fields: dict[str, Any],
        extra_files: dict[str, Path] | Callable[[], dict[str, Path]] | None = None,
    ) -> Path:
        """Write results and the final manifest, drop checkpoints, and rename.

        ``extra_files`` (final name -> written temporary) are moved in beside the results;
        given as a function, it is called once ``results.nc`` is written, so files still
        being made elsewhere can finish meanwhile."""
        write_netcdf(self.partial / "results.nc", results)
        extra = extra_files() if callable(extra_files) else extra_files
        for name, source in (extra or {}).items():
            os.replace(source, self.partial / name)
        fields = {
            **manifest_fields,
            "status": "complete",
            "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.update_manifest(**fields)
        shutil.rmtree(self.checkpoints, ignore_errors=True)
        os.rename(self.partial, self.final)  # fails rather than replace a directory in the way
        self.unlock()
        return self.final

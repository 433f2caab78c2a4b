"""Atomic file output: write beside the target, then rename over it.

A reader never sees a half-written file, and a failure leaves only the old file (or
none). Every writer of run, checkpoint and study files goes through here; whole
directories (reports, a study's charts and tables) through :func:`atomic_directory`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode an ordinary new file gets here: 0o666 less the umask (temporary files
    start at 0o600, which would keep a colleague on a shared drive out)."""
    return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path in ``path``'s directory, renamed to ``path`` when the block
    succeeds and removed when it fails. Close the file before the block ends. The
    file ends with the mode the umask gives new files."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, synced to disk before the rename."""
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """A hidden temporary directory beside ``target`` that replaces it only if the block succeeds.

    An older ``target`` stays in place until the new one is complete, is then moved
    aside and removed; a failure removes the temporary directory and leaves ``target``
    as it was (or absent). Report directories and study pages are written through here.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

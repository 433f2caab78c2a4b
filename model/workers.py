"""Worker processes that die with the process that started them.

A worker process (loky, or a local Dask cluster's) runs :func:`watch_parent` once: a
daemon thread that polls every :data:`WATCH_INTERVAL` seconds and ends the worker as
soon as the parent process is gone (the worker is re-parented, or the parent's pid no
longer exists). So killing ``offshore`` with SIGKILL leaves no computing orphans
behind; the loky resource tracker exits when its last client does. Workers of a
remote ``--scheduler`` are not ours and are never watched.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from model.failures import EnvironmentFault

__all__ = ["EnvironmentFault", "WATCH_INTERVAL", "dask_worker_setup", "loky_backend", "watch_parent"]

WATCH_INTERVAL = 0.5  # seconds
_watching = False


def _parent_gone(parent_pid: int, first_ppid: int) -> bool:
    if os.getppid() != first_ppid:
        return True
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by someone else (cannot be ours, but alive)
        return False
    return False


def watch_parent(parent_pid: int) -> None:
    """In a worker process, exit (status 1) once ``parent_pid`` has died.

    Does nothing in the parent itself (threading and sequential backends) and starts
    at most one watcher per process.
    """
    global _watching
    if _watching or os.getpid() == parent_pid:
        return
    _watching = True
    first_ppid = os.getppid()

    def watch() -> None:
        while not _parent_gone(parent_pid, first_ppid):
            time.sleep(WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="offshore-parent-watch", daemon=True).start()


def loky_backend() -> Any:
    """joblib's loky backend whose workers run :func:`watch_parent` when they start."""
    from joblib._parallel_backends import LokyBackend

    return LokyBackend(initializer=watch_parent, initargs=(os.getpid(),))


def dask_worker_setup(parent_pid: int) -> None:
    """In a local Dask worker: die with ``parent_pid`` and leave Ctrl-C to the parent.

    A terminal's Ctrl-C reaches every process of the group; the parent stops the run and
    closes the cluster, so the workers ignore SIGINT instead of printing tracebacks.
    """
    watch_parent(parent_pid)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)

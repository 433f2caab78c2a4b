"""What a failure is, for the command line: bad input (exit 2) or an environment fault (exit 1).

Bad input is anything the user typed or pointed at: a config, an option, a run
directory, a checkpoint. An environment fault is the machine getting in the way: a
full or read-only disk, missing permissions, a path occupied by a file, an unreachable
scheduler, memory. Both are reported on one line.
"""

from __future__ import annotations

import errno

EXIT_ENVIRONMENT = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class EnvironmentFault(RuntimeError):
    """The machine, not the input, stopped the command (message is one line, no ``error:``)."""


def describe_os_error(exc: OSError) -> str:
    """``<path>: <reason>`` for an OS error, on one line."""
    reason = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        reason = "no space left on device"
    elif exc.errno == errno.ENAMETOOLONG:
        reason = "file name too long"
    where = exc.filename if exc.filename is not None else None
    if exc.filename2 is not None:
        where = f"{exc.filename} -> {exc.filename2}"
    return f"{where}: {reason}" if where is not None else reason

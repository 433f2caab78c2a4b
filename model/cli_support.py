"""Pieces every ``offshore`` command shares: one-line failures and execution options."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import NoReturn

import click

from model.config import ConfigError
from model.execution import Execution, default_jobs

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def fail(message: str) -> NoReturn:
    """Print ``message`` on one line to stderr and exit with status 2 (bad input)."""
    click.echo(" ".join(str(message).split()), err=True)
    sys.exit(EXIT_BAD_INPUT)


@contextlib.contextmanager
def bad_input_fails() -> Iterator[None]:
    """Turn a config error or a bad value raised inside the block into :func:`fail`."""
    try:
        yield
    except ConfigError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(f"error: {exc}")


def interrupted(message: str) -> NoReturn:
    """Print how to resume an interrupted run and exit with status 130."""
    click.echo(message, err=True)
    sys.exit(EXIT_INTERRUPTED)


def execution_from_options(
    jobs: int | None, backend: str, scheduler: str | None, quiet: bool, target_se: float | None = None
) -> Execution:
    """The :class:`Execution` of the common ``--jobs/--backend/--scheduler/--quiet`` options.

    A scheduler address implies the dask backend; the progress bar shows only on a
    terminal and without ``--quiet``.
    """
    return Execution(
        backend="dask" if scheduler else backend,
        jobs=jobs or default_jobs(),
        scheduler=scheduler,
        progress=not quiet and sys.stderr.isatty(),
        target_se=target_se,
    )

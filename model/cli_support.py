"""Pieces every ``offshore`` command shares: one-line failures and execution options."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from model.execution import Execution, default_jobs

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def fail(message: str) -> NoReturn:
    """Print ``message`` on one line to stderr and exit with status 2 (bad input)."""
    click.echo(" ".join(str(message).split()), err=True)
    sys.exit(EXIT_BAD_INPUT)


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

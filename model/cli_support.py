"""Pieces every ``offshore`` command shares: one-line failures and execution options.

:class:`OneLineGroup` is the top-level command group: whatever goes wrong in any
command, including click's own parser errors, becomes one line on stderr, ``error:
<file or option>: <key>: <message>``, with exit status 2 for bad input, 1 for an
environment fault and 130 for Ctrl-C (see :mod:`model.failures`). Set
``OFFSHORE_DEBUG=1`` to also see the traceback of an unexpected error.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:  # the execution machinery is imported only by commands that run chunks
    from model.execution import Execution

from model.checkpoints import CheckpointError
from model.config import ConfigError
from model.failures import (
    EXIT_BAD_INPUT,
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    EnvironmentFault,
    describe_os_error,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ENVIRONMENT",
    "EXIT_INTERRUPTED",
    "Count",
    "OneLineGroup",
    "PositiveFinite",
    "bad_input_fails",
    "cap_jobs",
    "execution_from_options",
    "fail",
    "interrupted",
]


def one_line(message: Any) -> str:
    return " ".join(str(message).split())


def fail(message: str, status: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``message`` on one line to stderr and exit with ``status`` (2: bad input)."""
    click.echo(one_line(message), err=True)
    sys.exit(status)


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
    click.echo(one_line(message), err=True)
    sys.exit(EXIT_INTERRUPTED)


def usage_line(exc: click.UsageError) -> str:
    """A click parser error as ``error: <option>: <message>``."""
    if isinstance(exc, click.BadParameter):
        param = exc.param
        hint = exc.param_hint
        if hint is None and param is not None:
            hint = "/".join(getattr(param, "opts", ()) or ()) or param.human_readable_name
        if isinstance(hint, list | tuple):
            hint = "/".join(hint)
        hint = str(hint).replace("'", "") if hint else None
        return one_line(f"error: {hint}: {exc.message}" if hint else f"error: {exc.message}")
    where = exc.ctx.command_path if exc.ctx is not None else "offshore"
    return one_line(f"error: {where}: {exc.format_message()} (see {where} --help)")


def classify(exc: BaseException) -> tuple[int, str]:
    """Exit status and one-line message for an exception that reached the top."""
    if isinstance(exc, click.UsageError):
        return EXIT_BAD_INPUT, usage_line(exc)
    if isinstance(exc, KeyboardInterrupt | click.Abort):
        return EXIT_INTERRUPTED, "interrupted"
    if isinstance(exc, ConfigError):
        return EXIT_BAD_INPUT, str(exc)
    if isinstance(exc, CheckpointError):
        return EXIT_BAD_INPUT, f"error: {exc}"
    if isinstance(exc, EnvironmentFault):
        return EXIT_ENVIRONMENT, f"error: {exc}"
    if isinstance(exc, click.ClickException):
        return exc.exit_code, f"error: {exc.format_message()}"
    if isinstance(exc, OSError):
        return EXIT_ENVIRONMENT, f"error: {describe_os_error(exc)}"
    if isinstance(exc, MemoryError):
        return EXIT_ENVIRONMENT, "error: out of memory"
    if isinstance(exc, RecursionError):
        return EXIT_BAD_INPUT, "error: input nested too deeply"
    if isinstance(exc, ValueError):
        return EXIT_BAD_INPUT, f"error: {exc}"
    return EXIT_ENVIRONMENT, (
        f"error: internal error: {type(exc).__name__}: {exc} (set OFFSHORE_DEBUG=1 for the traceback)"
    )


def _report(exc: BaseException) -> NoReturn:
    if isinstance(exc, BrokenPipeError):  # the reader stopped early (``offshore list | head``): not a failure
        sys.stderr.close()  # nothing more can be said, and Python must not complain at exit either
        os._exit(0)
    status, message = classify(exc)
    if os.environ.get("OFFSHORE_DEBUG") and status != EXIT_INTERRUPTED:
        traceback.print_exception(exc, file=sys.stderr)
    click.echo(one_line(message)[:2000], err=True)
    sys.exit(status)


class OneLineGroup(click.Group):
    """A click group whose every failure is one line on stderr with a meaningful status.

    ``lazy_commands`` names commands by ``"module:factory"``: the module is imported, and
    the factory called for the command, only when that command is asked for (its run,
    or the help listing every command), so a command pays only for its own imports.
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            import importlib

            module, _, factory = self.lazy_commands[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), factory)(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - the top of the program: report, never trace
            _report(exc)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:  # fmt: skip
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - group-level parser errors
            _report(exc)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


class Count(click.ParamType):
    """A whole number >= ``minimum``; scientific notation (``1e6``) is accepted when exact."""

    name = "integer"

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().replace("_", "")
            try:
                number = int(text)
            except ValueError:
                try:
                    as_float = float(text)
                except ValueError:
                    self.fail(f"{value!r} is not a whole number", param, ctx)
                if not (math.isfinite(as_float) and as_float.is_integer()):
                    self.fail(f"{value!r} is not a whole number", param, ctx)
                number = int(as_float)
        if number < self.minimum:
            self.fail(f"{number} is below the minimum of {self.minimum}", param, ctx)
        return number


class PositiveFinite(click.ParamType):
    """A float > 0 that is neither NaN nor infinite."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float) and math.isfinite(value) and value > 0:
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not (math.isfinite(number) and number > 0):
            self.fail(f"{value!r} must be a positive finite number", param, ctx)
        return number


def cap_jobs(jobs: int | None, force: bool = False) -> int:
    """Workers to start: ``jobs`` (default all cores), at most the cores unless ``force``."""
    from model.execution import default_jobs

    cores = default_jobs()
    if jobs is None:
        return cores
    return jobs if force else min(jobs, cores)


def execution_from_options(
    jobs: int | None,
    backend: str,
    scheduler: str | None,
    quiet: bool,
    target_se: float | None = None,
    force_jobs: bool = False,
) -> Execution:
    """The :class:`Execution` of the common ``--jobs/--backend/--scheduler/--quiet`` options.

    A scheduler address implies the dask backend; the progress bar shows only on a
    terminal and without ``--quiet``; ``--jobs`` is capped at the machine's cores
    unless ``force_jobs`` (a remote scheduler's workers are its own).
    """
    from model.execution import Execution

    return Execution(
        backend="dask" if scheduler else backend,
        jobs=cap_jobs(jobs, force_jobs or bool(scheduler)),
        scheduler=scheduler,
        progress=not quiet and sys.stderr.isatty(),
        target_se=target_se,
    )


RESOURCE_TRACKER_FILTER = "ignore::UserWarning:joblib.externals.loky.backend.resource_tracker"


def quiet_resource_tracker() -> None:
    """Keep loky's resource tracker quiet after Ctrl-C.

    The tracker is a separate process that inherits ``PYTHONWARNINGS``. When a run is
    interrupted it frees the semaphores the dead pool left behind, which is its job, but
    warns about each on stderr; the user has already been told, in one line, how to
    resume. Only that module's ``UserWarning`` is silenced.
    """
    current = os.environ.get("PYTHONWARNINGS", "")
    if RESOURCE_TRACKER_FILTER not in current:
        os.environ["PYTHONWARNINGS"] = ",".join(filter(None, (current, RESOURCE_TRACKER_FILTER)))

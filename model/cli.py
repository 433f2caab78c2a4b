"""The ``offshore`` command line.

Bad input (a config error, a bad option, a corrupt run directory) prints one line and
exits with status 2, leaving nothing behind; an environment fault (disk, permissions,
network) prints one line and exits with 1; an interrupted run exits with 130 and can
be resumed. :class:`model.cli_support.OneLineGroup` guarantees the one line for every
command.
"""

from __future__ import annotations

import gc
from pathlib import Path

import click

from model.cli_support import (
    Count,
    OneLineGroup,
    PositiveFinite,
    bad_input_fails,
    execution_from_options,
    fail,
    interrupted,
    quiet_resource_tracker,
)
from model.config import ConfigError, LoadedConfig, load_config
from model.execution import BACKENDS, TARGET_SE_CAP
from model.failures import EnvironmentFault
from model.report import LANGS


def _not_a_file(path: Path, option: str) -> None:
    """An output directory option must not name an existing non-directory."""
    if path.exists() and not path.is_dir():
        raise EnvironmentFault(f"{option}: {path}: exists and is not a directory")


def _load_run_config(
    config: Path | None, samples: int | None, seed: int | None, overrides: tuple, target_se: float | None = None
) -> LoadedConfig:
    """The run's config with its overrides; errors name the option that caused them.

    With ``--target-se`` the config's own sample count is not a cap: unless ``--samples``
    or ``--set sampling.samples=...`` gives one, the run may draw up to
    :data:`model.execution.TARGET_SE_CAP` worlds.
    """
    extra = list(overrides)
    labels = {}
    samples_option = "--samples"
    explicit = samples is not None or any(o.partition("=")[0].strip() == "sampling.samples" for o in overrides)
    if target_se is not None and not explicit:
        samples, samples_option = TARGET_SE_CAP, "--target-se (its cap of worlds)"
    for option, key, value in ((samples_option, "sampling.samples", samples), ("--seed", "sampling.seed", seed)):
        if value is not None:
            assignment = f"{key}={int(value)}"
            extra.append(assignment)
            labels[assignment] = option
    return load_config(config, extra, labels)


@click.group(
    cls=OneLineGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    lazy_commands={  # they live with their packages, imported only when used
        "report": "model.report:report_command",
        "sweep": "model.sensitivity.commands:sweep_command",
        "sensitivity": "model.sensitivity.commands:sensitivity_command",
    },
)
@click.version_option(package_name="offshore")
def main() -> None:
    """Monte Carlo risk model of the Japan-Korea burden-sharing dilemma over Taiwan."""
    quiet_resource_tracker()


@main.command()
@click.argument("config", required=False, type=click.Path(path_type=Path))
@click.option("--samples", type=Count(minimum=1), help="Number of worlds (default: the config's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root random seed (default: the config's).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a config key (repeatable).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Parallel workers (default and cap: all cores).")
@click.option("--force-jobs", is_flag=True, help="Allow --jobs above the number of cores.")
@click.option("--backend", type=click.Choice(BACKENDS), default="loky", show_default=True)
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Existing Dask scheduler (implies --backend dask).")
@click.option(
    "--target-se",
    type=PositiveFinite(),
    help="Sample until every headline standard error is below this (checked after every chunk); "
    "--samples, if given, caps the run, else at most 100,000,000 worlds.",
)
@click.option(
    "--keep-samples", type=click.IntRange(min=0), default=0, help="Keep up to N per-world records in samples.nc."
)
@click.option("--runs-dir", type=click.Path(path_type=Path), default=Path("runs"), show_default=True)
@click.option("--resume", "resume_dir", type=click.Path(path_type=Path), help="Finish an interrupted run directory.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary; print only the run directory.")
@click.option("--no-report", is_flag=True, help="Do not render the risk report.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Report language.")
@click.option("--reports-dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True)
@click.option("--pptx", is_flag=True, help="Also write the report's briefing deck, briefing.pptx.")
def run(
    config,
    samples,
    seed,
    overrides,
    jobs,
    force_jobs,
    backend,
    scheduler,
    target_se,
    keep_samples,
    runs_dir,
    resume_dir,
    quiet,
    no_report,
    lang,
    reports_dir,
    pptx,
):
    """Run CONFIG (default: the shipped baseline) and write runs/<run-id>/."""
    from model.runner import RunInterrupted, resume_run, start_run
    from model.summary import summary_text

    execution = execution_from_options(jobs, backend, scheduler, quiet, target_se, force_jobs)
    preloading = None
    if not no_report:
        _not_a_file(reports_dir, "--reports-dir")
        from model.report import preload

        preloading = preload()  # the report's imports, while the workers simulate
    try:
        with bad_input_fails():
            if resume_dir is not None:
                if config or samples or seed is not None or overrides:
                    fail("error: --resume takes the run directory only (its config is fixed)")
                source = click.get_current_context().get_parameter_source("keep_samples")
                keep = keep_samples if source == click.core.ParameterSource.COMMANDLINE else None
                result = resume_run(resume_dir, execution, keep_samples=keep, target_se_given=target_se is not None)
            else:
                _not_a_file(runs_dir, "--runs-dir")
                loaded = _load_run_config(config, samples, seed, overrides, target_se)
                result = start_run(loaded, execution, runs_dir, keep_samples)
    except RunInterrupted as exc:
        interrupted(f"interrupted: {exc.saved} batches of chunks saved; resume with: offshore run --resume {exc.path}")
    if not quiet:
        click.echo(summary_text(result.dataset))
        click.echo(f"stopped: {result.manifest.get('stop_reason')}; wall time {result.manifest.get('wall_seconds')} s")
    if preloading is not None:
        preloading.join()
        from model.report.parallel_render import render_options
        from model.report.render import render_run_report

        with render_options(progress=False if quiet else None):  # the drawing's progress bar, on stderr
            report_dir = render_run_report(result.path, reports_dir, lang, pptx=pptx)
        if not quiet:
            click.echo(f"report: {report_dir / 'report.html'}")
    click.echo(str(result.path))


@main.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a config key (repeatable).")
def validate(config, overrides):
    """Check CONFIG (a run config or a study file) completely without sampling anything."""
    from model.sensitivity.study import is_study_file, load

    try:
        if is_study_file(Path(config)):
            study = load(Path(config), overrides)
            points = study.resolve_points()  # every grid point validates
            base = study.base or "the baseline"
            click.echo(f"ok: {config}: study {study.name}, {len(points)} grid point(s) on {base}")
            return
        loaded = load_config(config, overrides)
    except ConfigError as exc:
        fail(str(exc))
    priors = loaded.priors()
    uncertain = sum(not p.is_fixed for p in priors.values())
    click.echo(
        f"ok: {config}: mode {loaded.config.game.mode}, {len(priors)} parameters "
        f"({uncertain} uncertain), config hash {loaded.hash}"
    )


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
def show(run_dir):
    """Print the summary of a finished run."""
    import xarray as xr  # imported on use: every command starts faster without it

    from model.summary import summary_text

    results = run_dir / "results.nc"
    if not results.is_file():
        fail(f"error: {run_dir}: no results.nc (not a finished run directory)")
    try:
        with xr.open_dataset(results) as ds:
            ds = ds.load()
    except Exception as exc:  # noqa: BLE001 - netCDF/HDF5 raise many types on a damaged file
        if isinstance(exc, PermissionError):
            raise
        fail(f"error: {results}: not a readable results file ({type(exc).__name__})")
    if "played" not in ds:
        fail(f"error: {results}: not an offshore results file (no 'played' estimates)")
    try:
        text = summary_text(ds)
    except (KeyError, ValueError, IndexError, TypeError, AttributeError) as exc:
        fail(f"error: {results}: incomplete results file ({type(exc).__name__}: {exc})")
    click.echo(text)
    click.echo(str(run_dir))


@main.command("list")
def list_configs():
    """The shipped scenarios and studies, one line each (path and description)."""
    import tomllib

    from model.config import PACKAGE_CONFIGS

    for path in sorted(PACKAGE_CONFIGS.rglob("*.toml")):
        description = tomllib.loads(path.read_text(encoding="utf-8")).get("meta", {}).get("description", "")
        click.echo(f"{path.relative_to(PACKAGE_CONFIGS).as_posix():<48} {description}")


@main.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("configs"))
def init(directory):
    """Copy the shipped configs into DIRECTORY (default: ./configs) to edit them."""
    import shutil

    from model.config import PACKAGE_CONFIGS

    if directory.exists():
        fail(f"error: {directory}: already exists; give a new directory to copy the configs into")
    shutil.copytree(PACKAGE_CONFIGS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    count = sum(1 for _ in directory.rglob("*.toml"))
    click.echo(f"{directory}: {count} configs; run one with: offshore run {directory / 'baseline.toml'}")


PACKAGE_DOCS = Path(__file__).resolve().parent / "docs"
"""The shipped documents: ``model/docs`` links to the repository's ``docs/`` and is copied into wheels."""


@main.command("docs")
def docs():
    """Where the installed primer, worked example and model description are, one path a line."""
    for name in ("primer.md", "worked_example.md", "MODEL.md"):
        click.echo(PACKAGE_DOCS / name)


CLAIMS_SAMPLES = 2**18


@main.command()
@click.argument("config", required=False, type=click.Path(path_type=Path))
@click.option("--samples", type=Count(minimum=1), help=f"Worlds per arm (default: {CLAIMS_SAMPLES:,} or the config's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root random seed (default: the config's).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a config key (repeatable).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Parallel workers (default and cap: all cores).")
@click.option("--force-jobs", is_flag=True, help="Allow --jobs above the number of cores.")
@click.option("--backend", type=click.Choice(BACKENDS), default="loky", show_default=True)
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Language of the claims.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Also write every measure as numbers to CSV.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def claims(config, samples, seed, overrides, jobs, force_jobs, backend, lang, csv_path, quiet):
    """Test the source paper's claims on CONFIG (default: the baseline), with paired intervals."""
    from model.claims import claims_frame, claims_text, evaluate

    execution = execution_from_options(jobs, backend, None, quiet, None, force_jobs)
    with bad_input_fails():
        loaded = _load_run_config(config, samples, seed, overrides)
        if samples is None and loaded.config.sampling.samples > CLAIMS_SAMPLES:
            loaded = _load_run_config(config, CLAIMS_SAMPLES, seed, overrides)
        if loaded.config.game.mode != "structural":
            fail(f"error: {loaded.source}: game.mode: the claims need a structural config")
        results = evaluate(loaded, execution=execution)
    click.echo(claims_text(results, lang))
    if csv_path is not None:
        from model.atomic import atomic_write_bytes

        atomic_write_bytes(csv_path, claims_frame(results).to_csv(index=False).encode())
        click.echo(str(csv_path))


@main.command("app")
@click.argument("config", required=False, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (default: this machine only).")
@click.option("--port", type=click.IntRange(1, 65535), default=8050, show_default=True)
@click.option("--samples", type=Count(minimum=1), help="Fix the live sample size (default: adapts to the machine).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Threads per view (default and cap: all cores).")
@click.option("--runs-dir", type=click.Path(path_type=Path), default=Path("runs"), show_default=True)
@click.option("--reports-dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True)
def app(config, host, port, samples, jobs, runs_dir, reports_dir):
    """Interactive briefing room for CONFIG (default: the baseline) in the browser (the 'app' extra)."""
    from model.app import AppUnavailable, launch, port_free, require_shiny
    from model.cli_support import cap_jobs

    try:
        require_shiny()
    except AppUnavailable as exc:
        fail(f"error: {exc}")
    with bad_input_fails():
        _load_run_config(config, samples, None, ())  # a bad config stops here, in one line
    if not port_free(host, port):
        fail(f"error: --port: {host}:{port} is in use or cannot be bound; choose another port", 1)
    launch(config, host, port, samples, cap_jobs(jobs), runs_dir, reports_dir)


def entry() -> None:
    """The ``offshore`` program: the command line, then a quick exit.

    The interpreter's last garbage collections at exit would walk every object a
    command made (a report's figures, a run's arrays: a third of a second or more) to
    free memory the process is about to give back anyway, so they are frozen out once
    the command is done. Every file a command writes is closed before it returns.
    """
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    entry()

"""The ``offshore sweep`` and ``offshore sensitivity`` commands (click).

Bad input prints one line (``error: FILE: KEY: MESSAGE``) and exits with status 2
before anything is written; an interrupted sweep exits with 130 and can be resumed.
The last line printed on success is the study directory.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from model.cli_support import bad_input_fails, execution_from_options, fail, interrupted
from model.execution import BACKENDS
from model.report.text import LANGS

METHOD_CHOICES = ("tornado", "sobol", "rank", "prim", "regime", "all")


def _common(func):
    options = [
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="KEY=VALUE",
            help="Override a config key at every point (repeatable).",
        ),
        click.option("--seed", type=click.IntRange(min=0), help="Root random seed (default: the config's)."),
        click.option(
            "--jobs",
            type=click.IntRange(min=1),
            default=None,
            help="Parallel workers (default: all cores).",
        ),
        click.option("--backend", type=click.Choice(BACKENDS), default="loky", show_default=True),
        click.option(
            "--scheduler",
            metavar="tcp://HOST:PORT",
            help="Existing Dask scheduler (implies --backend dask).",
        ),
        click.option("--runs-dir", type=click.Path(path_type=Path), default=Path("runs"), show_default=True),
        click.option(
            "--quiet",
            is_flag=True,
            help="No progress bar and no summary; print only the study directory.",
        ),
        click.option(
            "--no-charts",
            is_flag=True,
            help="Write results.nc and the manifest only (no charts, tables or page).",
        ),
        click.option(
            "--lang",
            type=click.Choice(LANGS),
            default="en",
            show_default=True,
            help="Language of the study page (zh-TW: study-zh-TW.html, summary-zh-TW.md, charts-zh-TW/).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def sweep_command() -> click.Command:
    """``offshore sweep CONFIG --grid KEY=V1,V2,...``: a grid of full runs on common random numbers."""

    @click.command("sweep")
    @click.argument("config", required=False, type=click.Path(path_type=Path))
    @click.option(
        "--grid",
        "grids",
        multiple=True,
        metavar="KEY=V1,V2,...|KEY=START:STOP:STEP",
        help="A swept key and its values, ends included (repeatable; one dimension each).",
    )
    @click.option(
        "--samples",
        type=click.IntRange(min=1),
        help="Worlds per grid point (default: the config's).",
    )
    @click.option(
        "--resume",
        "resume_dir",
        type=click.Path(path_type=Path),
        help="Finish an interrupted sweep directory.",
    )
    @click.option(
        "--page",
        "page_dir",
        type=click.Path(path_type=Path),
        help="Render the page of a finished sweep directory again (in --lang) from its saved results; runs nothing.",
    )
    @_common
    def sweep(
        config,
        grids,
        samples,
        resume_dir,
        page_dir,
        overrides,
        seed,
        jobs,
        backend,
        scheduler,
        runs_dir,
        quiet,
        no_charts,
        lang,
    ):
        """Run CONFIG (a run config or a study file, default the baseline) at every grid point.

        Every point uses the same seed, so every point draws the same worlds. The result
        is one xarray Dataset with the swept keys as dimensions, in runs/<id>/ with
        charts, CSV tables, summary.md and a self-contained study.html.
        """
        from model.runner import RunInterrupted
        from model.sensitivity.page import study_language
        from model.sensitivity.studies import resume_sweep, start_sweep
        from model.sensitivity.study import check_grid, load, merge_grid, parse_grid_option

        if page_dir is not None:
            _render_page(page_dir, lang, config or grids or samples or resume_dir or seed is not None or overrides)
            return
        execution = execution_from_options(jobs, backend, scheduler, quiet)
        try:
            with bad_input_fails(), study_language(lang):
                if resume_dir is not None:
                    if config or grids or samples or seed is not None or overrides:
                        fail("error: --resume takes the sweep directory only (its study is fixed)")
                    result = resume_sweep(resume_dir, execution, charts=not no_charts)
                else:
                    study = load(config, overrides)
                    study = replace(
                        study,
                        axes=merge_grid(study.axes, [parse_grid_option(g) for g in grids]),
                        samples=samples if samples is not None else study.samples,
                        seed=seed if seed is not None else study.seed,
                    )
                    check_grid(study)
                    result = start_sweep(study, execution, runs_dir, charts=not no_charts)
        except RunInterrupted as exc:
            interrupted(f"interrupted: {exc.saved} grid points saved; resume with: offshore sweep --resume {exc.path}")
        _print_study(result, quiet, no_charts, lang)

    return sweep


def _render_page(page_dir: Path, lang: str, extra) -> None:
    """``offshore sweep --page DIR [--lang L]``: the page of a finished sweep, rendered again."""
    from model.sensitivity.sweep_page import render_sweep_page

    with bad_input_fails():
        if extra:
            fail("error: --page takes the sweep directory and --lang only (it runs nothing)")
        path = render_sweep_page(page_dir, lang)
    click.echo(str(path))


def sensitivity_command() -> click.Command:
    """``offshore sensitivity CONFIG --method tornado|sobol|rank|prim|regime|all``."""

    @click.command("sensitivity")
    @click.argument("config", required=False, type=click.Path(path_type=Path))
    @click.option(
        "--method",
        "methods",
        multiple=True,
        type=click.Choice(METHOD_CHOICES),
        help="Method to run (repeatable; default: the study file's, else tornado, sobol, rank and prim).",
    )
    @click.option(
        "--samples",
        type=click.IntRange(min=64),
        help="Worlds for rank correlations and PRIM [default 131072].",
    )
    @click.option(
        "--sobol-samples",
        type=click.IntRange(min=16),
        help="Sobol' base sample n, a power of two; the model runs n (d + 2) worlds [default 16384].",
    )
    @click.option(
        "--prim-threshold",
        type=click.FloatRange(0, 1, min_open=True),
        help="Density a PRIM box must reach [default 0.8].",
    )
    @click.option(
        "--regime-x",
        metavar="KEY[=START:STOP:STEP|=V1,V2,...]",
        help="Regime map: input on the x axis (default values: its p1-p99 range).",
    )
    @click.option("--regime-y", metavar="KEY[=...]", help="Regime map: input on the y axis.")
    @click.option(
        "--regime-steps",
        type=click.IntRange(min=2, max=201),
        help="Regime map: values per axis when not given [default 21].",
    )
    @click.option(
        "--regime-samples",
        type=click.IntRange(min=16),
        help="Regime map: worlds per cell [default 32768].",
    )
    @_common
    def sensitivity(
        config,
        methods,
        samples,
        sobol_samples,
        prim_threshold,
        regime_x,
        regime_y,
        regime_steps,
        regime_samples,
        overrides,
        seed,
        jobs,
        backend,
        scheduler,
        runs_dir,
        quiet,
        no_charts,
        lang,
    ):
        """What moves the result of CONFIG (a run config or a study file), and by how much.

        tornado: each uncertain input from its p10 to its p90, the others at their medians.
        sobol: first- and total-order Sobol' indices with bootstrap intervals.
        rank: Spearman and partial rank correlations over sampled worlds.
        prim: scenario discovery of the input boxes that lead to collapse or to Japan
        balancing alone. regime: a map over two inputs (--regime-x, --regime-y).
        """
        from model.sensitivity.options import options_from
        from model.sensitivity.page import study_language
        from model.sensitivity.studies import start_sensitivity
        from model.sensitivity.study import load

        execution = execution_from_options(jobs, backend, scheduler, quiet)
        with bad_input_fails(), study_language(lang):
            study = load(config, overrides)
            if study.axes:
                fail(f"error: {study.source}: grid: a sensitivity study takes no [grid] (run it with offshore sweep)")
            study = replace(study, seed=seed if seed is not None else study.seed)
            loaded = study.base_config()
            options = options_from(
                study,
                loaded,
                methods=methods,
                samples=samples,
                sobol_samples=sobol_samples,
                prim_threshold=prim_threshold,
                regime_x=regime_x,
                regime_y=regime_y,
                regime_steps=regime_steps,
                regime_samples=regime_samples,
            )
            result = start_sensitivity(study, options, execution, runs_dir, charts=not no_charts, loaded=loaded)
        _print_study(result, quiet, no_charts, lang)

    return sensitivity


def _print_study(result, quiet: bool, no_charts: bool, lang: str = "en") -> None:
    """The summary and page of a finished study (unless quiet), then its directory."""
    from model.sensitivity.words import PAGE_FILES

    if not quiet:
        click.echo(result.summary)
        if not no_charts:
            click.echo(f"page: {result.path / PAGE_FILES[lang][0]}")
    click.echo(str(result.path))

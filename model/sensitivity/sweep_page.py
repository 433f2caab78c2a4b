"""The page of a sweep: what was run, the headline results, the equilibrium mix, Japan's burden.

:func:`write_sweep_page` renders it in English or Traditional Chinese from the sweep's
Dataset and plan; :func:`render_sweep_page` renders it again, in any language, from a
finished study directory alone (``results.nc``, ``study.toml`` and ``config.toml``),
without running anything.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import xarray as xr

from model.sensitivity.charts import ChartWriter
from model.sensitivity.page import Section, Table, page_language, write_page
from model.sensitivity.sweep import SweepPlan
from model.sensitivity.sweep_charts import sweep_charts
from model.sensitivity.sweep_tables import equilibria_table, sweep_summary, sweep_table
from model.sensitivity.words import StudyWords
from model.simulation import package_versions


def write_sweep_page(
    directory: Path, run_name: str, ds: xr.Dataset, plan: SweepPlan, text: str, lang: str | None = None
) -> Path:
    """Charts, tables, Markdown and HTML page of a sweep in ``lang`` (default: :func:`page_language`), into
    ``directory``; returns the page's path. ``text`` is the English plain-text summary (other languages write
    their own)."""
    w = StudyWords(lang or page_language())
    study = plan.study
    priors = plan.base.priors()
    writer = ChartWriter(w.lang)
    charts = sweep_charts(ds, study.axes, priors, writer)
    cfg = plan.base.config
    meta = [
        w("meta_study", name=study.name, source=study.source),
        w("meta_run_directory", name=run_name),
        w(
            "meta_base_config",
            config=study.base or "configs/baseline.toml",
            hash=plan.base.hash,
            overrides=", ".join(study.overrides) or w("none"),
        ),
        w(
            "meta_points",
            points=len(plan.configs),
            worlds=f"{cfg.sampling.samples:,}",
            seed=cfg.sampling.seed,
            sampler=w.tx.sampler(cfg.sampling.sampler),
            rule=w.tx.selection(cfg.game.selection),
        ),
        w("meta_version", version=package_versions()["offshore"], created=datetime.now(UTC).isoformat("T", "seconds")),
    ]
    grid = w("list_sep2").join(
        w(
            "grid_axis",
            name=w.name(a.key, priors),
            param=a.key,
            values=w("list_sep").join(w.value(a.key, v) for v in a.values),
        )
        for a in study.axes
    )
    description = [w("user_description", text=study.description)] if study.description else [w("sweep_default")]
    intro = Section(
        w("section_run"),
        [*description, w("sweep_crn"), w("grid", grid=grid)],
        code=text if not w.zh else sweep_summary(ds, plan, w.lang),
    )
    by_kind = {"headline": [], "equilibria": [], "japan_components": []}
    for chart in charts:
        for kind in by_kind:
            if chart.name.endswith(kind):
                by_kind[kind].append(chart)
    sections = [
        intro,
        Section(
            w("section_headline"),
            [w("headline_note", unit=w.usd)],
            by_kind["headline"],
            [Table("sweep_points", w("table_sweep_points"), sweep_table(ds, plan), 60)],
        ),
        Section(
            w("section_equilibria"),
            [w("equilibria_note")],
            by_kind["equilibria"],
            [Table("sweep_equilibria", w("table_sweep_equilibria"), equilibria_table(ds, plan), 30)],
        ),
    ]
    if by_kind["japan_components"]:
        sections.append(Section(w("section_components"), [w("components_note")], by_kind["japan_components"]))
    return write_page(directory, w("title_sweep", name=study.name), meta, sections, w, priors)


def render_sweep_page(directory: Path, lang: str = "en") -> Path:
    """Render the page of a finished sweep directory again in ``lang`` from its saved results; returns its path.

    Raises :class:`ValueError` (one line) when ``directory`` is not a finished sweep.
    """
    from model.sensitivity.study import load_study

    directory = Path(directory)
    manifest_file, results_file, study_file = (directory / n for n in ("manifest.json", "results.nc", "study.toml"))
    if not (manifest_file.is_file() and results_file.is_file() and study_file.is_file()):
        raise ValueError(f"{directory}: not a finished sweep directory (needs manifest.json, results.nc, study.toml)")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if manifest.get("kind") != "sweep":
        raise ValueError(f"{directory}: not a sweep directory (kind {manifest.get('kind')!r})")
    study = load_study(study_file)
    study = replace(study, source=manifest.get("study_source", study.source))
    plan = SweepPlan.of(study)
    with xr.open_dataset(results_file) as ds:
        ds = ds.load()
    return write_sweep_page(directory, directory.name, ds, plan, sweep_summary(ds, plan), lang)

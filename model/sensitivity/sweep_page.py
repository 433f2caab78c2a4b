"""The page of a sweep: what was run, the headline results, the equilibrium mix, Japan's burden."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import xarray as xr

from model.labels import format_value, key_label
from model.sensitivity.charts import ChartWriter
from model.sensitivity.page import Section, Table, write_page
from model.sensitivity.sweep import SweepPlan
from model.sensitivity.sweep_charts import sweep_charts
from model.sensitivity.sweep_tables import equilibria_table, sweep_table
from model.simulation import package_versions


def write_sweep_page(directory: Path, run_name: str, ds: xr.Dataset, plan: SweepPlan, text: str) -> None:
    """Charts, tables, ``summary.md`` and ``study.html`` of a sweep, into ``directory``."""
    study = plan.study
    priors = plan.base.priors()
    writer = ChartWriter()
    charts = sweep_charts(ds, study.axes, priors, writer)
    meta = [
        f"study: {study.name} ({study.source})",
        f"run directory: {run_name}",
        f"base config: {study.base or 'configs/baseline.toml'} (hash {plan.base.hash}); overrides at every point: "
        f"{', '.join(study.overrides) or 'none'}",
        f"{len(plan.configs)} grid points x {plan.base.config.sampling.samples:,} worlds; seed "
        f"{plan.base.config.sampling.seed}; "
        f"sampler {plan.base.config.sampling.sampler}; selection rule {plan.base.config.game.selection}",
        f"offshore {package_versions()['offshore']}, created {datetime.now(UTC).isoformat(timespec='seconds')}",
    ]
    intro = Section(
        "What was run",
        [
            study.description or "A sweep of config keys on a grid.",
            "Every grid point is a complete run of the base config with the point's values, drawn from the same "
            "seed: under the mc "
            "sampler every point sees the same worlds (common random numbers), so differences between points come "
            "from the swept "
            "keys alone and are estimated more precisely than the separate 95 % intervals suggest.",
            "Grid: "
            + "; ".join(
                f"{key_label(a.key, priors)[0]} ({a.key}) = {', '.join(format_value(v) for v in a.values)}"
                for a in study.axes
            ),
        ],
        code=text,
    )
    by_kind = {"headline": [], "equilibria": [], "japan_components": []}
    for chart in charts:
        for kind in by_kind:
            if chart.name.endswith(kind):
                by_kind[kind].append(chart)
    sections = [
        intro,
        Section(
            "Headline results",
            [
                "Estimates with their Monte Carlo standard errors (se); 95 % interval = estimate ± 1.96 se. "
                "Burdens in USD bn at 2025 prices, summed over the horizon."
            ],
            by_kind["headline"],
            [Table("sweep_points", "Headline results per grid point", sweep_table(ds, plan), 60)],
        ),
        Section(
            "Equilibrium mix",
            ["Share of worlds whose game has each equilibrium set (docs/MODEL.md §4)."],
            by_kind["equilibria"],
            [
                Table(
                    "sweep_equilibria",
                    "Equilibrium-set frequencies per grid point",
                    equilibria_table(ds, plan),
                    30,
                )
            ],
        ),
    ]
    if by_kind["japan_components"]:
        sections.append(
            Section(
                "Japan's burden by component",
                [
                    "Japan's expected burden split into defence outlay, retaliation, PTRL payments, war and collapse "
                    "losses."
                ],
                by_kind["japan_components"],
            )
        )
    write_page(directory, f"Sweep: {study.name}", meta, sections)

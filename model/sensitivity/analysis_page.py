"""The page of a sensitivity study: the inputs, then one section per method with its chart and table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.config import LoadedConfig
from model.labels import key_label
from model.sensitivity.analysis import PRIM_QUESTIONS, PRIM_TARGETS, SensitivityResults
from model.sensitivity.charts import ChartWriter
from model.sensitivity.input_charts import rank_chart, sobol_chart, tornado_chart
from model.sensitivity.map_charts import prim_chart, regime_chart
from model.sensitivity.page import Section, Table, write_page
from model.sensitivity.study import Study
from model.simulation import package_versions


def write_analysis_page(
    directory: Path, run_name: str, results: SensitivityResults, study: Study, loaded: LoadedConfig, text: str
) -> None:
    """Charts, tables, ``summary.md`` and ``study.html`` of a sensitivity study, into ``directory``."""
    priors = loaded.priors()
    writer = ChartWriter()
    cfg = loaded.config
    model = results.model
    correlated = cfg.sampling.correlation is not None
    meta = [
        f"study: {study.name} ({study.source})",
        f"run directory: {run_name}",
        f"config: {study.base or 'configs/baseline.toml'} (hash {loaded.hash}); overrides: "
        f"{', '.join(study.overrides) or 'none'}",
        f"US regime {cfg.policy.us_regime}; financing {cfg.policy.financing}; selection rule {cfg.game.selection}; "
        f"seed {cfg.sampling.seed}",
        f"{model.dimension} uncertain inputs; offshore {package_versions()['offshore']}, created "
        f"{datetime.now(UTC).isoformat(timespec='seconds')}",
    ]
    inputs_table = pd.DataFrame(
        [
            {
                "input": k,
                "name": key_label(k, priors)[0],
                "unit": key_label(k, priors)[1] or "",
                "prior": priors[k].dist,
                "p10": float(priors[k].ppf(np.array(0.1))),
                "median": float(priors[k].ppf(np.array(0.5))),
                "p90": float(priors[k].ppf(np.array(0.9))),
            }
            for k in model.inputs
        ]
    )
    sections = [
        Section(
            "What was analysed",
            [
                "The model is treated as a function of its uncertain inputs, one world at a time: each world's 2x2 "
                "game is solved "
                "exactly and played under the selection rule, giving Japan's expected burden, P(collapse) and "
                "whether Japan balances "
                "alone in that world. Fixed priors keep their values.",
                (
                    "The config correlates some inputs. Tornado and Sobol' indices ignore the correlation (inputs "
                    "move or are drawn "
                    "independently; Sobol' indices are not defined uniquely for dependent inputs); rank "
                    "correlations, PRIM and regime "
                    "maps use the worlds as a run draws them."
                    if correlated
                    else "The inputs are independent in this config, as the Sobol' decomposition requires."
                ),
            ],
            tables=[Table("inputs", "Uncertain inputs and their priors", inputs_table)],
            code=text,
        )
    ]
    parts = results.parts
    if "tornado" in parts:
        r = parts["tornado"]
        sections.append(
            Section(
                "Tornado (one at a time)",
                [
                    f"Each input is moved from its p{r.levels[0] * 100:g} to its p{r.levels[1] * 100:g} with every "
                    "other input at its "
                    "median; the world is then deterministic, so the numbers carry no Monte Carlo error. Inputs are "
                    "sorted by the swing "
                    "of Japan's expected burden (the range over the low end, the median and the high end).",
                    r.describe(8),
                ],
                [tornado_chart(r, priors, writer)],
                [Table("tornado", "Tornado", r.to_frame())],
            )
        )
    if "sobol" in parts:
        r = parts["sobol"]
        sections.append(
            Section(
                "Sobol' indices (variance-based)",
                [
                    f"First- and total-order indices from n = {r.n:,} base worlds ({r.evaluations:,} model "
                    "evaluations, scrambled "
                    f"Sobol' design, seed {r.seed}), with {r.confidence:.0%} percentile bootstrap intervals "
                    f"({r.resamples} resamples). "
                    "The first-order index is the share of the output's variance the input explains alone; the "
                    "total-order index adds "
                    "every interaction it takes part in. Inputs with a total index near 0 can be fixed without "
                    "changing the result.",
                    r.describe(),
                ],
                [sobol_chart(r, priors, writer)],
                [Table("sobol", "Sobol' indices", r.to_frame(), 30)],
            )
        )
    if "rank" in parts:
        r = parts["rank"]
        sections.append(
            Section(
                "Rank correlations",
                [
                    f"Spearman and partial rank correlation coefficients over {r.n:,} worlds drawn as in a run (seed "
                    f"{cfg.sampling.seed}).",
                    r.describe(),
                ],
                [rank_chart(r, priors, writer)],
                [Table("rank_correlations", "Rank correlations", r.to_frame(), 30)],
            )
        )
    if "prim" in parts:
        charts_, tables, texts = [], [], []
        for target, r in parts["prim"].items():
            label = PRIM_TARGETS[target]
            texts.append(r.describe(label))
            charts_.append(prim_chart(r, label, PRIM_QUESTIONS[target], priors, writer))
            tables.append(Table(f"prim_{target}_boxes", f"PRIM boxes: {label.lower()}", r.boxes_frame()))
            tables.append(
                Table(
                    f"prim_{target}_trajectory",
                    f"PRIM peeling trajectory: {label.lower()}",
                    r.trajectory_frame(),
                    12,
                )
            )
        sections.append(
            Section(
                "Scenario discovery (PRIM)",
                [
                    "Which combinations of inputs most often lead to collapse, or to Japan balancing alone? PRIM "
                    "(Friedman & Fisher "
                    "1999) peels the input space down to boxes where the outcome is concentrated. Coverage is the "
                    "share of all the "
                    "outcome's worlds inside a box, density the share of the box's worlds with the outcome. 'density "
                    "without this "
                    "bound' in the table shows how much each limit matters.",
                    *texts,
                ],
                charts_,
                tables,
            )
        )
    if "regime" in parts:
        r = parts["regime"]
        sections.append(
            Section(
                "Regime map",
                [r.describe()],
                [regime_chart(r, priors, writer)],
                [Table("regime_map", "Regime map cells", r.to_frame(), 25)],
            )
        )
    write_page(directory, f"Sensitivity study: {study.name}", meta, sections)

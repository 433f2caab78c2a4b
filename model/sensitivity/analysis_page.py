"""The page of a sensitivity study: the inputs, then one section per method with its chart and table.

Written in English or Traditional Chinese (``lang``, default :func:`~model.sensitivity.page.page_language`);
every word from the locales (:class:`~model.sensitivity.words.StudyWords`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.config import LoadedConfig
from model.sensitivity.analysis import SensitivityResults
from model.sensitivity.analysis_text import (
    describe_prim,
    describe_rank,
    describe_regime,
    describe_sobol,
    describe_tornado,
    summary,
)
from model.sensitivity.charts import ChartWriter
from model.sensitivity.input_charts import rank_chart, sobol_chart, tornado_chart
from model.sensitivity.map_charts import prim_chart, regime_chart
from model.sensitivity.page import Section, Table, page_language, write_page
from model.sensitivity.study import Study
from model.sensitivity.words import StudyWords
from model.simulation import package_versions


def _inputs_table(model, priors, w: StudyWords) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "input": k,
                "name": w.name(k, priors),
                "unit": w.unit(k, priors),
                "prior": w.tx.get(f"study_dist_{priors[k].dist}", priors[k].dist),
                "p10": float(priors[k].ppf(np.array(0.1))),
                "median": float(priors[k].ppf(np.array(0.5))),
                "p90": float(priors[k].ppf(np.array(0.9))),
            }
            for k in model.inputs
        ]
    )


def write_analysis_page(
    directory: Path,
    run_name: str,
    results: SensitivityResults,
    study: Study,
    loaded: LoadedConfig,
    text: str,
    lang: str | None = None,
) -> Path:
    """Charts, tables, Markdown and HTML page of a sensitivity study in ``lang``, into ``directory``; returns the
    page's path. ``text`` is the English plain-text summary (other languages write their own)."""
    w = StudyWords(lang or page_language())
    priors = loaded.priors()
    writer = ChartWriter(w.lang)
    cfg = loaded.config
    model = results.model
    correlated = cfg.sampling.correlation is not None
    meta = [
        w("meta_study", name=study.name, source=study.source),
        w("meta_run_directory", name=run_name),
        w(
            "meta_config",
            config=study.base or "configs/baseline.toml",
            hash=loaded.hash,
            overrides=", ".join(study.overrides) or w("none"),
        ),
        w(
            "meta_policy",
            regime=w.tx.regime(cfg.policy.us_regime),
            financing=w.value("policy.financing", cfg.policy.financing),
            rule=w.tx.selection(cfg.game.selection),
            seed=cfg.sampling.seed,
        ),
        w(
            "meta_inputs",
            inputs=model.dimension,
            version=package_versions()["offshore"],
            created=datetime.now(UTC).isoformat("T", "seconds"),
        ),
    ]
    inputs_table = _inputs_table(model, priors, w)
    if w.zh:
        inputs_table = inputs_table.drop(columns="name")  # the input column shows the name
    description = [w("user_description", text=study.description)] if study.description else []
    sections = [
        Section(
            w("section_analysed"),
            [*description, w("analysed_note"), w("correlated_note" if correlated else "independent_note")],
            tables=[Table("inputs", w("table_inputs"), inputs_table)],
            code=text if not w.zh else summary(results, w, priors),
        )
    ]
    parts = results.parts
    if "tornado" in parts:
        r = parts["tornado"]
        lo, hi = (f"p{v * 100:g}" for v in r.levels)
        sections.append(
            Section(
                w("section_tornado"),
                [w("tornado_note", low=lo, high=hi), describe_tornado(r, w, priors)],
                [tornado_chart(r, priors, writer)],
                [Table("tornado", w("table_tornado"), r.to_frame())],
            )
        )
    if "sobol" in parts:
        r = parts["sobol"]
        sections.append(
            Section(
                w("section_sobol"),
                [
                    w(
                        "sobol_note",
                        n=f"{r.n:,}",
                        evaluations=f"{r.evaluations:,}",
                        seed=r.seed,
                        confidence=f"{r.confidence:.0%}",
                        resamples=r.resamples,
                    ),
                    describe_sobol(r, w, priors),
                ],
                [sobol_chart(r, priors, writer)],
                [Table("sobol", w("table_sobol"), r.to_frame(), 30)],
            )
        )
    if "rank" in parts:
        r = parts["rank"]
        sections.append(
            Section(
                w("section_rank"),
                [w("rank_note", n=f"{r.n:,}", seed=cfg.sampling.seed), describe_rank(r, w, priors)],
                [rank_chart(r, priors, writer)],
                [Table("rank_correlations", w("table_rank"), r.to_frame(), 30)],
            )
        )
    if "prim" in parts:
        charts_, tables, texts = [], [], []
        for target, r in parts["prim"].items():
            label = w.output_label(target)
            label = label if w.zh else label.lower()
            texts.append(describe_prim(r, w, priors))
            charts_.append(prim_chart(r, priors, writer))
            tables.append(Table(f"prim_{target}_boxes", w("table_prim_boxes", target=label), r.boxes_frame()))
            tables.append(
                Table(f"prim_{target}_trajectory", w("table_prim_trajectory", target=label), r.trajectory_frame(), 12)
            )
        sections.append(Section(w("section_prim"), [w("prim_note"), *texts], charts_, tables))
    if "regime" in parts:
        r = parts["regime"]
        sections.append(
            Section(
                w("section_regime"),
                [describe_regime(r, w, priors)],
                [regime_chart(r, priors, writer)],
                [Table("regime_map", w("table_regime"), r.to_frame(), 25)],
            )
        )
    return write_page(directory, w("title_sensitivity", name=study.name), meta, sections, w, priors)

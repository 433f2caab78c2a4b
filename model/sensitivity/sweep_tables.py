"""A sweep's tables and its plain-text summary: one row per grid point, the equilibrium mix, the prose."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.labels import format_value, short
from model.outputs import output
from model.sensitivity.sweep import SweepPlan
from model.sensitivity.words import StudyWords

HEADLINE_COLUMNS = (
    "japan_burden",
    "japan_ptrl",
    "korea_burden",
    "p_deterrence_holds",
    "p_us_intervenes",
    "p_collapse",
    "korea_alone",
)
"""Registered outputs (model.outputs) tabulated per grid point, each with its standard error."""


def _column(name: str) -> str:
    return name if output(name).is_probability else f"{name}_usd_bn"


def _headline_value(ds: xr.Dataset, name: str) -> tuple[np.ndarray, np.ndarray]:
    out = output(name)
    index = dict(out.index)
    return ds[out.variable].sel(index).values, ds[f"{out.variable}_se"].sel(index).values


def sweep_table(ds: xr.Dataset, plan: SweepPlan) -> pd.DataFrame:
    """One row per grid point: headline estimates with standard errors, modal equilibrium set."""
    study = plan.study
    points = study.points()
    columns: dict[str, list] = {k: [p[i] for p in points] for i, k in enumerate(study.keys)}
    structural = "burden" in ds
    for name in HEADLINE_COLUMNS if structural else ():
        column = _column(name)
        value, se = _headline_value(ds, name)
        columns[column] = value.reshape(-1).tolist()
        columns[f"{column}_se"] = se.reshape(-1).tolist()
    freq = ds.eq_set_freq.values.reshape(len(points), -1)
    labels = list(ds.eq_set.values)
    columns["modal_eq_set"] = [labels[i] for i in freq.argmax(axis=1)]
    columns["modal_eq_set_share"] = freq.max(axis=1).tolist()
    for p, profile in enumerate(ds.profile.values):
        columns[f"played_{profile}"] = ds.played.values.reshape(len(points), -1)[:, p].tolist()
    return pd.DataFrame(columns)


def equilibria_table(ds: xr.Dataset, plan: SweepPlan) -> pd.DataFrame:
    points = plan.study.points()
    freq = ds.eq_set_freq.values.reshape(len(points), -1)
    se = ds.eq_set_freq_se.values.reshape(len(points), -1)
    rows = []
    for i, point in enumerate(points):
        for j, label in enumerate(ds.eq_set.values):
            rows.append(
                {
                    **dict(zip(plan.study.keys, point, strict=True)),
                    "eq_set": str(label),
                    "frequency": freq[i, j],
                    "frequency_se": se[i, j],
                }
            )
    return pd.DataFrame(rows)


def sweep_summary(ds: xr.Dataset, plan: SweepPlan, lang: str = "en") -> str:
    """Plain-text summary: for each numeric swept key, the headline at its two ends (in ``lang``)."""
    if lang != "en":
        return _localised_summary(ds, plan, StudyWords(lang))
    study = plan.study
    lines = [
        f"sweep {study.name}: {len(plan.configs)} grid points x {plan.base.config.sampling.samples:,} worlds, "
        f"seed {plan.base.config.sampling.seed} (common random numbers)",
        "grid: " + "; ".join(f"{a.key} = {', '.join(format_value(v) for v in a.values)}" for a in study.axes),
    ]
    if "burden" not in ds:
        return "\n".join(lines)
    table = sweep_table(ds, plan)
    numeric = [a for a in study.axes if not a.categorical and len(a.values) > 1]
    if not numeric:
        for row in table.head(40).itertuples(index=False):
            where = ", ".join(f"{k} = {row[i]}" for i, k in enumerate(study.keys))
            lines.append(
                f"{where}: Japan's burden {row.japan_burden_usd_bn:,.1f} USD bn; P(collapse) {row.p_collapse:.3f}; "
                f"P(US intervenes) {row.p_us_intervenes:.3f}; modal equilibrium {row.modal_eq_set}"
            )
    for axis in numeric:
        others = [k for k in study.keys if k != axis.key]
        groups = table.groupby(others, sort=False) if others else [((), table)]
        for combo, rows in groups:
            first, last = rows.iloc[0], rows.iloc[-1]
            where = ", ".join(
                f"{k} = {v}" for k, v in zip(others, combo if isinstance(combo, tuple) else (combo,), strict=True)
            )
            lines.append(
                f"{where + ': ' if where else ''}{short(axis.key)} {format_value(first[axis.key])} -> "
                f"{format_value(last[axis.key])}: "
                f"Japan's burden {first.japan_burden_usd_bn:,.1f} -> {last.japan_burden_usd_bn:,.1f} USD bn "
                f"(PTRL {first.japan_ptrl_usd_bn:,.1f} -> {last.japan_ptrl_usd_bn:,.1f}); "
                f"P(collapse) {first.p_collapse:.3f} -> {last.p_collapse:.3f}; "
                f"P(US intervenes) {first.p_us_intervenes:.3f} -> {last.p_us_intervenes:.3f}; "
                f"modal equilibrium {first.modal_eq_set} -> {last.modal_eq_set}"
            )
    se_max = max(float(ds.p_collapse_se.max()), float(ds.p_us_intervenes_se.max()))
    lines.append(f"largest standard error of a probability: {se_max:.4f}")
    return "\n".join(lines)


def _localised_summary(ds: xr.Dataset, plan: SweepPlan, w: StudyWords) -> str:
    """:func:`sweep_summary` in another language: the same numbers, the words from the locales."""
    study = plan.study
    cfg = plan.base.config
    priors = plan.base.priors()
    lines = [
        w("summary_head", name=study.name, points=len(plan.configs), worlds=f"{cfg.sampling.samples:,}",
          seed=cfg.sampling.seed),
        w("summary_grid", grid=w("list_sep2").join(
            f"{w.name(a.key, priors)} = {w('list_sep').join(w.value(a.key, v) for v in a.values)}" for a in study.axes
        )),
    ]  # fmt: skip
    if "burden" not in ds:
        return "\n".join(lines)
    table = sweep_table(ds, plan)

    def where(keys, values) -> str:
        return w("list_sep").join(f"{w.name(k, priors)} = {w.value(k, v)}" for k, v in zip(keys, values, strict=True))

    numeric = [a for a in study.axes if not a.categorical and len(a.values) > 1]
    if not numeric:
        for row in table.head(40).itertuples(index=False):
            lines.append(
                w(
                    "summary_point",
                    where=where(study.keys, row[: len(study.keys)]),
                    burden=f"{row.japan_burden_usd_bn:,.1f}",
                    unit=w.usd,
                    collapse=f"{row.p_collapse:.3f}",
                    us=f"{row.p_us_intervenes:.3f}",
                    eq=w.eq_set(row.modal_eq_set),
                )
            )
    for axis in numeric:
        others = [k for k in study.keys if k != axis.key]
        groups = table.groupby(others, sort=False) if others else [((), table)]
        for combo, rows in groups:
            first, last = rows.iloc[0], rows.iloc[-1]
            at = where(others, combo if isinstance(combo, tuple) else (combo,))
            lines.append(
                w(
                    "summary_ends",
                    where=w("summary_where", where=at) if at else "",
                    param=w.name(axis.key, priors),
                    first=format_value(first[axis.key]),
                    last=format_value(last[axis.key]),
                    burden_first=f"{first.japan_burden_usd_bn:,.1f}",
                    burden_last=f"{last.japan_burden_usd_bn:,.1f}",
                    unit=w.usd,
                    ptrl_first=f"{first.japan_ptrl_usd_bn:,.1f}",
                    ptrl_last=f"{last.japan_ptrl_usd_bn:,.1f}",
                    collapse_first=f"{first.p_collapse:.3f}",
                    collapse_last=f"{last.p_collapse:.3f}",
                    us_first=f"{first.p_us_intervenes:.3f}",
                    us_last=f"{last.p_us_intervenes:.3f}",
                    eq_first=w.eq_set(first.modal_eq_set),
                    eq_last=w.eq_set(last.modal_eq_set),
                )
            )
    se_max = max(float(ds.p_collapse_se.max()), float(ds.p_us_intervenes_se.max()))
    lines.append(w("summary_se", se=f"{se_max:.4f}"))
    return "\n".join(lines)

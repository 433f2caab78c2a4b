"""Durable study directories: ``runs/<id>/`` for a sweep or a sensitivity study.

Laid out like a run (:mod:`model.rundir`): the resolved base ``config.toml``,
``results.nc``, ``manifest.json``, plus ``study.toml`` (what reproduces the study from
this directory alone), ``charts/`` (PNG and SVG), ``tables/`` (CSV), ``summary.md``
and ``study.html``. Everything is written into ``runs/<id>.partial/`` and the
directory is renamed only once complete. A sweep checkpoints every finished grid
point (``chunks/point-*.nc``), so an interrupted sweep resumes with
``offshore sweep --resume runs/<id>.partial`` and gives the same result.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w
import xarray as xr

from model.config import ConfigError, LoadedConfig
from model.execution import Execution
from model.rundir import RunDirectory, atomic_write_bytes, git_commit, read_manifest, run_id, write_netcdf
from model.runner import RunInterrupted
from model.sensitivity import charts as chart_module
from model.sensitivity.labels import format_value, key_label, short
from model.sensitivity.page import Section, Table, write_page
from model.sensitivity.prim import prim
from model.sensitivity.ranks import rank_correlations
from model.sensitivity.regime import DEFAULT_STEPS, default_axis, regime_map
from model.sensitivity.sobol import sobol
from model.sensitivity.study import Axis, Study, load_study, parse_grid_option, toml_literal
from model.sensitivity.sweep import SweepPlan, combine, run_points
from model.sensitivity.tornado import tornado
from model.sensitivity.worlds import WorldModel
from model.simulation import package_versions

Z95 = 1.959963984540054
METHODS = ("tornado", "sobol", "rank", "prim", "regime")
DEFAULT_METHODS = ("tornado", "sobol", "rank", "prim")
PRIM_TARGETS = {
    "p_collapse": "Collapse of the regional balance",
    "japan_alone": "Japan balancing alone (BP)",
}
PRIM_QUESTIONS = {
    "p_collapse": "when does the regional balance collapse?",
    "japan_alone": "when does Japan balance alone?",
}


@dataclass(frozen=True)
class StudyResult:
    path: Path
    dataset: xr.Dataset
    manifest: dict
    summary: str


def _common_manifest(kind: str, study: Study, base: LoadedConfig, execution: Execution) -> dict:
    cfg = base.config
    return {
        "kind": kind,
        "study": study.name,
        "study_source": study.source,
        "config_source": str(study.base) if study.base is not None else "configs/baseline.toml",
        "config_hash": base.hash,
        "overrides": list(study.overrides),
        "seed": cfg.sampling.seed,
        "sampler": cfg.sampling.sampler,
        "chunk_size": cfg.sampling.chunk_size,
        "backend": execution.backend,
        "jobs": execution.jobs,
        "scheduler": execution.scheduler,
        "versions": package_versions(),
        "project_version": package_versions()["offshore"],
        "git_commit": git_commit(),
        "command": " ".join(sys.argv),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _study_toml(study: Study, extra: Mapping[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"base": "config.toml", "meta": {"name": study.name}}
    if study.description:
        data["meta"]["description"] = study.description
    if study.axes:
        data["grid"] = {a.key: list(a.values) for a in study.axes}
    if extra:
        data["sensitivity"] = dict(extra)
    header = "# Reproduces this study from this directory: offshore sweep|sensitivity <this file>\n"
    return (header + tomli_w.dumps(data)).encode()


# ----------------------------------------------------------------------------- sweeps


def start_sweep(study: Study, execution: Execution, runs_root: Path, *, charts: bool = True) -> StudyResult:
    """Validate every point, then run the sweep into a new directory under ``runs_root``."""
    plan = SweepPlan.of(study)
    manifest = _common_manifest("sweep", study, plan.base, execution)
    manifest.update(
        grid={a.key: list(a.values) for a in study.axes},
        points=len(plan.configs),
        samples_per_point=plan.base.config.sampling.samples,
    )
    digest = _digest({"base": plan.base.hash, "grid": manifest["grid"]})
    run = RunDirectory.create(runs_root, run_id(f"{study.name}-sweep", digest), plan.base.resolved_dict(), manifest)
    atomic_write_bytes(run.partial / "study.toml", _study_toml(study, study.sensitivity))
    return _complete_sweep(run, plan, execution, charts)


def resume_sweep(path: Path, execution: Execution, *, charts: bool = True) -> StudyResult:
    """Finish an interrupted sweep from its ``.partial`` directory (same result)."""
    run = RunDirectory.open_partial(path)
    manifest = run.manifest()
    if manifest.get("kind") != "sweep" or not (run.partial / "study.toml").is_file():
        raise ValueError(f"{path}: not an interrupted sweep directory")
    study = load_study(run.partial / "study.toml")
    study = replace(study, source=manifest.get("study_source", study.source))
    return _complete_sweep(run, SweepPlan.of(study), execution, charts)


def _point_file(run: RunDirectory, i: int) -> Path:
    return run.checkpoints / f"point-{i:05d}.nc"


def _complete_sweep(run: RunDirectory, plan: SweepPlan, execution: Execution, charts: bool) -> StudyResult:
    started = time.perf_counter()
    done = {}
    for i in range(len(plan.configs)):
        file = _point_file(run, i)
        if file.is_file():
            with xr.open_dataset(file) as ds:
                done[i] = ds.load()
    run.checkpoints.mkdir(parents=True, exist_ok=True)

    def checkpoint(i: int, ds: xr.Dataset) -> None:
        write_netcdf(_point_file(run, i), ds)

    try:
        datasets = run_points(replace(plan, done=done), execution, checkpoint)
    except KeyboardInterrupt:
        saved = len(list(run.checkpoints.glob("point-*.nc")))
        raise RunInterrupted(run.partial, saved) from None
    dataset = combine(plan, datasets)
    dataset.attrs["run_id"] = run.final.name
    text = sweep_summary(dataset, plan)
    if charts:
        _sweep_page(run, dataset, plan, text)
    fields = {
        "points_resumed": len(done),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "stop_reason": "every grid point complete",
        "point_config_hashes": [c.hash for c in plan.configs],
        "backend": execution.backend,
        "jobs": execution.jobs,
    }
    path = run.finish(dataset, fields)
    return StudyResult(path, dataset, read_manifest(path), text)


def _headline_value(ds: xr.Dataset, name: str) -> tuple[np.ndarray, np.ndarray]:
    if name.startswith("burden:"):
        _, country, component = name.split(":")
        sel = {"country": country, "component": component}
        return ds["burden"].sel(sel).values, ds["burden_se"].sel(sel).values
    return ds[name].values, ds[f"{name}_se"].values


HEADLINE_COLUMNS = (
    ("burden:japan:total", "japan_burden_usd_bn"),
    ("burden:japan:ptrl", "japan_ptrl_usd_bn"),
    ("burden:korea:total", "korea_burden_usd_bn"),
    ("p_deterrence_holds", "p_deterrence_holds"),
    ("p_us_intervenes", "p_us_intervenes"),
    ("p_collapse", "p_collapse"),
)


def sweep_table(ds: xr.Dataset, plan: SweepPlan) -> pd.DataFrame:
    """One row per grid point: headline estimates with standard errors, modal equilibrium set."""
    study = plan.study
    points = study.points()
    columns: dict[str, list] = {k: [p[i] for p in points] for i, k in enumerate(study.keys)}
    structural = "burden" in ds
    for name, column in HEADLINE_COLUMNS if structural else ():
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


def sweep_summary(ds: xr.Dataset, plan: SweepPlan) -> str:
    """Plain-text summary: for each numeric swept key, the headline at its two ends."""
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


def _sweep_page(run: RunDirectory, ds: xr.Dataset, plan: SweepPlan, text: str) -> None:
    study = plan.study
    priors = plan.base.priors()
    writer = chart_module.ChartWriter(run.partial / "charts")
    charts = chart_module.sweep_charts(ds, study.axes, priors, writer)
    meta = [
        f"study: {study.name} ({study.source})",
        f"run directory: {run.final.name}",
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
    write_page(run.partial, f"Sweep: {study.name}", meta, sections)


# ------------------------------------------------------------------ sensitivity studies


@dataclass(frozen=True)
class SensitivityOptions:
    """What ``offshore sensitivity`` computes; defaults in brackets."""

    methods: tuple[str, ...] = DEFAULT_METHODS
    samples: int = 2**17  # worlds for rank correlations and PRIM
    sobol_samples: int = 2**14  # Sobol' base sample n (model runs n (d + 2) worlds)
    prim_threshold: float = 0.8
    regime_x: Axis | None = None
    regime_y: Axis | None = None
    regime_samples: int = 2**15
    tornado_levels: tuple[float, float] = (0.1, 0.9)
    bootstrap: int = 500

    def as_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "methods": list(self.methods),
            "samples": self.samples,
            "sobol_samples": self.sobol_samples,
            "prim_threshold": self.prim_threshold,
        }
        if self.regime_x is not None and self.regime_y is not None:
            out["regime_x"] = f"{self.regime_x.key}={','.join(toml_literal(v) for v in self.regime_x.values)}"
            out["regime_y"] = f"{self.regime_y.key}={','.join(toml_literal(v) for v in self.regime_y.values)}"
            out["regime_samples"] = self.regime_samples
        return out


def regime_axis(loaded: LoadedConfig, spec: str, steps: int, origin: str) -> Axis:
    """``KEY`` (1st-99th percentile of its prior in ``steps`` values) or ``KEY=values``."""
    if "=" in spec:
        axis = parse_grid_option(spec)
        return Axis(axis.key, axis.values, origin)
    return default_axis(loaded, spec.strip(), steps)


def options_from(
    study: Study,
    loaded: LoadedConfig,
    *,
    methods: Sequence[str] = (),
    samples: int | None = None,
    sobol_samples: int | None = None,
    prim_threshold: float | None = None,
    regime_x: str | None = None,
    regime_y: str | None = None,
    regime_steps: int | None = None,
    regime_samples: int | None = None,
) -> SensitivityOptions:
    """Merge command-line choices over the study file's ``[sensitivity]`` table; validate."""
    table = dict(study.sensitivity)
    chosen = list(methods) or list(table.get("methods", []))
    for method in chosen:
        if method not in (*METHODS, "all"):
            raise ConfigError(
                study.source,
                "sensitivity.methods",
                f"unknown method {method!r} (expected {', '.join(METHODS)} or all)",
            )
    rx = regime_x or table.get("regime_x")
    ry = regime_y or table.get("regime_y")
    if not chosen or "all" in chosen:
        chosen = [*DEFAULT_METHODS, *(["regime"] if rx or ry else [])]
    chosen = [m for m in METHODS if m in chosen]
    steps = regime_steps or table.get("regime_steps", DEFAULT_STEPS)
    x_axis = y_axis = None
    if "regime" in chosen:
        if not rx or not ry:
            raise ConfigError(
                "--regime-x" if not rx else "--regime-y",
                None,
                "a regime map needs --regime-x KEY and --regime-y KEY",
            )
        x_axis = regime_axis(loaded, rx, steps, "--regime-x" if regime_x else study.source)
        y_axis = regime_axis(loaded, ry, steps, "--regime-y" if regime_y else study.source)
    opts = SensitivityOptions(
        methods=tuple(chosen),
        samples=samples or table.get("samples", SensitivityOptions.samples),
        sobol_samples=sobol_samples or table.get("sobol_samples", SensitivityOptions.sobol_samples),
        prim_threshold=prim_threshold
        if prim_threshold is not None
        else float(table.get("prim_threshold", SensitivityOptions.prim_threshold)),
        regime_x=x_axis,
        regime_y=y_axis,
        regime_samples=regime_samples or table.get("regime_samples", SensitivityOptions.regime_samples),
    )

    def where(option: str, given: Any) -> tuple[str, str | None]:
        key = option.removeprefix("--").replace("-", "_")
        return (option, None) if given is not None else (study.source, f"sensitivity.{key}")

    n = opts.sobol_samples
    if "sobol" in opts.methods and (n < 16 or n & (n - 1)):
        raise ConfigError(
            *where("--sobol-samples", sobol_samples),
            f"must be a power of two of at least 16, got {n}",
        )
    if not 0 < opts.prim_threshold <= 1:
        raise ConfigError(*where("--prim-threshold", prim_threshold), "must lie in (0, 1]")
    if opts.samples < 64:
        raise ConfigError(*where("--samples", samples), "must be at least 64 worlds")
    if opts.regime_samples < 16 or steps < 2:
        raise ConfigError(study.source, "sensitivity", "regime maps need at least 2 steps and 16 worlds per cell")
    return opts


@dataclass
class SensitivityResults:
    """The analyses of one config, before they are written anywhere."""

    model: WorldModel
    options: SensitivityOptions
    parts: dict[str, Any] = field(default_factory=dict)  # method -> result (prim: target -> PrimResult)
    seconds: dict[str, float] = field(default_factory=dict)

    def dataset(self) -> xr.Dataset:
        pieces = []
        for method, result in self.parts.items():
            if method == "prim":
                pieces.extend(r.to_dataset() for r in result.values())
            else:
                pieces.append(result.to_dataset())
        ds = xr.merge(pieces, combine_attrs="no_conflicts", compat="no_conflicts") if pieces else xr.Dataset()
        return ds

    def summary(self) -> str:
        lines = []
        for method, result in self.parts.items():
            if method == "prim":
                for target, r in result.items():
                    lines.append(f"[prim] {r.describe(PRIM_TARGETS[target])}")
            else:
                lines.append(f"[{method}] {result.describe()}")
        return "\n".join(lines)


def analyse(loaded: LoadedConfig, options: SensitivityOptions, execution: Execution) -> SensitivityResults:
    """Run the chosen methods on ``loaded`` (no files written)."""
    model = WorldModel(loaded)
    results = SensitivityResults(model, options)
    seed = loaded.config.sampling.seed

    def timed(name, fn):
        start = time.perf_counter()
        results.parts[name] = fn()
        results.seconds[name] = round(time.perf_counter() - start, 3)

    if "tornado" in options.methods:
        timed("tornado", lambda: tornado(model, *options.tornado_levels))
    if "sobol" in options.methods:
        timed(
            "sobol",
            lambda: sobol(
                model,
                options.sobol_samples,
                seed=seed,
                execution=execution,
                resamples=options.bootstrap,
            ),
        )
    sample = None
    if "rank" in options.methods or "prim" in options.methods:
        start = time.perf_counter()
        sample = model.sample(options.samples, execution)
        results.seconds["sample"] = round(time.perf_counter() - start, 3)
    if "rank" in options.methods:
        timed("rank", lambda: rank_correlations(sample))
    if "prim" in options.methods:
        timed(
            "prim",
            lambda: {
                t: prim(sample.x, sample.y[t], sample.inputs, target=t, threshold=options.prim_threshold)
                for t in PRIM_TARGETS
            },
        )
    if "regime" in options.methods:
        timed(
            "regime",
            lambda: regime_map(
                loaded,
                options.regime_x,
                options.regime_y,
                n=options.regime_samples,
                execution=execution,
            ),
        )
    return results


def start_sensitivity(
    study: Study,
    options: SensitivityOptions,
    execution: Execution,
    runs_root: Path,
    *,
    charts: bool = True,
    loaded: LoadedConfig | None = None,
) -> StudyResult:
    """Run a sensitivity study into a new directory under ``runs_root``."""
    loaded = loaded or study.base_config()
    WorldModel(loaded)  # validates the mode before anything is written
    started = time.perf_counter()
    results = analyse(loaded, options, execution)
    manifest = _common_manifest("sensitivity", study, loaded, execution)
    manifest["methods"] = list(options.methods)
    manifest["options"] = options.as_toml()
    digest = _digest({"config": loaded.hash, "options": options.as_toml()})
    run = RunDirectory.create(runs_root, run_id(f"{study.name}-sensitivity", digest), loaded.resolved_dict(), manifest)
    atomic_write_bytes(run.partial / "study.toml", _study_toml(replace(study, axes=()), options.as_toml()))
    dataset = results.dataset()
    dataset.attrs.update(
        title="offshore sensitivity study",
        study=study.name,
        config_hash=loaded.hash,
        seed=loaded.config.sampling.seed,
        run_id=run.final.name,
        methods=",".join(options.methods),
        mode=loaded.config.game.mode,
        selection_rule=loaded.config.game.selection,
        us_regime=loaded.config.policy.us_regime,
        financing=loaded.config.policy.financing,
        **{f"version_{k}": v for k, v in package_versions().items()},
    )
    text = results.summary()
    if charts:
        _sensitivity_page(run, results, study, loaded, text)
    path = run.finish(
        dataset,
        {
            "wall_seconds": round(time.perf_counter() - started, 3),
            "method_seconds": results.seconds,
            "stop_reason": "every method complete",
        },
    )
    return StudyResult(path, dataset, read_manifest(path), text)


def _sensitivity_page(
    run: RunDirectory, results: SensitivityResults, study: Study, loaded: LoadedConfig, text: str
) -> None:
    priors = loaded.priors()
    writer = chart_module.ChartWriter(run.partial / "charts")
    cfg = loaded.config
    model = results.model
    correlated = cfg.sampling.correlation is not None
    meta = [
        f"study: {study.name} ({study.source})",
        f"run directory: {run.final.name}",
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
                [chart_module.tornado_chart(r, priors, writer)],
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
                [chart_module.sobol_chart(r, priors, writer)],
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
                [chart_module.rank_chart(r, priors, writer)],
                [Table("rank_correlations", "Rank correlations", r.to_frame(), 30)],
            )
        )
    if "prim" in parts:
        charts_, tables, texts = [], [], []
        for target, r in parts["prim"].items():
            label = PRIM_TARGETS[target]
            texts.append(r.describe(label))
            charts_.append(chart_module.prim_chart(r, label, PRIM_QUESTIONS[target], priors, writer))
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
                [chart_module.regime_chart(r, priors, writer)],
                [Table("regime_map", "Regime map cells", r.to_frame(), 25)],
            )
        )
    write_page(run.partial, f"Sensitivity study: {study.name}", meta, sections)

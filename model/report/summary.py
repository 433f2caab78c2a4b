"""The words of a report, generated from the numbers: executive summary, key figures,
assumptions, inputs and the reproducibility footer.

Every interval is the 95 % normal interval estimate ± 1.96·se of the Monte Carlo
standard error stored next to each estimate in results.nc.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.constants import PROFILES, Z95
from model.outputs import KEY_FIGURES, OUTPUTS
from model.report.claims_section import claim_sentences, load_claims, rules_grid
from model.report.errors import ReportError
from model.report.rundata import RunData
from model.report.tables import run_labels
from model.report.text import Text, format_number

MONEY_UNITS = {
    "USD bn per year",
    "USD bn over the horizon",
    "USD bn per year of deterrent capability",
    "USD bn per year of partner contribution",
}
MULTIPLE_EQ_SHARE = 0.01  # mention equilibrium selection when >= 1 % of worlds have several


@dataclass
class Grid:
    """A small table of text: headers and rows."""

    headers: list[str]
    rows: list[list[str]]


@dataclass
class Words:
    title: str
    subtitle: str
    summary: list[str]
    notes: list[str]
    key_figures: Grid
    assumptions: list[str]
    inputs: Grid | None = None
    extra: list[tuple[str, Grid]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    claims_intro: str = ""
    claims: list[str] = field(default_factory=list)
    key_figure_numbers: pd.DataFrame | None = None  # the key figures as numbers, for tables/key-figures.csv
    priors: Grid | None = None  # the appendix "Assumptions: the priors" (model/report/priors_section.py)


def _inline(tx: Text, label: str) -> str:
    """A label inside an English sentence: 'Offshore balancing' -> 'offshore balancing'."""
    if tx.zh or len(label) < 2 or not label[1].islower():
        return label
    return label[0].lower() + label[1:]


def _subtitle(run: RunData, tx: Text) -> str:
    a = run.ds.attrs
    if run.structural:
        subtitle = tx(
            "subtitle_structural",
            regime=tx.regime(str(a.get("us_regime"))),
            financing=tx.financing(str(a.get("financing")), a.get("ptrl_share_japan")),
            worlds=tx.count(run.worlds),
        )
        return subtitle
    return tx("subtitle_ordinal", worlds=tx.count(run.worlds))


# -- one run --------------------------------------------------------------------------


def executive_summary(run: RunData, tx: Text) -> list[str]:
    """Plain sentences with 95 % intervals, most important first."""
    ds = run.ds
    a = ds.attrs
    out: list[str] = []
    years = format_number(run.horizon)
    if run.structural:
        out.append(
            tx(
                "s_outcomes",
                worlds=tx.count(run.worlds),
                regime=_inline(tx, tx.regime(str(a.get("us_regime")))),
                financing=_inline(tx, tx.financing(str(a.get("financing")), a.get("ptrl_share_japan"))),
                collapse=tx.pct_ci(*ds.offshore.pair("p_collapse")),
                holds=tx.pct_ci(*ds.offshore.pair("p_deterrence_holds")),
                us=tx.pct_ci(*ds.offshore.pair("p_us_intervenes")),
            )
        )
    played = ds.played.values
    top = PROFILES[int(np.argmax(played))]
    others = {"BB": "s_others_pp", "PP": "s_others_bb"}.get(top, "s_others_both")
    sentence = tx("s_most_likely", profile=tx.profile(top), p=tx.pct_ci(*ds.offshore.pair("played", profile=top)))
    rest = tx(
        others,
        bb=tx.pct_ci(*ds.offshore.pair("played", profile="BB")),
        pp=tx.pct_ci(*ds.offshore.pair("played", profile="PP")),
    )
    out.append(f"{sentence}{rest}" if tx.zh else f"{sentence} {rest}")
    pd_label = "Prisoner's Dilemma"
    pd = (
        ds.offshore.pair("game_type_freq", japan_type=pd_label, korea_type=pd_label)
        if pd_label in ds.japan_type
        else (0.0, 0.0)
    )
    out.append(tx("s_equilibrium", pp=tx.pct_ci(*ds.offshore.pair("pure_ne", profile="PP")), pd=tx.pct_ci(*pd)))
    freq = ds.game_type_freq.stack(pair=("japan_type", "korea_type"))
    best = int(np.argmax(freq.values))
    jt, kt = freq.pair.values[best]
    out.append(
        tx(
            "s_common_types",
            japan=tx.game_type(str(jt)),
            korea=tx.game_type(str(kt)),
            p=tx.pct_ci(*ds.offshore.pair("game_type_freq", japan_type=jt, korea_type=kt)),
        )
    )
    if run.structural:
        japan = ds.offshore.pair("burden", country="japan", component="total")
        korea = ds.offshore.pair("burden", country="korea", component="total")
        parts = {c: float(ds.burden.sel(country="japan", component=c)) for c in ds.component.values if c != "total"}
        largest = max(parts, key=parts.get)
        share = parts[largest] / japan[0] if japan[0] > 0 else 0.0
        values = dict(
            years=years,
            japan=tx.money_ci(*japan),
            korea=tx.money_ci(*korea),
            share=tx.pct(share, 0),
            component=_inline(tx, tx.component(largest)),
        )
        if korea[0] > 0 and japan[0] >= korea[0]:
            out.append(tx("s_burden", ratio=tx.ratio(japan[0] / korea[0]), **values))
        else:
            out.append(tx("s_burden_korea_larger", **values))
        out.append(
            tx(
                "s_tail",
                cvar=tx.money_ci(*ds.offshore.pair("cvar95", country="japan", component="total")),
                var=tx.money_ci(*ds.offshore.pair("var95", country="japan", component="total")),
            )
        )
        out.append(
            tx(
                "s_commit",
                korea=tx.pct_ci(*ds.offshore.pair("korea_passes_after_commit")),
                before=tx.pct(float(ds.p_collapse)),
                after=tx.pct_ci(*ds.offshore.pair("p_collapse_commit")),
                burden_before=tx.money(japan[0]),
                burden_after=tx.money(float(ds.burden_commit.sel(country="japan", component="total"))),
            )
        )
    else:
        out.append(tx("s_commit_ordinal", korea=tx.pct_ci(*ds.offshore.pair("korea_passes_after_commit"))))
    out.append(tx("s_commit_best", p=tx.pct_ci(*ds.offshore.pair("commit_is_best"))))
    if run.structural and "burden_bound" in ds:
        several = _multiple_equilibria_share(ds)
        bounds = ds.burden_bound.sel(country="japan", component="total").values
        if several >= MULTIPLE_EQ_SHARE and abs(float(bounds[0]) - float(bounds[-1])) > 1e-6:
            out.append(
                tx(
                    "s_selection",
                    share=tx.pct(several),
                    best=tx.money_ci(
                        *ds.offshore.pair("burden_bound", bound="japan_best", country="japan", component="total")
                    ),
                    worst=tx.money_ci(
                        *ds.offshore.pair("burden_bound", bound="japan_worst", country="japan", component="total")
                    ),
                )
            )
    return out


def _multiple_equilibria_share(ds) -> float:
    codes = ds.eq_set_code.values.astype(int)
    several = np.array([bin(c & 31).count("1") > 1 for c in codes])
    return float(ds.eq_set_freq.values[several].sum())


def key_figure_numbers(run: RunData, tx: Text) -> pd.DataFrame:
    """The registered key figures the run holds, as numbers with their units in the headers."""
    lang = "zh-TW" if tx.zh else "en"
    rows = []
    for name in KEY_FIGURES:
        if not run.ds.offshore.has(name):
            continue
        out, e = OUTPUTS[name], run.ds.offshore.estimate(name)
        rows.append({"code": name, "label": out.label[lang], "unit": out.unit, "estimate": e.value, "se": e.se,
                     "low_95": e.low, "high_95": e.high})  # fmt: skip
    return pd.DataFrame(rows, columns=["code", "label", "unit", "estimate", "se", "low_95", "high_95"])


def key_figures(run: RunData, tx: Text) -> Grid:
    """The registered key figures (:data:`model.outputs.KEY_FIGURES`) the run holds, with intervals."""
    ds = run.ds
    rows: list[list[str]] = []
    lang = "zh-TW" if tx.zh else "en"
    for name in KEY_FIGURES:
        if not ds.offshore.has(name):
            continue
        out = OUTPUTS[name]
        value, se = ds.offshore.pair(name)
        if out.is_probability:
            rows.append([out.label[lang], _pct(tx, value, se), _range_pct(tx, value, se)])
        else:
            rows.append([out.label[lang], tx.money(value), _range_money(tx, value, se)])
    return Grid([tx("col_quantity"), tx("col_estimate"), tx("col_interval")], rows)


def _pct_digits(value: float, se: float) -> int:
    """Decimals for a probability and its interval alike, so the estimate prints inside it."""
    return 1 if 100 * Z95 * se >= 0.05 or value == 0 else 2


def _range_pct(tx: Text, value: float, se: float) -> str:
    if se == 0:
        return tx("no_sampling_error")
    lo, hi = max(value - Z95 * se, 0.0), min(value + Z95 * se, 1.0)
    digits = _pct_digits(value, se)
    return f"{tx.pct(lo, digits)}–{tx.pct(hi, digits)}"


def _pct(tx: Text, value: float, se: float) -> str:
    return tx.pct(value, None if se == 0 else _pct_digits(value, se))


def _range_money(tx: Text, value: float, se: float) -> str:
    if se == 0:
        return tx("no_sampling_error")
    return f"{tx.money_number(value - Z95 * se)}–{tx.money_number(value + Z95 * se)}"


def assumptions(run: RunData, tx: Text, loaded: Any | None) -> list[str]:
    a = run.ds.attrs
    out: list[str] = []
    rule = tx.selection(str(a.get("selection_rule", "risk_dominance")))
    if run.structural:
        regime = str(a.get("us_regime"))
        out.append(tx("a_regime", regime=tx.regime(regime), explain=tx.get(f"a_regime_{regime}", "")))
        out.append(
            tx(
                "a_financing",
                financing=tx.financing(str(a.get("financing")), a.get("ptrl_share_japan")),
            )
        )
        out.append(tx("a_horizon", years=format_number(run.horizon)))
    else:
        noise = run.config.get("game", {}).get("ordinal", {}).get("noise_sd", "?")
        out.append(tx("a_ordinal", noise=format_number(noise)))
    out.append(tx("a_selection", rule=rule))
    out.append(tx("a_information"))
    if run.structural:
        correlated = bool(run.config.get("sampling", {}).get("correlation"))
        out.append(tx("a_priors", corr=tx("a_priors_corr") if correlated else ""))
    out.append(tx("a_forecast"))
    return out


def prior_quantiles(loaded: Any, tx: Text) -> list[tuple[str, float, float, float, str]]:
    """``(key, p10, p50, p90, unit)`` of every uncertain prior of ``loaded``, in config
    order; money in the report language's unit (``tx.money_scale``)."""
    out = []
    for key, prior in loaded.priors().items():
        if prior.is_fixed:
            continue
        try:
            p10, p50, p90 = (float(v) for v in prior.ppf(np.array([0.1, 0.5, 0.9])))
        except (ValueError, TypeError, AttributeError):
            continue
        unit = getattr(prior, "unit", None) or ""
        scale = tx.money_scale if unit in MONEY_UNITS else 1.0
        out.append((key, p10 * scale, p50 * scale, p90 * scale, unit))
    return out


def inputs(run: RunData, tx: Text, loaded: Any | None) -> Grid | None:
    """Median and central 80 % range of every uncertain input of the run's priors."""
    if loaded is None:
        return None
    rows = [
        [tx.parameter(key), _num(p50), f"{_num(p10)}–{_num(p90)}", tx.unit(unit)]
        for key, p10, p50, p90, unit in prior_quantiles(loaded, tx)
    ]
    if not rows:
        return None
    return Grid([tx("col_parameter"), tx("col_median"), tx("col_range"), tx("col_unit")], rows)


def _num(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:,.2f}"


def footer(run: RunData, tx: Text) -> list[str]:
    lines = [
        tx(
            "repro_line",
            hash=run.attr("config_hash"),
            seed=run.attr("seed"),
            worlds=tx.count(run.worlds),
            sampler=run.attr("sampler"),
            version=run.attr("version_offshore", run.manifest.get("project_version", "?")),
            run_id=run.run_id,
            date=tx.date(str(run.attr("created_utc", ""))),
        )
    ]
    commit = run.manifest.get("git_commit")
    if commit:
        lines.append(tx("repro_commit", commit=str(commit)[:12]))
    lines.append(tx("repro_rerun", config=f"{run.path}/config.toml"))
    return lines + reading_lines(tx)


def reading_lines(tx: Text) -> list[str]:
    """The footer's citation of the source paper and the pointer to the primer."""
    return [tx("cite_line", citation=tx("citation")), tx("primer_line")]


def notes(tx: Text) -> list[str]:
    return [tx("interval_note"), tx("frequency_note")]


def load_priors(run: RunData):
    """The run's validated config, or None when it no longer validates."""
    try:
        return run.loaded_config()
    except ReportError:
        return None


def run_words(run: RunData, tx: Text, loaded: Any | None) -> Words:
    from model.report.priors_section import priors_grid  # it builds on this module's Grid

    claims = load_claims(run.path)
    rules = rules_grid(run.path, tx)
    return Words(
        title=tx("report_title"),
        subtitle=_subtitle(run, tx),
        summary=executive_summary(run, tx),
        notes=notes(tx),
        key_figures=key_figures(run, tx),
        key_figure_numbers=key_figure_numbers(run, tx),
        assumptions=assumptions(run, tx, loaded),
        inputs=inputs(run, tx, loaded),
        priors=priors_grid(loaded, tx),
        extra=[] if rules is None else [(tx("section_rules"), Grid(*rules))],
        footer=footer(run, tx),
        claims_intro=""
        if claims is None
        else tx("claims_intro", worlds=tx.count(int(claims["worlds"].iloc[0])), citation=tx("citation")),
        claims=[] if claims is None else claim_sentences(claims, tx),
    )


# -- several runs ---------------------------------------------------------------------


def comparison_summary(runs: Sequence[RunData], tx: Text) -> list[str]:
    labels = run_labels(runs, tx)
    out: list[str] = []
    structural = [(r, lab) for r, lab in zip(runs, labels, strict=True) if r.structural]
    if len(structural) >= 2:
        collapse = [(float(r.ds.p_collapse), r, lab) for r, lab in structural]
        hi, lo = max(collapse, key=lambda t: t[0]), min(collapse, key=lambda t: t[0])
        out.append(
            tx(
                "s_cmp_collapse",
                worst=hi[2],
                worst_p=tx.pct_ci(*hi[1].ds.offshore.pair("p_collapse")),
                best=lo[2],
                best_p=tx.pct_ci(*lo[1].ds.offshore.pair("p_collapse")),
            )
        )
        burden = [(float(r.ds.burden.sel(country="japan", component="total")), r, lab) for r, lab in structural]
        hi, lo = max(burden, key=lambda t: t[0]), min(burden, key=lambda t: t[0])
        out.append(
            tx(
                "s_cmp_burden",
                worst=hi[2],
                best=lo[2],
                worst_v=tx.money_ci(*hi[1].ds.offshore.pair("burden", country="japan", component="total")),
                best_v=tx.money_ci(*lo[1].ds.offshore.pair("burden", country="japan", component="total")),
            )
        )
    pp = [(float(r.ds.played.sel(profile="PP")), r, lab) for r, lab in zip(runs, labels, strict=True)]
    lo, hi = min(pp, key=lambda t: t[0]), max(pp, key=lambda t: t[0])
    out.append(
        tx(
            "s_cmp_played",
            lo=tx.pct_ci(*lo[1].ds.offshore.pair("played", profile="PP")),
            lo_run=lo[2],
            hi=tx.pct_ci(*hi[1].ds.offshore.pair("played", profile="PP")),
            hi_run=hi[2],
        )
    )
    kp = [(float(r.ds.korea_passes_after_commit), r, lab) for r, lab in zip(runs, labels, strict=True)]
    lo, hi = min(kp, key=lambda t: t[0]), max(kp, key=lambda t: t[0])
    out.append(
        tx(
            "s_cmp_korea",
            lo=tx.pct_ci(*lo[1].ds.offshore.pair("korea_passes_after_commit")),
            lo_run=lo[2],
            hi=tx.pct_ci(*hi[1].ds.offshore.pair("korea_passes_after_commit")),
            hi_run=hi[2],
        )
    )
    return out


def comparison_key_figures(runs: Sequence[RunData], tx: Text) -> Grid:
    labels = run_labels(runs, tx)
    rows: list[list[str]] = []

    def line(label: str, cell) -> None:
        rows.append([label, *[cell(r) for r in runs]])

    def prob(name: str, **index):
        def cell(r: RunData) -> str:
            if name not in r.ds:
                return "–"
            value, se = r.ds.offshore.pair(name, **index)
            return f"{_pct(tx, value, se)} ({_range_pct(tx, value, se)})"

        return cell

    def money(name: str, **index):
        def cell(r: RunData) -> str:
            if name not in r.ds:
                return "–"
            value, se = r.ds.offshore.pair(name, **index)
            return f"{tx.money(value)} ({_range_money(tx, value, se)})"

        return cell

    if any(r.structural for r in runs):
        for code, name in (
            ("collapse", "p_collapse"),
            ("holds", "p_deterrence_holds"),
            ("us", "p_us_intervenes"),
        ):
            line(tx(f"kf_{code}"), prob(name))
    for profile in ("PP", "BB"):
        line(tx("kf_played", profile=tx.profile_short(profile)), prob("played", profile=profile))
    if any(r.structural for r in runs):
        for country in ("japan", "korea"):
            line(
                tx("kf_burden", country=tx.country(country)),
                money("burden", country=country, component="total"),
            )
        line(
            tx("kf_cvar", country=tx.country("japan")),
            money("cvar95", country="japan", component="total"),
        )
    line(tx("kf_korea_passes"), prob("korea_passes_after_commit"))
    line(tx("field_worlds"), lambda r: tx.count(r.worlds))
    return Grid([tx("col_quantity"), *labels], rows)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def config_differences(runs: Sequence[RunData], tx: Text) -> Grid | None:
    """Config keys whose values differ between the runs (descriptions and sources left out)."""
    flats = [_flatten(r.config) for r in runs]
    keys = sorted(set().union(*flats))
    rows = []
    for key in keys:
        if key.startswith("meta.") or key.endswith((".source", ".description", ".unit")):
            continue
        values = [flat.get(key, "–") for flat in flats]
        if len({repr(v) for v in values}) > 1:
            rows.append(
                [
                    key,
                    *[format_number(v) if isinstance(v, (int, float)) else str(v) for v in values],
                ]
            )
    if not rows:
        return None
    return Grid([tx("field_key"), *run_labels(runs, tx)], rows)


COMPARED = ("p_collapse", "p_us_intervenes", "mutual_buck_passing", "korea_passes", "japan_burden", "korea_burden",
            "us_burden")  # fmt: skip
"""Registered outputs whose differences from the reference run a comparison reports."""


def _difference_text(tx: Text, d, out) -> tuple[str, str]:
    """The difference and its interval, in the output's unit (percentage points or money)."""
    if out.is_probability:
        return tx.pp(d.value), f"{tx.pp(d.low)} {tx('to')} {tx.pp(d.high)}"
    sign = "+" if d.value > 0 else ""
    return f"{sign}{tx.money(d.value)}", f"{tx.money(d.low)} {tx('to')} {tx.money(d.high)}"


def _pairing(tx: Text, d) -> str:
    return tx("pairing_paired", batches=d.batches) if d.paired else tx("pairing_unpaired")


def comparison_differences(runs: Sequence[RunData], tx: Text) -> tuple[list[str], Grid | None]:
    """Each run's differences from the first (the reference): sentences and a grid."""
    from model.report.differences import difference

    labels = run_labels(runs, tx)
    lang = "zh-TW" if tx.zh else "en"
    reference, sentences, rows = runs[0], [], []
    for run, label in zip(runs[1:], labels[1:], strict=True):
        for name in COMPARED:
            out = OUTPUTS[name]
            if not (reference.ds.offshore.has(name) and run.ds.offshore.has(name)):
                continue
            d = difference(reference, run, out)
            value, interval = _difference_text(tx, d, out)
            rows.append([label, out.label[lang], value, interval, _pairing(tx, d)])
            if name == "japan_burden":
                sentences.append(
                    tx(
                        "s_cmp_difference",
                        reference=labels[0],
                        other=label,
                        quantity=out.label[lang],
                        difference=value,
                        interval=interval,
                        pairing=_pairing(tx, d),
                    )  # fmt: skip
                )
    if not rows:
        return sentences, None
    headers = [tx("col_run"), tx("col_quantity"), tx("col_difference"), tx("col_interval"), tx("col_pairing")]
    return sentences, Grid(headers, rows)


def comparison_words(runs: Sequence[RunData], tx: Text) -> Words:
    extra: list[tuple[str, Grid]] = []
    difference_sentences, difference_grid = comparison_differences(runs, tx)
    if difference_grid is not None:
        extra.append((tx("section_run_differences", reference=run_labels(runs, tx)[0]), difference_grid))
    differences = config_differences(runs, tx)
    if differences is not None:
        extra.append((tx("section_differences"), differences))
    labels = run_labels(runs, tx)
    runs_grid = Grid(
        [
            tx("col_run"),
            tx("field_run"),
            tx("field_worlds"),
            tx("field_config_hash"),
            tx("field_seed"),
        ],
        [
            [lab, r.run_id, tx.count(r.worlds), str(r.attr("config_hash")), str(r.attr("seed"))]
            for r, lab in zip(runs, labels, strict=True)
        ],
    )
    extra.append((tx("section_runs"), runs_grid))
    assumptions_common = [
        tx("a_selection", rule=tx.selection(str(runs[0].ds.attrs.get("selection_rule", "")))),
        tx("a_information"),
        tx("a_forecast"),
    ]
    if any(r.structural for r in runs):
        assumptions_common.insert(0, tx("a_horizon", years=format_number(runs[0].horizon)))
    footer_lines = []
    for run in runs:
        footer_lines.extend(footer(run, tx)[:1])
    footer_lines += reading_lines(tx)
    return Words(
        title=tx("compare_title"),
        subtitle=tx("subtitle_compare", runs=len(runs)),
        summary=difference_sentences + comparison_summary(runs, tx),
        notes=notes(tx),
        key_figures=comparison_key_figures(runs, tx),
        assumptions=assumptions_common,
        inputs=None,
        extra=extra,
        footer=footer_lines,
    )

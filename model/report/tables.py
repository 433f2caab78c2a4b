"""The numbers behind every chart, as tables: each chart is drawn from its table and the
same table is written as CSV, so a figure and its CSV can never disagree.

Tables use internal column names (``played``, ``played_se``, ``played_low`` ...) in
display units: probabilities in percent and money in the report's unit (US$ bn in
English, 億美元 in Traditional Chinese). :meth:`Table.localised` gives them headers in
the report's language for the CSV files; the ``code`` columns keep the identifiers
used in results.nc (profiles BB..PP, countries, components, game-type names).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from model.constants import COMPONENTS, PROFILES, Z95
from model.report.distribution import BurdenSample
from model.report.rundata import RunData
from model.report.text import Text

OUTCOMES = (("holds", "p_deterrence_holds"), ("us", "p_us_intervenes"), ("collapse", "p_collapse"))
HIST_BINS = 60


@dataclass
class Table:
    """A chart's data: internal columns plus their localised CSV headers."""

    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)

    def localised(self) -> pd.DataFrame:
        return self.frame.rename(columns=self.headers)


class _Builder:
    """Collects rows and the headers of their columns."""

    def __init__(self, tx: Text) -> None:
        self.tx = tx
        self.rows: list[dict] = []
        self.headers: dict[str, str] = {}

    def header(self, column: str, text: str) -> None:
        self.headers.setdefault(column, text)

    def estimate(self, row: dict, column: str, label: str, value: float, se: float, scale: float, unit: str) -> None:
        """Add ``column`` (+ _se, _low, _high) to ``row``, scaled to display units."""
        tx = self.tx
        row[column] = value * scale
        row[f"{column}_se"] = se * scale
        row[f"{column}_low"] = (value - Z95 * se) * scale
        row[f"{column}_high"] = (value + Z95 * se) * scale
        self.header(column, f"{label}: {tx('t_estimate')} ({unit})")
        self.header(f"{column}_se", f"{label}: {tx('t_se')} ({unit})")
        self.header(f"{column}_low", f"{label}: {tx('t_low')} ({unit})")
        self.header(f"{column}_high", f"{label}: {tx('t_high')} ({unit})")

    def table(self) -> Table:
        return Table(pd.DataFrame(self.rows), dict(self.headers))

    @classmethod
    def coded(cls, tx: Text) -> _Builder:
        """A builder whose rows start with an identifier (``code``) and its label."""
        b = cls(tx)
        b.header("code", tx("t_code"))
        b.header("label", tx("t_label"))
        return b


# -- one run --------------------------------------------------------------------------


def game_table(run: RunData, tx: Text) -> Table:
    """The 2x2 table: per profile, probability played, pure-equilibrium share, mean burdens."""
    ds = run.ds
    b = _Builder.coded(tx)
    for profile in PROFILES:
        row: dict = {"code": profile, "label": tx.profile_short(profile)}
        b.estimate(row, "played", tx("h_played"), *ds.offshore.pair("played", profile=profile), 100, "%")
        b.estimate(row, "pure_ne", tx("h_pure_ne"), *ds.offshore.pair("pure_ne", profile=profile), 100, "%")
        for country in ("japan", "korea"):
            value, se = ds.offshore.pair("mean_payoff", player=country, profile=profile)
            if run.structural:
                label = tx("h_burden", country=tx.country(country))
                b.estimate(row, f"burden_{country}", label, -value, se, tx.money_scale, tx.money_unit)
            else:
                label = tx("h_payoff", country=tx.country(country))
                b.estimate(row, f"payoff_{country}", label, value, se, 1.0, "1-4")
        b.rows.append(row)
    return b.table()


def eq_sets(run: RunData, tx: Text) -> Table:
    """Equilibrium sets that occurred, most frequent first."""
    ds = run.ds
    b = _Builder.coded(tx)
    freq = ds.eq_set_freq.values
    for i in np.argsort(-freq, kind="stable"):
        if freq[i] <= 0:
            continue
        label = str(ds.eq_set.values[i])
        code = int(ds.eq_set_code.values[i])
        row: dict = {"code": label, "label": tx.eq_set(label, code)}
        b.estimate(
            row,
            "share",
            tx("axis_share_worlds"),
            *ds.offshore.pair("eq_set_freq", eq_set=label),
            100,
            "%",
        )
        b.rows.append(row)
    return b.table()


def game_types(run: RunData, tx: Text) -> Table:
    """Japan type x Korea type shares (long form; pairs that never occur are left out)."""
    ds = run.ds
    b = _Builder(tx)
    for column, key in (("japan_code", "axis_japan_type"), ("korea_code", "axis_korea_type")):
        b.header(column, f"{tx(key)} ({tx('t_code')})")
    b.header("japan_label", tx("axis_japan_type"))
    b.header("korea_label", tx("axis_korea_type"))
    for jt in ds.japan_type.values:
        for kt in ds.korea_type.values:
            value, se = ds.offshore.pair("game_type_freq", japan_type=jt, korea_type=kt)
            if value <= 0:
                continue
            row: dict = {
                "japan_code": str(jt),
                "korea_code": str(kt),
                "japan_label": tx.game_type(str(jt)),
                "korea_label": tx.game_type(str(kt)),
            }
            b.estimate(row, "share", tx("axis_share_worlds"), value, se, 100, "%")
            b.rows.append(row)
    return b.table()


def burden_distribution(run: RunData, tx: Text, sample: BurdenSample) -> Table:
    """Histogram of Japan's total burden plus the mean, median, VaR and CVaR markers."""
    ds = run.ds
    scale = tx.money_scale
    b = _Builder(tx)
    for column, key in (("series", "t_series"), ("code", "t_code"), ("label", "t_label")):
        b.header(column, tx(key))
    b.header("bin_low", f"{tx('t_bin_low')} ({tx.money_unit})")
    b.header("bin_high", f"{tx('t_bin_high')} ({tx.money_unit})")
    b.header("share", tx("t_share"))
    values = np.asarray(sample.values, dtype=float)
    cvar = float(ds.cvar95.sel(country="japan", component="total"))
    top = max(float(np.quantile(values, 0.999)) if values.size else 0.0, cvar * 1.08, 1e-9)
    edges = np.linspace(0.0, top, HIST_BINS + 1)
    counts, _ = np.histogram(np.clip(values, 0.0, top), bins=edges)
    share = 100.0 * counts / max(values.size, 1)
    for lo, hi, s in zip(edges[:-1], edges[1:], share, strict=True):
        b.rows.append(
            {
                "series": "histogram",
                "code": "",
                "label": "",
                "bin_low": lo * scale,
                "bin_high": hi * scale,
                "share": s,
            }
        )
    unit = tx.money_unit
    markers = [("mean", "legend_mean", *ds.offshore.pair("burden", country="japan", component="total"))]
    if "quantile" in ds.burden_quantile.dims:
        median = float(ds.burden_quantile.sel(country="japan", component="total", quantile=0.5))
        markers.append(("median", "legend_median", median, float("nan")))
    markers.append(("var95", "legend_var", *ds.offshore.pair("var95", country="japan", component="total")))
    markers.append(("cvar95", "legend_cvar", *ds.offshore.pair("cvar95", country="japan", component="total")))
    for code, key, value, se in markers:
        row: dict = {"series": "marker", "code": code, "label": tx(key, v="").strip()}
        b.estimate(row, "value", tx("col_estimate"), value, se, scale, unit)
        b.rows.append(row)
    return b.table()


def burden_components(run: RunData, tx: Text) -> Table:
    """Mean burden per country and component (and the total), with intervals."""
    ds = run.ds
    b = _Builder(tx)
    b.header("country", tx("t_code"))
    b.header("country_label", tx("t_label"))
    b.header("component", tx("t_code"))
    b.header("component_label", tx("t_label"))
    for country in ("japan", "korea"):
        for component in (*COMPONENTS, "total"):
            row: dict = {
                "country": country,
                "country_label": tx.country(country),
                "component": component,
                "component_label": tx.component(component),
            }
            b.estimate(
                row,
                "burden",
                tx("panel_burden"),
                *ds.offshore.pair("burden", country=country, component=component),
                tx.money_scale,
                tx.money_unit,
            )
            b.rows.append(row)
    table = b.table()
    table.headers.update(
        country=tx("t_country_code"),
        country_label=tx("t_country"),
        component=tx("t_component_code"),
        component_label=tx("t_component"),
    )
    return table


def commitment(run: RunData, tx: Text) -> Table:
    """Simultaneous game against Japan's commitment (and Japan as leader)."""
    ds = run.ds
    b = _Builder(tx)
    for column, key in (
        ("panel", "t_panel"),
        ("series", "t_series"),
        ("code", "t_code"),
        ("label", "t_label"),
    ):
        b.header(column, tx(key))
    b.header("series_label", f"{tx('t_series')} ({tx('t_label')})")
    b.header("unit", tx("t_unit"))
    series = (
        ("simultaneous", "legend_simultaneous"),
        ("commit", "legend_commit"),
        ("leader", "legend_leader"),
    )
    played_var = {"simultaneous": "played", "commit": "commit_played", "leader": "leader_played"}
    for name, key in series:
        for profile in PROFILES:
            row: dict = {
                "panel": "profiles",
                "series": name,
                "series_label": tx(key),
                "code": profile,
                "label": tx.profile_short(profile),
                "unit": "%",
            }
            b.estimate(
                row,
                "value",
                tx("col_estimate"),
                *ds.offshore.pair(played_var[name], profile=profile),
                100,
                "",
            )
            b.rows.append(row)
    if run.structural:
        for name, key in series[:2]:
            suffix = "" if name == "simultaneous" else "_commit"
            for code, variable in OUTCOMES:
                row = {
                    "panel": "outcomes",
                    "series": name,
                    "series_label": tx(key),
                    "code": code,
                    "label": tx(f"outcome_label_{code}"),
                    "unit": "%",
                }
                b.estimate(row, "value", tx("col_estimate"), *ds.offshore.pair(f"{variable}{suffix}"), 100, "")
                b.rows.append(row)
        burden_var = {
            "simultaneous": "burden",
            "commit": "burden_commit",
            "leader": "burden_leader",
        }
        for name, key in series:
            for country in ("japan", "korea"):
                row = {
                    "panel": "burden",
                    "series": name,
                    "series_label": tx(key),
                    "code": country,
                    "label": tx.country(country),
                    "unit": tx.money_unit,
                }
                b.estimate(
                    row,
                    "value",
                    tx("col_estimate"),
                    *ds.offshore.pair(burden_var[name], country=country, component="total"),
                    tx.money_scale,
                    "",
                )
                b.rows.append(row)
    table = b.table()
    # the unit differs by panel, so it is a column rather than part of the header
    for suffix in ("", "_se", "_low", "_high"):
        table.headers[f"value{suffix}"] = table.headers[f"value{suffix}"].replace(" ()", "")
    return table


def convergence(run: RunData, tx: Text, series: pd.DataFrame) -> Table:
    """Convergence points with intervals and the full run's estimate."""
    ds = run.ds
    b = _Builder(tx)
    for column, key in (("code", "t_code"), ("label", "t_label"), ("unit", "t_unit")):
        b.header(column, tx(key))
    b.header("worlds", tx("t_worlds"))
    b.header("chunks", tx("t_chunks"))
    b.header("full_run", tx("legend_full_run", worlds=tx.count(run.worlds)))
    for _, point in series.iterrows():
        money = point["kind"] == "money"
        scale = tx.money_scale if money else 100.0
        row: dict = {
            "code": point["key"].removeprefix("conv_"),
            "label": tx(point["key"]),
            "unit": tx.money_unit if money else "%",
            "worlds": int(point["worlds"]),
            "chunks": int(point["chunks"]),
        }
        b.estimate(
            row,
            "value",
            tx("col_estimate"),
            float(point["estimate"]),
            float(point["se"]),
            scale,
            "",
        )
        full = _full_run_value(ds, point)
        row["full_run"] = full * scale
        b.rows.append(row)
    table = b.table()
    for suffix in ("", "_se", "_low", "_high"):
        table.headers[f"value{suffix}"] = table.headers[f"value{suffix}"].replace(" ()", "")
    return table


def _full_run_value(ds: xr.Dataset, point: pd.Series) -> float:
    from model.report.convergence import ORDINAL, STRUCTURAL

    for h in (*STRUCTURAL, *ORDINAL):
        if h.key == point["key"]:
            value = ds[h.variable].sel(h.index) if h.index else ds[h.variable]
            return float(value)
    return float("nan")


# -- several runs ---------------------------------------------------------------------


def run_labels(runs: Sequence[RunData], tx: Text) -> list[str]:
    """Short, distinct labels for runs set side by side."""
    labels = []
    for run in runs:
        if run.structural:
            a = run.ds.attrs
            financing = tx.financing(str(a.get("financing")), a.get("ptrl_share_japan"))
            label = f"{tx.regime(str(a.get('us_regime')))} · {financing}"
            if tx.zh:
                label = label.replace(" · ", "・")
        else:
            label = tx("run_ordinal", name=run.name)
        labels.append(label)
    for key in (lambda run: run.name, lambda run: run.run_id):  # the name, or the run id if names clash too
        counts = Counter(labels)
        pairs = zip(labels, runs, strict=True)
        labels = [f"{label} ({key(run)})" if counts[label] > 1 else label for label, run in pairs]
    return labels


def _run_builder(tx: Text, coded: bool = False) -> _Builder:
    """A builder whose rows start with the run (and, with ``coded``, a code and its label)."""
    b = _Builder(tx)
    b.header("run", tx("t_run"))
    b.header("run_label", f"{tx('t_run')} ({tx('t_label')})")
    if coded:
        b.header("code", tx("t_code"))
        b.header("label", tx("t_label"))
    return b


def cmp_outcomes(runs: Sequence[RunData], tx: Text) -> Table:
    b = _run_builder(tx, coded=True)
    for run, label in zip(runs, run_labels(runs, tx), strict=True):
        if not run.structural:
            continue
        for code, variable in OUTCOMES:
            row: dict = {
                "run": run.run_id,
                "run_label": label,
                "code": code,
                "label": tx(f"outcome_label_{code}"),
            }
            b.estimate(row, "value", tx("axis_probability"), *run.ds.offshore.pair(variable), 100, "%")
            b.rows.append(row)
    return b.table()


def cmp_played(runs: Sequence[RunData], tx: Text) -> Table:
    b = _run_builder(tx, coded=True)
    for run, label in zip(runs, run_labels(runs, tx), strict=True):
        for profile in PROFILES:
            row: dict = {
                "run": run.run_id,
                "run_label": label,
                "code": profile,
                "label": tx.profile_short(profile),
            }
            b.estimate(
                row,
                "value",
                tx("axis_probability"),
                *run.ds.offshore.pair("played", profile=profile),
                100,
                "%",
            )
            b.rows.append(row)
    return b.table()


def cmp_burden(runs: Sequence[RunData], tx: Text) -> Table:
    b = _run_builder(tx, coded=True)
    unit = tx.money_unit
    for run, label in zip(runs, run_labels(runs, tx), strict=True):
        if not run.structural:
            continue
        for country in ("japan", "korea"):
            row: dict = {
                "run": run.run_id,
                "run_label": label,
                "code": country,
                "label": tx.country(country),
            }
            b.estimate(
                row,
                "burden",
                tx("panel_burden"),
                *run.ds.offshore.pair("burden", country=country, component="total"),
                tx.money_scale,
                unit,
            )
            b.estimate(
                row,
                "var95",
                tx("legend_var_marker"),
                *run.ds.offshore.pair("var95", country=country, component="total"),
                tx.money_scale,
                unit,
            )
            b.rows.append(row)
    return b.table()


def cmp_components(runs: Sequence[RunData], tx: Text) -> Table:
    b = _run_builder(tx, coded=True)
    for run, label in zip(runs, run_labels(runs, tx), strict=True):
        if not run.structural:
            continue
        for component in (*COMPONENTS, "total"):
            row: dict = {
                "run": run.run_id,
                "run_label": label,
                "code": component,
                "label": tx.component(component),
            }
            b.estimate(
                row,
                "burden",
                tx("panel_burden"),
                *run.ds.offshore.pair("burden", country="japan", component=component),
                tx.money_scale,
                tx.money_unit,
            )
            b.rows.append(row)
    return b.table()


def cmp_commitment(runs: Sequence[RunData], tx: Text) -> Table:
    b = _run_builder(tx, coded=True)
    for run, label in zip(runs, run_labels(runs, tx), strict=True):
        for code, key, variable, index in (
            ("korea_passes", "legend_korea_passes", "korea_passes_after_commit", {}),
            ("both_pass", "legend_both_pass", "played", {"profile": "PP"}),
        ):
            row: dict = {"run": run.run_id, "run_label": label, "code": code, "label": tx(key)}
            b.estimate(row, "value", tx("axis_probability"), *run.ds.offshore.pair(variable, **index), 100, "%")
            b.rows.append(row)
    return b.table()


# -- the run's inputs -----------------------------------------------------------------


def inputs_table(run: RunData, tx: Text) -> Table | None:
    """Every uncertain input of the run's priors: its 10th, 50th and 90th percentiles.

    The numbers behind the report's inputs table (which prints them rounded, the
    range as text), in display units: money in the report's unit, everything else in
    the prior's own unit, named in the ``unit`` column (it differs from row to row).
    None when the run's config no longer validates or has no uncertain input.
    """
    from model.report.summary import load_priors, prior_quantiles

    loaded = load_priors(run)
    if loaded is None:
        return None
    b = _Builder.coded(tx)
    b.header("p10", tx("t_p10"))
    b.header("p50", tx("t_p50"))
    b.header("p90", tx("t_p90"))
    b.header("unit", tx("t_unit"))
    for key, p10, p50, p90, unit in prior_quantiles(loaded, tx):
        b.rows.append(
            {"code": key, "label": tx.parameter(key), "p10": p10, "p50": p50, "p90": p90, "unit": tx.unit(unit)}
        )
    return b.table() if b.rows else None

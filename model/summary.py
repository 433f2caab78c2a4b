"""Plain-text summary of a results Dataset, with 95 % confidence intervals."""

from __future__ import annotations

import numpy as np
import xarray as xr

import model.accessor  # noqa: F401 - registers ds.offshore
from model.outputs import HEADLINE, OUTPUTS, Estimate


def _prob(estimate: Estimate) -> str:
    return f"{estimate.value:6.3f}  [{estimate.low:.3f}, {estimate.high:.3f}]"


def _money(estimate: Estimate) -> str:
    return f"{estimate.value:8.1f}  [{estimate.low:.1f}, {estimate.high:.1f}]"


def fmt_prob(ds: xr.Dataset, name: str, **index: object) -> str:
    """A probability and its 95 % interval (clipped to [0, 1])."""
    e = ds.offshore.estimate(name, **index)
    return _prob(Estimate.of(e.value, e.se, probability=True))


def fmt_money(ds: xr.Dataset, name: str, **index: object) -> str:
    """An amount in USD bn and its 95 % interval."""
    return _money(ds.offshore.estimate(name, **index))


def headline_lines(ds: xr.Dataset) -> list[str]:
    """One line per registered headline output the run holds (:data:`model.outputs.HEADLINE`)."""
    lines = []
    for name in HEADLINE:
        out = OUTPUTS[name]
        if ds.offshore.has(name):
            estimate = ds.offshore.of(out)
            text = _prob(estimate) if out.is_probability else _money(estimate)
            lines.append(f"  {out.label['en']:<44}{text}")
    return lines


def summary_text(ds: xr.Dataset) -> str:
    """A readable multi-line summary of a run's headline results."""
    a = ds.attrs
    lines = [
        f"offshore {a.get('version_offshore', '?')} | {a.get('config_source', '?')} | "
        f"{int(a.get('samples', 0)):,} worlds | seed {a.get('seed')} | sampler {a.get('sampler')} | "
        f"config {a.get('config_hash')}",
        f"mode {a.get('mode')} | selection rule {a.get('selection_rule')}"
        + (f" | US regime {a['us_regime']} | financing {a['financing']}" if "us_regime" in a else ""),
        "",
        "Headline (95% CI)",
        *headline_lines(ds),
        "",
        "Profile (Japan, Korea)   played (95% CI)           pure equilibrium (95% CI)",
    ]
    for profile in ds.profile.values:
        lines.append(
            f"  {profile}                    {fmt_prob(ds, 'played', profile=profile)}    "
            f"{fmt_prob(ds, 'pure_ne', profile=profile)}"
        )
    lines += ["", "Equilibrium sets (share of worlds)"]
    order = np.argsort(-ds.eq_set_freq.values, kind="stable")
    for i in order:
        if ds.eq_set_freq.values[i] > 0:
            label = str(ds.eq_set.values[i])
            lines.append(f"  {label:<28}{fmt_prob(ds, 'eq_set_freq', eq_set=label)}")
    lines += ["", "Game types, Japan x Korea (most frequent)"]
    freq = ds.game_type_freq.stack(pair=("japan_type", "korea_type"))
    top = np.argsort(-freq.values, kind="stable")[:5]
    for i in top:
        if freq.values[i] > 0:
            jt, kt = freq.pair.values[i]
            lines.append(f"  {jt} x {kt}: {fmt_prob(ds, 'game_type_freq', japan_type=jt, korea_type=kt)}")
    lines += [
        "",
        "Commitment",
        f"  Korea buck-passes once Japan commits to B   {fmt_prob(ds, 'korea_passes_after_commit')}",
        f"  Japan as leader commits to B                {fmt_prob(ds, 'leader_chooses_b')}",
        f"  Committing to B is Japan's best move        {fmt_prob(ds, 'commit_is_best')}",
    ]
    if "p_collapse" in ds:
        lines += [
            "",
            "Outcomes (probability, 95% CI)",
            f"  deterrence holds     {fmt_prob(ds, 'p_deterrence_holds')}",
            f"  US intervenes        {fmt_prob(ds, 'p_us_intervenes')}",
            f"  balance collapses    {fmt_prob(ds, 'p_collapse')}",
        ]
        if "perceived_outcome" in ds:
            lines += ["", "What the partners expected of the play (probability, 95% CI)"]
            for player in ds.player.values:
                expected = ", ".join(
                    f"{name} {fmt_prob(ds, 'perceived_outcome', player=player, outcome=outcome)}"
                    for name, outcome in zip(("holds", "US", "collapse"), ds.outcome.values, strict=True)
                )
                lines.append(f"  {player:<8} {expected}")
            lines.append(
                "  outcome not the one expected most likely: "
                + ", ".join(f"{p} {fmt_prob(ds, 'miscalculation', player=p)}" for p in ds.player.values)
            )
        lines += [
            "",
            f"Burden, USD bn over {a.get('horizon_years', '?')} years   mean (95% CI)            VaR95      CVaR95",
        ]
        for country in ds.country.values:
            var = float(ds.var95.sel(country=country, component="total"))
            cvar = float(ds.cvar95.sel(country=country, component="total"))
            lines.append(
                f"  {country:<8} total          {fmt_money(ds, 'burden', country=country, component='total')}"
                f"   {var:8.1f}   {cvar:8.1f}"
            )
        lines.append(
            "  Japan by component: "
            + ", ".join(
                f"{c} {float(ds.burden.sel(country='japan', component=c)):.1f}"
                for c in ds.component.values
                if c != "total"
            )
        )
    return "\n".join(lines)

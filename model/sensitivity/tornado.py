"""Tornado: what each uncertain input does to the expected outputs, one at a time.

For each input the tornado fixes it at its 10th and at its 90th percentile while every
other input keeps its distribution, and reports the expected outputs over those worlds:
``E[f | x_i = p10]`` and ``E[f | x_i = p90]``, against ``E[f]`` over the priors. All of
these are estimated on the same :data:`TORNADO_WORLDS` worlds (common random numbers:
only input ``i`` differs between the two ends), so each end and each swing
``E[f | p90] - E[f | p10]`` carries a paired Monte Carlo standard error, and an input
with no effect has a swing of exactly 0. Inputs are ranked by the absolute swing of
Japan's expected burden (ties keep the config's order).

Unlike a tornado around the all-medians world, this one cannot be fooled by a knife
edge: the median world of a threshold model sits on one side of the threshold, where
most inputs do nothing and the input that decides the threshold looks small.
Correlations between inputs are not used: each input moves alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from model.constants import PROFILES
from model.equilibria import equilibrium_set_label
from model.labels import short
from model.outputs import output
from model.sensitivity.worlds import WorldModel

TORNADO_OUTPUTS = ("japan_burden", "p_collapse", "korea_burden", "p_us_intervenes", "korea_alone")
"""Registered outputs (model.outputs) whose swings the tornado records."""


def played_label(weights: np.ndarray) -> str:
    """``"BP"`` for a pure profile, ``"BB 50% / PP 50%"`` when the rule mixes."""
    if np.max(weights) >= 1.0 - 1e-12:
        return PROFILES[int(np.argmax(weights))]
    return " / ".join(f"{PROFILES[p]} {weights[p]:.0%}" for p in range(4) if weights[p] > 1e-12)


def outcome_label(p_us: float, p_collapse: float) -> str:
    holds = 1.0 - p_us - p_collapse
    parts = [(holds, "holds"), (p_us, "US intervenes"), (p_collapse, "collapse")]
    pure = [name for share, name in parts if share >= 1.0 - 1e-12]
    if pure:
        return pure[0]
    return " / ".join(f"{name} {share:.0%}" for share, name in parts if share > 1e-12)


TORNADO_WORLDS = 8192
"""Worlds per tornado evaluation (2d + 1 evaluations of this many worlds)."""
TORNADO_STREAM = 0x70A1  # spawn key separating the tornado's worlds from every run stream


@dataclass(frozen=True)
class Tornado:
    """Tornado results, inputs sorted by the absolute swing of Japan's expected burden.

    Arrays are indexed like ``inputs``; ``values`` is (3, d): each input at its low
    percentile, median and high percentile, in its own unit. ``base`` holds the outputs'
    expectations over the priors; ``low`` / ``high`` their expectations with the input at
    its low / high percentile; ``*_se`` the Monte Carlo standard errors, the swing's
    from the paired per-world differences.
    """

    inputs: tuple[str, ...]
    levels: tuple[float, float]
    values: np.ndarray  # (3, d)
    worlds: int
    base: dict[str, float]  # output -> E[f]
    base_se: dict[str, float]
    low: dict[str, np.ndarray]  # output -> (d,)
    high: dict[str, np.ndarray]
    low_se: dict[str, np.ndarray]
    high_se: dict[str, np.ndarray]
    swing_se: dict[str, np.ndarray]
    played: tuple[str, tuple[str, ...], tuple[str, ...]]  # over the priors, low ends (d), high ends (d)
    eq_set: tuple[str, tuple[str, ...], tuple[str, ...]]
    outcome: tuple[str, tuple[str, ...], tuple[str, ...]]

    def swing(self, output: str = "japan_burden") -> np.ndarray:
        """``|E[f | p_high] - E[f | p_low]|`` of ``output``, (d,)."""
        return np.abs(self.high[output] - self.low[output])

    def to_frame(self) -> pd.DataFrame:
        lo, hi = self.levels
        rows = []
        for i, key in enumerate(self.inputs):
            rows.append(
                {
                    "rank": i + 1,
                    "input": key,
                    f"value_p{lo * 100:g}": self.values[0, i],
                    "value_p50": self.values[1, i],
                    f"value_p{hi * 100:g}": self.values[2, i],
                    "japan_burden_base_usd_bn": self.base["japan_burden"],
                    f"japan_burden_at_p{lo * 100:g}_usd_bn": self.low["japan_burden"][i],
                    f"japan_burden_at_p{lo * 100:g}_se_usd_bn": self.low_se["japan_burden"][i],
                    f"japan_burden_at_p{hi * 100:g}_usd_bn": self.high["japan_burden"][i],
                    f"japan_burden_at_p{hi * 100:g}_se_usd_bn": self.high_se["japan_burden"][i],
                    "swing_usd_bn": self.swing()[i],
                    "swing_se_usd_bn": self.swing_se["japan_burden"][i],
                    f"p_collapse_at_p{lo * 100:g}": self.low["p_collapse"][i],
                    f"p_collapse_at_p{hi * 100:g}": self.high["p_collapse"][i],
                    f"played_at_p{lo * 100:g}": self.played[1][i],
                    f"played_at_p{hi * 100:g}": self.played[2][i],
                    f"outcome_at_p{lo * 100:g}": self.outcome[1][i],
                    f"outcome_at_p{hi * 100:g}": self.outcome[2][i],
                }
            )
        return pd.DataFrame(rows)

    def to_dataset(self) -> xr.Dataset:
        ds = xr.Dataset(
            coords={
                "tornado_input": (
                    "tornado_input",
                    list(self.inputs),
                    {"long_name": "uncertain input, by swing of Japan's expected burden"},
                ),
                "tornado_end": (
                    "tornado_end",
                    ["low", "prior", "high"],
                    {
                        "long_name": f"input at its p{self.levels[0] * 100:g}, distributed as its prior, "
                        f"at its p{self.levels[1] * 100:g}"
                    },
                ),
            }
        )
        ds["tornado_input_value"] = (
            ("tornado_end", "tornado_input"),
            self.values,
            {"long_name": "input value at the percentile (median in the middle row)", "units": "the input's own unit"},
        )
        d = len(self.inputs)
        for name in TORNADO_OUTPUTS:
            label, unit = output(name).label["en"], output(name).unit
            arr = np.stack([self.low[name], np.full(d, self.base[name]), self.high[name]])
            se = np.stack([self.low_se[name], np.full(d, self.base_se[name]), self.high_se[name]])
            attrs = {"long_name": f"{label}, expected with every other input keeping its prior", "units": unit}
            ds[f"tornado_{name}"] = (("tornado_end", "tornado_input"), arr, attrs)
            ds[f"tornado_{name}_se"] = (
                ("tornado_end", "tornado_input"),
                se,
                {"long_name": f"Monte Carlo standard error of tornado_{name}", "units": unit},
            )
            ds[f"tornado_{name}_swing_se"] = (
                ("tornado_input",),
                self.swing_se[name],
                {"long_name": f"paired standard error of the swing of tornado_{name}", "units": unit},
            )
        ds["tornado_played"] = (
            ("tornado_end", "tornado_input"),
            np.array([self.played[1], [self.played[0]] * d, self.played[2]], dtype=str),
            {"long_name": "profiles played (Japan's move first), share of worlds"},
        )
        ds["tornado_outcome"] = (
            ("tornado_end", "tornado_input"),
            np.array([self.outcome[1], [self.outcome[0]] * d, self.outcome[2]], dtype=str),
            {"long_name": "outcomes, share of worlds"},
        )
        ds.attrs["tornado_levels"] = f"{self.levels[0]:g},{self.levels[1]:g}"
        ds.attrs["tornado_worlds"] = self.worlds
        return ds

    def describe(self, top: int = 5) -> str:
        lo, hi = self.levels
        lines = [
            f"Over the priors ({self.worlds:,} worlds), Japan's expected burden is {self.base['japan_burden']:,.1f} "
            f"USD bn (played: {self.played[0]}; {self.outcome[0]})."
        ]
        for i in range(min(top, len(self.inputs))):
            if self.swing()[i] == 0:
                break
            lines.append(
                f"{i + 1}. {short(self.inputs[i])}: {self.low['japan_burden'][i]:,.1f} at p{lo * 100:g} to "
                f"{self.high['japan_burden'][i]:,.1f} at p{hi * 100:g}; swing {self.swing()[i]:,.1f} "
                f"± {1.96 * self.swing_se['japan_burden'][i]:,.1f} USD bn."
            )
        return "\n".join(lines)


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    n = values.shape[-1]
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0


def tornado(model: WorldModel, low: float = 0.1, high: float = 0.9, worlds: int = TORNADO_WORLDS) -> Tornado:
    """Expected outputs with each input at its ``low`` and ``high`` percentile, the others
    keeping their (independent) priors, on common random numbers.

    Parameters
    ----------
    model : WorldModel
        The config's per-world model.
    low, high : float
        Percentiles of each input's prior (default the 10th and the 90th).
    worlds : int
        Worlds per evaluation; the design is seeded by the config's seed.
    """
    if not 0.0 < low < 0.5 < high < 1.0:
        raise ValueError("tornado percentiles must satisfy 0 < low < 0.5 < high < 1")
    d = model.dimension
    rng = np.random.default_rng(np.random.SeedSequence(model.config.sampling.seed, spawn_key=(TORNADO_STREAM,)))
    x = model.ppf(rng.random((d, worlds)))
    base_y = model.evaluate(x)
    ends = {q: model.ppf(np.full((d, 1), q))[:, 0] for q in (low, 0.5, high)}
    values = np.stack([ends[low], ends[0.5], ends[high]])
    at: dict[float, list[dict[str, np.ndarray]]] = {low: [], high: []}
    for i in range(d):
        for q in (low, high):
            moved = x.copy()
            moved[i] = ends[q][i]
            at[q].append(model.evaluate(moved))

    def stat(q: float, name: str) -> tuple[np.ndarray, np.ndarray]:
        pairs = [_mean_se(y[name].astype(float)) for y in at[q]]
        return np.array([m for m, _ in pairs]), np.array([s for _, s in pairs])

    low_mean, low_se, high_mean, high_se, swing_se = {}, {}, {}, {}, {}
    for name in TORNADO_OUTPUTS:
        low_mean[name], low_se[name] = stat(low, name)
        high_mean[name], high_se[name] = stat(high, name)
        swing_se[name] = np.array([_mean_se((at[high][i][name] - at[low][i][name]).astype(float))[1] for i in range(d)])
    base, base_se = {}, {}
    for name in TORNADO_OUTPUTS:
        base[name], base_se[name] = _mean_se(base_y[name].astype(float))
    order = np.argsort(-np.abs(high_mean["japan_burden"] - low_mean["japan_burden"]), kind="stable")

    def labels(y: dict[str, np.ndarray]) -> tuple[str, str, str]:
        played = played_label(y["played"].mean(axis=1))
        outcome = outcome_label(float(y["p_us_intervenes"].mean()), float(y["p_collapse"].mean()))
        codes, counts = np.unique(y["eq_set"], return_counts=True)
        return played, outcome, equilibrium_set_label(int(codes[np.argmax(counts)]))

    base_labels = labels(base_y)
    end_labels = {q: [labels(at[q][i]) for i in order] for q in (low, high)}

    def triple(k: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        return base_labels[k], tuple(t[k] for t in end_labels[low]), tuple(t[k] for t in end_labels[high])

    return Tornado(
        inputs=tuple(model.inputs[i] for i in order),
        levels=(low, high),
        values=values[:, order],
        worlds=worlds,
        base=base,
        base_se=base_se,
        low={name: v[order] for name, v in low_mean.items()},
        high={name: v[order] for name, v in high_mean.items()},
        low_se={name: v[order] for name, v in low_se.items()},
        high_se={name: v[order] for name, v in high_se.items()},
        swing_se={name: v[order] for name, v in swing_se.items()},
        played=triple(0),
        outcome=triple(1),
        eq_set=triple(2),
    )

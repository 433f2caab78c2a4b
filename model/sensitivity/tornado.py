"""One-at-a-time tornado: each uncertain input from its 10th to its 90th percentile.

All other inputs sit at their medians (the prior's ``ppf(0.5)``), so every evaluated
world is deterministic: Japan's expected burden, P(collapse) and the profile played
are exact numbers, with no Monte Carlo error. Inputs are ranked by the swing of
Japan's expected burden, the range spanned by ``f(p10)``, ``f(p50)`` and ``f(p90)``
(ties keep the config's order). For an input whose effect is monotone this is
``|f(p90) - f(p10)|``; the median world is included because an equilibrium can switch
between the median and both ends (a knife-edge input moves the result although
``f(p10) = f(p90)``).
Correlations between inputs are not used: each input moves alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from model.constants import PROFILES
from model.equilibria import equilibrium_set_label
from model.outputs import output
from model.sensitivity.labels import short
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


@dataclass(frozen=True)
class Tornado:
    """Tornado results, inputs sorted by the swing of Japan's expected burden.

    Arrays are indexed like ``inputs``; ``values`` is (3, d): each input at its low
    percentile, median and high percentile, in its own unit.
    """

    inputs: tuple[str, ...]
    levels: tuple[float, float]
    values: np.ndarray  # (3, d)
    base: dict[str, float]  # output -> value with every input at its median
    low: dict[str, np.ndarray]  # output -> (d,)
    high: dict[str, np.ndarray]
    played: tuple[str, tuple[str, ...], tuple[str, ...]]  # base, low (d), high (d)
    eq_set: tuple[str, tuple[str, ...], tuple[str, ...]]
    outcome: tuple[str, tuple[str, ...], tuple[str, ...]]

    def swing(self, output: str = "japan_burden") -> np.ndarray:
        """Range of ``output`` over the input's low end, median and high end, (d,)."""
        return _swing(self.low[output], self.base[output], self.high[output])

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
                    f"japan_burden_at_p{hi * 100:g}_usd_bn": self.high["japan_burden"][i],
                    "swing_usd_bn": self.swing()[i],
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
                    {"long_name": "uncertain input, by swing of Japan's burden"},
                ),
                "tornado_end": (
                    "tornado_end",
                    ["low", "median", "high"],
                    {"long_name": f"input at its p{self.levels[0] * 100:g}, p50, p{self.levels[1] * 100:g}"},
                ),
            }
        )
        ds["tornado_input_value"] = (
            ("tornado_end", "tornado_input"),
            self.values,
            {"long_name": "input value at the percentile", "units": "the input's own unit"},
        )
        for name in TORNADO_OUTPUTS:
            label, unit = output(name).label["en"], output(name).unit
            arr = np.stack([self.low[name], np.full(len(self.inputs), self.base[name]), self.high[name]])
            ds[f"tornado_{name}"] = (
                ("tornado_end", "tornado_input"),
                arr,
                {"long_name": f"{label}, other inputs at their medians", "units": unit},
            )
        ds["tornado_played"] = (
            ("tornado_end", "tornado_input"),
            np.array([self.played[1], [self.played[0]] * len(self.inputs), self.played[2]], dtype=str),
            {"long_name": "profile played (Japan's move first)"},
        )
        ds["tornado_outcome"] = (
            ("tornado_end", "tornado_input"),
            np.array([self.outcome[1], [self.outcome[0]] * len(self.inputs), self.outcome[2]], dtype=str),
            {"long_name": "outcome of the played profile"},
        )
        ds.attrs["tornado_levels"] = f"{self.levels[0]:g},{self.levels[1]:g}"
        return ds

    def describe(self, top: int = 5) -> str:
        lo, hi = self.levels
        lines = [
            f"With every input at its median, Japan's expected burden is {self.base['japan_burden']:,.1f} USD bn "
            f"(profile {self.played[0]}, {self.outcome[0]})."
        ]
        for i in range(min(top, len(self.inputs))):
            if self.swing()[i] == 0:
                break
            lines.append(
                f"{i + 1}. {short(self.inputs[i])}: {self.low['japan_burden'][i]:,.1f} at p{lo * 100:g} "
                f"({self.played[1][i]}, {self.outcome[1][i]}) to {self.high['japan_burden'][i]:,.1f} at p{hi * 100:g} "
                f"({self.played[2][i]}, {self.outcome[2][i]}); swing {self.swing()[i]:,.1f} USD bn."
            )
        return "\n".join(lines)


def _swing(low: np.ndarray, base: float, high: np.ndarray) -> np.ndarray:
    return np.maximum(np.maximum(low, high), base) - np.minimum(np.minimum(low, high), base)


def tornado(model: WorldModel, low: float = 0.1, high: float = 0.9) -> Tornado:
    """Evaluate the 2d + 1 deterministic worlds of a tornado and sort by swing.

    Parameters
    ----------
    model : WorldModel
        The config's per-world model.
    low, high : float
        Percentiles of each input's prior (default the 10th and the 90th).
    """
    if not 0.0 < low < 0.5 < high < 1.0:
        raise ValueError("tornado percentiles must satisfy 0 < low < 0.5 < high < 1")
    d = model.dimension
    u = np.full((d, 2 * d + 1), 0.5)
    for i in range(d):
        u[i, 1 + 2 * i] = low
        u[i, 2 + 2 * i] = high
    x = model.ppf(u)
    y = model.evaluate(x)
    lo_idx, hi_idx = 1 + 2 * np.arange(d), 2 + 2 * np.arange(d)
    base = {name: float(y[name][0]) for name in TORNADO_OUTPUTS}
    swing = _swing(y["japan_burden"][lo_idx], base["japan_burden"], y["japan_burden"][hi_idx])
    order = np.argsort(-swing, kind="stable")
    lo_sorted, hi_sorted = lo_idx[order], hi_idx[order]

    played = [played_label(y["played"][:, c]) for c in range(2 * d + 1)]
    eq = [equilibrium_set_label(int(code)) for code in y["eq_set"]]
    outcome = [outcome_label(float(u), float(c)) for u, c in zip(y["p_us_intervenes"], y["p_collapse"], strict=True)]

    def ends(column_labels: list[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """(median world, low ends, high ends) in sorted order."""
        return (
            column_labels[0],
            tuple(column_labels[c] for c in lo_sorted),
            tuple(column_labels[c] for c in hi_sorted),
        )

    values = np.stack([x[order, lo_sorted], x[order, 0], x[order, hi_sorted]])
    return Tornado(
        inputs=tuple(model.inputs[i] for i in order),
        levels=(low, high),
        values=values,
        base=base,
        low={name: y[name][lo_sorted].astype(float) for name in TORNADO_OUTPUTS},
        high={name: y[name][hi_sorted].astype(float) for name in TORNADO_OUTPUTS},
        played=ends(played),
        eq_set=ends(eq),
        outcome=ends(outcome),
    )

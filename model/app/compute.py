"""What the app computes: the run's engine path, an adaptive sample size, pins and claims.

A live view is :func:`model.simulation.simulate` on the scenario's config: the chunks of
:func:`model.execution.run_chunks` folded in chunk order and built into the Dataset by
:func:`model.simulation.finish`, exactly as ``offshore run`` does, so for the same config,
seed and sample count the app's numbers equal the run's bit for bit (whatever the
backend or number of threads). Nothing here imports shiny.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import xarray as xr

from model.analyses import ANALYSIS_WORLDS
from model.config import LoadedConfig
from model.execution import Execution, default_jobs
from model.outputs import HEADLINE, OUTPUTS, Estimate, Output

LIVE_OUTPUTS = ("p_collapse", "p_deterrence_holds", *HEADLINE[1:])
"""The headline cards, in order (registered outputs, :mod:`model.outputs`)."""

DEFAULT_SAMPLES = 131_072
"""Worlds of the first live view (two chunks of the shipped configs' 65,536)."""
MIN_SAMPLES = 16_384
MAX_SAMPLES = 1_048_576
TARGET_SECONDS = (0.25, 0.6)
"""The sizer doubles the sample below the first bound and halves it above the second
(seconds of computation), leaving the rest of about a second for the figures."""
PIN_LIMIT = 4
PAIRED_SAMPLES = 65_536
"""Worlds per scenario for the pinned comparison (all pins on the same worlds)."""


@dataclass(frozen=True)
class LiveView:
    """One computed view: the config, its results Dataset and how long it took (s)."""

    loaded: LoadedConfig
    ds: xr.Dataset
    seconds: float

    @property
    def worlds(self) -> int:
        return int(self.ds.attrs["samples"])


def execution(jobs: int | None = None) -> Execution:
    """Threads over chunks (numpy releases the GIL); the result does not depend on them."""
    jobs = jobs or default_jobs()
    return Execution(backend="threading", jobs=jobs) if jobs > 1 else Execution()


def compute(loaded: LoadedConfig, jobs: int | None = None) -> LiveView:
    """Simulate ``loaded`` (its own sample count and seed) on the run's engine path."""
    from model.simulation import simulate

    start = time.perf_counter()
    ds = simulate(loaded, execution=execution(jobs))
    return LiveView(loaded, ds, time.perf_counter() - start)


class SampleSizer:
    """The live sample size: starts at :data:`DEFAULT_SAMPLES`, then follows the machine.

    After each view, :meth:`observe` halves the size when the computation took longer
    than the upper bound of :data:`TARGET_SECONDS` and doubles it when it took less
    than the lower bound (within [:data:`MIN_SAMPLES`, :data:`MAX_SAMPLES`]). The new
    size applies from the next change the user makes; a fixed size (``--samples``)
    never moves.
    """

    def __init__(self, samples: int | None = None) -> None:
        self.fixed = samples is not None
        self.samples = int(samples) if samples is not None else DEFAULT_SAMPLES

    def observe(self, worlds: int, seconds: float) -> int:
        if self.fixed or worlds != self.samples:
            return self.samples
        low, high = TARGET_SECONDS
        if seconds > high and self.samples > MIN_SAMPLES:
            self.samples //= 2
        elif seconds < low and self.samples < MAX_SAMPLES:
            self.samples *= 2
        return self.samples


def headline(ds: xr.Dataset) -> list[tuple[Output, Estimate]]:
    """The live headline: each output of :data:`LIVE_OUTPUTS` the Dataset holds, with its
    estimate (probabilities' intervals clipped to [0, 1])."""
    return [(OUTPUTS[name], ds.offshore.of(OUTPUTS[name])) for name in LIVE_OUTPUTS if ds.offshore.has(name)]


def paired_table(pins: Sequence[tuple[str, LoadedConfig]], samples: int = PAIRED_SAMPLES, jobs: int | None = None):
    """Pinned scenarios side by side on the same worlds, each against the first.

    Every pin is re-read at ``samples`` worlds with the first pin's seed, so all of them
    draw the same worlds (common random numbers, :mod:`model.paired`); each headline
    output then has each pin's estimate and, from the second pin on, the paired
    difference from the first with its standard error and 95 % interval.

    Returns
    -------
    pandas.DataFrame
        One row per (output, pin): ``output``, ``label``, ``unit``, ``pin``, ``value``,
        ``se``, ``difference``, ``difference_se``, ``difference_low``, ``difference_high``
        (the difference columns NaN for the first pin).
    """
    from model.paired import Comparison, paired, per_world
    from model.simulation import resolve

    if not pins:
        return pd.DataFrame()
    first = pins[0][1].config.sampling
    common = [
        f"sampling.samples={int(samples)}",
        f"sampling.seed={first.seed}",
        f"sampling.chunk_size={first.chunk_size}",
    ]
    arms = [(name, resolve(loaded, overrides=common)) for name, loaded in pins[:PIN_LIMIT]]
    structural = all(a.config.game.mode == "structural" for _, a in arms)
    names = [
        n for n in LIVE_OUTPUTS if OUTPUTS[n].per_world is not None and (structural or not OUTPUTS[n].structural_only)
    ]
    comparisons = [
        Comparison(f"{name}:{i}", arms[0][1], arm, per_world(name), per_world(name))
        for name in names
        for i, (_, arm) in enumerate(arms)
    ]
    results = iter(paired(tuple(comparisons), execution(jobs)))
    rows = []
    for name in names:
        out = OUTPUTS[name]
        for i, (label, _) in enumerate(arms):
            r = next(results)
            d = r.difference
            rows.append(
                {
                    "output": name,
                    "label": out.label["en"],
                    "unit": out.unit,
                    "pin": label,
                    "value": r.treatment.value,
                    "se": r.treatment.se,
                    "difference": d.value if i else float("nan"),
                    "difference_se": d.se if i else float("nan"),
                    "difference_low": d.low if i else float("nan"),
                    "difference_high": d.high if i else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def claims_frame(loaded: LoadedConfig, jobs: int | None = None):
    """The paper's claims on ``loaded`` as numbers (:func:`model.claims.claims_frame`), on
    the same first :data:`model.analyses.ANALYSIS_WORLDS` worlds a run's report uses;
    None outside structural mode."""
    if loaded.config.game.mode != "structural":
        return None
    from model.claims import claims_frame as frame
    from model.claims import evaluate
    from model.simulation import resolve

    worlds = min(loaded.config.sampling.samples, ANALYSIS_WORLDS)
    sample = resolve(loaded, overrides=[f"sampling.samples={worlds}"])
    return frame(evaluate(sample, execution=execution(jobs)))


__all__ = [
    "DEFAULT_SAMPLES",
    "LIVE_OUTPUTS",
    "LiveView",
    "SampleSizer",
    "claims_frame",
    "compute",
    "headline",
    "paired_table",
]

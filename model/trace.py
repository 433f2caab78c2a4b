"""The convergence trace: headline estimates recorded as a run's worlds accumulate.

A run records, in chunk order, the value and standard error of the traced estimates
(:data:`TRACED`) at a fixed set of world counts, all a pure function of the config
and the seed, never of the workers or the backend:

- inside the first chunk, after its first n worlds for n in :func:`prefix_points`
  (512, 768, 1024, 1536, ...: two points per doubling). The worker that evaluates
  chunk 0 computes these from its own per-world values;
- after chunk c for every c in :func:`traced_after` (each of the first 32 chunks,
  then eight points per doubling), computed while the chunks are folded;
- after the run's last chunk, so the last point *is* the run's own estimate.

The points after whole chunks are read off the merged statistics exactly as
:mod:`model.results` reads the final estimates, so the last point equals results.nc
bit for bit. Points inside the first chunk use the same formulas on that chunk's
first n worlds.

Values are stored flat (:class:`model.stats.Trace`, one column per scalar) in the
order of :data:`TRACED`; :func:`split` restores each variable's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model.constants import BURDEN_COMPONENTS, LEDGER, PROFILES
from model.signature import CODES, tables
from model.stats import Accumulator, Counts, Moments, Trace

SMALLEST_PREFIX = 512  # worlds at the first point inside the first chunk
EVERY_CHUNK = 32  # chunks after each of which a point is recorded
SIGNIFICANT_BITS = 4  # beyond EVERY_CHUNK: chunk counts with at most this many significant bits

HEADLINE_KEYS = ("signature", "played", "outcome", "burden")
"""The chunk statistics a trace point is read from."""


@dataclass(frozen=True)
class Traced:
    """One traced results variable.

    Attributes
    ----------
    variable : str
        The results variable whose estimate is traced (``trace_<variable>`` in results.nc).
    dims : tuple of str
        Its dimensions (after ``trace_worlds``).
    shape : tuple of int
        Their lengths.
    structural_only : bool
        True when the variable exists only in structural mode.
    """

    variable: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    structural_only: bool

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


TRACED = (
    Traced("played", ("profile",), (len(PROFILES),), False),
    Traced("pure_ne", ("profile",), (len(PROFILES),), False),
    Traced("korea_passes_after_commit", (), (), False),
    Traced("p_deterrence_holds", (), (), True),
    Traced("p_us_intervenes", (), (), True),
    Traced("p_collapse", (), (), True),
    Traced("burden", ("country", "component"), (len(LEDGER), len(BURDEN_COMPONENTS)), True),
)
"""Every traced variable, in column order."""

_OUTCOME_VARIABLES = ("p_deterrence_holds", "p_us_intervenes", "p_collapse")  # outcome axis order


def layout(structural: bool) -> tuple[Traced, ...]:
    """The traced variables of a run of this mode, in column order."""
    return tuple(t for t in TRACED if structural or not t.structural_only)


def columns(structural: bool) -> int:
    """Number of flat columns of a trace of this mode."""
    return sum(t.size for t in layout(structural))


def prefix_points(size: int) -> tuple[int, ...]:
    """World counts inside a first chunk of ``size`` worlds at which a point is recorded.

    The numbers 2**e and 3 * 2**(e-1) from :data:`SMALLEST_PREFIX` up, below ``size``
    (the whole chunk is the first point after a chunk).
    """
    points: list[int] = []
    n = SMALLEST_PREFIX
    while n < size:
        points.append(n)
        half = n + n // 2
        if half < size:
            points.append(half)
        n *= 2
    return tuple(points)


def traced_after(chunks: int) -> bool:
    """Whether a point is recorded after the run's first ``chunks`` chunks.

    Every chunk count up to :data:`EVERY_CHUNK`, then those with at most
    :data:`SIGNIFICANT_BITS` significant binary digits (36, 40, ..., 60, 64, 72, ...):
    eight points per doubling, so a trace stays short however long the run.
    """
    if chunks <= EVERY_CHUNK:
        return chunks >= 1
    low = chunks.bit_length() - SIGNIFICANT_BITS
    return (chunks >> low) << low == chunks


def estimates(stats: Mapping[str, Accumulator]) -> tuple[np.ndarray, np.ndarray]:
    """Flat values and standard errors (h,) of the traced estimates of merged statistics.

    Read exactly as :func:`model.results.build_dataset` reads them: ``played`` and the
    outcome and burden means from their moments, ``pure_ne`` and Korea's reply to a
    committed Japan from the signature histogram.
    """
    signature = stats["signature"]
    assert isinstance(signature, Counts)
    table = tables()
    counts = signature.counts
    pure = Counts(signature.worlds, counts @ table.pure)
    korea_b = Moments.of_histogram(counts, table.korea_b_given_japan_b)
    played = stats["played"]
    assert isinstance(played, Moments)
    values = [played.mean, pure.fraction, 1.0 - korea_b.mean]
    errors = [played.se, pure.se, korea_b.se]
    if "outcome" in stats:
        outcome, burden = stats["outcome"], stats["burden"]
        assert isinstance(outcome, Moments) and isinstance(burden, Moments)
        for i in range(len(_OUTCOME_VARIABLES)):
            values.append(outcome.mean[i])
            errors.append(outcome.se[i])
        values.append(burden.mean)
        errors.append(burden.se)
    flat = [np.ravel(np.asarray(v, dtype=np.float64)) for v in values]
    flat_se = [np.ravel(np.asarray(e, dtype=np.float64)) for e in errors]
    return np.concatenate(flat), np.concatenate(flat_se)


def point(stats: Mapping[str, Accumulator], chunks: int) -> Trace:
    """The trace point of merged statistics covering the run's first ``chunks`` chunks."""
    value, se = estimates(stats)
    played = stats["played"]
    assert isinstance(played, Moments)
    return Trace.point(played.count, chunks, value, se)


def prefix_trace(
    points: tuple[int, ...],
    code: np.ndarray,
    played: np.ndarray,
    outcome: np.ndarray | None = None,
    burden: np.ndarray | None = None,
) -> Trace:
    """Points after the first n worlds of the first chunk, for n in ``points``.

    Parameters
    ----------
    points : tuple of int
        World counts (:func:`prefix_points`).
    code : intp (n,)
        The chunk's signatures (:func:`model.signature.signatures`).
    played : float (4, n)
        Profile probabilities of each world under the selection rule.
    outcome : float (3, n), optional
        Outcome probabilities of each world (structural mode).
    burden : float (3, 6, n), optional
        Expected burden per country and component of each world, USD bn (structural).
    """
    structural = outcome is not None
    trace = Trace.empty(columns(structural))
    if not points:
        return trace
    per_point: dict[str, list[Accumulator]] = {
        "signature": _prefix_counts(code, points),
        "played": list(Moments.of_prefixes(played, points)),
    }
    if structural:
        assert burden is not None
        per_point["outcome"] = list(Moments.of_prefixes(outcome, points))
        per_point["burden"] = list(Moments.of_prefixes(burden, points))
    for j in range(len(points)):
        trace = trace.merge(point({key: acc[j] for key, acc in per_point.items()}, 1))
    return trace


def _prefix_counts(code: np.ndarray, points: tuple[int, ...]) -> list[Accumulator]:
    """Signature histograms of the first n worlds, for n in ``points`` (one pass)."""
    out: list[Accumulator] = []
    counts, start = np.zeros(CODES, dtype=np.int64), 0
    for stop in points:
        counts = counts + np.bincount(code[start:stop], minlength=CODES)
        out.append(Counts(stop, counts))
        start = stop
    return out


def split(trace: Trace, structural: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each traced variable's values and standard errors, shaped (points, *dims)."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    start = 0
    for t in layout(structural):
        stop = start + t.size
        shape = (trace.points, *t.shape)
        out[t.variable] = (trace.value[:, start:stop].reshape(shape), trace.se[:, start:stop].reshape(shape))
        start = stop
    if start != trace.value.shape[1]:
        raise ValueError(f"a trace of {trace.value.shape[1]} columns does not fit the {start} of its mode")
    return out

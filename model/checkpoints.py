"""Batch checkpoints of a run in progress: written atomically, verified before they are merged.

Each folded batch of chunks is one ``batch-NNNNNN.npz`` file (arrays only, no pickles)
holding the batch's statistics (with the convergence trace points and burden sample
the batch recorded, so a resumed run keeps them too) and a ``__meta__`` record: what the batch belongs to (a
:class:`RunIdentity`: config hash, seed, chunk plan, code version of the statistics),
which chunks and how many worlds it covers, and a SHA-256 checksum of its arrays.

:func:`load_verified` refuses, with a :class:`CheckpointError` naming the file, anything
that is not exactly such a batch of this run: an unreadable, truncated, bit-flipped or
empty file, a batch from another config, seed or code version, a batch renamed to
another index, or statistics whose counts do not add up. A resumed run therefore
merges only batches an uninterrupted run would have computed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.atomic import atomic_path
from model.stats import ChunkStats, Counts, Histogram, Moments, Sample, Trace
from model.trace import columns

FORMAT = 1  # layout of the checkpoint file itself
META_KEY = "__meta__"
MAX_CHECKPOINT_BYTES = 256 * 2**20  # a batch holds a few MB; anything larger is not ours
BATCH_FILE = re.compile(r"batch-(\d{6})\.npz")

# Modules whose code determines a chunk's statistics: a checkpoint written by other
# code (or other numpy/scipy) is refused, since merging it could give numbers that no
# uninterrupted run gives.
STATS_MODULES = (
    "engine.py",
    "stats.py",
    "trace.py",
    "payoffs.py",
    "beliefs.py",
    "sampling.py",
    "distributions/__init__.py",
    "distributions/base.py",
    "distributions/continuous.py",
    "distributions/discrete.py",
    "constants.py",
    "selection.py",
    "signature.py",
    "equilibria.py",
    "gametypes.py",
    "commitment.py",
    "signature_tables.npz",
)


class CheckpointError(ValueError):
    """A checkpoint (or the set of them) that does not belong to the run being resumed.

    Parameters
    ----------
    path : Path
        The offending file (or the checkpoint directory, for a missing batch).
    message : str
        What is wrong, one line.
    """

    def __init__(self, path: Path, message: str) -> None:
        self.path = Path(path)
        self.message = " ".join(message.split())
        super().__init__(f"{self.path}: {self.message}")


@functools.cache
def stats_code_version() -> str:
    """Digest of the code (and numpy/scipy versions) that computes chunk statistics."""
    import scipy

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{np.__version__}|{scipy.__version__}".encode())
    for name in STATS_MODULES:
        path = root / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    for path in sorted((root / "config").glob("*.py")):  # priors and their order
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RunIdentity:
    """What a checkpoint belongs to; two runs share checkpoints only if these all agree."""

    config_hash: str
    seed: int
    samples: int
    chunk_size: int
    batch_chunks: int
    code_version: str

    @classmethod
    def of(cls, config_hash: str, seed: int, samples: int, chunk_size: int, batch_chunks: int) -> RunIdentity:
        return cls(config_hash, int(seed), int(samples), int(chunk_size), int(batch_chunks), stats_code_version())


def batch_path(directory: Path, b: int) -> Path:
    return directory / f"batch-{b:06d}.npz"


def batch_files(directory: Path) -> dict[int, Path]:
    """Checkpointed batch files in ``directory``, by batch index.

    Raises
    ------
    CheckpointError
        For a ``batch-*`` file whose name is not a batch index.
    """
    found: dict[int, Path] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("batch-*")):
        match = BATCH_FILE.fullmatch(path.name)
        if match is None:
            raise CheckpointError(path, "not a checkpoint file name (expected batch-NNNNNN.npz)")
        found[int(match.group(1))] = path
    return found


def _arrays(stats: ChunkStats) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for name, acc in stats.items():
        if isinstance(acc, Counts):
            arrays[f"{name}|counts|worlds"] = np.asarray(acc.worlds, dtype=np.int64)
            arrays[f"{name}|counts|counts"] = np.asarray(acc.counts)
        elif isinstance(acc, Moments):
            arrays[f"{name}|moments|count"] = np.asarray(acc.count, dtype=np.int64)
            arrays[f"{name}|moments|mean"] = np.asarray(acc.mean)
            arrays[f"{name}|moments|m2"] = np.asarray(acc.m2)
        elif isinstance(acc, Histogram):
            arrays[f"{name}|histogram|weights"] = np.asarray(acc.weights)
        elif isinstance(acc, Trace):
            for item in ("worlds", "chunks", "value", "se"):
                arrays[f"{name}|trace|{item}"] = np.asarray(getattr(acc, item))
        elif isinstance(acc, Sample):
            arrays[f"{name}|sample|values"] = np.asarray(acc.values)
        else:  # pragma: no cover - every accumulator is one of the five
            raise TypeError(f"cannot checkpoint {type(acc).__name__}")
    return arrays


def checksum(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of the arrays' names, dtypes, shapes and bytes, in name order."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        value = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}|{value.dtype.str}|{value.shape}|".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def save_batch(directory: Path, b: int, stats: ChunkStats, identity: RunIdentity, chunks: range, worlds: int) -> Path:
    """Write batch ``b`` (chunks ``chunks``, ``worlds`` worlds) atomically; return its path."""
    arrays = _arrays(stats)
    meta = {
        "format": FORMAT,
        **asdict(identity),
        "batch": b,
        "first_chunk": chunks.start,
        "stop_chunk": chunks.stop,
        "worlds": int(worlds),
        "checksum": checksum(arrays),
    }
    arrays[META_KEY] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
    directory.mkdir(parents=True, exist_ok=True)
    target = batch_path(directory, b)
    with atomic_path(target) as tmp, tmp.open("wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    return target


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of the .npz at ``path``; any failure is a :class:`CheckpointError`."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise CheckpointError(path, "empty file, not a checkpoint")
        if size > MAX_CHECKPOINT_BYTES:
            raise CheckpointError(path, f"{size} bytes, too large to be a checkpoint")
        with path.open("rb") as handle:
            data = handle.read(MAX_CHECKPOINT_BYTES + 1)
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except CheckpointError:
        raise
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise
        raise CheckpointError(path, f"unreadable checkpoint ({exc.strerror or type(exc).__name__})") from None
    except Exception as exc:  # BadZipFile, ValueError (pickled or random bytes), EOFError, ...
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise CheckpointError(path, f"corrupt checkpoint ({type(exc).__name__}: {reason})") from None


NEEDED = {
    "counts": {"worlds", "counts"},
    "moments": {"count", "mean", "m2"},
    "histogram": {"weights"},
    "trace": {"worlds", "chunks", "value", "se"},
    "sample": {"values"},
}  # the arrays of each kind of statistic


def _stats_of(path: Path, arrays: dict[str, np.ndarray]) -> ChunkStats:
    parts: dict[str, dict[str, np.ndarray]] = {}
    kinds: dict[str, str] = {}
    for key, value in arrays.items():
        pieces = key.split("|")
        if len(pieces) != 3 or pieces[1] not in NEEDED:
            raise CheckpointError(path, f"unexpected array {key!r}")
        name, kind, item = pieces
        if kinds.setdefault(name, kind) != kind:
            raise CheckpointError(path, f"statistic {name!r} has two kinds")
        parts.setdefault(name, {})[item] = value
    stats: ChunkStats = {}
    for name, kind in kinds.items():
        p = parts[name]
        if set(p) != NEEDED[kind]:
            raise CheckpointError(path, f"statistic {name!r} is incomplete")
        if kind == "counts":
            stats[name] = Counts(int(p["worlds"]), p["counts"])
        elif kind == "moments":
            stats[name] = Moments(int(p["count"]), p["mean"], p["m2"])
        elif kind == "histogram":
            stats[name] = Histogram(p["weights"])
        elif kind == "trace":
            stats[name] = Trace(p["worlds"], p["chunks"], p["value"], p["se"])
        else:
            stats[name] = Sample(p["values"])
    return stats


def _check_consistent(path: Path, stats: ChunkStats, worlds: int) -> None:
    """Counts add up to the batch's worlds, moments are finite: refuse anything else."""
    if "played" not in stats or "signature" not in stats:
        raise CheckpointError(path, "missing the played or signature statistics")
    for name, acc in stats.items():
        if isinstance(acc, Counts):
            if acc.worlds != worlds or np.any(acc.counts < 0) or np.any(acc.counts > worlds):
                raise CheckpointError(path, f"{name}: counts do not match the batch's {worlds} worlds")
        elif isinstance(acc, Moments):
            if acc.count != worlds:
                raise CheckpointError(path, f"{name}: count {acc.count} is not the batch's {worlds} worlds")
            if not (np.all(np.isfinite(acc.mean)) and np.all(np.isfinite(acc.m2)) and np.all(acc.m2 >= 0)):
                raise CheckpointError(path, f"{name}: non-finite or negative moments")
        elif isinstance(acc, Histogram):
            if not (np.all(np.isfinite(acc.weights)) and np.all(acc.weights >= 0)):
                raise CheckpointError(path, f"{name}: non-finite or negative histogram weights")
        elif isinstance(acc, Trace):
            _check_trace(path, name, acc, columns("outcome" in stats))
        elif acc.values.ndim < 1 or acc.worlds > worlds or not np.all(np.isfinite(acc.values)):
            raise CheckpointError(path, f"{name}: more than the batch's {worlds} worlds, or non-finite values")
    if int(stats["signature"].counts.sum()) != worlds:
        raise CheckpointError(path, f"signature counts do not add up to the batch's {worlds} worlds")


def _check_trace(path: Path, name: str, trace: Trace, width: int) -> None:
    """A trace's arrays agree in shape (``width`` columns), its world counts grow, its values are finite."""
    p = trace.worlds.shape[0] if trace.worlds.ndim == 1 else -1
    shapes_agree = (
        p >= 0
        and trace.chunks.shape == (p,)
        and trace.value.shape == (p, width)
        and trace.se.shape == trace.value.shape
    )
    if not shapes_agree:
        raise CheckpointError(path, f"{name}: trace arrays of inconsistent shapes")
    if np.any(trace.worlds < 1) or np.any(np.diff(trace.worlds) <= 0) or np.any(trace.chunks < 1):
        raise CheckpointError(path, f"{name}: trace world counts do not grow")
    if not (np.all(np.isfinite(trace.value)) and np.all(np.isfinite(trace.se)) and np.all(trace.se >= 0)):
        raise CheckpointError(path, f"{name}: non-finite trace values")


def load_verified(path: Path, b: int, identity: RunIdentity, chunks: range, worlds: int) -> ChunkStats:
    """Read batch ``b`` of the run ``identity`` from ``path``, verifying everything.

    Raises
    ------
    CheckpointError
        If the file is not exactly batch ``b`` (chunks ``chunks``, ``worlds`` worlds)
        of this run, as written by :func:`save_batch`.
    """
    arrays = _read_arrays(path)
    raw = arrays.pop(META_KEY, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise CheckpointError(path, "no checkpoint record (written by another version, or not a checkpoint)")
    try:
        meta = json.loads(raw.tobytes().decode())
        if not isinstance(meta, dict):
            raise ValueError
    except ValueError:
        raise CheckpointError(path, "unreadable checkpoint record") from None
    if meta.get("format") != FORMAT:
        raise CheckpointError(path, f"checkpoint format {meta.get('format')!r}, expected {FORMAT}")
    if meta.get("checksum") != checksum(arrays):
        raise CheckpointError(path, "checksum mismatch: the checkpoint was altered or damaged")
    expected: dict[str, Any] = {
        **asdict(identity),
        "batch": b,
        "first_chunk": chunks.start,
        "stop_chunk": chunks.stop,
        "worlds": int(worlds),
    }
    labels = {"code_version": "code version of the statistics", "batch": "batch index"}
    for key, value in expected.items():
        if meta.get(key) != value:
            what = labels.get(key, key)
            raise CheckpointError(path, f"belongs to another run: {what} {meta.get(key)!r}, this run has {value!r}")
    stats = _stats_of(path, arrays)
    _check_consistent(path, stats, worlds)
    return stats

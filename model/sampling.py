"""Chunked, reproducible draws of the uncertain parameters.

A run is split into chunks of ``chunk_size`` worlds; :func:`draw_chunk` draws the
parameters of one chunk from randomness that depends only on ``(seed, chunk_index)``,
so results are bit-identical whatever the number of workers or the backend.

Samplers (:data:`SAMPLERS`)
---------------------------
``mc``
    Pseudo-random draws. Each uncertain parameter of chunk ``k`` has its own Generator,
    ``Generator(PCG64(SeedSequence(seed, spawn_key=(k, name_key(name)))))``, and calls
    ``dist.sample(rng, n)`` on it; a copula group shares one Generator keyed by its
    names. Streams keyed by name give common random numbers across scenarios: a
    parameter's draws do not move when another parameter is added or fixed.
``lhs``
    Replicated Latin hypercube: one ``n``-point hypercube per chunk over all uncertain
    dimensions (``scipy.stats.qmc.LatinHypercube`` seeded with the chunk Generator),
    mapped through each parameter's inverse CDF.
``sobol``
    Rows ``[chunk_index*chunk_size, chunk_index*chunk_size + n)`` of a single scrambled
    Sobol' sequence whose scramble comes from ``SeedSequence(seed)`` alone (the same for
    every chunk), mapped through the inverse CDFs. ``chunk_size`` must be a power of two
    and a run may use at most ``2**30`` rows (scipy's default ``bits``).

Fixed parameters never consume random numbers or sampler dimensions. Uniforms fed to
an inverse CDF are first clipped into ``[2**-53, 1 - 2**-53]`` (:data:`U_EPSILON`), inside
the open interval (0, 1), so unbounded families never return infinities.

Correlation
-----------
Named parameters are coupled by a Gaussian copula with the given correlation matrix
``R`` (the correlation of the underlying normals, not of the parameters themselves;
for a Gaussian copula the Spearman rank correlation is ``(6/pi) arcsin(r/2)``).
With ``L`` a factor of ``R`` (``L L^T = R``; Cholesky, or an eigen factor when ``R``
is singular):

* ``mc``: the copula normals ``Z`` (``n x g``, columns in ``Correlation.names`` order)
  are drawn first from the chunk Generator, ``X = Z L^T``, ``U = Phi(X)`` and each
  correlated parameter is ``dist.ppf(U[:, j])``; the uncorrelated ones are then drawn
  directly, in mapping order.
* ``lhs`` / ``sobol``: the correlated columns of the uniform design are mapped to
  normals, multiplied by ``L^T`` and mapped back. This keeps every marginal exactly
  right in distribution but perturbs the per-dimension stratification (LHS) and the
  low-discrepancy structure (Sobol') of the correlated columns.

Correlated names that refer to fixed parameters are dropped (with their rows and
columns; a principal submatrix of a valid correlation matrix is still valid).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import inspect
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.special

from model.distributions import Distribution

__all__ = [
    "SAMPLERS",
    "SOBOL_MAX_ROWS",
    "U_EPSILON",
    "Correlation",
    "chunk_generator",
    "draw_chunk",
    "shared_draws",
    "sobol_generator",
    "validate_correlation",
]

SAMPLERS: tuple[str, ...] = ("mc", "lhs", "sobol")

#: Largest number of rows of the Sobol' sequence (scipy's default 30 bits).
SOBOL_MAX_ROWS = 2**30

_PSD_TOLERANCE = 1e-10
_UNIT_TOLERANCE = 1e-12
#: Uniforms are clipped into [U_EPSILON, 1 - U_EPSILON] before any inverse CDF: the
#: largest double below 1 is 1 - 2**-53, and the lower tail is cut symmetrically.
U_EPSILON = 2.0**-53
_U_LOW = U_EPSILON
_U_HIGH = 1.0 - U_EPSILON


def validate_correlation(matrix: Any) -> str | None:
    """Check that ``matrix`` is a valid correlation matrix.

    Parameters
    ----------
    matrix
        Array-like, expected ``(g, g)``.

    Returns
    -------
    str or None
        A short error message, or ``None`` when the matrix is square, finite,
        symmetric, with unit diagonal, entries in [-1, 1] and positive semi-definite
        (smallest eigenvalue >= -1e-10).
    """
    try:
        m = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        return "correlation matrix must be a square table of numbers"
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        return "correlation matrix must be square"
    if not np.all(np.isfinite(m)):
        return "correlation entries must be finite numbers"
    if np.any(np.abs(m) > 1.0):
        return "correlation entries must lie in [-1, 1]"
    if np.any(np.abs(np.diag(m) - 1.0) > _UNIT_TOLERANCE):
        return "correlation matrix must have 1 on the diagonal"
    if np.any(np.abs(m - m.T) > _UNIT_TOLERANCE):
        return "correlation matrix must be symmetric"
    if np.linalg.eigvalsh(m).min() < -_PSD_TOLERANCE:
        return "correlation matrix must be positive semi-definite"
    return None


@dataclass(frozen=True, eq=False)
class Correlation:
    """A Gaussian-copula correlation between named parameters.

    Attributes
    ----------
    names : tuple of str
        Parameter names, ``g`` of them, unique; row/column order of ``matrix``.
    matrix : np.ndarray
        float64 ``(g, g)``, read-only; a valid correlation matrix (see
        :func:`validate_correlation`), otherwise ``ValueError`` is raised.
    """

    names: tuple[str, ...]
    matrix: np.ndarray

    def __post_init__(self) -> None:
        names = tuple(self.names)
        if len(set(names)) != len(names):
            raise ValueError("correlated parameter names must be unique")
        message = validate_correlation(self.matrix)
        if message is not None:
            raise ValueError(message)
        matrix = np.array(self.matrix, dtype=np.float64)
        if matrix.shape[0] != len(names):
            raise ValueError("correlation matrix must have one row per named parameter")
        matrix.flags.writeable = False
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "matrix", matrix)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Correlation):
            return NotImplemented
        return self.names == other.names and np.array_equal(self.matrix, other.matrix)

    def __hash__(self) -> int:
        return hash((self.names, self.matrix.tobytes()))


def chunk_generator(seed: int, chunk_index: int) -> np.random.Generator:
    """The Generator of chunk ``chunk_index``: child ``chunk_index`` of ``SeedSequence(seed)``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk_index,))))


def name_key(name: str) -> int:
    """A stable 32-bit integer for a parameter name (BLAKE2b; not Python's salted hash)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


def parameter_generator(seed: int, chunk_index: int, name: str) -> np.random.Generator:
    """The Generator of one parameter (or copula group) in chunk ``chunk_index``.

    Keyed by the parameter's name, so that adding, removing or fixing another
    parameter leaves this one's draws unchanged: scenarios that differ in one
    assumption are compared on common random numbers.
    """
    key = (chunk_index, name_key(name))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def sobol_generator(seed: int) -> np.random.Generator:
    """The Generator that scrambles the run's single Sobol' sequence."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


def _qmc_rng_keyword(engine: type) -> str:
    """``"rng"`` (scipy >= 1.15) or ``"seed"`` (older) for a scipy.stats.qmc engine."""
    return "rng" if "rng" in inspect.signature(engine.__init__).parameters else "seed"


def _clip_open(u: np.ndarray) -> np.ndarray:
    """``u`` clipped into ``[U_EPSILON, 1 - U_EPSILON]``, inside the open interval (0, 1)."""
    return np.clip(u, _U_LOW, _U_HIGH)


def _factor(matrix: np.ndarray) -> np.ndarray:
    """``L`` with ``L @ L.T == matrix``: Cholesky, or an eigen factor if singular."""
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        eigenvalues, eigenvectors = np.linalg.eigh(matrix)
        return eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))


def _copula_group(
    params: Mapping[str, Distribution], correlation: Correlation | None
) -> tuple[list[str], np.ndarray | None]:
    """The correlated uncertain names and the factor of their matrix (or ``[], None``)."""
    if correlation is None:
        return [], None
    unknown = [name for name in correlation.names if name not in params]
    if unknown:
        raise ValueError(f"correlated parameters not found: {', '.join(unknown)}")
    keep = [i for i, name in enumerate(correlation.names) if not params[name].is_fixed]
    if len(keep) < 2:
        return [], None
    names = [correlation.names[i] for i in keep]
    return names, _factor(correlation.matrix[np.ix_(keep, keep)])


def _correlate_uniforms(u: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Impose the copula on uniform columns ``u`` (``n x g``); returns new uniforms."""
    z = scipy.special.ndtri(_clip_open(u))
    return _clip_open(scipy.special.ndtr(z @ factor.T))


class SharedDraws:
    """A process-wide memo of one parameter's ``mc`` draws in one chunk, for callers that
    evaluate many configs on the same worlds (sweep points, paired arms).

    A parameter's ``mc`` draws depend only on the seed, the chunk, its name, the world
    count and its prior (streams are keyed by name), so grid points that share a prior
    share its draws exactly: reusing them changes no bit of any result. Entries are
    read-only arrays; the least recently used are dropped beyond ``limit_bytes``. Only
    priors fully described by their fields are memoised (not file-backed ones).
    """

    def __init__(self, limit_bytes: int = 96 * 2**20) -> None:
        self.limit_bytes = limit_bytes
        self._entries: dict[tuple, np.ndarray] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(dist: Distribution, seed: int, chunk_index: int, name: str, n: int) -> tuple | None:
        """The memo key of a draw, or None for a prior with private state (e.g. data read from a file)."""
        if getattr(dist, "__pydantic_private__", None):
            return None
        return (seed, chunk_index, name, n, type(dist).__name__, dist.model_dump_json())

    def draw(self, dist: Distribution, seed: int, chunk_index: int, name: str, n: int) -> np.ndarray:
        """``dist.sample`` on the parameter's own stream, memoised; a read-only float64 (n,)."""
        key = self.key(dist, seed, chunk_index, name, n)
        if key is None:
            return dist.sample(parameter_generator(seed, chunk_index, name), n)
        with self._lock:
            found = self._entries.pop(key, None)
            if found is not None:
                self._entries[key] = found  # most recently used last
                return found
        found = np.asarray(dist.sample(parameter_generator(seed, chunk_index, name), n), dtype=np.float64)
        found.flags.writeable = False
        with self._lock:
            if key not in self._entries:
                self._bytes += found.nbytes
            self._entries[key] = found
            while self._bytes > self.limit_bytes and len(self._entries) > 1:
                oldest = next(iter(self._entries))
                self._bytes -= self._entries.pop(oldest).nbytes
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


_SHARED = SharedDraws()
_SHARING: contextvars.ContextVar[bool] = contextvars.ContextVar("offshore_shared_draws", default=False)


@contextlib.contextmanager
def shared_draws() -> Iterator[SharedDraws]:
    """Within this block (in this thread), ``mc`` draws of uncorrelated parameters come
    from the process's :class:`SharedDraws`, which outlives the block so that a worker's
    next task reuses them."""
    token = _SHARING.set(True)
    try:
        yield _SHARED
    finally:
        _SHARING.reset(token)


def _draw_mc(
    params: Mapping[str, Distribution],
    uncertain: Sequence[str],
    group: Sequence[str],
    factor: np.ndarray | None,
    seed: int,
    chunk_index: int,
    n: int,
) -> dict[str, np.ndarray]:
    draws: dict[str, np.ndarray] = {}
    if group:
        rng = parameter_generator(seed, chunk_index, "copula:" + "|".join(group))
        z = rng.standard_normal((n, len(group)))
        u = _clip_open(scipy.special.ndtr(z @ factor.T))
        for j, name in enumerate(group):
            draws[name] = params[name].ppf(u[:, j])
    for name in uncertain:
        if name not in draws:
            if _SHARING.get():
                draws[name] = _SHARED.draw(params[name], seed, chunk_index, name, n)
            else:
                draws[name] = params[name].sample(parameter_generator(seed, chunk_index, name), n)
    return draws


def _lhs_design(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """An ``n``-point Latin hypercube in ``d`` dimensions; float64 ``(n, d)``."""
    from scipy.stats import qmc  # imported on use: scipy.stats is slow to import

    engine = qmc.LatinHypercube(d, **{_qmc_rng_keyword(qmc.LatinHypercube): rng})
    return engine.random(n)


def _sobol_design(d: int, n: int, seed: int, start: int) -> np.ndarray:
    """Rows ``[start, start + n)`` of the run's scrambled Sobol' sequence; ``(n, d)``."""
    from scipy.stats import qmc

    engine = qmc.Sobol(d, scramble=True, **{_qmc_rng_keyword(qmc.Sobol): sobol_generator(seed)})
    if start > 0:
        engine.fast_forward(start)
        return engine.random(n)
    # From the start, scipy warns unless n is a power of two; a prefix is the same rows.
    return engine.random(1 << max(n - 1, 0).bit_length())[:n]


def _check_arguments(sampler: str, seed: int, chunk_index: int, chunk_size: int, n: int) -> None:
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; expected one of {', '.join(SAMPLERS)}")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if chunk_index < 0:
        raise ValueError("chunk_index must be non-negative")
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    if not 0 <= n <= chunk_size:
        raise ValueError(f"n must lie in [0, chunk_size={chunk_size}], got {n}")
    if sampler == "sobol":
        if chunk_size & (chunk_size - 1):
            raise ValueError(f"sobol needs a power-of-two chunk_size, got {chunk_size}")
        if chunk_index * chunk_size + n > SOBOL_MAX_ROWS:
            raise ValueError(f"sobol supports at most 2**30 = {SOBOL_MAX_ROWS} worlds")


def draw_chunk(
    params: Mapping[str, Distribution],
    *,
    sampler: str,
    seed: int,
    chunk_index: int,
    chunk_size: int,
    n: int,
    correlation: Correlation | None = None,
) -> dict[str, np.ndarray]:
    """Draw the parameters of one chunk of worlds.

    Parameters
    ----------
    params
        Parameter name -> distribution; the mapping order fixes the order in which
        random numbers and sampler dimensions are used.
    sampler
        One of :data:`SAMPLERS`.
    seed
        The run's non-negative integer seed.
    chunk_index
        Index ``k >= 0`` of the chunk.
    chunk_size
        Worlds per full chunk (a power of two for ``sobol``).
    n
        Worlds in this chunk, ``0 <= n <= chunk_size`` (the last chunk may be short).
    correlation
        Optional Gaussian-copula correlation over named parameters.

    Returns
    -------
    dict of str to np.ndarray
        Name -> float64 ``(n,)`` values in the parameter's unit, in mapping order.
        Fixed parameters are ``np.full(n, value)``.

    Raises
    ------
    ValueError
        For an unknown sampler, out-of-range sizes, a non-power-of-two ``chunk_size``
        with ``sobol``, or correlated names missing from ``params``.
    """
    _check_arguments(sampler, seed, chunk_index, chunk_size, n)
    uncertain = [name for name, dist in params.items() if not dist.is_fixed]
    group, factor = _copula_group(params, correlation)
    draws: dict[str, np.ndarray] = {}
    if uncertain and n > 0:
        if sampler == "mc":
            draws = _draw_mc(params, uncertain, group, factor, seed, chunk_index, n)
        else:
            if sampler == "lhs":
                u = _lhs_design(len(uncertain), n, chunk_generator(seed, chunk_index))
            else:
                u = _sobol_design(len(uncertain), n, seed, chunk_index * chunk_size)
            if group:
                columns = [uncertain.index(name) for name in group]
                u[:, columns] = _correlate_uniforms(u[:, columns], factor)
            u = _clip_open(u)
            draws = {name: params[name].ppf(u[:, j]) for j, name in enumerate(uncertain)}
    return {
        name: (
            np.full(n, dist.expected_value(), dtype=np.float64)
            if dist.is_fixed
            else np.asarray(draws.get(name, np.empty(0)), dtype=np.float64)
        )
        for name, dist in params.items()
    }

"""Families with finitely many values: a fixed value, a categorical law, and the
empirical distribution of a CSV column."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import PrivateAttr, ValidationInfo, model_validator

from model.distributions.base import (
    PROBABILITY_SUM_TOLERANCE,
    _as_unit_array,
    _Family,
    _invalid,
)


class Fixed(_Family):
    """A constant ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: float

    @property
    def is_fixed(self) -> bool:
        return True

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` copies of ``value``; float64 ``(n,)``. ``rng`` is not used."""
        return np.full(n, self.value, dtype=np.float64)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """``value`` in the shape of ``u``."""
        return np.full(np.shape(u), self.value, dtype=np.float64)

    def expected_value(self) -> float:
        return self.value

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)


def _step_ppf(u: np.ndarray, support: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Generalised inverse ``inf{x : F(x) >= u}`` of a discrete CDF.

    ``support`` is sorted, ``cumulative`` the CDF at each support point.
    """
    index = np.searchsorted(cumulative, _as_unit_array(u), side="left")
    return support[np.clip(index, 0, support.size - 1)]


class Categorical(_Family):
    """A discrete distribution on ``values`` with the given ``probabilities``."""

    dist: Literal["categorical"] = "categorical"
    values: list[float]
    probabilities: list[float]

    _support: np.ndarray = PrivateAttr()
    _weights: np.ndarray = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Categorical:
        if not self.values:
            raise _invalid("values must not be empty")
        if len(self.probabilities) != len(self.values):
            raise _invalid("probabilities must have one entry per value")
        p = np.asarray(self.probabilities, dtype=np.float64)
        if np.any((p < 0.0) | (p > 1.0)):
            raise _invalid("probabilities must lie in [0, 1]")
        if abs(p.sum() - 1.0) > PROBABILITY_SUM_TOLERANCE:
            raise _invalid("probabilities must sum to 1")
        values = np.asarray(self.values, dtype=np.float64)
        keep = p > 0.0
        order = np.argsort(values[keep], kind="stable")
        weights = p[keep][order]
        self._support = values[keep][order]
        self._weights = weights / weights.sum()
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws with ``rng.choice``; float64 ``(n,)``."""
        return rng.choice(self._support, size=n, p=self._weights).astype(np.float64)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Step inverse CDF over the sorted values; same shape as ``u``."""
        return _step_ppf(u, self._support, np.cumsum(self._weights))

    def expected_value(self) -> float:
        return float(np.dot(self._support, self._weights))

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


def _read_csv_column(path: Path, display: str, column: str) -> np.ndarray:
    """The finite numbers of ``column`` in the CSV file ``path`` (blank cells skipped)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or column not in reader.fieldnames:
                raise _invalid(f"{display} has no column {column!r}")
            cells = [(row_number, row.get(column)) for row_number, row in enumerate(reader, 2)]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _invalid(f"cannot read {display}: {reason}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise _invalid(f"cannot parse {display}: {exc}") from exc
    values = []
    for row_number, cell in cells:
        text = (cell or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise _invalid(f"{display} line {row_number}: {text!r} is not a finite number")
        values.append(value)
    if len(values) < 2:
        raise _invalid(f"{display} column {column!r} needs at least 2 numbers")
    return np.asarray(values, dtype=np.float64)


class Empirical(_Family):
    """The empirical distribution of a numeric column of a CSV file.

    ``file`` is relative to the config file's directory, passed as the validation
    context ``{"base_dir": Path}`` (the current directory when absent). The file is read
    once, at validation, with the :mod:`csv` module; blank cells are skipped, any other
    cell must be a finite number, and at least 2 numbers are required.
    """

    dist: Literal["empirical"] = "empirical"
    file: str
    column: str

    _data: np.ndarray = PrivateAttr()

    @model_validator(mode="after")
    def _load(self, info: ValidationInfo) -> Empirical:
        context = info.context if isinstance(info.context, dict) else {}
        base_dir = Path(context.get("base_dir") or Path.cwd())
        path = Path(self.file)
        if not path.is_absolute():
            path = base_dir / path
        self._data = np.sort(_read_csv_column(path, self.file, self.column))
        return self

    @property
    def data(self) -> np.ndarray:
        """The sorted sample read from the CSV; float64 ``(m,)`` (a copy)."""
        return self._data.copy()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """A bootstrap resample of size ``n``; float64 ``(n,)``."""
        return rng.choice(self._data, size=n, replace=True)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse empirical CDF ``x_(ceil(u m))`` (1-based, clipped); same shape as ``u``."""
        m = self._data.size
        index = np.ceil(_as_unit_array(u) * m).astype(np.int64) - 1
        return self._data[np.clip(index, 0, m - 1)]

    def expected_value(self) -> float:
        return float(self._data.mean())

    def support(self) -> tuple[float, float]:
        return (float(self._data[0]), float(self._data[-1]))  # the data are sorted

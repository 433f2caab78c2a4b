"""``ds.offshore``: read estimates from a results Dataset by name, with their errors.

>>> import model
>>> ds = model.simulate("configs/baseline.toml", n_samples=20_000)  # doctest: +SKIP
>>> ds.offshore.estimate("p_collapse")  # doctest: +SKIP
Estimate(value=0.73, se=0.003, low=0.724, high=0.736)
>>> ds.offshore.estimate("burden", country="us", component="total")  # doctest: +SKIP

A name is a registered output (:mod:`model.outputs`) or any estimate variable of the
Dataset with a selection; every estimate ``x`` has its standard error in ``x_se``.
"""

from __future__ import annotations

import xarray as xr

from model.outputs import OUTPUTS, Estimate, Output


@xr.register_dataset_accessor("offshore")
class OffshoreAccessor:
    """Estimates of an offshore results Dataset, by registered output or variable name."""

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds

    def has(self, name: str) -> bool:
        """Whether the Dataset holds the registered output or variable ``name``."""
        target = OUTPUTS[name].variable if name in OUTPUTS else name
        return target in self._ds and f"{target}_se" in self._ds

    def estimate(self, name: str, **index: object) -> Estimate:
        """The estimate of registered output ``name``, or of variable ``name`` at ``index``."""
        if name in OUTPUTS and name not in self._ds:
            out = OUTPUTS[name]
            return self._read(out.variable, dict(out.index), out.is_probability)
        probability = self._ds.variables[name].attrs.get("units") == "1"
        return self._read(name, index, probability)

    def pair(self, name: str, **index: object) -> tuple[float, float]:
        """``(value, se)`` of :meth:`estimate`, for formatting helpers that take both."""
        e = self.estimate(name, **index)
        return e.value, e.se

    def of(self, out: Output) -> Estimate:
        """The estimate of a registered output."""
        return self._read(out.variable, dict(out.index), out.is_probability)

    def _read(self, variable: str, index: dict, probability: bool) -> Estimate:
        value, se = self._ds.variables[variable], self._ds.variables[f"{variable}_se"]
        if index and value.dims == se.dims and set(index) == set(value.dims):
            # One label per dimension: look each up in its index and read the two numbers
            # directly (xarray's sel builds a new DataArray for each, a millisecond a read).
            indexes = self._ds.indexes
            at = tuple(indexes[dim].get_loc(index[dim]) if dim in indexes else None for dim in value.dims)
            if all(isinstance(i, int) for i in at):
                return Estimate.of(float(value.values[at]), float(se.values[at]), probability)
        values = self._ds[variable].sel(index) if index else self._ds[variable]
        errors = self._ds[f"{variable}_se"].sel(index) if index else self._ds[f"{variable}_se"]
        return Estimate.of(float(values), float(errors), probability)

"""Small axis helpers shared by the report's charts: number labels, interval bars, tidy axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from model.report import theme


def fmt_pct(x: float) -> str:
    """A percentage (0..100) for a chart label: ``<0.1%`` below a tenth of a percent."""
    if x == 0:
        return "0%"
    if abs(x) < 0.1:
        return "<0.1%"
    return f"{x:.1f}%"


def fmt_money(x: float) -> str:
    """Money in the chart's unit: no decimals from 10 up."""
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def xerr(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Error-bar lengths (2, n) from ``<column>_low`` and ``<column>_high`` (low clipped at 0)."""
    est = frame[column].to_numpy(float)
    lo = np.maximum(frame[f"{column}_low"].to_numpy(float), 0.0)
    hi = frame[f"{column}_high"].to_numpy(float)
    return np.vstack([np.maximum(est - lo, 0.0), np.maximum(hi - est, 0.0)])


def clean(ax, grid_axis: str = "x") -> None:
    """Grid lines along ``grid_axis`` only, no top or right spine."""
    ax.grid(False)
    ax.grid(True, axis=grid_axis, color="#e3e3e3")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def legend_below(fig: Figure, handles, labels, ncol: int) -> None:
    """One legend for the whole figure, centred below the axes."""
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False)


def thousands() -> FuncFormatter:
    """Tick labels with thousands separators and no decimals."""
    return FuncFormatter(lambda x, _pos: f"{x:,.0f}")


def inside_label(ax, x: float, y: float, text: str) -> None:
    """A bold white value centred on ``(x, y)``, inside a coloured bar."""
    ax.text(x, y, text, ha="center", va="center", color="white", fontsize=10.5, **theme.strong("white"))

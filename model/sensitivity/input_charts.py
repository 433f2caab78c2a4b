"""Charts of how each uncertain input moves the outputs: tornado, Sobol' indices, rank correlations.

One row per input (the most influential first), one panel per output, intervals as
error bars; drawn from each method's result as written to its table.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from model.labels import format_value, key_label
from model.outputs import output
from model.report.theme import BLUE, ORANGE, SKY
from model.sensitivity.charts import USD, Chart, ChartWriter, input_label, theme


def tornado_chart(result, priors, writer: ChartWriter, top: int = 15) -> Chart:
    """Japan's expected burden with each input at its p10 and p90, the others keeping their priors."""
    lo_pct, hi_pct = (f"p{v * 100:g}" for v in result.levels)
    swing = result.swing()
    k = max(1, min(top, int(np.count_nonzero(swing > 0)) or 1))
    base = result.base["japan_burden"]
    show_collapse = np.any(result.swing("p_collapse")[:k] > 0)
    with theme():
        layout = {"ncols": 2, "width_ratios": [3, 1]} if show_collapse else {}
        fig, panels = writer.figure(
            "Tornado: what moves Japan's expected burden",
            f"Each input fixed at its {lo_pct} or {hi_pct}, every other input keeping its prior "
            f"({result.worlds:,} worlds, common random numbers; bars ±1.96 se)",
            **layout,
        )
        ax = panels[0] if show_collapse else panels
        y = np.arange(k)[::-1]
        labels = []
        for i in range(k):
            unit = key_label(result.inputs[i], priors)[1] or ""
            labels.append(
                f"{input_label(result.inputs[i], priors)}\n{format_value(result.values[0, i])} – "
                f"{format_value(result.values[2, i])} {unit}"
            )
            for end, colour, height, name in (("low", SKY, 0.7, lo_pct), ("high", ORANGE, 0.38, hi_pct)):
                value = getattr(result, end)["japan_burden"][i]
                se = getattr(result, f"{end}_se")["japan_burden"][i]
                ax.barh(y[i], value - base, left=base, color=colour, height=height,
                        label=f"input at its {name}" if i == 0 else None)  # fmt: skip
                ax.errorbar(value, y[i], xerr=1.96 * se, fmt="none", ecolor="#333333", capsize=2, lw=0.8)
        ax.axvline(base, color="#333333", linewidth=1)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlabel(f"Japan's expected burden [{USD}]")
        ax.set_ylabel("uncertain input [its p10 – p90 range, unit]")
        ax.legend(loc="lower right")
        ax.set_title(f"over the priors: {base:,.0f} USD bn", fontsize=10)
        if show_collapse:
            pc = panels[1]
            pc.scatter(result.low["p_collapse"][:k], y, color=SKY, marker="o", s=40, label=lo_pct, zorder=3)
            pc.scatter(result.high["p_collapse"][:k], y, color=ORANGE, marker="D", s=25, label=hi_pct, zorder=3)
            pc.axvline(result.base["p_collapse"], color="#333333", linewidth=1)
            pc.set_yticks(y, [""] * k)
            pc.set_xlim(-0.05, 1.05)
            pc.set_xlabel("P(collapse) [probability]")
            pc.set_title("outcome", fontsize=10)
            pc.legend(loc="lower right")
    caption = (
        "One-at-a-time sensitivity of Japan's expected burden: bars run from its expectation over the priors to its "
        f"expectation with one input fixed at its {lo_pct} (wide, light) or {hi_pct} (narrow, orange), every other "
        "input keeping its distribution; whiskers are 95 % Monte Carlo intervals. Inputs are sorted by the swing "
        f"between the two ends; those with no effect are left out."
    )
    return writer.save(fig, "tornado", "Tornado", caption)


def _shared_order(scores: np.ndarray, top: int) -> np.ndarray:
    """Inputs by their largest score over outputs (NaN last), at most ``top``, zero scores dropped."""
    best = np.nanmax(np.where(np.isfinite(scores), np.abs(scores), -1.0), axis=0)
    order = np.argsort(-best, kind="stable")
    keep = [i for i in order if best[i] > 0][:top]
    return np.asarray(keep or order[:1], dtype=int)


def _bars(ax, y, values, ci, colour, offset, label, height):
    err = np.abs(np.stack([values - ci[0], ci[1] - values]))
    ax.barh(
        y + offset,
        values,
        height=height,
        color=colour,
        label=label,
        xerr=np.nan_to_num(err),
        error_kw={"elinewidth": 0.8, "capsize": 2},
    )


def _figure_legend(fig: Figure, ax) -> None:
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=len(names))


def _output_title(name: str) -> str:
    out = output(name)
    return f"{out.short['en']}\n[{out.unit}]"


def _input_panels(writer, title, subtitle, outputs, order, priors, inputs):
    fig, panels = writer.figure(title, subtitle, ncols=len(outputs), sharey=True)
    panels = np.atleast_1d(panels)
    y = np.arange(order.size)[::-1].astype(float)
    panels[0].set_yticks(y, [input_label(inputs[i], priors) for i in order], fontsize=8.5)
    panels[0].set_ylabel("uncertain input")
    return fig, panels, y


def sobol_chart(result, priors, writer: ChartWriter, top: int = 12) -> Chart:
    order = _shared_order(result.total, top)
    with theme():
        fig, panels, y = _input_panels(
            writer,
            "Sobol' indices: shares of output variance",
            f"First order (the input alone) and total order (with interactions), {result.confidence:.0%} bootstrap "
            "intervals; "
            f"n = {result.n:,} ({result.evaluations:,} model worlds). Inputs by their largest total index.",
            result.outputs,
            order,
            priors,
            result.inputs,
        )
        for o, (ax, output) in enumerate(zip(panels, result.outputs, strict=True)):
            ax.set_title(_output_title(output), fontsize=10)
            ax.set_xlabel("Sobol' index [share of variance]")
            if not np.isfinite(result.variance[o]) or result.variance[o] == 0:
                ax.text(
                    0.5,
                    0.5,
                    "constant output:\nno variance to apportion",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                )
                continue
            _bars(
                ax,
                y,
                result.total[o, order],
                result.total_ci[:, o, order],
                ORANGE,
                -0.2,
                "total order",
                0.38,
            )
            _bars(
                ax,
                y,
                result.first[o, order],
                result.first_ci[:, o, order],
                BLUE,
                0.2,
                "first order",
                0.38,
            )
            lows = result.first_ci[0, o, order]
            floor = float(np.nanmin(lows)) if np.isfinite(lows).any() else 0.0  # all NaN: a constant output
            ax.set_xlim(min(0.0, floor) - 0.02, 1.0)
        _figure_legend(fig, panels[0])
    caption = (
        f"Variance-based sensitivity (Saltelli 2010 estimators via scipy.stats.sobol_indices) of {len(result.outputs)} "
        "per-world outputs "
        "over independent draws of every uncertain input. A total index well above the first-order one means the input "
        "acts through interactions (equilibrium switches); inputs not shown have total indices of 0."
        + (" The config's input correlations are ignored here." if result.correlation_ignored else "")
    )
    return writer.save(fig, "sobol", "Sobol' indices", caption)


def rank_chart(result, priors, writer: ChartWriter, top: int = 12) -> Chart:
    order = _shared_order(result.spearman, top)
    with theme():
        fig, panels, y = _input_panels(
            writer,
            "Rank correlations of inputs with outputs",
            f"Spearman correlation (bars, {result.confidence:.0%} Fisher-z intervals) and partial rank correlation "
            "(diamonds) "
            f"over {result.n:,} sampled worlds. Inputs by their largest |Spearman|.",
            result.outputs,
            order,
            priors,
            result.inputs,
        )
        for o, (ax, output) in enumerate(zip(panels, result.outputs, strict=True)):
            ax.set_title(_output_title(output), fontsize=10)
            ax.set_xlabel("rank correlation [unitless, −1 to 1]")
            ax.set_xlim(-1, 1)
            ax.axvline(0, color="#333333", linewidth=0.8)
            if not np.any(np.isfinite(result.spearman[o])):
                ax.text(0.5, 0.5, "constant output", ha="center", va="center", transform=ax.transAxes)
                continue
            _bars(
                ax,
                y,
                result.spearman[o, order],
                result.spearman_ci[:, o, order],
                BLUE,
                0.0,
                "Spearman",
                0.6,
            )
            ax.scatter(
                result.prcc[o, order],
                y,
                color=ORANGE,
                marker="D",
                s=22,
                zorder=3,
                label="partial (PRCC)",
            )
        _figure_legend(fig, panels[0])
    caption = (
        "Monotone association between each uncertain input and each output over Monte Carlo worlds drawn as in a run. "
        "The partial coefficient removes the other inputs' (rank) effects."
    )
    return writer.save(fig, "rank_correlations", "Rank correlations", caption)

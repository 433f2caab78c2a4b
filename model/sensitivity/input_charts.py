"""Charts of how each uncertain input moves the outputs: tornado, Sobol' indices, rank correlations.

One row per input (the most influential first), one panel per output, intervals as
error bars; drawn from each method's result as written to its table.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from model.labels import format_value, unit_label
from model.outputs import output
from model.report.theme import BLUE, ORANGE, SKY, wrap_label
from model.sensitivity.charts import Chart, ChartWriter


def tornado_chart(result, priors, writer: ChartWriter, top: int = 15) -> Chart:
    """Japan's expected burden with each input at its p10 and p90, the others keeping their priors."""
    lo_pct, hi_pct = (f"p{v * 100:g}" for v in result.levels)
    swing = result.swing()
    k = max(1, min(top, int(np.count_nonzero(swing > 0)) or 1))
    base = result.base["japan_burden"]
    show_collapse = np.any(result.swing("p_collapse")[:k] > 0)
    w = writer.words
    with writer.theme():
        layout = {"ncols": 2, "width_ratios": [3, 1]} if show_collapse else {}
        fig, panels = writer.figure(
            w("chart_tornado"),
            w("chart_tornado_sub", low=lo_pct, high=hi_pct, worlds=f"{result.worlds:,}"),
            **layout,
        )
        ax = panels[0] if show_collapse else panels
        y = np.arange(k)[::-1]
        labels = []
        for i in range(k):
            unit = w.unit(result.inputs[i], priors)
            labels.append(
                f"{w.name(result.inputs[i], priors)}\n{format_value(result.values[0, i])} – "
                f"{format_value(result.values[2, i])} {unit}"
            )
            for end, colour, height, name in (("low", SKY, 0.7, lo_pct), ("high", ORANGE, 0.38, hi_pct)):
                value = getattr(result, end)["japan_burden"][i]
                se = getattr(result, f"{end}_se")["japan_burden"][i]
                ax.barh(y[i], value - base, left=base, color=colour, height=height,
                        label=w("legend_input_at", level=name) if i == 0 else None)  # fmt: skip
                ax.errorbar(value, y[i], xerr=1.96 * se, fmt="none", ecolor="#333333", capsize=2, lw=0.8)
        ax.axvline(base, color="#333333", linewidth=1)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlabel(w("axis_japan_burden", unit=w.usd))
        ax.set_ylabel(w("axis_tornado_inputs", low=lo_pct, high=hi_pct))
        ax.legend(loc="lower right")
        ax.set_title(w("tornado_base", value=f"{base:,.0f}", unit=w.usd), fontsize=10)
        if show_collapse:
            pc = panels[1]
            pc.scatter(result.low["p_collapse"][:k], y, color=SKY, marker="o", s=40, label=lo_pct, zorder=3)
            pc.scatter(result.high["p_collapse"][:k], y, color=ORANGE, marker="D", s=25, label=hi_pct, zorder=3)
            pc.axvline(result.base["p_collapse"], color="#333333", linewidth=1)
            pc.set_yticks(y, [""] * k)
            pc.set_xlim(-0.05, 1.05)
            pc.set_xlabel(f"{w.output('p_collapse')} [{w.probability}]")
            pc.set_title(w("tornado_outcome"), fontsize=10)
            pc.legend(loc="lower right")
    caption = w("caption_tornado", low=lo_pct, high=hi_pct)
    return writer.save(fig, "tornado", w("chart_tornado_short"), caption)


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


def _output_title(words, name: str) -> str:
    return f"{words.output(name)}\n[{unit_label(output(name).unit, words.lang)}]"


def _input_panels(writer, title, subtitle, outputs, order, priors, inputs):
    fig, panels = writer.figure(title, subtitle, ncols=len(outputs), sharey=True)
    fig.get_layout_engine().set(wspace=0.04)
    panels = np.atleast_1d(panels)
    y = np.arange(order.size)[::-1].astype(float)
    panels[0].set_yticks(y, [writer.words.name(inputs[i], priors) for i in order], fontsize=8.5)
    panels[0].set_ylabel(writer.words("axis_uncertain_input"))
    return fig, panels, y


def _panel_label(text: str, panels: int) -> str:
    """An axis label wrapped to fit under one of ``panels`` side-by-side panels."""
    return "\n".join(wrap_label(text, max(16, 96 // max(panels, 1))))


def sobol_chart(result, priors, writer: ChartWriter, top: int = 12) -> Chart:
    order = _shared_order(result.total, top)
    w = writer.words
    with writer.theme():
        fig, panels, y = _input_panels(
            writer,
            w("chart_sobol"),
            w(
                "chart_sobol_sub",
                confidence=f"{result.confidence:.0%}",
                n=f"{result.n:,}",
                evaluations=f"{result.evaluations:,}",
            ),
            result.outputs,
            order,
            priors,
            result.inputs,
        )
        for o, (ax, output) in enumerate(zip(panels, result.outputs, strict=True)):
            ax.set_title(_output_title(w, output), fontsize=10)
            ax.set_xlabel(_panel_label(w("axis_sobol"), len(panels)))
            if not np.isfinite(result.variance[o]) or result.variance[o] == 0:
                ax.text(
                    0.5,
                    0.5,
                    w("constant_output_variance"),
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
                w("legend_total_order"),
                0.38,
            )
            _bars(
                ax,
                y,
                result.first[o, order],
                result.first_ci[:, o, order],
                BLUE,
                0.2,
                w("legend_first_order"),
                0.38,
            )
            lows = result.first_ci[0, o, order]
            floor = float(np.nanmin(lows)) if np.isfinite(lows).any() else 0.0  # all NaN: a constant output
            ax.set_xlim(min(0.0, floor) - 0.02, 1.0)
        _figure_legend(fig, panels[0])
    caption = w("caption_sobol", outputs=len(result.outputs)) + (
        w("caption_sobol_correlation") if result.correlation_ignored else ""
    )
    return writer.save(fig, "sobol", w("chart_sobol_short"), caption)


def rank_chart(result, priors, writer: ChartWriter, top: int = 12) -> Chart:
    order = _shared_order(result.spearman, top)
    w = writer.words
    with writer.theme():
        fig, panels, y = _input_panels(
            writer,
            w("chart_rank"),
            w("chart_rank_sub", confidence=f"{result.confidence:.0%}", n=f"{result.n:,}"),
            result.outputs,
            order,
            priors,
            result.inputs,
        )
        for o, (ax, output) in enumerate(zip(panels, result.outputs, strict=True)):
            ax.set_title(_output_title(w, output), fontsize=10)
            ax.set_xlabel(_panel_label(w("axis_rank"), len(panels)))
            ax.set_xlim(-1.05, 1.05)
            ax.axvline(0, color="#333333", linewidth=0.8)
            if not np.any(np.isfinite(result.spearman[o])):
                ax.text(0.5, 0.5, w("constant_output"), ha="center", va="center", transform=ax.transAxes)
                continue
            _bars(
                ax,
                y,
                result.spearman[o, order],
                result.spearman_ci[:, o, order],
                BLUE,
                0.0,
                w("legend_spearman"),
                0.6,
            )
            ax.scatter(
                result.prcc[o, order],
                y,
                color=ORANGE,
                marker="D",
                s=22,
                zorder=3,
                label=w("legend_prcc"),
            )
        _figure_legend(fig, panels[0])
    return writer.save(fig, "rank_correlations", w("chart_rank_short"), w("caption_rank"))

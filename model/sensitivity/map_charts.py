"""Charts over the input space: PRIM's peeling trajectory and boxes, and the regime map."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from model.labels import format_value
from model.report.theme import BLUE, GREY, ORANGE, RED, eq_set_colour, sequential_cmap, wrap_label
from model.sensitivity.charts import Chart, ChartWriter, key_slug


def prim_chart(result, priors, writer: ChartWriter) -> Chart:
    """Peeling trajectory and the boxes found for one target (a registered output, ``result.target``)."""
    w = writer.words
    label = w.output_label(result.target)
    with writer.theme():
        fig, (traj, bounds) = writer.figure(
            w("chart_prim", question=w(f"prim_question_{result.target}")),
            w(
                "chart_prim_sub",
                n=f"{result.n:,}",
                mean=f"{result.total_density:.3f}",
                threshold=f"{result.threshold:g}",
            ),
            ncols=2,
            width_ratios=[1, 1.3],
        )
        markers = ("o", "s", "^")
        for b, found in enumerate(result.boxes):
            cov = [s.coverage for s in found.trajectory]
            den = [s.density for s in found.trajectory]
            restricted = [int(s.box.restricted.sum()) for s in found.trajectory]
            points = traj.scatter(
                cov,
                den,
                c=restricted,
                cmap=sequential_cmap(),
                vmin=0,
                vmax=max(max(restricted), 1),
                edgecolors="#555555",
                linewidths=0.3,
                s=22,
                marker=markers[b % 3],
                label=w("legend_box_trajectory", box=b + 1),
            )
            chosen = found.trajectory[found.chosen]
            traj.scatter(
                [chosen.coverage],
                [chosen.density],
                facecolors="none",
                edgecolors=RED,
                s=120,
                linewidths=1.5,
            )
            traj.scatter(
                [found.stats.coverage],
                [found.stats.density],
                color=RED,
                marker="*",
                s=160,
                zorder=4,
                label=w("legend_box_chosen", box=b + 1, rule=w(f"word_{found.rule}")),
            )
        if result.boxes:
            fig.colorbar(points, ax=traj, label=w("axis_restricted_inputs"))
        traj.axhline(result.threshold, color=GREY, linestyle="--", linewidth=1)
        traj.set_xlabel(w("axis_coverage"))
        traj.set_ylabel(w("axis_density"))
        traj.set_xlim(-0.02, 1.03)
        traj.set_ylim(-0.02, 1.03)
        traj.legend(loc="lower left")
        rows = []
        for b, found in enumerate(result.boxes):
            for j in np.flatnonzero(found.stats.box.restricted):
                rows.append((b, j, found))
        y = np.arange(len(rows))[::-1]
        names = []
        for yi, (b, j, found) in zip(y, rows, strict=True):
            lo_data, hi_data = result.data_min[j], result.data_max[j]
            span = hi_data - lo_data if hi_data > lo_data else 1.0
            lo = found.stats.box.lower[j] if np.isfinite(found.stats.box.lower[j]) else lo_data
            hi = found.stats.box.upper[j] if np.isfinite(found.stats.box.upper[j]) else hi_data
            bounds.plot([0, 1], [yi, yi], color="#cccccc", linewidth=6, solid_capstyle="butt")
            bounds.plot(
                [(lo - lo_data) / span, (hi - lo_data) / span],
                [yi, yi],
                color=BLUE if b == 0 else ORANGE,
                linewidth=6,
                solid_capstyle="butt",
            )
            unit = w.unit(result.inputs[j], priors)
            bounds.annotate(
                f"{format_value(float(lo))} – {format_value(float(hi))} {unit}",
                ((lo - lo_data) / span, yi),
                xytext=(0, 7),
                textcoords="offset points",
                fontsize=8,
            )
            names.append(w("box_input", box=b + 1, input=w.name(result.inputs[j], priors)))
        bounds.set_yticks(y, names, fontsize=8)
        bounds.set_xlim(-0.02, 1.02)
        bounds.set_ylim(-0.8, max(len(rows), 1) - 0.2)
        bounds.set_xlabel("\n".join(wrap_label(w("axis_box_position"), 32)))
        bounds.set_title(w("prim_limits"), fontsize=10)
    caption = w("caption_prim", target=label if w.zh else label.lower())
    return writer.save(fig, f"prim_{result.target}", w("chart_prim_short", target=label), caption)


def _edges(centres: np.ndarray) -> np.ndarray:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[centres[0] - (mid[0] - centres[0])], mid, [centres[-1] + (centres[-1] - mid[-1])]])


def boundary_segments(modal: np.ndarray, xe: np.ndarray, ye: np.ndarray) -> list:
    """Cell-edge segments where the category changes between neighbouring cells."""
    segments = []
    ny, nx = modal.shape
    for iy in range(ny):
        for ix in range(nx - 1):
            if modal[iy, ix] != modal[iy, ix + 1]:
                segments.append([(xe[ix + 1], ye[iy]), (xe[ix + 1], ye[iy + 1])])
    for iy in range(ny - 1):
        for ix in range(nx):
            if modal[iy, ix] != modal[iy + 1, ix]:
                segments.append([(xe[ix], ye[iy + 1]), (xe[ix + 1], ye[iy + 1])])
    return segments


def regime_chart(result, priors, writer: ChartWriter) -> Chart:
    xe, ye = _edges(result.x_values), _edges(result.y_values)
    modal = result.modal
    codes = list(result.codes)
    index = np.vectorize(codes.index)(modal)
    others: dict[int, Any] = {}
    colours = [eq_set_colour(int(c), others) for c in codes]
    segments = boundary_segments(modal, xe, ye)
    w = writer.words
    xlabel, ylabel = w.axis(result.x_key, priors, wrap=True), w.axis(result.y_key, priors, wrap=True)
    xname, yname = w.name(result.x_key, priors), w.name(result.y_key, priors)
    with writer.theme():
        fig, panels = writer.figure(
            w("chart_regime"),
            w("chart_regime_sub", x=xname, y=yname, n=f"{result.n:,}"),
            ncols=3,
        )
        fig.get_layout_engine().set(wspace=0.04)
        cmap = ListedColormap(colours)
        norm = BoundaryNorm(np.arange(len(codes) + 1) - 0.5, len(codes))
        panels[0].pcolormesh(xe, ye, index, cmap=cmap, norm=norm, shading="flat")
        present = sorted(set(np.unique(index).tolist()))
        panels[0].legend(
            handles=[Patch(color=colours[i], label=w.eq_code(int(codes[i]))) for i in present],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncols=min(len(present), 3),
            fontsize=8,
        )
        panels[0].set_title(w("regime_modal"), fontsize=10)
        for ax, name, title, unit in (
            (panels[1], "p_collapse", w.output("p_collapse"), w.probability),
            (panels[2], "japan_burden", w.output_label("japan_burden"), w.usd),
        ):
            mesh = ax.pcolormesh(xe, ye, result.mean[name], cmap=sequential_cmap(), shading="flat")
            fig.colorbar(mesh, ax=ax, location="bottom", label=f"{title}\n[{unit}]", shrink=0.9)
            ax.set_title(title, fontsize=10)
        for ax in panels:
            ax.add_collection(LineCollection(segments, colors="black", linewidths=1.2))
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_xlim(xe[0], xe[-1])
            ax.set_ylim(ye[0], ye[-1])
            ax.grid(False)
    return writer.save(
        fig,
        f"regime_map_{key_slug(result.x_key)}_{key_slug(result.y_key)}",
        w("chart_regime"),
        w("caption_regime", x=xname, y=yname),
    )

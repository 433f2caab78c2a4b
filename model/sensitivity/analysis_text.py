"""The sentences that describe each sensitivity method's result, in the page's language.

English uses each result's own ``describe()`` (the text ``offshore sensitivity``
prints); other languages build the same sentences, with the same numbers, from the
locales (``study_describe_*`` keys) through :class:`~model.sensitivity.words.StudyWords`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from model.sensitivity.analysis import PRIM_TARGETS
from model.sensitivity.words import StudyWords


def _num(x: float, spec: str = ".2f") -> str:
    """A number, or a dash when it is not finite (a bootstrap interval of too few worlds)."""
    return format(x, spec) if np.isfinite(x) else "—"


def describe_tornado(r, w: StudyWords, priors: Mapping[str, Any], top: int = 8) -> str:
    if not w.zh:
        return r.describe(top)
    lo, hi = (f"p{v * 100:g}" for v in r.levels)
    lines = [
        w(
            "describe_tornado_base",
            worlds=f"{r.worlds:,}",
            burden=f"{r.base['japan_burden']:,.1f}",
            unit=w.usd,
            played=r.played[0],
            outcome=w.cell("outcome", r.outcome[0], {}),
        )
    ]
    swing = r.swing()
    for i in range(min(top, len(r.inputs))):
        if swing[i] == 0:
            break
        lines.append(
            w(
                "describe_tornado_input",
                rank=i + 1,
                input=w.name(r.inputs[i], priors),
                low=f"{r.low['japan_burden'][i]:,.1f}",
                low_level=lo,
                high=f"{r.high['japan_burden'][i]:,.1f}",
                high_level=hi,
                swing=f"{swing[i]:,.1f}",
                ci=f"{1.96 * r.swing_se['japan_burden'][i]:,.1f}",
                unit=w.usd,
            )
        )
    return "\n".join(lines)


def describe_sobol(r, w: StudyWords, priors: Mapping[str, Any], top: int = 4) -> str:
    if not w.zh:
        return r.describe(top)
    lines = []
    for o, name in enumerate(r.outputs):
        label = w.output_label(name)
        if not np.isfinite(r.variance[o]) or r.variance[o] == 0:
            lines.append(w("describe_constant", output=label))
            continue
        order = np.argsort(-r.total[o], kind="stable")[:top]
        parts = [
            f"{w.name(r.inputs[i], priors)} {_num(r.total[o, i])} [{_num(r.total_ci[0, o, i])}, "
            f"{_num(r.total_ci[1, o, i])}]"
            for i in order
        ]
        interaction = max(0.0, 1.0 - float(np.nansum(r.first[o])))
        lines.append(
            w("describe_sobol", output=label, indices=w("list_sep2").join(parts), interaction=f"{interaction:.2f}")
        )
    return "\n".join(lines)


def describe_rank(r, w: StudyWords, priors: Mapping[str, Any], top: int = 4) -> str:
    if not w.zh:
        return r.describe(top)
    lines = []
    for o, name in enumerate(r.outputs):
        label = w.output_label(name)
        if not np.any(np.isfinite(r.spearman[o])):
            lines.append(w("describe_constant", output=label))
            continue
        order = np.argsort(-np.nan_to_num(np.abs(r.spearman[o]), nan=-1.0), kind="stable")[:top]
        parts = [f"{w.name(r.inputs[i], priors)} {r.spearman[o, i]:+.2f}（PRCC {r.prcc[o, i]:+.2f}）" for i in order]
        lines.append(w("describe_rank", output=label, correlations=w("list_sep2").join(parts)))
    return "\n".join(lines)


def describe_prim(r, w: StudyWords, priors: Mapping[str, Any]) -> str:
    if not w.zh:
        return r.describe(PRIM_TARGETS[r.target])
    lines = [w("describe_prim", target=w.output_label(r.target), n=f"{r.n:,}", mean=f"{r.total_density:.3f}")]
    for b, found in enumerate(r.boxes):
        s = found.stats
        lines.append(
            w(
                "describe_prim_box",
                box=b + 1,
                rule=w(f"word_{found.rule}"),
                coverage=f"{s.coverage:.2f}",
                density=f"{s.density:.2f}",
                mass=f"{s.mass:.3f}",
                bounds=w("list_sep2").join(r.bounds_text(s.box, lambda key: w.name(key, priors))),
            )
        )
    return "\n".join(lines)


def describe_regime(r, w: StudyWords, priors: Mapping[str, Any]) -> str:
    if not w.zh:
        return r.describe()
    labels = sorted({w.eq_code(int(c)) for c in np.unique(r.modal)})
    lo, hi = (
        np.unravel_index(np.argmin(r.mean["p_collapse"]), r.modal.shape),
        np.unravel_index(np.argmax(r.mean["p_collapse"]), r.modal.shape),
    )
    x, y = w.name(r.x_key, priors), w.name(r.y_key, priors)
    return w(
        "describe_regime",
        nx=r.x_values.size,
        ny=r.y_values.size,
        n=f"{r.n:,}",
        count=len(labels),
        sets=w("list_sep").join(labels),
        low=f"{r.mean['p_collapse'][lo]:.3f}",
        low_at=f"{x} = {r.x_values[lo[1]]:.4g}{w('list_sep')}{y} = {r.y_values[lo[0]]:.4g}",
        high=f"{r.mean['p_collapse'][hi]:.3f}",
        high_at=f"{x} = {r.x_values[hi[1]]:.4g}{w('list_sep')}{y} = {r.y_values[hi[0]]:.4g}",
    )


def summary(results, w: StudyWords, priors: Mapping[str, Any]) -> str:
    """The plain-text summary of every method (``results.summary()`` in English)."""
    if not w.zh:
        return results.summary()
    describe = {"tornado": describe_tornado, "sobol": describe_sobol, "rank": describe_rank, "regime": describe_regime}
    lines = []
    for method, result in results.parts.items():
        tag = w(f"method_{method}")
        if method == "prim":
            lines += [f"[{tag}] {describe_prim(r, w, priors)}" for r in result.values()]
        else:
            top = {"tornado": 5}.get(method)
            text = describe[method](result, w, priors, top) if top else describe[method](result, w, priors)
            lines.append(f"[{tag}] {text}")
    return "\n".join(lines)

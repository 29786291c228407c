r"""Figure of compressed computation: per-feature loss of the trained toy against the naive baseline.

:func:`plot_compressed_computation` draws, for each condition of
:func:`theory.circuits.compressed.compressed_ablation` (the toy with its mixing matrix, with clean
labels, with an orthogonal embedding), the loss of every feature divided by the feature
probability, :math:`L_i/p`, sorted ascending and averaged over seeds, beside the naive model that
computes ``width`` ReLUs exactly (:math:`L_i/p = 0`) and outputs 0 on the rest
(:math:`L_i/p = 1/6`). A dotted line marks the naive mean :math:`(n - \mathrm{width})/(6n)`; the
legend gives each condition's mean :math:`L/p` and gain (naive loss / model loss). The recipe in
:data:`FIGURES` trains a small ablation first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["FIGURES", "plot_compressed_computation"]

_STYLE = {
    "mixed": ("#D55E00", "with mixing (Braun et al. toy)"),
    "clean_labels": ("#0072B2", "mixing removed: clean labels"),
    "orthogonal": ("#009E73", "mixing removed: orthogonal embedding"),
}


def _curves(result: Any, p: float | None, width: int | None) -> tuple[dict[str, np.ndarray], float, int]:
    from theory.circuits.compressed import CompressedAblation, CompressedResult

    if isinstance(result, CompressedAblation):
        result = result.results
    if not isinstance(result, Mapping) or not result:
        raise TypeError(
            "result must be a CompressedAblation or a non-empty dict of condition -> CompressedResult "
            f"or per-feature losses, got {type(result).__name__}"
        )
    curves: dict[str, np.ndarray] = {}
    for name, r in result.items():
        if isinstance(r, CompressedResult):
            curves[name] = np.sort(r.per_feature_loss, axis=1).mean(axis=0)
            p, width = r.p, r.width
        else:
            a = np.asarray(r, dtype=float)
            if a.ndim not in (1, 2) or a.size == 0 or not np.all(np.isfinite(a)):
                raise ValueError(f"per-feature losses of {name!r} must be a finite 1-D or (seeds, n) array")
            curves[name] = np.sort(a, axis=-1).mean(axis=0) if a.ndim == 2 else np.sort(a)
    if p is None or width is None:
        raise ValueError("p and width are needed when result holds plain arrays")
    if not (0 < p <= 1):
        raise ValueError(f"p must be in (0, 1], got {p}")
    return curves, float(p), int(width)


def plot_compressed_computation(
    result: Any, ax: Any = None, *, p: float | None = None, width: int | None = None
) -> Any:
    r"""Sorted per-feature loss :math:`L_i/p` of trained toys with and without mixing, and the naive baseline.

    Parameters
    ----------
    result : CompressedAblation, or dict of str to CompressedResult or array
        From :func:`~theory.circuits.compressed.compressed_ablation`; or condition names mapped to
        per-feature losses, shape ``(n,)`` or ``(seeds, n)`` (then ``p`` and ``width`` are needed).
    ax : matplotlib Axes, optional
    p : float, optional
        Feature probability (taken from the results when they are ``CompressedResult``).
    width : int, optional
        Neurons of the naive baseline.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> curves = {"mixed": np.linspace(0.0, 0.12, 10) * 0.01, "clean_labels": np.r_[np.zeros(5), np.full(5, 0.01 / 6)]}
    >>> ax = plot_compressed_computation(curves, p=0.01, width=5)
    >>> ax.get_ylabel()
    'loss per feature $L_i/p$'
    """
    curves, p, width = _curves(result, p, width)
    n = len(next(iter(curves.values())))
    ax = get_ax(ax, figsize=(4.8, 3.4), layout="constrained")
    rank = np.arange(1, n + 1)
    naive = np.r_[np.zeros(min(width, n)), np.full(max(n - width, 0), 1.0 / 6.0)]
    naive_mean = max(n - width, 0) / n / 6.0
    for name, c in curves.items():
        col, lab = _STYLE.get(name, ("k", name))
        mean = float(np.mean(c)) / p
        gain = naive_mean / mean if mean > 0 else np.inf
        ax.plot(rank, c / p, "-", color=col, lw=1.4, label=f"{lab}: L/p = {mean:.4f}, gain {gain:.3f}")
    ax.step(
        rank,
        naive,
        where="mid",
        color="k",
        ls="--",
        lw=1.0,
        label=f"naive: {width} ReLUs exact, rest 0 (L/p = {naive_mean:.4f})",
    )
    ax.axhline(naive_mean, color="k", ls=":", lw=0.8)
    ax.set_xlabel("feature (sorted by loss)")
    ax.set_ylabel("loss per feature $L_i/p$")
    ax.set_xlim(1, n)
    top = max(1.0 / 6.0, max(float(np.max(c)) / p for c in curves.values()))
    ax.set_ylim(0, 1.3 * top)
    ax.set_title(f"compressed computation: n={n}, width={width}, p={p:g}", fontsize=7)
    ax.legend(fontsize=5.5, loc="upper left")
    return ax


def _compressed_figure(quick: bool) -> Any:
    from theory.circuits.compressed import compressed_ablation

    if quick:
        ab = compressed_ablation(n=20, dim=200, width=10, p=0.05, seeds=1, steps=300, batch=512, eval_batch=50_000)
    else:
        ab = compressed_ablation(seeds=2)
    return plot_compressed_computation(ab).figure


#: Figure recipes for ``theory figures`` (to be merged into ``theory.figures.circuits.FIGURES``).
FIGURES = {"compressed_computation": _compressed_figure}

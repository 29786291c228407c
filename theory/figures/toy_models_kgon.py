r"""Figure of the k-gon critical losses of the 2-dimensional toy model with training curves.

:func:`plot_kgon_losses` draws the loss levels of :func:`theory.toy_models.kgon.kgon_critical_points`
as horizontal lines (labelled in the paper's notation, ``5+`` = 5-gon with one positive dead
bias) and, optionally, training curves of the exact population loss
(:func:`theory.toy_models.kgon.train_tms`) whose plateaus sit on those lines
(Chen, Lau, Mendel, Wei & Murfet 2023, arXiv:2310.06301). The recipe in :data:`FIGURES` trains a
few small runs first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["FIGURES", "plot_kgon_losses"]


def plot_kgon_losses(points: Any, run: Any = None, ax: Any = None, *, k_min: int = 3, max_curves: int = 8) -> Any:
    r"""Critical k-gon loss levels (lines) and training curves (exact loss against step).

    Parameters
    ----------
    points : list of KGonCriticalPoint
        From :func:`theory.toy_models.kgon.kgon_critical_points`.
    run : TMSRun, optional
        From :func:`theory.toy_models.kgon.train_tms`; its first ``max_curves`` instances are drawn.
    ax : matplotlib Axes, optional
    k_min : int
        Levels of polygons with fewer vertices are not drawn (they lie far above).
    max_curves : int

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from theory.toy_models.kgon import kgon_critical_points
    >>> ax = plot_kgon_losses(kgon_critical_points(6, k_min=4))
    >>> ax.get_ylabel()
    'population loss $L$'

    References
    ----------
    .. [1] Chen, Z., Lau, E., Mendel, J., Wei, S. and Murfet, D. (2023). Dynamical versus Bayesian
       phase transitions in a toy model of superposition. arXiv:2310.06301.
    """
    from theory._validation import check_int

    k_min = check_int(k_min, "k_min", minimum=0)
    max_curves = check_int(max_curves, "max_curves", minimum=0)
    pts = [p for p in points if p.k >= k_min]
    if not pts:
        raise ValueError(f"points must hold at least one critical point with k >= k_min = {k_min}")
    ax = get_ax(ax, figsize=(5.0, 3.4), layout="constrained")
    top = max(p.loss for p in pts)
    if run is not None:
        steps = np.maximum(np.asarray(run.steps), 1)
        for i in range(min(max_curves, run.losses.shape[1])):
            ax.plot(steps, run.losses[:, i], lw=0.9, alpha=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("optimizer step")
        top = max(top, float(np.min(run.losses[0])))
    else:
        ax.set_xticks([])
    for p in pts:
        ax.axhline(p.loss, color="0.4", lw=0.6, ls="--", zorder=0)
        ax.annotate(
            p.label,
            (1.0, p.loss),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=6,
            va="center",
        )
    lo = min(p.loss for p in pts)
    ax.set_ylim(lo - 0.05 * (top - lo + 1e-3), min(top, 1.3 * max(p.loss for p in pts)) + 0.01)
    ax.set_ylabel("population loss $L$")
    n = pts[0].n
    ax.set_title(f"k-gon critical losses, n = {n} features, 2 dims (dashed) and training curves", fontsize=7)
    return ax


def _kgon_losses_figure(quick: bool) -> Any:
    from theory.toy_models.kgon import kgon_critical_points, train_tms

    run = train_tms(
        6,
        steps=8000 if quick else 30_000,
        lr=2e-3,
        optimizer="adam",
        n_instances=6,
        init="random",
        init_scale=0.1,
        log_every=50 if quick else 100,
        rng=0,
    )
    return plot_kgon_losses(kgon_critical_points(6), run).figure


#: Figure recipes for ``theory figures`` (to be merged into ``theory.figures.toy_models.FIGURES``).
FIGURES = {"kgon_losses": _kgon_losses_figure}

r"""Figure of the recovery phase diagram: 50% success lines of sparse inference against the l1 weak threshold.

:func:`plot_recovery_phase_diagram` draws, in the Donoho–Tanner plane (:math:`\delta = \mathrm{dim}/n`
across, :math:`\rho = k/\mathrm{dim}` up), the 50% success contour of each method of
:func:`theory.experiments.sparse_coding.recovery_phase_diagram` and the nonnegative weak threshold
:math:`\rho_W^+(\delta)` of :func:`theory.interference.l1_weak_threshold` (``nonnegative=True``: the
codes are nonnegative). The recipe in :data:`FIGURES` runs a small diagram first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["FIGURES", "plot_recovery_phase_diagram"]

_STYLE = {
    "threshold": ("#D55E00", "thresholding (top-k)"),
    "omp": ("#0072B2", "OMP (k steps)"),
    "fista": ("#009E73", "LASSO (FISTA)"),
    "bp": ("#CC79A7", "basis pursuit"),
}


def plot_recovery_phase_diagram(
    result: Any, ax: Any = None, *, methods: Any = None, shade: str | None = "fista"
) -> Any:
    r"""50% success contours of each method over :math:`(\delta, \rho)` with the weak threshold :math:`\rho_W^+`.

    Parameters
    ----------
    result : RecoveryPhaseDiagram or dict
        From :func:`~theory.experiments.sparse_coding.recovery_phase_diagram`, or its
        :meth:`~theory.experiments.sparse_coding.RecoveryPhaseDiagram.to_dict` form.
    ax : matplotlib Axes, optional
    methods : sequence of str, optional
        Methods to draw (default: all in ``result``).
    shade : str or None
        Method whose success fraction is shown as a grey background, darker where it succeeds
        more often (None for none).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from theory.experiments.sparse_coding import RecoveryPhaseDiagram
    >>> s = np.array([[1.0, 0.6, 0.0], [1.0, 1.0, 0.2]])
    >>> r = RecoveryPhaseDiagram(20, np.array([0.3, 0.6]), np.array([0.1, 0.3, 0.5]),
    ...                          np.array([[67] * 3, [33] * 3]), np.array([[2, 6, 10]] * 2),
    ...                          {"omp": s, "fista": s}, 10)
    >>> ax = plot_recovery_phase_diagram(r)
    >>> ax.get_xlabel()
    '$\\delta = \\mathrm{dim}/n$'
    """
    from theory.experiments.sparse_coding import RecoveryPhaseDiagram
    from theory.interference import l1_weak_threshold

    if isinstance(result, dict):
        result = RecoveryPhaseDiagram.from_dict(result)
    if not isinstance(result, RecoveryPhaseDiagram):
        raise TypeError(f"result must be a RecoveryPhaseDiagram or its to_dict() form, got {type(result).__name__}")
    methods = list(result.success) if methods is None else list(methods)
    bad = [m for m in methods if m not in result.success]
    if bad:
        raise ValueError(f"methods must be among {sorted(result.success)}, got {bad}")
    ax = get_ax(ax, figsize=(4.6, 3.4), layout="constrained")
    d, r = result.deltas, result.rhos
    if shade is not None and shade in result.success and d.size > 1 and r.size > 1:
        mesh = ax.pcolormesh(d, r, result.success[shade].T, cmap="Greys", vmin=0, vmax=1.6, shading="nearest")
        mesh.set_rasterized(True)
    for m in methods:
        col, lab = _STYLE.get(m, ("k", m))
        ax.plot(d, result.boundary(m), "o-", color=col, ms=3, lw=1.2, label=f"{lab}, 50%")
    dd = np.linspace(max(1e-3, float(d.min()) * 0.9), min(1.0, float(d.max()) * 1.05), 120)
    ax.plot(
        dd,
        [l1_weak_threshold(float(x), nonnegative=True) for x in dd],
        "k--",
        lw=1.2,
        label=r"$\rho_W^+(\delta)$ (nonneg. $\ell_1$ weak threshold)",
    )
    ax.set_xlabel(r"$\delta = \mathrm{dim}/n$")
    ax.set_ylabel(r"$\rho = k/\mathrm{dim}$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(
        f"recovery of nonnegative k-sparse codes, Gaussian D, dim={result.dim}, {result.trials} trials", fontsize=7
    )
    ax.legend(fontsize=6, loc="upper left")
    return ax


def _recovery_phase_figure(quick: bool) -> Any:
    from theory.experiments.sparse_coding import recovery_phase_diagram
    from theory.sweep import Runner

    if quick:
        res = recovery_phase_diagram(
            dim=16,
            ratios_n=[0.3, 0.6, 0.9],
            ratios_k=[0.07, 0.25, 0.5, 0.75],
            trials=6,
            bp=False,
            runner=Runner(executor="serial"),
        )
    else:
        res = recovery_phase_diagram(
            dim=32, ratios_n=[0.2, 0.35, 0.5, 0.65, 0.8], ratios_k=[0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9], trials=20
        )
    return plot_recovery_phase_diagram(res).figure


#: Figure recipes for ``theory figures`` (to be merged into ``theory.figures.sparse_coding.FIGURES``).
FIGURES = {"recovery_phase": _recovery_phase_figure}


# ----------------------------------------------------------------------------------------------
# ER-SpUD sample threshold
# ----------------------------------------------------------------------------------------------


def plot_spud_threshold(result: Any, ax: Any = None) -> Any:
    r"""Success rate of ER-SpUD against :math:`C = p/(n\log n)`, one line per dictionary size ``n``.

    Each point is the fraction of trials in which ER-SpUD (DC) recovered a Gaussian ``n × n``
    dictionary from :math:`p` Bernoulli(θ)-Gaussian samples, drawn at the realised
    :math:`p/(n\log n)` with its Clopper–Pearson interval as error bar; a dashed line marks 50%
    and crosses mark each curve's interpolated 50% crossing
    (:meth:`~theory.experiments.sparse_coding.SpudThreshold.crossing`). Curves that cross at the
    same :math:`C` for every ``n`` are what a threshold :math:`p \approx C n\log n` looks like.

    What is proven is different: Spielman, Wang & Wright (2012) prove that :math:`O(n\log n)`
    samples *determine* the dictionary, but their guarantee for ER-SpUD itself needs about
    :math:`n^2\log^2 n` samples; Adamczak (2016) proves :math:`p \ge C n\log n` for a modified
    version; Błasiok & Nelson (2016) show that the unmodified algorithm needs
    :math:`p \gtrsim n^{1.99}` samples for large ``n``. The curves at small ``n`` are an empirical
    measurement, not a theorem about this implementation.

    Parameters
    ----------
    result : SpudThreshold or dict
        From :func:`~theory.experiments.sparse_coding.spud_threshold`, or its
        :meth:`~theory.experiments.sparse_coding.SpudThreshold.to_dict` form.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from theory.experiments.sparse_coding import SpudThreshold
    >>> t = SpudThreshold(np.array([6, 8]), np.array([1.0, 3.0, 8.0]), 0.2, 10,
    ...                   np.array([[11, 33, 87], [17, 50, 134]]), np.array([[0, 4, 10], [0, 2, 10]]))
    >>> ax = plot_spud_threshold(t)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['n = 6', 'n = 8']

    References
    ----------
    .. [1] Spielman, D. A., Wang, H. and Wright, J. (2012). Exact recovery of sparsely-used
       dictionaries. COLT, PMLR 23, 37.1-37.18. arXiv:1206.5882
    .. [2] Adamczak, R. (2016). A note on the sample complexity of the Er-SpUD algorithm by
       Spielman, Wang and Wright for exact recovery of sparsely used dictionaries. JMLR 17(177).
       arXiv:1601.02049
    .. [3] Błasiok, J. and Nelson, J. (2016). An improved analysis of the ER-SpUD dictionary
       learning algorithm. ICALP 2016. arXiv:1602.05719
    """
    from theory.experiments.sparse_coding import SpudThreshold

    if isinstance(result, dict):
        result = SpudThreshold.from_dict(result)
    if not isinstance(result, SpudThreshold):
        raise TypeError(f"result must be a SpudThreshold or its to_dict() form, got {type(result).__name__}")
    ax = get_ax(ax, figsize=(4.6, 3.4), layout="constrained")
    x, y = result.ratios, result.rates
    low, high = result.ci()
    cross = result.crossing()
    handles = []
    for i, n in enumerate(result.ns.tolist()):
        col = f"C{i % 10}"
        yerr = np.vstack([np.maximum(y[i] - low[i], 0.0), np.maximum(high[i] - y[i], 0.0)])
        handles.append(
            ax.errorbar(
                x[i], y[i], yerr=yerr, fmt="o-", color=col, ms=3, lw=1.2, capsize=2, elinewidth=0.8, label=f"n = {n}"
            )
        )
        if np.isfinite(cross[i]) and cross[i] > x[i, 0]:  # a bracketed crossing
            ax.plot([cross[i]], [0.5], "x", color=col, ms=7, mew=1.5)
    half = ax.axhline(0.5, color="0.4", ls="--", lw=0.9, label="50%")
    ax.set_xscale("log")
    ticks = result.cs.tolist()
    ax.set_xticks(ticks, [f"{c:g}" for c in ticks])
    ax.minorticks_off()
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(r"$C = p/(n \log n)$")
    ax.set_ylabel("success rate (exact recovery)")
    conf = f"{result.confidence:.0%}"
    ax.set_title(
        f"ER-SpUD (DC), Gaussian n x n dictionary, theta={result.theta:g}\n"
        f"{result.trials} trials per point, {conf} Clopper-Pearson intervals",
        fontsize=7,
    )
    ax.legend(handles=[*handles, half], fontsize=6, loc="upper left")
    return ax


def _spud_threshold_figure(quick: bool) -> Any:
    from theory.experiments.sparse_coding import spud_threshold
    from theory.sweep import Runner

    if quick:
        res = spud_threshold(ns=(6, 8), cs=(1, 3, 8), trials=8, runner=Runner(executor="serial"))
    else:
        res = spud_threshold(ns=(6, 8, 10, 12), cs=(1, 1.5, 2, 3, 5, 8), trials=30)
    return plot_spud_threshold(res).figure


__all__ += ["plot_spud_threshold"]
FIGURES["spud_threshold"] = _spud_threshold_figure

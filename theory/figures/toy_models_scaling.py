r"""Figure of the scaling toy model: loss against model dimension, per superposition regime.

:func:`plot_scaling_law` draws, on log-log axes, the loss of every ``(alpha, weight_decay)`` series
of a :class:`~theory.experiments.toy_scaling.ScalingGrid` against the model dimension ``m`` with
its fitted power law :math:`C m^{-\kappa}` (slope and bootstrap interval in the legend): strong
superposition solid, weak dashed, others dotted. For weak series the loss of the unrepresented
features (:func:`~theory.toy_models.scaling.unrepresented_loss`) is drawn as open markers, and a
grey :math:`1/m` guide line is drawn through the strong series. The recipe in :data:`FIGURES`
runs a small grid first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["FIGURES", "plot_scaling_law"]

_LINES = {"strong": "-", "weak": "--"}


def plot_scaling_law(
    result: Any, ax: Any = None, *, alphas: Any = None, weight_decays: Any = None, guide: bool = True
) -> Any:
    r"""Loss against ``m`` (log-log) for each ``(alpha, weight_decay)`` with fitted slopes.

    Parameters
    ----------
    result : ScalingGrid or dict
        From :func:`~theory.experiments.toy_scaling.scaling_grid`, or its ``to_dict()`` form.
    ax : matplotlib Axes, optional
    alphas, weight_decays : sequence of float, optional
        Series to draw (default: all).
    guide : bool
        Draw a :math:`1/m` guide through the first strong series.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from theory.experiments.toy_scaling import ScalingGrid
    >>> dims = np.array([10, 20, 40])
    >>> loss = np.array([[0.1 / dims, 0.05 * dims ** -0.5]])
    >>> g = ScalingGrid(1000, dims, np.array([0.5]), np.array([-1.0, 1.0]), loss, np.ones((1, 2, 3)),
    ...                 np.full((1, 2, 3), 0.1), np.full((1, 2, 3), 0.09), loss * 0.9,
    ...                 np.array([[["strong"] * 3, ["weak"] * 3]]), np.ones((1, 3)))
    >>> ax = plot_scaling_law(g)
    >>> ax.get_xscale(), len(ax.get_legend().get_texts()) >= 2
    ('log', True)
    """
    from theory.experiments.toy_scaling import ScalingGrid

    if isinstance(result, dict):
        result = ScalingGrid.from_dict(result)
    if not isinstance(result, ScalingGrid):
        raise TypeError(f"result must be a ScalingGrid or its dict, got {type(result).__name__}")
    ax = get_ax(ax)
    al = result.alphas if alphas is None else np.asarray(alphas, dtype=float)
    wd = result.weight_decays if weight_decays is None else np.asarray(weight_decays, dtype=float)
    dims = result.dims.astype(float)
    colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    k = 0
    guided = False
    for a in al:
        for w in wd:
            ia, iw = result._index(float(a), float(w))
            loss = result.loss[ia, iw]
            regime = result.regime_of(float(a), float(w))
            fit = result.fit(float(a), float(w))
            c = colors[k % len(colors)]
            k += 1
            ax.plot(dims, loss, "o", color=c, ms=4)
            ax.plot(
                dims,
                fit.predict(dims),
                _LINES.get(regime, ":"),
                color=c,
                lw=1.2,
                label=(
                    rf"$\alpha$={a:.2g}, $\gamma$={w:+.2g} ({regime}): "
                    rf"$\kappa$={fit.exponent:.2f} [{fit.low:.2f}, {fit.high:.2f}]"
                ),
            )
            if regime == "weak":
                ax.plot(dims, result.tail[ia, iw], "s", mfc="none", color=c, ms=5)
            if guide and regime == "strong" and not guided:
                ax.plot(dims, loss[0] * dims[0] / dims, color="0.6", lw=0.8, zorder=0, label=r"$\propto 1/m$")
                guided = True
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("model dimension $m$")
    ax.set_ylabel("loss (per feature)")
    ax.set_title(
        f"scaling toy model, n={result.n}, {result.settings.get('steps', '?')} steps "
        f"(open squares: loss of unrepresented features)",
        fontsize=7,
    )
    ax.legend(fontsize=5.5, loc="lower left")
    return ax


def _scaling_law_figure(quick: bool) -> Any:
    from theory.experiments.toy_scaling import scaling_grid
    from theory.sweep import Runner

    if quick:
        res = scaling_grid(
            n=60,
            dims=[3, 5, 8],
            alphas=[1.0],
            weight_decays=[-1.0, 1.0],
            steps=200,
            batch_size=128,
            lr=0.05,
            eval_batch=2048,
            runner=Runner(executor="serial"),
        )
    else:
        res = scaling_grid(
            n=300,
            dims=[6, 10, 16, 25],
            alphas=[0.5, 1.0],
            weight_decays=[-1.0, 1.0],
            steps=1500,
            batch_size=512,
            lr=0.02,
            eval_batch=16384,
        )
    return plot_scaling_law(res).figure


#: Figure recipes for ``theory figures`` (to be merged into ``theory.figures.toy_models.FIGURES``).
FIGURES = {"scaling_law": _scaling_law_figure}

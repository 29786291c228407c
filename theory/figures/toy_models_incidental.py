r"""Figure of incidental polysemanticity: polysemantic neurons of trained tied autoencoders against
:math:`n^2/m`, with the exact collision predictions.

:func:`plot_incidental_polysemanticity` draws, per grid cell of
:func:`theory.toy_models.incidental.incidental_sweep`, the mean number of polysemantic neurons (with
its standard error over seeds) against :math:`n^2/m` on log-log axes, the exact signed-collision
expectation (:func:`~theory.toy_models.incidental.signed_collisions`, :math:`\approx n^2/4m`) and the
birthday count (:func:`~theory.toy_models.incidental.birthday_collisions`, :math:`\approx n^2/2m`) at
each cell, and the lines :math:`n^2/4m` and :math:`n^2/2m`. The recipe in :data:`FIGURES` trains a
small grid first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["FIGURES", "plot_incidental_polysemanticity"]


def plot_incidental_polysemanticity(grid: Any, ax: Any = None) -> Any:
    r"""Mean polysemantic neurons per run against :math:`n^2/m`, with the exact predictions.

    Parameters
    ----------
    grid : IncidentalGrid or sequence of dict
        From :func:`~theory.toy_models.incidental.incidental_sweep`, or its ``rows`` (each with
        ``n``, ``m`` and per-seed ``polysemantic`` counts).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> rows = [{"n": 8, "m": 32, "polysemantic": [0, 1, 0, 1]}, {"n": 16, "m": 32, "polysemantic": [2, 1, 2, 1]}]
    >>> ax = plot_incidental_polysemanticity(rows)
    >>> ax.get_xlabel()
    '$n^2/m$'
    """
    from theory.toy_models.incidental import IncidentalGrid, birthday_collisions, signed_collisions

    rows = grid.rows if isinstance(grid, IncidentalGrid) else grid
    try:
        rows = list(rows)
        x = np.array([r["n"] ** 2 / r["m"] for r in rows], dtype=float)
        counts = [np.asarray(r["polysemantic"], dtype=float) for r in rows]
    except (TypeError, KeyError) as exc:
        raise TypeError(
            f"grid must be an IncidentalGrid or a sequence of dicts with n, m and polysemantic counts ({exc})"
        ) from None
    if not rows:
        raise ValueError("grid has no cells")
    mean = np.array([c.mean() for c in counts])
    sem = np.array([c.std(ddof=1) / np.sqrt(c.size) if c.size > 1 else 0.0 for c in counts])
    signed = np.array([signed_collisions(r["n"], r["m"]) for r in rows])
    birthday = np.array([birthday_collisions(r["n"], r["m"]) for r in rows])
    ax = get_ax(ax, figsize=(4.4, 3.4), layout="constrained")
    pos = mean > 0
    ax.errorbar(
        x[pos],
        mean[pos],
        yerr=np.minimum(sem[pos], mean[pos] * 0.999),
        fmt="o",
        ms=4,
        color="#0072B2",
        capsize=2,
        lw=1,
        label="trained (mean $\\pm$ s.e. over seeds)",
    )
    order = np.argsort(x)
    ax.plot(x[order], signed[order], "s", mfc="none", color="#D55E00", ms=5, label="exact: features of both signs")
    ax.plot(x[order], birthday[order], "^", mfc="none", color="#999999", ms=5, label="exact: birthday (>= 2 features)")
    xx = np.geomspace(x.min() * 0.8, x.max() * 1.25, 50)
    ax.plot(xx, xx / 4, "-", color="#D55E00", lw=1, label="$n^2/4m$")
    ax.plot(xx, xx / 2, "--", color="#999999", lw=1, label="$n^2/2m$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    floor = min(
        float(signed[signed > 0].min()) if (signed > 0).any() else 1.0, float(mean[pos].min()) if pos.any() else 1.0
    )
    ax.set_ylim(bottom=0.5 * floor)  # error bars of small counts would otherwise stretch the log axis
    ax.set_xlabel("$n^2/m$")
    ax.set_ylabel("polysemantic neurons per run")
    ax.set_title("incidental polysemanticity (m >= n)", fontsize=8)
    ax.legend(fontsize=6, loc="upper left")
    return ax


def _incidental_figure(quick: bool) -> Any:
    from theory.sweep import Runner
    from theory.toy_models.incidental import FAST, incidental_sweep

    if quick:
        grid = incidental_sweep([8, 16], [16, 32, 64], seeds=8, settings=FAST, runner=Runner(executor="serial"))
    else:
        grid = incidental_sweep([8, 16, 32, 64], [64, 128, 256], seeds=24, settings=FAST)
    return plot_incidental_polysemanticity(grid).figure


#: Figure recipes for ``theory figures`` (to be merged into ``theory.figures.toy_models.FIGURES``).
FIGURES = {"incidental_polysemanticity": _incidental_figure}

"""Figures for verification reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["VERDICT_FIGURES", "plot_verdict_summary", "plot_welch_check"]

_COLORS = {"consistent": "#009E73", "refuted": "#D55E00", "error": "#7F7F7F"}


def plot_verdict_summary(verdicts: Sequence[Any], ax: Any = None) -> Any:
    """Tightness of every checked (claim, parameter set), coloured by verdict.

    Parameters
    ----------
    verdicts : sequence of Verdict
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    n = len(verdicts)
    if ax is None:
        ax = get_ax(figsize=(5.5, max(1.8, 0.18 * n + 0.8)))
    labels, vals, cols = [], [], []
    for v in verdicts:
        params = ",".join(f"{k}={x}" for k, x in v.params.items())
        labels.append(f"{v.claim_id} [{params}]"[:60])
        t = v.tightness
        vals.append(t if np.isfinite(t) else 0.0)
        cols.append(_COLORS[v.status])
    y = np.arange(n)
    ax.barh(y, vals, color=cols)
    ax.axvline(1.0, color="k", lw=0.8, ls="--")
    ax.set_yticks(y, labels, fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel("tightness (measured / bound; violation rate / claimed probability)")
    ax.set_title("verification: green consistent, orange refuted, grey error")
    return ax


def plot_welch_check(verdicts: Sequence[Any], ax: Any = None) -> Any:
    """Measured coherence of random frames against the Welch bound, across ``n``.

    Each verdict is one ``(n, dim)``; its samples are the coherences of the trial frames.

    Parameters
    ----------
    verdicts : sequence of Verdict
        Verdicts of the ``geometry.welch`` claim.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    from theory.geometry import welch_bound

    ax = get_ax(ax)
    dims = sorted({v.params["dim"] for v in verdicts})
    for i, dim in enumerate(dims):
        vs = sorted((v for v in verdicts if v.params["dim"] == dim), key=lambda v: v.params["n"])
        ns = np.array([v.params["n"] for v in vs])
        color = f"C{i}"
        for v in vs:
            ax.scatter(np.full(v.samples.size, v.params["n"]), v.samples, s=4, alpha=0.25, color=color)
        grid = np.arange(dim + 1, max(ns.max(), dim + 2) + 1)
        ax.plot(grid, [welch_bound(n=int(n), dim=dim).value for n in grid], color=color,
                label=f"Welch bound, dim={dim}")
    ax.set_xlabel("number of features n")
    ax.set_ylabel("coherence (max |cos|)")
    ax.set_title("random unit frames (dots) never beat the Welch bound (lines)")
    ax.legend()
    return ax


#: Figures drawn from a claim's verdicts, by the key a claim names in its ``figure`` field.
VERDICT_FIGURES = {"welch_check": plot_welch_check}

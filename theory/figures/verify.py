"""Figures for verification reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["VERDICT_FIGURES", "plot_verdict_summary", "plot_welch_check"]

_COLORS = {"consistent": "#009E73", "refuted": "#D55E00", "error": "#7F7F7F"}
_SEPARATORS = (", ", " ", ".", "_", "=", ",")


def _shorten(token: str, width: int) -> str:
    """``token`` cut to at most ``width`` characters at its last separator, with an ellipsis."""
    if len(token) <= width:
        return token
    cut = max((token.rfind(sep, 0, width - 1) for sep in _SEPARATORS), default=-1)
    return (token[:cut] if cut > 0 else token[: width - 1]).rstrip(" ,") + "…"


def _wrap_label(head: str, tokens: Sequence[str], width: int = 40, max_lines: int = 4) -> str:
    """``head`` starts the first line, then ``tokens`` follow, joined by ", " and wrapped between
    tokens; a token longer than a line is shortened at a separator, never cut mid-token."""
    lines: list[str] = []
    current = _shorten(head, width)
    sep = " "
    for tok in (_shorten(t, width) for t in tokens):
        candidate = f"{current}{sep}{tok}" if current else tok
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = tok
        sep = ", "
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + ", …" if len(lines[-1]) + 3 <= width else lines[-1] + "…"
    return "\n".join(line for line in lines if line)


def _verdict_label(v: Any, width: int) -> str:
    rel = "≤" if v.relation == "<=" else "≥"
    marker = f"({rel})" if v.deterministic else f"({rel}, quantile)"
    tokens = [f"{k}={x}" for k, x in v.params.items()]
    label = _wrap_label(v.claim_id, [marker, *tokens], width=width)
    return label.replace(f"{marker}, ", f"{marker} ", 1)


def plot_verdict_summary(verdicts: Sequence[Any], ax: Any = None, *, label_width: int = 40) -> Any:
    """Slack of every checked (claim, parameter set), coloured by verdict.

    The slack (:attr:`theory.verify.Verdict.slack`) is ``measured/bound`` for an upper bound
    and ``bound/measured`` for a lower bound, so every bar reads the same way: 1 is tight, a bar
    short of the dashed line stayed inside the bound (the shorter, the looser), a bar past it
    crossed the bound. Probabilistic claims show the slack of the quantile at the claimed level.
    An undefined slack (a zero bound or measurement, an error) is drawn as an empty hatched band,
    never as a zero-length bar. Labels wrap between parameters and are shortened only at
    separators.

    Parameters
    ----------
    verdicts : sequence of Verdict
    ax : matplotlib Axes, optional
    label_width : int
        Characters per label line.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.patches import Patch

    n = len(verdicts)
    labels = [_verdict_label(v, label_width) for v in verdicts]
    heights = [label.count("\n") + 1 for label in labels]
    if ax is None:
        ax = get_ax(figsize=(7.5, max(2.4, 0.13 * sum(heights) + 0.1 * n + 1.4)))
    # rows spaced by their label's height
    y = np.zeros(n)
    pos = 0.0
    for i, h in enumerate(heights):
        pos += 0.5 * (h - 1) * 0.45
        y[i] = pos
        pos += 1.0 + 0.5 * (h - 1) * 0.45
    vals = np.array([float(v.slack) for v in verdicts], dtype=float) if n else np.zeros(0)
    finite = vals[np.isfinite(vals)]
    xmax = float(min(3.0, max(1.25, 1.08 * finite.max()))) if finite.size else 1.25
    for i, v in enumerate(verdicts):
        color = _COLORS[v.status]
        if np.isfinite(vals[i]):
            ax.barh(y[i], min(vals[i], xmax), color=color, height=0.7)
            # a tick at the value, so a tiny slack is visible and never mistaken for a missing one
            ax.plot([min(vals[i], xmax)], [y[i]], marker="|", ms=7, mew=1.2, color=color)
            if vals[i] < 0.03 * xmax:
                ax.annotate(
                    f"{vals[i]:.2g}",
                    (vals[i], y[i]),
                    xytext=(4, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontsize=6,
                    color=color,
                )
            if vals[i] > xmax:
                ax.annotate(
                    f"{vals[i]:.3g} →",
                    (xmax, y[i]),
                    xytext=(-2, 0),
                    textcoords="offset points",
                    ha="right",
                    va="center",
                    fontsize=6,
                    color="white",
                )
        else:
            ax.barh(y[i], xmax, facecolor="none", edgecolor=color, hatch="///", linewidth=0.6, height=0.7)
            ax.annotate(
                "undefined",
                (0.02 * xmax, y[i]),
                ha="left",
                va="center",
                fontsize=6,
                color=color,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
    ax.axvspan(1.0, xmax, color="#D55E00", alpha=0.07, lw=0)
    ax.axvline(1.0, color="k", lw=0.8, ls="--")
    ax.set_xlim(0, xmax)
    ax.set_ylim(pos - 0.4, -0.6)
    ax.set_yticks(y, labels, fontsize=6)
    ax.tick_params(axis="x", labelbottom=True)
    ax.text(1.0, 1.01, "1 = tight", transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7)
    ax.text(
        0.5,
        1.01,
        "← looser   inside the bound",
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="bottom",
        fontsize=7,
    )
    ax.set_xlabel("slack: measured/bound for ≤, bound/measured for ≥ (1 = tight; ≤ 1 = within the bound)")
    handles = [
        Patch(color=_COLORS["consistent"], label="consistent"),
        Patch(color=_COLORS["refuted"], label="refuted"),
        Patch(
            facecolor="none", edgecolor="#404040", hatch="///", label="undefined (zero bound or measurement, or error)"
        ),
        Patch(color="#D55E00", alpha=0.15, label="beyond the bound (slack > 1)"),
    ]
    if any(v.status == "error" for v in verdicts):
        handles.insert(2, Patch(color=_COLORS["error"], label="error"))
    fig = ax.figure
    axes_pts = ax.get_position().height * fig.get_figheight() * 72.0
    ax.legend(
        handles=handles, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -40.0 / axes_pts), ncol=2, frameon=False
    )
    ax.set_title("verification: slack of each claim and parameter set", pad=22)
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
        ax.plot(
            grid, [welch_bound(n=int(n), dim=dim).value for n in grid], color=color, label=f"Welch bound, dim={dim}"
        )
    ax.set_xlabel("number of features n")
    ax.set_ylabel("coherence (max |cos|)")
    ax.set_title("random unit frames (dots) never beat the Welch bound (lines)")
    ax.legend()
    return ax


#: Figures drawn from a claim's verdicts, by the key a claim names in its ``figure`` field.
VERDICT_FIGURES = {"welch_check": plot_welch_check}

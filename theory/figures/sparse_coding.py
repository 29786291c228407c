"""Figures of the sparse-coding area: SAE training curves, the ground-truth metric table, matched cosines.

Plot functions take trained objects or arrays (:class:`~theory.sparse_coding.SAE`,
:class:`~theory.sparse_coding.scoring.SAEScore`, dictionaries) and never train anything; the
recipes in :data:`FIGURES` train a few small SAEs on :func:`~theory.sparse_coding.oneill2024` first.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from theory.figures._core import get_ax
from theory.figures.sparse_coding_recovery import (
    _recovery_phase_figure,
    _spud_threshold_figure,
    plot_recovery_phase_diagram,
    plot_spud_threshold,
)

__all__ = [
    "plot_matched_cosines",
    "plot_metric_table",
    "plot_recovery_phase_diagram",
    "plot_spud_threshold",
    "plot_training_curves",
]

_CURVES = {
    "loss": ("losses", "training loss"),
    "mse": ("mses", "reconstruction MSE"),
    "l0": ("l0s", "L0 (active latents per input)"),
    "dead": ("dead_fractions", "fraction of dead latents"),
}

#: Default columns of :func:`plot_metric_table`.
TABLE_METRICS = ("f1", "mcc", "mmcs", "uniqueness", "code_mcc", "explained_variance", "l0", "dead_fraction")
_UNIT_METRICS = {
    "f1",
    "precision",
    "recall",
    "mcc",
    "mmcs",
    "uniqueness",
    "code_mcc",
    "dead_fraction",
    "dense_fraction",
    "coherence",
    "truth_coherence",
}


def _labelled(items: Any, what: str) -> list[tuple[str | None, Any]]:
    """``items`` as ``(label, item)`` pairs: a mapping, a sequence of items or of pairs, or one item."""
    pairs: list[tuple[str | None, Any]]
    if isinstance(items, Mapping):
        pairs = [(str(k), v) for k, v in items.items()]
    elif isinstance(items, (list, tuple)):
        pairs = []
        for it in items:
            if isinstance(it, tuple) and len(it) == 2 and isinstance(it[0], str):
                pairs.append(it)
            else:
                pairs.append((None, it))
    else:
        pairs = [(None, items)]
    if not pairs:
        raise ValueError(f"{what} must not be empty")
    return pairs


def _sae_label(obj: Any, i: int) -> str:
    kind = getattr(obj, "kind", None)
    return f"{kind} #{i}" if kind else f"#{i}"


def plot_training_curves(saes: Any, *, quantity: str = "mse", ax: Any = None) -> Any:
    r"""Training curves of one or several SAEs: loss, reconstruction MSE, L0 or dead fraction per step.

    Parameters
    ----------
    saes : SAE, sequence of SAE, mapping label -> SAE, or mapping label -> curves
        Trained :class:`~theory.sparse_coding.SAE` objects (their ``log_steps`` and curves), or
        plain curves: a mapping with ``"steps"`` and the quantity's key (``"loss"``, ``"mse"``,
        ``"l0"`` or ``"dead"``), arrays of equal length.
    quantity : {"loss", "mse", "l0", "dead"}
        Loss and MSE are drawn on a log scale.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> curves = {"a": {"steps": [1, 2, 3], "mse": [1.0, 0.5, 0.25]}}
    >>> plot_training_curves(curves).get_yscale()
    'log'
    """
    from theory._validation import check_array

    if quantity not in _CURVES:
        raise ValueError(f"quantity must be one of {tuple(_CURVES)}, got {quantity!r}")
    attr, ylabel = _CURVES[quantity]
    if isinstance(saes, Mapping) and "steps" in saes:
        saes = [saes]
    series = []
    for i, (label, obj) in enumerate(_labelled(saes, "saes")):
        if isinstance(obj, Mapping):
            if "steps" not in obj or quantity not in obj:
                raise ValueError(f"curves must have keys 'steps' and {quantity!r}, got {sorted(obj)}")
            steps, ys = obj["steps"], obj[quantity]
        elif hasattr(obj, "log_steps") and hasattr(obj, attr):
            steps, ys = obj.log_steps, getattr(obj, attr)
        else:
            raise TypeError(f"saes must hold SAE objects or curve mappings, got {type(obj).__name__}")
        steps = check_array(steps, "steps", ndim=1)
        ys = check_array(ys, quantity, ndim=1)
        if steps.size == 0:
            raise ValueError(f"{label or _sae_label(obj, i)} has no training curves (untrained)")
        if steps.shape != ys.shape:
            raise ValueError(f"steps and {quantity} must have the same length, got {steps.size} and {ys.size}")
        series.append((label or _sae_label(obj, i), steps, ys))
    ax = get_ax(ax)
    for label, steps, ys in series:
        ax.plot(steps, ys, label=label)
    if quantity in ("loss", "mse") and all(np.all(ys > 0) for _, _, ys in series):
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    if len(series) > 1:
        ax.legend(fontsize="x-small")
    return ax


def plot_metric_table(scores: Any, *, metrics: Sequence[str] = TABLE_METRICS, ax: Any = None) -> Any:
    """The ground-truth metric table as an annotated heat map: rows are SAEs, columns metrics.

    Cells are annotated with the values. Metrics with values in [0, 1] (F1, MCC, uniqueness,
    fractions, ...) are coloured on that absolute scale; others (L0, explained variance, shrinkage)
    relative to the column's largest magnitude.

    Parameters
    ----------
    scores : sequence of SAEScore, of (label, SAEScore) pairs, or mapping label -> SAEScore
        From :func:`theory.sparse_coding.scoring.score`; any object with the metric attributes works.
    metrics : sequence of str
        Attribute names of :class:`~theory.sparse_coding.scoring.SAEScore` to show.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rows = {"topk": SimpleNamespace(f1=0.8, mcc=0.9, l0=3.0), "relu": SimpleNamespace(f1=0.5, mcc=0.7, l0=6.0)}
    >>> ax = plot_metric_table(rows, metrics=("f1", "mcc", "l0"))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['topk', 'relu']
    """
    metrics = tuple(metrics)
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"metrics must be a non-empty sequence of metric names, got {metrics!r}")
    rows = []
    for i, (label, s) in enumerate(_labelled(scores, "scores")):
        missing = [m for m in metrics if not hasattr(s, m)]
        if missing:
            raise ValueError(f"score {label or i} has no metric(s) {missing}")
        vals = []
        for m in metrics:
            v = getattr(s, m)
            if v is None:
                vals.append(np.nan)
            elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise TypeError(f"metric {m!r} must be a number, got {v!r}")
            else:
                vals.append(float(v))
        rows.append((label or str(getattr(s, "model", f"#{i}")), vals))
    V = np.array([r[1] for r in rows], dtype=float)
    C = np.empty_like(V)
    for j, m in enumerate(metrics):
        col = V[:, j]
        if m in _UNIT_METRICS:
            C[:, j] = col
        else:
            top = np.nanmax(np.abs(col)) if np.any(np.isfinite(col)) else 0.0
            C[:, j] = col / top if top > 0 else 0.0
    ax = get_ax(ax, figsize=(1.0 + 0.85 * len(metrics), 0.8 + 0.35 * len(rows)))
    ax.imshow(np.ma.masked_invalid(C), cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    for (r, c), v in np.ndenumerate(V):
        txt = "-" if not np.isfinite(v) else (f"{v:.3g}" if abs(v) >= 10 else f"{v:.3f}")
        shade = C[r, c]
        ax.text(
            c,
            r,
            txt,
            ha="center",
            va="center",
            fontsize="x-small",
            color="black" if np.isfinite(shade) and shade > 0.6 else "white",
        )
    ax.set_xticks(range(len(metrics)), [m.replace("_", " ") for m in metrics], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.grid(False)
    return ax


def _cosines(learned: Any, true: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    from theory._validation import check_array
    from theory.sparse_coding._checks import check_dictionary, check_memory
    from theory.sparse_coding.metrics import match_features

    A = check_array(learned.W_dec if hasattr(learned, "W_dec") else learned, "learned", ndim=2)
    B = check_dictionary(true, "true")
    if A.shape[0] != B.shape[0]:
        check_dictionary(A, "learned", data_dim=B.shape[0])
    m = match_features(A, B)
    check_memory(8.0 * A.shape[1] * B.shape[1], "the (width, n) cosine matrix")
    na = np.linalg.norm(A, axis=0)
    An = np.divide(A, na, out=np.zeros_like(A), where=na > 0)
    best = np.abs(An.T @ (B / np.linalg.norm(B, axis=0))).max(axis=0)
    return m.similarity, best


def plot_matched_cosines(learned: Any, true: ArrayLike, *, bins: int = 20, ax: Any = None) -> Any:
    r"""Histogram of :math:`|\cos|` between learned and true features: optimal 1:1 matching and best match.

    Two distributions on :math:`[0, 1]`: the :math:`|\cos|` of the pairs of the optimal one-to-one
    matching (:func:`~theory.sparse_coding.match_features`; their mean is the MCC), and for each
    true feature its largest :math:`|\cos|` with any latent (their mean is the MMCS). Dashed lines
    mark the two means.

    Parameters
    ----------
    learned : SAE or array_like, shape (dim, width)
        The learned dictionary (an SAE's ``W_dec``).
    true : array_like, shape (dim, n)
    bins : int
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_matched_cosines(np.eye(3)[:, :2], np.eye(3))
    >>> ax.get_xlim()
    (0.0, 1.0)
    """
    from theory._validation import check_int

    bins = check_int(bins, "bins", minimum=1)
    matched, best = _cosines(learned, true)
    ax = get_ax(ax)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ax.hist(matched, bins=edges, alpha=0.6, label=f"optimal 1:1 matching (MCC {matched.mean():.3f})")
    ax.hist(best, bins=edges, histtype="step", lw=1.4, label=f"best latent per feature (MMCS {best.mean():.3f})")
    for v, col in ((matched.mean(), "C0"), (best.mean(), "C1")):
        ax.axvline(v, color=col, ls="--", lw=0.8)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("|cos(learned, true)|")
    ax.set_ylabel("count")
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


# ----------------------------------------------------------------------------------------------
# recipes
# ----------------------------------------------------------------------------------------------

#: Kinds and sparsity settings of the recipes. JumpReLU's kernel bandwidth and initial threshold are
#: raised to the scale of this toy's codes (|N(0, 1)| times 0.1 to 0.4), where SAELens's 0.001
#: leaves the thresholds in place.
_RECIPE_KINDS: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = (
    ("relu", {"l1": 0.05}, {}),
    ("topk", {"k": 3}, {}),
    ("batchtopk", {"k": 3}, {}),
    ("jumprelu", {"l0": 0.005}, {"jumprelu_bandwidth": 0.02, "jumprelu_init_threshold": 0.02}),
    ("matryoshka", {"k": 3}, {}),
)


@functools.lru_cache(maxsize=2)
def _recipe_saes(quick: bool) -> tuple[Any, tuple[tuple[str, Any], ...]]:
    from theory.sparse_coding import SAEOptions, oneill2024, train_saes

    truth = oneill2024()
    steps = 400 if quick else 4000
    out = []
    for kind, kw, opts in _RECIPE_KINDS:
        sae = train_saes(
            truth,
            kind=kind,
            width=16,
            steps=steps,
            batch_size=256,
            lr=3e-3,
            options=SAEOptions(progress=False, **opts),
            rng=0,
            **kw,
        )[0]
        out.append((kind, sae))
    return truth, tuple(out)


def _metric_table_figure(quick: bool) -> Any:
    from theory.sparse_coding.scoring import score

    truth, saes = _recipe_saes(quick)
    scores = {kind: score(sae, truth, batch=1024 if quick else 8192, rng=1) for kind, sae in saes}
    scores["oracle (OMP)"] = score(truth.dictionary, truth, encoder="omp", batch=1024 if quick else 8192, rng=1)
    ax = plot_metric_table(scores)
    ax.set_title(f"SAEs (width 16) on {truth.name}: n={truth.n}, dim={truth.dim}, 3 active")
    return ax.figure


def _training_curves_figure(quick: bool) -> Any:
    import matplotlib.pyplot as plt

    _, saes = _recipe_saes(quick)
    fig, axes = plt.subplots(2, 2, figsize=(7.5, 5), layout="constrained")
    for ax, q in zip(axes.ravel(), ("loss", "mse", "l0", "dead"), strict=True):
        plot_training_curves(dict(saes), quantity=q, ax=ax)
    return fig


def _matched_cosines_figure(quick: bool) -> Any:
    truth, saes = _recipe_saes(quick)
    ax = plot_matched_cosines(dict(saes)["topk"], truth.dictionary)
    ax.set_title(f"top-k SAE (width 16) on {truth.name}")
    return ax.figure


#: Figure recipes for ``theory figures``: small SAEs trained on O'Neill et al.'s toy.
FIGURES = {
    "sae_metric_table": _metric_table_figure,
    "sae_training_curves": _training_curves_figure,
    "sae_matched_cosines": _matched_cosines_figure,
    "recovery_phase": _recovery_phase_figure,
    "spud_threshold": _spud_threshold_figure,
}

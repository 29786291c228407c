r"""Figure of linear accessibility: the dimension needed to read ``k``-sparse features linearly, with a
one-pass ReLU, and by :math:`\ell_1` decoding, against the number of features ``m``.

:func:`plot_linear_accessibility` draws measured smallest dimensions (from
:func:`theory.interference.linear_access.min_access_dim`, one marker series per read-out) with the
theory curves on one log-log axis: the proven lower bound and the proven sufficient dimension of
linear access, the paper's order :math:`k^2\log m/\varepsilon^2` (constant 1, not a proven number)
and the :math:`\ell_1` statistical dimension. The recipe in :data:`FIGURES` runs a small sweep first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["FIGURES", "plot_linear_accessibility"]

_STYLE = {
    "linear": ("#D55E00", "o", "linear, decoder $A^\\top$ (every input)"),
    "linear_opt": ("#E69F00", "s", "linear, LP-optimal decoder (every input)"),
    "relu": ("#0072B2", "^", "one-pass ReLU, best bias (every input)"),
    "l1": ("#009E73", "D", r"$\ell_1$ decoding (typical input)"),
}


def plot_linear_accessibility(result: Mapping[str, Any], ax: Any = None, *, theory: bool = True) -> Any:
    r"""Dimension needed against ``m``: linear read-out, one-pass ReLU read-out and :math:`\ell_1` decoding.

    .. math:: \Omega\Big(\frac{k^2}{\log k}\log\frac mk\Big) \le d_{\rm linear} \le O(k^2\log m)
              \qquad d_{\ell_1} \approx \delta(\mathcal D(\lVert\cdot\rVert_1, x)) = O(k\log(m/k))

    Parameters
    ----------
    result : mapping
        ``{"m": [...], "k": int, "eps": float, "dims": {method: [dim or None, ...]}}`` with methods
        among ``"linear"``, ``"linear_opt"``, ``"relu"``, ``"l1"`` (the JSON of
        ``benchmarks/interference_linear_access.py`` has this form for each ``k``).
    ax : matplotlib Axes, optional
    theory : bool
        Draw the theory curves.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> r = {"m": [32, 64], "k": 2, "eps": 0.5, "dims": {"linear": [90, 157], "l1": [8, 9]}}
    >>> ax = plot_linear_accessibility(r)
    >>> ax.get_xlabel()
    'features m'
    """
    from theory.interference import statistical_dimension_l1
    from theory.interference.linear_access import (
        linear_access_lower_bound,
        linear_access_upper_order,
        rademacher_access_dim,
    )

    if not isinstance(result, Mapping) or not {"m", "k", "eps", "dims"} <= set(result):
        raise TypeError("result must be a mapping with keys 'm', 'k', 'eps' and 'dims'")
    ms = np.asarray(result["m"], dtype=float)
    k, eps = int(result["k"]), float(result["eps"])
    dims = result["dims"]
    bad = [name for name in dims if name not in _STYLE]
    if bad:
        raise ValueError(f"methods must be among {sorted(_STYLE)}, got {bad}")
    ax = get_ax(ax, figsize=(4.8, 4.4), layout="constrained")
    for name, vals in dims.items():
        col, mark, lab = _STYLE[name]
        v = np.array([np.nan if x is None else float(x) for x in vals])
        if v.shape != ms.shape:
            raise ValueError(f"dims[{name!r}] must have one entry per m ({ms.size}), got {v.size}")
        ax.plot(ms, v, marker=mark, color=col, lw=1.2, ms=4, label=lab)
    if theory:
        mm = np.unique(np.round(np.geomspace(max(ms.min(), k + 1), ms.max(), 40)).astype(int))
        ax.plot(
            mm,
            [linear_access_lower_bound(m=int(x), k=k, eps=eps).value for x in mm],
            "k-",
            lw=0.9,
            label="linear: proven lower bound",
        )
        ax.plot(
            mm,
            [rademacher_access_dim(m=int(x), k=k, eps=eps).value for x in mm],
            "k--",
            lw=0.9,
            label=r"linear: random signs suffice (prob. $\geq 1/2$)",
        )
        ax.plot(
            mm,
            [linear_access_upper_order(m=int(x), k=k, eps=eps).value for x in mm],
            color="0.5",
            ls=":",
            lw=1.0,
            label=r"$k^2\ln m/\varepsilon^2$ (order, $C=1$, not proven)",
        )
        ax.plot(
            mm,
            [statistical_dimension_l1(n=int(x), k=k) for x in mm],
            color="#009E73",
            ls="-.",
            lw=0.9,
            label=r"$\ell_1$ statistical dimension",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    from matplotlib.ticker import FixedLocator, NullFormatter

    ax.xaxis.set_major_locator(FixedLocator(ms.tolist()))
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:g}")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("features m")
    ax.set_ylabel("dimensions d needed")
    ax.set_title(f"reading k={k}-sparse features within eps={eps:g}", fontsize=8)
    ax.legend(fontsize=5.5, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False)
    return ax


def _linear_access_figure(quick: bool) -> Any:
    from theory.interference.linear_access import min_access_dim

    k, eps = 2, 0.5
    ms = [16, 32, 64] if quick else [16, 32, 64, 128, 256]
    methods = ("linear", "relu", "l1") if quick else ("linear", "linear_opt", "relu", "l1")
    trials = 2 if quick else 5
    dims = {
        meth: [
            min_access_dim(
                m=m, k=k, eps=eps, method=meth, trials=trials, max_dim=m if meth == "linear_opt" else 16 * m, rng=0
            ).dim
            if not (meth == "linear_opt" and m > 64)
            else None
            for m in ms
        ]
        for meth in methods
    }
    return plot_linear_accessibility({"m": ms, "k": k, "eps": eps, "dims": dims}).figure


#: Figure recipes for ``theory figures`` (to be merged into ``theory.figures.interference.FIGURES``).
FIGURES = {"linear_access": _linear_access_figure}

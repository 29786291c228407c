"""Claims on linear accessibility of k-sparse features (Garg, Kleinberg & Peng 2026).

:func:`linear_access_claims` returns the claims; the area's claims module merges them into its list.
Each claim states exactly what a trial measures; ``params`` are the full runs and ``quick_params``
the ``theory verify --quick`` runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._references import cite
from theory._validation import check_int, check_probability, check_real
from theory.geometry import random_frame
from theory.interference.linear_access import (
    linear_access_error,
    linear_access_lower_bound,
    min_access_dim,
    rademacher_access_dim,
)
from theory.verify.claim import Claim

__all__ = ["best_found_access_dim", "construction_worst_error", "linear_access_claims"]


def _validate(p: Mapping[str, Any]) -> None:
    m = check_int(p.get("m"), "m", minimum=2, maximum=4096)
    check_int(p.get("k"), "k", minimum=1, maximum=m)
    check_real(p.get("eps"), "eps", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    if "failure_prob" in p:
        check_probability(p["failure_prob"], "failure_prob", allow_zero=False, allow_one=False)


def construction_worst_error(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """One trial: a fresh +-1/sqrt(d) frame at d = rademacher_access_dim(m, k, eps, failure_prob) and
    the exact worst-case l_inf error of the decoder A^T over every k-sparse input in [-1, 1]^m."""
    d = int(rademacher_access_dim(m=p["m"], k=p["k"], eps=p["eps"], failure_prob=p["failure_prob"]).value)
    A = random_frame(d, p["m"], kind="rademacher", rng=rng)
    return float(linear_access_error(A, k=p["k"]).max())


def best_found_access_dim(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """One trial: the smallest d (bisection) at which a random unit-norm frame with its LP-optimal linear
    decoder reads every feature of every k-sparse input within eps (min_access_dim, method 'linear_opt')."""
    r = min_access_dim(m=p["m"], k=p["k"], eps=p["eps"], method="linear_opt", trials=1, max_dim=p["m"], rng=rng)
    return float(p["m"] if r.dim is None else r.dim)


def linear_access_claims() -> list[Claim]:
    """The linear-accessibility claims of the interference area."""
    construction = Claim(
        id="interference.linear_access_construction",
        statement=(
            "Random construction behind the O(k^2 log m) upper bound of Garg, Kleinberg & Peng (2026): an "
            "encoder A with iid +-1/sqrt(d) entries and the linear decoder A^T, at d = "
            "ceil(2 k^2 / eps^2 * ln(m(m-1)/failure_prob)), reads every feature of every k-sparse input "
            "z in [-1,1]^m within eps (||A^T A z - z||_inf <= eps) with probability at least 1 - "
            "failure_prob. Proven here by Hoeffding and a union bound over pairs (the error is at most k "
            "times the coherence). Measured: the exact worst case over all k-sparse inputs "
            "(linear_access_error), not a sample."
        ),
        latex=(
            r"d=\Big\lceil\tfrac{2k^2}{\varepsilon^2}\ln\tfrac{m(m-1)}{\delta}\Big\rceil\ \Rightarrow\ "
            r"\Pr\Big[\max_{\lVert z\rVert_0\le k,\lVert z\rVert_\infty\le1}\lVert A^\top Az-z\rVert_\infty"
            r">\varepsilon\Big]\le\delta"
        ),
        citation=cite("garg2026", "hoeffding1963"),
        domain="2 <= m, 1 <= k <= m, 0 < eps < 1, 0 < failure_prob < 1",
        validate=_validate,
        bound=lambda p: p["eps"],
        measure=construction_worst_error,
        relation="<=",
        failure_prob=lambda p: p["failure_prob"],
        params=[
            {"m": 1000, "k": 2, "eps": 0.5, "failure_prob": 0.5},
            {"m": 400, "k": 4, "eps": 0.6, "failure_prob": 0.5},
        ],
        quick_params=[{"m": 200, "k": 2, "eps": 0.5, "failure_prob": 0.5}],
        trials=40,
        quick_trials=5,
        quantity="worst-case l_inf read-out error over all k-sparse inputs",
        unit="dimensionless",
        tags=("interference", "linear-access", "random-frame"),
    )
    lower = Claim(
        id="interference.linear_access_lower_bound",
        statement=(
            "Lower bound on the dimension of linear accessibility (Garg, Kleinberg & Peng 2026, d = "
            "Omega_eps(k^2/log k * log(m/k)); proof route: Alon's rank bound for near-identity matrices "
            "and Turan's theorem, here with explicit constants, linear_access_lower_bound): no encoder "
            "A (d x m) and linear decoder B with ||BAz - z||_inf <= eps for every k-sparse z in [-1,1]^m "
            "has d below the bound. Measured: the smallest d at which the best-found scheme (a random "
            "unit-norm frame and its LP-optimal decoder, bisection over d, capped at d = m) succeeds; "
            "it must be at least the bound."
        ),
        latex=(
            r"\binom{d+r-1}{r}\ \ge\ \frac{s}{1+(s-1)\delta^{2r}},\quad "
            r"s=\Big\lceil\frac m{2D+1}\Big\rceil,\ \delta=\frac{\varepsilon}{(D+1)(1-\varepsilon)}"
        ),
        citation=cite("garg2026", "alon2003"),
        domain="2 <= m <= 4096, 1 <= k <= m, 0 < eps < 1",
        validate=_validate,
        bound=lambda p: float(linear_access_lower_bound(m=p["m"], k=p["k"], eps=p["eps"]).value),
        measure=best_found_access_dim,
        relation=">=",
        params=[{"m": 24, "k": 2, "eps": 0.25}, {"m": 32, "k": 3, "eps": 0.3}],
        quick_params=[{"m": 12, "k": 2, "eps": 0.25}],
        trials=3,
        quick_trials=1,
        rtol=0.0,
        atol=0.0,
        quantity="smallest dimension of the best-found linear-access scheme",
        unit="dimensions",
        tags=("interference", "linear-access", "lower-bound"),
    )
    return [construction, lower]

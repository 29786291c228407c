"""Claims of the interference area, checked by ``theory verify``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._validation import check_int, check_real
from theory.interference.random_projections import (
    DASGUPTA_GUPTA,
    jl_min_dim,
    jl_pair_failure_bound,
)
from theory.verify.claim import Claim

__all__ = ["claims", "gaussian_pair_distortions"]


def gaussian_pair_distortions(dim: int, k: int, count: int, rng: np.random.Generator) -> np.ndarray:
    r"""``count`` independent trials: a fresh Gaussian projection ``R`` (k x dim, iid N(0,1)) and a
    fresh random pair ``u, v`` each; returns :math:`|\lVert R(u-v)\rVert^2/(k\lVert u-v\rVert^2) - 1|`."""
    R = rng.standard_normal((count, k, dim))
    diff = rng.standard_normal((count, dim)) - rng.standard_normal((count, dim))
    proj = np.einsum("tkd,td->tk", R, diff)
    return np.abs(np.sum(proj**2, axis=1) / (k * np.sum(diff**2, axis=1)) - 1.0)


def _validate_jl(params: Mapping[str, Any]) -> None:
    check_int(params.get("n_points"), "n_points", minimum=2)
    check_int(params.get("dim"), "dim", minimum=1)
    check_real(params.get("eps"), "eps", minimum=0, maximum=1, strict_min=True, strict_max=True)


def _validate_chernoff(params: Mapping[str, Any]) -> None:
    check_int(params.get("k"), "k", minimum=1)
    check_int(params.get("dim"), "dim", minimum=1)
    check_real(params.get("eps"), "eps", minimum=0, maximum=1, strict_min=True, strict_max=True)


def jl_pair_claim(failure_prob=None, *, claim_id: str = "interference.jl_pair") -> Claim:
    """The Dasgupta-Gupta per-pair claim; ``failure_prob`` may be overridden (for testing power)."""
    return Claim(
        id=claim_id,
        statement=("A Gaussian projection f(u) = R u / sqrt(k) to k = ceil(4 ln n / (eps^2/2 - "
                   "eps^3/3)) dimensions distorts the squared distance of any fixed pair by more "
                   "than a factor 1 +- eps with probability at most 2/n^2."),
        latex=(r"P\left(\left|\tfrac{\|f(u)-f(v)\|^2}{\|u-v\|^2}-1\right|>\varepsilon\right)"
               r"\le \tfrac{2}{n^2},\quad k\ge\tfrac{4\ln n}{\varepsilon^2/2-\varepsilon^3/3}"),
        citation=DASGUPTA_GUPTA,
        domain="integers n_points >= 2, dim >= 1; 0 < eps < 1",
        validate=_validate_jl,
        bound=lambda p: p["eps"],
        measure=lambda p, rng: gaussian_pair_distortions(
            p["dim"], jl_min_dim(n_points=p["n_points"], eps=p["eps"]), 256, rng),
        relation="<=",
        failure_prob=(lambda p: 2.0 / p["n_points"] ** 2) if failure_prob is None else failure_prob,
        params=[{"n_points": n, "eps": e, "dim": 64} for n, e in ((4, 0.9), (10, 0.5), (100, 0.5))],
        quick_params=[{"n_points": 4, "eps": 0.9, "dim": 32}, {"n_points": 10, "eps": 0.5, "dim": 32}],
        trials=20_000,
        quick_trials=2048,
        quantity="pair distortion",
        tags=("interference", "random-projection"),
    )


def claims() -> list[Claim]:
    """The interference claims."""
    return [
        jl_pair_claim(),
        Claim(
            id="interference.jl_chernoff",
            statement=("For R with iid N(0,1) entries, ||R u||^2 / (k ||u||^2) leaves "
                       "[1 - eps, 1 + eps] with probability at most exp(k/2 (eps + ln(1-eps))) "
                       "+ exp(k/2 (-eps + ln(1+eps))) (the Chernoff bounds behind the JL lemma)."),
            latex=(r"P(|L-1|>\varepsilon)\le e^{\frac k2(\varepsilon+\ln(1-\varepsilon))}"
                   r"+e^{\frac k2(-\varepsilon+\ln(1+\varepsilon))}"),
            citation=DASGUPTA_GUPTA + " (Lemma 2.2)",
            domain="integers k >= 1, dim >= 1; 0 < eps < 1",
            validate=_validate_chernoff,
            bound=lambda p: p["eps"],
            measure=lambda p, rng: gaussian_pair_distortions(p["dim"], p["k"], 512, rng),
            relation="<=",
            failure_prob=lambda p: jl_pair_failure_bound(k=p["k"], eps=p["eps"]),
            params=[{"k": k, "eps": e, "dim": 32} for k in (8, 32, 128) for e in (0.3, 0.6)],
            quick_params=[{"k": 16, "eps": 0.5, "dim": 16}, {"k": 64, "eps": 0.3, "dim": 16}],
            trials=20_000,
            quick_trials=2048,
            quantity="pair distortion",
            tags=("interference", "random-projection"),
        ),
    ]

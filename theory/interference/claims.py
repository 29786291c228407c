"""Claims of the interference area, checked by ``theory verify``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._references import cite
from theory._validation import check_int, check_real
from theory._warnings import TheoryWarning
from theory.geometry import random_frame, simplex
from theory.interference._common import (
    offdiag_abs_max,
)
from theory.interference.random_projections import (
    achlioptas_pair_failure_bound,
    achlioptas_projection,
    gaussian_rip_min_dim,
    interference_distribution,
    interference_tail_bound,
    jl_max_features,
    jl_min_dim,
    jl_pair_failure_bound,
    rademacher_frame,
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
        statement=(
            "A Gaussian projection f(u) = R u / sqrt(k) to k = ceil(4 ln n / (eps^2/2 - "
            "eps^3/3)) dimensions distorts the squared distance of any fixed pair by more "
            "than a factor 1 +- eps with probability at most 2/n^2."
        ),
        latex=(
            r"P\left(\left|\tfrac{\|f(u)-f(v)\|^2}{\|u-v\|^2}-1\right|>\varepsilon\right)"
            r"\le \tfrac{2}{n^2},\quad k\ge\tfrac{4\ln n}{\varepsilon^2/2-\varepsilon^3/3}"
        ),
        citation=cite("dasgupta_gupta2003"),
        domain="integers n_points >= 2, dim >= 1; 0 < eps < 1",
        validate=_validate_jl,
        bound=lambda p: p["eps"],
        measure=lambda p, rng: gaussian_pair_distortions(
            p["dim"], jl_min_dim(n_points=p["n_points"], eps=p["eps"]), 256, rng
        ),
        relation="<=",
        failure_prob=(lambda p: 2.0 / p["n_points"] ** 2) if failure_prob is None else failure_prob,
        params=[{"n_points": n, "eps": e, "dim": 64} for n, e in ((4, 0.9), (10, 0.5), (100, 0.5))],
        quick_params=[{"n_points": 4, "eps": 0.9, "dim": 32}, {"n_points": 10, "eps": 0.5, "dim": 32}],
        trials=20_000,
        quick_trials=2048,
        quantity="pair distortion |squared-distance ratio - 1|",
        unit="relative error",
        tags=("interference", "random-projection"),
    )


def _frame(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    """A random unit frame, or the simplex ETF (where the coherence bounds are attained), with a
    random rotation so every trial differs."""
    if p.get("frame") == "simplex":
        Q, _ = np.linalg.qr(rng.standard_normal((p["dim"], p["dim"])))
        return Q @ simplex(p["dim"])
    return random_frame(p["dim"], p["n"], kind="sphere", rng=rng)


def worst_case_ratio(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """max_i (exact worst k-sparse interference on i) / (k mu)."""
    from theory.interference.worst_case import worst_case_interference

    W = _frame(p, rng)
    mu = offdiag_abs_max(W.T @ W)
    return float(worst_case_interference(W, k=p["k"]).max() / (p["k"] * mu))


def rip_gershgorin_ratio(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """exact delta_k / ((k - 1) mu) for a unit frame."""
    from theory.interference.rip import rip_constant

    W = _frame(p, rng)
    mu = offdiag_abs_max(W.T @ W)
    return float(rip_constant(W, k=p["k"], method="exact").upper / ((p["k"] - 1) * mu))


def no_false_positive_excess(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """Largest pre-activation of an inactive feature under b = -worst-case positive interference,
    on the adversarial input of a random feature and on a random k-sparse input (<= 0 claimed)."""
    from theory.interference.readout import no_false_positive_bias

    W = rng.standard_normal((p["dim"], p["n"]))
    k, a, n = p["k"], p.get("max_value", 1.0), p["n"]
    b = no_false_positive_bias(W, k=k, max_value=a)
    G = W.T @ W
    worst = -np.inf
    i = int(rng.integers(n))
    row = np.where(np.arange(n) == i, -np.inf, np.maximum(G[i], 0.0))
    xs = []
    x = np.zeros(n)
    x[np.argsort(row)[-k:]] = a  # adversarial for feature i
    xs.append(x)
    x = np.zeros(n)
    x[rng.choice(n, k, replace=False)] = rng.uniform(0, a, k)
    xs.append(x)
    for x in xs:
        pre = G @ x + b
        inactive = x == 0
        worst = max(worst, float(pre[inactive].max()))
    return worst


def l1_success_indicator(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """1.0 if basis pursuit recovers a random k-sparse x from dim Gaussian measurements."""
    from theory.interference.recovery import recovery_trial

    ok, _ = recovery_trial(p["n"], _l1_dim(p), p["k"], rng)
    return float(ok)


def l1_predicted_side_indicator(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """1.0 if basis pursuit does what the ALMT window predicts on ``p["side"]``: recovers above the
    transition, fails below it."""
    ok = l1_success_indicator(p, rng)
    return ok if p["side"] == "above" else 1.0 - ok


def _l1_dim(p: Mapping[str, Any]) -> int:
    """dim = ceil(statdim + a_eta sqrt n) ('above') or floor(lower statdim - a_eta sqrt n)."""
    import math

    from theory.interference.recovery import almt_window, statistical_dimension_bounds

    lo, hi = statistical_dimension_bounds(n=p["n"], k=p["k"])
    w = almt_window(n=p["n"], eta=p["eta"])
    return int(math.ceil(hi + w)) if p["side"] == "above" else int(math.floor(lo - w))


def _validate_l1(p: Mapping[str, Any]) -> None:
    check_int(p.get("n"), "n", minimum=2)
    check_int(p.get("k"), "k", minimum=1, maximum=p["n"])
    check_real(p.get("eta"), "eta", minimum=0, maximum=1, strict_min=True, strict_max=True)
    if p.get("side") not in ("above", "below"):
        raise ValueError(f"side must be 'above' or 'below', got {p.get('side')!r}")
    d = _l1_dim(p)
    if not 1 <= d <= p["n"]:
        raise ValueError(f"the ALMT window puts dim = {d} outside [1, n = {p['n']}]; choose another k")


def tail_samples(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    return np.abs(interference_distribution(dim=p["dim"], x=np.full(p["k"], 1.0), samples=512, rng=rng))


def achlioptas_distortions(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    out = np.empty(64)
    for t in range(64):
        R = achlioptas_projection(k=p["k"], dim=p["dim"], rng=rng)
        u = rng.standard_normal(p["dim"])
        out[t] = abs(np.sum((R @ u) ** 2) / (p["k"] * np.sum(u**2)) - 1.0)
    return out


def rademacher_coherence(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    n = jl_max_features(dim=p["dim"], eps=p["eps"], failure_prob=p["q"])
    W = rademacher_frame(dim=p["dim"], n=n, rng=rng)
    return offdiag_abs_max(W.T @ W) if n > 1 else 0.0


def gaussian_rip_delta(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    from theory.interference.rip import rip_constant

    m = gaussian_rip_min_dim(n=p["n"], k=p["k"], delta=p["delta"], failure_prob=p["q"])
    with warnings.catch_warnings():
        # BDDW's statement is about the raw N(0, 1/m) matrix, whose columns are only nearly unit-norm
        warnings.simplefilter("ignore", TheoryWarning)
        return rip_constant(rng.standard_normal((m, p["n"])) / np.sqrt(m), k=p["k"], method="exact").upper


def _more_claims() -> list[Claim]:
    return [
        Claim(
            id="interference.worst_case_coherence",
            statement=(
                "For unit features with coherence mu, the exact worst-case interference on "
                "any feature from k other active features with |x_j| <= 1 is at most k mu; "
                "equality for equiangular frames (simplex)."
            ),
            latex=r"\max_{|S|=k,\,|x_j|\le1}\Bigl|\sum_{j\in S}\langle w_i,w_j\rangle x_j\Bigr|\le k\mu",
            citation=cite("donoho_elad2003", "tropp2004"),
            domain="integers 1 <= k < n; unit-norm frames",
            bound=lambda p: 1.0,
            measure=worst_case_ratio,
            relation="<=",
            params=[
                {"dim": 4, "n": 12, "k": 3},
                {"dim": 8, "n": 30, "k": 5},
                {"frame": "simplex", "dim": 5, "n": 6, "k": 4},
            ],
            quick_params=[{"dim": 4, "n": 12, "k": 3}, {"frame": "simplex", "dim": 4, "n": 5, "k": 3}],
            trials=200,
            quick_trials=30,
            rtol=1e-9,
            quantity="worst-case interference / (k mu)",
            unit="dimensionless",
            tags=("interference", "worst-case"),
        ),
        Claim(
            id="interference.rip_gershgorin",
            statement=(
                "The RIP constant of a unit-norm frame satisfies delta_k <= (k-1) mu "
                "(Gershgorin); delta_2 = mu exactly; equality for the simplex at k = 2."
            ),
            latex=r"\delta_k\le(k-1)\mu",
            citation=cite("donoho_elad2003", detail="with the Gershgorin circle theorem"),
            domain="integers 2 <= k <= n; unit-norm frames",
            bound=lambda p: 1.0,
            measure=rip_gershgorin_ratio,
            relation="<=",
            params=[
                {"dim": 3, "n": 8, "k": 2},
                {"dim": 4, "n": 9, "k": 3},
                {"frame": "simplex", "dim": 5, "n": 6, "k": 2},
            ],
            quick_params=[{"dim": 3, "n": 8, "k": 3}, {"frame": "simplex", "dim": 4, "n": 5, "k": 2}],
            trials=200,
            quick_trials=30,
            rtol=1e-9,
            quantity="exact delta_k / ((k-1) mu)",
            unit="dimensionless",
            tags=("interference", "rip"),
        ),
        Claim(
            id="interference.no_false_positives",
            statement=(
                "With ReLU read-out ReLU(W^T W x + b) and b_i = -a * (sum of the k largest "
                "positive Gram entries of feature i), no inactive feature fires on any "
                "k-sparse input in [0, a]^n; the adversarial input reaches 0 exactly."
            ),
            latex=r"b_i\le-a\sum_{\text{top-}k}(G_{ij})_+\Rightarrow (W^\top Wx+b)_i\le0\ \text{if } x_i=0",
            citation=cite("elhage2022", detail="read-out; the bound is elementary"),
            domain="integers 1 <= k < n; any W",
            bound=lambda p: 0.0,
            measure=no_false_positive_excess,
            relation="<=",
            params=[
                {"dim": 5, "n": 20, "k": 1},
                {"dim": 5, "n": 20, "k": 3},
                {"dim": 10, "n": 100, "k": 5, "max_value": 2.0},
            ],
            quick_params=[{"dim": 5, "n": 20, "k": 2}, {"dim": 10, "n": 60, "k": 4}],
            trials=500,
            quick_trials=100,
            rtol=1e-9,
            atol=1e-9,
            quantity="largest inactive pre-activation",
            unit="activation",
            tags=("interference", "readout"),
        ),
        Claim(
            id="interference.l1_transition",
            statement=(
                "Basis pursuit with a dim x n Gaussian matrix recovers a k-sparse x with "
                "probability >= 1 - eta when dim >= delta + a_eta sqrt(n), and fails with "
                "probability >= 1 - eta when dim <= delta - a_eta sqrt(n), where delta is the "
                "statistical dimension of the l1 descent cone and a_eta = sqrt(8 log(4/eta))."
            ),
            latex=r"m\ge\delta+a_\eta\sqrt n\Rightarrow P(\text{success})\ge1-\eta",
            citation=cite("amelunxen2014", detail="Theorem II, Prop. 4.5"),
            domain="integers 1 <= k <= n; 0 < eta < 1; the window inside [1, n]",
            validate=_validate_l1,
            bound=lambda p: 1.0,
            measure=l1_predicted_side_indicator,  # both sides: "1 except with probability <= eta"
            relation=">=",
            failure_prob=lambda p: p["eta"],
            params=[
                {"n": 200, "k": 10, "eta": 0.5, "side": "above"},
                {"n": 200, "k": 80, "eta": 0.5, "side": "below"},
                {"n": 400, "k": 20, "eta": 0.25, "side": "above"},
            ],
            quick_params=[
                {"n": 150, "k": 8, "eta": 0.5, "side": "above"},
                {"n": 150, "k": 70, "eta": 0.5, "side": "below"},
            ],
            trials=200,
            quick_trials=30,
            quantity="outcome on the predicted side (recovered above, failed below)",
            unit="indicator (1 = yes)",
            tags=("interference", "recovery", "phase-transition"),
        ),
        Claim(
            id="interference.random_tail",
            statement=(
                "For uniformly random unit features in R^dim, the interference "
                "I = sum_j <w_0, w_j> x_j exceeds t in absolute value with probability at most "
                "2 exp(-dim t^2 / (2 ||x||^2)) (each cosine is 1/dim-sub-Gaussian)."
            ),
            latex=r"P(|I|>t)\le2e^{-\mathrm{dim}\,t^2/(2\|x\|_2^2)}",
            citation=(cite("marchal_arbel2017")),
            domain="integers dim >= 2, k >= 1; t > 0",
            bound=lambda p: p["t"],
            measure=tail_samples,
            relation="<=",
            failure_prob=lambda p: interference_tail_bound(dim=p["dim"], x=np.full(p["k"], 1.0), t=p["t"]),
            params=[{"dim": 50, "k": 4, "t": 0.6}, {"dim": 200, "k": 10, "t": 0.5}],
            quick_params=[{"dim": 50, "k": 4, "t": 0.6}],
            trials=8192,
            quick_trials=1024,
            quantity="|interference| on one feature",
            unit="activation",
            tags=("interference", "random-frame"),
        ),
        Claim(
            id="interference.achlioptas_pair",
            statement=(
                "Achlioptas's sparse projection (entries sqrt(3){+1,0,-1} w.p. 1/6, 2/3, 1/6) "
                "distorts a fixed squared norm by more than eps with probability at most "
                "2 exp(-k (eps^2/4 - eps^3/6))."
            ),
            latex=r"P(|\|Ru\|^2/(k\|u\|^2)-1|>\varepsilon)\le2e^{-k(\varepsilon^2/4-\varepsilon^3/6)}",
            citation=cite("achlioptas2003"),
            domain="integers k, dim >= 1; 0 < eps < 1",
            bound=lambda p: p["eps"],
            measure=achlioptas_distortions,
            relation="<=",
            failure_prob=lambda p: achlioptas_pair_failure_bound(k=p["k"], eps=p["eps"]),
            params=[{"k": 60, "dim": 40, "eps": 0.4}, {"k": 200, "dim": 20, "eps": 0.3}],
            quick_params=[{"k": 60, "dim": 40, "eps": 0.4}],
            trials=2560,
            quick_trials=640,
            quantity="norm distortion |squared-norm ratio - 1|",
            unit="relative error",
            tags=("interference", "random-projection"),
        ),
        Claim(
            id="interference.jl_max_features",
            statement=(
                "n = jl_max_features(dim, eps, q) random sign vectors in R^dim are pairwise "
                "eps-orthogonal (|cos| <= eps) with probability at least 1 - q."
            ),
            latex=r"n(n-1)e^{-\mathrm{dim}\,\varepsilon^2/2}\le q\Rightarrow P(\mu>\varepsilon)\le q",
            citation=cite("hoeffding1963", detail="with a union bound"),
            domain="integers dim >= 1; 0 < eps < 1; 0 < q < 1",
            bound=lambda p: p["eps"],
            measure=rademacher_coherence,
            relation="<=",
            failure_prob=lambda p: p["q"],
            params=[{"dim": 64, "eps": 0.5, "q": 0.1}, {"dim": 256, "eps": 0.3, "q": 0.2}],
            quick_params=[{"dim": 64, "eps": 0.5, "q": 0.1}],
            trials=500,
            quick_trials=150,
            quantity="coherence (max |cos| over pairs)",
            unit="dimensionless",
            tags=("interference", "random-frame"),
        ),
        Claim(
            id="interference.gaussian_rip",
            statement=(
                "A Gaussian m x n matrix with N(0, 1/m) entries and m = gaussian_rip_min_dim(n, "
                "k, delta, q) (BDDW's explicit constants, squared convention) has delta_k <= "
                "delta with probability at least 1 - q (conservative)."
            ),
            latex=(
                r"m\ge\frac{\ln(2/q)+k\ln(eN/k)+k\ln(12/\delta_u)}{c_0(\delta_u/2)}"
                r"\Rightarrow P(\delta_k>\delta)\le q"
            ),
            citation=cite("baraniuk2008"),
            domain="integers 1 <= k <= n; 0 < delta, q < 1",
            bound=lambda p: p["delta"],
            measure=gaussian_rip_delta,
            relation="<=",
            failure_prob=lambda p: p["q"],
            params=[{"n": 10, "k": 2, "delta": 0.5, "q": 0.1}],
            quick_params=[{"n": 8, "k": 2, "delta": 0.8, "q": 0.2}],
            trials=50,
            quick_trials=10,
            quantity="RIP constant delta_k",
            unit="dimensionless",
            tags=("interference", "rip", "random-frame"),
        ),
    ]


def claims() -> list[Claim]:
    """The interference claims (linear accessibility: ``theory.interference._claims_linear_access``)."""
    from theory.interference._claims_linear_access import linear_access_claims

    return [
        *_more_claims(),
        *linear_access_claims(),
        jl_pair_claim(),
        Claim(
            id="interference.jl_chernoff",
            statement=(
                "For R with iid N(0,1) entries, ||R u||^2 / (k ||u||^2) leaves "
                "[1 - eps, 1 + eps] with probability at most exp(k/2 (eps + ln(1-eps))) "
                "+ exp(k/2 (-eps + ln(1+eps))) (the Chernoff bounds behind the JL lemma)."
            ),
            latex=(
                r"P(|L-1|>\varepsilon)\le e^{\frac k2(\varepsilon+\ln(1-\varepsilon))}"
                r"+e^{\frac k2(-\varepsilon+\ln(1+\varepsilon))}"
            ),
            citation=cite("dasgupta_gupta2003", detail="Lemma 2.2"),
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
            quantity="pair distortion |squared-distance ratio - 1|",
            unit="relative error",
            tags=("interference", "random-projection"),
        ),
    ]

"""Claims of the sparse-coding area, checked by ``theory verify``.

Each claim is measured where its bound is tight: the coherence certificate on equiangular frames
and an optimal packing (the simplex of odd dimension has two ``k + 1``-sparse codes with the same
signal, so the certified ``k`` cannot be raised), the thresholding condition on codes built to
be adversarial and on the witness dictionary of :func:`~theory.sparse_coding.thresholding_witness`,
whose margin at the tested dynamic range is about ``1e-6``. The factories (``*_claim``) take the
knob that turns each claim false, so tests can show the machinery refutes the false version.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._references import cite
from theory._validation import check_int, check_probability, check_real
from theory._warnings import TheoryWarning
from theory.sparse_coding.certificates import (
    thresholding_condition,
    thresholding_witness,
    unique_recovery_bound,
)
from theory.sparse_coding.inference import omp, threshold_encode
from theory.sparse_coding.spud import er_spud, spud_sample, spud_success
from theory.verify.claim import Claim

__all__ = [
    "adversarial_codes",
    "claims",
    "coherence_recovery_claim",
    "coherence_recovery_error",
    "er_spud_claim",
    "er_spud_trial",
    "claim_frame",
    "thresholding_condition_claim",
    "thresholding_sharp_claim",
    "thresholding_sharp_indicator",
    "thresholding_support_errors",
]


#: Relative margin by which the tested dynamic range sits above (or below) a threshold.
MARGIN = 1e-6

_FRAMES = ("simplex", "paley", "identity_hadamard", "packing", "witness")


# ---------------------------------------------------------------------------------------------
# test dictionaries


@lru_cache(maxsize=8)
def _packing(dim: int, n: int) -> NDArray[np.float64]:
    from theory.geometry.packing import PACK_PRESETS, pack

    return pack(dim=dim, n=n, rng=0, **PACK_PRESETS["reproducible"]).frame


def _base_frame(p: Mapping[str, Any]) -> tuple[NDArray[np.float64], list[tuple[int, tuple[int, ...]]]]:
    """The unrotated dictionary of ``p`` and its special codes (``(x_min atom, x_max atoms)``)."""
    from scipy.linalg import hadamard

    from theory.geometry import paley_etf, simplex

    kind = p.get("frame")
    if kind == "simplex":
        return simplex(check_int(p.get("dim"), "dim", minimum=1)), []
    if kind == "paley":
        return paley_etf(check_int(p.get("q"), "q", minimum=5)), []
    if kind == "identity_hadamard":
        dim = check_int(p.get("dim"), "dim", minimum=2)
        if dim & (dim - 1):
            raise ValueError(f"identity_hadamard needs dim a power of 2, got {dim}")
        return np.hstack([np.eye(dim), hadamard(dim) / math.sqrt(dim)]), []
    if kind == "packing":
        return _packing(check_int(p.get("dim"), "dim", minimum=2), check_int(p.get("n"), "n", minimum=3)), []
    if kind == "witness":
        k = check_int(p.get("k"), "k", minimum=2)
        w = thresholding_witness(k=k, mu=check_real(p.get("mu"), "mu", minimum=0.0, strict_min=True))
        return w.dictionary, [(1, tuple(range(2, k + 1)))]
    raise ValueError(f"frame must be one of {_FRAMES}, got {kind!r}")


def claim_frame(
    p: Mapping[str, Any], rng: np.random.Generator, *, flip_signs: bool = False
) -> tuple[NDArray[np.float64], list[tuple[int, tuple[int, ...]]]]:
    r"""The dictionary named by ``p``, randomly rotated and permuted (coherence unchanged).

    ``p["frame"]`` is ``"simplex"`` (``dim``), ``"paley"`` (``q``), ``"identity_hadamard"``
    (``dim`` a power of 2: :math:`[I, H/\sqrt{\mathrm{dim}}]`), ``"packing"`` (``dim``, ``n``: a
    numerically optimised line packing from :func:`theory.geometry.pack`) or ``"witness"``
    (``k``, ``mu``: :func:`~theory.sparse_coding.thresholding_witness`). Each trial applies a random
    orthogonal map, a random column permutation and, with ``flip_signs``, random column signs.

    Returns
    -------
    D : ndarray, shape (dim, n)
        Unit columns.
    special : list of (int, tuple of int)
        Codes the frame is built to defeat, as ``(atom with x_min, atoms with x_max)`` in the
        permuted column order (the witness code; empty for the other frames).
    """
    B, special = _base_frame(p)
    dim, n = B.shape
    Q, R = np.linalg.qr(rng.standard_normal((dim, dim)))
    Q = Q * np.sign(np.diag(R))
    perm = rng.permutation(n)
    D = Q @ B[:, perm]
    if flip_signs:
        D = D * rng.choice([-1.0, 1.0], size=n)
    D = D / np.linalg.norm(D, axis=0)
    inv = np.argsort(perm)
    return D, [(int(inv[i]), tuple(int(inv[j]) for j in rest)) for i, rest in special]


def adversarial_codes(
    G: NDArray[np.float64], k: int, count: int, rng: np.random.Generator, *, ratio: float | None = None
) -> NDArray[np.float64]:
    r"""``count`` ``k``-sparse codes built against the Gram matrix ``G`` of a unit dictionary.

    Signed (``ratio=None``): for a random off-support atom ``j``, the support is the ``k`` atoms
    most coherent with ``j`` (ties broken at random) with signs :math:`\operatorname{sign} G_{jl}`,
    so that :math:`\langle d_j, y\rangle` collects the interference :math:`\sum_l |G_{jl}||x_l|`;
    magnitudes are all 1 (half of the codes) or uniform in ``[1/2, 1]``. Every fourth code is
    instead a greedy clique of mutually most coherent atoms (from the most coherent pair) with
    random signs.

    Nonnegative (``ratio`` given): for a random off-support atom ``j``, the atom ``i`` carrying
    :math:`x_{\min} = \text{ratio}` is one of those most positively correlated with ``j`` and the
    other ``k - 1`` atoms (:math:`x_{\max} = 1`) maximise :math:`G_{jl} - G_{il}`, which raises
    :math:`\langle d_j, y\rangle` and lowers :math:`\langle d_i, y\rangle` together (the worst case
    of the thresholding argument).

    Returns
    -------
    ndarray, shape (count, n)
    """
    n: int = G.shape[0]
    A = np.abs(G) if ratio is None else G.copy()
    np.fill_diagonal(A, -np.inf)
    codes = np.zeros((count, n))
    for t in range(count):
        tie = rng.random(n) * 1e-9  # random tie-breaking among equal cosines
        if ratio is None and t % 4 == 3:
            iu = np.triu_indices(n, 1)
            vals = A[iu] + tie[iu[0]] * tie[iu[1]]
            b = int(np.argmax(vals))
            S = [int(iu[0][b]), int(iu[1][b])]
            while len(S) < k:
                score = np.abs(G[:, S]).sum(axis=1) + tie
                score[S] = -np.inf
                S.append(int(np.argmax(score)))
            codes[t, S[:k]] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 1.0, size=k)
            continue
        j = int(rng.integers(n))
        if ratio is None:
            order = np.argsort(-(A[j] + tie), kind="stable")[:k]
            mags = np.ones(k) if t % 2 == 0 else rng.uniform(0.5, 1.0, size=k)
            codes[t, order] = np.sign(G[j, order]) * mags
        else:
            i = int(np.argmax(A[j] + tie))
            score = G[j] - G[i] + tie
            score[[i, j]] = -np.inf
            rest = np.argsort(-score, kind="stable")[: k - 1]
            codes[t, i] = ratio
            codes[t, rest] = 1.0
    return codes


def _random_codes(
    n: int, k: int, count: int, rng: np.random.Generator, *, ratio: float | None = None
) -> NDArray[np.float64]:
    """Uniform supports; signed N(0,1) values, or nonnegative values in [ratio, 1] with both ends present."""
    codes = np.zeros((count, n))
    for t in range(count):
        S = rng.choice(n, size=k, replace=False)
        if ratio is None:
            codes[t, S] = rng.standard_normal(k)
        else:
            v = rng.uniform(ratio, 1.0, size=k)
            v[0] = ratio
            if k > 1:
                v[1] = 1.0
            codes[t, S] = v
    return codes


# ---------------------------------------------------------------------------------------------
# measurements


def coherence_recovery_error(
    p: Mapping[str, Any], rng: np.random.Generator, *, k_offset: int = 0, codes: int = 32, bp_codes: int = 4
) -> float:
    r"""Largest relative error :math:`\lVert\hat x - x\rVert_\infty/\lVert x\rVert_\infty` of OMP and basis
    pursuit over ``codes`` sparse codes at ``k = unique_recovery_bound(D).value + k_offset``.

    Three quarters of the codes are adversarial (:func:`adversarial_codes`, signed), a quarter random;
    basis pursuit (:func:`theory.interference.basis_pursuit`, HiGHS) runs on the first ``bp_codes``
    adversarial codes and one random code.
    """
    from theory.interference import basis_pursuit

    D, _ = claim_frame(p, rng, flip_signs=True)
    dim, n = D.shape
    k = int(unique_recovery_bound(D).value) + k_offset
    if not 1 <= k <= min(dim, n):
        raise ValueError(f"k = {k} is outside [1, min(dim, n) = {min(dim, n)}] for {dict(p)}")
    G = D.T @ D
    n_adv = (3 * codes) // 4
    X = np.vstack([adversarial_codes(G, k, n_adv, rng), _random_codes(n, k, codes - n_adv, rng)])
    Y = X @ D.T
    scale = np.abs(X).max(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TheoryWarning)  # an early stop is scored as an error like any other
        Xo = omp(D, Y, k=k)
    err = float((np.abs(Xo - X).max(axis=1) / scale).max())
    for t in [*range(min(bp_codes, n_adv)), codes - 1]:
        xb = basis_pursuit(D, Y[t])
        err = max(err, float(np.abs(xb - X[t]).max() / scale[t]))
    return err


def _special_code(n: int, i: int, rest: tuple[int, ...], ratio: float) -> NDArray[np.float64]:
    """A frame's special nonnegative code: ``ratio`` on atom ``i``, 1 on the atoms ``rest``, 0 elsewhere."""
    x = np.zeros(n)
    x[i] = ratio
    x[list(rest)] = 1.0
    return x


def _support_errors(D: NDArray[np.float64], X: NDArray[np.float64], k: int) -> int:
    A = threshold_encode(D, X @ D.T, k=k)
    return int(np.count_nonzero(np.any((A > 0) != (X > 0), axis=1)))


def thresholding_support_errors(
    p: Mapping[str, Any], rng: np.random.Generator, *, ratio_factor: float = 1.0, codes: int = 32
) -> float:
    r"""Number of codes (of ``codes``) whose support top-``k`` thresholding misses, at
    :math:`x_{\min}/x_{\max}` just above the certified threshold (times ``ratio_factor``).

    ``p["ratio"]`` selects the threshold: ``"condition"`` for :math:`(2k-1)\bar\mu` (the certificate's
    value) or ``"sharp"`` for :math:`2(k-1)\bar\mu/(1-\bar\mu)`; the dynamic range is that value
    times :math:`(1 + 10^{-6})`. Codes are nonnegative: the frame's special codes (the witness),
    adversarial ones (:func:`adversarial_codes`) and random ones; the encoder is
    :func:`~theory.sparse_coding.threshold_encode` with ``k`` (nonnegative top-``k``).
    """
    D, special = claim_frame(p, rng)
    k = check_int(p.get("k"), "k", minimum=1)
    cert = thresholding_condition(D, k=k, nonnegative=True)
    which = p.get("ratio", "condition")
    if which not in ("condition", "sharp"):
        raise ValueError(f"ratio must be 'condition' or 'sharp', got {which!r}")
    base = float(cert.value) if which == "condition" else float(cert.certificate["sharp"])
    if not base < 1:
        raise ValueError(f"the thresholding condition cannot hold at {dict(p)}: threshold {base:.6g} >= 1")
    ratio = min(1.0, base * (1.0 + MARGIN)) * ratio_factor
    n = D.shape[1]
    parts = [_special_code(n, i, rest, ratio)[None, :] for i, rest in special]
    n_adv = (3 * codes) // 4 - len(parts)
    parts.append(adversarial_codes(D.T @ D, k, max(n_adv, 0), rng, ratio=ratio))
    parts.append(_random_codes(n, k, codes - sum(len(q) for q in parts), rng, ratio=ratio))
    return float(_support_errors(D, np.vstack(parts), k))


def thresholding_sharp_indicator(
    p: Mapping[str, Any], rng: np.random.Generator, *, ratio_factor: float = 1.0 - MARGIN
) -> float:
    r"""1 if, on the witness at :math:`x_{\min}/x_{\max}` = ``ratio_factor`` times the sharp threshold,
    top-``k`` thresholding misses the support while OMP (``k`` steps) and nonnegative basis pursuit
    both recover the code (relative error at most ``1e-8``); else 0.

    The witness (:func:`~theory.sparse_coding.thresholding_witness`) is rotated and permuted at
    random and the code scaled by a random positive factor.
    """
    from theory.interference import basis_pursuit

    k = check_int(p.get("k"), "k", minimum=2)
    mu = check_real(p.get("mu"), "mu", minimum=0.0, strict_min=True)
    sharp = thresholding_witness(k=k, mu=mu).sharp
    w = thresholding_witness(k=k, mu=mu, ratio=min(1.0, ratio_factor * sharp))
    D, special = claim_frame({"frame": "witness", "k": k, "mu": mu}, rng)
    ((i, rest),) = special
    x = _special_code(k + 1, i, rest, w.ratio) * rng.uniform(0.5, 2.0)
    y = D @ x
    fails = _support_errors(D, x[None, :], k) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TheoryWarning)
        xo = omp(D, y[None, :], k=k)[0]
    xb = basis_pursuit(D, y, nonnegative=True)
    tol = 1e-8 * np.abs(x).max()
    ok = bool(np.abs(xo - x).max() <= tol and np.abs(xb - x).max() <= tol)
    return float(fails and ok)


def _spud_batch(p: Mapping[str, Any]) -> int:
    n = p["n"]
    return int(math.ceil(p["C"] * n * math.log(n)))


def er_spud_trial(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """1 if ER-SpUD (DC) recovers a random Gaussian ``n x n`` dictionary from ``ceil(C n log n)``
    Bernoulli(theta)-Gaussian samples (up to permutation and scaling, |cos| >= 1 - 1e-4), else 0."""
    n = p["n"]
    A = rng.standard_normal((n, n))
    x, _ = spud_sample(A, batch=_spud_batch(p), theta=p["theta"], rng=rng)
    try:
        res = er_spud(x, variant="dc", rng=rng)
    except ValueError:  # the samples do not span R^n: a failure
        return 0.0
    return float(res.complete and spud_success(A, res.dictionary))


# ---------------------------------------------------------------------------------------------
# validation


def _validate_frame(p: Mapping[str, Any]) -> None:
    _base_frame(p)


def _validate_thresholding(p: Mapping[str, Any]) -> None:
    _base_frame(p)
    check_int(p.get("k"), "k", minimum=1)
    if p.get("ratio", "condition") not in ("condition", "sharp"):
        raise ValueError(f"ratio must be 'condition' or 'sharp', got {p.get('ratio')!r}")


def _validate_witness(p: Mapping[str, Any]) -> None:
    k = check_int(p.get("k"), "k", minimum=2)
    mu = check_real(p.get("mu"), "mu", minimum=0.0, strict_min=True)
    if not (2 * k - 1) * mu < 1:
        raise ValueError(f"mu must satisfy (2k - 1) mu < 1, got k={k}, mu={mu}")


def _validate_spud(p: Mapping[str, Any]) -> None:
    check_int(p.get("n"), "n", minimum=2, maximum=200)
    check_probability(p.get("theta"), "theta", allow_zero=False)
    check_real(p.get("C"), "C", minimum=0.0, strict_min=True)
    if _spud_batch(p) <= p["n"]:
        raise ValueError(f"C n log n must exceed n (more samples than dimensions), got {_spud_batch(p)}")


# ---------------------------------------------------------------------------------------------
# claims


def coherence_recovery_claim(*, k_offset: int = 0, claim_id: str = "sparse_coding.coherence_recovery") -> Claim:
    """Exact recovery by OMP and basis pursuit at the coherence-certified sparsity (``k_offset`` > 0
    states the false claim beyond it, for tests)."""
    return Claim(
        id=claim_id,
        statement=(
            "For a dictionary with unit atoms of coherence mu, OMP (k steps) and basis pursuit "
            "recover every k-sparse code exactly when (2k - 1) mu < 1, i.e. at "
            "k = unique_recovery_bound(D).value; tested on equiangular frames (simplex, Paley), "
            "[I, H] and an optimal line packing with codes built to maximise the interference on an "
            "off-support atom, plus random codes. On the simplex of odd dim the bound is tight: "
            "k + 1 atoms with equal weights have a second (k+1)-sparse representation."
        ),
        latex=r"(2k-1)\mu<1\ \Rightarrow\ \hat x_{\mathrm{OMP}}=\hat x_{\mathrm{BP}}=x\quad\forall x:\ \|x\|_0\le k",
        citation=cite("donoho_elad2003", "gribonval_nielsen2003", "tropp2004"),
        domain="unit-norm dictionaries with mu < 1; k = the certified sparsity (>= 1)",
        validate=_validate_frame,
        bound=lambda p: 1e-6,
        measure=lambda p, rng: coherence_recovery_error(p, rng, k_offset=k_offset),
        relation="<=",
        params=[
            {"frame": "simplex", "dim": 5},
            {"frame": "simplex", "dim": 7},
            {"frame": "paley", "q": 13},
            {"frame": "paley", "q": 29},
            {"frame": "identity_hadamard", "dim": 16},
            {"frame": "identity_hadamard", "dim": 64},
            {"frame": "packing", "dim": 3, "n": 7},
        ],
        quick_params=[
            {"frame": "simplex", "dim": 5},
            {"frame": "paley", "q": 13},
            {"frame": "identity_hadamard", "dim": 16},
        ],
        trials=40,
        quick_trials=8,
        rtol=0.0,
        atol=0.0,
        quantity="max relative recovery error (OMP, BP)",
        tags=("sparse_coding", "coherence", "recovery"),
    )


def thresholding_condition_claim(
    *, ratio_factor: float = 1.0, claim_id: str = "sparse_coding.thresholding_condition"
) -> Claim:
    """Thresholding recovers the support above the dynamic-range condition (``ratio_factor`` < 1
    states the false claim below it, for tests)."""
    return Claim(
        id=claim_id,
        statement=(
            "One-pass top-k thresholding of D^T y recovers the support of every nonnegative k-sparse "
            "code with x_min / x_max > (2k - 1) mu, and already above the sharp form "
            "2(k - 1) mu / (1 - mu); tested just above each (relative margin 1e-6) on ETFs, [I, H] and "
            "the witness dictionary on which the sharp form is attained, with adversarial codes."
        ),
        latex=r"\frac{x_{\min}}{x_{\max}}>\frac{2(k-1)\mu}{1-\mu}\ \Rightarrow\ \operatorname{top}_k(D^\top Dx)"
        r"=\operatorname{supp}x",
        citation=cite("schnass2008", "tropp2004"),
        domain="unit-norm dictionaries; 1 <= k with (2k - 1) mu < 1; nonnegative codes",
        validate=_validate_thresholding,
        bound=lambda p: 0.0,
        measure=lambda p, rng: thresholding_support_errors(p, rng, ratio_factor=ratio_factor),
        relation="<=",
        params=[
            {"frame": f, "k": k, "ratio": r, **extra}
            for f, k, extra in (
                ("witness", 3, {"mu": 0.1}),
                ("witness", 5, {"mu": 0.05}),
                ("simplex", 3, {"dim": 7}),
                ("paley", 2, {"q": 13}),
                ("paley", 3, {"q": 29}),
                ("identity_hadamard", 4, {"dim": 64}),
            )
            for r in ("condition", "sharp")
        ],
        quick_params=[
            {"frame": "witness", "k": 3, "mu": 0.1, "ratio": "sharp"},
            {"frame": "paley", "k": 2, "q": 13, "ratio": "condition"},
            {"frame": "identity_hadamard", "k": 2, "dim": 16, "ratio": "sharp"},
        ],
        trials=40,
        quick_trials=10,
        rtol=0.0,
        atol=0.0,
        quantity="codes with a wrong thresholded support",
        tags=("sparse_coding", "thresholding"),
    )


def thresholding_sharp_claim(
    *, ratio_factor: float = 1.0 - MARGIN, claim_id: str = "sparse_coding.thresholding_sharp"
) -> Claim:
    """Below the sharp threshold thresholding fails on the witness while OMP and BP succeed
    (``ratio_factor`` > 1 states the false claim above it, for tests)."""
    return Claim(
        id=claim_id,
        statement=(
            "The sharp thresholding condition cannot be lowered: on the witness dictionary "
            "(coherence mu, (2k - 1) mu < 1) and its nonnegative code with x_min / x_max just below "
            "2(k - 1) mu / (1 - mu) (relative margin 1e-6), top-k thresholding misses the support while "
            "OMP and basis pursuit recover the code exactly: the amortisation gap in condition form."
        ),
        latex=r"\frac{x_{\min}}{x_{\max}}<\frac{2(k-1)\mu}{1-\mu}:\ \operatorname{top}_k(D^\top y)\ne S,\ "
        r"\hat x_{\mathrm{OMP}}=\hat x_{\mathrm{BP}}=x",
        citation=cite("schnass2008", "tropp2004"),
        domain="integers k >= 2; 0 < mu < 1/(2k - 1)",
        validate=_validate_witness,
        bound=lambda p: 1.0,
        measure=lambda p, rng: thresholding_sharp_indicator(p, rng, ratio_factor=ratio_factor),
        relation=">=",
        params=[{"k": 2, "mu": 0.2}, {"k": 3, "mu": 0.1}, {"k": 4, "mu": 0.1}, {"k": 6, "mu": 0.05}],
        quick_params=[{"k": 2, "mu": 0.2}, {"k": 4, "mu": 0.1}],
        trials=40,
        quick_trials=8,
        rtol=0.0,
        atol=0.0,
        quantity="1 if thresholding fails and OMP and BP succeed",
        tags=("sparse_coding", "thresholding", "amortisation"),
    )


#: Claimed failure probabilities of ER-SpUD (DC) per (n, theta, C), above the measured rates' 95% intervals.
SPUD_FAILURE = {(8, 0.1, 8.0): 0.15, (8, 0.2, 8.0): 0.06, (6, 0.2, 8.0): 0.1}


def _spud_failure(p: Mapping[str, Any]) -> float:
    key = (int(p["n"]), float(p["theta"]), float(p["C"]))
    if key not in SPUD_FAILURE:
        raise ValueError(f"no measured failure probability for (n, theta, C) = {key}; known: {sorted(SPUD_FAILURE)}")
    return SPUD_FAILURE[key]


def er_spud_claim(
    *, failure_prob: Any = None, params: Any = None, quick_params: Any = None, claim_id: str = "sparse_coding.er_spud"
) -> Claim:
    """ER-SpUD succeeds at p = C n log n except with the stated probability (overrides for tests)."""
    default = [{"n": 8, "theta": 0.1, "C": 8.0}, {"n": 8, "theta": 0.2, "C": 8.0}, {"n": 6, "theta": 0.2, "C": 8.0}]
    return Claim(
        id=claim_id,
        statement=(
            "Empirical, at small n: ER-SpUD (DC) recovers a random Gaussian n x n dictionary (up to "
            "permutation and scaling) from p = ceil(C n log n) Bernoulli(theta)-Gaussian samples "
            "except with probability at most q: q = 0.15 at n = 8, theta = 0.1, C = 8 (measured 19/200 "
            "failures), q = 0.06 at n = 8, theta = 0.2 (4/200), q = 0.1 at n = 6, theta = 0.2 (8/200). "
            "Not a theorem about these n: Spielman, Wang & Wright prove that O(n log n) samples "
            "determine the dictionary, but their guarantee for ER-SpUD needs about n^2 log^2 n samples; "
            "Adamczak proves C n log n for a modified algorithm, and Blasiok & Nelson show the "
            "unmodified one needs about n^1.99 samples for large n."
        ),
        latex=r"P\bigl(\text{ER-SpUD fails at } p=\lceil Cn\log n\rceil\bigr)\le q(n,\theta,C)",
        citation=cite("spielman2012", "adamczak2016", "blasiok_nelson2016"),
        domain="(n, theta, C) with a measured rate: (8, 0.1, 8), (8, 0.2, 8), (6, 0.2, 8)",
        validate=_validate_spud,
        bound=lambda p: 1.0,
        measure=er_spud_trial,
        relation=">=",
        failure_prob=_spud_failure if failure_prob is None else failure_prob,
        params=default if params is None else params,
        quick_params=[{"n": 6, "theta": 0.2, "C": 8.0}] if quick_params is None else quick_params,
        trials=60,
        quick_trials=10,
        quantity="1 if ER-SpUD recovers the dictionary",
        tags=("sparse_coding", "dictionary-learning", "empirical"),
    )


def claims() -> list[Claim]:
    """The sparse-coding claims checked by ``theory verify``: recovery on a known dictionary (here)
    and what learners recover (``theory.sparse_coding._claims_learning``)."""
    from theory.sparse_coding._claims_learning import learning_claims

    return [
        coherence_recovery_claim(),
        thresholding_condition_claim(),
        thresholding_sharp_claim(),
        er_spud_claim(),
        *learning_claims(),
    ]

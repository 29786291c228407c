"""Restricted isometry constants: exact, Gershgorin, SDP (certified) and best; recovery
certificates from coherence and from the RIP."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._references import cite
from theory._validation import as_rng, check_frame, check_int
from theory._warnings import TheoryWarning
from theory.interference._common import offdiag_abs_max

__all__ = [
    "RIPBound",
    "RecoveryCertificate",
    "rip_constant",
    "coherence_recovery",
    "rip_recovery",
    "MAX_EXACT_SUPPORTS",
]

#: Largest number of supports ``method="exact"`` enumerates before refusing.
MAX_EXACT_SUPPORTS = 500_000

_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class RIPBound:
    r"""Two-sided bracket on the restricted isometry constant :math:`\delta_k`.

    Attributes
    ----------
    lower, upper : float
        :math:`\text{lower} \le \delta_k \le \text{upper}`.
    method : str
        ``"exact"``, ``"gershgorin"``, ``"sdp"``, ``"best"``.
    k : int
    rigorous : bool
        ``True`` when ``upper`` is a proven bound (for ``"sdp"``: re-checked by an
        independent eigenvalue computation with an explicit floating-point margin).
    exact : bool
        ``lower == upper`` is the true constant (enumeration of every support).
    certificate : dict
        What certifies the bounds: the worst support found, the SDP dual matrices and their
        independent check, the solver name.
    citation : str

    Examples
    --------
    >>> b = RIPBound(0.1, 0.3, "gershgorin", k=2)
    >>> b.lower <= b.upper
    True
    """

    lower: float
    upper: float
    method: str
    k: int = 0
    rigorous: bool = True
    exact: bool = False
    certificate: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    citation: str = ""

    # the Bound protocol (theory._results.BoundLike): as a bound, the bracket's upper end
    @property
    def value(self) -> float:
        r"""``upper``: the bound on :math:`\delta_k`."""
        return self.upper

    @property
    def kind(self) -> str:
        """``"exact"`` when the bracket is closed, else ``"upper"``."""
        return "exact" if self.exact else "upper"

    @property
    def quantity(self) -> str:
        """``"delta_k"`` with this ``k``."""
        return f"delta_{self.k}"

    @property
    def proven(self) -> bool:
        """``rigorous``."""
        return self.rigorous

    def __float__(self) -> float:
        return float(self.upper)

    def __str__(self) -> str:
        tag = "exact" if self.exact else ("rigorous" if self.rigorous else "numerical, NOT PROVEN")
        return f"{self.lower:.6g} <= delta_{self.k} <= {self.upper:.6g}  ({self.method}, {tag})"


def _delta(lmax: float, lmin: float) -> float:
    """RIP constant from the restricted extreme eigenvalues (``1 - lmin <= 1`` as G is PSD)."""
    return float(max(lmax - 1.0, min(1.0, 1.0 - lmin), 0.0))


def _exact(G: NDArray[np.float64], k: int, max_supports: int) -> tuple[float, float, tuple[int, ...], tuple[int, ...]]:
    from itertools import combinations, islice

    n = G.shape[0]
    count = math.comb(n, k)
    if count > max_supports:
        raise ValueError(
            f"method='exact' needs all C(n={n}, k={k}) = {count} supports, more than "
            f"max_supports={max_supports}; use method='best' or 'sdp', or raise max_supports"
        )
    lmax, lmin = -np.inf, np.inf
    smax: tuple[int, ...] = ()
    smin: tuple[int, ...] = ()
    it = combinations(range(n), k)
    batch = 20_000
    while True:
        sup = np.array(list(islice(it, batch)), dtype=np.intp)
        if sup.size == 0:
            break
        sub = G[sup[:, :, None], sup[:, None, :]]
        ev = np.linalg.eigvalsh(sub)
        i_hi = int(np.argmax(ev[:, -1]))
        i_lo = int(np.argmin(ev[:, 0]))
        if ev[i_hi, -1] > lmax:
            lmax, smax = float(ev[i_hi, -1]), tuple(int(v) for v in sup[i_hi])
        if ev[i_lo, 0] < lmin:
            lmin, smin = float(ev[i_lo, 0]), tuple(int(v) for v in sup[i_lo])
    return lmax, lmin, smax, smin


def _gershgorin(G: NDArray[np.float64], k: int) -> tuple[float, float, float]:
    """Gershgorin enclosure of the k-sparse eigenvalues, widened by a few ulps for the two roundings
    of ``d + (k - 1) mu`` so that it stays on the safe side of every eigenvalue."""
    d = np.diag(G)
    mu = offdiag_abs_max(G)
    hi = float(d.max() + (k - 1) * mu)
    lo = float(d.min() - (k - 1) * mu)
    return hi + 4 * _EPS * (abs(hi) + 1.0), lo - 4 * _EPS * (abs(lo) + 1.0), mu


def _eig_margin(A: NDArray[np.float64]) -> float:
    """Backward-error margin for LAPACK symmetric eigenvalues: ``|err| <= c n eps ||A||_F``."""
    return float(10.0 * A.shape[0] * _EPS * max(np.linalg.norm(A), 1.0))


def sparse_eig_certificate(G: NDArray[np.float64], U: NDArray[np.float64], k: int, side: str) -> tuple[float, float]:
    r"""Independent check of a dual certificate for the sparse eigenvalue SDP.

    For any symmetric :math:`U` with :math:`\rho = \max_{ij}|U_{ij}|` and every unit
    :math:`x` with at most ``k`` nonzeros (so :math:`\lVert x\rVert_1^2 \le k`),

    .. math::
        x^\top G x = x^\top (G + U) x - x^\top U x \le \lambda_{\max}(G + U) + \rho k,
        \qquad
        x^\top G x \ge \lambda_{\min}(G - U) - \rho k .

    Returns the bound (with a floating-point margin added in the safe direction) and
    :math:`\rho`. Any ``U`` gives a valid bound; the SDP dual optimum gives the tightest.
    """
    U = 0.5 * (U + U.T)
    rho = float(np.abs(U).max())
    if side == "max":
        A = G + U
        val = float(np.linalg.eigvalsh(A)[-1]) + rho * k + _eig_margin(A)
    else:
        A = G - U
        val = float(np.linalg.eigvalsh(A)[0]) - rho * k - _eig_margin(A)
    return val, rho


def _sdp(G: NDArray[np.float64], k: int, solver: str) -> dict[str, Any]:
    """Solve the dual SDPs min lambda_max(G + U) + rho k, |U_ij| <= rho (and the min side),
    then re-check every candidate certificate with numpy."""
    import cvxpy as cp

    n = G.shape[0]
    out: dict[str, Any] = {"solver": solver}
    for side in ("max", "min"):
        U = cp.Variable((n, n), symmetric=True)
        rho = cp.Variable(nonneg=True)
        if side == "max":
            obj = cp.lambda_max(G + U) + rho * k
        else:
            obj = -cp.lambda_min(G - U) + rho * k
        prob = cp.Problem(cp.Minimize(obj), [cp.abs(U) <= rho])
        candidates: list[tuple[str, NDArray[np.float64]]] = []
        try:
            with warnings.catch_warnings():
                # an inaccurate solve is harmless: its U is re-checked below like any other
                warnings.simplefilter("ignore", UserWarning)
                prob.solve(solver=solver)
            if U.value is not None:
                candidates.append(("sdp", np.asarray(U.value, dtype=float)))
            solver_value = None if prob.value is None else float(prob.value)
        except (cp.error.SolverError, ArithmeticError):
            solver_value = None
        # two closed-form dual points: U = 0 (the full spectrum) and the Gershgorin point
        candidates.append(("zero", np.zeros((n, n))))
        mu = offdiag_abs_max(G)
        Ug = -(G - np.diag(np.diag(G))) - mu * np.eye(n)
        candidates.append(("gershgorin", Ug if side == "max" else -Ug))
        checked = [(name, *sparse_eig_certificate(G, Uc, k, side), Uc) for name, Uc in candidates]
        # the Gershgorin point makes G + U diagonal: its eigenvalues are its entries (with the
        # rounding margin of _gershgorin)
        gmax, gmin, _ = _gershgorin(G, k)
        checked[-1] = ("gershgorin", gmax if side == "max" else gmin, mu, checked[-1][3])
        if side == "max":
            best = min(checked, key=lambda t: t[1])
        else:
            best = max(checked, key=lambda t: t[1])
        out[side] = {
            "value": best[1],
            "from": best[0],
            "rho": best[2],
            "U": best[3],
            "solver_value": (solver_value if side == "max" or solver_value is None else -solver_value),
            "checked": {name: val for name, val, _, _ in checked},
        }
    return out


def _search(
    G: NDArray[np.float64], k: int, rng: np.random.Generator, restarts: int
) -> tuple[float, float, tuple[int, ...], tuple[int, ...]]:
    """Lower bound on delta_k: greedy growth + random supports + local swaps."""
    n = G.shape[0]
    best_hi, best_lo = -np.inf, np.inf
    s_hi: tuple[int, ...] = ()
    s_lo: tuple[int, ...] = ()

    def ev(S: list[int]) -> tuple[float, float]:
        e = np.linalg.eigvalsh(G[np.ix_(S, S)])
        return float(e[-1]), float(e[0])

    starts: list[list[int]] = []
    A = np.abs(G.copy())
    np.fill_diagonal(A, -1.0)
    i, j = np.unravel_index(int(np.argmax(A)), A.shape)
    starts.append([int(i), int(j)][:k] if k >= 2 else [int(np.argmax(np.diag(G)))])
    for _ in range(restarts):
        starts.append([int(v) for v in rng.choice(n, size=k, replace=False)])
    for side in ("max", "min"):
        sgn = 1.0 if side == "max" else -1.0
        for S0 in starts:
            S = list(S0)
            # greedy growth to size k
            while len(S) < k:
                rest = [c for c in range(n) if c not in S]
                vals = [sgn * ev(S + [c])[0 if side == "max" else 1] for c in rest]
                S.append(rest[int(np.argmax(vals))])
            cur = sgn * ev(S)[0 if side == "max" else 1]
            improved = True
            sweeps = 0
            while improved and sweeps < 3:
                improved = False
                sweeps += 1
                for pos in range(k):
                    for c in range(n):
                        if c in S:
                            continue
                        T = S.copy()
                        T[pos] = c
                        v = sgn * ev(T)[0 if side == "max" else 1]
                        if v > cur + 1e-15:
                            S, cur, improved = T, v, True
            if side == "max" and cur > best_hi:
                best_hi, s_hi = cur, tuple(sorted(S))
            if side == "min" and -cur < best_lo:
                best_lo, s_lo = -cur, tuple(sorted(S))
    return best_hi, best_lo, s_hi, s_lo


def rip_constant(
    W: ArrayLike,
    *,
    k: int,
    method: str = "best",
    max_supports: int = MAX_EXACT_SUPPORTS,
    solver: str = "CLARABEL",
    rng: Any = 0,
    restarts: int = 4,
) -> RIPBound:
    r"""Restricted isometry constant :math:`\delta_k` of a frame: exact, or bracketed.

    Squared convention: :math:`\delta_k` is the smallest :math:`\delta` with

    .. math::
        (1-\delta)\lVert x\rVert^2 \le \lVert Wx\rVert^2 \le (1+\delta)\lVert x\rVert^2
        \quad\text{for all } k\text{-sparse } x,
        \qquad
        \delta_k = \max_{|S| = k} \max\{\lambda_{\max}(G_S) - 1,\ 1 - \lambda_{\min}(G_S)\}.

    Methods:

    * ``"exact"`` enumerates all :math:`\binom{n}{k}` supports (batched ``eigvalsh``) and
      refuses, naming the count, above ``max_supports``.
    * ``"gershgorin"``: :math:`\lambda(G_S) \in [\min_i G_{ii} - (k-1)\mu,\ \max_i G_{ii} + (k-1)\mu]`,
      i.e. :math:`\delta_k \le (k-1)\mu` for unit columns.
    * ``"sdp"``: the sparse-eigenvalue relaxation of d'Aspremont et al. solved in its dual
      form :math:`\min_{|U_{ij}|\le\rho} \lambda_{\max}(G+U) + \rho k` with cvxpy (``solver``,
      default Clarabel). The returned ``U`` is re-checked with numpy by the elementary
      inequality :math:`x^\top G x \le \lambda_{\max}(G+U) + \rho\lVert x\rVert_1^2`
      (plus a floating-point margin), so the bound is rigorous whatever the solver's accuracy;
      the Gershgorin point is itself a feasible ``U``, hence SDP <= Gershgorin always.
    * ``"best"``: the exact value when at most ``max_supports`` supports, otherwise the SDP upper
      bound and a lower bound from a support search (greedy + random restarts + swaps).

    Parameters
    ----------
    W : array_like, shape (dim, n)
    k : int
        Sparsity, ``1 <= k <= n``.
    method : {"exact", "gershgorin", "sdp", "best"}
    max_supports : int
        Refusal threshold for enumeration.
    solver : str
        cvxpy solver for ``"sdp"`` (``"CLARABEL"`` or ``"SCS"``).
    rng : Generator or int
        Randomness of the support search.
    restarts : int
        Random restarts of the support search.

    Returns
    -------
    RIPBound
        ``lower <= delta_k <= upper``; the lower bound is always attained by a support stored
        in ``certificate``.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> b = rip_constant(W, k=2, method="exact")
    >>> round(b.upper, 12), b.exact
    (0.8, True)
    >>> round(rip_constant(W, k=2, method="gershgorin").upper, 12)
    0.8

    References
    ----------
    .. [1] Candes, E. J. and Tao, T. (2005). "Decoding by linear programming." IEEE Trans. Inf.
       Theory 51(12), 4203-4215. doi:10.1109/TIT.2005.858979
    .. [2] d'Aspremont, A., Bach, F. and El Ghaoui, L. (2008). "Optimal solutions for sparse
       principal component analysis." JMLR 9, 1269-1294. arXiv:0707.0705
    .. [3] d'Aspremont, A. and El Ghaoui, L. (2011). "Testing the nullspace property using
       semidefinite programming." Math. Program. 127, 123-144. arXiv:0807.3520
    """
    W = check_frame(W, allow_zero_columns=True)
    n = W.shape[1]
    k = check_int(k, "k", minimum=1)
    if k > n:
        raise ValueError(f"k must be an integer in [1, {n}], got {k} (W has n={n} columns)")
    max_supports = check_int(max_supports, "max_supports", minimum=1)
    restarts = check_int(restarts, "restarts", minimum=0)
    methods = ("exact", "gershgorin", "sdp", "best")
    if method not in methods:
        raise ValueError(f"method must be one of {methods}, got {method!r}")
    if not isinstance(solver, str):
        raise TypeError(f"solver must be a cvxpy solver name, got {solver!r}")
    G = W.T @ W
    diag = np.diag(G)
    if not np.allclose(diag, 1.0, rtol=0, atol=1e-6):
        worst = float(np.max(np.abs(np.sqrt(diag) - 1.0)))
        warnings.warn(
            f"W's columns are not unit-norm (largest |norm - 1| = {worst:.3g}); the RIP constant then "
            "mixes the column norms with the interference between columns. Pass "
            "theory.geometry.normalize(W) to measure interference only.",
            TheoryWarning,
            stacklevel=2,
        )
    if method == "exact" or (method == "best" and math.comb(n, k) <= max_supports):
        lmax, lmin, smax, smin = _exact(G, k, max_supports)
        d = _delta(lmax, lmin)
        return RIPBound(
            d,
            d,
            method,
            k=k,
            rigorous=True,
            exact=True,
            certificate={"support_max": smax, "support_min": smin, "lambda_max": lmax, "lambda_min": lmin},
            citation=cite("candes_tao2005"),
        )
    # a lower bound attained by an explicit support
    if method == "gershgorin":
        # cheapest attained lower bound: the most coherent pair (or 1 column)
        i = int(np.argmax(np.abs(np.diag(G) - 1.0)))
        lo = float(abs(G[i, i] - 1.0))
        lower_cert: dict[str, Any] = {"support": (i,)}
        if k >= 2:
            # delta_k >= delta_2, exact in closed form over all pairs (2x2 eigenvalues)
            a = np.diag(G)
            half = 0.5 * (a[:, None] - a[None, :])
            rad = np.sqrt(half * half + G * G)
            mid = 0.5 * (a[:, None] + a[None, :])
            np.fill_diagonal(rad, -np.inf)
            hi_pair = mid + rad
            i_hi = np.unravel_index(int(np.argmax(hi_pair)), hi_pair.shape)
            lo_pair = mid - rad  # the diagonal is +inf here, never the minimum
            i_lo = np.unravel_index(int(np.argmin(lo_pair)), lo_pair.shape)
            lo = max(lo, _delta(float(hi_pair[i_hi]), float(lo_pair[i_lo])))
            lower_cert = {"support_max": tuple(int(v) for v in i_hi), "support_min": tuple(int(v) for v in i_lo)}
        hi_max, hi_min, mu = _gershgorin(G, k)
        up = _delta(hi_max, hi_min)
        return RIPBound(
            lo,
            max(up, lo),
            "gershgorin",
            k=k,
            rigorous=True,
            certificate={"mu": mu, **lower_cert},
            citation=cite("candes_tao2005", "donoho_elad2003", detail="with the Gershgorin circle theorem"),
        )
    lmax, lmin, smax, smin = _search(G, k, as_rng(rng), restarts)
    lo = _delta(lmax, lmin)
    sdp = _sdp(G, k, solver)
    up = _delta(sdp["max"]["value"], sdp["min"]["value"])
    cert = {"support_max": smax, "support_min": smin, "lambda_max_found": lmax, "lambda_min_found": lmin, "sdp": sdp}
    return RIPBound(
        lo,
        up,
        method,
        k=k,
        rigorous=True,
        certificate=cert,
        citation=cite("candes_tao2005", "daspremont2008", "daspremont_elghaoui2011"),
    )


@dataclass(frozen=True)
class RecoveryCertificate:
    """Whether a sufficient condition for exact sparse recovery holds.

    Attributes
    ----------
    holds : bool
        The condition is met, so basis pursuit (and for coherence also OMP) recovers every
        ``k``-sparse vector exactly (noiseless).
    quantity : float
        The measured quantity (coherence, or an upper bound on :math:`\\delta_{2k}`).
    threshold : float
        What it must beat.
    condition : str
    citation : str

    Examples
    --------
    >>> RecoveryCertificate(True, 0.2, 0.5, "mu < 1/(2k-1)", "x").holds
    True
    """

    holds: bool
    quantity: float
    threshold: float
    condition: str
    citation: str
    k: int = 0


def coherence_recovery(W: ArrayLike, *, k: int) -> RecoveryCertificate:
    r"""The coherence condition for exact recovery: :math:`k < \tfrac12(1 + 1/\mu)`.

    For unit-norm columns with coherence :math:`\mu`, if :math:`k < (1 + 1/\mu)/2` then every
    ``k``-sparse :math:`x` is the unique solution of basis pursuit
    :math:`\min \lVert z\rVert_1 \text{ s.t. } Wz = Wx`, and OMP finds it.

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Columns must have unit norm (checked to 1e-9).
    k : int
        Sparsity, ``k >= 1``.

    Returns
    -------
    RecoveryCertificate
        Returns ``threshold = inf`` when the columns are mutually orthogonal (:math:`\mu = 0`,
        e.g. a single column): the condition then holds for every ``k``.

    Examples
    --------
    >>> import numpy as np
    >>> coherence_recovery(np.eye(3), k=3).holds
    True

    References
    ----------
    .. [1] Donoho, D. L. and Elad, M. (2003). PNAS 100(5), 2197-2202. doi:10.1073/pnas.0437847100
    .. [2] Tropp, J. A. (2004). "Greed is good." IEEE Trans. Inf. Theory 50(10).
       doi:10.1109/TIT.2004.834793
    """
    W = check_frame(W)
    k = check_int(k, "k", minimum=1)
    norms = np.linalg.norm(W, axis=0)
    if np.max(np.abs(norms - 1.0)) > 1e-9:
        raise ValueError(
            "W must have unit-norm columns for the coherence condition "
            f"(max |norm - 1| = {np.max(np.abs(norms - 1.0)):.3g}); normalise it first"
        )
    mu = offdiag_abs_max(W.T @ W)
    thr = math.inf if mu == 0 else 0.5 * (1.0 + 1.0 / mu)
    return RecoveryCertificate(bool(k < thr), mu, thr, "k < (1 + 1/mu)/2", cite("donoho_elad2003", "tropp2004"), k=k)


def rip_recovery(W: ArrayLike, *, k: int, **rip_kwargs: Any) -> RecoveryCertificate:
    r"""The RIP condition for exact recovery: :math:`\delta_{2k} < 1/\sqrt{2}` (sharp).

    Uses the rigorous upper bound of :func:`rip_constant` on :math:`\delta_{2k}`
    (``method="best"`` unless given), so ``holds=True`` is a proof of recovery; ``False``
    means only that this certificate fails.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    k : int
        Sparsity, ``1 <= 2k <= n``.
    **rip_kwargs
        Passed to :func:`rip_constant`.

    Returns
    -------
    RecoveryCertificate

    Examples
    --------
    >>> import numpy as np
    >>> rip_recovery(np.eye(4), k=2).holds
    True

    References
    ----------
    .. [1] Cai, T. T. and Zhang, A. (2014). "Sparse representation of a polytope and recovery of
       sparse signals and low-rank matrices." IEEE Trans. Inf. Theory 60(1), 122-132.
       arXiv:1306.1154
    """
    W = check_frame(W)
    n = W.shape[1]
    k = check_int(k, "k", minimum=1)
    if k > (n // 2 if n >= 2 else 1):
        raise ValueError(f"k must be an integer in [1, {n // 2 if n >= 2 else 1}], got {k} (W has n={n} columns)")
    if 2 * k > n:
        raise ValueError(f"k must satisfy 2k <= n = {n}, got k = {k}")
    b = rip_constant(W, k=2 * k, **rip_kwargs)
    thr = 1.0 / math.sqrt(2.0)
    return RecoveryCertificate(bool(b.upper < thr), b.upper, thr, "delta_2k < 1/sqrt(2)", cite("cai_zhang2014"), k=k)

"""Sparse recovery by basis pursuit and the l1 phase transition (statistical dimension,
Donoho-Tanner weak threshold, empirical transition over a parameter sweep)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, optimize, special

from theory._validation import as_rng, check_array, check_bool, check_frame, check_int, check_real, check_size

__all__ = [
    "basis_pursuit",
    "statistical_dimension_l1",
    "statistical_dimension_bounds",
    "l1_weak_threshold",
    "empirical_phase_transition",
    "PhaseTransition",
    "phase_transition_cell",
    "recovery_trial",
    "almt_window",
    "l1_recovers",
]

_SQRT2PI = math.sqrt(2.0 * math.pi)


def basis_pursuit(
    W: ArrayLike, y: ArrayLike, *, solver: str = "highs", nonnegative: bool = False
) -> NDArray[np.float64]:
    r"""Solve basis pursuit, the minimum-:math:`\ell_1` solution of :math:`Wz = y`.

    .. math:: \hat z = \arg\min_z \lVert z\rVert_1 \ \text{ s.t. }\ Wz = y
              \qquad(\text{and } z \ge 0 \text{ when ``nonnegative``}).

    ``solver="highs"`` writes the linear program :math:`z = u - v`, :math:`u, v \ge 0`,
    :math:`\min \mathbf 1^\top(u + v)` s.t. :math:`[W, -W][u; v] = y` and solves it with HiGHS
    through :func:`scipy.optimize.linprog` (the fast path); ``solver="cvxpy"`` states the
    problem with ``cvxpy.norm1`` and solves it with Clarabel (a cross-check).

    Parameters
    ----------
    W : array_like, shape (dim, n)
    y : array_like, shape (dim,)
    solver : {"highs", "cvxpy"}
    nonnegative : bool
        Restrict to :math:`z \ge 0` (the nonnegative features of toy models).

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        When :math:`Wz = y` has no (nonnegative) solution.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    >>> basis_pursuit(W, [1.0, 1.0]).round(9)
    array([0., 0., 1.])

    References
    ----------
    .. [1] Chen, S. S., Donoho, D. L. and Saunders, M. A. (1998). "Atomic decomposition by basis
       pursuit." SIAM J. Sci. Comput. 20(1), 33-61. doi:10.1137/S1064827596304010
    .. [2] Huangfu, Q. and Hall, J. A. J. (2018). "Parallelizing the dual revised simplex
       method." Math. Prog. Comp. 10, 119-142. doi:10.1007/s12532-017-0130-5
    """
    nonnegative = check_bool(nonnegative, "nonnegative")
    W = check_frame(W, allow_zero_columns=True)
    y = check_array(y, "y", ndim=1)
    dim, n = W.shape
    if y.shape[0] != dim:
        raise ValueError(f"y must have dim = {dim} entries (rows of W), got shape {y.shape}")
    if solver not in ("highs", "cvxpy"):
        raise ValueError(f"solver must be 'highs' or 'cvxpy', got {solver!r}")
    if solver == "highs":
        return _bp_highs(W, y, bool(nonnegative))
    return _bp_cvxpy(W, y, bool(nonnegative))


def _bp_highs(W: NDArray[np.float64], y: NDArray[np.float64], nonnegative: bool) -> NDArray[np.float64]:
    n = W.shape[1]
    if nonnegative:
        res = optimize.linprog(np.ones(n), A_eq=W, b_eq=y, bounds=(0, None), method="highs")
    else:
        res = optimize.linprog(np.ones(2 * n), A_eq=np.hstack([W, -W]), b_eq=y, bounds=(0, None), method="highs")
    if res.status == 2:
        raise ValueError("y is not in the range of W (nonnegative cone): basis pursuit is infeasible")
    if res.status != 0:
        raise RuntimeError(f"HiGHS failed: {res.message}")
    x = res.x
    return x if nonnegative else x[:n] - x[n:]


def _bp_cvxpy(W: NDArray[np.float64], y: NDArray[np.float64], nonnegative: bool) -> NDArray[np.float64]:
    import cvxpy as cp

    z = cp.Variable(W.shape[1], nonneg=nonnegative)
    prob = cp.Problem(cp.Minimize(cp.norm1(z)), [W @ z == y])
    prob.solve(solver="CLARABEL")
    if prob.status in ("infeasible", "infeasible_inaccurate"):
        raise ValueError("y is not in the range of W (nonnegative cone): basis pursuit is infeasible")
    if z.value is None:
        raise RuntimeError(f"cvxpy/Clarabel failed with status {prob.status}")
    return np.asarray(z.value, dtype=float)


def _tail2(tau: float, nonnegative: bool) -> float:
    r""":math:`E[(|g|-\tau)_+^2]` (two-sided) or :math:`E[(g-\tau)_+^2]` (one-sided)."""
    two = (1.0 + tau * tau) * special.erfc(tau / math.sqrt(2.0)) - tau * math.sqrt(2.0 / math.pi) * math.exp(
        -tau * tau / 2.0
    )
    return 0.5 * two if nonnegative else two


def _tail1(tau: float, nonnegative: bool) -> float:
    r""":math:`E[(|g|-\tau)_+]` (two-sided) or :math:`E[(g-\tau)_+]` (one-sided)."""
    one = math.exp(-tau * tau / 2.0) / _SQRT2PI - tau * 0.5 * special.erfc(tau / math.sqrt(2.0))
    return one if nonnegative else 2.0 * one


def _psi(eps: float, nonnegative: bool) -> tuple[float, float]:
    """Normalised statistical dimension psi(eps) = inf_tau {...} and the minimiser tau."""
    if eps >= 1.0:
        return 1.0, 0.0
    # derivative / 2: eps tau - (1 - eps) E[(|g| - tau)_+] is increasing in tau, < 0 at 0
    f = lambda t: eps * t - (1.0 - eps) * _tail1(t, nonnegative)  # noqa: E731
    hi = 1.0
    while f(hi) < 0:
        hi *= 2.0
    tau = optimize.brentq(f, 0.0, hi, xtol=1e-14, rtol=1e-15)
    return eps * (1.0 + tau * tau) + (1.0 - eps) * _tail2(tau, nonnegative), tau


def _sqrt_int(n: int) -> float:
    """``sqrt(n)`` as a float for an int of any size (a named error beyond the float range)."""
    if n.bit_length() < 1000:
        return math.sqrt(n)
    try:
        return float(math.isqrt(n))
    except OverflowError:
        raise ValueError(f"sqrt(n) for n={n} is beyond the floating-point range") from None


def _check_finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} is beyond the floating-point range (about 1.8e308); use smaller sizes")
    return float(value)


def statistical_dimension_l1(*, n: int, k: int, nonnegative: bool = False) -> float:
    r"""Statistical dimension of the :math:`\ell_1` descent cone at a k-sparse vector (ALMT).

    .. math::
        \delta(\mathcal D(\lVert\cdot\rVert_1, x)) \approx
        n\,\psi(k/n),\qquad
        \psi(\varepsilon) = \inf_{\tau \ge 0}\ \varepsilon(1+\tau^2) +
        (1-\varepsilon)\,\mathbb E[(|g|-\tau)_+^2],

    .. math::
        \mathbb E[(|g|-\tau)_+^2] = (1+\tau^2)\operatorname{erfc}(\tau/\sqrt2)
        - \tau\sqrt{2/\pi}\, e^{-\tau^2/2},

    with :math:`g \sim N(0,1)`. For nonnegative ``x`` (basis pursuit restricted to
    :math:`z \ge 0`) the off-support term becomes the one-sided :math:`\mathbb E[(g-\tau)_+^2]`
    (half the two-sided one). The infimum is found by solving the stationarity equation
    :math:`\varepsilon\tau = (1-\varepsilon)\mathbb E[(|g|-\tau)_+]` with Brent's method.
    The value is an upper bound on the true statistical dimension, within
    :math:`2\sqrt{n/k}` of it (ALMT Prop. 4.5; see :func:`statistical_dimension_bounds`).

    Parameters
    ----------
    n : int
        Ambient dimension (number of features), ``n >= 1``.
    k : int
        Number of nonzeros, ``1 <= k <= n``.
    nonnegative : bool

    Returns
    -------
    float
        The number of Gaussian measurements ``dim`` at which l1 recovery switches from failing
        to succeeding.

    Examples
    --------
    >>> round(statistical_dimension_l1(n=100, k=100), 9)
    100.0
    >>> 0 < statistical_dimension_l1(n=400, k=20) < 400
    True

    References
    ----------
    .. [1] Amelunxen, D., Lotz, M., McCoy, M. B. and Tropp, J. A. (2014). "Living on the edge:
       phase transitions in convex programs with random data." Information and Inference 3(3),
       224-294. arXiv:1303.6672
    """
    nonnegative = check_bool(nonnegative, "nonnegative")
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=1, maximum=n)
    eps = k / n  # true division of ints: correctly rounded at any size
    if eps == 0.0:
        raise ValueError(f"k/n underflows floating point for n={n}, k={k}; use a smaller n")
    try:
        return _check_finite(n * _psi(eps, bool(nonnegative))[0], f"the statistical dimension for n={n}")
    except OverflowError:
        raise ValueError(f"the statistical dimension for n={n} is beyond the floating-point range") from None


def statistical_dimension_bounds(*, n: int, k: int) -> tuple[float, float]:
    r"""Rigorous two-sided bounds on the l1 statistical dimension (ALMT Prop. 4.5).

    .. math:: n\psi(k/n) - 2\sqrt{n/k} \le \delta(\mathcal D(\lVert\cdot\rVert_1, x)) \le n\psi(k/n).

    Parameters
    ----------
    n, k : int
        ``1 <= k <= n``.

    Returns
    -------
    (float, float)

    Examples
    --------
    >>> lo, hi = statistical_dimension_bounds(n=200, k=10)
    >>> hi - lo <= 2 * (200 / 10) ** 0.5 + 1e-12
    True

    References
    ----------
    .. [1] Amelunxen, D., Lotz, M., McCoy, M. B. and Tropp, J. A. (2014). arXiv:1303.6672
    """
    hi = statistical_dimension_l1(n=n, k=k)
    return max(0.0, hi - 2.0 * _sqrt_int(n) / _sqrt_int(k)), hi


def l1_weak_threshold(delta: float, *, nonnegative: bool = False) -> float:
    r"""The Donoho-Tanner weak threshold :math:`\rho_W(\delta)` of l1 recovery.

    With undersampling :math:`\delta = \text{dim}/n` and sparsity ratio :math:`\rho = k/\text{dim}`,
    basis pursuit with a Gaussian matrix recovers most k-sparse vectors when
    :math:`\rho < \rho_W(\delta)` and fails when above, as :math:`n \to \infty`. Computed as
    the curve :math:`\delta = \psi(\varepsilon)` of :func:`statistical_dimension_l1`
    (ALMT show the two coincide), :math:`\rho_W = \varepsilon/\delta`:

    .. math:: \rho_W(\delta) = \frac{\varepsilon^\star}{\delta},\qquad
              \psi(\varepsilon^\star) = \delta .

    The curve is solved in the minimiser :math:`\tau` of :math:`\psi` (stationarity
    :math:`\varepsilon\tau = (1-\varepsilon)\,E[(|g|-\tau)_+]` makes :math:`\varepsilon` and
    :math:`\psi` functions of :math:`\tau`), in logarithms and with the Gaussian tails scaled by
    their density, so that every ``delta`` down to the smallest float is answered to full
    precision; :math:`\rho_W(\delta) \approx 1/(2\ln(1/\delta))` as :math:`\delta \to 0`.

    Parameters
    ----------
    delta : float
        ``0 < delta <= 1``.
    nonnegative : bool
        The simplex (nonnegative) threshold :math:`\rho_W^+` instead of the cross-polytope one.

    Returns
    -------
    float

    Examples
    --------
    >>> round(l1_weak_threshold(0.5), 4)
    0.3857

    References
    ----------
    .. [1] Donoho, D. L. and Tanner, J. (2009). "Counting faces of randomly projected polytopes
       when the projection radically lowers dimension." J. AMS 22(1), 1-53. arXiv:math/0607364
    .. [2] Donoho, D. L., Maleki, A. and Montanari, A. (2009). "Message-passing algorithms for
       compressed sensing." PNAS 106(45), 18914-18919. arXiv:0907.3574
    .. [3] Amelunxen, D., Lotz, M., McCoy, M. B. and Tropp, J. A. (2014). arXiv:1303.6672
    """
    nonnegative = check_bool(nonnegative, "nonnegative")
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True)
    if delta == 1.0:
        return 1.0
    c = 1.0 if nonnegative else 2.0
    log_delta = math.log(delta)
    # log psi is decreasing in tau, 0 at tau = 0 and below log(5e-324) at tau = 40
    tau = optimize.brentq(lambda t: _log_psi_at(t, c) - log_delta, 0.0, 40.0, xtol=1e-15, rtol=1e-15)
    a, b = _scaled_tails(tau)
    return a / (a * (1.0 + tau * tau) + tau * b)


def _scaled_tails(tau: float) -> tuple[float, float]:
    r"""One-sided :math:`E[(g-\tau)_+]/\varphi(\tau)` and :math:`E[(g-\tau)_+^2]/\varphi(\tau)`, tau >= 0.

    With the Mills ratio :math:`R = Q(\tau)/\varphi(\tau) = \sqrt{\pi/2}\,\mathrm{erfcx}(\tau/\sqrt2)`
    they are :math:`1 - \tau R` and :math:`(1+\tau^2)R - \tau`: no underflow at any tau.
    """
    R = math.sqrt(math.pi / 2.0) * float(special.erfcx(tau / math.sqrt(2.0)))
    return 1.0 - tau * R, (1.0 + tau * tau) * R - tau


def _log_psi_at(tau: float, c: float) -> float:
    r""":math:`\ln\psi(\varepsilon)` at the :math:`\varepsilon` whose minimiser is ``tau``.

    ``c`` is 2 for the two-sided tails, 1 for the one-sided (nonnegative) ones.

    Stationarity :math:`\varepsilon\tau = (1-\varepsilon)t_1` gives :math:`\varepsilon = t_1/(\tau + t_1)` and
    :math:`\psi = (t_1(1+\tau^2) + \tau t_2)/(\tau + t_1)`, with :math:`t_i = c\,\varphi(\tau)\,(a, b)`.
    """
    a, b = _scaled_tails(tau)
    log_phi = -0.5 * tau * tau - 0.5 * math.log(2.0 * math.pi) + math.log(c)
    return log_phi + math.log(a * (1.0 + tau * tau) + tau * b) - math.log(tau + math.exp(log_phi) * a)


def almt_window(*, n: int, eta: float) -> float:
    r"""Half-width :math:`a_\eta\sqrt n` of the ALMT transition window.

    For a convex cone :math:`C \subset \mathbb R^n` and Gaussian ``dim x n`` matrix ``A``
    (ALMT Theorem II): ``dim <= delta(C) - a_eta sqrt(n)`` gives failure with probability
    :math:`\ge 1-\eta`; ``dim >= delta(C) + a_eta sqrt(n)`` gives success with probability
    :math:`\ge 1-\eta`, where :math:`a_\eta = \sqrt{8\log(4/\eta)}`.

    Parameters
    ----------
    n : int
    eta : float
        ``0 < eta < 1``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(almt_window(n=100, eta=0.5), 4)
    40.7867

    References
    ----------
    .. [1] Amelunxen, D., Lotz, M., McCoy, M. B. and Tropp, J. A. (2014). arXiv:1303.6672
    """
    n = check_int(n, "n", minimum=1)
    eta = check_real(eta, "eta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    # log(4) - log(eta): 4 / eta overflows for a subnormal eta
    return _check_finite(math.sqrt(8.0 * (math.log(4.0) - math.log(eta))) * _sqrt_int(n), f"the window for n={n}")


def l1_recovers(
    W: ArrayLike, x: ArrayLike, *, nonnegative: bool = False, tol: float = 1e-5, screen: bool = True
) -> tuple[bool, str]:
    r"""Does basis pursuit recover ``x`` from ``y = Wx``? Decided by certificates, else by an LP.

    Two rigorous screens settle most problems without a linear program:

    * **success certificate** (Fuchs 2004): with :math:`S = \operatorname{supp} x`,
      :math:`s = \operatorname{sign}(x_S)` and :math:`W_S` of full column rank, if
      :math:`\lambda_0 = W_S (W_S^\top W_S)^{-1} s` satisfies
      :math:`\lVert W_{S^c}^\top \lambda_0\rVert_\infty < 1` then :math:`x` is the unique
      solution of basis pursuit (for ``nonnegative``, :math:`W_{S^c}^\top\lambda_0 < 1`
      entrywise suffices);
    * **failure certificate**: a feasible :math:`z` (:math:`Wz = y`, and :math:`z \ge 0` when
      ``nonnegative``) with :math:`\lVert z\rVert_1 < \lVert x\rVert_1 (1 - 10^{-6})` proves
      the solution is not :math:`x`; candidates come from a few iteratively-reweighted
      least-squares steps.

    If neither fires, a better dual certificate is searched with Lawson's algorithm, and then
    the exact certificate value :math:`t^\star = \min\{\lVert W_{S^c}^\top\lambda\rVert_\infty :
    W_S^\top\lambda = s\}` is computed by HiGHS (a linear program with ``dim - k + 1``
    variables): :math:`t^\star < 1` proves unique recovery, :math:`t^\star > 1` proves failure.
    Nonnegative problems, ``k >= dim`` and degenerate cases fall back to :func:`basis_pursuit`
    with HiGHS (success = relative :math:`\ell_2` error <= ``tol``).

    Parameters
    ----------
    W : array_like, shape (dim, n)
    x : array_like, shape (n,)
    nonnegative : bool
    tol : float
    screen : bool
        ``False`` always solves the LP.

    Returns
    -------
    (bool, str)
        The decision and what made it: ``"certificate"``, ``"descent"``, ``"certificate-lp"``
        or ``"lp"``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W = rng.standard_normal((40, 80)); x = np.zeros(80); x[:3] = 1.0
    >>> l1_recovers(W, x)
    (True, 'certificate')

    References
    ----------
    .. [1] Fuchs, J.-J. (2004). "On sparse representations in arbitrary redundant bases."
       IEEE Trans. Inf. Theory 50(6), 1341-1344. doi:10.1109/TIT.2004.828141
    .. [2] Daubechies, I., DeVore, R., Fornasier, M. and Gunturk, C. S. (2010). "Iteratively
       reweighted least squares minimization for sparse recovery." Comm. Pure Appl. Math. 63(1),
       1-38. arXiv:0807.0575
    """
    nonnegative = check_bool(nonnegative, "nonnegative")
    screen = check_bool(screen, "screen")
    W = check_frame(W, allow_zero_columns=True)
    x = check_array(x, "x", ndim=1)
    dim, n = W.shape
    if x.shape[0] != n:
        raise ValueError(f"x must have n = {n} entries (one per column of W), got shape {x.shape}")
    if nonnegative and np.any(x < 0):
        raise ValueError("x must be nonnegative when nonnegative=True")
    tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
    y = W @ x
    S = np.flatnonzero(x)
    if screen and 0 < S.size < dim and not nonnegative:
        WS = W[:, S]
        sgn = np.sign(x[S])
        B = np.delete(W, S, axis=1).T
        Q, R = np.linalg.qr(WS, mode="complete")
        diag = np.abs(np.diag(R))
        full_rank = bool(diag.min() > 1e-10 * max(1.0, diag.max()))
        lam = Q[:, : S.size] @ linalg.solve_triangular(R[: S.size].T, sgn, lower=True) if full_rank else np.zeros(dim)
        if full_rank and np.max(np.abs(WS.T @ lam - sgn)) < 1e-9:
            # 1. the minimum-norm dual certificate
            if B.shape[0] == 0 or np.max(np.abs(B @ lam)) < 1.0 - 1e-9:
                return True, "certificate"
            # 2. a failure certificate (a feasible point with smaller l1 norm, by IRLS) and
            # 3. a better dual certificate (Lawson); the more likely one first (by the theory)
            likely_success = dim >= statistical_dimension_l1(n=n, k=S.size)
            N = M = c = None
            for attempt in (2, 3) if not likely_success else (3, 2):
                if attempt == 2 and _descent_certificate(W, x, y):
                    return False, "descent"
                if attempt == 3:
                    N = Q[:, S.size :]
                    M, c = B @ N, B @ lam
                    lam2 = _lawson_certificate(N, M, c, lam)
                    if (
                        lam2 is not None
                        and np.max(np.abs(WS.T @ lam2 - sgn)) < 1e-9
                        and np.max(np.abs(B @ lam2)) < 1.0 - 1e-9
                    ):
                        return True, "certificate"
            tstar = _chebyshev_lp(M, c)
            if abs(tstar - 1.0) > 1e-7:
                return bool(tstar < 1.0), "certificate-lp"
    xh = basis_pursuit(W, y, nonnegative=nonnegative)
    err = float(np.linalg.norm(xh - x) / max(float(np.linalg.norm(x)), 1e-300))
    return bool(err <= tol), "lp"


def _descent_certificate(W: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64]) -> bool:
    """IRLS iterates z (feasible: Wz = y up to rounding, checked); True when one has
    ||z||_1 < ||x||_1 (1 - 1e-6), which proves that x is not the basis-pursuit solution."""
    l1x = float(np.sum(np.abs(x)))
    ytol = 1e-9 * max(1.0, float(np.max(np.abs(y))))
    try:
        z = W.T @ np.linalg.solve(W @ W.T, y)
    except np.linalg.LinAlgError:
        z = np.linalg.lstsq(W, y, rcond=None)[0]
    for _ in range(8):
        if np.sum(np.abs(z)) < l1x * (1 - 1e-6) and np.max(np.abs(W @ z - y)) <= ytol:
            return True
        d = np.abs(z) + 1e-8 * np.max(np.abs(z))
        try:
            z = d * (W.T @ np.linalg.solve((W * d) @ W.T, y))
        except np.linalg.LinAlgError:
            return False
    return bool(np.sum(np.abs(z)) < l1x * (1 - 1e-6) and np.max(np.abs(W @ z - y)) <= ytol)


def _lawson_certificate(N: Any, M: Any, c: Any, lam0: Any, iters: int = 40) -> NDArray[np.float64] | None:
    """Lawson's algorithm (IRLS for Chebyshev approximation) for min_mu ||c + M mu||_inf; a
    heuristic search: returns lambda once the sup-norm is < 1 (the caller re-checks exactly)."""
    w = np.full(M.shape[0], 1.0 / M.shape[0])
    for _ in range(iters):
        Mw = M * w[:, None]
        try:
            mu = -np.linalg.solve(M.T @ Mw + 1e-14 * np.eye(M.shape[1]), Mw.T @ c)
        except np.linalg.LinAlgError:
            return None
        a = np.abs(c + M @ mu)
        if a.max() < 1.0 - 1e-6:
            return lam0 + N @ mu
        w = w * a
        tot = w.sum()
        if not np.isfinite(tot) or tot <= 0:
            return None
        w /= tot
    return None


def _chebyshev_lp(M: Any, c: Any) -> float:
    """min_mu ||c + M mu||_inf by HiGHS: the exact certificate value t* (t* < 1: unique
    recovery; t* > 1: x is not a solution)."""
    rows, m = M.shape
    one = np.ones((rows, 1))
    A = np.block([[M, -one], [-M, -one]])
    cost = np.zeros(m + 1)
    cost[-1] = 1.0
    res = optimize.linprog(cost, A_ub=A, b_ub=np.concatenate([-c, c]), bounds=(None, None), method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"HiGHS failed on the certificate LP: {res.message}")
    return float(res.fun)


def recovery_trial(
    n: int,
    dim: int,
    k: int,
    rng: np.random.Generator,
    *,
    solver: str = "highs",
    nonnegative: bool = False,
    tol: float = 1e-5,
) -> tuple[bool, str]:
    """One Gaussian recovery problem: ``W`` iid N(0,1) (dim x n), ``x`` with ``k`` random
    nonzeros (N(0,1) values; |N(0,1)| when nonnegative). Returns (success, how decided);
    ``solver="highs"`` uses :func:`l1_recovers` (certificates, then HiGHS), ``"cvxpy"`` and
    ``"highs-lp"`` always solve basis pursuit (success = relative error <= ``tol``)."""
    nonnegative = check_bool(nonnegative, "nonnegative")
    W = rng.standard_normal((dim, n))
    x = np.zeros(n)
    S = rng.choice(n, size=k, replace=False)
    v = rng.standard_normal(k)
    x[S] = np.abs(v) if nonnegative else v
    if solver == "highs":
        return l1_recovers(W, x, nonnegative=nonnegative, tol=tol)
    xh = basis_pursuit(W, W @ x, solver="cvxpy" if solver == "cvxpy" else "highs", nonnegative=nonnegative)
    err = float(np.linalg.norm(xh - x) / max(float(np.linalg.norm(x)), 1e-300))
    return bool(err <= tol), solver


def phase_transition_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep cell: ``trials`` recovery problems at ``(n, delta, rho)``; module level (picklable)."""
    n, delta, rho = int(params["n"]), float(params["delta"]), float(params["rho"])
    trials = int(params["trials"])
    solver = params.get("solver", "highs")
    nonneg = bool(params.get("nonnegative", False))
    dim = max(1, int(round(delta * n)))
    k = max(1, int(round(rho * dim)))
    k = min(k, n)
    res = [recovery_trial(n, dim, k, rng, solver=solver, nonnegative=nonneg) for _ in range(trials)]
    return {
        "dim": dim,
        "k": k,
        "successes": int(sum(r[0] for r in res)),
        "trials": trials,
        "outcomes": [int(r[0]) for r in res],
        "decided_by": [r[1] for r in res],
    }


@dataclass(frozen=True)
class PhaseTransition:
    r"""Result of :func:`empirical_phase_transition`.

    Attributes
    ----------
    n : int
    deltas, rhos : ndarray
        Grid axes (``delta = dim/n``, ``rho = k/dim``).
    success : ndarray, shape (len(deltas), len(rhos))
        Fraction of successful recoveries.
    dims, ks : ndarray, shape (len(deltas), len(rhos))
        The integer ``dim`` and ``k`` used in each cell.
    trials : int
    nonnegative : bool

    Examples
    --------
    >>> pt = empirical_phase_transition(n=20, deltas=[0.5], rhos=[0.1, 0.9], trials=3, rng=0,
    ...                                 executor="serial", progress=False)
    >>> pt.success.shape
    (1, 2)
    """

    n: int
    deltas: NDArray[np.float64]
    rhos: NDArray[np.float64]
    success: NDArray[np.float64]
    dims: NDArray[np.int64]
    ks: NDArray[np.int64]
    trials: int
    nonnegative: bool = False
    raw: list[Any] = field(default_factory=list, compare=False, repr=False)

    def boundary(self) -> NDArray[np.float64]:
        """Empirical 50% line: for each delta, the rho where success crosses 1/2 (linear
        interpolation between grid points; NaN-free: the grid edge when it never crosses)."""
        out = np.empty(len(self.deltas))
        for i, row in enumerate(self.success):
            below = np.flatnonzero(row < 0.5)
            if below.size == 0:
                out[i] = self.rhos[-1]
                continue
            j = int(below[0])
            if j == 0:
                out[i] = self.rhos[0]
                continue
            r0, r1, s0, s1 = self.rhos[j - 1], self.rhos[j], row[j - 1], row[j]
            out[i] = r0 + (s0 - 0.5) * (r1 - r0) / (s0 - s1)
        return out

    def theory(self) -> NDArray[np.float64]:
        """The weak threshold :math:`\\rho_W(\\delta)` at each grid delta."""
        return np.array([l1_weak_threshold(float(d), nonnegative=self.nonnegative) for d in self.deltas])


def empirical_phase_transition(
    *,
    n: int,
    deltas: ArrayLike,
    rhos: ArrayLike,
    trials: int = 20,
    rng: Any = 0,
    nonnegative: bool = False,
    solver: str = "highs",
    executor: Any = None,
    store: Any = None,
    progress: bool = True,
) -> PhaseTransition:
    r"""Empirical success probability of Gaussian :math:`\ell_1` recovery over a (delta, rho) grid.

    Each cell draws ``trials`` problems with ``dim = round(delta n)``, ``k = round(rho dim)``,
    ``W`` iid :math:`N(0,1)` and a random k-sparse ``x``, solves :func:`basis_pursuit`, and counts
    recoveries (relative error <= 1e-5). Cells run through :func:`theory.sweep.sweep` (any
    executor, optional SQLite store; each cell's rng derives from ``rng`` and its parameters).
    Theory (ALMT): the 50% line sits at :math:`\rho_W(\delta)` within a window of width
    :math:`O(\sqrt n)` in ``dim``.

    Parameters
    ----------
    n : int
        Number of features.
    deltas : array_like, shape (a,)
        Undersampling ratios in (0, 1].
    rhos : array_like, shape (b,)
        Sparsity ratios in (0, 1].
    trials : int
    rng : int
        Sweep seed.
    nonnegative : bool
    solver : {"highs", "highs-lp", "cvxpy"}
        ``"highs"``: :func:`l1_recovers` (certificates, then HiGHS); ``"highs-lp"``: always the
        HiGHS LP; ``"cvxpy"``: always cvxpy/Clarabel.
    executor, store, progress
        Passed to :func:`theory.sweep.sweep`.

    Returns
    -------
    PhaseTransition

    Examples
    --------
    >>> pt = empirical_phase_transition(n=20, deltas=[0.5], rhos=[0.1], trials=4, rng=0,
    ...                                 executor="serial", progress=False)
    >>> float(pt.success[0, 0])
    1.0

    References
    ----------
    .. [1] Donoho, D. L. and Tanner, J. (2009). J. AMS 22(1), 1-53. arXiv:math/0607364
    .. [2] Amelunxen, D., Lotz, M., McCoy, M. B. and Tropp, J. A. (2014). arXiv:1303.6672
    """
    nonnegative = check_bool(nonnegative, "nonnegative")
    progress = check_bool(progress, "progress")
    n = check_size(n, "n", minimum=2, maximum=100_000, why="each trial solves an LP with n variables")
    trials = check_size(trials, "trials", maximum=10**6, why="each trial solves an LP")
    d = check_array(deltas, "deltas", ndim=1)
    r = check_array(rhos, "rhos", ndim=1)
    for name, arr in (("deltas", d), ("rhos", r)):
        if arr.size == 0 or np.any(arr <= 0) or np.any(arr > 1):
            raise ValueError(f"{name} must be a non-empty list of values in (0, 1], got {arr.tolist()}")
    if solver not in ("highs", "highs-lp", "cvxpy"):
        raise ValueError(f"solver must be 'highs', 'highs-lp' or 'cvxpy', got {solver!r}")
    grid = [
        {
            "n": n,
            "delta": float(a),
            "rho": float(b),
            "trials": trials,
            "solver": solver,
            "nonnegative": bool(nonnegative),
        }
        for a in d
        for b in r
    ]
    values = _run_sweep(
        phase_transition_cell,
        grid,
        executor=executor,
        store=store,
        rng=rng,
        progress=progress,
        desc="l1 phase transition",
    )
    succ = np.array([v["successes"] / v["trials"] for v in values]).reshape(d.size, r.size)
    dims = np.array([v["dim"] for v in values]).reshape(d.size, r.size)
    ks = np.array([v["k"] for v in values]).reshape(d.size, r.size)
    return PhaseTransition(n, d, r, succ, dims, ks, trials, bool(nonnegative), raw=list(values))


def _run_sweep(
    fn: Any, grid: list[dict[str, Any]], *, executor: Any, store: Any, rng: Any, progress: bool, desc: str
) -> list[Any]:
    """Run through ``theory.sweep`` when available; otherwise serially with per-cell seeds."""
    try:
        from theory.sweep import sweep
    except ImportError:  # pragma: no cover - theory.sweep is built in parallel
        if executor not in (None, "serial") or store is not None:
            raise RuntimeError(
                "theory.sweep is not available: only executor='serial' without a store can run"
            ) from None
        import json
        import zlib

        seed = rng if isinstance(rng, int) else int(as_rng(rng).integers(2**31))
        out = []
        for p in grid:
            key = zlib.crc32(json.dumps(p, sort_keys=True).encode())
            out.append(fn(p, np.random.default_rng([seed, key])))
        return out
    res = sweep(fn, grid, executor=executor, store=store, rng=rng, progress=progress, desc=desc)
    return list(res.values)

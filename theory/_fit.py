r"""Least-squares power-law fits in log-log coordinates, shared by the areas' public fits.

:func:`fit_loglog` fits

.. math::

    \log y_i = c + \sum_{j=1}^{p} b_j \log x_{ij} + \varepsilon_i, \qquad i = 1, \dots, n,

by ordinary least squares, i.e. the power law :math:`y = e^{c} \prod_j x_j^{b_j}`, and returns the
exponents :math:`b_j` (slopes), the log-constant :math:`c` (intercept), their standard errors, the
Student-t confidence intervals and, on request, a percentile bootstrap interval of the slopes
(residual, replicate or group resampling, with a fixed default seed). The public fits
(``theory.experiments.circuits.fit_power_law``, ``theory.toy_models.scaling.fit_loss_exponent``,
``theory.toy_models.incidental.fit_exponents``) are thin functions over it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, stats

from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_memory,
    check_real,
    check_size,
    estimate_bytes,
)

__all__ = ["BOOTSTRAPS", "LogLogFit", "fit_loglog"]

#: The bootstrap schemes of :func:`fit_loglog` (``None``: no bootstrap).
BOOTSTRAPS: tuple[str | None, ...] = (None, "residual", "replicates", "groups")

_MAX_BOOT = 10**6


@dataclass(frozen=True)
class LogLogFit:
    r"""Least-squares fit :math:`\log y = c + \sum_j b_j \log x_j` (see :func:`fit_loglog`).

    Attributes
    ----------
    slopes : tuple of float, length p
        The exponents :math:`b_j`, one per column of ``x``.
    intercept : float
        :math:`c` (the log of the prefactor).
    stderr : tuple of float, length p
        Standard errors of the slopes, :math:`s\sqrt{[(X^\top X)^{-1}]_{jj}}`; ``inf`` for an exact
        fit (no residual degrees of freedom).
    intercept_stderr : float
    ci : tuple of (float, float), length p
        Student-t confidence intervals of the slopes at ``level`` (``(-inf, inf)`` when ``dof == 0``).
    level : float
        Confidence level of ``ci`` and ``boot_ci``.
    n : int
        Points used in the fit.
    dof : int
        Residual degrees of freedom, ``n - p - 1``.
    r2 : float
        Coefficient of determination of the log-log fit (1 when ``log y`` is constant).
    bootstrap : str or None
        The bootstrap scheme (``"residual"``, ``"replicates"``, ``"groups"``) or ``None``.
    boot_ci : tuple of (float, float) or None
        Percentile bootstrap intervals of the slopes at ``level``.
    n_boot : int
        Bootstrap draws used (draws without enough usable points are left out; ``"groups"`` only).
    """

    slopes: tuple[float, ...]
    intercept: float
    stderr: tuple[float, ...]
    intercept_stderr: float
    ci: tuple[tuple[float, float], ...]
    level: float
    n: int
    dof: int
    r2: float
    bootstrap: str | None = None
    boot_ci: tuple[tuple[float, float], ...] | None = None
    n_boot: int = 0

    @property
    def slope(self) -> float:
        """The single slope of a fit on one regressor (``ValueError`` for several)."""
        if len(self.slopes) != 1:
            raise ValueError(f"the fit has {len(self.slopes)} slopes; read .slopes")
        return self.slopes[0]

    @property
    def prefactor(self) -> float:
        r""":math:`e^{c}` (``inf`` beyond the float range)."""
        try:
            return math.exp(self.intercept)
        except OverflowError:
            return math.inf

    def __str__(self) -> str:
        pct = f"{100 * self.level:g}%"
        parts = []
        for j, (b, se, (lo, hi)) in enumerate(zip(self.slopes, self.stderr, self.ci, strict=True)):
            name = "b" if len(self.slopes) == 1 else f"b{j + 1}"
            text = f"{name} = {b:.4g} ± {se:.2g} [{pct} t {lo:.4g}, {hi:.4g}]" if self.dof else f"{name} = {b:.4g}"
            if self.boot_ci is not None:
                blo, bhi = self.boot_ci[j]
                text += f" [{pct} {self.bootstrap} bootstrap {blo:.4g}, {bhi:.4g}]"
            parts.append(text)
        exact = "; exact fit, no residual degrees of freedom: no t interval" if not self.dof else ""
        return f"log-log fit: {', '.join(parts)}, c = {self.intercept:.4g} ({self.n} points, R^2 {self.r2:.4f}){exact}"


def _positive(a: NDArray[np.float64], name: str) -> None:
    if np.any(a <= 0):
        bad = int(np.flatnonzero(a.ravel() <= 0)[0])
        raise ValueError(f"{name} must be positive for a log-log fit, got {a.ravel()[bad]!r} at flat index {bad}")


def _check_groups(y: Any, name: str, n: int) -> list[NDArray[np.float64]]:
    if isinstance(y, (str, bytes)) or not isinstance(y, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of 1-D arrays (one group per point), got {type(y).__name__}")
    if len(y) != n:
        raise ValueError(f"x and {name} must have the same length (one group per point), got {n} and {len(y)}")
    groups = [check_array(g, name, ndim=1) for g in y]
    if any(g.size == 0 for g in groups) or any(bool((g < 0).any()) for g in groups):
        raise ValueError(f"{name} must hold non-empty groups of non-negative values")
    return groups


def _solve(design: NDArray[np.float64], rhs: NDArray[np.float64]) -> NDArray[Any]:
    return np.linalg.lstsq(design, rhs, rcond=None)[0]


def fit_loglog(
    x: ArrayLike,
    y: ArrayLike | Sequence[ArrayLike],
    *,
    level: float = 0.95,
    bootstrap: str | None = None,
    n_boot: int = 2000,
    rng: Any = 0,
    allow_exact: bool = False,
    names: tuple[str, str] = ("x", "y"),
    label: str = "points",
) -> LogLogFit:
    r"""Least squares of :math:`\log y` on :math:`\log x`: exponents, errors, intervals, bootstrap.

    With the design matrix :math:`X = [\mathbf 1, \log x]` of shape ``(n, p + 1)`` and
    :math:`\hat\beta = (\hat c, \hat b_1, \dots, \hat b_p)` minimising
    :math:`\lVert \log y - X\beta \rVert^2`,

    .. math::

        s^2 = \frac{\lVert \log y - X\hat\beta\rVert^2}{n - p - 1}, \qquad
        \operatorname{se}(\hat\beta_j) = s\,\sqrt{[(X^\top X)^{-1}]_{jj}}, \qquad
        \hat\beta_j \pm t_{(1 + \text{level})/2,\; n - p - 1}\,\operatorname{se}(\hat\beta_j),

    the Student-t interval, exact for independent Gaussian errors in log space. The optional
    bootstrap refits ``n_boot`` resampled data sets and reports the percentile interval (the
    :math:`(1 \mp \text{level})/2` quantiles) of each slope:

    * ``"residual"``: ``y`` of shape ``(n,)``; each draw adds to the fitted values residuals
      resampled with replacement, inflated by :math:`\sqrt{n/(n-p-1)}` (the average leverage
      correction, so that their variance is unbiased).
    * ``"replicates"``: ``y`` of shape ``(r, n)``, ``r >= 2`` replicates per point; the fitted
      value at point ``i`` is the mean of :math:`\log y_{\cdot i}` (geometric mean) and each draw
      redraws, for every point, ``r`` replicates with replacement.
    * ``"groups"``: ``y`` a sequence of ``n`` non-empty 1-D groups of non-negative values (e.g.
      per-seed counts, of any sizes); the fitted value is the log of the group's arithmetic mean,
      points whose mean is 0 are left out, and each draw resamples every group with replacement
      (a draw with too few positive means, or a rank-deficient design, is skipped).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        Positive regressors (one column per exponent).
    y : array_like, shape (n,) or (r, n), or sequence of n 1-D arrays
        Positive responses; replicates for ``bootstrap="replicates"``; groups of non-negative
        values for ``bootstrap="groups"``.
    level : float
        Confidence level in (0, 1) of the t and bootstrap intervals.
    bootstrap : {None, "residual", "replicates", "groups"}
    n_boot : int
        Bootstrap draws, in ``[1, 10**6]``.
    rng : int or Generator
        Seed of the bootstrap (fixed default).
    allow_exact : bool
        Accept as many points as parameters (an exact fit: ``stderr`` infinite, no t interval).
        By default a fit needs more points than parameters, and always at least 3.
    names : (str, str)
        Names of ``x`` and ``y`` in error messages.
    label : str
        What a point is, in error messages (``"cells"``).

    Returns
    -------
    LogLogFit

    Examples
    --------
    >>> f = fit_loglog([1, 2, 4, 8], [3, 12, 48, 192])
    >>> round(f.slope, 12), round(f.prefactor, 12), f.dof
    (2.0, 3.0, 2)
    >>> x = [[2, 4], [4, 4], [4, 16], [8, 16]]   # y = 5 x1^2 / x2
    >>> g = fit_loglog(x, [5 * a * a / b for a, b in x])
    >>> [round(b, 12) for b in g.slopes]
    [2.0, -1.0]
    >>> h = fit_loglog([1, 2, 4, 8, 16], [5.1, 3.4, 2.6, 1.7, 1.3], bootstrap="residual", n_boot=200)
    >>> h.boot_ci[0][0] < h.slope < h.boot_ci[0][1]
    True
    >>> fit_loglog([1, 2, 3], [1.0, 0.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: y must be positive for a log-log fit, got 0.0 at flat index 1

    References
    ----------
    .. [1] Seber, Lee (2003). Linear Regression Analysis, 2nd ed. Wiley. DOI 10.1002/9780471722199
       (least squares, standard errors, the t interval).
    .. [2] Efron, Tibshirani (1993). An Introduction to the Bootstrap. Chapman & Hall/CRC.
       DOI 10.1201/9780429246593 (residual and case resampling, percentile intervals).
    .. [3] Davison, Hinkley (1997). Bootstrap Methods and their Application. Cambridge University
       Press. DOI 10.1017/CBO9780511802843 (Sec. 6.2: residual resampling; the residuals there are
       modified by :math:`1/\sqrt{1 - h_{ii}}`, here by the average-leverage factor).
    """
    xn, yn = names
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    allow_exact = check_bool(allow_exact, "allow_exact")
    if not (bootstrap is None or (isinstance(bootstrap, str) and bootstrap in BOOTSTRAPS)):
        raise ValueError(f"bootstrap must be one of {list(BOOTSTRAPS)}, got {bootstrap!r}")
    X = check_array(x, xn, ndim=(1, 2))
    lx_all = X.reshape(X.shape[0], -1) if X.ndim == 2 else X[:, None]
    n_all, p = lx_all.shape
    if p == 0:
        raise ValueError(f"{xn} must have at least one column (regressor), got shape {X.shape}")
    _positive(X, xn)
    lx_all = np.log(lx_all)
    groups: list[NDArray[np.float64]] = []
    logY: NDArray[np.float64] | None = None
    if bootstrap == "groups":
        groups = _check_groups(y, yn, n_all)
        means = np.array([g.mean() for g in groups])
        keep = means > 0
        logy = np.log(means[keep])
    else:
        Y = check_array(cast(ArrayLike, y), yn, ndim=2 if bootstrap == "replicates" else 1)
        if Y.shape[-1] != n_all:
            raise ValueError(
                f"{xn} and {yn} must have the same length (one value per point), got {n_all} and {Y.shape[-1]}"
            )
        if bootstrap == "replicates" and Y.shape[0] < 2:
            raise ValueError(f"{yn} must have shape (replicates, {n_all}) with >= 2 replicates, got {Y.shape}")
        _positive(Y, yn)
        logY = np.log(Y)
        logy = logY if logY.ndim == 1 else logY.mean(axis=0)
        keep = np.ones(n_all, dtype=bool)
    n_par = p + 1
    need = max(3, n_par if allow_exact else n_par + 1)
    design_all = np.column_stack([np.ones(n_all), lx_all])
    design = design_all[keep]
    k = design.shape[0]
    rank = int(np.linalg.matrix_rank(design)) if k else 0
    if k < need or rank < n_par:
        pos = f" with a positive mean {yn}" if bootstrap == "groups" else ""
        raise ValueError(
            f"need at least {need} {label}{pos} (length >= {need}) whose log {xn} has full rank {n_par} "
            f"(not all on one line), got {k} {label} of rank {rank}"
        )
    beta = _solve(design, logy)
    fitted = design @ beta
    ss_res = float(np.sum((logy - fitted) ** 2))
    ss_tot = float(np.sum((logy - logy.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    dof = k - n_par
    if dof > 0:
        r_inv = linalg.solve_triangular(np.linalg.qr(design, mode="r"), np.eye(n_par))
        se = np.sqrt(ss_res / dof * np.sum(r_inv**2, axis=1))
        half = float(stats.t.ppf(0.5 + level / 2, dof)) * se
        ci = tuple((float(b - h), float(b + h)) for b, h in zip(beta[1:], half[1:], strict=True))
    else:
        se = np.full(n_par, math.inf)
        ci = tuple((-math.inf, math.inf) for _ in range(p))
    boot_ci = None
    used = 0
    if bootstrap is not None:
        n_boot = check_size(n_boot, "n_boot", minimum=1, maximum=_MAX_BOOT, why="each draw refits the regression")
        gen = as_rng(rng)
        if bootstrap == "residual":
            if dof < 1:
                raise ValueError(f"the residual bootstrap needs more {label} than the {n_par} parameters, got {k}")
            check_memory(estimate_bytes(n_boot, k, 3), "the bootstrap samples")
            resid = (logy - fitted) * math.sqrt(k / dof)
            yb = fitted + resid[gen.integers(0, k, size=(n_boot, k))]
            boot = _solve(design, yb.T).T
        elif bootstrap == "replicates":
            assert logY is not None
            r = logY.shape[0]
            check_memory(estimate_bytes(n_boot, r, k, 3), "the bootstrap samples")
            idx = gen.integers(0, r, size=(n_boot, r, k))
            yb = np.take_along_axis(np.broadcast_to(logY, (n_boot, r, k)), idx, axis=1).mean(axis=1)
            boot = _solve(design, yb.T).T
        else:
            rows = []
            for _ in range(n_boot):
                bm = np.array([g[gen.integers(0, g.size, g.size)].mean() for g in groups])
                kk = bm > 0
                dk = design_all[kk]
                if kk.sum() >= need and np.linalg.matrix_rank(dk) == n_par:
                    rows.append(_solve(dk, np.log(bm[kk])))
            if not rows:
                raise ValueError(
                    f"no bootstrap draw had {need} {label} with a positive mean {yn} and full rank; "
                    "use more values per group"
                )
            boot = np.array(rows)
        used = boot.shape[0]
        qs = np.quantile(boot[:, 1:], [(1 - level) / 2, (1 + level) / 2], axis=0)
        boot_ci = tuple((float(qs[0, j]), float(qs[1, j])) for j in range(p))
    return LogLogFit(
        slopes=tuple(float(b) for b in beta[1:]),
        intercept=float(beta[0]),
        stderr=tuple(float(s) for s in se[1:]),
        intercept_stderr=float(se[0]),
        ci=ci,
        level=level,
        n=k,
        dof=dof,
        r2=float(r2),
        bootstrap=bootstrap,
        boot_ci=boot_ci,
        n_boot=used,
    )

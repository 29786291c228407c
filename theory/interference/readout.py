"""ReLU read-out of superposed features (what toy models and SAEs actually compute)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from theory._validation import as_rng, check_array, check_frame, check_int, check_probability, check_real
from theory.interference.worst_case import worst_case_interference

__all__ = ["relu_readout", "readout_error", "ReadoutError", "optimal_readout_bias", "no_false_positive_bias"]


def _bias(b: Any, n: int) -> NDArray[np.float64]:
    # no magnitude rule: readout_error takes biases beyond 1e150 exactly (a bias of -1e300 switches a unit
    # off) and refuses an error beyond the float range by name (_finite_error)
    arr = check_array(b, "b", ndim=(0, 1), max_abs=None)
    if arr.ndim == 1 and arr.shape[0] != n:
        raise ValueError(f"b must be a scalar or have n = {n} entries, got shape {arr.shape}")
    return np.broadcast_to(arr, (n,)).astype(float)


def relu_readout(W: ArrayLike, b: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
    r"""ReLU read-out of the superposed input: :math:`\hat x = \mathrm{ReLU}(W^\top W x + b)`.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    b : float or array_like, shape (n,)
    x : array_like, shape (n,) or (n, batch)

    Returns
    -------
    ndarray, same shape as ``x``

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> relu_readout(W, -0.5, [1.0, 0.0])
    array([0.5, 0.1])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    W = check_frame(W, allow_zero_columns=True)
    n = W.shape[1]
    x = check_array(x, "x", ndim=(1, 2))
    if x.shape[0] != n:
        raise ValueError(f"x must have n = {n} rows (one per feature of W), got shape {x.shape}")
    bb = _bias(b, n)
    pre = W.T @ (W @ x)
    pre = pre + (bb if x.ndim == 1 else bb[:, None])
    return np.maximum(pre, 0.0)


@dataclass(frozen=True)
class ReadoutError:
    r"""Expected squared read-out error :math:`E\lVert \mathrm{ReLU}(W^\top Wx + b) - x\rVert^2`.

    Attributes
    ----------
    mean : float
    stderr : float
        Monte Carlo standard error (0 when exact).
    exact : bool
    false_positive_rate : float
        Per inactive feature, the probability (or frequency) of a positive output.

    Examples
    --------
    >>> ReadoutError(0.1, 0.0, True, 0.0).exact
    True
    """

    mean: float
    stderr: float
    exact: bool
    false_positive_rate: float


def _quad_int(s: Any, c: Any, lo: Any, hi: Any) -> Any:
    """int_lo^hi (s v + c)^2 dv, expanded (no division, stable for tiny s).

    The interval factor is applied first, so an empty interval gives exactly 0 even when ``c * c``
    alone would overflow (a bias of -1e300 that switches a unit off is not an infinite error).
    """
    return s * (s * (hi**3 - lo**3)) / 3.0 + s * (c * (hi**2 - lo**2)) + c * (c * (hi - lo))


def _int_relu_sq(a: NDArray[np.float64], c: NDArray[np.float64], top: float) -> NDArray[np.float64]:
    """Elementwise int_0^top ReLU(a v + c)^2 dv (exact)."""
    a = np.asarray(a, float)
    c = np.asarray(c, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(a != 0, -c / a, np.where(c > 0, -np.inf, np.inf))
    # positive region: v > r when a > 0; v < r when a < 0; everywhere or nowhere when a == 0
    lo = np.where(a > 0, np.clip(r, 0.0, top), 0.0)
    hi = np.where(a > 0, top, np.clip(r, 0.0, top))
    lo = np.where(a == 0, 0.0, lo)
    hi = np.where(a == 0, np.where(c > 0, top, 0.0), hi)
    return _quad_int(a, c, lo, hi)


def _int_relu_minus_v_sq(a: NDArray[np.float64], c: NDArray[np.float64], top: float) -> NDArray[np.float64]:
    """int_0^top (ReLU(a v + c) - v)^2 dv by splitting at the kink; exact piecewise polynomial."""
    out = []
    for ai, ci in zip(np.ravel(a), np.ravel(c), strict=True):
        pts = [0.0, top]
        if ai != 0 and 0 < -ci / ai < top:
            pts.insert(1, -ci / ai)
        tot = 0.0
        for lo, hi in zip(pts[:-1], pts[1:], strict=True):
            mid = 0.5 * (lo + hi)
            if ai * mid + ci > 0:
                tot += _quad_int(ai - 1.0, ci, lo, hi)
            else:
                tot += (hi**3 - lo**3) / 3.0
        out.append(tot)
    return np.array(out).reshape(np.shape(a))


def readout_error(
    W: ArrayLike,
    b: ArrayLike,
    *,
    k: int | None = None,
    p: float | None = None,
    max_value: float = 1.0,
    trials: int = 4096,
    rng: Any = 0,
) -> ReadoutError:
    r"""Expected squared error of the ReLU read-out on random sparse nonnegative inputs.

    .. math:: L = E_x \lVert \mathrm{ReLU}(W^\top W x + b) - x \rVert^2,

    with either exactly ``k`` active features (uniform random support) or each feature active
    independently with probability ``p`` (Elhage et al.), active values iid
    :math:`U[0, a]`. For ``k = 1`` (and ``k = 0``) the expectation is computed exactly in closed
    form (piecewise-polynomial integrals); otherwise by Monte Carlo with ``trials`` samples and
    its standard error.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    b : float or array_like, shape (n,)
    k : int, optional
        Exact number of active features, ``0 <= k <= n``.
    p : float, optional
        Feature probability (give exactly one of ``k`` and ``p``).
    max_value : float
        :math:`a`.
    trials : int
    rng : Generator or int

    Returns
    -------
    ReadoutError

    Raises
    ------
    ValueError
        When the expected squared error (or its standard error) is beyond the float range, as
        for a bias ``b`` of 1e300: it is refused rather than returned as ``inf``.

    Examples
    --------
    >>> import numpy as np
    >>> readout_error(np.eye(2), 0.0, k=1).mean  # identity read-out is perfect
    0.0

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    W = check_frame(W, allow_zero_columns=True)
    n = W.shape[1]
    bb = _bias(b, n)
    a = check_real(max_value, "max_value", minimum=0.0, maximum=1e100, strict_min=True)  # cubes stay finite
    trials = check_int(trials, "trials", minimum=2)
    if (k is None) == (p is None):
        raise ValueError("give exactly one of k (number of active features) and p (feature probability)")
    # squared errors beyond the float range are refused by name in _finite_error: no overflow warnings on the way
    with np.errstate(over="ignore", invalid="ignore"):
        G = W.T @ W
        if k is not None:
            k = check_int(k, "k", minimum=0)
            if k > n:
                raise ValueError(f"k must be an integer in [0, {n}], got {k} (W has n={n} columns)")
            if k == 0:
                fp = float(np.mean(bb > 0))
                return _finite_error(float(np.sum(np.maximum(bb, 0.0) ** 2)), 0.0, True, fp)
            if k == 1:
                tot = 0.0
                fp = 0.0
                for j in range(n):
                    others = np.arange(n) != j
                    tot += float(np.sum(_int_relu_sq(G[others, j], bb[others], a))) / a
                    tot += float(_int_relu_minus_v_sq(np.array([G[j, j]]), np.array([bb[j]]), a)[0]) / a
                    # P(G_ij v + b_i > 0) for v ~ U[0, a]
                    g, c = G[others, j], bb[others]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        r = np.where(g != 0, -c / g, np.nan)
                    frac = np.where(
                        g > 0, 1.0 - np.clip(r / a, 0, 1), np.where(g < 0, np.clip(r / a, 0, 1), (c > 0).astype(float))
                    )
                    fp += float(np.mean(frac)) if n > 1 else 0.0
                return _finite_error(tot / n, 0.0, True, fp / n)
        else:
            p = check_probability(p, "p")
        gen = as_rng(rng)
        if k is not None:
            X = np.zeros((n, trials))
            S = np.argsort(gen.random((n, trials)), axis=0)[:k]
            X[S, np.arange(trials)[None, :]] = gen.uniform(0.0, a, size=(k, trials))
        else:
            assert p is not None  # exactly one of k and p was given
            X = np.where(gen.random((n, trials)) < p, gen.uniform(0.0, a, size=(n, trials)), 0.0)
        out = np.maximum(G @ X + bb[:, None], 0.0)
        err = np.sum((out - X) ** 2, axis=0)
        inactive = X == 0
        fp = float(np.sum((out > 0) & inactive) / max(1, np.sum(inactive)))
        return _finite_error(float(err.mean()), float(err.std(ddof=1) / math.sqrt(trials)), False, fp)


def _finite_error(mean: float, stderr: float, exact: bool, fp: float) -> ReadoutError:
    """The :class:`ReadoutError`, or a named error when the squared error is beyond the float range."""
    if not (math.isfinite(mean) and math.isfinite(stderr)):
        raise ValueError(
            "the expected squared read-out error exceeds the float range (about 1.8e308): "
            "the bias b, max_value or the entries of W are too large; rescale them"
        )
    return ReadoutError(mean, stderr, exact, fp)


def no_false_positive_bias(W: ArrayLike, *, k: int, max_value: float = 1.0) -> NDArray[np.float64]:
    r"""The largest per-feature bias that provably gives no false positives.

    .. math:: b_i = -a \sum_{\text{top-}k,\ j\ne i} (G_{ij})_+ \quad\Rightarrow\quad
              \mathrm{ReLU}((W^\top Wx)_i + b_i) = 0 \text{ whenever } x_i = 0

    for every ``k``-sparse :math:`x \in [0, a]^n`; it is tight (the worst input reaches 0).

    Parameters
    ----------
    W : array_like, shape (dim, n)
    k : int
        ``0 <= k <= n - 1``.
    max_value : float

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> no_false_positive_bias(np.array([[1.0, 0.6], [0.0, 0.8]]), k=1)
    array([-0.6, -0.6])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    return -worst_case_interference(W, k=k, signed=False, max_value=max_value)


def optimal_readout_bias(
    W: ArrayLike,
    *,
    k: int | None = None,
    p: float | None = None,
    max_value: float = 1.0,
    trials: int = 4096,
    rng: Any = 0,
) -> tuple[float, ReadoutError]:
    r"""The shared bias :math:`b` minimising :func:`readout_error` (bounded scalar search).

    .. math:: b^\star = \arg\min_{b \in [-a\max_i\lVert w_i\rVert^2,\ 0]}
              E\lVert\mathrm{ReLU}(W^\top Wx + b\mathbf 1) - x\rVert^2

    Exact objective for ``k <= 1``; otherwise a Monte Carlo objective with common random
    numbers (the same inputs for every ``b``), so the search is deterministic for a seed.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    k, p, max_value, trials, rng
        As in :func:`readout_error`.

    Returns
    -------
    (float, ReadoutError)
        The bias and the error it achieves.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.0, 0.7071067811865476], [0.0, 1.0, 0.7071067811865476]])
    >>> b, err = optimal_readout_bias(W, k=1)
    >>> b < 0
    True

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    W = check_frame(W, allow_zero_columns=True)
    a = check_real(max_value, "max_value", minimum=0.0, maximum=1e100, strict_min=True)  # cubes stay finite
    seed = int(as_rng(rng).integers(2**32))
    lo = -a * float(np.max(np.sum(W * W, axis=0)))
    f = lambda bv: readout_error(W, bv, k=k, p=p, max_value=a, trials=trials, rng=seed).mean  # noqa: E731
    res = optimize.minimize_scalar(f, bounds=(lo, 0.0), method="bounded", options={"xatol": 1e-6})
    cands = [(float(res.x), f(float(res.x))), (0.0, f(0.0)), (lo, f(lo))]
    bstar = min(cands, key=lambda t: t[1])[0]
    return bstar, readout_error(W, bstar, k=k, p=p, max_value=a, trials=trials, rng=seed)

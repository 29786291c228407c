"""Interference of k-sparse inputs: the exact worst case and the coherence bound."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._references import cite
from theory._results import Bound
from theory._validation import check_array, check_bool, check_frame, check_int, check_real
from theory.interference._common import offdiag_abs_max, topk_sum

__all__ = ["interference", "worst_case_interference", "coherence_interference_bound"]


def interference(W: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
    r"""Interference each feature receives from the other active features.

    .. math:: I_i(x) = \sum_{j \ne i} \langle w_i, w_j\rangle x_j = (W^\top W x)_i - \lVert w_i\rVert^2 x_i

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Feature directions as columns.
    x : array_like, shape (n,) or (n, batch)
        Feature activations (one input per column when 2-D).

    Returns
    -------
    ndarray, shape (n,) or (n, batch)
        The interference term of the linear read-out :math:`w_i^\top W x`.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> interference(W, [1.0, 1.0])
    array([0.6, 0.6])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    W = check_frame(W, allow_zero_columns=True)
    x = check_array(x, "x", ndim=(1, 2))
    n = W.shape[1]
    if x.shape[0] != n:
        raise ValueError(f"x must have n = {n} rows (one per feature of W), got shape {x.shape}")
    sq = np.sum(W * W, axis=0)
    out = W.T @ (W @ x)
    return out - (sq * x.T).T


def worst_case_interference(
    W: ArrayLike, *, k: int, signed: bool = True, max_value: float = 1.0
) -> NDArray[np.float64]:
    r"""Exact largest interference on each feature over all k-sparse inputs.

    With :math:`G = W^\top W`, the interference on feature :math:`i` from an input whose other
    active features are at most ``k`` with values bounded by ``max_value`` = :math:`a` is
    maximised by putting the mass on the ``k`` largest suitable Gram entries:

    .. math::
        \text{signed inputs } (|x_j| \le a):\quad
        \max_x |I_i(x)| = a \sum_{\text{top-}k,\, j\ne i} |G_{ij}|,
        \qquad
        \text{nonnegative inputs } (0 \le x_j \le a):\quad
        \max_x I_i(x) = a \sum_{\text{top-}k,\, j\ne i} (G_{ij})_+ .

    The nonnegative case (toy models, ReLU features) is the one that creates false positives
    in a ReLU read-out; it ignores negative interference, which ReLU discards.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    k : int
        Number of *other* active features, ``0 <= k <= n - 1``.
    signed : bool
        ``True`` for inputs in :math:`[-a, a]`, ``False`` for inputs in :math:`[0, a]`.
    max_value : float
        The bound :math:`a > 0` on each activation.

    Returns
    -------
    ndarray, shape (n,)
        The exact worst case per feature (attained by the input described above).

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.0, -0.6], [0.0, 1.0, 0.8]])
    >>> worst_case_interference(W, k=1)
    array([0.6, 0.8, 0.8])
    >>> worst_case_interference(W, k=1, signed=False)
    array([0. , 0.8, 0.8])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    .. [2] Tropp, J. A. (2004). "Greed is good: algorithmic results for sparse approximation."
       IEEE Trans. Inf. Theory 50(10), 2231-2242. doi:10.1109/TIT.2004.834793
    """
    signed = check_bool(signed, "signed")
    W = check_frame(W, allow_zero_columns=True)
    n = W.shape[1]
    k = check_int(k, "k", minimum=0)
    if k > (n - 1):
        raise ValueError(f"k must be an integer in [0, {n - 1}], got {k} (W has n={n} columns)")
    a = check_real(max_value, "max_value", minimum=0.0, strict_min=True)
    if not isinstance(signed, (bool, np.bool_)):
        raise TypeError(f"signed must be a bool, got {signed!r}")
    G = W.T @ W
    A = np.abs(G) if signed else np.maximum(G, 0.0)
    np.fill_diagonal(A, -np.inf)  # never pick the feature itself
    if k == 0:
        return np.zeros(n)
    part = topk_sum(A, k, axis=0)
    return a * part


def coherence_interference_bound(W: ArrayLike, *, k: int, max_value: float = 1.0) -> Bound:
    r"""The coherence bound on k-sparse interference, :math:`k \mu a`.

    .. math:: |I_i(x)| \le a \sum_{\text{top-}k} |G_{ij}| \le k\, a\, \mu,\qquad
              \mu = \max_{i\ne j} |\langle w_i, w_j\rangle|

    (for unit-norm columns :math:`\mu` is the coherence). It upper-bounds
    :func:`worst_case_interference` for every feature, signed or not.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    k : int
        Number of other active features, ``0 <= k <= n - 1``.
    max_value : float
        Bound on each activation.

    Returns
    -------
    Bound
        Upper bound on the interference.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 0.0, -0.6], [0.0, 1.0, 0.8]])
    >>> round(coherence_interference_bound(W, k=2).value, 12)
    1.6

    References
    ----------
    .. [1] Donoho, D. L. and Elad, M. (2003). "Optimally sparse representation in general
       (nonorthogonal) dictionaries via l1 minimization." PNAS 100(5). doi:10.1073/pnas.0437847100
    """
    W = check_frame(W, allow_zero_columns=True)
    n = W.shape[1]
    k = check_int(k, "k", minimum=0)
    if k > (n - 1):
        raise ValueError(f"k must be an integer in [0, {n - 1}], got {k} (W has n={n} columns)")
    a = check_real(max_value, "max_value", minimum=0.0, strict_min=True)
    mu = offdiag_abs_max(W.T @ W)
    return Bound(
        k * a * mu,
        "coherence",
        cite("donoho_elad2003", "tropp2004", "elhage2022"),
        kind="upper",
        quantity="k-sparse interference",
        params={"k": k, "max_value": a, "mu": mu},
    )

"""Frame quantities: Gram matrix, coherence, maximal cosine, normalisation.

A frame (feature matrix) ``W`` has shape ``(dim, n)``; column ``i`` is feature ``i``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_frame

__all__ = [
    "coherence",
    "feature_dimensionality",
    "frame_potential",
    "gram",
    "is_equiangular",
    "is_tight",
    "max_cosine",
    "normalize",
]


def normalize(W: ArrayLike) -> NDArray[np.float64]:
    r"""Scale every column of ``W`` to unit Euclidean norm.

    .. math:: \hat w_i = w_i / \lVert w_i \rVert_2

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Feature matrix; zero columns are refused (they have no direction).

    Returns
    -------
    ndarray, shape (dim, n)

    Examples
    --------
    >>> normalize([[3.0, 0.0], [4.0, 2.0]])
    array([[0.6, 0. ],
           [0.8, 1. ]])
    """
    W = check_frame(W)
    return W / np.linalg.norm(W, axis=0)


def gram(W: ArrayLike) -> NDArray[np.float64]:
    r"""Gram matrix :math:`G = W^\top W` of the columns of ``W``.

    Parameters
    ----------
    W : array_like, shape (dim, n)

    Returns
    -------
    ndarray, shape (n, n)

    Examples
    --------
    >>> gram([[1.0, 0.0], [0.0, 2.0]])
    array([[1., 0.],
           [0., 4.]])
    """
    W = check_frame(W, allow_zero_columns=True)
    return W.T @ W


def _cosines(W: ArrayLike) -> NDArray[np.float64]:
    V = normalize(W)
    if V.shape[1] < 2:
        raise ValueError(f"W must have at least 2 columns (features) to compare, got shape {V.shape}")
    G = V.T @ V
    np.fill_diagonal(G, np.nan)
    return G


def coherence(W: ArrayLike) -> float:
    r"""Coherence: the largest absolute cosine between two distinct features (lines).

    .. math:: \mu(W) = \max_{i \ne j} \frac{|\langle w_i, w_j\rangle|}{\lVert w_i\rVert\,\lVert w_j\rVert}

    This is the interference seen by a *linear* read-out, for which a feature and its negative
    interfere equally. For ReLU read-outs see :func:`max_cosine`.

    Parameters
    ----------
    W : array_like, shape (dim, n), n >= 2
        Feature matrix with no zero column (columns need not be normalised).

    Returns
    -------
    float
        :math:`\mu \in [0, 1]`.

    Examples
    --------
    >>> import numpy as np
    >>> round(coherence(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])), 6)
    0.707107

    References
    ----------
    .. [1] Strohmer, T. and Heath, R. W. (2003). "Grassmannian frames with applications to
       coding and communication." Appl. Comput. Harmon. Anal. 14(3), 257-275.
       doi:10.1016/S1063-5203(03)00023-X
    """
    G = _cosines(W)
    return float(min(1.0, np.nanmax(np.abs(G))))


def max_cosine(W: ArrayLike) -> float:
    r"""Largest *signed* cosine between two distinct features (points, spherical codes).

    .. math:: \max_{i \ne j} \frac{\langle w_i, w_j\rangle}{\lVert w_i\rVert\,\lVert w_j\rVert}

    A ReLU read-out removes negative interference, so antipodal features cost nothing here.

    Parameters
    ----------
    W : array_like, shape (dim, n), n >= 2

    Returns
    -------
    float
        In :math:`[-1, 1]`.

    Examples
    --------
    >>> max_cosine([[1.0, -1.0]])
    -1.0

    References
    ----------
    .. [1] Conway, J. H. and Sloane, N. J. A. (1999). "Sphere Packings, Lattices and Groups",
       3rd ed., Springer. doi:10.1007/978-1-4757-6568-7
    """
    G = _cosines(W)
    return float(np.clip(np.nanmax(G), -1.0, 1.0))


def frame_potential(W: ArrayLike) -> float:
    r"""Frame potential of the normalised features.

    .. math:: FP(W) = \lVert \hat W^\top \hat W\rVert_F^2 = \sum_{i,j} \langle \hat w_i, \hat w_j\rangle^2
              \;\ge\; \frac{n^2}{\min(n, dim)}

    with equality exactly for unit-norm tight frames (Benedetto & Fickus 2003).

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Feature matrix with no zero column; columns are normalised first.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> frame_potential(np.eye(3))
    3.0

    References
    ----------
    .. [1] Benedetto, J. J. and Fickus, M. (2003). "Finite normalized tight frames."
       Adv. Comput. Math. 18, 357-385. doi:10.1023/A:1021323312367
    """
    V = normalize(W)
    G = V.T @ V
    return float(np.sum(G * G))


def is_tight(W: ArrayLike, *, atol: float = 1e-9) -> bool:
    r"""Whether the normalised features form a tight frame for their ambient space.

    .. math:: \hat W \hat W^\top = \frac{n}{dim} I_{dim}

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Feature matrix with no zero column.
    atol : float
        Absolute tolerance on the entries of :math:`\hat W\hat W^\top - (n/dim) I`.

    Returns
    -------
    bool

    Examples
    --------
    >>> from theory.geometry import regular_polygon
    >>> is_tight(regular_polygon(5)), is_tight([[1.0, 1.0], [0.0, 1.0]])
    (True, False)

    References
    ----------
    .. [1] Benedetto, J. J. and Fickus, M. (2003). "Finite normalized tight frames."
       Adv. Comput. Math. 18, 357-385. doi:10.1023/A:1021323312367
    """
    from theory._validation import check_real

    atol = check_real(atol, "atol", minimum=0)
    V = normalize(W)
    dim, n = V.shape
    S = V @ V.T
    return bool(np.max(np.abs(S - (n / dim) * np.eye(dim))) <= atol)


def is_equiangular(W: ArrayLike, *, atol: float = 1e-9) -> bool:
    r"""Whether all pairs of (normalised) features make the same angle as lines.

    .. math:: |\langle \hat w_i, \hat w_j\rangle| = c \quad \text{for all } i \ne j

    Parameters
    ----------
    W : array_like, shape (dim, n), n >= 2
    atol : float
        Tolerance on the spread of the absolute cosines.

    Returns
    -------
    bool

    Examples
    --------
    >>> from theory.geometry import simplex
    >>> is_equiangular(simplex(4)), is_equiangular([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    (True, False)

    References
    ----------
    .. [1] Lemmens, P. W. H. and Seidel, J. J. (1973). "Equiangular lines."
       J. Algebra 24, 494-512. doi:10.1016/0021-8693(73)90123-3
    """
    from theory._validation import check_real

    atol = check_real(atol, "atol", minimum=0)
    G = np.abs(_cosines(W))
    off = G[~np.isnan(G)]
    return bool(off.max() - off.min() <= atol)


def feature_dimensionality(W: ArrayLike) -> NDArray[np.float64]:
    r"""Feature dimensionality :math:`D_i` of Elhage et al. (2022): the fraction of a dimension
    that feature ``i`` occupies.

    .. math:: D_i = \frac{\lVert W_i\rVert^2}{\sum_j (\hat W_i \cdot W_j)^2}

    :math:`D_i = 1` for a dedicated (orthogonal) feature, 1/2 for an antipodal pair (digon),
    2/3 triangle, 3/4 tetrahedron, 2/5 pentagon, 3/8 square antiprism. A zero column
    (an ignored feature) gets :math:`D_i = 0`; the result is never NaN.

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Feature matrix; zero columns allowed.

    Returns
    -------
    ndarray, shape (n,)
        Values in :math:`[0, 1]`.

    Examples
    --------
    >>> import numpy as np
    >>> feature_dimensionality(np.array([[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]]))
    array([0.5, 0.5, 1. , 0. ])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." Transformer Circuits Thread.
       arXiv:2209.10652
    """
    W = check_frame(W, allow_zero_columns=True)
    norms = np.linalg.norm(W, axis=0)
    scale = norms.max() if norms.size else 0.0
    # Columns that are zero up to rounding relative to the largest one are ignored features.
    live = norms > (scale * 1e-12 if scale > 0 else 0.0)
    return dimensionality_batch(W[None], live[None])[0]


def dimensionality_batch(A: NDArray[np.float64], live: NDArray[np.bool_]) -> NDArray[np.float64]:
    r"""Feature dimensionalities :math:`D_i` of a stack of frames, shape ``(batch, dim, n)``.

    The computation behind :func:`feature_dimensionality` (and the toy models' batched version):
    features where ``live`` (shape ``(batch, n)``) is False get 0, the others
    :math:`\lVert W_i\rVert^2 / \sum_j (\hat W_i\cdot W_j)^2` clipped to [0, 1] against rounding.
    No input checks: callers validate.

    Examples
    --------
    >>> import numpy as np
    >>> dimensionality_batch(np.array([[[1.0, -1.0, 0.0]]]), np.array([[True, True, False]])).tolist()
    [[0.5, 0.5, 0.0]]
    """
    norms = np.linalg.norm(A, axis=1)  # (batch, n)
    G = np.einsum("kdi,kdj->kij", A, A)  # (batch, n, n)
    safe = np.where(live, norms, 1.0)
    denom = np.einsum("kij,kij->ki", G, G) / safe**2  # sum_j (W_i . W_j)^2 / |W_i|^2
    D = np.where(live, norms**2 / np.where(live, denom, 1.0), 0.0)
    return np.clip(D, 0.0, 1.0)

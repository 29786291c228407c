"""Frame quantities: Gram matrix, coherence, maximal cosine, normalisation.

A frame (feature matrix) ``W`` has shape ``(dim, n)``; column ``i`` is feature ``i``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_frame

__all__ = ["coherence", "gram", "max_cosine", "normalize"]


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

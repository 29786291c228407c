"""Analysis of trained toy models: norms, dimensionality, superposition, phases, geometry."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_bool, check_real
from theory.geometry.frames import dimensionality_batch

__all__ = [
    "abs_features_computed",
    "classify_2x1",
    "dimensions_per_feature",
    "feature_dimensionality",
    "feature_geometry",
    "feature_norms",
    "n_represented",
    "superposition_score",
]


def _weights(W: Any) -> NDArray[np.float64]:
    from theory.toy_models.model import ToyModel

    if isinstance(W, ToyModel):
        W = W.W
    arr = check_array(W, "W", ndim=(2, 3))
    return arr[None] if arr.ndim == 2 else arr


def _squeeze(value: NDArray[Any], W: Any) -> NDArray[Any]:
    from theory.toy_models.model import ToyModel

    two_d = not isinstance(W, ToyModel) and np.ndim(W) == 2
    return value[0] if two_d else value


def feature_norms(W: ArrayLike | Any) -> NDArray[np.float64]:
    r"""Norm :math:`\lVert W_i\rVert` of each feature's column.

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, dim, n) or (dim, n)

    Returns
    -------
    ndarray, shape (n_instances, n) or (n,)

    Examples
    --------
    >>> feature_norms([[3.0, 0.0], [4.0, 1.0]]).tolist()
    [5.0, 1.0]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    return _squeeze(np.linalg.norm(_weights(W), axis=1), W)


def feature_dimensionality(W: ArrayLike | Any, *, tol: float = 1e-12) -> NDArray[np.float64]:
    r"""Feature dimensionality of Elhage et al. for every feature of every instance.

    .. math:: D_i = \frac{\lVert W_i\rVert^2}{\sum_j (\hat W_i \cdot W_j)^2}

    (0 for a feature whose norm is at most ``tol``). :math:`D_i = 1` for a dedicated dimension,
    1/2 for an antipodal pair, 2/3 for a triangle, 2/5 for a pentagon; :math:`\sum_i D_i \le
    \mathrm{dim}`.

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, dim, n) or (dim, n)
    tol : float

    Returns
    -------
    ndarray, shape (n_instances, n) or (n,)

    Examples
    --------
    >>> feature_dimensionality([[1.0, -1.0, 0.0]]).tolist()
    [0.5, 0.5, 0.0]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652,
       section "Feature Dimensionality".
    """
    tol = check_real(tol, "tol", minimum=0.0)
    A = _weights(W)
    live = np.linalg.norm(A, axis=1) > tol  # (I, n)
    return _squeeze(dimensionality_batch(A, live), W)


def dimensions_per_feature(W: ArrayLike | Any) -> NDArray[np.float64]:
    r"""Dimensions per feature :math:`\mathrm{dim}/\lVert W\rVert_F^2` of each instance.

    :math:`\lVert W\rVert_F^2` counts the "number of features learned"; the paper plots this
    ratio against :math:`1/(1-S) = 1/p` and finds it sticking at 1, 3/4, 2/3, 1/2, 2/5, 3/8.

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, dim, n) or (dim, n)

    Returns
    -------
    ndarray, shape (n_instances,) or a 0-d array

    Examples
    --------
    >>> float(dimensions_per_feature([[1.0, -1.0]]))
    0.5

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    A = _weights(W)
    fro = np.einsum("kdi,kdi->k", A, A)
    if np.any(fro == 0):
        raise ValueError("dimensions_per_feature is undefined for an all-zero W")
    return _squeeze(A.shape[1] / fro, W)


def n_represented(W: ArrayLike | Any, *, threshold: float = 0.5) -> NDArray[np.int64]:
    r"""Number of features with :math:`\lVert W_i\rVert > \text{threshold}` in each instance.

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, dim, n) or (dim, n)
    threshold : float
        Norm above which a feature counts as represented (learned features have norm near 1).

    Returns
    -------
    ndarray of int, shape (n_instances,) or 0-d

    Examples
    --------
    >>> int(n_represented([[1.0, 0.02, -0.9]]))
    2

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    threshold = check_real(threshold, "threshold", minimum=0.0)
    return _squeeze((np.linalg.norm(_weights(W), axis=1) > threshold).sum(axis=1), W)


def superposition_score(W: ArrayLike | Any, *, tol: float = 1e-12) -> NDArray[np.float64]:
    r"""How much each feature shares its direction with others (the paper's colour scale).

    .. math:: s_i = \sum_{j \ne i} (\hat W_i \cdot W_j)^2

    0 for a feature orthogonal to all others (or not represented), 1 for an antipodal partner
    of equal norm.

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, dim, n) or (dim, n)
    tol : float
        Features with norm at most ``tol`` score 0.

    Returns
    -------
    ndarray, shape (n_instances, n) or (n,)

    Examples
    --------
    >>> superposition_score([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]).tolist()
    [1.0, 1.0, 0.0]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    tol = check_real(tol, "tol", minimum=0.0)
    A = _weights(W)
    norms = np.linalg.norm(A, axis=1)
    live = norms > tol
    # P[i, j] = hat W_i . W_j, from unit columns: of degree 1 in W, so its squares stay finite
    P = np.einsum("kdi,kdj->kij", A / np.where(live, norms, 1.0)[:, None, :], A)
    idx = np.arange(A.shape[2])
    P[:, idx, idx] = 0.0
    s = np.einsum("kij,kij->ki", P, P)
    return _squeeze(np.where(live, s, 0.0), W)


def classify_2x1(W: ArrayLike | Any, *, threshold: float = 0.5) -> NDArray[np.str_]:
    r"""Phase of trained 2 -> 1 models, by what happens to feature 2.

    ``"not learned"``: only feature 1 has norm above ``threshold``; ``"dedicated"``: only
    feature 2; ``"superposition"``: both, with opposite signs (an antipodal pair);
    ``"other"``: anything else (neither, or both on the same side).

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, 1, 2) or (1, 2)
    threshold : float

    Returns
    -------
    ndarray of str, shape (n_instances,) or 0-d

    Examples
    --------
    >>> classify_2x1([[[1.0, 0.0]], [[0.1, 0.9]], [[0.9, -1.0]]]).tolist()
    ['not learned', 'dedicated', 'superposition']

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    A = _weights(W)
    if A.shape[1:] != (1, 2):
        raise ValueError(f"classify_2x1 needs W of shape (n_instances, 1, 2), got {A.shape}")
    threshold = check_real(threshold, "threshold", minimum=0.0)
    w1, w2 = A[:, 0, 0], A[:, 0, 1]
    on1, on2 = np.abs(w1) > threshold, np.abs(w2) > threshold
    out = np.full(A.shape[0], "other", dtype="<U13")
    out[on1 & ~on2] = "not learned"
    out[~on1 & on2] = "dedicated"
    out[on1 & on2 & (w1 * w2 < 0)] = "superposition"
    return _squeeze(out, W)


def feature_geometry(W: ArrayLike | Any, **kwargs: Any) -> list[Any]:
    r"""Geometry of the represented features of each instance, via
    :func:`theory.geometry.classify_geometry` (digons, triangles, pentagons, tetrahedra, …).

    Parameters
    ----------
    W : ToyModel or array, shape (n_instances, dim, n) or (dim, n)
    **kwargs
        Passed to ``classify_geometry``.

    Returns
    -------
    list
        One ``classify_geometry`` result per instance.

    Raises
    ------
    NotImplementedError
        When ``theory.geometry.classify_geometry`` is not available in this installation.

    Examples
    --------
    >>> [p.name for p in feature_geometry([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])[0]]
    ['digon', 'dedicated']

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652,
       section "The Geometry of Superposition".
    """
    import theory.geometry as geo

    fn = getattr(geo, "classify_geometry", None)
    if fn is None:
        raise NotImplementedError(
            "feature_geometry needs theory.geometry.classify_geometry, which this version of "
            "theory.geometry does not provide yet; use feature_dimensionality(W) meanwhile"
        )
    return [fn(A) for A in _weights(W)]


def abs_features_computed(
    model: Any, *, tol: float = 0.1, n_points: int = 41, per_sign: bool = False
) -> NDArray[np.int64]:
    r"""Number of features for which an ``abs``-task model computes :math:`|x_i|`, per instance.

    Feature :math:`i` counts as computed when, with only that feature present
    (:math:`x = t\,e_i` on a grid of ``n_points`` values of :math:`t` in :math:`[-1, 1]`), the
    relative squared error of output :math:`i` is below ``tol``:

    .. math:: \frac{\sum_t (y_i(t\,e_i) - |t|)^2}{\sum_t t^2} < \mathrm{tol}.

    A constant output scores at best 0.25 and a one-sided response (e.g. :math:`\mathrm{ReLU}(t)`)
    0.5, so the default ``tol = 0.1`` needs both signs: with a ReLU hidden layer that takes two
    neurons per feature unless features share neurons (computation in superposition).
    With ``per_sign=True`` the two halves :math:`t > 0` and :math:`t < 0` are scored separately
    (same ratio restricted to one sign) and the computed halves are counted: without
    superposition each hidden neuron serves at most one half, so more halves than neurons is
    computation in superposition.

    Parameters
    ----------
    model : ToyModel
        Trained with ``task="abs"`` (``W`` shape (n_instances, n_hidden, n), ``W2`` shape
        (n_instances, n, n_hidden), ``b``).
    tol : float
        In (0, 1).
    n_points : int
        Grid size (>= 3).
    per_sign : bool
        Count computed halves (feature, sign) instead of features.

    Returns
    -------
    ndarray of int, shape (n_instances,)

    Examples
    --------
    >>> from theory.toy_models import ToyModel, ToyModelConfig
    >>> cfg = ToyModelConfig(n_features=2, n_hidden=2, task="abs")
    >>> W = np.array([[[1.0, 0.0], [-1.0, 0.0]]])          # both neurons read feature 0
    >>> W2 = np.array([[[1.0, 1.0], [0.0, 0.0]]])          # |x_0| = ReLU(x_0) + ReLU(-x_0)
    >>> m = ToyModel(cfg, W=W, b=np.zeros((1, 2)), W2=W2)
    >>> abs_features_computed(m).tolist(), abs_features_computed(m, per_sign=True).tolist()
    ([1], [2])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition, section "Computation in
       Superposition". arXiv:2209.10652.
    """
    per_sign = check_bool(per_sign, "per_sign")
    from theory._validation import check_size
    from theory.toy_models.model import ToyModel, forward

    if not isinstance(model, ToyModel) or model.config.task != "abs":
        raise TypeError("model must be a ToyModel trained with task='abs'")
    tol = check_real(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    n_points = check_size(n_points, "n_points", minimum=3, maximum=10**5, why="the probe batch has n * n_points rows")
    if not isinstance(per_sign, bool):
        raise TypeError(f"per_sign must be a bool, got {per_sign!r}")
    I, m, n = model.W.shape
    t = np.linspace(-1.0, 1.0, n_points)
    # batch: for each feature i and grid value t, the input t e_i
    x = np.zeros((I, n * n_points, n))
    idx = np.repeat(np.arange(n), n_points)
    x[:, np.arange(n * n_points), idx] = np.tile(t, n)
    y = forward(model.config, model.params, x)  # W, b and (task "abs") W2
    yi = y[:, np.arange(n * n_points), idx].reshape(I, n, n_points)
    sq = (yi - np.abs(t)) ** 2
    if per_sign:
        pos, neg = t > 0, t < 0
        rel_pos = sq[:, :, pos].sum(axis=2) / (t[pos] ** 2).sum()
        rel_neg = sq[:, :, neg].sum(axis=2) / (t[neg] ** 2).sum()
        return ((rel_pos < tol).sum(axis=1) + (rel_neg < tol).sum(axis=1)).astype(np.int64)
    rel = sq.sum(axis=2) / (t**2).sum()
    return (rel < tol).sum(axis=1).astype(np.int64)

"""Random projections: Johnson-Lindenstrauss dimensions and per-pair distortion bounds."""

from __future__ import annotations

import math

import numpy as np

from theory._validation import as_rng, check_int, check_real

__all__ = ["jl_min_dim", "jl_pair_failure_bound", "gaussian_projection_distortion"]

DASGUPTA_GUPTA = (
    "Dasgupta, S. and Gupta, A. (2003). An elementary proof of a theorem of Johnson and "
    "Lindenstrauss. Random Structures & Algorithms 22(1), 60-65. doi:10.1002/rsa.10073"
)


def _check_eps(eps: float) -> float:
    return check_real(eps, "eps", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)


def jl_min_dim(*, n_points: int, eps: float) -> int:
    r"""Target dimension that the Johnson-Lindenstrauss lemma guarantees suffices.

    .. math:: k \ge \frac{4 \ln n}{\varepsilon^2/2 - \varepsilon^3/3}

    For this ``k`` a random Gaussian projection :math:`f(u) = Ru/\sqrt{k}` keeps every squared
    pairwise distance of ``n`` points within a factor :math:`1 \pm \varepsilon` with probability
    at least :math:`1/n`; each single pair fails with probability at most :math:`2/n^2`
    (see :func:`jl_pair_failure_bound`).

    Parameters
    ----------
    n_points : int
        Number of points, ``n_points >= 2``.
    eps : float
        Distortion, ``0 < eps < 1``.

    Returns
    -------
    int
        The smallest integer ``k`` satisfying the inequality.

    Examples
    --------
    >>> jl_min_dim(n_points=1000, eps=0.1)
    5921

    References
    ----------
    .. [1] Dasgupta, S. and Gupta, A. (2003). "An elementary proof of a theorem of Johnson and
       Lindenstrauss." Random Structures & Algorithms 22(1), 60-65. doi:10.1002/rsa.10073
    """
    n_points = check_int(n_points, "n_points", minimum=2)
    eps = _check_eps(eps)
    return int(math.ceil(4.0 * math.log(n_points) / (eps**2 / 2.0 - eps**3 / 3.0)))


def jl_pair_failure_bound(*, k: int, eps: float) -> float:
    r"""Chernoff bound on the chance that a Gaussian projection distorts one pair by more than eps.

    For :math:`R \in \mathbb{R}^{k \times d}` with iid :math:`N(0,1)` entries and any fixed
    :math:`u \ne 0`, :math:`L = \lVert Ru\rVert^2/(k\lVert u\rVert^2) \sim \chi^2_k/k` and

    .. math::
        P(|L - 1| > \varepsilon) \le e^{\frac{k}{2}(\varepsilon + \ln(1-\varepsilon))}
        + e^{\frac{k}{2}(-\varepsilon + \ln(1+\varepsilon))}
        \le e^{-k\varepsilon^2/4} + e^{-k(\varepsilon^2/2 - \varepsilon^3/3)/2},

    which is at most :math:`2/n^2` when ``k >= jl_min_dim(n_points=n, eps=eps)``
    (Dasgupta & Gupta 2003, Lemma 2.2 and the proof of Theorem 2.1).

    Parameters
    ----------
    k : int
        Target dimension, ``k >= 1``.
    eps : float
        Distortion, ``0 < eps < 1``.

    Returns
    -------
    float
        The bound (the first, sharper form above).

    Examples
    --------
    >>> n = 50
    >>> jl_pair_failure_bound(k=jl_min_dim(n_points=n, eps=0.5), eps=0.5) <= 2 / n**2
    True

    References
    ----------
    .. [1] Dasgupta, S. and Gupta, A. (2003). "An elementary proof of a theorem of Johnson and
       Lindenstrauss." Random Structures & Algorithms 22(1), 60-65. doi:10.1002/rsa.10073
    """
    k = check_int(k, "k", minimum=1)
    eps = _check_eps(eps)
    lower = math.exp(0.5 * k * (eps + math.log1p(-eps)))
    upper = math.exp(0.5 * k * (-eps + math.log1p(eps)))
    return min(1.0, lower + upper)


def gaussian_projection_distortion(*, dim: int, k: int, rng=None, n_pairs: int = 1) -> np.ndarray:
    r"""Simulate the squared-distance distortion of random pairs under a Gaussian projection.

    Draws a projection :math:`R \in \mathbb{R}^{k\times dim}` with iid :math:`N(0, 1)` entries
    and ``n_pairs`` pairs of standard Gaussian points :math:`u, v \in \mathbb{R}^{dim}`, and
    returns :math:`\bigl|\lVert R(u-v)\rVert^2 / (k\lVert u-v\rVert^2) - 1\bigr|` per pair.

    Parameters
    ----------
    dim : int
        Ambient dimension of the points.
    k : int
        Target dimension.
    rng : Generator or int, optional
    n_pairs : int
        Number of pairs (all through the same ``R``).

    Returns
    -------
    ndarray, shape (n_pairs,)

    Examples
    --------
    >>> gaussian_projection_distortion(dim=20, k=400, rng=0, n_pairs=3).max() < 0.5
    True
    """
    dim = check_int(dim, "dim", minimum=1)
    k = check_int(k, "k", minimum=1)
    n_pairs = check_int(n_pairs, "n_pairs", minimum=1)
    gen = as_rng(rng)
    R = gen.standard_normal((k, dim))
    diff = gen.standard_normal((dim, n_pairs)) - gen.standard_normal((dim, n_pairs))
    ratio = np.sum((R @ diff) ** 2, axis=0) / (k * np.sum(diff**2, axis=0))
    return np.abs(ratio - 1.0)

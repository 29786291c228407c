"""Lower bounds on the coherence of ``n`` unit vectors in ``R^dim``."""

from __future__ import annotations

import math

import sympy as sp

from theory._results import Bound
from theory._validation import check_int

__all__ = ["welch_bound"]

WELCH_CITATION = (
    "Welch, L. R. (1974). Lower bounds on the maximum cross correlation of signals. "
    "IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219; "
    "see also Fickus & Mixon (2015), Tables of the existence of equiangular tight frames, "
    "arXiv:1504.00253"
)


def _check_n_dim(n: int, dim: int) -> tuple[int, int]:
    return check_int(n, "n", minimum=1), check_int(dim, "dim", minimum=1)


def welch_bound(*, n: int, dim: int) -> Bound:
    r"""Welch lower bound on the coherence of ``n`` unit vectors in :math:`\mathbb{R}^{dim}`.

    .. math:: \mu \ge \sqrt{\frac{n - dim}{dim\,(n - 1)}}, \qquad n > dim,

    with equality exactly for equiangular tight frames. It follows from
    :math:`n + n(n-1)\mu^2 \ge \lVert W^\top W\rVert_F^2 \ge n^2/dim`
    (see ``proofs/welch.py``). For ``n <= dim`` orthonormal vectors exist, so the bound is the
    trivial 0 and ``valid`` is False.

    Parameters
    ----------
    n : int
        Number of vectors (features), ``n >= 1``.
    dim : int
        Ambient dimension, ``dim >= 1``.

    Returns
    -------
    Bound
        ``value`` is the bound; ``exact`` the sympy closed form.

    Examples
    --------
    >>> b = welch_bound(n=4, dim=3)
    >>> round(b.value, 6), b.exact
    (0.333333, 1/3)

    References
    ----------
    .. [1] Welch, L. R. (1974). "Lower bounds on the maximum cross correlation of signals."
       IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219
    .. [2] Fickus, M. and Mixon, D. G. (2015). "Tables of the existence of equiangular tight
       frames." arXiv:1504.00253
    """
    n, dim = _check_n_dim(n, dim)
    params = {"n": n, "dim": dim}
    if n <= dim:
        return Bound(0.0, "welch", WELCH_CITATION, kind="lower", quantity="coherence",
                     valid=False, condition="n > dim", params=params, exact=sp.Integer(0))
    exact = sp.sqrt(sp.Rational(n - dim, dim * (n - 1)))
    value = math.sqrt((n - dim) / (dim * (n - 1)))
    return Bound(value, "welch", WELCH_CITATION, kind="lower", quantity="coherence",
                 valid=True, condition="n > dim", params=params, exact=exact)

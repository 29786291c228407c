"""Citations and small helpers shared inside ``theory.interference``."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from theory._references import cite

DONOHO_ELAD = cite("donoho_elad2003")
ALMT = cite("amelunxen2014")
BDDW = cite("baraniuk2008")


def offdiag_abs_max(G: NDArray[np.float64]) -> float:
    """Largest ``|G_ij|`` with ``i != j`` (0 for a 1x1 matrix)."""
    n = G.shape[0]
    if n < 2:
        return 0.0
    A = np.abs(G)
    np.fill_diagonal(A, -np.inf)
    return float(A.max())


def topk_sum(A: NDArray[np.float64], k: int, axis: int = 0) -> NDArray[np.float64]:
    """Sum of the ``k`` largest entries of ``A`` along ``axis`` (``k`` <= size along axis)."""
    m = A.shape[axis]
    if k <= 0:
        shape = list(A.shape)
        del shape[axis]
        return np.zeros(shape)
    if k >= m:
        return A.sum(axis=axis)
    part = np.partition(A, m - k, axis=axis)
    return np.take(part, np.arange(m - k, m), axis=axis).sum(axis=axis)

"""Citations and small helpers shared inside ``theory.interference``."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

DONOHO_ELAD = (
    "Donoho, D. L. and Elad, M. (2003). Optimally sparse representation in general "
    "(nonorthogonal) dictionaries via l1 minimization. PNAS 100(5), 2197-2202. "
    "doi:10.1073/pnas.0437847100"
)
TROPP_2004 = (
    "Tropp, J. A. (2004). Greed is good: algorithmic results for sparse approximation. "
    "IEEE Trans. Inf. Theory 50(10), 2231-2242. doi:10.1109/TIT.2004.834793"
)
CAI_ZHANG = (
    "Cai, T. T. and Zhang, A. (2014). Sparse representation of a polytope and recovery of sparse "
    "signals and low-rank matrices. IEEE Trans. Inf. Theory 60(1), 122-132. arXiv:1306.1154"
)
DASPREMONT_2008 = (
    "d'Aspremont, A., Bach, F. and El Ghaoui, L. (2008). Optimal solutions for sparse principal "
    "component analysis. JMLR 9, 1269-1294. arXiv:0707.0705; d'Aspremont, A. and El Ghaoui, L. "
    "(2011). Testing the nullspace property using semidefinite programming. Math. Program. "
    "127, 123-144. arXiv:0807.3520"
)
ALMT = (
    "Amelunxen, D., Lotz, M., McCoy, M. B. and Tropp, J. A. (2014). Living on the edge: phase "
    "transitions in convex programs with random data. Information and Inference 3(3), 224-294. "
    "arXiv:1303.6672"
)
DONOHO_TANNER = (
    "Donoho, D. L. and Tanner, J. (2009). Counting faces of randomly projected polytopes when "
    "the projection radically lowers dimension. J. AMS 22(1), 1-53. arXiv:math/0607364"
)
DMM_2009 = (
    "Donoho, D. L., Maleki, A. and Montanari, A. (2009). Message-passing algorithms for "
    "compressed sensing. PNAS 106(45), 18914-18919. arXiv:0907.3574"
)
BDDW = (
    "Baraniuk, R., Davenport, M., DeVore, R. and Wakin, M. (2008). A simple proof of the "
    "restricted isometry property for random matrices. Constructive Approximation 28(3), "
    "253-263. doi:10.1007/s00365-007-9003-x"
)
ACHLIOPTAS = (
    "Achlioptas, D. (2003). Database-friendly random projections: Johnson-Lindenstrauss with "
    "binary coins. J. Comput. Syst. Sci. 66(4), 671-687. doi:10.1016/S0022-0000(03)00025-4"
)
ELHAGE_2022 = "Elhage, N. et al. (2022). Toy models of superposition. Transformer Circuits Thread. arXiv:2209.10652"


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

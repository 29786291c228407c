r"""Frame potential: :math:`FP = \lVert W^\top W\rVert_F^2 \ge n^2/d` for n unit vectors in
:math:`\mathbb{R}^d` (n >= d), with equality exactly for unit-norm tight frames.

:math:`FP = \lVert W^\top W\rVert_F^2 = \lVert W W^\top\rVert_F^2 = \sum_k \lambda_k^2` where
:math:`\lambda_k` are the eigenvalues of the frame operator :math:`S = W W^\top` (trace n). By
Lagrange's identity :math:`d\sum\lambda_k^2 - (\sum\lambda_k)^2 = \sum_{k<l}(\lambda_k - \lambda_l)^2
\ge 0`, so :math:`FP \ge n^2/d`, with equality iff all :math:`\lambda_k = n/d`, i.e.
:math:`S = (n/d) I` (tight).

Reference: Benedetto, J. J. and Fickus, M. (2003). Finite normalized tight frames. Adv. Comput.
Math. 18, 357-385. doi:10.1023/A:1021323312367
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the frame-potential inequality and its equality case, checking each step."""
    D = Derivation(
        name="frame_potential",
        statement="||W^T W||_F^2 >= n^2/d for n unit vectors in R^d, equality iff W W^T = (n/d) I",
        citation=cite("benedetto_fickus2003"),
    )
    # Step 1: ||W^T W||_F^2 = ||W W^T||_F^2 = tr((W W^T)^2) on a symbolic 2 x 3 frame.
    w = sp.Matrix(2, 3, sp.symbols("w0:6", real=True))
    lhs = sum(x**2 for x in (w.T * w))
    rhs = ((w * w.T) ** 2).trace()
    D.equal("||W^T W||_F^2 = tr((W W^T)^2) (symbolic 2 x 3 frame)", sp.expand(lhs), sp.expand(rhs))
    # Step 2: Lagrange's identity for d = 2..5 eigenvalues.
    for d in range(2, 6):
        lam = sp.symbols(f"l1:{d + 1}", real=True)
        D.equal(
            f"Lagrange identity, d = {d}: d sum l^2 - (sum l)^2 = sum_(k<l) (l_k - l_l)^2",
            d * sum(x**2 for x in lam) - sum(lam) ** 2,
            sum((lam[i] - lam[j]) ** 2 for i in range(d) for j in range(i + 1, d)),
        )
    # Step 3: with sum l = n, FP >= n^2/d; equality iff all l_k = n/d.
    n, d = sp.symbols("n d", positive=True)
    D.equal("all eigenvalues n/d give FP = d (n/d)^2 = n^2/d", d * (n / d) ** 2, n**2 / d)
    # Step 4: exact check on the regular simplex in R^3 (tight, 4 vectors): FP = 16/3.
    from theory.geometry import simplex

    W = sp.Matrix(simplex(3)).applyfunc(lambda x: sp.nsimplify(x, [sp.sqrt(2), sp.sqrt(3), sp.sqrt(6)]))
    G = sp.simplify(W.T * W)
    fp = sp.simplify(sum(x**2 for x in G))
    D.equal("the simplex in R^3 (a tight frame, exact coordinates) has FP = 16/3 = n^2/d", fp, sp.Rational(16, 3))
    # Step 5: a non-tight unit frame is strictly above: e1, e2, (e1+e2)/sqrt2 in R^2.
    V = sp.Matrix([[1, 0, 1 / sp.sqrt(2)], [0, 1, 1 / sp.sqrt(2)]])
    fpv = sp.simplify(sum(x**2 for x in V.T * V))
    D.step("a non-tight frame (e1, e2, (e1+e2)/sqrt 2) has FP = 5 > 9/2 = n^2/d", sp.Gt(fpv, sp.Rational(9, 2)))
    D.result = n**2 / d
    return D

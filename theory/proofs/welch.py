r"""The Welch bound from the frame-potential inequality.

For unit vectors :math:`w_1, \dots, w_n \in \mathbb{R}^d` with Gram matrix :math:`G` and
coherence :math:`\mu`:

1. :math:`FP = \lVert G\rVert_F^2 = n + \sum_{i\ne j} G_{ij}^2 \le n + n(n-1)\mu^2`;
2. :math:`G \succeq 0` has rank at most :math:`d` and trace :math:`n`, so by Cauchy-Schwarz on its
   non-zero eigenvalues :math:`FP = \sum \lambda_k^2 \ge (\sum\lambda_k)^2/d = n^2/d`
   (Lagrange's identity :math:`d\sum\lambda_k^2 - (\sum\lambda_k)^2 = \sum_{k<l}(\lambda_k-\lambda_l)^2`);
3. hence :math:`\mu^2 \ge (n - d)/(d(n-1))`, with equality iff both steps are tight: all
   :math:`|G_{ij}| = \mu` (equiangular) and all non-zero eigenvalues equal (tight): an ETF.

References: Welch (1974), doi:10.1109/TIT.1974.1055219; Fickus & Mixon (2015), arXiv:1504.00253.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the Welch bound step by step, checking each step with sympy."""
    n, d = sp.symbols("n d", positive=True, integer=True)
    mu = sp.symbols("mu", nonnegative=True)
    D = Derivation(
        name="welch",
        statement="mu^2 >= (n - d) / (d (n - 1)) for n unit vectors in R^d, n > d; equality iff ETF",
        citation=(cite("welch1974", "fickus_mixon2015", "benedetto_fickus2003")),
    )
    # Step 1: upper bound of the frame potential by the coherence, checked on a symbolic Gram.
    m = 4
    g = sp.symbols(f"g_0:{m * (m - 1) // 2}", real=True)
    G = sp.eye(m)
    it = iter(g)
    for i in range(m):
        for j in range(i + 1, m):
            G[i, j] = G[j, i] = next(it)
    fp = sum(G[i, j] ** 2 for i in range(m) for j in range(m))
    D.equal(
        "frame potential of a unit-norm Gram (n = 4 shown) = n + sum of off-diagonal squares",
        fp,
        m + 2 * sum(x**2 for x in g),
    )
    slack = (m + m * (m - 1) * mu**2) - fp
    D.step(
        "each |G_ij| <= mu gives FP <= n + n(n-1) mu^2: the slack is a sum of 2(mu^2 - g_ij^2) >= 0",
        sp.Eq(sp.expand(slack), sp.expand(2 * sum(mu**2 - x**2 for x in g))),
        holds=sp.expand(slack - 2 * sum(mu**2 - x**2 for x in g)) == 0,
        how="expand(slack - 2 sum(mu^2 - g_ij^2)) == 0",
    )
    # Step 2: Lagrange's identity for d = 1..6 eigenvalues (the Cauchy-Schwarz step).
    for dd in range(1, 7):
        lam = sp.symbols(f"lambda_1:{dd + 1}", real=True)
        lhs = dd * sum(x**2 for x in lam) - sum(lam) ** 2
        rhs = sum((lam[i] - lam[j]) ** 2 for i in range(dd) for j in range(i + 1, dd))
        D.equal(f"Lagrange identity, rank {dd}: d sum(l^2) - (sum l)^2 = sum_(k<l)(l_k - l_l)^2 >= 0", lhs, rhs)
    # Step 3: combine n + n(n-1) mu^2 >= FP >= n^2/d and solve for mu^2.
    mu2_min = sp.solve(sp.Eq(n + n * (n - 1) * mu**2, n**2 / d), mu**2)[0]
    welch_sq = (n - d) / (d * (n - 1))
    D.equal("solving n + n(n-1) mu^2 = n^2/d for mu^2 gives the Welch bound squared", mu2_min, welch_sq)
    k = sp.Symbol("k", nonnegative=True, integer=True)
    D.equal(
        "with n = d + 1 + k (k >= 0) the bound squared is (k + 1)/(d (d + k)) > 0",
        welch_sq.subs(n, d + 1 + k),
        (k + 1) / (d * (d + k)),
    )
    # Step 4: the regular simplex (an ETF with n = d + 1 and cosines -1/d) attains the bound.
    D.equal("the simplex ETF (n = d + 1, mu = 1/d) attains it", sp.sqrt(welch_sq.subs(n, d + 1)), 1 / d)
    # Step 5: the library's closed form agrees exactly.
    from theory.geometry import welch_bound

    ok = all(
        sp.simplify(welch_bound(n=nn, dim=dd).exact ** 2 - welch_sq.subs({n: nn, d: dd})) == 0
        for dd in range(1, 8)
        for nn in range(dd + 1, 3 * dd + 3)
    )
    D.step(
        "theory.geometry.welch_bound(n, dim).exact squared equals (n - d)/(d(n - 1)) for 1 <= d <= 7, d < n <= 3d + 2",
        sp.Eq(mu**2, welch_sq),
        holds=ok,
        how="exact comparison",
    )
    D.result = sp.sqrt(welch_sq)
    return D

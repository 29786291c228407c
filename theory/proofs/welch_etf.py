r"""Welch equality iff equiangular tight frame, checked exactly on constructions.

The Welch bound comes from :math:`n + n(n-1)\mu^2 \ge FP \ge n^2/d`. Equality in the first step
holds iff every :math:`|G_{ij}| = \mu` (equiangular); in the second iff the frame is tight (see
``proofs/frame_potential.py``). So :math:`\mu` equals the Welch bound iff the frame is an ETF.
Here we check the identities exactly: the Paley Gram matrix :math:`I + C/\sqrt q` is idempotent up
to a factor 2 (so rank (q+1)/2, tight) with off-diagonal moduli :math:`1/\sqrt q` = Welch, and the
Steiner (Fano) Gram matrix has entries exactly :math:`\pm 1/3` = Welch for (n, d) = (28, 7).

References: Welch (1974) doi:10.1109/TIT.1974.1055219; Strohmer & Heath (2003)
doi:10.1016/S1063-5203(03)00023-X; Fickus, Mixon, Tremain (2012) arXiv:1009.5730.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def _legendre(a: int, q: int) -> int:
    a %= q
    return 0 if a == 0 else (1 if pow(a, (q - 1) // 2, q) == 1 else -1)


def derive() -> Derivation:
    """Check Welch equality for ETFs exactly (Paley q = 5, 13; Steiner Fano)."""
    D = Derivation(
        name="welch_etf",
        statement="mu = Welch bound iff the frame is equiangular and tight; Paley and Steiner ETFs attain it",
        citation=cite("welch1974", "strohmer_heath2003", "fickus2012"),
    )
    n, d, mu = sp.symbols("n d mu", positive=True)
    D.equal(
        "equality n + n(n-1) mu^2 = n^2/d gives mu^2 = (n-d)/(d(n-1))",
        sp.solve(sp.Eq(n + n * (n - 1) * mu**2, n**2 / d), mu**2)[0],
        (n - d) / (d * (n - 1)),
    )
    for q in (5, 13):
        m = q + 1
        C = sp.zeros(m, m)
        for j in range(1, m):
            C[0, j] = C[j, 0] = 1
        for i in range(q):
            for j in range(q):
                if i != j:
                    C[i + 1, j + 1] = _legendre(j - i, q)
        D.step(
            f"Paley conference matrix (q = {q}) is symmetric with C^2 = q I",
            sp.Eq(C * C, q * sp.eye(m)),
            holds=C == C.T and (C * C - q * sp.eye(m)).is_zero_matrix,
            how="exact integer matrix product",
        )
        G = sp.eye(m) + C / sp.sqrt(q)
        D.step(
            f"G = I + C/sqrt(q) satisfies G^2 = 2 G (eigenvalues 0 and 2, q = {q})",
            sp.Eq(G * G, 2 * G),
            holds=(G * G - 2 * G).applyfunc(sp.expand).is_zero_matrix,
            how="exact product with sqrt(q)",
        )
        D.equal(f"trace G = {m} = 2 rank G, so rank G = {m // 2} = d", G.trace(), 2 * (m // 2))
        welch = sp.sqrt(sp.Rational(m - m // 2, (m // 2) * (m - 1)))
        D.equal(
            f"every off-diagonal |G_ij| = 1/sqrt({q}) equals the Welch bound for (n, d) = ({m}, {m // 2})",
            1 / sp.sqrt(q),
            welch,
        )
    from theory.geometry import steiner_etf

    W = steiner_etf("fano")
    G3 = sp.Matrix((3 * W.T @ W).round().astype(int))
    off = {abs(G3[i, j]) for i in range(28) for j in range(28) if i != j}
    D.step(
        "Steiner ETF (Fano): 3 G has integer entries, diagonal 3 and off-diagonal moduli {1}",
        sp.Eq(sp.FiniteSet(*off), sp.FiniteSet(1)),
        holds=off == {1}
        and all(G3[i, i] == 3 for i in range(28))
        and bool(abs(3 * W.T @ W - (3 * W.T @ W).round()).max() < 1e-12),
        how="exact integer Gram after scaling",
    )
    D.equal("1/3 equals the Welch bound for (n, d) = (28, 7)", sp.Rational(1, 3), sp.sqrt(sp.Rational(28 - 7, 7 * 27)))
    D.result = sp.sqrt((n - d) / (d * (n - 1)))
    return D

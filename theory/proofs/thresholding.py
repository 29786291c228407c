r"""One-pass thresholding recovers every k-sparse support when x_min/x_max > (2k-1)mu; tightness.

Setting: unit atoms :math:`d_1,\dots,d_n` with coherence :math:`\mu`, a ``k``-sparse code ``x`` on
support ``S`` with :math:`x_{\min} \le |x_i| \le x_{\max}` on ``S``, signal :math:`y = Dx`.
Thresholding keeps the ``k`` largest :math:`|\langle d_j, y\rangle|`.

1. On the support: :math:`|\langle d_i, y\rangle| \ge |x_i| - \sum_{l\ne i}|\langle d_i,d_l\rangle||x_l|
   \ge x_{\min} - (k-1)\mu x_{\max}` (triangle inequality, then each of the ``k-1`` terms is at most
   :math:`\mu x_{\max}`; checked as: the slack is a sum of nonnegative symbols).
2. Off the support: :math:`|\langle d_j, y\rangle| \le \sum_{l\in S}\mu|x_l| \le k\mu x_{\max}`.
3. Hence the gap is at least :math:`x_{\min} - (2k-1)\mu x_{\max} > 0` when
   :math:`x_{\min}/x_{\max} > (2k-1)\mu`.
4. Comparing atom ``i`` with an off-support atom directly (the term :math:`\mu|x_i|` is common)
   gives the sharper threshold :math:`2(k-1)\mu/(1-\mu) = (2k-1)\mu - \mu(1-(2k-1)\mu)/(1-\mu)`.
5. Tightness: the Gram matrix :math:`G_{0i} = \mu` (:math:`i \in S`), :math:`G_{1i} = -\mu`
   (:math:`i = 2..k`), zero elsewhere, is positive definite when :math:`(2k-1)\mu < 1` (its
   determinant is :math:`(1+\mu)(1 - \mu - 2(k-1)\mu^2)`) and the code
   :math:`x = (0, x_{\min}, x_{\max}, \dots)` attains both bounds of step 4 with equality: the
   on-support minus off-support correlation is exactly :math:`(1-\mu)x_{\min} - 2(k-1)\mu x_{\max}`,
   zero at the sharp threshold and negative below it, so thresholding fails just below it while
   OMP succeeds ((2k-1)mu < 1, Tropp 2004).

Sources: the coherence form of the worst-case thresholding condition, as in Schnass &
Vandergheynst (2008); Gribonval, Rauhut, Schnass & Vandergheynst (2008) express their worst-case
conditions with the cumulative coherence :math:`\mu_1(m) \le m\mu`. The equivalent form
:math:`k < \tfrac12(1 + \tfrac{1}{\mu}\,x_{\min}/x_{\max})` is the usual textbook statement. The
derivation below proves it from first principles; the sharp form and the witness are elementary
additions checked here.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def _witness_gram(k: int, mu: sp.Expr) -> sp.Matrix:
    n = k + 1
    G = sp.eye(n)
    for i in range(1, n):
        G[0, i] = G[i, 0] = mu
    for i in range(2, n):
        G[1, i] = G[i, 1] = -mu
    return G


def derive() -> Derivation:
    """Derive the thresholding recovery condition and its tightness, checking each step."""
    mu, xmin, xmax = sp.symbols("mu x_min x_max", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    a, b, c, e, s = sp.symbols("a b c e s", nonnegative=True)
    D = Derivation(
        name="thresholding",
        statement=(
            "one-pass thresholding recovers every k-sparse support of a dictionary with coherence "
            "mu when x_min/x_max > (2k-1) mu; the sharp form 2(k-1)mu/(1-mu) <= (2k-1)mu is attained"
        ),
        citation=(cite("schnass2008", "gribonval2008", "tropp2004")),
    )
    # 1. on-support lower bound: |x_i| = x_min + a, interference sum = (k-1) mu x_max - b (a, b >= 0)
    on = (xmin + a) - ((k - 1) * mu * xmax - b)
    slack_on = sp.expand(on - (xmin - (k - 1) * mu * xmax))
    D.step(
        "on support: |<d_i,y>| >= |x_i| - sum_{l != i} mu |x_l| >= x_min - (k-1) mu x_max "
        "(slack a + b, a = |x_i| - x_min, b = sum of mu(x_max - |x_l|) + (mu - |G_il|)|x_l|)",
        sp.Ge(on, xmin - (k - 1) * mu * xmax, evaluate=False),
        holds=bool(slack_on.is_nonnegative) and slack_on == a + b,
        how="slack is a sum of nonnegative symbols",
    )
    # 2. off-support upper bound: sum_l |G_jl||x_l| = k mu x_max - c, c >= 0
    off = k * mu * xmax - c
    slack_off = sp.expand(k * mu * xmax - off)
    D.step(
        "off support: |<d_j,y>| <= sum_{l in S} mu |x_l| <= k mu x_max (slack c >= 0)",
        sp.Le(off, k * mu * xmax, evaluate=False),
        holds=bool(slack_off.is_nonnegative),
        how="slack is a nonnegative symbol",
    )
    # 3. gap and the condition
    gap = sp.expand((xmin - (k - 1) * mu * xmax) - k * mu * xmax)
    D.equal("the worst-case gap is x_min - (2k-1) mu x_max", gap, xmin - (2 * k - 1) * mu * xmax)
    r = (2 * k - 1) * mu + e  # ratio above the threshold by e > 0
    g_at = sp.expand(gap.subs(xmin, r * xmax))
    D.step(
        "with x_min = ((2k-1) mu + e) x_max, e > 0, the gap is e x_max > 0: the top k are the support",
        sp.Eq(g_at, e * xmax),
        holds=sp.simplify(g_at - e * xmax) == 0,
        how="expand",
    )
    # 4. sharp form: atom i vs atom j, common term mu|x_i| moved over
    sharp = 2 * (k - 1) * mu / (1 - mu)
    D.equal(
        "comparing atom i with atom j directly: (1 - mu) x_min > 2 (k-1) mu x_max, i.e. ratio > 2(k-1)mu/(1-mu)",
        sp.solve(sp.Eq((1 - mu) * sp.Symbol("rho") - 2 * (k - 1) * mu, 0), sp.Symbol("rho"))[0],
        sharp,
    )
    D.equal(
        "(2k-1) mu - 2(k-1) mu/(1-mu) = mu (1 - (2k-1) mu)/(1 - mu)",
        (2 * k - 1) * mu - sharp,
        mu * (1 - (2 * k - 1) * mu) / (1 - mu),
    )
    j = sp.Symbol("j", integer=True, nonnegative=True)  # k = j + 1 >= 1
    diff_pos = sp.simplify((mu * (1 - (2 * k - 1) * mu) / (1 - mu)).subs(mu, 1 / (2 * k - 1 + s + 1)).subs(k, j + 1))
    D.step(
        "so the sharp threshold is below (2k-1) mu whenever (2k-1) mu < 1 (mu = 1/(2k + s), s >= 0, k = j + 1)",
        sp.Ge(diff_pos, 0, evaluate=False),
        holds=bool(sp.factor(diff_pos).is_nonnegative),
        how="sign of factored form",
    )
    # 5. tightness on the witness, for k = 2..6
    ok_det, ok_pd, ok_corr = True, True, True
    for kk in range(2, 7):
        G = _witness_gram(kk, mu)
        det = sp.factor(G.det())
        ok_det &= sp.simplify(det - (1 + mu) * (1 - mu - 2 * (kk - 1) * mu**2)) == 0
        # positive definite for mu < 1/(2k-1): every leading minor positive at mu = 1/(2k-1+t), t > 0
        t = sp.Symbol("t", positive=True)
        for m in range(1, kk + 2):
            minor = sp.factor(sp.simplify(G[:m, :m].det().subs(mu, 1 / (2 * kk - 1 + t))))
            ok_pd &= bool(minor.is_positive)
        x = sp.Matrix([0, xmin] + [xmax] * (kk - 1))
        corr = G * x
        ok_corr &= sp.expand(corr[1] - (xmin - (kk - 1) * mu * xmax)) == 0
        ok_corr &= sp.expand(corr[0] - (mu * xmin + (kk - 1) * mu * xmax)) == 0
        ok_corr &= all(sp.expand(corr[i] - (xmax - mu * xmin)) == 0 for i in range(2, kk + 1))
        gap_w = sp.expand(corr[1] - corr[0])
        ok_corr &= sp.expand(gap_w - ((1 - mu) * xmin - 2 * (kk - 1) * mu * xmax)) == 0
        ok_corr &= sp.simplify(gap_w.subs(xmin, sharp.subs(k, kk) * xmax)) == 0
    D.step(
        "witness Gram (k = 2..6): det = (1 + mu)(1 - mu - 2(k-1) mu^2)",
        sp.true,
        holds=bool(ok_det),
        how="factor(det) vs closed form",
    )
    D.step(
        "witness Gram (k = 2..6) is positive definite for mu < 1/(2k-1): leading minors positive",
        sp.true,
        holds=bool(ok_pd),
        how="minors at mu = 1/(2k-1+t), t > 0",
    )
    D.step(
        "witness correlations attain both bounds of step 4; the gap (1-mu)x_min - 2(k-1)mu x_max vanishes "
        "at the sharp ratio (k = 2..6)",
        sp.true,
        holds=bool(ok_corr),
        how="expand",
    )
    # 6. the library agrees
    from theory.sparse_coding.certificates import thresholding_condition, thresholding_witness

    ok_lib = True
    for kk, m in [(2, sp.Rational(1, 5)), (3, sp.Rational(1, 10)), (4, sp.Rational(1, 20))]:
        w = thresholding_witness(k=kk, mu=float(m))
        Gnum = w.dictionary.T @ w.dictionary
        ok_lib &= bool(np.allclose(Gnum, np.array(_witness_gram(kk, m), dtype=float), atol=1e-12))
        ok_lib &= abs(w.sharp - float(sharp.subs({k: kk, mu: m}))) < 1e-12 and w.fails
        ok_lib &= not thresholding_witness(k=kk, mu=float(m), ratio=min(1.0, 1.01 * w.sharp)).fails
        cnd = thresholding_condition(w.dictionary, k=kk)
        ok_lib &= abs(cnd.value - float((2 * kk - 1) * m)) < 1e-12 and cnd.valid
    D.step(
        "theory.sparse_coding.certificates: the witness has the Gram above, fails below and succeeds "
        "above the sharp ratio, and thresholding_condition returns (2k-1) mu",
        sp.true,
        holds=bool(ok_lib),
        how="numerical vs exact",
    )
    D.result = sp.Gt(sp.Symbol("x_min") / sp.Symbol("x_max"), (2 * k - 1) * mu)
    return D

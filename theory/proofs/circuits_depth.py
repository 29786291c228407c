r"""The pieces of the depth union bound for compiled circuits with dedicated correction.

1. The dedicated correction :math:`c(z) = \mathrm{ReLU}(2(z - 1/4)) - \mathrm{ReLU}(2(z - 3/4))`
   returns 0 for every :math:`z \le 1/4` and 1 for every :math:`z \ge 3/4`, and neither value
   in between: a node is reset exactly iff its error stays on the right side of the threshold.
2. A gate with one nonlinear monomial reads :math:`z = u + c\,e` (``u`` the stored truth, ``c``
   the monomial's coefficient, ``e`` the U-AND read-off error), so it fails exactly when
   :math:`u = 0, c e > 1/4` or :math:`u = 1, c e < -1/4`.
3. The probability of a one-sided read-off error, :math:`\sum_n P(N = n) P(S_n > n(y + t))` with
   :math:`N \sim \mathrm{Bin}(d, p^k)` and :math:`S_n` a sum of ``n`` iid
   :math:`f(X) = \max(j + X - (k-1), 0)`, :math:`X \sim \mathrm{Bin}(s', p)`, equals, as a
   polynomial in ``p``, the probability obtained by enumerating every 0/1 weight matrix of the
   relevant columns (small cases, exact in sympy), including ``j = 0`` (neither input on).

The union bound itself (the first inexact layer has a failing gate whose inputs were exact, the
stages' weights are independent) is in ``theory/circuits/depth.py``.
"""

from __future__ import annotations

import itertools

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def _clip(z):
    return sp.Max(2 * (z - sp.Rational(1, 4)), 0) - sp.Max(2 * (z - sp.Rational(3, 4)), 0)


def _formula(p, d, k, j, s_other, t, side):
    """Mixture over the covering count N of the n-fold convolution, symbolic in p."""
    y = int(j == k)
    pf: dict[int, sp.Expr] = {}
    for x in range(s_other + 1):
        v = max(j + x - (k - 1), 0)
        pf[v] = pf.get(v, 0) + sp.binomial(s_other, x) * p**x * (1 - p) ** (s_other - x)
    q = p**k
    total = sp.Integer(0)
    if (side == "above" and -y > t) or (side == "below" and y > t):
        total += (1 - q) ** d
    conv = {0: sp.Integer(1)}
    for n in range(1, d + 1):
        nxt: dict[int, sp.Expr] = {}
        for a, wa in conv.items():
            for b, wb in pf.items():
                nxt[a + b] = nxt.get(a + b, 0) + wa * wb
        conv = nxt
        if side == "above":
            tail = sum((w for sv, w in conv.items() if sv > n * (y + t)), sp.Integer(0))
        else:
            tail = sum((w for sv, w in conv.items() if sv < n * (y - t)), sp.Integer(0))
        total += sp.binomial(d, n) * q**n * (1 - q) ** (d - n) * tail
    return sp.expand(total)


def _enumerate(p, d, k, j, s_other, t, side):
    """Sum of the probabilities of the weight matrices whose read-off errs beyond t."""
    cols = k + s_other
    x = [1] * j + [0] * (k - j) + [1] * s_other
    y = int(j == k)
    total = sp.Integer(0)
    for bits in itertools.product((0, 1), repeat=d * cols):
        W = [bits[r * cols : (r + 1) * cols] for r in range(d)]
        acts, cov = [], 0
        for row in W:
            if all(row[:k]):
                cov += 1
                acts.append(max(sum(w * xi for w, xi in zip(row, x, strict=True)) - (k - 1), 0))
        e = (sp.Rational(sum(acts), cov) if cov else sp.Integer(0)) - y
        if (side == "above" and e > t) or (side == "below" and e < -t):
            ones = sum(bits)
            total += p**ones * (1 - p) ** (d * cols - ones)
    return sp.expand(total)


def derive() -> Derivation:
    """Check the correction's exactness, the failure conditions and the exact gate tails."""
    D = Derivation(
        name="circuits_depth",
        statement=(
            "Dedicated correction clip((z - 1/4)/(1/2), 0, 1) resets exactly iff the error "
            "is on the right side of 1/4; a gate u + c e fails iff u = 0, c e > 1/4 or "
            "u = 1, c e < -1/4; the exact one-sided read-off tail (mixture over coverage of "
            "n-fold convolutions) equals enumeration over all weight matrices"
        ),
        citation=cite("hanni2024", detail="U-AND, error correction"),
    )
    w = sp.Symbol("w", positive=True)
    D.equal("c(1/4 - w) = 0 for w > 0 (stored 0 with error below 1/4: reset to 0)", _clip(sp.Rational(1, 4) - w), 0)
    D.equal("c(1/4) = 0", _clip(sp.Rational(1, 4)), 0)
    D.equal("c(3/4 + w) = 1 for w > 0 (stored 1 with error above -1/4: reset to 1)", _clip(sp.Rational(3, 4) + w), 1)
    D.equal("c(3/4) = 1", _clip(sp.Rational(3, 4)), 1)
    v = sp.Symbol("v", positive=True)
    mid = _clip(sp.Rational(1, 4) + v).subs(v, sp.Rational(1, 8))
    D.equal("in between the output is fractional: c(3/8) = 1/4 (a failed reset)", mid, sp.Rational(1, 4))
    # failure conditions: z = u + c e crosses the threshold exactly when stated
    ok = True
    for u, c in itertools.product((0, 1), (1, -1, -2, 2)):
        for e in (sp.Rational(n, 16) for n in range(-20, 21)):
            z = u + c * e
            exact = _clip(z) == u
            fails = (u == 0 and c * e > sp.Rational(1, 4)) or (u == 1 and c * e < -sp.Rational(1, 4))
            ok &= bool(exact) == (not fails)
    D.step(
        "for u in {0, 1}, c in {1, -1, 2, -2} and e on a 1/16 grid of [-5/4, 5/4]: "
        "c(u + c e) != u iff (u = 0 and c e > 1/4) or (u = 1 and c e < -1/4)",
        ok,
        holds=ok,
        how="exhaustive check on a grid containing the thresholds",
    )
    p = sp.Symbol("p", positive=True)
    # (d, fan-in k, j of the gate's inputs on, s' other active inputs, side)
    cases = [
        (2, 2, 0, 2, "above"),
        (2, 2, 1, 2, "above"),
        (2, 2, 2, 1, "above"),
        (2, 2, 2, 1, "below"),
        (3, 2, 2, 1, "above"),
        (2, 3, 1, 2, "above"),
        (2, 3, 2, 1, "above"),
        (2, 3, 3, 1, "below"),
    ]
    t = sp.Rational(1, 4)
    for d, k, j, s_other, side in cases:
        D.equal(
            f"d={d}, fan-in {k}, {j} of the gate's inputs on, s'={s_other}: "
            f"P(error {'>' if side == 'above' else '<'} {'' if side == 'above' else '-'}1/4) "
            "by formula = by enumeration of all weight matrices",
            _formula(p, d, k, j, s_other, t, side),
            _enumerate(p, d, k, j, s_other, t, side),
        )
    # the implemented function agrees with the exact polynomial at a rational p
    from theory.circuits import uand_gate_error_prob

    poly = _formula(p, 3, 2, 1, 2, t, "above")
    num = uand_gate_error_prob(d=3, p=0.3, s=3, active=1, t=0.25)
    D.step(
        "uand_gate_error_prob(d=3, p=0.3, s=3, active=1, t=1/4) equals the exact polynomial at p = 3/10 (to 1e-12)",
        abs(float(poly.subs(p, sp.Rational(3, 10))) - num) < 1e-12,
        how="float comparison",
    )
    D.result = poly
    return D

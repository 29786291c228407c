r"""The naive baseline of the residual-MLP toy and the label noise its embedding induces.

Features :math:`x_i` are independent, active with probability ``p`` and then uniform on
:math:`[-1, 1]`; labels are :math:`y_i = x_i + \mathrm{ReLU}(x_i)`. The residual stream already
carries :math:`x`, so the MLP's target is :math:`\mathrm{ReLU}(x)`. A naive network with ``w``
ReLU neurons computes ``w`` of the ``n`` ReLUs exactly and nothing for the rest, each of which
costs :math:`E[\mathrm{ReLU}(x_i)^2] = p\int_0^1 t^2\,dt/2 = p/6`:

.. math::

    L_{\mathrm{naive}} = \frac{n - w}{n}\,\frac p6 \quad\text{(mean over features)}.

With a random embedding :math:`W_E` (unit columns), reading the residual back through
:math:`W_E^\top` adds :math:`Mx` with :math:`M = W_E^\top W_E - I`; a target shifted by
:math:`sMx` carries label noise of mean square

.. math::

    \frac1n E\lVert sMx\rVert^2 = \frac{s^2}{n}\sum_{i,j} M_{ij}^2 E[x_j^2] = s^2\,\frac p3\,
    \frac{\lVert M\rVert_F^2}{n},

since :math:`E[x_j x_k] = \delta_{jk}\,p/3`. ``theory.circuits.compressed_naive_loss`` and
``mixing_diagnostic`` evaluate both.

References: Braun, D., Bushnaq, L., Heimersheim, S., Mendel, J. and Sharkey, L. (2025).
Interpretability in parameter space. arXiv:2501.14926. Bhagat, J., Molas-Medina, S., Giglemiani, G.
and Heimersheim, S. (2026). Compressed computation is (probably) not computation in superposition.
arXiv:2606.14673.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the naive loss and the label-noise formula, checking each step with sympy."""
    D = Derivation(
        name="compressed_baseline",
        statement=(
            "residual-MLP toy (x_i active w.p. p, then U[-1,1]; target ReLU(x)): the naive w-neuron "
            "network has mean loss (n-w)/n * p/6; a mixing term s M x adds mean-square label noise "
            "s^2 (p/3) ||M||_F^2 / n"
        ),
        citation=cite("braun2025", "bhagat2025"),
    )
    t, p, s = sp.symbols("t p s", positive=True)
    n, w = sp.symbols("n w", positive=True, integer=True)
    # Step 1: second moments of one feature
    ex2 = p * sp.integrate(t**2 / 2, (t, -1, 1))
    D.equal("E[x^2] = p * int_{-1}^{1} t^2 dt/2 = p/3", ex2, p / 3)
    erelu2 = p * sp.integrate(t**2 / 2, (t, 0, 1))
    D.equal("E[ReLU(x)^2] = p * int_0^1 t^2 dt/2 = p/6", erelu2, p / 6)
    ex = p * sp.integrate(t / 2, (t, -1, 1))
    D.equal("E[x] = 0, so E[x_j x_k] = 0 for j != k (independent features)", ex, 0)
    # Step 2: the naive loss, averaged over features
    naive = ((n - w) * erelu2 + w * 0) / n
    D.equal("naive loss: n - w uncomputed ReLUs at p/6 each, w exact: (n-w)/n * p/6", naive, (n - w) / n * p / 6)
    D.equal("at n = 100, w = 50: L/p = 1/12", sp.simplify(naive.subs({n: 100, w: 50}) / p), sp.Rational(1, 12))
    # Step 3: label noise of s M x on a symbolic 3 x 3 mixing matrix
    M = sp.Matrix(3, 3, sp.symbols("m0:9", real=True))
    xs = sp.symbols("x0:3", real=True)
    v = s * M * sp.Matrix(xs)
    sq = sp.expand(sum(c**2 for c in v))
    # take expectations monomial by monomial: E[x_j x_k] = delta_jk p/3
    moments = {xs[j] * xs[k]: (p / 3 if j == k else 0) for j in range(3) for k in range(3)}
    poly = sp.Poly(sq, *xs)
    expect = sum(coef * moments[sp.Mul(*[xs[i] ** e for i, e in enumerate(mon)])] for mon, coef in poly.terms())
    frob = sum(c**2 for c in M)
    D.equal("E||s M x||^2 = s^2 (p/3) ||M||_F^2 (symbolic 3 x 3 M)", sp.expand(expect), sp.expand(s**2 * p / 3 * frob))
    D.result = ((n - w) / n * p / 6, s**2 * p / 3 * sp.Symbol("||M||_F^2") / n)
    return D

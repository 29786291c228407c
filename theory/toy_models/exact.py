r"""Exact theory of the smallest toy model: two features, one hidden dimension.

Feature 1 has importance 1, feature 2 importance ``r``; both have density ``p`` and are
``U[0, 1]`` when present. With the loss summed over features,
:math:`L = \mathbb{E}[(x_1 - x_1')^2 + r (x_2 - x_2')^2]`, the three candidate solutions of
Elhage et al. (2022) have the closed-form expected losses (derived and checked with sympy in
``theory/proofs/toy_2x1.py``):

* ``"not learned"`` (feature 2 dropped): :math:`W = [1, 0]`, :math:`b = (0, p/2)`,
  :math:`L = r\,(p/3 - p^2/4)`;
* ``"dedicated"`` (feature 2 gets the dimension, feature 1 dropped): :math:`W = [0, 1]`,
  :math:`b = (p/2, 0)`, :math:`L = p/3 - p^2/4`;
* ``"superposition"`` (antipodal pair): :math:`W = [1, -1]`, :math:`b = 0`,
  :math:`L = (1 + r)\,p^2/6` (only co-occurrences hurt: :math:`\mathbb{E}\min(U, V)^2 = 1/6`).

Superposition wins exactly when :math:`p < p^*(r)`,
:math:`p^*(r) = 4r/(2 + 5r)` for :math:`r \le 1` and :math:`4/(5 + 2r)` for :math:`r \ge 1`;
otherwise the more important feature takes the dimension (boundary :math:`r = 1`).
"""

from __future__ import annotations

from fractions import Fraction

from theory._references import cite
from theory._validation import check_probability, check_real

__all__ = ["PHASES_2X1", "candidate_losses_2x1", "phase_2x1", "phase_boundary_2x1", "phase_margin_2x1"]

#: Phase names of the 2 -> 1 model, by what happens to feature 2.
PHASES_2X1 = ("not learned", "dedicated", "superposition")

CITATION = cite("elhage2022", detail="section 'The Phase Change'")


def _pr(p: float, r: float) -> tuple[float, float]:
    p = check_probability(p, "p", allow_zero=False)
    r = check_real(r, "r", minimum=0.0, strict_min=True)
    return p, r


def candidate_losses_2x1(*, p: float, r: float) -> dict[str, float]:
    r"""Exact expected loss of each candidate 2 -> 1 solution.

    .. math::
        L_{\text{not learned}} = r\left(\tfrac{p}{3} - \tfrac{p^2}{4}\right),\quad
        L_{\text{dedicated}} = \tfrac{p}{3} - \tfrac{p^2}{4},\quad
        L_{\text{superposition}} = (1 + r)\tfrac{p^2}{6}.

    Parameters
    ----------
    p : float
        Feature density in (0, 1].
    r : float
        Importance of feature 2 relative to feature 1 (> 0).

    Returns
    -------
    dict
        Phase name -> expected loss (summed over the two features; divide by 2 for the
        trainer's mean-over-features normalisation).

    Examples
    --------
    >>> candidate_losses_2x1(p=1.0, r=1.0)["superposition"]
    0.3333333333333333

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    p, r = _pr(p, r)
    dense = p / 3 - p * p / 4
    return {"not learned": r * dense, "dedicated": dense, "superposition": (1 + r) * p * p / 6}


def phase_2x1(*, p: float, r: float) -> str:
    r"""The theoretically optimal phase of the 2 -> 1 model: the candidate of least loss.

    Superposition iff :math:`p < p^*(r)` (see :func:`phase_boundary_2x1`); otherwise
    ``"not learned"`` for :math:`r < 1` and ``"dedicated"`` for :math:`r > 1`.

    Parameters
    ----------
    p : float
        Feature density in (0, 1].
    r : float
        Relative importance of feature 2 (> 0).

    Returns
    -------
    str
        One of :data:`PHASES_2X1`.

    Examples
    --------
    >>> phase_2x1(p=0.9, r=0.5), phase_2x1(p=0.9, r=2.0), phase_2x1(p=0.05, r=1.0)
    ('not learned', 'dedicated', 'superposition')

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    losses = candidate_losses_2x1(p=p, r=r)
    return min(PHASES_2X1, key=lambda k: losses[k])


def phase_boundary_2x1(*, r: float) -> float:
    r"""Critical density below which superposition is optimal.

    .. math:: p^*(r) = \begin{cases} \dfrac{4r}{2 + 5r} & r \le 1,\\[4pt]
              \dfrac{4}{5 + 2r} & r \ge 1, \end{cases}

    from :math:`(1+r)p^2/6 = \min(r, 1)(p/3 - p^2/4)`; both branches give :math:`4/7` at
    :math:`r = 1`.

    Parameters
    ----------
    r : float
        Relative importance of feature 2 (> 0).

    Returns
    -------
    float

    Examples
    --------
    >>> phase_boundary_2x1(r=1.0)
    0.5714285714285714

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    r = check_real(r, "r", minimum=0.0, strict_min=True)
    return 4 * r / (2 + 5 * r) if r <= 1 else 4 / (5 + 2 * r)


def phase_margin_2x1(*, p: float, r: float) -> float:
    r"""Relative loss gap between the best and the second-best candidate,
    :math:`(L_{(2)} - L_{(1)})/L_{(2)} \in [0, 1]`: how deep inside its phase ``(p, r)`` lies
    (0 on a boundary).

    Parameters
    ----------
    p : float
    r : float

    Returns
    -------
    float

    Examples
    --------
    >>> round(phase_margin_2x1(p=0.01, r=1.0), 3)
    0.99
    >>> phase_margin_2x1(p=4 / 7, r=1.0) < 1e-12
    True

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    p, r = _pr(p, r)
    # in exact rationals: every loss is > 0 for p, r > 0, where floats underflow (p^2 for a tiny p: 0/0)
    P, R = Fraction(p), Fraction(r)
    dense = P / 3 - P * P / 4
    vals = sorted([R * dense, dense, (1 + R) * P * P / 6])
    return float((vals[1] - vals[0]) / vals[1])

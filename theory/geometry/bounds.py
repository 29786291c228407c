"""Lower bounds on the coherence of ``n`` unit vectors in ``R^dim``."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from theory._lazy import sympy as sp
from theory._references import cite
from theory._results import Bound
from theory._validation import check_int, check_size

__all__ = [
    "all_coherence_bounds",
    "bukh_cox_bound",
    "coherence_lower_bound",
    "gerzon_bound",
    "levenshtein_bound",
    "orthoplex_bound",
    "relative_bound",
    "simplex_bound",
    "welch_bound",
    "welch_bound_higher",
]

WELCH_CITATION = cite("welch1974", "fickus_mixon2015")


#: Largest order of the higher-order Welch bounds :func:`all_coherence_bounds` lists (one bound each).
MAX_WELCH_ORDER = 100


def _check_n_dim(n: int, dim: int) -> tuple[int, int]:
    return check_int(n, "n", minimum=1), check_int(dim, "dim", minimum=1)


def _float(value: Any, what: str) -> float:
    """``value`` (an int, Fraction or sympy number) as a float; beyond the float range, a named error."""
    try:
        out = float(value)
    except OverflowError:
        out = math.inf
    if not math.isfinite(out):
        raise ValueError(f"{what} is beyond the floating-point range (about 1.8e308); use smaller sizes")
    return out


def _root(base: object, k: int) -> Any:  # a sympy expression (sympy ships no type information)
    """``base ** (1/k)`` in sympy; left unevaluated for huge rationals (simplifying it factors them)."""
    base = sp.nsimplify(base) if not isinstance(base, sp.Basic) else base
    if isinstance(base, sp.Rational) and max(abs(base.p), base.q).bit_length() > 64:
        return sp.Pow(base, sp.Rational(1, k), evaluate=False)
    return base ** sp.Rational(1, k)


def _closed_form(fast: Callable[[], float], exact: object, what: str) -> float:
    """The float formula ``fast()``, or ``exact`` evaluated by sympy when the sizes overflow floats."""
    try:
        return float(fast())
    except (OverflowError, ZeroDivisionError):
        return _float(exact, what)


def welch_bound(*, n: int, dim: int) -> Bound:
    r"""Welch lower bound on the coherence of ``n`` unit vectors in :math:`\mathbb{R}^{dim}`.

    .. math:: \mu \ge \sqrt{\frac{n - dim}{dim\,(n - 1)}}, \qquad n > dim,

    with equality exactly for equiangular tight frames. It follows from
    :math:`n + n(n-1)\mu^2 \ge \lVert W^\top W\rVert_F^2 \ge n^2/dim`
    (see ``theory/proofs/welch.py``). For ``n <= dim`` orthonormal vectors exist, so the bound is the
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
        return Bound(
            0.0,
            "welch",
            WELCH_CITATION,
            kind="lower",
            quantity="coherence",
            valid=False,
            condition="n > dim",
            params=params,
            exact=sp.Integer(0),
        )
    exact = _root(sp.Rational(n - dim, dim * (n - 1)), 2)
    value = math.sqrt((n - dim) / (dim * (n - 1)))
    return Bound(
        value,
        "welch",
        WELCH_CITATION,
        kind="lower",
        quantity="coherence",
        valid=True,
        condition="n > dim",
        params=params,
        exact=exact,
    )


# ---------------------------------------------------------------------------------------------
# Further lower bounds on the coherence of lines

HIGHER_WELCH_CITATION = cite("welch1974", "datta2012")
ORTHOPLEX_CITATION = cite("conway1996", detail="after Rankin (1955)")
LEVENSHTEIN_CITATION = cite("levenshtein1982", "haas2017")
BUKH_COX_CITATION = cite("bukh_cox2020", "magsino2019", detail="in the form stated by Magsino, Mixon and Parshall")
GERZON_CITATION = cite("lemmens_seidel1973", detail="Gerzon's bound")
RELATIVE_CITATION = cite("lemmens_seidel1973", detail="relative bound, Theorem 3.6")
SIMPLEX_CITATION = cite("rankin1955")


def _lower(
    value: float,
    name: str,
    citation: str,
    valid: bool,
    condition: str,
    params: dict,
    exact=None,
    quantity: str = "coherence",
) -> Bound:
    if not valid:
        value, exact = (0.0, sp.Integer(0)) if quantity == "coherence" else (-1.0, sp.Integer(-1))
    return Bound(
        float(value),
        name,
        citation,
        kind="lower",
        quantity=quantity,
        valid=valid,
        condition=condition,
        params=params,
        exact=exact,
    )


def welch_bound_higher(*, n: int, dim: int, order: int = 2) -> Bound:
    r"""Higher-order Welch bound on the coherence of ``n`` unit vectors in :math:`\mathbb{R}^{dim}`.

    .. math:: \mu^{2t} \ge \frac{1}{n-1}\left(\frac{n}{\binom{dim+t-1}{t}} - 1\right),
              \qquad n > \binom{dim+t-1}{t},

    from :math:`\sum_{i,j}\langle w_i,w_j\rangle^{2t} \ge n^2/\binom{dim+t-1}{t}` (the symmetric
    tensor powers :math:`w_i^{\otimes t}` live in a space of that dimension). ``order = 1`` is
    :func:`welch_bound`.

    Parameters
    ----------
    n, dim : int
        Number of vectors and dimension, both ``>= 1``.
    order : int
        :math:`t \ge 1`.

    Returns
    -------
    Bound
        ``valid`` is False (value 0) when :math:`n \le \binom{dim+t-1}{t}`.

    Examples
    --------
    >>> b = welch_bound_higher(n=100, dim=3, order=2)
    >>> round(b.value, 6), b.name
    (0.630718, 'welch-2')

    References
    ----------
    .. [1] Welch, L. R. (1974). "Lower bounds on the maximum cross correlation of signals."
       IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219
    .. [2] Datta, S., Howard, S. and Cochran, D. (2012). "Geometry of the Welch bounds."
       Linear Algebra Appl. 437(10), 2455-2470. arXiv:0909.0206
    """
    n, dim = _check_n_dim(n, dim)
    t = check_int(order, "order", minimum=1)
    params = {"n": n, "dim": dim, "order": t}
    m = math.comb(dim + t - 1, t)
    valid = n > m
    exact = None
    value = 0.0
    if valid:
        exact = (sp.Rational(n, m) - 1) / (n - 1)
        exact = _root(exact, 2 * t)
        # exact rational, then the root: no overflow for sizes beyond floating point
        value = _float((Fraction(n, m) - 1) / (n - 1), "the bound") ** (1.0 / (2 * t))
    return _lower(
        value,
        f"welch-{t}" if t > 1 else "welch",
        HIGHER_WELCH_CITATION,
        valid,
        f"n > C(dim+{t}-1, {t}) = {m}",
        params,
        exact,
    )


def orthoplex_bound(*, n: int, dim: int) -> Bound:
    r"""Orthoplex (Rankin) bound: more than :math:`dim(dim+1)/2` lines have coherence at least
    :math:`1/\sqrt{dim}`.

    .. math:: \mu \ge \frac{1}{\sqrt{dim}}, \qquad n > \frac{dim(dim+1)}{2}.

    The projections :math:`w_iw_i^\top - I/dim` lie on a sphere in the
    :math:`(dim(dim+1)/2 - 1)`-dimensional space of traceless symmetric matrices; Rankin's
    orthoplex bound for more than twice that many points gives the result.

    Parameters
    ----------
    n, dim : int

    Returns
    -------
    Bound

    Examples
    --------
    >>> orthoplex_bound(n=7, dim=3).value
    0.5773502691896258

    References
    ----------
    .. [1] Conway, J. H., Hardin, R. H. and Sloane, N. J. A. (1996). "Packing lines, planes, etc.:
       packings in Grassmannian spaces." Experiment. Math. 5(2), 139-159.
       doi:10.1080/10586458.1996.10504585
    """
    n, dim = _check_n_dim(n, dim)
    valid = n > dim * (dim + 1) // 2
    exact = 1 / _root(sp.Integer(dim), 2)
    return _lower(
        _closed_form(lambda: 1 / math.sqrt(dim), exact, "1/sqrt(dim)"),
        "orthoplex",
        ORTHOPLEX_CITATION,
        valid,
        "n > dim(dim+1)/2",
        {"n": n, "dim": dim},
        exact,
    )


def levenshtein_bound(*, n: int, dim: int) -> Bound:
    r"""Levenshtein's bound on the coherence of ``n`` lines in :math:`\mathbb{R}^{dim}`.

    .. math:: \mu^2 \ge \frac{3n - dim^2 - 2\,dim}{(dim+2)(n - dim)}, \qquad n > \frac{dim(dim+1)}{2}.

    It comes from the degree-4 Delsarte linear programme for antipodal codes.

    Parameters
    ----------
    n, dim : int

    Returns
    -------
    Bound

    Examples
    --------
    >>> round(levenshtein_bound(n=16, dim=3).value, 6)
    0.712525

    References
    ----------
    .. [1] Levenshtein, V. I. (1982). "Bounds on the maximal cardinality of a code with bounded
       modulus of the inner product." Soviet Math. Dokl. 25, 526-531.
    .. [2] Haas, J. I., Hammen, N. and Mixon, D. G. (2017). "The Levenstein bound for packings in
       projective spaces." Proc. SPIE 10394. arXiv:1707.06561
    """
    n, dim = _check_n_dim(n, dim)
    valid = n > dim * (dim + 1) // 2
    exact = value = None
    if valid:
        exact = _root(sp.Rational(3 * n - dim**2 - 2 * dim, (dim + 2) * (n - dim)), 2)
        value = _closed_form(
            lambda: math.sqrt((3 * n - dim**2 - 2 * dim) / ((dim + 2) * (n - dim))), exact, "the Levenshtein bound"
        )
    return _lower(
        value or 0.0, "levenshtein", LEVENSHTEIN_CITATION, valid, "n > dim(dim+1)/2", {"n": n, "dim": dim}, exact
    )


def bukh_cox_bound(*, n: int, dim: int) -> Bound:
    r"""Bukh–Cox lower bound on the coherence of ``n = dim + k`` unit vectors, strongest when ``k``
    is small compared with ``dim``.

    .. math:: \mu \ge \frac{k(k+1)}{2n + (n^2 - dim\,n - n)\sqrt{2 + k} - k(k+1)},
              \qquad k = n - dim \ge 1.

    Parameters
    ----------
    n, dim : int

    Returns
    -------
    Bound
        Equals the simplex value :math:`1/dim` at :math:`n = dim+1`.

    Examples
    --------
    >>> bukh_cox_bound(n=4, dim=3).exact
    1/3

    References
    ----------
    .. [1] Bukh, B. and Cox, C. (2020). "Nearly orthogonal vectors and small antipodal spherical
       codes." Israel J. Math. 238, 359-388. arXiv:1803.02949
    .. [2] Magsino, M., Mixon, D. G. and Parshall, H. (2019). "Linear programming bounds for cliques
       in Paley graphs." arXiv:1902.00926
    """
    n, dim = _check_n_dim(n, dim)
    k = n - dim
    valid = k >= 1
    exact = value = None
    if valid:
        exact = sp.nsimplify(k * (k + 1)) / (2 * n + (n * n - dim * n - n) * _root(sp.Integer(2 + k), 2) - k * (k + 1))
        value = _closed_form(
            lambda: k * (k + 1) / (2 * n + (n * n - dim * n - n) * math.sqrt(2 + k) - k * (k + 1)),
            exact,
            "the Bukh-Cox bound",
        )
    return _lower(value or 0.0, "bukh-cox", BUKH_COX_CITATION, valid, "n > dim", {"n": n, "dim": dim}, exact)


def coherence_lower_bound(*, n: int, dim: int, max_order: int = 6) -> Bound:
    r"""The largest valid lower bound on the coherence of ``n`` unit vectors in
    :math:`\mathbb{R}^{dim}`, naming which bound it is.

    .. math:: \mu \ge \max\{\text{Welch}_t\ (t \le \text{max\_order}),\ \text{orthoplex},\
              \text{Levenshtein},\ \text{Bukh–Cox}\}

    Parameters
    ----------
    n, dim : int
    max_order : int
        Largest order of the higher-order Welch bounds tried.

    Returns
    -------
    Bound
        The best one (``valid`` False, value 0 when ``n <= dim``: orthonormal vectors exist).

    Examples
    --------
    >>> b = coherence_lower_bound(n=7, dim=3)
    >>> b.name, round(b.value, 6)
    ('orthoplex', 0.57735)

    References
    ----------
    See the individual bounds: :func:`welch_bound`, :func:`welch_bound_higher`,
    :func:`orthoplex_bound`, :func:`levenshtein_bound`, :func:`bukh_cox_bound`.
    """
    n, dim = _check_n_dim(n, dim)
    max_order = check_size(max_order, "max_order", maximum=MAX_WELCH_ORDER, why="one bound per order")
    cands = all_coherence_bounds(n=n, dim=dim, max_order=max_order)
    valid = [b for b in cands if b.valid]
    if not valid:
        return cands[0]
    return max(valid, key=lambda b: b.value)


def all_coherence_bounds(*, n: int, dim: int, max_order: int = 6) -> list[Bound]:
    r"""Every lower bound on the coherence of ``n`` lines in :math:`\mathbb{R}^{dim}`, valid or not.

    .. math:: \mu \ge b(n, dim) \quad \text{for each } b

    Parameters
    ----------
    n, dim, max_order : int

    Returns
    -------
    list of Bound

    Examples
    --------
    >>> [b.name for b in all_coherence_bounds(n=5, dim=3, max_order=2)]
    ['welch', 'welch-2', 'orthoplex', 'levenshtein', 'bukh-cox']

    References
    ----------
    See :func:`coherence_lower_bound`.
    """
    n, dim = _check_n_dim(n, dim)
    max_order = check_size(max_order, "max_order", maximum=MAX_WELCH_ORDER, why="one bound per order")
    out = [welch_bound(n=n, dim=dim)]
    out += [welch_bound_higher(n=n, dim=dim, order=t) for t in range(2, max_order + 1)]
    out += [orthoplex_bound(n=n, dim=dim), levenshtein_bound(n=n, dim=dim), bukh_cox_bound(n=n, dim=dim)]
    return out


# ---------------------------------------------------------------------------------------------
# Points (spherical codes): lower bounds on the largest signed cosine


def simplex_bound(*, n: int, dim: int) -> Bound:
    r"""Lower bound on the largest signed cosine of ``n`` unit vectors (a spherical code).

    .. math:: \max_{i\ne j}\langle w_i, w_j\rangle \ge
              \begin{cases} -\frac{1}{n-1} & n \le dim + 1 \\ 0 & n \ge dim + 2 \end{cases}

    The first case is :math:`\lVert\sum_i w_i\rVert^2 \ge 0` (attained by the regular simplex);
    the second is Rankin's theorem: at most :math:`dim+1` vectors have pairwise negative inner
    products (and at most :math:`2\,dim` pairwise non-positive ones, attained by the
    cross-polytope).

    Parameters
    ----------
    n : int
        ``n >= 2``.
    dim : int

    Returns
    -------
    Bound

    Examples
    --------
    >>> simplex_bound(n=4, dim=3).exact, simplex_bound(n=6, dim=3).exact
    (-1/3, 0)

    References
    ----------
    .. [1] Rankin, R. A. (1955). "The closest packing of spherical caps in n dimensions."
       Proc. Glasgow Math. Assoc. 2, 139-144. doi:10.1017/S2040618500033219
    """
    n = check_int(n, "n", minimum=2)
    dim = check_int(dim, "dim", minimum=1)
    params = {"n": n, "dim": dim}
    if n <= dim + 1:
        return Bound(
            -1 / (n - 1),
            "simplex",
            SIMPLEX_CITATION,
            kind="lower",
            quantity="max cosine",
            valid=True,
            condition="always",
            params=params,
            exact=sp.Rational(-1, n - 1),
        )
    return Bound(
        0.0,
        "rankin",
        SIMPLEX_CITATION,
        kind="lower",
        quantity="max cosine",
        valid=True,
        condition="n >= dim + 2",
        params=params,
        exact=sp.Integer(0),
    )


# ---------------------------------------------------------------------------------------------
# Upper bounds on the number of lines


def gerzon_bound(dim: int) -> Bound:
    r"""Gerzon's bound: at most :math:`dim(dim+1)/2` equiangular lines in :math:`\mathbb{R}^{dim}`.

    .. math:: n \le \frac{dim\,(dim+1)}{2}

    (the projections :math:`w_iw_i^\top` are linearly independent symmetric matrices).
    Attained for dim = 2, 3, 7, 23.

    Parameters
    ----------
    dim : int

    Returns
    -------
    Bound
        ``kind="upper"``, quantity ``"number of equiangular lines"``.

    Examples
    --------
    >>> gerzon_bound(7).value
    28.0

    References
    ----------
    .. [1] Lemmens, P. W. H. and Seidel, J. J. (1973). "Equiangular lines." J. Algebra 24,
       494-512. doi:10.1016/0021-8693(73)90123-3
    """
    dim = check_int(dim, "dim", minimum=1)
    v = dim * (dim + 1) // 2
    return Bound(
        _float(v, f"dim(dim+1)/2 for dim={dim}"),
        "gerzon",
        GERZON_CITATION,
        kind="upper",
        quantity="number of equiangular lines",
        valid=True,
        condition="equiangular lines",
        params={"dim": dim},
        exact=sp.Integer(v),
    )


def relative_bound(dim: int, max_cos: float) -> Bound:
    r"""Relative bound: the number of lines in :math:`\mathbb{R}^{dim}` with pairwise
    :math:`|\cos| \le \alpha` when :math:`dim\,\alpha^2 < 1`.

    .. math:: n \le \left\lfloor \frac{dim\,(1 - \alpha^2)}{1 - dim\,\alpha^2} \right\rfloor

    It is Welch's inequality solved for ``n`` (equivalently the degree-2 Delsarte polynomial,
    see ``theory/proofs/delsarte_relative.py``); it holds for all such line systems, not only
    equiangular ones. The floor is computed in exact rational arithmetic from the float
    ``max_cos``.

    Parameters
    ----------
    dim : int
    max_cos : float
        :math:`\alpha \in [0, 1)`.

    Returns
    -------
    Bound
        ``valid`` False (value ``inf``) when :math:`dim\,\alpha^2 \ge 1`.

    Examples
    --------
    >>> relative_bound(7, 1/3).value, relative_bound(23, 0.2).value
    (28.0, 276.0)

    References
    ----------
    .. [1] Lemmens, P. W. H. and Seidel, J. J. (1973). "Equiangular lines." J. Algebra 24,
       494-512. doi:10.1016/0021-8693(73)90123-3
    """
    from fractions import Fraction

    from theory._validation import check_real

    dim = check_int(dim, "dim", minimum=1)
    a = check_real(max_cos, "max_cos", minimum=0, maximum=1, strict_max=True)
    params = {"dim": dim, "max_cos": a}
    fa = Fraction(a)
    if dim * fa * fa >= 1:
        return Bound(
            math.inf,
            "relative",
            RELATIVE_CITATION,
            kind="upper",
            quantity="number of lines",
            valid=False,
            condition="dim * max_cos^2 < 1",
            params=params,
        )
    q = Fraction(dim) * (1 - fa * fa) / (1 - dim * fa * fa)
    # Snap to the nearest integer when max_cos is the float of a rational making q integral.
    near = round(q)
    if abs(q - near) < Fraction(1, 10**9):
        q = Fraction(near)
    v = math.floor(q)
    return Bound(
        float(v),
        "relative",
        RELATIVE_CITATION,
        kind="upper",
        quantity="number of lines",
        valid=True,
        condition="dim * max_cos^2 < 1",
        params=params,
        exact=sp.Integer(v),
    )

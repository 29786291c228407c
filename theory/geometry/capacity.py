"""How many features fit in ``dim`` dimensions at a given interference: lower bounds with
witnesses and upper bounds with their names."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
from numpy.typing import NDArray

from theory._validation import check_bool, check_int, check_real, check_size

__all__ = ["Capacity", "max_features"]

#: Largest ``dim`` :func:`max_features` takes (its constructions are ``dim x n`` frames, checked via
#: their Gram matrices).
MAX_DIM = 4096
#: Largest ``pack_limit`` (numerical packings are tried for every ``n`` with ``dim * n <= pack_limit``).
MAX_PACK_LIMIT = 20_000


@dataclass(frozen=True)
class Capacity:
    """Bounds on the largest number of features (lines or points) in ``dim`` dimensions with
    pairwise interference at most ``max_cos``.

    Attributes
    ----------
    dim : int
    max_cos : float
    lines : bool
    lower : int
        A number of features known to fit.
    lower_name : str
        How: the construction (as a call of this library's constructions that builds it, e.g.
        ``tegum_product(mub_frame(383), np.eye(2))``), the optimised packing, or the
        random-construction guarantee.
    witness : ndarray of shape (dim, lower) or None
        An explicit frame achieving ``lower``. None for the probabilistic guarantee, and for
        constructions with more than ``WITNESS_LIMIT`` (20,000,000) entries, whose interference is
        certified from their structure instead (build them from ``lower_name``).
    upper : float
        A proven upper bound (``inf`` when no bound was found).
    upper_name : str
    upper_rigorous : bool
        Whether ``upper`` is proven (the Delsarte LP is only when its exact certificate passed).
    candidates : dict
        Every lower and upper bound considered, by name.
    """

    dim: int
    max_cos: float
    lines: bool
    lower: int
    lower_name: str
    witness: NDArray[np.float64] | None
    upper: float
    upper_name: str
    upper_rigorous: bool
    candidates: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        what = "|cos|" if self.lines else "cos"
        up = "unknown" if math.isinf(self.upper) else f"{int(self.upper)}"
        proof = "" if self.upper_rigorous or math.isinf(self.upper) else ", NOT PROVEN: numerical, not certified"
        # repr: the shortest decimal that reads back as the same float, so different questions print differently
        return (
            f"dim={self.dim}, {what} <= {self.max_cos!r}: {self.lower} <= max features <= {up}"
            f"  (lower: {self.lower_name}; upper: {self.upper_name}{proof})"
        )


#: Largest witness (dim * n entries) that is built and checked through its Gram matrix; larger
#: constructions are certified from their structure and described by a recipe instead.
WITNESS_LIMIT = 20_000_000
#: Largest block whose coherence is checked through its Gram matrix (n^2 entries).
GRAM_LIMIT = 4096


@dataclass(frozen=True)
class _Family:
    name: str  # the recipe: a call that builds one block
    dim: int
    n: int
    mu: float  # coherence of one block (closed form)
    make: Any  # () -> frame of shape (dim, n)
    certify: Any = None  # () -> coherence measured without the Gram matrix (large blocks)


def _families(dim: int) -> list[_Family]:
    from theory.geometry.constructions import (
        _is_prime,
        mub_frame,
        mub_frame_coherence,
        paley_etf,
        simplex,
        steiner_etf,
    )

    fams = [_Family(f"simplex({d})", d, d + 1, 1.0 / d, lambda d=d: simplex(d)) for d in range(2, dim + 1)]
    q = 5
    while (q + 1) // 2 <= dim:
        if _is_prime(q) and q % 4 == 1:
            fams.append(_Family(f"paley_etf({q})", (q + 1) // 2, q + 1, 1 / math.sqrt(q), lambda q=q: paley_etf(q)))
        q += 4
    fams.append(_Family("steiner_etf('fano')", 7, 28, 1 / 3, lambda: steiner_etf("fano")))
    for v in (4, 8, 12, 16, 20, 24, 32, 64):
        fams.append(
            _Family(f"steiner_etf('k{v}')", v * (v - 1) // 2, v * v, 1 / (v - 1), lambda v=v: steiner_etf(f"k{v}"))
        )
    for p in range(3, dim // 2 + 1):
        if _is_prime(p):
            fams.append(
                _Family(
                    f"mub_frame({p})",
                    2 * p,
                    2 * p * (p + 1),
                    1 / math.sqrt(p),
                    lambda p=p: mub_frame(p),
                    lambda p=p: mub_frame_coherence(p),
                )
            )
    return [f for f in fams if f.dim <= dim]


def _constructions(dim: int, max_cos: float, lines: bool) -> list[tuple[str, int, NDArray[np.float64] | None, Any]]:
    """Candidate lower-bound constructions as ``(recipe, n, frame or None, certify)``.

    ``frame`` is None for constructions with more than ``WITNESS_LIMIT`` (20,000,000) entries. For the
    tegum products ``certify()`` returns the coherence of one block (through its Gram matrix, or
    from its structure for blocks with more than :data:`GRAM_LIMIT` vectors); the copies and the
    orthonormal remainder occupy disjoint coordinate blocks, so that is the product's coherence.
    """
    from theory.geometry.constructions import cross_polytope, simplex, tegum_product

    out: list[tuple[str, int, NDArray[np.float64] | None, Any]] = [(f"np.eye({dim})", dim, np.eye(dim), None)]
    if dim >= 1:
        out.append((f"simplex({dim})", dim + 1, simplex(dim), None))
    if not lines:
        out.append((f"cross_polytope({dim})", 2 * dim, cross_polytope(dim), None))
        if max_cos < 0:
            return out
    # Line packings in d' <= dim dimensions (ETFs and realified MUBs), repeated as a tegum
    # product; their parameters (d', n', coherence) are known in closed form, so only the best
    # is built. For points with s >= 0 the lines and their antipodes ([W, -W]) qualify too.
    ok = [f for f in _families(dim) if f.mu <= max_cos + 1e-12]
    if not ok:
        return out
    best = max(ok, key=lambda f: (dim // f.dim) * f.n + dim % f.dim)
    copies, rest = divmod(dim, best.dim)
    n = copies * best.n + rest
    blocks = f"*[{best.name}] * {copies}" if copies > 1 else best.name
    label = (
        f"tegum_product({blocks}, np.eye({rest}))"
        if rest
        else (f"tegum_product({blocks})" if copies > 1 else best.name)
    )
    if not lines:
        label, n = f"[W, -W] with W = {label}", 2 * n
    # Certify one block (the copies and the orthonormal remainder sit in mutually orthogonal
    # coordinate blocks): by its Gram matrix when small, else from its structure.
    if best.certify is not None and best.n > GRAM_LIMIT:
        block, certify = None, best.certify
    else:
        block = best.make()

        def certify(B: NDArray[np.float64] = block) -> float:
            G = B.T @ B
            return float(np.abs(G[~np.eye(G.shape[0], dtype=bool)]).max())

    if dim * n <= WITNESS_LIMIT:
        block = best.make() if block is None else block
        W = tegum_product(*([block] * copies + ([np.eye(rest)] if rest else [])))
        if not lines:
            W = np.concatenate([W, -W], axis=1)
    else:
        W = None
    out.append((label, n, W, certify))
    return out


def welch_inverse_upper(dim: int, max_cos: float, max_order: int = 64) -> tuple[int, int] | None:
    r"""Upper bound on the number of lines with coherence at most ``max_cos``, from the
    higher-order Welch bounds.

    Summing :math:`\langle w_i, w_j\rangle^{2t} \le \mu^{2t}` off the diagonal and using
    :math:`\sum_{i,j}\langle w_i,w_j\rangle^{2t} \ge n^2/\binom{dim+t-1}{t}` gives, whenever
    :math:`\binom{dim+t-1}{t}^{-1} > \mu^{2t}`,

    .. math:: n \le \frac{1 - \mu^{2t}}{\binom{dim+t-1}{t}^{-1} - \mu^{2t}}.

    Evaluated in exact rational arithmetic for every order ``t <= max_order``; the smallest
    floor is returned with its order, or None when no order applies.

    Examples
    --------
    >>> welch_inverse_upper(3, 0.5)   # order 1 (Welch): n (1/3 - 1/4) <= 3/4, so n <= 9
    (1, 9)

    References
    ----------
    .. [1] Welch, L. R. (1974). "Lower bounds on the maximum cross correlation of signals."
       IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219
    """
    from fractions import Fraction

    mu2 = Fraction(max_cos) ** 2
    best: tuple[int, int] | None = None
    for t in range(1, max_order + 1):
        inv_c = Fraction(1, math.comb(dim + t - 1, t))
        m = mu2**t
        if inv_c <= m:
            continue
        count = math.floor((1 - m) / (inv_c - m))
        if best is None or count < best[1]:
            best = (t, count)
    return best


def max_features(
    *,
    dim: int,
    max_cos: float,
    lines: bool = True,
    optimise: bool = True,
    pack_limit: int = 200,
    lp_max_degree: int = 20,
    rng: int | np.random.Generator | None = 0,
) -> Capacity:
    r"""How many features fit in :math:`\mathbb{R}^{dim}` with pairwise interference at most
    ``max_cos``: a lower bound with a witness and an upper bound with its name.

    .. math:: \max\{\,n : \exists\, w_1..w_n \in S^{dim-1},\ |\langle w_i, w_j\rangle| \le
              \varepsilon\ (i\ne j)\,\} \ \ (\text{points: } \langle w_i, w_j\rangle \le s)

    Lower bounds: explicit constructions (orthonormal basis, simplex, cross-polytope for points,
    tegum products of Paley/Steiner/simplex ETFs and of realified mutually unbiased bases
    (:func:`mub_frame`), for points with :math:`s \ge 0` also these lines with their
    antipodes), an optimised packing (:func:`pack`) for small sizes, and the random-construction
    guarantee :math:`\lfloor e^{\varepsilon^2 dim/4}\rfloor`. Every witness is checked: through
    its Gram matrix, or for constructions too large to hold (over ``WITNESS_LIMIT`` (20,000,000)
    entries), through their structure (e.g. :func:`mub_frame_coherence`).
    Upper bounds: the Delsarte LP (rigorous when certified), the relative bound for lines
    (:math:`dim\,\varepsilon^2 < 1`), and :math:`dim` itself for lines at :math:`\varepsilon = 0`.

    Parameters
    ----------
    dim : int
    max_cos : float
        :math:`\varepsilon \in [0, 1)` for lines; :math:`s \in (-1, 1)` for points.
    lines : bool
    optimise : bool
        Try :func:`pack` to raise the lower bound when ``dim * n <= pack_limit``.
    pack_limit : int
        Size limit for the packing search.
    lp_max_degree : int
        Largest Delsarte polynomial degree tried.
    rng : Generator or int seed
        For the packing search.

    Returns
    -------
    Capacity
        Returns ``upper = inf`` (named ``'none found'``) when no upper bound applies: the relative
        bound is vacuous and the Delsarte LP has no feasible polynomial up to ``lp_max_degree``
        (e.g. lines with ``dim=2, max_cos=0.99``).

    Examples
    --------
    >>> c = max_features(dim=7, max_cos=1/3, optimise=False, lp_max_degree=2)
    >>> c.lower, int(c.upper), c.upper_name
    (28, 28, 'relative bound')

    The residual-stream question: a realified MUB frame (not materialised: 226 million entries)
    and a certified Delsarte polynomial of degree 8.

    >>> c = max_features(dim=768, max_cos=0.1, optimise=False)   # doctest: +SKIP
    >>> c.lower, c.lower_name, int(c.upper), c.upper_name        # doctest: +SKIP
    (294146, 'tegum_product(mub_frame(383), np.eye(2))', 112324881278, 'Delsarte LP (degree 8)')

    References
    ----------
    .. [1] Lemmens, P. W. H. and Seidel, J. J. (1973). "Equiangular lines." J. Algebra 24,
       494-512. doi:10.1016/0021-8693(73)90123-3
    .. [2] Delsarte, P., Goethals, J. M. and Seidel, J. J. (1977). "Spherical codes and designs."
       Geom. Dedicata 6, 363-388. doi:10.1007/BF03187604
    .. [3] Dasgupta, S. and Gupta, A. (2003). "An elementary proof of a theorem of Johnson and
       Lindenstrauss." Random Struct. Algorithms 22(1), 60-65. doi:10.1002/rsa.10073
    .. [4] Wootters, W. K. and Fields, B. D. (1989). "Optimal state-determination by mutually
       unbiased measurements." Ann. Phys. 191(2), 363-381. doi:10.1016/0003-4916(89)90322-9
    """
    lines = check_bool(lines, "lines")
    optimise = check_bool(optimise, "optimise")
    from theory.geometry.bounds import relative_bound
    from theory.geometry.delsarte import delsarte_lp_bound

    dim = check_size(dim, "dim", maximum=MAX_DIM, why="it builds and certifies frames of about dim^2 entries")
    lines = bool(lines)
    if lines:
        eps = check_real(max_cos, "max_cos", minimum=0, maximum=1, strict_max=True)
    else:
        eps = check_real(max_cos, "max_cos", minimum=-1, maximum=1, strict_min=True, strict_max=True)
    pack_limit = check_size(
        pack_limit,
        "pack_limit",
        minimum=0,
        maximum=MAX_PACK_LIMIT,
        why="pack() is run for every n with dim * n <= pack_limit",
    )
    lp_max_degree = check_int(lp_max_degree, "lp_max_degree", minimum=2)
    cands: dict[str, Any] = {}
    # ---- lower bounds
    witness: NDArray[np.float64] | None
    lower, lower_name, witness = 1, "one vector", np.ones((dim, 1)) / math.sqrt(dim)
    for name, n, W, certify in _constructions(dim, eps, lines):
        if certify is not None:
            worst = certify()  # lines, and points built as lines with their antipodes (s >= 0)
        else:
            assert W is not None  # _constructions gives a frame whenever it gives no certify()
            G = W.T @ W
            off = G[~np.eye(W.shape[1], dtype=np.bool_)]
            worst = (np.abs(off).max() if lines else off.max()) if off.size else -1.0
        if worst > eps + 1e-12:
            continue
        cands[f"lower: {name}"] = n
        if n > lower:
            lower, lower_name, witness = n, name, W
    if eps > 0:
        x = eps * eps * dim / 4
        if x < 700:
            rnd = math.floor(math.exp(x))
        else:  # beyond floats: the exact integer part, at enough digits
            with mpmath.workdps(int(x / math.log(10)) + 30):
                rnd = int(mpmath.floor(mpmath.exp(mpmath.mpf(x))))
        cands["lower: random construction exp(eps^2 dim/4)"] = rnd
        if rnd > lower:
            lower, lower_name, witness = rnd, "random construction exp(eps^2 dim/4) (existence)", None
    # ---- upper bounds
    upper, upper_name, rigorous = math.inf, "none found", False
    if lines and eps == 0:
        upper, upper_name, rigorous = float(dim), "orthogonality (eps = 0)", True
    if lines:
        rb = relative_bound(dim, eps)
        if rb.valid:
            cands["upper: relative bound"] = rb.value
            if rb.value < upper:
                upper, upper_name, rigorous = rb.value, "relative bound", True
        # the same float tolerance (1e-12) as the witnesses' check, so the two sides agree
        hw = welch_inverse_upper(dim, min(eps + 1e-12, 1.0))
        if hw is not None:
            t, count = hw
            cands[f"upper: higher-order Welch (t={t})"] = count
            if count < upper:
                upper, upper_name, rigorous = float(count), f"higher-order Welch inverted (t={t})", True
    if dim >= 2 and not (lines and eps == 0):
        try:
            lp = delsarte_lp_bound(dim=dim, max_cos=eps, lines=lines, max_degree=lp_max_degree)
        except ValueError:
            lp = None
        if lp is not None:
            cands["upper: Delsarte LP"] = lp.count
            if lp.count < upper or (lp.count == upper and not rigorous and lp.rigorous):
                upper, upper_name = float(lp.count), f"Delsarte LP (degree {lp.degree})"
                rigorous = lp.rigorous
    elif dim == 1:
        upper, upper_name, rigorous = (1.0 if lines else 2.0), "dimension one", True
    # ---- optimised packing for small sizes
    if optimise and lower < upper:
        import warnings

        from theory._warnings import TheoryWarning
        from theory.geometry.packing import PACK_PRESETS, pack

        n = lower + 1
        while dim * n <= pack_limit and n <= upper:
            with warnings.catch_warnings():  # a packing above max_cos ends the search: no warning needed
                warnings.simplefilter("ignore", TheoryWarning)
                P = pack(dim=dim, n=n, lines=lines, rng=rng, **PACK_PRESETS["capacity"])
            if P.value > eps + 1e-12:
                break
            cands[f"lower: pack(n={n})"] = n
            lower, lower_name, witness = n, f"optimised packing (value {P.value:.6f})", P.frame
            n += 1
    return Capacity(dim, eps, lines, int(lower), lower_name, witness, float(upper), upper_name, bool(rigorous), cands)

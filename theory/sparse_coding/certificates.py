r"""Identifiability certificates on a dictionary: unique recovery, spark, one-pass thresholding.

Every function takes any dictionary ``D`` of shape ``(dim, n)`` (learned decoders included),
normalises its columns (zero columns are refused) and returns a :class:`Certificate`: a
:class:`theory._results.Bound` that also says whether its value is *rigorous* (proven, with
floating-point error accounted for) and *exact* (the quantity itself, not only a bound).

Rigour against rounding: the coherence :math:`\hat\mu` computed by
:func:`theory.geometry.coherence` is raised by a margin covering the rounding of the column
normalisation and of the inner products (:math:`|\hat\mu - \mu| \le (\mathrm{dim} + 3)\,\varepsilon`
to first order, where :math:`\varepsilon` is the machine epsilon; the margin used is
:math:`4(\mathrm{dim} + 4)\varepsilon`), and every strict inequality is then decided in exact
rational arithmetic on that upper bound :math:`\bar\mu`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, islice
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._references import cite
from theory._results import Bound
from theory._validation import check_int, check_probability, check_real
from theory.geometry import coherence
from theory.sparse_coding._checks import check_dictionary

__all__ = [
    "Certificate",
    "ThresholdingWitness",
    "coherence_upper",
    "rip_uniqueness_bound",
    "spark_lower_bound",
    "thresholding_condition",
    "thresholding_witness",
    "unique_recovery_bound",
    "MAX_SPARK_SUPPORTS",
]

DONOHO_ELAD = cite("donoho_elad2003")

#: Largest number of column subsets :func:`spark_lower_bound` enumerates unless told otherwise.
MAX_SPARK_SUPPORTS = 200_000

_EPS = float(np.finfo(float).eps)

#: Above this many atoms, cosines are streamed in blocks (no n x n matrix is formed).
_DENSE_MAX_N = 4096


@dataclass(frozen=True)
class Certificate(Bound):
    """A :class:`~theory._results.Bound` that says how far it is proven.

    Attributes
    ----------
    rigorous : bool
        The bound is proven for the dictionary as given, floating-point error included.
        ``False`` means "numerical, not proven".
    exact : bool
        ``value`` is the quantity itself (e.g. the spark found by enumeration), not only a bound.
        (Here a flag; :class:`~theory._results.Bound` uses the same name for an optional exact value.)
    certificate : dict
        What certifies it: the coherence upper bound used, a dependent support, RIP brackets, ...

    Examples
    --------
    >>> c = Certificate(2, "coherence", "Donoho & Elad 2003", quantity="k", rigorous=False)
    >>> "numerical, not proven" in str(c)
    True
    """

    citation: str = field(repr=False)
    exact: bool = False
    rigorous: bool = True
    certificate: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        side = ">=" if self.kind == "lower" else "<="
        if self.kind == "equal" or self.exact:
            side = "="
        tag = (
            "exact"
            if self.exact and self.rigorous
            else ("exact, numerical" if self.exact else ("rigorous" if self.rigorous else "numerical, not proven"))
        )
        where = ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.params.items())
        status = "" if self.valid else f" [not valid here: needs {self.condition}]"
        value = f"{self.value:.6g}" if isinstance(self.value, float) else str(self.value)
        return f"{self.quantity or 'value'} {side} {value}  ({self.name}, {tag}; {where}){status}"


def coherence_upper(D: ArrayLike) -> tuple[float, float]:
    r"""Coherence of ``D`` and a rigorous upper bound on it (floating-point error included).

    .. math:: \bar\mu = \min\{1,\ \hat\mu + 4(\mathrm{dim}+4)\,\varepsilon\}

    Returns
    -------
    mu_hat, mu_up : float
        The computed coherence (:func:`theory.geometry.coherence`) and the upper bound.

    Examples
    --------
    >>> from theory.geometry import simplex
    >>> mu, up = coherence_upper(simplex(3))
    >>> round(mu, 12), 1 / 3 < up < 1 / 3 + 1e-13
    (0.333333333333, True)
    """
    arr = check_dictionary(D, "D")
    if arr.shape[1] < 2:
        raise ValueError(f"D must have at least 2 columns (atoms), got shape {arr.shape}")
    if arr.shape[1] <= _DENSE_MAX_N:
        mu = coherence(arr)
    else:  # stream the cosines in column blocks instead of forming the n x n Gram matrix
        from theory.interference import dictionary_stats

        mu = float(dictionary_stats(arr, chunk=1024, k=0, random_null=False).max_cos)
    return mu, min(1.0, mu + 4.0 * (arr.shape[0] + 4) * _EPS)


def _signed_extremes(V: NDArray[np.float64], chunk: int = 1024) -> tuple[float, float]:
    """Largest and smallest off-diagonal cosine of unit columns ``V``, in column blocks."""
    n = V.shape[1]
    hi, lo = -np.inf, np.inf
    for start in range(0, n, chunk):
        C = V.T @ V[:, start : start + chunk]
        idx = np.arange(start, min(n, start + chunk))
        C[idx, idx - start] = np.nan
        hi = max(hi, float(np.nanmax(C)))
        lo = min(lo, float(np.nanmin(C)))
    return hi, lo


def _largest_k_below(mu_up: float, cap: int) -> int:
    """Largest integer k >= 0 with (2k - 1) mu_up < 1, decided exactly, capped at ``cap``."""
    if mu_up == 0.0:
        return cap
    m = Fraction(mu_up)
    t = (1 + 1 / m) / 2  # k < t
    k = math.ceil(t) - 1
    return int(max(0, min(k, cap)))


def unique_recovery_bound(D: ArrayLike) -> Certificate:
    r"""The largest sparsity ``k`` at which coherence certifies unique, algorithmic recovery.

    If the unit-normalised columns of ``D`` have coherence :math:`\mu` and

    .. math:: k < \tfrac12\left(1 + \tfrac1\mu\right) \iff (2k-1)\mu < 1,

    then every ``k``-sparse code is the unique sparsest representation of its signal, basis
    pursuit recovers it, and OMP recovers it in ``k`` steps. The inequality is decided exactly
    (in rational arithmetic) on a rigorous upper bound :math:`\bar\mu \ge \mu` (see
    :func:`coherence_upper`), so the returned ``k`` is proven for ``D`` as given; e.g. an
    equiangular frame with :math:`\mu = 1/3` gets ``k = 1`` (``k < 2``). The value is capped
    at ``n``.

    Parameters
    ----------
    D : array_like, shape (dim, n), n >= 2
        Any dictionary; columns are normalised, zero columns refused.

    Returns
    -------
    Certificate
        ``value`` = the certified ``k`` (``kind="lower"``: the largest recoverable sparsity is at
        least this); ``valid`` is False when ``k = 0`` (:math:`\mu = 1`, two parallel atoms).

    Examples
    --------
    >>> from theory.geometry import paley_etf, simplex
    >>> unique_recovery_bound(simplex(3)).value
    1
    >>> c = unique_recovery_bound(paley_etf(13))   # mu = 1/sqrt(13): k < (1 + sqrt(13))/2 = 2.30
    >>> c.value, c.rigorous
    (2, True)

    References
    ----------
    .. [1] Donoho, D. L. and Elad, M. (2003). Optimally sparse representation in general
       (nonorthogonal) dictionaries via l1 minimization. PNAS 100(5), 2197-2202.
       doi:10.1073/pnas.0437847100
    .. [2] Gribonval, R. and Nielsen, M. (2003). Sparse representations in unions of bases.
       IEEE Trans. Inf. Theory 49(12), 3320-3325. doi:10.1109/TIT.2003.820031
    .. [3] Tropp, J. A. (2004). Greed is good: algorithmic results for sparse approximation.
       IEEE Trans. Inf. Theory 50(10), 2231-2242. doi:10.1109/TIT.2004.834793
    """
    arr = check_dictionary(D, "D", normalize=True)
    mu, mu_up = coherence_upper(arr)
    dim, n = arr.shape
    k = _largest_k_below(mu_up, n)
    return Certificate(
        k,
        "coherence",
        cite("donoho_elad2003", "gribonval_nielsen2003", "tropp2004"),
        kind="lower",
        quantity="sparsity with unique recovery by l0/BP/OMP",
        valid=k >= 1,
        condition="k < (1 + 1/mu)/2, i.e. mu < 1",
        params={"dim": dim, "n": n, "mu": mu},
        rigorous=True,
        certificate={"mu": mu, "mu_upper": mu_up, "threshold": math.inf if mu_up == 0 else 0.5 * (1 + 1 / mu_up)},
    )


def _lambda_min_batches(G: NDArray[np.float64], s: int, n: int, batch: int = 20_000):
    """Yield (supports, smallest Gram eigenvalue) over all size-``s`` subsets, in batches."""
    it = combinations(range(n), s)
    while True:
        sup = np.array(list(islice(it, batch)), dtype=np.intp)
        if sup.size == 0:
            return
        sub = G[sup[:, :, None], sup[:, None, :]]
        yield sup, np.linalg.eigvalsh(sub)[:, 0]


def spark_lower_bound(D: ArrayLike, *, max_supports: int = MAX_SPARK_SUPPORTS) -> Certificate:
    r"""A certified lower bound on the spark of ``D`` and, when enumeration is affordable, the spark.

    :math:`\mathrm{spark}(D)` is the smallest number of linearly dependent columns
    (:math:`\infty` when all columns are independent). Two arguments are combined:

    * coherence (Gershgorin): :math:`\mathrm{spark}(D) \ge 1 + 1/\mu`, hence
      :math:`\ge \lceil 1 + 1/\bar\mu\rceil` with the rigorous :math:`\bar\mu \ge \mu`;
    * enumeration of column subsets of each size ``s`` from there on, while the total stays
      within ``max_supports``: a subset is certified independent when the smallest eigenvalue of
      its Gram matrix exceeds the rounding margin :math:`10\,s\,(s + \mathrm{dim} + 3)\,\varepsilon`
      (errors of the Gram entries plus the backward error of ``eigvalsh``). When every subset of
      size ``s`` is certified, :math:`\mathrm{spark} \ge s + 1`. A subset at or below the margin
      ends the search: the spark is ``s`` (``exact=True``), the dependence being numerical (the
      lower bound stays rigorous). When every size up to ``dim`` is certified the spark is
      exactly ``dim + 1`` for ``n > dim`` (any ``dim + 1`` vectors in :math:`\mathbb R^{dim}` are
      dependent) and :math:`\infty` for ``n <= dim``; both exact and rigorous.

    A ``k``-sparse code is the unique sparsest representation when :math:`2k < \mathrm{spark}`.

    Parameters
    ----------
    D : array_like, shape (dim, n), n >= 2
    max_supports : int
        Budget of column subsets to enumerate (0 skips enumeration).

    Returns
    -------
    Certificate
        ``kind="lower"``; ``exact`` says whether ``value`` is the spark; ``certificate`` holds the
        coherence bound, the sizes certified, and a dependent support when one is found.

    Examples
    --------
    >>> import numpy as np
    >>> from theory.geometry import paley_etf
    >>> c = spark_lower_bound(paley_etf(5))   # 6 lines in R^3: spark = dim + 1 = 4
    >>> c.value, c.exact, c.rigorous
    (4, True, True)
    >>> D = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    >>> spark_lower_bound(D).value           # columns 0, 1, 2 are dependent
    3

    References
    ----------
    .. [1] Donoho, D. L. and Elad, M. (2003). Optimally sparse representation in general
       (nonorthogonal) dictionaries via l1 minimization. PNAS 100(5), 2197-2202.
       doi:10.1073/pnas.0437847100
    """
    arr = check_dictionary(D, "D", normalize=True)
    max_supports = check_int(max_supports, "max_supports", minimum=0)
    dim, n = arr.shape
    mu, mu_up = coherence_upper(arr)
    # coherence bound, exact rational ceiling; spark never exceeds dim + 1 when n > dim
    coh = math.inf if mu_up == 0.0 else math.ceil(1 + 1 / Fraction(mu_up))
    top = min(n, dim)  # largest size that can be independent
    lower: float = coh
    exact = False
    cert: dict[str, Any] = {"mu": mu, "mu_upper": mu_up, "coherence_bound": coh}
    if coh > top:  # every subset of size <= top certified by coherence
        lower, exact = (dim + 1, True) if n > dim else (math.inf, True)
        cert["from"] = "coherence"
    else:
        G = None
        used = 0
        s = int(coh)
        cert["from"] = "coherence"
        while s <= top:
            count = math.comb(n, s)
            if used + count > max_supports:
                cert["stopped"] = f"C({n}, {s}) = {count} subsets exceed the budget max_supports={max_supports}"
                break
            used += count
            if G is None:
                G = arr.T @ arr
            margin = 10.0 * s * (s + dim + 3) * _EPS
            dep = None
            for sup, lam in _lambda_min_batches(G, s, n):
                bad = np.flatnonzero(lam <= margin)
                if bad.size:
                    dep = (tuple(int(v) for v in sup[bad[0]]), float(lam[bad[0]]))
                    break
            if dep is not None:
                lower, exact = s, True
                cert.update(
                    {"from": "enumeration", "dependent_support": dep[0], "lambda_min": dep[1], "margin": margin}
                )
                break
            lower = s + 1
            cert["from"] = "enumeration"
            s += 1
        else:
            lower, exact = (dim + 1, True) if n > dim else (math.inf, True)
        cert["subsets_checked"] = used
    value: Any = lower if math.isinf(lower) else int(lower)
    name = "coherence + enumeration" if cert["from"] == "enumeration" else "coherence"
    if "dependent_support" in cert:
        name += " (dependent support found numerically)"
    return Certificate(
        value,
        name,
        DONOHO_ELAD,
        kind="lower",
        quantity="spark",
        valid=True,
        condition="none (spark >= 1 + 1/mu always)",
        params={"dim": dim, "n": n, "mu": mu},
        rigorous=True,
        exact=exact,
        certificate=cert,
    )


def rip_uniqueness_bound(
    D: ArrayLike, *, k_max: int | None = None, method: str = "best", **rip_kwargs: Any
) -> Certificate:
    r"""Largest ``k`` for which a rigorous restricted-eigenvalue bound proves uniqueness of ``k``-sparse codes.

    With unit columns, if every ``2k`` columns have a Gram matrix with smallest eigenvalue
    :math:`\lambda_{\min}(G_S) > 0` (the lower restricted isometry constant is below 1; in
    particular whenever :math:`\delta_{2k} < 1`), every ``2k`` columns are independent:
    :math:`\mathrm{spark} > 2k`, and two ``k``-sparse codes with the same signal coincide. The lower
    bound on :math:`\min_{|S| = 2k}\lambda_{\min}(G_S)` comes from
    :func:`theory.interference.rip_constant` (``method="best"``: exact enumeration when affordable,
    minus a rounding margin :math:`10\,(2k)(2k+\mathrm{dim}+3)\varepsilon`; otherwise its
    solver-independent SDP certificate; for other methods :math:`1 - \delta_{2k}^{\mathrm{upper}}`).
    ``k`` increases from 1 until the certificate fails or ``2k > min(n, dim)``.

    Parameters
    ----------
    D : array_like, shape (dim, n), n >= 2
    k_max : int, optional
        Largest ``k`` tried (default ``min(n, dim) // 2``).
    method : str
        Passed to :func:`~theory.interference.rip_constant`.
    **rip_kwargs
        Passed to :func:`~theory.interference.rip_constant` (``max_supports``, ``solver``, ``rng``).

    Returns
    -------
    Certificate
        ``value`` = the certified ``k`` (0 when not even pairs are certified independent);
        ``rigorous`` reflects the RIP bounds used; ``certificate`` holds the eigenvalue lower bounds.

    Examples
    --------
    >>> from theory.geometry import paley_etf
    >>> rip_uniqueness_bound(paley_etf(5)).value   # spark 4: 1-sparse codes are unique, 2-sparse need spark > 4
    1

    References
    ----------
    .. [1] Candes, E. J. and Tao, T. (2005). Decoding by linear programming. IEEE Trans. Inf.
       Theory 51(12), 4203-4215. doi:10.1109/TIT.2005.858979
    .. [2] Donoho, D. L. and Elad, M. (2003). PNAS 100(5), 2197-2202. doi:10.1073/pnas.0437847100
    """
    from theory.interference import rip_constant

    arr = check_dictionary(D, "D", normalize=True)
    dim, n = arr.shape
    if n < 2:
        raise ValueError(f"D must have at least 2 columns (atoms), got shape {arr.shape}")
    top = min(n, dim) // 2
    k_max = top if k_max is None else check_int(k_max, "k_max", minimum=1)
    k_max = min(k_max, top)
    best = 0
    rigorous = True
    lams: dict[int, float] = {}
    for k in range(1, k_max + 1):
        b = rip_constant(arr, k=2 * k, method=method, **rip_kwargs)
        if b.exact:
            lam = float(b.certificate["lambda_min"]) - 10.0 * 2 * k * (2 * k + dim + 3) * _EPS
        elif "sdp" in b.certificate:
            lam = float(b.certificate["sdp"]["min"]["value"])
        else:
            lam = 1.0 - float(b.upper)
        lams[2 * k] = lam
        if not lam > 0.0:
            break
        best = k
        rigorous = rigorous and bool(b.rigorous)
    return Certificate(
        best,
        "rip",
        cite("candes_tao2005", "donoho_elad2003"),
        kind="lower",
        quantity="sparsity with a unique sparsest representation",
        valid=best >= 1,
        condition="lambda_min(G_S) > 0 for |S| = 2",
        params={"dim": dim, "n": n, "method": method},
        rigorous=rigorous,
        certificate={"lambda_min_lower": lams},
    )


def thresholding_condition(D: ArrayLike, *, k: int, nonnegative: bool = False) -> Certificate:
    r"""Dynamic range above which one-pass thresholding recovers every ``k``-sparse support.

    Thresholding keeps the ``k`` largest entries of :math:`|D^\top y|` (of :math:`D^\top y` for
    nonnegative codes, as a ReLU/top-k encoder does). For a ``k``-sparse code ``x`` on support
    ``S`` with :math:`x_{\min} \le |x_i| \le x_{\max}` on ``S`` and unit atoms of coherence
    :math:`\mu`,

    .. math::
        |\langle d_i, y\rangle| \ge x_{\min} - (k-1)\mu x_{\max}\ (i\in S), \qquad
        |\langle d_j, y\rangle| \le k\mu x_{\max}\ (j\notin S),

    so the support is recovered whenever

    .. math:: \frac{x_{\min}}{x_{\max}} > (2k-1)\mu,

    which can hold only when :math:`(2k-1)\mu < 1` (``valid``). The argument per atom gives
    the slightly sharper, attained threshold :math:`2(k-1)\mu/(1-\mu)
    = (2k-1)\mu - \mu(1-(2k-1)\mu)/(1-\mu)`, stored in ``certificate["sharp"]`` (see
    :func:`thresholding_witness` and ``theory/proofs/thresholding.py``). With ``nonnegative=True`` the
    signed version :math:`k\mu_+ + (k-1)\mu_-` is also reported (``certificate["signed"]``),
    where :math:`\mu_\pm` are the largest positive and negative cosines; it is at most
    :math:`(2k-1)\mu`. Unlike basis pursuit or OMP, the condition depends on the code's dynamic
    range :math:`x_{\min}/x_{\max}`, the amortisation gap in condition form.

    Parameters
    ----------
    D : array_like, shape (dim, n), n >= 2
    k : int
        Sparsity, ``1 <= k <= n``.
    nonnegative : bool
        Codes are nonnegative and the encoder thresholds signed correlations.

    Returns
    -------
    Certificate
        ``value`` = :math:`(2k-1)\bar\mu` with the rigorous :math:`\bar\mu \ge \mu` (``kind="upper"``:
        the smallest ratio that guarantees recovery is at most this); ``valid`` = the
        condition is satisfiable, :math:`(2k-1)\bar\mu < 1`.

    Examples
    --------
    >>> from theory.geometry import paley_etf
    >>> c = thresholding_condition(paley_etf(13), k=2)    # 3 / sqrt(13)
    >>> round(c.value, 6), c.valid
    (0.83205, True)
    >>> thresholding_condition(paley_etf(13), k=3).valid  # 5 / sqrt(13) > 1
    False

    References
    ----------
    .. [1] Schnass, K. and Vandergheynst, P. (2008). Dictionary preconditioning for greedy
       algorithms. IEEE Transactions on Signal Processing 56(5), 1994-2002.
       doi:10.1109/TSP.2007.911494
    .. [2] Gribonval, R., Rauhut, H., Schnass, K. and Vandergheynst, P. (2008). Atoms of all
       channels, unite! Average case analysis of multi-channel sparse recovery using greedy
       algorithms. J. Fourier Anal. Appl. 14(5), 655-687. doi:10.1007/s00041-008-9044-y
    """
    arr = check_dictionary(D, "D", normalize=True)
    dim, n = arr.shape
    k = check_int(k, "k", minimum=1)
    if k > n:
        raise ValueError(f"k must be an integer in [1, {n}], got {k} (D has n={n} columns)")
    if not isinstance(nonnegative, (bool, np.bool_)):
        raise TypeError(f"nonnegative must be a bool, got {nonnegative!r}")
    mu, mu_up = coherence_upper(arr)
    exact_value = (2 * k - 1) * Fraction(mu_up)
    value = float(exact_value)
    if Fraction(value) < exact_value:  # round the threshold up, never down
        value = math.nextafter(value, math.inf)
    valid = exact_value < 1
    cert: dict[str, Any] = {
        "mu": mu,
        "mu_upper": mu_up,
        "sharp": (2 * (k - 1) * mu_up / (1 - mu_up)) if mu_up < 1 else math.inf,
    }
    if nonnegative:
        hi, lo = _signed_extremes(arr)
        margin = mu_up - mu
        mu_plus = min(1.0, max(0.0, hi) + margin)
        mu_minus = min(1.0, max(0.0, -lo) + margin)
        cert.update({"mu_plus": mu_plus, "mu_minus": mu_minus, "signed": k * mu_plus + (k - 1) * mu_minus})
    return Certificate(
        value,
        "thresholding",
        cite("schnass2008", "gribonval2008"),
        kind="upper",
        quantity="x_min/x_max needed by one-pass thresholding",
        valid=bool(valid),
        condition="(2k - 1) mu < 1",
        params={"dim": dim, "n": n, "k": k, "mu": mu},
        rigorous=True,
        certificate=cert,
    )


@dataclass(frozen=True)
class ThresholdingWitness:
    r"""A dictionary and a nonnegative ``k``-sparse code on which thresholding fails but OMP succeeds.

    Attributes
    ----------
    dictionary : ndarray, shape (k + 1, k + 1)
        Unit atoms with coherence exactly ``mu``; atom 0 is off the support.
    code : ndarray, shape (k + 1,)
        ``x_min = ratio`` on atom 1, ``x_max = 1`` on atoms ``2..k``, 0 on atom 0.
    signal : ndarray, shape (k + 1,)
        ``dictionary @ code``.
    support : tuple of int
        ``(1, ..., k)``.
    k : int
    mu, ratio : float
    sharp : float
        :math:`2(k-1)\mu/(1-\mu)`: thresholding fails on this witness iff ``ratio < sharp``.
    bound : float
        :math:`(2k-1)\mu`, the cited sufficient condition.
    thresholded : tuple of int
        The support that top-``k`` thresholding of :math:`D^\top y` returns.
    """

    dictionary: NDArray[np.float64] = field(repr=False)
    code: NDArray[np.float64] = field(repr=False)
    signal: NDArray[np.float64] = field(repr=False)
    support: tuple[int, ...]
    k: int
    mu: float
    ratio: float
    sharp: float
    bound: float
    thresholded: tuple[int, ...]

    @property
    def fails(self) -> bool:
        """Whether thresholding misses the support on this witness."""
        return set(self.thresholded) != set(self.support)

    def __str__(self) -> str:
        state = "fails" if self.fails else "succeeds"
        return (
            f"thresholding witness k={self.k}, mu={self.mu:.6g}: ratio {self.ratio:.6g} "
            f"(sharp {self.sharp:.6g}, (2k-1)mu {self.bound:.6g}); thresholding {state}, "
            f"picks {self.thresholded} for support {self.support}"
        )


def thresholding_witness(*, k: int, mu: float, ratio: float | None = None) -> ThresholdingWitness:
    r"""An explicit dictionary and code just past the thresholding condition where thresholding fails.

    Atoms ``0..k`` with Gram matrix :math:`\langle d_0, d_i\rangle = \mu` (``i`` in the support
    ``1..k``), :math:`\langle d_1, d_i\rangle = -\mu` (``i = 2..k``), all other off-diagonal
    entries 0; it is positive definite when :math:`(2k-1)\mu < 1`, so ``D`` is its Cholesky
    factor (``dim = n = k + 1``) and has coherence exactly :math:`\mu`. With
    :math:`x_1 = x_{\min}`, :math:`x_2 = \dots = x_k = x_{\max} = 1`:

    .. math::
        \langle d_1, y\rangle = x_{\min} - (k-1)\mu\, x_{\max}, \qquad
        \langle d_0, y\rangle = \mu x_{\min} + (k-1)\mu\, x_{\max},

    the worst cases of the two bounds of :func:`thresholding_condition` (the off-support atom
    cannot collect :math:`k\mu x_{\max}` because one support entry is :math:`x_{\min}`).
    Thresholding therefore misses atom 1 exactly when :math:`x_{\min}/x_{\max} < 2(k-1)\mu/(1-\mu)`
    (``sharp``, at most :math:`(2k-1)\mu`), while OMP and basis pursuit recover every ``k``-sparse
    code because :math:`(2k-1)\mu < 1` (Tropp 2004).

    Parameters
    ----------
    k : int
        Sparsity, ``k >= 2`` (one-sparse supports are always found when :math:`\mu < 1`).
    mu : float
        Coherence, ``0 < mu < 1/(2k - 1)``.
    ratio : float, optional
        :math:`x_{\min}/x_{\max}` in ``(0, 1]``; default ``0.9 * sharp`` (thresholding fails).

    Returns
    -------
    ThresholdingWitness

    Examples
    --------
    >>> w = thresholding_witness(k=3, mu=0.1)
    >>> round(w.sharp, 6), round(w.bound, 6), w.fails, w.thresholded
    (0.444444, 0.5, True, (0, 2, 3))
    >>> thresholding_witness(k=3, mu=0.1, ratio=0.45).fails
    False

    References
    ----------
    .. [1] Schnass, K. and Vandergheynst, P. (2008). Dictionary preconditioning for greedy
       algorithms. IEEE Transactions on Signal Processing 56(5), 1994-2002.
       doi:10.1109/TSP.2007.911494
    .. [2] Tropp, J. A. (2004). Greed is good: algorithmic results for sparse approximation.
       IEEE Trans. Inf. Theory 50(10), 2231-2242. doi:10.1109/TIT.2004.834793
    """
    k = check_int(k, "k", minimum=2, maximum=10**4)  # the witness dictionary is (k + 1, k + 1)
    mu = check_real(mu, "mu", minimum=0.0, strict_min=True)
    if not (2 * k - 1) * mu < 1:
        raise ValueError(f"mu must satisfy (2k - 1) mu < 1, i.e. mu < {1 / (2 * k - 1):.6g} for k = {k}, got {mu}")
    sharp = 2 * (k - 1) * mu / (1 - mu)
    if ratio is None:
        ratio = 0.9 * sharp
    ratio = check_probability(ratio, "ratio", allow_zero=False)
    n = k + 1
    G = np.eye(n)
    G[0, 1:] = G[1:, 0] = mu
    G[1, 2:] = G[2:, 1] = -mu
    D = np.linalg.cholesky(G).T  # columns have Gram G
    D = D / np.linalg.norm(D, axis=0)
    code = np.zeros(n)
    code[1] = ratio
    code[2:] = 1.0
    y = D @ code
    corr = D.T @ y
    top = np.sort(np.argsort(-corr, kind="stable")[:k])
    return ThresholdingWitness(
        D,
        code,
        y,
        tuple(range(1, n)),
        k,
        mu,
        float(ratio),
        float(sharp),
        float((2 * k - 1) * mu),
        tuple(int(v) for v in top),
    )

r"""Sweep cells of the circuits experiments (U-AND error and capacity against width, depth) and the fits.

Each ``*_cell(params, rng)`` is a module-level function returning JSON data, for
:func:`theory.sweep.sweep`. :func:`fit_power_law` fits ``log y = a + b log x`` by least squares
and reports the exponent ``b`` with a Student-t confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray
from scipy import stats

from theory._validation import as_rng, check_array, check_int
from theory.circuits.circuit import random_circuit
from theory.circuits.compile import compile_circuit, simulate
from theory.circuits.moments import uand_error_moments
from theory.circuits.uand import embed_features, sparse_inputs, uand

__all__ = ["AllPairsErrors", "AllPairsUnionBound", "PowerLawFit", "all_pairs_errors",
           "all_pairs_union_bound", "capacity_basis_cell", "capacity_cell", "capacity_embedded_cell",
           "depth_bound_cell", "depth_cell", "embedded_readout", "fit_power_law", "width_cell"]


@dataclass(frozen=True)
class PowerLawFit:
    """``y ≈ C x^exponent``, fitted by least squares on logs.

    Attributes
    ----------
    exponent : float
    ci : (float, float)
        Confidence interval of the exponent (Student-t on the regression standard error).
    prefactor : float
        ``C``.
    n : int
        Number of points.
    """

    exponent: float
    ci: tuple[float, float]
    prefactor: float
    n: int

    def __str__(self) -> str:
        return (f"exponent {self.exponent:.3f} [{self.ci[0]:.3f}, {self.ci[1]:.3f}] "
                f"(95% CI, {self.n} points), prefactor {self.prefactor:.3g}")


def fit_power_law(x: Sequence[float], y: Sequence[float], confidence: float = 0.95) -> PowerLawFit:
    r"""Fit :math:`y = C x^b` by ordinary least squares of :math:`\log y` on :math:`\log x`.

    Parameters
    ----------
    x, y : sequence of float, shape (n,)
        Positive values, ``n >= 3``.
    confidence : float

    Returns
    -------
    PowerLawFit

    Examples
    --------
    >>> f = fit_power_law([1, 2, 4, 8], [3, 12, 48, 192])
    >>> round(f.exponent, 6), round(f.prefactor, 6)
    (2.0, 3.0)
    """
    xa = check_array(x, "x", ndim=1)
    ya = check_array(y, "y", ndim=1)
    if xa.shape != ya.shape or len(xa) < 3:
        raise ValueError(f"x and y must have the same length >= 3, got {len(xa)} and {len(ya)}")
    if np.any(xa <= 0) or np.any(ya <= 0):
        raise ValueError("x and y must be positive for a power-law fit")
    lx, ly = np.log(xa), np.log(ya)
    res = stats.linregress(lx, ly)
    tq = stats.t.ppf(0.5 + confidence / 2, len(xa) - 2)
    half = float(tq * res.stderr) if len(xa) > 2 else math.inf
    return PowerLawFit(exponent=float(res.slope), ci=(float(res.slope - half), float(res.slope + half)),
                       prefactor=float(math.exp(res.intercept)), n=len(xa))


def width_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Error of the AND read-off vs width ``d`` (basis-aligned inputs).

    ``params``: ``m``, ``d``, ``s``, ``kind``, ``p`` (Bernoulli, float), ``trials``. Each trial
    draws a fresh network and an ``s``-sparse input and reads every pair touching an active
    input. Returns the measured and the exactly predicted RMS error of the both-active and
    one-active pairs.
    """
    m, d, s, kind, trials = params["m"], params["d"], params["s"], params["kind"], params["trials"]
    p = params.get("p")
    e2, e1 = [], []
    for _ in range(trials):
        net = uand(m=m, d=d, kind=kind, p=p if kind == "bernoulli" else None, s=s, rng=rng)
        x = sparse_inputs(m=m, s=s, batch=1, rng=rng)[0]
        act = np.flatnonzero(x)
        ina = np.flatnonzero(x == 0)
        both = np.array([(act[i], act[j]) for i in range(s) for j in range(i + 1, s)])
        one = np.stack([np.repeat(act, len(ina)), np.tile(ina, s)], axis=1)
        one = np.sort(one, axis=1)
        a = net.forward(x)
        yb = net.read(a, both)
        yo = net.read(a, one)
        if kind == "bernoulli":   # the moments are conditional on coverage
            yb = yb[net.coverage(both) > 0]
            yo = yo[net.coverage(one) > 0]
        e2.extend((yb - 1.0).tolist())
        e1.extend(yo.tolist())
    e2a, e1a = np.array(e2), np.array(e1)
    kw = {"p": p} if kind == "bernoulli" else {"kind": kind}
    m2 = uand_error_moments(d=d, s=s, active=2, **kw)
    m1 = uand_error_moments(d=d, s=s, active=1, **kw)
    return {"rms_both": float(np.sqrt(np.mean(e2a ** 2))), "rms_one": float(np.sqrt(np.mean(e1a ** 2))),
            "mean_both": float(e2a.mean()), "mean_one": float(e1a.mean()),
            "n_both": len(e2a), "n_one": len(e1a),
            "pred_rms_both": m2.rms, "pred_rms_one": m1.rms,
            "pred_mean_both": m2.mean, "pred_mean_one": m1.mean}


def capacity_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Per-gate error rates of U-AND on inputs in superposition at one ``(d, m, p)``.

    ``params``: ``m``, ``d`` (neurons), ``dim`` (residual dimension; 0 = basis-aligned), ``s``,
    ``p``, ``trials``, ``n_inactive``. Each trial draws a fresh network (and embedding) and an
    ``s``-sparse input, and reads every pair touching an active input plus ``n_inactive`` random
    pairs of inactive inputs; a gate is wrong when ``|ŷ - y| > 1/2`` (wrong after rounding).
    Returns the wrong counts per class (both active, one active, none active).
    """
    m, d, dim, s, p = params["m"], params["d"], params["dim"], params["s"], params["p"]
    trials, n_in = params["trials"], params["n_inactive"]
    w = {"both": 0, "one": 0, "none": 0}
    n = {"both": 0, "one": 0, "none": 0}
    for _ in range(trials):
        emb = embed_features(m=m, dim=dim, rng=rng) if dim else None
        net = uand(m=m, d=d, p=p, embedding=emb, rng=rng)
        x = sparse_inputs(m=m, s=s, batch=1, rng=rng)[0]
        act = np.flatnonzero(x)
        ina = np.flatnonzero(x == 0)
        both = np.array([(act[i], act[j]) for i in range(s) for j in range(i + 1, s)],
                        dtype=np.int64).reshape(-1, 2)
        one = np.sort(np.stack([np.repeat(act, len(ina)), np.tile(ina, s)], axis=1), axis=1)
        rnd = np.sort(rng.choice(ina, size=(n_in, 2)), axis=1)
        rnd = rnd[rnd[:, 0] != rnd[:, 1]]
        a = net.forward(x)
        for key, pr, target in (("both", both, 1.0), ("one", one, 0.0), ("none", rnd, 0.0)):
            if len(pr):
                y = net.read(a, pr)
                w[key] += int(np.count_nonzero(np.abs(y - target) > 0.5))
                n[key] += len(pr)
    return {"wrong": w, "n": n}


def embedded_readout(*, m: int, dim: int, active: Any, rng: Any = 0) -> NDArray[np.float64]:
    r"""Sample the read-off :math:`\hat x = F^\top F x` of a Rademacher embedding without forming ``F``.

    For ``F_{ai} = ε_{ai}/\sqrt{dim}`` (:func:`~theory.circuits.embed_features`) and the active set
    ``A``, ``h = F x`` has entries :math:`v_a/\sqrt{dim}` with :math:`v_a = Σ_{j∈A} ε_{aj}`. An
    inactive feature's signs are independent of ``h``, so, writing ``n_v`` for the number of
    coordinates with :math:`|v_a| = v`,

    .. math::

        \hat x_i = \frac{1}{dim}\sum_{v \ge 1} v\,(2 B_v - n_v), \quad
        B_v \sim \mathrm{Bin}(n_v, 1/2) \text{ independent} \qquad (i \notin A),

    the same law as the explicit product, at cost ``O(m + s·dim)`` instead of ``O(m·dim)``.
    Active features are computed from their drawn columns, :math:`\hat x_i = \langle f_i, h\rangle`.

    Parameters
    ----------
    m : int
        Number of features.
    dim : int
        Embedding dimension.
    active : array_like of int, shape (s,)
        Distinct indices of the active features.
    rng : int or Generator

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> xh = embedded_readout(m=1000, dim=400, active=[3, 7], rng=0)
    >>> xh.shape, bool(abs(xh[3] - 1) < 0.25), bool(abs(xh[0]) < 0.25)
    ((1000,), True, True)

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451 (inputs in superposition).
    """
    m = check_int(m, "m", minimum=1)
    dim = check_int(dim, "dim", minimum=1)
    act = np.asarray(active)
    if act.ndim != 1 or (act.size and (act.dtype.kind not in "iu" or act.min() < 0 or act.max() >= m)):
        raise ValueError(f"active must be a 1-D array of indices in [0, {m - 1}], got {active!r}")
    if len(np.unique(act)) != len(act):
        raise ValueError("active must hold distinct indices")
    gen = as_rng(rng)
    eps = 2.0 * gen.integers(0, 2, size=(dim, len(act))) - 1.0        # active columns * sqrt(dim)
    v = eps.sum(axis=1)                                                # sqrt(dim) h
    out = np.empty(m)
    inactive = np.ones(m, dtype=bool)
    inactive[act] = False
    n_in = int(inactive.sum())
    acc = np.zeros(n_in)
    counts = np.bincount(np.abs(v).astype(np.int64), minlength=len(act) + 1)
    for val in range(1, len(counts)):
        if counts[val]:
            acc += val * (2.0 * gen.binomial(counts[val], 0.5, size=n_in) - counts[val])
    out[inactive] = acc / dim
    out[act] = eps.T @ v / dim
    return out


def _bernoulli_csc(d: int, m: int, p: float, gen: np.random.Generator) -> sps.csc_matrix:
    """iid Bernoulli(p) 0/1 matrix of shape (d, m) in CSC form, drawn in O(d m p) time.

    The positions of the ones in column-major order are the partial sums of iid
    Geometric(p) gaps, which is exactly iid Bernoulli(p) per entry.
    """
    total = d * m
    pos = np.cumsum(gen.geometric(p, size=int(total * p + 6 * math.sqrt(total * p) + 16))) - 1
    while pos[-1] < total:
        more = np.cumsum(gen.geometric(p, size=int(total * p * 0.1) + 16)) + pos[-1]
        pos = np.concatenate([pos, more])
    pos = pos[pos < total]
    rows = (pos % d).astype(np.int32)
    indptr = np.searchsorted(pos, np.arange(m + 1, dtype=np.int64) * d).astype(np.int64)
    return sps.csc_matrix((np.ones(len(pos)), rows, indptr), shape=(d, m))


def capacity_embedded_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Per-gate error counts of U-AND on inputs in superposition, per network (fast exact sampler).

    Same model as :func:`capacity_cell` with ``dim > 0`` (Rademacher embedding, Bernoulli(``p``)
    U-AND on the read-off ``Fᵀ h``), with the read-off drawn by :func:`embedded_readout` so that
    large ``m·dim`` is cheap. ``params``: ``m``, ``d``, ``dim``, ``s``, ``p``, ``networks``,
    ``inputs`` (inputs per network; the embedding is redrawn for each, which is the same law for
    every single input), ``n_inactive``. Returns ``wrong`` and ``n``: per class (``both``,
    ``one``, ``none``) a list with one count per network, for a bootstrap over networks.
    """
    m, d, dim, s, p = params["m"], params["d"], params["dim"], params["s"], params["p"]
    w: dict[str, list[int]] = {"both": [], "one": [], "none": []}
    n: dict[str, list[int]] = {"both": [], "one": [], "none": []}
    for _ in range(params["networks"]):
        Wc = _bernoulli_csc(d, m, p, rng)
        bias = -1.0
        cw = {k: 0 for k in w}
        cn = {k: 0 for k in w}
        for _ in range(params["inputs"]):
            act = np.sort(rng.choice(m, size=s, replace=False))
            mask = np.ones(m, dtype=bool)
            mask[act] = False
            ina = np.flatnonzero(mask)
            xh = embedded_readout(m=m, dim=dim, active=act, rng=rng)
            a = np.maximum(Wc @ xh + bias, 0.0)
            both = np.array([(act[i], act[j]) for i in range(s) for j in range(i + 1, s)],
                            dtype=np.int64).reshape(-1, 2)
            rnd = np.sort(rng.choice(ina, size=(params["n_inactive"], 2)), axis=1)
            rnd = rnd[rnd[:, 0] != rnd[:, 1]]
            for i in act:      # pairs (i, j), j inactive: (Wᵀ diag(a) w_i) ⊘ (Wᵀ w_i), O(nnz)
                col = Wc[:, [i]].toarray().ravel()
                num = Wc.T @ (a * col)
                den = Wc.T @ col
                y = np.divide(num, den, out=np.zeros(m), where=den > 0)[mask]
                cw["one"] += int(np.count_nonzero(np.abs(y) > 0.5))
                cn["one"] += len(y)
            for key, pr, target in (("both", both, 1.0), ("none", rnd, 0.0)):
                if len(pr):
                    P = sps.csc_matrix(Wc[:, pr[:, 0]].multiply(Wc[:, pr[:, 1]]))
                    num = np.asarray(P.T @ a).ravel()
                    den = np.asarray(P.sum(axis=0)).ravel()
                    y = np.divide(num, den, out=np.zeros(len(pr)), where=den > 0)
                    cw[key] += int(np.count_nonzero(np.abs(y - target) > 0.5))
                    cn[key] += len(pr)
        for k in w:
            w[k].append(cw[k])
            n[k].append(cn[k])
    return {"wrong": w, "n": n}


def depth_bound_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Failures of a compiled AND/OR circuit per depth, one fresh network per input.

    ``params``: ``circuit_width``, ``depth``, ``circuit_seed``, ``width``, ``p``, ``s``,
    ``ec`` (``"dedicated"`` or ``"none"``), ``trials``. Each trial compiles a fresh network
    (basis-aligned) and draws one uniform ``s``-sparse input. Returns, for ``l = 1..L``, the
    number of trials in which some layer ``<= l`` is not exact (error > 1e-9), some layer
    ``<= l`` has an error above 1/4, and layer ``l`` has a node wrong after rounding (> 1/2).
    """
    c = random_circuit(width=params["circuit_width"], depth=params["depth"], ops=("AND", "OR"),
                       rng=params["circuit_seed"])
    L = c.depth
    inexact, above, wrong = np.zeros(L, dtype=int), np.zeros(L, dtype=int), np.zeros(L, dtype=int)
    ec = "dedicated" if params["ec"] == "dedicated" else False
    for _ in range(params["trials"]):
        net = compile_circuit(c, width=params["width"], p=params["p"], s=params["s"],
                              error_correction=ec, rng=rng)
        x = sparse_inputs(m=c.n_inputs, s=params["s"], batch=1, rng=rng)
        err = [float(np.abs(r - t).max()) for r, t in
               zip(net.forward(x)[1:], c.evaluate(x, all_layers=True)[1:], strict=True)]
        cum = np.maximum.accumulate(err)
        inexact += cum > 1e-9
        above += cum > 0.25
        wrong += np.array(err) > 0.5
    return {"inexact": inexact.tolist(), "above_quarter": above.tolist(), "wrong": wrong.tolist(),
            "trials": params["trials"]}


def depth_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Errors of a compiled random circuit across depth, with or without error correction.

    ``params``: ``circuit_width``, ``depth``, ``d``, ``dim`` (0 = basis-aligned), ``s``,
    ``ec`` (``"none"``, ``"superposed"``, ``"dedicated"``, or ``"superposed_old"``: the
    earlier uncentred layer with Bernoulli(``3 ln(m+1)/(d/2)``) wiring), ``samples``,
    ``circuit_seed``.
    """
    c = random_circuit(width=params["circuit_width"], depth=params["depth"], ops=("AND", "OR"),
                       rng=params["circuit_seed"])
    kw: dict[str, Any] = {}
    if params["ec"] == "superposed_old":
        kw = dict(ec_centre=False, ec_p=min(0.5, 3 * math.log(params["circuit_width"] + 1)
                                            / (params["d"] // 2)))
    ec = {"none": False, "superposed": True, "superposed_old": True,
          "dedicated": "dedicated"}[params["ec"]]
    net = compile_circuit(c, width=params["d"], dim=params["dim"] or None, error_correction=ec,
                          s=params["s"], rng=rng, **kw)
    st = simulate(net, c, s=params["s"], samples=params["samples"], rng=rng)
    return {"mean_abs": st.mean_abs.tolist(), "mean_abs_ci": st.mean_abs_ci.tolist(),
            "mean_abs_right": st.mean_abs_right.tolist(),
            "frac_wrong": st.frac_wrong.tolist(), "frac_samples_wrong": st.frac_samples_wrong.tolist(),
            "frac_samples_wrong_ci": st.frac_samples_wrong_ci.tolist(), "active": st.active.tolist(),
            "neurons": net.n_neurons, "params": net.n_params}


# --------------------------------------------------------------------------- all pairs, basis-aligned

#: Pair classes by how many of the pair's two inputs are active.
PAIR_CLASSES = ("both", "one", "none")


@dataclass(frozen=True)
class AllPairsErrors:
    """Exact errors of the read-off of all ``C(m, 2)`` pairwise ANDs on one basis-aligned input.

    Attributes
    ----------
    max_error : dict of str to float
        Largest :math:`|\\hat y_{ij} - y_{ij}|` over the pairs with both / one / no input active
        (keys ``"both"``, ``"one"``, ``"none"``; 0.0 for an empty class).
    n_wrong : dict of str to int
        Number of pairs of each class with :math:`|\\hat y_{ij} - y_{ij}| > tol`.
    n_pairs : dict of str to int
        Number of pairs of each class: ``C(s, 2)``, ``s (m - s)``, ``C(m - s, 2)``.
    tol : float
        The tolerance of ``n_wrong``.
    """

    max_error: dict[str, float]
    n_wrong: dict[str, int]
    n_pairs: dict[str, int]
    tol: float

    @property
    def max_abs_error(self) -> float:
        """Largest error over all ``C(m, 2)`` pairs."""
        return max(self.max_error.values())

    @property
    def all_right(self) -> bool:
        """True when no pair errs by more than ``tol``."""
        return not any(self.n_wrong.values())


def all_pairs_errors(net: Any, x: Any, *, tol: float = 0.5) -> AllPairsErrors:
    r"""Exact read-off errors of every pairwise AND of a Bernoulli U-AND on one basis-aligned input.

    For a Boolean input with active set ``A`` (``|A| = s``) neuron ``r`` has activation
    :math:`a_r = \max(|\{i \in A: W_{ri} = 1\}| - 1, 0)`, so only the neurons ``F`` wired to at
    least two active inputs fire, and

    .. math::

        \hat y_{ij} = \frac{1}{N_{ij}} \sum_{r \in F} W_{ri} W_{rj}\, a_r, \qquad
        N_{ij} = \sum_{r} W_{ri} W_{rj}

    (0 when ``N_ij = 0``) is non-zero only on the support of
    :math:`W_F^\top \mathrm{diag}(a_F) W_F`, which :meth:`~theory.circuits.UAnd.read_all_sparse`
    forms over the firing rows (with ``N_ij`` on that support only). Every other pair reads
    exactly 0: right unless both its inputs are active. A pair with both inputs active is covered
    only by firing neurons, so it is on the support iff ``N_ij >= 1``; otherwise it reads 0 (error
    1). The result equals the dense all-pairs read-off :meth:`~theory.circuits.UAnd.read`
    (:math:`(W^\top \mathrm{diag}(a) W) \oslash (W^\top W)`), at cost
    ``O(nnz(W_F) p m + |support| d / 64)`` instead of ``O(m² d)``.

    Parameters
    ----------
    net : UAnd
        A Bernoulli U-AND layer with ``fan_in=2`` and basis-aligned inputs (no embedding).
    x : array_like of {0, 1}, shape (m,)
        One Boolean input.
    tol : float
        A pair is counted wrong when :math:`|\hat y_{ij} - y_{ij}| > tol` (default 1/2: wrong
        after rounding).

    Returns
    -------
    AllPairsErrors

    Examples
    --------
    >>> from theory.circuits import uand
    >>> net = uand(m=300, d=2000, p=0.06, rng=0)
    >>> x = np.zeros(300, dtype=np.int8); x[[3, 17, 42]] = 1
    >>> e = all_pairs_errors(net, x)
    >>> e.n_pairs
    {'both': 3, 'one': 891, 'none': 43956}
    >>> Y = net.read(net.forward(x))                   # dense (m, m) read-off, same numbers
    >>> y = np.triu(np.outer(x, x), 1)
    >>> bool(e.max_abs_error == np.abs(np.triu(Y - y, 1)).max())
    True

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    from theory.circuits.uand import UAnd

    if not isinstance(net, UAnd):
        raise TypeError(f"net must be a UAnd, got {type(net).__name__}")
    if net.kind != "bernoulli" or net.fan_in != 2 or net.embedding is not None:
        raise ValueError("net must be a Bernoulli U-AND with fan_in=2 and basis-aligned inputs "
                         f"(no embedding), got {net!r}")
    xa = check_array(x, "x", ndim=1)
    if xa.shape[0] != net.m:
        raise ValueError(f"x must have m={net.m} entries, got shape {xa.shape}")
    if not np.all((xa == 0) | (xa == 1)):
        raise ValueError("x must be Boolean (entries 0 or 1)")
    tol = float(tol)
    if not (math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    active = xa.astype(bool)
    s, m = int(active.sum()), net.m
    n_pairs = {"both": s * (s - 1) // 2, "one": s * (m - s), "none": (m - s) * (m - s - 1) // 2}
    R = net.read_all_sparse(net.forward(xa))
    cls = active[R.row].astype(np.int64) + active[R.col]
    max_error, n_wrong = {}, {}
    for code, key in ((2, "both"), (1, "one"), (0, "none")):
        err = np.abs(R.data[cls == code] - (1.0 if code == 2 else 0.0))
        max_error[key] = float(err.max(initial=0.0))
        n_wrong[key] = int(np.count_nonzero(err > tol))
    uncovered = n_pairs["both"] - int(np.count_nonzero(cls == 2))
    if uncovered:                       # both active, no neuron wired to both: reads 0
        max_error["both"] = 1.0
        n_wrong["both"] += uncovered if 1.0 > tol else 0
    return AllPairsErrors(max_error=max_error, n_wrong=n_wrong, n_pairs=n_pairs, tol=tol)


@dataclass(frozen=True)
class AllPairsUnionBound:
    r"""Union bound on the probability that some pairwise AND of a Bernoulli U-AND is wrong.

    Attributes
    ----------
    value : float
        :math:`\min(1, \text{total})`: bound on P(some pair errs by more than ``t``) over the
        weights, for any fixed ``s``-sparse input (hence also for a uniform one).
    total : float
        :math:`\sum_{\text{pairs}} P(\text{pair wrong})`, which is exactly the expected number of
        wrong pairs.
    q : dict of str to float
        Exact probability that one pair of the class (``"both"``, ``"one"``, ``"none"`` inputs
        active) errs by more than ``t`` (:func:`~theory.circuits.uand_gate_error_prob`, both sides).
    n_pairs : dict of str to int
        ``C(s, 2)``, ``s (m - s)``, ``C(m - s, 2)``.
    expected_wrong : dict of str to float
        ``n_pairs · q`` per class.
    params : dict
    citation : str
    """

    value: float
    total: float
    q: dict[str, float]
    n_pairs: dict[str, int]
    expected_wrong: dict[str, float]
    params: dict[str, Any]
    citation: str = ("Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in "
                     "Superposition. arXiv:2408.05451")

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return (f"P(some pairwise AND wrong) <= {self.value:.6g} (union bound; expected wrong pairs "
                f"{self.total:.6g}; {where})")

    def m_max(self, delta: float) -> float | None:
        r"""Largest (real) ``m`` at which the bound is at most ``delta``, at this ``d``, ``p``, ``s``.

        The per-pair probabilities do not depend on ``m``, so with ``u = m - s`` the total is
        :math:`C(s,2) q_2 + s u\, q_1 + u(u-1) q_0/2`, solved for ``total = delta``. ``None`` when
        even the ``C(s, 2)`` active pairs alone exceed ``delta``; ``inf`` when nothing can fail.
        """
        delta = _check_open_unit(delta, "delta")
        s = self.params["s"]
        a = s * (s - 1) / 2 * self.q["both"] - delta
        b, c = s * self.q["one"], self.q["none"]
        if a > 0:
            return None
        if c == 0:
            return math.inf if b == 0 else s + (-a) / b
        # c/2 u^2 + (b - c/2) u + a = 0, positive root
        bb = b - c / 2
        u = (-bb + math.sqrt(bb * bb - 2 * c * a)) / c
        return float(s + u)


def _check_open_unit(value: Any, name: str) -> float:
    """``value`` as a float in the open interval (0, 1), else ValueError naming it."""
    v = float(value)
    if not (0 < v < 1):
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")
    return v


def all_pairs_union_bound(*, m: int, d: int, p: float, s: int, t: float = 0.5) -> AllPairsUnionBound:
    r"""Exact union bound on P(some of the ``C(m, 2)`` pairwise ANDs errs by more than ``t``).

    Bernoulli U-AND, basis-aligned input with ``s`` active inputs. By symmetry every pair of a
    class has the same error law, given exactly by :func:`~theory.circuits.uand_gate_error_prob`
    (unconditional over the weights; an uncovered pair reads 0), so

    .. math::

        P(\exists\, ij:\ |\hat y_{ij} - y_{ij}| > t) \le
        \binom{s}{2} q_2 + s(m-s)\, q_1 + \binom{m-s}{2} q_0
        = E[\#\{ij:\ |\hat y_{ij} - y_{ij}| > t\}],

        q_j = P(\hat y - y > t) + P(\hat y - y < -t) \text{ for a pair with } j
        \text{ active inputs}.

    The sum is exactly the expected number of wrong pairs; the bound is tight when wrong pairs
    rarely occur together.

    Parameters
    ----------
    m : int
        Inputs (``m >= s``).
    d : int
        Neurons.
    p : float
        Connection probability.
    s : int
        Active inputs, ``s >= 0``.
    t : float
        Tolerance (``1/2``: wrong after rounding).

    Returns
    -------
    AllPairsUnionBound

    Examples
    --------
    >>> b = all_pairs_union_bound(m=200, d=16000, p=0.0276, s=3)
    >>> b.n_pairs
    {'both': 3, 'one': 591, 'none': 19306}
    >>> round(b.value, 3), round(b.m_max(0.05))
    (0.06, 169)

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    from theory._validation import check_probability, check_real
    from theory.circuits.moments import uand_gate_error_prob

    s = check_int(s, "s", minimum=0)
    m = check_int(m, "m", minimum=max(2, s))
    d = check_int(d, "d", minimum=1)
    p = check_probability(p, "p", allow_zero=False)
    t = check_real(t, "t", minimum=0)
    n_pairs = {"both": s * (s - 1) // 2, "one": s * (m - s), "none": (m - s) * (m - s - 1) // 2}
    q = {}
    for key, j in (("both", 2), ("one", 1), ("none", 0)):
        if j > s:
            q[key] = 0.0
            continue
        q[key] = sum(uand_gate_error_prob(d=d, p=p, s=s, active=j, t=t, side=side)
                     for side in ("above", "below"))
    exp_w = {k: n_pairs[k] * q[k] for k in PAIR_CLASSES}
    total = float(sum(exp_w.values()))
    return AllPairsUnionBound(value=min(1.0, total), total=total, q=q, n_pairs=n_pairs,
                              expected_wrong=exp_w, params=dict(m=m, d=d, p=p, s=s, t=t))


def _bernoulli_uand(m: int, d: int, p: float, gen: np.random.Generator) -> Any:
    """A Bernoulli(p) U-AND layer (fan-in 2, bias -1) with weights drawn by :func:`_bernoulli_csc`.

    The same law as :func:`~theory.circuits.uand` (iid Bernoulli(p) weights), drawn in
    ``O(d m p)`` time.
    """
    from theory.circuits.uand import UAnd

    W = sps.csr_matrix(_bernoulli_csc(d, m, p, gen))
    return UAnd(kind="bernoulli", W=W, bias=np.full(d, -1.0), fan_in=2, p=p, embedding=None,
                pairs=None, calibration_s=None)


def capacity_basis_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """All-pairs correctness of a Bernoulli U-AND on basis-aligned inputs at one ``(d, m, p)``.

    ``params``: ``m``, ``d``, ``s``, ``p``, ``networks``, ``inputs`` (uniform ``s``-sparse
    inputs per network). Each network has iid Bernoulli(``p``) weights (fan-in 2, bias -1); every
    one of the ``C(m, 2)`` pairwise ANDs of every input is read exactly by
    :func:`all_pairs_errors`. Returns ``max_error``: per class (``both``, ``one``, ``none``) a
    list with the largest error of each (network, input) sample, network-major (any tolerance can
    be applied afterwards); ``n_wrong``: per class, per network, the number of pairs wrong after
    rounding (``|ŷ - y| > 1/2``) summed over its inputs; ``n_pairs``: pairs per class and sample;
    ``cpu_s``: the cell's CPU time (the only entry that is not a function of the seed).
    """
    import time

    t0 = time.process_time()
    m, d, s, p = params["m"], params["d"], params["s"], params["p"]
    max_err: dict[str, list[float]] = {k: [] for k in PAIR_CLASSES}
    n_wrong: dict[str, list[int]] = {k: [] for k in PAIR_CLASSES}
    n_pairs: dict[str, int] = {}
    for _ in range(params["networks"]):
        net = _bernoulli_uand(m, d, p, rng)
        cw = dict.fromkeys(PAIR_CLASSES, 0)
        for _ in range(params["inputs"]):
            x = np.zeros(m, dtype=np.int8)
            x[rng.choice(m, size=s, replace=False)] = 1
            e = all_pairs_errors(net, x, tol=0.5)
            n_pairs = e.n_pairs
            for k in PAIR_CLASSES:
                max_err[k].append(e.max_error[k])
                cw[k] += e.n_wrong[k]
        for k in PAIR_CLASSES:
            n_wrong[k].append(cw[k])
    return {"max_error": max_err, "n_wrong": n_wrong, "n_pairs": n_pairs,
            "cpu_s": time.process_time() - t0}

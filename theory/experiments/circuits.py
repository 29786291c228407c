r"""Sweep cells of the circuits experiments (U-AND error and capacity against width, depth) and the fits.

Each ``*_cell(params, rng)`` is a module-level function returning JSON data, for
:func:`theory.sweep.sweep`. :func:`fit_power_law` fits ``log y = a + b log x`` by least squares
and reports the exponent ``b`` with a Student-t confidence interval.

The experiment drivers (:func:`width_scaling`, :func:`capacity_scaling`, :func:`capacity_fit`,
:func:`capacity_basis`, :func:`depth_errors`, :func:`depth_bound_check`,
:func:`adler_shavit_comparison`, :func:`compressed_computation`) build a grid, run a cell through
the sweep (``store`` makes them resumable), fit and summarise; each returns a small frozen result
with ``to_dict()``/``from_dict()`` and a printed summary. ``benchmarks/circuits.py`` and
``benchmarks/circuits_compressed.py`` are command lines over them; ``theory reproduce`` runs them
by name.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from theory._fit import fit_loglog
from theory._references import cite
from theory._validation import as_rng, check_array, check_bool, check_int, check_real
from theory.circuits.circuit import random_circuit
from theory.circuits.compile import ErrorCorrection, compile_circuit, simulate
from theory.circuits.moments import uand_error_moments
from theory.circuits.uand import embed_features, sparse_inputs, uand
from theory.experiments._runner import as_runner
from theory.experiments._summary import Summary as _Section
from theory.experiments._summary import run_cells as _run
from theory.sweep import Runner

__all__ = [
    "AdlerShavitComparison",
    "AllPairsErrors",
    "AllPairsUnionBound",
    "CapacityBasis",
    "CapacityFit",
    "CapacityScaling",
    "CompressedComputation",
    "DepthBoundCheck",
    "DepthErrors",
    "PowerLawFit",
    "WidthScaling",
    "adler_shavit_comparison",
    "all_pairs_errors",
    "all_pairs_union_bound",
    "capacity_basis",
    "capacity_basis_cell",
    "capacity_basis_grid",
    "capacity_cell",
    "capacity_embedded_cell",
    "capacity_fit",
    "capacity_fit_grid",
    "capacity_scaling",
    "compressed_computation",
    "depth_bound_cell",
    "depth_bound_check",
    "depth_cell",
    "depth_errors",
    "embedded_readout",
    "fit_power_law",
    "width_cell",
    "width_scaling",
]


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
        return (
            f"exponent {self.exponent:.3f} [{self.ci[0]:.3f}, {self.ci[1]:.3f}] "
            f"(95% CI, {self.n} points), prefactor {self.prefactor:.3g}"
        )


def fit_power_law(x: ArrayLike, y: ArrayLike, confidence: float = 0.95) -> PowerLawFit:
    r"""Fit :math:`y = C x^b` by ordinary least squares of :math:`\log y` on :math:`\log x`.

    The interval is the Student-t interval :math:`\hat b \pm t_{(1+\text{confidence})/2,\,n-2}\,
    \operatorname{se}(\hat b)` (no bootstrap), computed by the shared core
    ``theory._fit.fit_loglog``.

    Parameters
    ----------
    x, y : array_like of float, shape (n,)
        Positive values, ``n >= 3``, ``x`` not all equal.
    confidence : float
        Level of the interval, in (0, 1).

    Returns
    -------
    PowerLawFit

    Examples
    --------
    >>> f = fit_power_law([1, 2, 4, 8], [3, 12, 48, 192])
    >>> round(f.exponent, 6), round(f.prefactor, 6)
    (2.0, 3.0)
    """
    confidence = check_real(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    f = fit_loglog(check_array(x, "x", ndim=1), y, level=confidence)
    return PowerLawFit(exponent=f.slope, ci=f.ci[0], prefactor=f.prefactor, n=f.n)


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
        if kind == "bernoulli":  # the moments are conditional on coverage
            yb = yb[net.coverage(both) > 0]
            yo = yo[net.coverage(one) > 0]
        e2.extend((yb - 1.0).tolist())
        e1.extend(yo.tolist())
    e2a, e1a = np.array(e2), np.array(e1)
    kw = {"p": p} if kind == "bernoulli" else {"kind": kind}
    m2 = uand_error_moments(d=d, s=s, active=2, **kw)
    m1 = uand_error_moments(d=d, s=s, active=1, **kw)
    return {
        "rms_both": float(np.sqrt(np.mean(e2a**2))),
        "rms_one": float(np.sqrt(np.mean(e1a**2))),
        "mean_both": float(e2a.mean()),
        "mean_one": float(e1a.mean()),
        "n_both": len(e2a),
        "n_one": len(e1a),
        "pred_rms_both": m2.rms,
        "pred_rms_one": m1.rms,
        "pred_mean_both": m2.mean,
        "pred_mean_one": m1.mean,
    }


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
        both = np.array([(act[i], act[j]) for i in range(s) for j in range(i + 1, s)], dtype=np.int64).reshape(-1, 2)
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
    eps = 2.0 * gen.integers(0, 2, size=(dim, len(act))) - 1.0  # active columns * sqrt(dim)
    v = eps.sum(axis=1)  # sqrt(dim) h
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
            both = np.array([(act[i], act[j]) for i in range(s) for j in range(i + 1, s)], dtype=np.int64).reshape(
                -1, 2
            )
            rnd = np.sort(rng.choice(ina, size=(params["n_inactive"], 2)), axis=1)
            rnd = rnd[rnd[:, 0] != rnd[:, 1]]
            for i in act:  # pairs (i, j), j inactive: (Wᵀ diag(a) w_i) ⊘ (Wᵀ w_i), O(nnz)
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
    c = random_circuit(
        width=params["circuit_width"], depth=params["depth"], ops=("AND", "OR"), rng=params["circuit_seed"]
    )
    L = c.depth
    inexact, above, wrong = np.zeros(L, dtype=int), np.zeros(L, dtype=int), np.zeros(L, dtype=int)
    ec = "dedicated" if params["ec"] == "dedicated" else False
    for _ in range(params["trials"]):
        net = compile_circuit(c, width=params["width"], p=params["p"], s=params["s"], error_correction=ec, rng=rng)
        x = sparse_inputs(m=c.n_inputs, s=params["s"], batch=1, rng=rng)
        err = [
            float(np.abs(r - t).max())
            for r, t in zip(net.forward(x)[1:], c.evaluate(x, all_layers=True)[1:], strict=True)
        ]
        cum = np.maximum.accumulate(err)
        inexact += cum > 1e-9
        above += cum > 0.25
        wrong += np.array(err) > 0.5
    return {
        "inexact": inexact.tolist(),
        "above_quarter": above.tolist(),
        "wrong": wrong.tolist(),
        "trials": params["trials"],
    }


def depth_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Errors of a compiled random circuit across depth, with or without error correction.

    ``params``: ``circuit_width``, ``depth``, ``d``, ``dim`` (0 = basis-aligned), ``s``,
    ``ec`` (``"none"``, ``"superposed"``, ``"dedicated"``, or ``"superposed_old"``: the
    earlier uncentred layer with Bernoulli(``3 ln(m+1)/(d/2)``) wiring), ``samples``,
    ``circuit_seed``.
    """
    c = random_circuit(
        width=params["circuit_width"], depth=params["depth"], ops=("AND", "OR"), rng=params["circuit_seed"]
    )
    ec: ErrorCorrection | bool | str
    if params["ec"] == "superposed_old":
        ec = ErrorCorrection(
            "superposed", centre=False, p=min(0.5, 3 * math.log(params["circuit_width"] + 1) / (params["d"] // 2))
        )
    else:
        shorthand: dict[str, bool | str] = {"none": False, "superposed": True, "dedicated": "dedicated"}
        ec = shorthand[params["ec"]]
    net = compile_circuit(c, width=params["d"], dim=params["dim"] or None, error_correction=ec, s=params["s"], rng=rng)
    st = simulate(net, c, s=params["s"], samples=params["samples"], rng=rng)
    assert st.mean_abs_right is not None  # simulate() always fills it
    return {
        "mean_abs": st.mean_abs.tolist(),
        "mean_abs_ci": st.mean_abs_ci.tolist(),
        "mean_abs_right": st.mean_abs_right.tolist(),
        "frac_wrong": st.frac_wrong.tolist(),
        "frac_samples_wrong": st.frac_samples_wrong.tolist(),
        "frac_samples_wrong_ci": st.frac_samples_wrong_ci.tolist(),
        "active": st.active.tolist(),
        "neurons": net.n_neurons,
        "params": net.n_params,
    }


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
        raise ValueError(
            f"net must be a Bernoulli U-AND with fan_in=2 and basis-aligned inputs (no embedding), got {net!r}"
        )
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
    if uncovered:  # both active, no neuron wired to both: reads 0
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
    citation: str = cite("hanni2024")

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return (
            f"P(some pairwise AND wrong) <= {self.value:.6g} (union bound; expected wrong pairs "
            f"{self.total:.6g}; {where})"
        )

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
        q[key] = sum(uand_gate_error_prob(d=d, p=p, s=s, active=j, t=t, side=side) for side in ("above", "below"))
    exp_w = {k: n_pairs[k] * q[k] for k in PAIR_CLASSES}
    total = float(sum(exp_w.values()))
    return AllPairsUnionBound(
        value=min(1.0, total),
        total=total,
        q=q,
        n_pairs=n_pairs,
        expected_wrong=exp_w,
        params=dict(m=m, d=d, p=p, s=s, t=t),
    )


def _bernoulli_uand(m: int, d: int, p: float, gen: np.random.Generator) -> Any:
    """A Bernoulli(p) U-AND layer (fan-in 2, bias -1) with weights drawn by :func:`_bernoulli_csc`.

    The same law as :func:`~theory.circuits.uand` (iid Bernoulli(p) weights), drawn in
    ``O(d m p)`` time.
    """
    from theory.circuits.uand import UAnd

    W = sps.csr_matrix(_bernoulli_csc(d, m, p, gen))
    return UAnd(
        kind="bernoulli", W=W, bias=np.full(d, -1.0), fan_in=2, p=p, embedding=None, pairs=None, calibration_s=None
    )


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
    return {"max_error": max_err, "n_wrong": n_wrong, "n_pairs": n_pairs, "cpu_s": time.process_time() - t0}


# --------------------------------------------------------------------------- experiment drivers
#
# Each driver builds a grid, runs one of the cells above through :func:`theory.sweep.sweep`, fits
# and summarises; it returns a small frozen result holding the JSON section of
# ``benchmarks/results/circuits.json`` (``to_dict``/``from_dict``) and printing its summary.


class _ListSection(_Section):
    """A section stored as a list in ``circuits.json`` (``to_dict()`` wraps it under :attr:`KEY`)."""

    KEY = "rows"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Any]) -> Any:
        """From :meth:`to_dict`'s data, or the bare list stored in ``circuits.json``."""
        if isinstance(data, Mapping):
            return cls(data=dict(data))
        return cls(data={cls.KEY: list(data)})

    @property
    def rows(self) -> list[Any]:
        """The stored list (the ``circuits.json`` section)."""
        return copy.deepcopy(self.data[self.KEY])


class WidthScaling(_Section):
    """RMS U-AND read-off error against the width ``d`` and its fitted exponents, from :func:`width_scaling`.

    ``data``: ``m``, ``s``, ``cells`` (``{"params", "value"}`` of :func:`width_cell`) and ``fits``
    (per ``"<kind>_<class>"``: the measured and exact-moment :class:`PowerLawFit` as dicts and the
    asymptotic exponent).
    """

    def __str__(self) -> str:
        lines = [f"U-AND error vs width, m = {self.data['m']}, s = {self.data['s']}, {len(self.data['cells'])} cells"]
        for key, f in self.data["fits"].items():
            kind, cls = key.rsplit("_", 1)
            lines.append(
                f"  width/{kind}/{cls}: measured {PowerLawFit(**_fit_args(f['measured']))}; exact-moment "
                f"prediction exponent {f['exact_moments']['exponent']:.3f}; asymptotic "
                f"{f['theory_asymptotic']:.3f}"
            )
        return "\n".join(lines)


def _fit_args(f: Mapping[str, Any]) -> dict[str, Any]:
    return {"exponent": f["exponent"], "ci": tuple(f["ci"]), "prefactor": f["prefactor"], "n": f["n"]}


def _fit_dict(f: PowerLawFit) -> dict[str, Any]:
    return {"exponent": f.exponent, "ci": f.ci, "prefactor": f.prefactor, "n": f.n}


def width_scaling(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> WidthScaling:
    r"""Error of the U-AND read-off against the width ``d`` at fixed ``m``, with fitted exponents.

    Basis-aligned inputs, ``m = 200``, ``s = 4``; Bernoulli U-AND at the MSE-optimal ``p`` and
    Rademacher U-AND; cells of :func:`width_cell`. The measured RMS error of pairs with both /
    one input active is fitted by :func:`fit_power_law` beside the exact moments; the asymptotic
    exponents are :math:`-1/3` (Bernoulli at optimal ``p``) and :math:`-1/2` (Rademacher).

    Parameters
    ----------
    quick : bool
        ``d`` up to 4000 and 8 trials per cell (else up to 16,000 and 24).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store : str or Path, optional
        SQLite file of :func:`theory.sweep.sweep` (resumable).
    executor : optional
        Where the cells run (see :func:`theory.sweep.sweep`; default a local process pool).
    progress : bool

    Returns
    -------
    WidthScaling

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    from theory.circuits.moments import optimal_p

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="width_scaling")
    m, s = 200, 4
    ds = [250, 500, 1000, 2000, 4000] if quick else [250, 500, 1000, 2000, 4000, 8000, 16000]
    trials = 8 if quick else 24
    grid = [dict(m=m, d=d, s=s, kind="bernoulli", p=optimal_p(d=d, s=s), trials=trials) for d in ds]
    grid += [dict(m=m, d=d, s=s, kind="rademacher", trials=trials) for d in ds if d <= 4000]
    res = _run(width_cell, grid, runner=runner, rng=1, desc="width")
    fits = {}
    for kind in ("bernoulli", "rademacher"):
        rows = [(p["d"], v) for p, v in res if p["kind"] == kind]
        dd = [r[0] for r in rows]
        for cls in ("both", "one"):
            f = fit_power_law(dd, [r[1][f"rms_{cls}"] for r in rows])
            fp = fit_power_law(dd, [r[1][f"pred_rms_{cls}"] for r in rows])
            fits[f"{kind}_{cls}"] = {
                "measured": _fit_dict(f),
                "exact_moments": _fit_dict(fp),
                "theory_asymptotic": -1 / 3 if kind == "bernoulli" else -1 / 2,
            }
    return WidthScaling(data={"m": m, "s": s, "cells": [{"params": p, "value": v} for p, v in res], "fits": fits})


def _mmax_from_rates(rows: list[tuple[int, float]], eps: float) -> float | None:
    """Largest m before the first grid point whose rate exceeds eps (log-linear interpolation)."""
    rows = sorted(rows)
    for (m0, r0), (m1, r1) in zip(rows, rows[1:], strict=False):
        if r0 <= eps < r1:
            t = (math.log(eps) - math.log(max(r0, 1e-6))) / (math.log(r1) - math.log(max(r0, 1e-6)))
            return math.exp(math.log(m0) + t * (math.log(m1) - math.log(m0)))
    return None


def _adler_shavit_row(d: int, m: int, m_out: int, params: float, *, keep_params: bool = False) -> dict[str, Any]:
    """The U-AND at a capacity point (``d`` neurons, ``params`` parameters, ``m_out`` ANDs) against
    Adler and Shavit's lower bounds on neurons and parameters."""
    from theory.circuits.moments import adler_shavit_bounds

    b = adler_shavit_bounds(m_out=m_out)
    row: dict[str, Any] = {"d": d, "m": m, "m_out": m_out}
    if keep_params:
        row["params"] = params
    row["neurons_over_lower"] = d / b.neurons_lower
    row["params_over_lower"] = params / b.params_lower
    return row


class CapacityScaling(_Section):
    """Largest ``m`` with per-gate error rate ``<= eps`` against ``d``, from :func:`capacity_scaling`.

    ``data``: ``eps``, ``s``, ``table`` (best-``p`` rates per mode, ``d``, ``m``), ``m_max`` (per
    mode ``"superposed"``/``"basis"``, per ``d``: ``m_max``, ``censored``, ``largest_ok_in_grid``),
    ``fit_superposed`` (when three points are uncensored) and ``adler_shavit`` (ratios of the
    construction to Adler & Shavit's lower bounds at the capacity points).
    """

    def __str__(self) -> str:
        eps = self.data["eps"]
        f = self.data.get("fit_superposed")
        if f:
            lines = [
                f"capacity (superposed, dim = d, eps = {eps}): m_max ~ d^b, {PowerLawFit(**_fit_args(f))}; "
                "paper: b = 3/2 up to polylog factors"
            ]
        else:
            pts = sum(1 for v in self.data["m_max"]["superposed"].values() if v["m_max"])
            lines = [f"capacity (superposed, eps = {eps}): only {pts} uncensored points; no fit"]
        for mode, vals in self.data["m_max"].items():
            for d, v in sorted(vals.items(), key=lambda kv: int(kv[0])):
                shown = "> grid" if v["censored"] else f"{v['m_max']:.0f}"
                lines.append(
                    f"  {mode:10s} d={int(d):5d}: m_max = {shown} (largest m in grid with rate <= eps: "
                    f"{v['largest_ok_in_grid']})"
                )
        for r in self.data["adler_shavit"]:
            lines.append(
                f"  Adler-Shavit d={r['d']}: m={r['m']} -> neurons / sqrt(m' log m') = "
                f"{r['neurons_over_lower']:.3f}, params / (m' log m') = {r['params_over_lower']:.3f}"
            )
        return "\n".join(lines)


def capacity_scaling(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
    eps: float = 0.05,
) -> CapacityScaling:
    r"""Largest ``m`` whose per-gate error rate is at most ``eps``, against ``d``, cells of :func:`capacity_cell`.

    Inputs in superposition (residual dimension ``dim = d``) and basis-aligned; the rate of a
    ``(d, m)`` is the largest of the wrong fractions over pairs with both / one / no input active,
    at the best ``p`` of a grid; ``m_max`` interpolates log-linearly to the first grid point above
    ``eps``. The paper's scaling is :math:`m = \tilde\Theta(d^{3/2})`.

    Parameters
    ----------
    quick : bool
        ``d`` up to 3200 and 10 trials per cell (else up to 6400 and 30).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`width_scaling`.
    eps : float
        Per-gate error-rate target.

    Returns
    -------
    CapacityScaling

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    .. [2] Adler, M. and Shavit, N. (2024). On the complexity of neural computation in superposition.
       arXiv:2409.15318
    """
    from theory._validation import check_probability

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="capacity_scaling")
    eps = check_probability(eps, "eps", allow_zero=False, allow_one=False)
    s = 3
    ds = [400, 800, 1600, 3200] if quick else [400, 800, 1600, 3200, 6400]
    ms = [25 * 2**k for k in range(0, 9)]  # 25 .. 6400
    ps = [0.02, 0.04, 0.08, 0.16]
    trials = 10 if quick else 30
    grid = []
    for d in ds:
        for m in ms:
            for dim_mode in ("superposed", "basis"):
                dim = d if dim_mode == "superposed" else 0
                if dim and dim * m > 2.1e7:
                    continue
                if not dim and m not in (25, 400, 3200):
                    continue
                for p in ps:
                    grid.append(dict(m=m, d=d, dim=dim, s=s, p=p, trials=trials, n_inactive=1000))
    res = _run(capacity_cell, grid, runner=runner, rng=2, desc="capacity")
    # error rate per (mode, d, m): best p of the grid, rate = the largest of the classes' rates
    table: dict[tuple[str, int, int], dict[str, Any]] = {}
    for p, v in res:
        mode = "superposed" if p["dim"] else "basis"
        w, n = v["wrong"], v["n"]
        # each class separately: a network reading 0 everywhere must not pass
        rates = {k: w[k] / n[k] for k in ("both", "one", "none") if n[k]}
        rate = max(rates.values())
        key = (mode, p["d"], p["m"])
        if key not in table or rate < table[key]["rate"]:
            table[key] = {"rate": rate, "p": p["p"], **{f"rate_{k}": r for k, r in rates.items()}, "n_both": n["both"]}
    out: dict[str, Any] = {
        "eps": eps,
        "s": s,
        "table": [{"mode": k[0], "d": k[1], "m": k[2], **v} for k, v in sorted(table.items())],
    }
    mmax: dict[str, dict[int, dict[str, Any]]] = {"superposed": {}, "basis": {}}
    for mode in mmax:
        for d in ds:
            rows = sorted((m, table[(mode, d, m)]["rate"]) for (mo, dd, m) in table if mo == mode and dd == d)
            ok = [m for m, r in rows if r <= eps]
            if not ok:
                continue
            best = _mmax_from_rates(rows, eps)
            mmax[mode][d] = {"m_max": best, "censored": best is None, "largest_ok_in_grid": max(ok)}
    out["m_max"] = {k: {str(d): v for d, v in vv.items()} for k, vv in mmax.items()}
    pts = [(d, v["m_max"]) for d, v in mmax["superposed"].items() if v["m_max"]]
    if len(pts) >= 3:
        out["fit_superposed"] = _fit_dict(fit_power_law([p[0] for p in pts], [p[1] for p in pts]))
    # Adler-Shavit: neurons and expected parameters of the construction at the capacity points
    ratios = []
    for d, v in sorted(mmax["superposed"].items()):
        if not v["m_max"]:
            continue
        m = int(v["m_max"])
        p = table[("superposed", d, max(mm for (mo, dd, mm) in table if mo == "superposed" and dd == d and mm <= m))][
            "p"
        ]
        m_out = m * (m - 1) // 2
        ratios.append(_adler_shavit_row(d, m, m_out, d * d + d + m_out * d * p * p))  # W Fᵀ, bias, read-off nnz
    out["adler_shavit"] = ratios
    return CapacityScaling(data=out)


#: Widths of the fitted capacity exponent (inputs in superposition).
CAP_DS = (800, 1131, 1600, 2263, 3200, 4525, 6400, 9051, 12800)
#: Coverages ``c = p sqrt(d)`` of the fitted capacity exponent.
CAP_CS = (2.0, 2.83)
#: One larger width, with m only around the eps = 0.05 crossing (memory and time bound).
CAP_EXTRA = {18102: (32000, 45255, 64000, 90510, 128000)}


def capacity_fit_grid(quick: bool, widths: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Grid of the fitted capacity exponent for inputs in superposition (``dim = d``).

    ``p = c/sqrt(d)`` for ``c`` in :data:`CAP_CS` (the same coverage ``d p² = c²`` at every
    ``d``, so the grid is scale-free), ``m = 250·2^{k/2}`` within ``[m*/5, 3 m*]`` around a pilot
    estimate ``m* = 60,000 (d/12,800)^{3/2}`` of the eps = 0.05 transition. ``widths`` replaces
    the widths (then without the extra width :data:`CAP_EXTRA`).

    Examples
    --------
    >>> g = capacity_fit_grid(quick=True)
    >>> sorted({c["d"] for c in g})
    [800, 1131, 1600, 2263, 3200]
    """
    ds: tuple[int, ...] = CAP_DS[:5] if quick else CAP_DS
    if widths is not None:
        ds = tuple(check_int(d, "widths", minimum=2) for d in widths)
    grid = []
    for d in ds:
        mstar = 60000 * (d / 12800) ** 1.5
        for k in range(0, 40):
            m = int(round(250 * 2 ** (k / 2)))
            if not mstar / 5 <= m <= 3 * mstar:
                continue
            for c in CAP_CS:
                grid.append(
                    dict(m=m, d=d, dim=d, s=3, p=round(c / math.sqrt(d), 6), c=c, networks=8, inputs=6, n_inactive=1000)
                )
    if not quick and widths is None:
        for d, ms in CAP_EXTRA.items():
            for m in ms:
                for c in CAP_CS:
                    grid.append(
                        dict(
                            m=m,
                            d=d,
                            dim=d,
                            s=3,
                            p=round(c / math.sqrt(d), 6),
                            c=c,
                            networks=8,
                            inputs=6,
                            n_inactive=1000,
                        )
                    )
    return grid


class CapacityFit(_Section):
    """Fitted capacity exponent for inputs in superposition, from :func:`capacity_fit`.

    ``data``: ``eps``, ``s``, ``cs``, ``grid_cells``, ``rates`` (best-``c`` rate per ``(d, m)``),
    ``m_max`` (per ``d``, ``None`` when censored), ``fit`` (least squares with a bootstrap interval
    over networks), ``local_slopes``, ``fit_by_eps`` (looser targets) and ``adler_shavit``.
    """

    def __str__(self) -> str:
        lines = [
            f"capacity exponent, inputs in superposition (eps = {self.data['eps']}, {self.data['grid_cells']} cells)"
        ]
        for d, v in self.data["m_max"].items():
            lines.append(f"  d={int(d):6d}: m_max = {'censored' if v is None else f'{v:,.0f}'}")
        f = self.data.get("fit")
        if f:
            lo, hi = f["bootstrap_ci"]
            lines.append(
                f"  fitted: m_max ~ d^{f['exponent']:.3f}, least-squares CI [{f['ci'][0]:.3f}, "
                f"{f['ci'][1]:.3f}], bootstrap 95% [{lo:.3f}, {hi:.3f}] ({f['bootstrap_reps']} reps); "
                "paper: 3/2 up to polylog"
            )
            for r in self.data.get("local_slopes", []):
                lines.append(f"    local slope d={r['d0']}..{r['d1']}: {r['slope']:.3f}")
        for e2, f2 in self.data.get("fit_by_eps", {}).items():
            lines.append(
                f"  eps = {e2}: m_max ~ d^{f2['exponent']:.3f} [{f2['ci'][0]:.3f}, {f2['ci'][1]:.3f}] "
                f"({len(f2['points'])} points)"
            )
        for r in self.data.get("adler_shavit", []):
            lines.append(
                f"  Adler-Shavit d={r['d']}: m={r['m']}, d / sqrt(m' log m') = "
                f"{r['neurons_over_lower']:.4f}, params / (m' log m') = {r['params_over_lower']:.3f}"
            )
        return "\n".join(lines)


def capacity_fit(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
    eps: float = 0.05,
    boot: int = 2000,
    widths: Sequence[int] | None = None,
) -> CapacityFit:
    r"""Largest ``m`` with per-gate error rate ``<= eps`` against ``d``, inputs in superposition, fitted exponent.

    Cells of :func:`capacity_embedded_cell` on :func:`capacity_fit_grid`. The rate of a cell is
    the largest of the pooled wrong fractions over pairs with both / one / no input active; the
    best ``c`` of the grid is taken per ``(d, m)``. The exponent's interval is a bootstrap over
    networks (each cell's networks resampled with replacement, ``m_max`` and the least-squares
    slope recomputed; percentile 95% interval). The paper's exponent is 3/2 up to polylog factors.

    Parameters
    ----------
    quick : bool
        The five smallest widths.
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`width_scaling`.
    eps : float
        Per-gate error-rate target.
    boot : int
        Bootstrap replicates.
    widths : sequence of int, optional
        Widths ``d`` instead of the default grid's (see :func:`capacity_fit_grid`).

    Returns
    -------
    CapacityFit

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    from theory._validation import check_probability

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="capacity_fit")
    eps = check_probability(eps, "eps", allow_zero=False, allow_one=False)
    boot = check_int(boot, "boot", minimum=1)
    grid = capacity_fit_grid(quick, widths)
    res = _run(
        capacity_embedded_cell,
        grid,
        runner=runner,
        rng=5,
        desc="capacity (superposed, fitted)",
    )
    cells = list(res)
    ds = sorted({p["d"] for p, _ in cells})

    def mmax_table(pick: Any) -> tuple[dict[int, float | None], dict[tuple[int, int], float]]:
        rates: dict[tuple[int, int], float] = {}
        for idx, (p, v) in enumerate(cells):
            sel = pick(idx, len(v["n"]["one"]))
            r = max(
                (sum(np.asarray(v["wrong"][k])[sel]) / max(1, sum(np.asarray(v["n"][k])[sel])))
                for k in ("both", "one", "none")
            )
            key = (p["d"], p["m"])
            rates[key] = min(rates.get(key, 1.0), float(r))
        return {d: _mmax_from_rates([(m, r) for (dd, m), r in rates.items() if dd == d], eps) for d in ds}, rates

    full, rates = mmax_table(lambda idx, k: np.arange(k))
    pts = [(d, v) for d, v in full.items() if v]
    out: dict[str, Any] = {
        "eps": eps,
        "s": 3,
        "cs": list(CAP_CS),
        "grid_cells": len(grid),
        "rates": [{"d": d, "m": m, "rate": r} for (d, m), r in sorted(rates.items())],
        "m_max": {str(d): v for d, v in full.items()},
    }
    if len(pts) >= 3:
        f = fit_power_law([p[0] for p in pts], [p[1] for p in pts])
        gen = np.random.default_rng(11)
        slopes = []
        for _ in range(boot):
            draws = {idx: gen.integers(0, len(v["n"]["one"]), len(v["n"]["one"])) for idx, (_, v) in enumerate(cells)}
            mm, _ = mmax_table(lambda idx, k, dr=draws: dr[idx])
            q = [(d, m_d) for d, _ in pts if (m_d := mm.get(d))]
            if len(q) >= 3:
                slopes.append(fit_loglog([a for a, _ in q], [b for _, b in q]).slope)
        lo, hi = np.percentile(slopes, [2.5, 97.5]) if slopes else (math.nan, math.nan)
        out["fit"] = {
            **_fit_dict(f),
            "bootstrap_ci": [float(lo), float(hi)],
            "bootstrap_reps": len(slopes),
            "points": pts,
        }
        # local slopes between consecutive d (is the exponent drifting towards 3/2?)
        out["local_slopes"] = [
            {"d0": a[0], "d1": b[0], "slope": math.log(b[1] / a[1]) / math.log(b[0] / a[0])}
            for a, b in zip(pts, pts[1:], strict=False)
        ]
    # the same fit at looser per-gate targets (no bootstrap): does the exponent depend on eps?
    out["fit_by_eps"] = {}
    for e2 in (0.1, 0.15, 0.2):
        q2 = [(d, _mmax_from_rates([(m, r) for (dd, m), r in rates.items() if dd == d], e2)) for d in ds]
        q3 = [(d, m) for d, m in q2 if m]
        if len(q3) >= 3:
            f2 = fit_power_law([a for a, _ in q3], [b for _, b in q3])
            out["fit_by_eps"][str(e2)] = {**_fit_dict(f2), "points": q3}
    # Adler-Shavit at the capacity points: neurons d, parameters d*dim (W F^T, dense) + d (bias)
    # + C(m,2) d p^2 (expected read-off non-zeros at c = 2: d p^2 = 4 per pair), m' = C(m, 2)
    out["adler_shavit"] = []
    for d, mf in pts:
        m = int(mf)
        m_out = m * (m - 1) // 2
        c = min(CAP_CS)
        out["adler_shavit"].append(_adler_shavit_row(d, m, m_out, d * d + d + m_out * c * c, keep_params=True))
    return CapacityFit(data=out)


#: Widths of the basis-aligned all-gates-right capacity grid (factors of sqrt 2 from 1000).
CAPB_DS = (250, 500, 1000, 1414, 2000, 2828, 4000, 5657, 8000, 11314, 16000, 22627, 32000)
#: Widths of the quick basis-aligned grid.
CAPB_DS_QUICK = (1000, 2000, 4000, 8000)
#: Inputs m on the grid 4 * 2^{k/2}, rounded.
CAPB_MS = tuple(sorted({int(round(4 * 2 ** (k / 2))) for k in range(0, 34)}))
#: Active inputs of the basis-aligned capacity experiment.
CAPB_S = 3
#: Largest m * d of a cell (the coverage counts pack the m columns of d bits: m d / 8 bytes,
#: built from an (m, d) boolean array).
CAPB_MAX_MD = 1.0e8
#: Cells with m * d up to this draw one network per input.
CAPB_ONE_INPUT_MD = 2.0e6


def capacity_basis_grid(quick: bool, delta: float = 0.05) -> list[dict[str, Any]]:
    """Cells of the basis-aligned all-gates-right capacity experiment.

    For each ``d``: ``p = optimal_p(d=d, s=3)`` (the toolkit's MSE-optimal connection probability),
    and the ``m`` of :data:`CAPB_MS` within ``[m_ub 2^{-3/2}, 4 m_ub]`` (quick: ``[m_ub/2,
    2^{3/2} m_ub]``) around the union-bound capacity ``m_ub`` at tolerance 1/2, which is a lower
    bound on the true capacity; plus ``[m_ub'/2, 2^{3/2} m_ub']`` around the union-bound capacity
    ``m_ub'`` at the stricter tolerance 1/4 where it exists; ``m`` in {4, 6, 8} where the bound
    admits no ``m``. 400 samples per cell (quick: 160): one network per input while
    ``m d <= 2·10^6``, 4 inputs per network beyond.

    Examples
    --------
    >>> sorted({c["d"] for c in capacity_basis_grid(quick=True)})
    [1000, 2000, 4000, 8000]
    """
    from theory.circuits.moments import optimal_p

    ds = CAPB_DS_QUICK if quick else CAPB_DS
    n = 160 if quick else 400
    lo_f, hi_f = (0.5, 2**1.5) if quick else (2**-1.5, 4.0)
    grid = []
    for d in ds:
        p = round(optimal_p(d=d, s=CAPB_S), 6)
        ms: set[int] = set()
        m_ub = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S).m_max(delta)
        if m_ub is None:
            ms |= {4, 6, 8}
        else:
            ms |= {m for m in CAPB_MS if max(4.0, m_ub * lo_f) <= m <= max(6.0, m_ub * hi_f)}
            ms.add(min(m for m in CAPB_MS if m > m_ub * hi_f))  # one point past the range
        m_q = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S, t=0.25).m_max(delta)
        if m_q is not None and not quick:
            ms |= {m for m in CAPB_MS if max(4.0, m_q / 2) <= m <= max(6.0, m_q * 2**1.5)}
        for m in sorted(ms):
            if m * d > CAPB_MAX_MD:
                continue
            # one fresh network per input (independent samples, exact binomial tests) while a
            # network is cheap; 4 inputs per network beyond (then C(m, 3) >= 10^4 input sets)
            nets, inputs = (n, 1) if m * d <= CAPB_ONE_INPUT_MD else (n // 4, 4)
            grid.append(dict(m=m, d=d, s=CAPB_S, p=p, networks=nets, inputs=inputs))
    return grid


def _mmax_status(rows: list[tuple[int, float]], delta: float) -> tuple[float | None, str]:
    """Measured capacity from (m, failure fraction) rows: interpolated, or why there is none."""
    rows = sorted(rows)
    if not rows:
        return None, "no cells"
    if rows[0][1] > delta:
        return None, f"below grid (fails at m = {rows[0][0]})"
    v = _mmax_from_rates(rows, delta)
    if v is None:
        return None, f"above grid (passes at m = {rows[-1][0]})"
    return v, "ok"


def _gauss_sizing_mmax(d: int, s: int, delta: float) -> float:
    """Largest m that the exact-moment Gaussian sizing of ``uand_min_width`` admits at width d.

    ``uand_min_width(s, eps=1/2, z)`` returns the smallest width whose worst RMS read-off error
    (all gate inputs active or one missing, exact moments at the MSE-optimal p) is at most
    ``1/(2z)``; with ``z`` the Gaussian quantile of ``delta / C(m, 2)`` (the heuristic union
    bound of table 4), width ``d`` admits every ``m`` with ``C(m, 2) <= delta / Phi_bar(1/(2 r(d)))``.
    """
    from theory.circuits.moments import optimal_p

    p = optimal_p(d=d, s=s)
    r = max(math.sqrt(uand_error_moments(d=d, p=p, s=s, active=j).mse) for j in (2, 1))
    m_out = delta / float(stats.norm.sf(0.5 / r))
    return (1 + math.sqrt(1 + 8 * m_out)) / 2


def _paper_p_mmax(d: int, s: int, delta: float) -> int | None:
    """Largest m of :data:`CAPB_MS` whose exact union bound is <= delta with the papers'
    ``p = log²(m)/sqrt(d)`` (``paper_p``; it depends on m, so scanned; stops after the bound has
    failed at 3 consecutive grid points past an admitted m, or when ``p >= 1/2``)."""
    from theory.circuits.moments import paper_p

    best, misses = None, 0
    for m in CAPB_MS:
        pp = paper_p(m=m, d=d)
        if pp >= 0.5:
            break
        if all_pairs_union_bound(m=m, d=d, p=pp, s=s).total <= delta:
            best, misses = m, 0
        elif best is not None:
            misses += 1
            if misses >= 3:
                break
    return best


class CapacityBasis(_Section):
    """Largest ``m`` with all ``C(m, 2)`` ANDs right against ``d``, basis-aligned, from :func:`capacity_basis`.

    ``data``: ``delta``, ``s``, ``p_rule``, ``criterion``, ``grid_cells``, ``cells`` (per cell: the
    measured failure fractions at tolerances 1/2 and 1/4 beside the exact union bound, binomial
    p-values, z-scores of the mean number of wrong pairs), ``by_d`` (measured, union-bound,
    Gaussian-sizing and papers'-``p`` capacities per width), the fits ``fit`` (FITTED
    ``ln m_max = C d^a``), ``fit_union_bound``, ``fit_gauss_sizing``, ``fit_quarter``, ``local_a``
    and (full run) ``union_bound_beyond_grid``.
    """

    def __str__(self) -> str:
        cells, per_d, s = self.data["cells"], self.data["by_d"], self.data["s"]
        n0 = cells[0]["n"] if cells else 0
        lines = [
            f"  criterion: all C(m,2) ANDs within 1/2 on a uniform {s}-sparse input, P >= "
            f"{1 - self.data['delta']}; p = optimal_p(d, s=3); {n0} samples per cell",
            "       d      p   m_max(meas)  union bound  gauss sizing  paper-p UB   m_max(1/4)  UB(1/4)  cells  cpu s",
        ]

        def fmt(x: Any, st: str | None = None) -> str:
            return f"{x:11,.1f}" if x else f"{'–' if st is None else st.split(' (')[0]:>11s}"

        for r in per_d:
            pp = r["m_max_paper_p_union_bound"]
            lines.append(
                f"  {r['d']:6d} {r['p']:.4f} {fmt(r['m_max'], r['m_max_status'])} "
                f"{fmt(r['m_max_union_bound'])} {r['m_max_gauss_sizing']:13,.0f} "
                f"{(str(pp) if pp else '–'):>10s} {fmt(r['m_max_quarter'], r['m_max_quarter_status'])} "
                f"{fmt(r['m_max_quarter_union_bound'])} {r['cells']:6d} {r['cpu_s']:6.1f}"
            )
        bad = [c for c in cells if c["pvalue_half"] is not None and c["pvalue_half"] < 0.05]
        lines.append(
            f"  union bound vs measured failure (tol 1/2): measured above the bound in "
            f"{sum(c['pvalue_half'] is not None for c in cells)} of {len(cells)} cells, "
            f"one-sided binomial p < 0.05 in {len(bad)}"
            + (
                ": "
                + ", ".join(
                    f"d={c['d']} m={c['m']} ({c['fail_half']:.3f} vs {c['bound_half']:.3f}, p={c['pvalue_half']:.3g})"
                    for c in bad
                )
                if bad
                else ""
            )
        )
        zs = [c["z_mean_wrong_pairs"] for c in cells if c["z_mean_wrong_pairs"] is not None]
        if zs:
            lines.append(
                f"  mean # wrong pairs vs its exact value (= the union-bound sum): z-scores over "
                f"{len(zs)} cells, mean {np.mean(zs):+.2f}, sd {np.std(zs):.2f}, "
                f"max |z| {np.max(np.abs(zs)):.2f}"
            )
        for name, label in (
            ("fit", "FITTED (measured)"),
            ("fit_union_bound", "exact union bound"),
            ("fit_gauss_sizing", "Gaussian sizing (uand_min_width)"),
            ("fit_quarter", "FITTED, tolerance 1/4"),
        ):
            f = self.data.get(name)
            if f:
                ci = f["a_ci"]
                lines.append(
                    f"  {label}: ln m_max ~ d^a, a = {f['a']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] "
                    f"(95% CI, {len(f['points'])} points), i.e. d ~ (ln m)^k, k = {f['k']:.2f}"
                )
        for r in self.data.get("local_a", []):
            lines.append(f"    local a d={r['d0']}..{r['d1']}: {r['a']:.3f}")
        for r in self.data.get("union_bound_beyond_grid", []):
            lines.append(
                f"  union bound beyond the grid: d={r['d']}, p={r['p']:.4f}: m_max = {r['m_max_union_bound']:,.0f}"
            )
        return "\n".join(lines)


def _capacity_basis_row(pr: Mapping[str, Any], v: Mapping[str, Any]) -> dict[str, Any]:
    """One cell's summary: failure fractions at tolerances 1/2 and 1/4 against the union bound."""
    me = np.array([v["max_error"][k] for k in PAIR_CLASSES])  # (3, n)
    n = me.shape[1]
    worst = me.max(axis=0)
    row: dict[str, Any] = {
        "d": pr["d"],
        "m": pr["m"],
        "p": pr["p"],
        "n": n,
        "networks": pr["networks"],
        "inputs": pr["inputs"],
        "cpu_s": v.get("cpu_s"),
    }
    for tol in (0.5, 0.25):
        ub = all_pairs_union_bound(m=pr["m"], d=pr["d"], p=pr["p"], s=pr["s"], t=tol)
        k = int(np.count_nonzero(worst > tol))
        frac = k / n
        tag = "half" if tol == 0.5 else "quarter"
        row[f"fail_{tag}"] = frac
        row[f"bound_{tag}"] = ub.value
        row[f"fail_{tag}_by_class"] = {c: float(np.mean(me[i] > tol)) for i, c in enumerate(PAIR_CLASSES)}
        row[f"pvalue_{tag}"] = float(stats.binom.sf(k - 1, n, ub.value)) if frac > ub.value else None
        if tol == 0.5:
            # the union bound's sum is exactly E[# wrong pairs]: z-score, standard error the
            # larger of the between-network estimate and the Poisson value sqrt(E / n) (the
            # former is near 0 when wrong pairs are rare)
            tot = np.sum([v["n_wrong"][c] for c in PAIR_CLASSES], axis=0) / pr["inputs"]
            se = float(np.std(tot, ddof=1) / math.sqrt(len(tot))) if len(tot) > 1 else 0.0
            se = max(se, math.sqrt(ub.total / n))
            row["mean_wrong_pairs"] = float(np.mean(tot))
            row["exact_mean_wrong_pairs"] = ub.total
            row["z_mean_wrong_pairs"] = (row["mean_wrong_pairs"] - ub.total) / se if se > 0 else None
            kn = (worst > tol).reshape(pr["networks"], pr["inputs"]).sum(axis=1)
            row["design_effect"] = (
                float(np.var(kn, ddof=1) / (pr["inputs"] * frac * (1 - frac)))
                if 0 < frac < 1 and pr["networks"] > 1
                else None
            )
    return row


def capacity_basis(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
    delta: float = 0.05,
) -> CapacityBasis:
    r"""Largest ``m`` with :math:`P(\text{all } \binom{m}{2} \text{ ANDs right}) \ge 1-\delta` against ``d``.

    Basis-aligned inputs, Bernoulli U-AND at the MSE-optimal ``p``; measured exactly per
    (network, input) sample by :func:`all_pairs_errors` (cells of :func:`capacity_basis_cell` on
    :func:`capacity_basis_grid`); beside it the exact union bound :func:`all_pairs_union_bound`
    per cell (with a one-sided binomial p-value wherever the measured failure fraction exceeds it,
    and a z-score of the measured mean number of wrong pairs against its exact value, the same
    sum), the union-bound capacity, the Gaussian exact-moment sizing of
    :func:`~theory.circuits.uand_min_width` and the union bound with the papers' ``p``. Fit:
    :math:`\ln m_{\max} = C d^a` by least squares on logs, i.e. :math:`d \propto (\ln m)^k`,
    ``k = 1/a``.

    Parameters
    ----------
    quick : bool
        Four widths, 160 samples per cell (else 13 widths, 400).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`width_scaling`.
    delta : float
        Allowed failure probability.

    Returns
    -------
    CapacityBasis

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    from theory._validation import check_probability
    from theory.circuits.moments import optimal_p

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="capacity_basis")
    delta = check_probability(delta, "delta", allow_zero=False, allow_one=False)
    grid = capacity_basis_grid(quick, delta)
    res = _run(
        capacity_basis_cell,
        grid,
        runner=runner,
        rng=13,
        desc="capacity (basis-aligned, all gates right)",
    )
    cells = [_capacity_basis_row(pr, v) for pr, v in res]
    per_d = []
    for d in sorted({c["d"] for c in cells}):
        cd = [c for c in cells if c["d"] == d]
        p = cd[0]["p"]
        ub = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S)
        ubq = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S, t=0.25)
        mh, st_h = _mmax_status([(c["m"], c["fail_half"]) for c in cd], delta)
        mq, st_q = _mmax_status([(c["m"], c["fail_quarter"]) for c in cd], delta)
        per_d.append(
            {
                "d": d,
                "p": p,
                "coverage_dp2": d * p * p,
                "cells": len(cd),
                "samples_per_cell": cd[0]["n"],
                "cpu_s": float(sum(c["cpu_s"] or 0.0 for c in cd)),
                "m_max": mh,
                "m_max_status": st_h,
                "m_max_union_bound": ub.m_max(delta),
                "m_max_quarter": mq,
                "m_max_quarter_status": st_q,
                "m_max_quarter_union_bound": ubq.m_max(delta),
                "m_max_gauss_sizing": _gauss_sizing_mmax(d, CAPB_S, delta),
                "m_max_paper_p_union_bound": None if quick else _paper_p_mmax(d, CAPB_S, delta),
                "q_per_pair": ub.q,
            }
        )
    out: dict[str, Any] = {
        "delta": delta,
        "s": CAPB_S,
        "p_rule": "optimal_p(d=d, s=3) (MSE-optimal)",
        "criterion": "all C(m,2) pairs |y_hat - y| <= 1/2 (and <= 1/4), one uniform s-sparse input",
        "grid_cells": len(grid),
        "cells": cells,
        "by_d": per_d,
    }

    def fit(key: str, widths: set[int] | None = None) -> dict[str, Any] | None:
        """ln(key) = C d^a over the rows with key > 1 (and d in ``widths`` if given)."""
        pts = [(r["d"], r[key]) for r in per_d if r[key] and r[key] > 1 and (widths is None or r["d"] in widths)]
        if len(pts) < 3:
            return None
        f = fit_power_law([a for a, _ in pts], [math.log(b) for _, b in pts])
        lo, hi = f.ci
        return {
            "a": f.exponent,
            "a_ci": [lo, hi],
            "prefactor": f.prefactor,
            "n": f.n,
            "k": 1 / f.exponent if f.exponent > 0 else None,
            "k_ci": [1 / hi if hi > 0 else None, 1 / lo if lo > 0 else None],
            "points": pts,
        }

    out["fit"] = fit("m_max")  # FITTED, measured
    # the exact union bound and the Gaussian sizing at the widths of the measured fit
    fit_ds = {a for a, _ in (out["fit"] or {}).get("points", [])}
    for key, name in (("m_max_union_bound", "fit_union_bound"), ("m_max_gauss_sizing", "fit_gauss_sizing")):
        f = fit(key, fit_ds)
        if f:
            out[name] = f
    out["fit_quarter"] = fit("m_max_quarter")
    meas = out["fit"]["points"] if out["fit"] else []
    out["local_a"] = [
        {"d0": a[0], "d1": b[0], "a": math.log(math.log(b[1]) / math.log(a[1])) / math.log(b[0] / a[0])}
        for a, b in zip(meas, meas[1:], strict=False)
    ]
    if not quick:
        # where the union bound heads beyond the simulated widths (no simulation)
        out["union_bound_beyond_grid"] = [
            {
                "d": d,
                "p": optimal_p(d=d, s=CAPB_S),
                "m_max_union_bound": all_pairs_union_bound(m=4, d=d, p=optimal_p(d=d, s=CAPB_S), s=CAPB_S).m_max(delta),
            }
            for d in (64000, 128000, 256000)
        ]
    return CapacityBasis(data=out)


class AdlerShavitComparison(_ListSection):
    """Basis-aligned all-pairs U-AND sized by the exact moments against Adler & Shavit's bounds.

    ``data["rows"]`` (the ``circuits.json`` list): per ``m``: ``m_out = C(m, 2)``, ``z``, width
    ``d``, ``p``, expected parameters and their ratios to the lower bounds.
    """

    def __str__(self) -> str:
        return "\n".join(
            f"  m={r['m']:>8d}: d={r['d']:6d} p={r['p']:.4f} params={r['params']:.3g}; "
            f"d/sqrt(m' log m') = {r['neurons_over_lower']:.4f}, params/(m' log m') = "
            f"{r['params_over_lower']:.3f}"
            for r in self.data["rows"]
        )


def adler_shavit_comparison(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> AdlerShavitComparison:
    r"""Basis-aligned all-pairs U-AND sized by the exact moments, against Adler & Shavit's lower bounds.

    For each ``m``: the width at which every one of the ``C(m, 2)`` ANDs is within 1/2 at ``z``
    standard deviations, ``z`` the Gaussian quantile of ``0.05 / C(m, 2)`` (a heuristic union
    bound), at the MSE-optimal ``p`` (:func:`~theory.circuits.uand_min_width`); parameters
    :math:`d m p + d + \binom{m}{2} d p^2` (expected non-zeros), divided by the bounds for
    ``m' = C(m, 2)`` outputs (no constants: a trend only). No simulation: ``runner`` (and the
    deprecated ``store``, ``executor``, ``progress``) is accepted for a common signature and not used.

    Examples
    --------
    >>> r = adler_shavit_comparison(quick=True)
    >>> [row["m"] for row in r.rows]
    [100, 1000, 10000]

    References
    ----------
    .. [1] Adler, M. and Shavit, N. (2024). On the complexity of neural computation in superposition.
       arXiv:2409.15318
    """
    from theory.circuits.moments import adler_shavit_bounds, uand_min_width

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="adler_shavit_comparison")
    rows = []
    for m in (10**2, 10**3, 10**4) if quick else (10**2, 10**3, 10**4, 10**5, 10**6):
        m_out = m * (m - 1) // 2
        z = float(stats.norm.isf(0.05 / m_out))
        b = uand_min_width(s=3, eps=0.5, z=z)
        d, p = b.value, b.params["p"]
        params = d * m * p + d + m_out * d * p * p
        a = adler_shavit_bounds(m_out=m_out)
        rows.append(
            {
                "m": m,
                "m_out": m_out,
                "z": z,
                "d": d,
                "p": p,
                "params": params,
                "neurons_over_lower": d / a.neurons_lower,
                "params_over_lower": params / a.params_lower,
                "neurons_over_upper": d / a.neurons_upper,
            }
        )
    return AdlerShavitComparison(data={"rows": rows})


#: Circuits of the depth union-bound check: (circuit width, depth, circuit seed, U-AND width, p, s).
DEPTH_BOUND_SETS: tuple[dict[str, Any], ...] = (
    dict(circuit_width=20, depth=4, circuit_seed=1, width=60000, p=0.015, s=3),
    dict(circuit_width=30, depth=6, circuit_seed=1, width=100000, p=0.012, s=3),
)


class DepthBoundCheck(_ListSection):
    """The depth union bound per depth beside measured failures, from :func:`depth_bound_check`.

    ``data["rows"]`` (the ``circuits.json`` list): per circuit ``params``, ``bound_by_depth``,
    ``bound_worst`` and the :func:`depth_bound_cell` counts under ``"dedicated"`` and ``"none"``.
    """

    def __str__(self) -> str:
        lines = []
        for row in self.data["rows"]:
            st = row["params"]
            lines.append(
                f"  circuit width {st['circuit_width']}, depth {st['depth']}, d = {st['width']}, "
                f"p = {st['p']}: union bound per depth {np.round(row['bound_by_depth'], 4).tolist()}"
            )
            for ec in ("dedicated", "none"):
                v = row[ec]
                n = v["trials"]
                lines.append(
                    f"    {ec:9s}: P(not exact) {np.round(np.array(v['inexact']) / n, 4).tolist()}, "
                    f"P(error > 1/4) {np.round(np.array(v['above_quarter']) / n, 4).tolist()}, "
                    f"P(layer wrong after rounding) {np.round(np.array(v['wrong']) / n, 4).tolist()} "
                    f"({n} networks)"
                )
        return "\n".join(lines)


def depth_bound_check(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> DepthBoundCheck:
    """The depth claim's union bound per depth beside measured failures, with and without dedicated correction.

    Two random AND/OR circuits (:data:`DEPTH_BOUND_SETS`) compiled at the same width and ``p``,
    one fresh network per input (cells of :func:`depth_bound_cell`), against
    :func:`~theory.circuits.depth_failure_bound`.

    Parameters
    ----------
    quick : bool
        200 networks per cell (else 800).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`width_scaling`.

    Returns
    -------
    DepthBoundCheck
    """
    from theory.circuits.depth import depth_failure_bound

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="depth_bound_check")
    trials = 200 if quick else 800
    grid = [dict(**st, ec=ec, trials=trials) for st in DEPTH_BOUND_SETS for ec in ("dedicated", "none")]
    res = _run(depth_bound_cell, grid, runner=runner, rng=7, desc="depth bound")
    rows = []
    for st in DEPTH_BOUND_SETS:
        c = random_circuit(width=st["circuit_width"], depth=st["depth"], ops=("AND", "OR"), rng=st["circuit_seed"])
        b = depth_failure_bound(c, width=st["width"], s=st["s"], p=st["p"])
        row: dict[str, Any] = {"params": dict(st), "bound_by_depth": b.by_depth.tolist(), "bound_worst": b.worst}
        for p_, v in res:
            if all(p_[k] == st[k] for k in st):
                row[p_["ec"]] = v
        rows.append(row)
    return DepthBoundCheck(data={"rows": rows})


class DepthErrors(_ListSection):
    """Errors per layer of a compiled random circuit for each error-correction mode, from :func:`depth_errors`.

    ``data["cells"]`` (the ``circuits.json`` list): ``{"params", "value"}`` of :func:`depth_cell`.
    """

    KEY = "cells"

    @property
    def cells(self) -> list[Any]:
        """The ``{"params", "value"}`` cells."""
        return self.rows

    def __str__(self) -> str:
        return "\n".join(
            f"  depth dim={c['params']['dim']:4d} ec={c['params']['ec']:10s}: mean|err| per layer "
            f"{np.round(c['value']['mean_abs'], 3).tolist()}, right nodes only "
            f"{np.round(c['value']['mean_abs_right'], 3).tolist()}, "
            f"P(any wrong) {np.round(c['value']['frac_samples_wrong'], 2).tolist()}"
            for c in self.data["cells"]
        )


def depth_errors(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> DepthErrors:
    """Errors per layer of a compiled random AND/OR circuit with no / superposed / dedicated error correction.

    A width-100, depth-6 circuit compiled at ``d = 3000`` neurons, basis-aligned and in
    superposition (``dim = 400``), for each error-correction mode (cells of :func:`depth_cell`).

    Parameters
    ----------
    quick : bool
        100 samples per cell (else 400).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`width_scaling`.

    Returns
    -------
    DepthErrors

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="depth_errors")
    grid = [
        dict(circuit_width=100, depth=6, d=3000, dim=dim, s=3, ec=ec, samples=100 if quick else 400, circuit_seed=0)
        for ec in ("none", "superposed_old", "superposed", "dedicated")
        for dim in (0, 400)
    ]
    res = _run(depth_cell, grid, runner=runner, rng=3, desc="depth")
    return DepthErrors(data={"cells": [{"params": p, "value": v} for p, v in res]})


class CompressedComputation(_Section):
    """Compressed computation ablation, mixing scale and mixing diagnostic, from :func:`compressed_computation`.

    ``data``: ``quick``, ``size``, ``replicates``, ``ablation`` (per condition: gains, losses,
    label noise, top-eigenvector overlap), ``mixing_scale`` (gain per mixing scale ``s``) and
    ``diagnostic`` (per fresh embedding: predicted against Monte Carlo label noise,
    Marchenko-Pastur edges).
    """

    def __str__(self) -> str:
        p = self.data["size"]["p"]
        lines = []
        for c, a in self.data["ablation"].items():
            lines.append(
                f"ablation {c:>13}: L/p = {a['loss_mean'] / p:.4f} (naive {a['naive_loss'] / p:.4f}), "
                f"gain {a['gain_mean']:.3f} [{a['gain_min']:.3f}, {a['gain_max']:.3f}] over "
                f"{a['models']} models, top-eigen overlap {a['top_overlap_mean']}"
            )
        for r in self.data["mixing_scale"]:
            lines.append(
                f"mixing s = {r['mixing']:<5}: gain {r['gain_mean']:.3f} [{r['gain_min']:.3f}, {r['gain_max']:.3f}]"
            )
        for d in self.data["diagnostic"]:
            lines.append(
                f"mixing diagnostic: label noise predicted {d['label_noise_predicted']:.4g}, Monte Carlo "
                f"{d['label_noise_measured']:.4g} (ratio {d['ratio']:.4f}); eigenvalues "
                f"[{d['eig_min']:.3g}, {d['eig_max']:.3g}] vs Marchenko-Pastur [{d['mp_min']:.3g}, "
                f"{d['mp_max']:.3g}]"
            )
        return "\n".join(lines)


def _compressed_summary(values: list[dict[str, Any]]) -> dict[str, Any]:
    gains = np.concatenate([v["gain"] for v in values])
    losses = np.concatenate([v["loss"] for v in values])
    over = [o for v in values for o in v["top_overlap"] if o is not None]
    return {
        "gain_mean": float(gains.mean()),
        "gain_min": float(gains.min()),
        "gain_max": float(gains.max()),
        "gain_sem": float(gains.std(ddof=1) / np.sqrt(gains.size)) if gains.size > 1 else None,
        "loss_mean": float(losses.mean()),
        "naive_loss": values[0]["naive_loss"],
        "label_noise_mean": float(np.mean([x for v in values for x in v["label_noise"]])),
        "top_overlap_mean": float(np.mean(over)) if over else None,
        "models": int(gains.size),
        "per_feature_loss_sorted": np.mean([v["per_feature_loss_sorted"] for v in values], axis=0).tolist(),
    }


def compressed_computation(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
    replicates: int | None = None,
) -> CompressedComputation:
    r"""Compressed computation (Braun et al. 2025) and its mixing matrix (Bhagat et al. 2025).

    1. **Ablation** at Braun et al.'s size (``n = 100`` features, ``dim = 1000``, 50 neurons,
       ``p = 0.01``, batch 2048, 1000 AdamW steps): the toy as published (``mixed``), the same
       embedding with the mixing term taken out of the labels (``clean_labels``) and an
       orthonormal embedding (``orthogonal``); gain = naive loss / model loss.
    2. **Mixing scale**: labels :math:`\mathrm{ReLU}(x) - s M x` for several ``s``.
    3. **Diagnostic**: the mixing matrix of fresh random embeddings, the predicted label noise
       :math:`s^2 (p/3) \|M\|_F^2 / n` against a Monte Carlo measurement, Marchenko-Pastur edges.

    Cells of :func:`~theory.circuits.compressed.compressed_cell`, one per condition and replicate.

    Parameters
    ----------
    quick : bool
        Small sizes (``n = 20``, ``dim = 200``, 10 neurons, ``p = 0.05``, 300 steps).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`width_scaling`.
    replicates : int, optional
        Models per condition (default 3; quick 2).

    Returns
    -------
    CompressedComputation

    References
    ----------
    .. [1] Braun, D., Bushnaq, L., Heimersheim, S., Mendel, J. and Sharkey, L. (2025).
       Interpretability in parameter space: minimizing mechanistic description length with
       attribution-based parameter decomposition. arXiv:2501.14926
    .. [2] Bhagat, J., Molas-Medina, S., Giglemiani, G. and Heimersheim, S. (2025). Compressed
       computation is (probably) not computation in superposition. Mechanistic Interpretability
       Workshop at NeurIPS 2025; arXiv:2606.14673
    """
    from theory.circuits.compressed import (
        CONDITIONS,
        compressed_cell,
        label_noise,
        mixing_diagnostic,
        residual_embedding,
    )

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="compressed_computation")
    size: dict[str, Any]  # ints and the float p
    if quick:
        size = {"n": 20, "dim": 200, "width": 10, "p": 0.05, "steps": 300, "batch": 512, "eval_batch": 100_000}
    else:
        size = {"n": 100, "dim": 1000, "width": 50, "p": 0.01, "steps": 1000, "batch": 2048, "eval_batch": 200_000}
    reps = (2 if quick else 3) if replicates is None else check_int(replicates, "replicates", minimum=1)
    grid = [
        {**size, "embedding": CONDITIONS[c][0], "mixing": CONDITIONS[c][1], "replicate": r}
        for c in CONDITIONS
        for r in range(reps)
    ]
    out = _run(compressed_cell, grid, runner=runner, rng=0, desc="ablation")
    ablation = {}
    for c, (emb, s) in CONDITIONS.items():
        ablation[c] = _compressed_summary([v for prm, v in out if prm["embedding"] == emb and prm["mixing"] == s])
    scales = [0.25, 0.5, 1.5, 2.0]
    grid2 = [
        {**size, "embedding": "random", "mixing": s, "replicate": r} for s in scales for r in range(max(reps - 1, 1))
    ]
    out2 = _run(compressed_cell, grid2, runner=runner, rng=1, desc="mixing scale")
    keys = ("gain_mean", "gain_min", "gain_max")
    scale_rows = [
        {"mixing": 0.0, **{k: ablation["clean_labels"][k] for k in keys}},
        {"mixing": 1.0, **{k: ablation["mixed"][k] for k in keys}},
    ]
    for s in scales:
        sm = _compressed_summary([v for prm, v in out2 if prm["mixing"] == s])
        scale_rows.append({"mixing": s, **{k: sm[k] for k in keys}, "label_noise_mean": sm["label_noise_mean"]})
    scale_rows.sort(key=lambda r: r["mixing"])
    diag = []
    for seed in range(3):
        E = residual_embedding(n=size["n"], dim=size["dim"], rng=100 + seed)
        d = mixing_diagnostic(E, p=size["p"], width=size["width"])
        mc = label_noise(E, p=size["p"], batch=400_000, rng=200 + seed)
        diag.append(
            {
                "mean_sq_row": d.mean_sq_row,
                "expected_mean_sq_row": d.expected_mean_sq_row,
                "max_abs": d.max_abs,
                "eig_min": d.eig_min,
                "eig_max": d.eig_max,
                "mp_min": d.mp_min,
                "mp_max": d.mp_max,
                "label_noise_predicted": d.label_noise,
                "label_noise_measured": mc,
                "ratio": mc / d.label_noise,
                "noise_over_naive": d.noise_ratio,
                "top_captured": d.top_captured,
            }
        )
    return CompressedComputation(
        data={
            "quick": quick,
            "size": size,
            "replicates": reps,
            "ablation": ablation,
            "mixing_scale": scale_rows,
            "diagnostic": diag,
        }
    )

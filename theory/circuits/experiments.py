r"""Sweep cells for the scaling experiments (``benchmarks/circuits.py``) and the fits.

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

__all__ = ["PowerLawFit", "capacity_cell", "capacity_embedded_cell", "depth_bound_cell",
           "depth_cell", "embedded_readout", "fit_power_law", "width_cell"]


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

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
from scipy import stats

from theory._validation import check_array
from theory.circuits.circuit import random_circuit
from theory.circuits.compile import compile_circuit, simulate
from theory.circuits.moments import uand_error_moments
from theory.circuits.uand import embed_features, sparse_inputs, uand

__all__ = ["PowerLawFit", "capacity_cell", "depth_cell", "fit_power_law", "width_cell"]


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

r"""How often a compiled deep circuit is wrong: a union bound over gates and layers.

A circuit compiled with basis-aligned inputs and *dedicated* error correction
(:func:`~theory.circuits.compile_circuit` with ``dim=None, error_correction="dedicated"``)
resets every node after every stage with the clipped step
:math:`c(z) = \mathrm{clip}((z - 1/4)/(1/2), 0, 1)`, which returns the stored value
:math:`u \in \{0, 1\}` exactly iff :math:`z \le 1/4` (``u = 0``) or :math:`z \ge 3/4` (``u = 1``).
If stage ``l`` receives the exact stored values of layer ``l-1``, a gate
:math:`u_g = \sum_{|S|=1} c_S u_S + c\,\mathrm{AND}_S` with one nonlinear monomial gets
:math:`z = u_g + c\,e_S`, with :math:`e_S = \widehat{\mathrm{AND}}_S - \mathrm{AND}_S` the U-AND
read-off error, so it fails exactly when

.. math:: (u_g = 0 \wedge c\,e_S > 1/4) \;\vee\; (u_g = 1 \wedge c\,e_S < -1/4),

whose probability over the stage's weights is given exactly by
:func:`~theory.circuits.uand_gate_error_prob` (it depends on the monomial's fan-in, how many of
its inputs are on and how many stored nodes of the layer are on). A gate with ``M > 1``
nonlinear monomials fails only if some :math:`|c_S e_S| > 1/(4M)`, which is bounded by the
sum of the two one-sided tails of each monomial. The stages draw independent weights, so the
first layer that is not exact has a failing gate whose inputs were exact, and for every input
``x``

.. math::

    P_W(\text{some layer is not exact on } x) \le
    \delta(x) = \sum_{l=1}^{L} \sum_{g \in \text{layer } l} q_{l,g}(x),

and for ``x`` uniform over the ``s``-sparse inputs the probability (= the expected fraction of
``s``-sparse inputs on which the network is wrong) is at most
:math:`\bar\delta = E_x \min(1, \delta(x))`.
Without correction nothing resets the sub-threshold errors, no such bound holds, and the
errors grow with depth (measured in ``benchmarks/circuits.py`` and ``docs/results_circuits.md``).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import check_int, check_probability, check_size
from theory.circuits.circuit import Circuit
from theory.circuits.compile import stored_polynomials
from theory.circuits.moments import HANNI, optimal_p, uand_gate_error_prob

__all__ = ["DepthBound", "depth_failure_bound"]

#: Largest number of s-sparse inputs enumerated by :func:`depth_failure_bound`.
MAX_ENUMERATED = 2_000_000


@dataclass(frozen=True)
class DepthBound:
    r"""Union bound on the failure probability of a compiled circuit with dedicated correction.

    Attributes
    ----------
    value : float
        :math:`\bar\delta`: bound on the probability that the compiled network is not exact
        on a uniform ``s``-sparse input (over the weights and the input) — the expected fraction
        of ``s``-sparse inputs on which it may be wrong.
    worst : float
        :math:`\max_x \min(1, \delta(x))` over the ``s``-sparse inputs.
    by_depth : ndarray, shape (L,)
        :math:`\bar\delta` of the circuit truncated after layer ``1..L`` (cumulative).
    per_layer : ndarray, shape (L,)
        Mean over inputs of :math:`\sum_{g} q_{l,g}(x)` for each layer.
    n_inputs : int
        Number of ``s``-sparse inputs averaged over (all of them).
    p : dict
        Connection probability per fan-in used.
    params : dict
    citation : str
    """

    value: float
    worst: float
    by_depth: NDArray[np.float64]
    per_layer: NDArray[np.float64]
    n_inputs: int
    p: dict[int, float]
    params: dict[str, Any] = field(default_factory=dict)
    citation: str = HANNI

    # the Bound protocol (theory._results.BoundLike)
    kind = "upper"
    quantity = "P(compiled circuit wrong on a uniform s-sparse input)"
    proven = True

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.params.items() if k != "widths")
        return (
            f"P(compiled circuit wrong on a uniform s-sparse input) <= {self.value:.6g} "
            f"(union bound over layers, exact per-gate probabilities; worst input {self.worst:.6g}; "
            f"{self.n_inputs} inputs; {where})"
        )

    def __repr__(self) -> str:
        return f"DepthBound(value={self.value:.6g}, worst={self.worst:.6g}, depth={len(self.by_depth)})"


def _all_sparse(n: int, s: int) -> NDArray[np.int8]:
    rows = list(itertools.combinations(range(n), s))
    X = np.zeros((len(rows), n), dtype=np.int8)
    if s:
        idx = np.array(rows, dtype=np.int64)
        np.put_along_axis(X, idx, 1, axis=1)
    return X


def depth_failure_bound(
    circuit: Circuit, *, width: int, s: int, p: float | None = None, compile_s: int = 3
) -> DepthBound:
    r"""Bound the fraction of ``s``-sparse inputs on which a compiled circuit is wrong.

    For :func:`~theory.circuits.compile_circuit` ``(circuit, width=width, p=p, s=compile_s,
    dim=None, error_correction="dedicated")``: see the module docstring for the derivation,

    .. math::

        \bar\delta = E_x \min\Big(1, \sum_{l=1}^{L}\sum_{g} q_{l,g}(x)\Big), \qquad
        q_{l,g}(x) = P\big(\text{gate } g \text{ fails} \mid \text{layer } l-1 \text{ exact}\big),

    with each :math:`q` exact (:func:`~theory.circuits.uand_gate_error_prob`) and the mean taken
    over *all* ``C(n, s)`` inputs by enumeration.

    Parameters
    ----------
    circuit : Circuit
    width : int
        U-AND neurons per block, ``d``.
    s : int
        Active inputs.
    p : float, optional
        Connection probability of every block (default: as :func:`compile_circuit`,
        :func:`optimal_p` for ``compile_s`` active inputs and each fan-in).
    compile_s : int
        The ``s`` passed to :func:`compile_circuit` (sets its default ``p``).

    Returns
    -------
    DepthBound

    Examples
    --------
    >>> from theory.circuits import random_circuit
    >>> c = random_circuit(width=20, depth=4, ops=("AND", "OR"), rng=1)
    >>> b = depth_failure_bound(c, width=60000, s=3, p=0.015)
    >>> b.n_inputs, [round(float(v), 3) for v in b.by_depth]   # after layers 1..4
    (1140, [0.01, 0.024, 0.037, 0.051])

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"circuit must be a Circuit, got {type(circuit).__name__}")
    width = check_size(width, "width", maximum=10**15, why="exact binomial sums in floating point")
    s = check_int(s, "s", minimum=0, maximum=circuit.n_inputs)
    compile_s = check_int(compile_s, "compile_s", minimum=1)
    n_x = math.comb(circuit.n_inputs, s)
    if n_x > MAX_ENUMERATED:
        raise ValueError(f"C(n_inputs, s) = {n_x} inputs exceed the enumeration limit {MAX_ENUMERATED}")
    pv = optimal_p(d=width, s=max(compile_s, 2)) if p is None else check_probability(p, "p", allow_zero=False)
    polys, negated = stored_polynomials(circuit)
    fan_ins = sorted({len(t) for lp in polys for q in lp for t in q if len(t) >= 2} | {2})
    p_k = {k: (pv if (k == 2 or p is not None) else optimal_p(d=width, s=max(compile_s, k), fan_in=k)) for k in fan_ins}

    @functools.cache
    def tail(k: int, active_in_layer: int, j: int, t: float, side: str) -> float:
        try:
            return uand_gate_error_prob(d=width, p=p_k[k], s=active_in_layer, active=j, t=t, fan_in=k, side=side)
        except ValueError as exc:  # the layer's sizes are beyond the exact tail computation
            raise ValueError(f"width={width} (with p={p_k[k]:.4g}): {exc}") from None

    X = _all_sparse(circuit.n_inputs, s)
    layers = circuit.evaluate(X, all_layers=True)
    stored = [np.where(neg, 1 - v, v).astype(np.int64) for v, neg in zip(layers, negated, strict=True)]
    per_layer_x = np.zeros((circuit.depth, len(X)))
    for li, lp in enumerate(polys):
        U = stored[li]  # (n_x, m_l) exact stored inputs of stage li
        a = U.sum(axis=1)  # active stored nodes
        out = stored[li + 1]
        for g, poly in enumerate(lp):
            nonlin = [(t, c) for t, c in poly.items() if len(t) >= 2]
            if not nonlin:
                continue  # linear gate: exact through the skip connection
            M = len(nonlin)
            for t_, c in nonlin:
                j = U[:, list(t_)].sum(axis=1)
                keys = np.stack([a, j, out[:, g]], axis=1)
                uniq, inv = np.unique(keys, axis=0, return_inverse=True)
                vals = np.empty(len(uniq))
                for r, (aa, jj, ug) in enumerate(uniq):
                    k = len(t_)
                    if M == 1:
                        thr = 0.25 / abs(c)
                        # u = 0 fails on c e > 1/4, u = 1 on c e < -1/4
                        up = (ug == 0) == (c > 0)
                        vals[r] = tail(k, int(aa), int(jj), thr, "above" if up else "below")
                    else:
                        thr = 0.25 / (M * abs(c))
                        vals[r] = tail(k, int(aa), int(jj), thr, "above") + tail(k, int(aa), int(jj), thr, "below")
                per_layer_x[li] += vals[inv.ravel()]
    cum = np.cumsum(per_layer_x, axis=0)
    by_depth = np.minimum(cum, 1.0).mean(axis=1)
    return DepthBound(
        value=float(by_depth[-1]),
        worst=float(np.minimum(cum[-1], 1.0).max()),
        by_depth=by_depth,
        per_layer=per_layer_x.mean(axis=1),
        n_inputs=len(X),
        p=p_k,
        params=dict(width=width, s=s, compile_s=compile_s, depth=circuit.depth, widths=circuit.widths),
    )

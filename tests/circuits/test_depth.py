"""Exact gate-failure probabilities and the depth union bound, against brute-force oracles;
the depth claim holds with correction, and is refuted when understated or without correction."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from theory.circuits import Circuit, Gate, random_circuit, uand_error_tail, uand_gate_error_prob
from theory.circuits.depth import depth_failure_bound
from theory.verify import check, registry
from theory.verify.check import binomial_test


def _enumerate_weights(d, cols, p):
    """All 0/1 matrices (d, cols) with their probabilities under iid Bernoulli(p)."""
    for bits in itertools.product((0, 1), repeat=d * cols):
        W = np.array(bits, dtype=float).reshape(d, cols)
        k = W.sum()
        yield W, p**k * (1 - p) ** (d * cols - k)


def _brute_errors(d, p, k, j, s_other):
    """Every weight matrix of the relevant columns (the gate's k inputs, j of them on, and
    s_other other active inputs): its probability and the read-off error it gives."""
    x = np.array([1.0] * j + [0.0] * (k - j) + [1.0] * s_other)
    y = float(j == k)
    out = []
    for W, w in _enumerate_weights(d, k + s_other, p):
        a = np.maximum(W @ x - (k - 1), 0.0)
        cov = W[:, :k].min(axis=1) == 1
        yhat = a[cov].mean() if cov.any() else 0.0
        out.append((yhat - y, w))
    e, w = np.array(out).T
    return e, w


@pytest.mark.parametrize(
    "k,j,s_other,d",
    [(2, 0, 2, 3), (2, 1, 2, 3), (2, 2, 1, 3), (2, 0, 3, 2), (3, 1, 1, 2), (3, 2, 1, 2), (3, 3, 1, 2), (2, 2, 0, 4)],
)
def test_gate_error_prob_matches_enumeration(k, j, s_other, d):
    p = 0.35
    e, w = _brute_errors(d, p, k, j, s_other)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    for t in (0.0, 0.25, 0.5):
        for side in ("above", "below"):
            got = uand_gate_error_prob(d=d, p=p, s=j + s_other, active=j, t=t, fan_in=k, side=side)
            bad = e > t + 1e-12 if side == "above" else e < -t - 1e-12
            assert got == pytest.approx(w[bad].sum(), abs=1e-12), (t, side)


def test_gate_error_prob_agrees_with_conditional_tail():
    d, p = 300, 0.1
    for j in (1, 2):
        q = uand_gate_error_prob(d=d, p=p, s=5, active=j, t=0.3)
        cond = uand_error_tail(d=d, p=p, s=5, active=j, t=0.3, strict=True)
        assert q == pytest.approx((1 - (1 - p * p) ** d) * cond, rel=1e-10)


def test_gate_error_prob_validation():
    with pytest.raises(ValueError, match="side"):
        uand_gate_error_prob(d=10, p=0.1, s=2, active=1, t=0.2, side="up")
    with pytest.raises(ValueError, match="active"):
        uand_gate_error_prob(d=10, p=0.1, s=2, active=3, t=0.2)
    with pytest.raises(ValueError, match="p"):
        uand_gate_error_prob(d=10, p=0.0, s=2, active=1, t=0.2)


def _oracle_single_stage_failure(gate, n, s, d, p, k):
    """Exact P(not exact) of a one-gate, one-layer circuit with dedicated correction, averaged
    over all s-sparse inputs, by enumerating the weights of the block serving fan-in k (an
    independent re-implementation of the stage: ReLU(Wx - (k-1)), mean over covering neurons,
    skip connection for the linear terms, clip((z - 1/4)/(1/2), 0, 1))."""
    c = Circuit(n, [[gate]])
    xs = [np.array([1 if i in S else 0 for i in range(n)], dtype=float) for S in itertools.combinations(range(n), s)]
    from theory.circuits import gate_polynomial

    poly = gate_polynomial(gate)
    ((mono, coef),) = [(t, v) for t, v in poly.items() if len(t) >= 2]
    total = 0.0
    for W, w in _enumerate_weights(d, n, p):
        bad = 0
        for x in xs:
            a = np.maximum(W @ x - (k - 1), 0.0)
            cov = W[:, list(mono)].min(axis=1) == 1
            yhat = a[cov].mean() if cov.any() else 0.0
            z = sum(v * x[t[0]] for t, v in poly.items() if len(t) == 1) + coef * yhat
            out = min(max((z - 0.25) / 0.5, 0.0), 1.0)
            bad += abs(out - c.evaluate(x[None, :].astype(np.int8))[0, 0]) > 1e-12
        total += w * bad / len(xs)
    return total


@pytest.mark.parametrize(
    "gate,k", [(Gate("AND", (0, 1)), 2), (Gate("OR", (0, 1)), 2), (Gate("XOR", (0, 1)), 2), (Gate("AND", (0, 1, 2)), 3)]
)
def test_depth_bound_is_exact_for_one_gate(gate, k):
    # with a single gate the union bound has no slack: it equals the exact failure probability
    n, s, d, p = 4, 3 if k == 3 else 2, 2, 0.4
    b = depth_failure_bound(Circuit(n, [[gate]]), width=d, s=s, p=p)
    assert b.value == pytest.approx(_oracle_single_stage_failure(gate, n, s, d, p, k), abs=1e-12)


def test_depth_bound_monotone_and_validated():
    c = random_circuit(width=20, depth=4, ops=("AND", "OR"), rng=1)
    b = depth_failure_bound(c, width=60000, s=3, p=0.015)
    assert np.all(np.diff(b.by_depth) >= 0) and b.by_depth[-1] == b.value
    assert b.value <= b.worst <= 1 and b.n_inputs == 1140
    assert depth_failure_bound(c, width=120000, s=3, p=0.015).value < b.value
    with pytest.raises(TypeError, match="Circuit"):
        depth_failure_bound("c", width=10, s=1)
    with pytest.raises(ValueError, match="width"):
        depth_failure_bound(c, width=0, s=1)


def test_depth_claim_holds_and_can_fail():
    claim = registry()["circuits.compiled_depth_union_bound"]
    prm = claim.parameter_sets(quick=True)[0]
    v = check(claim, prm, trials=400, rng=0)
    assert v.status == "consistent", v.message
    assert v.violations > 0  # the bound is not vacuous: failures do happen
    # a stated fraction ten times too small is refuted by the exact binomial test on the same
    # 400 trials (check() would draw exactly these samples again: same claim, params, seed)
    p_small, _ = binomial_test(v.violations, v.trials, v.failure_prob / 10)
    assert p_small < claim.alpha, (v.violations, p_small)
    # without correction the same budget fails: errors above the 1/4 threshold accumulate
    # with depth and exceed the stated fraction
    none = check(claim, {**prm, "error_correction": "none", "tol": 0.25}, trials=120, rng=0)
    assert none.status == "refuted", none.message


def test_depth_bound_holds_with_not_and_kary_gates():
    # NOT nodes stored complemented and a gate with two nonlinear monomials
    # (AND(a, b, NOT c) = ab - abc): the bound (split threshold 1/(4M) for M = 2) must still
    # dominate the measured failure rate: one-sided exact binomial test, fresh network per trial
    from theory.circuits import compile_circuit, sparse_inputs

    c = Circuit(
        5,
        [
            [Gate("ID", (0,)), Gate("ID", (1,)), Gate("NOT", (2,)), Gate("OR", (3, 4))],
            [Gate("AND", (0, 1, 2)), Gate("AND", (0, 3)), Gate("XOR", (1, 2))],
        ],
    )
    width, p, s = 1000, 0.15, 2
    b = depth_failure_bound(c, width=width, s=s, p=p)
    assert 0 < b.value < 1
    gen = np.random.default_rng(0)
    trials, bad = 600, 0
    for _ in range(trials):
        net = compile_circuit(c, width=width, p=p, s=s, error_correction="dedicated", rng=gen)
        x = sparse_inputs(m=5, s=s, batch=1, rng=gen)
        err = max(np.abs(r - t).max() for r, t in zip(net.forward(x), c.evaluate(x, all_layers=True), strict=True))
        bad += err > 1e-9
    p_value, _ = binomial_test(bad, trials, b.value)
    assert p_value > 1e-3, (bad / trials, b.value)

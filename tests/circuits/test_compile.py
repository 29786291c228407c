"""Compiled circuits: exact on 1-sparse inputs, right on all 2-sparse inputs when wide,
error correction resets small errors, ErrorStats intervals, validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from theory.circuits import Circuit, Gate, compile_circuit, random_circuit, simulate
from theory.circuits.compile import ErrorCorrection


def _all_sparse(m, s):
    rows = list(itertools.combinations(range(m), s))
    X = np.zeros((len(rows), m), dtype=np.int8)
    for r, idx in enumerate(rows):
        X[r, list(idx)] = 1
    return X


@pytest.mark.parametrize("ec", [False, True, "dedicated"])
def test_one_sparse_inputs_compute_exactly_in_first_layer(ec):
    c = random_circuit(width=15, depth=1, ops=("AND", "OR", "XOR"), rng=0)
    net = compile_circuit(c, width=500, error_correction=ec if ec != True else False, rng=1)  # noqa: E712
    X = _all_sparse(15, 1)
    out = net.forward(X)[-1]
    # one active input: no U-AND neuron fires (bias -1), gates reduce to their linear part
    np.testing.assert_array_equal(out, c.evaluate(X))


@pytest.mark.parametrize("seed", [0, 1])
def test_two_sparse_all_inputs_right_when_wide(seed):
    # every gate of the first layer right on every 2-sparse input (d p^2 = 7 neurons per pair)
    c = random_circuit(width=12, depth=1, ops=("AND", "OR", "XOR"), rng=3)
    net = compile_circuit(c, width=8000, s=2, p=0.03, error_correction="dedicated", rng=seed)
    X = _all_sparse(12, 2)
    outs = net.forward(X)
    truth = c.evaluate(X, all_layers=True)
    for o, t in zip(outs, truth, strict=True):
        assert np.array_equal(o > 0.5, t == 1)


def test_error_correction_resets_error_across_depth():
    # an ID chain: without correction the read-off error of an inactive node grows with depth,
    # with dedicated correction it stays exactly 0 (the errors are below the 1/4 threshold)
    m, depth = 20, 5
    layers = [[Gate("AND", (i, (i + 1) % m)) if i < 4 else Gate("ID", (i,)) for i in range(m)] for _ in range(depth)]
    c = Circuit(m, layers)
    x = np.zeros((1, m), dtype=np.int8)
    x[0, [0, 1, 2]] = 1
    with_ec = compile_circuit(c, width=20000, p=0.03, error_correction="dedicated", rng=0)
    without = compile_circuit(c, width=20000, p=0.03, error_correction=False, rng=0)
    t = c.evaluate(x, all_layers=True)
    e_ec = [np.abs(o - v).max() for o, v in zip(with_ec.forward(x), t, strict=True)]
    e_no = [np.abs(o - v).max() for o, v in zip(without.forward(x), t, strict=True)]
    # dedicated correction draws no random numbers: both nets share the U-AND weights, so
    # the uncorrected first-stage error is what the correction removed
    assert 0 < e_no[1] < 0.25
    assert max(e_ec) == 0.0


def test_simulate_stats_shapes_and_intervals():
    c = random_circuit(width=20, depth=2, ops=("AND", "OR"), rng=0)
    net = compile_circuit(c, width=800, dim=200, error_correction=False, rng=0)
    st = simulate(net, c, s=3, samples=150, eps=0.25, rng=0)
    assert st.mean_abs.shape == (3,) and st.frac_wrong_ci.shape == (3, 2)
    for i in range(3):
        lo, hi = st.mean_abs_ci[i]
        assert lo <= st.mean_abs[i] <= hi
        lo, hi = st.frac_samples_wrong_ci[i]
        assert lo <= st.frac_samples_wrong[i] <= hi
        assert st.mean_abs[i] <= st.max_abs[i]
    assert st.active[0] == 3.0
    assert len(st.gate_mean_error) == 3 and st.gate_mean_error[1].shape == (20,)
    assert "layer" in st.summary()
    # same seed, same result
    st2 = simulate(net, c, s=3, samples=150, eps=0.25, rng=0)
    np.testing.assert_array_equal(st.mean_abs, st2.mean_abs)


def test_counts():
    c = random_circuit(width=10, depth=2, rng=0)
    a = compile_circuit(c, width=100, error_correction=False, rng=0)
    b = compile_circuit(c, width=100, error_correction=True, rng=0)
    d = compile_circuit(c, width=100, error_correction="dedicated", rng=0)
    assert a.n_neurons == 200 and b.n_neurons == 400 and d.n_neurons == 200 + 2 * 20
    assert 0 < a.n_params < b.n_params


def test_bad_input():
    c2 = random_circuit(width=4, depth=1, rng=0)
    with pytest.raises(TypeError, match="Circuit"):
        compile_circuit("c", width=10)
    with pytest.raises(ValueError, match="width"):
        compile_circuit(c2, width=0)
    with pytest.raises(ValueError, match="error_correction"):
        compile_circuit(c2, width=10, error_correction="yes")
    net = compile_circuit(c2, width=10)
    with pytest.raises(ValueError, match="s must be"):
        simulate(net, c2, s=5)
    with pytest.raises(ValueError, match="eps"):
        simulate(net, c2, s=1, eps=float("nan"))
    with pytest.raises(ValueError, match="widths"):
        simulate(net, random_circuit(width=5, depth=1, rng=0), s=1)


from hypothesis import given, settings  # noqa: E402

from theory.circuits._strategies import sparse_boolean_circuits, sparse_boolean_inputs  # noqa: E402


@settings(max_examples=10)
@given(sparse_boolean_circuits(max_width=10, max_depth=1), sparse_boolean_inputs(10, max_active=1))
def test_compiled_first_layer_exact_on_at_most_one_active(c, x):
    # property over random circuits and inputs with <= 1 active input: exact at any width
    x = x[: c.n_inputs]
    net = compile_circuit(c, width=50, error_correction=False, rng=0)
    np.testing.assert_array_equal(net.forward(x[None, :])[-1], c.evaluate(x[None, :]))


def _id_layer_net(m, k, n, centre, seed):
    # one stage of ID gates: the U-AND never fires on the read nodes, the skip connection
    # passes the inputs exactly, so the correction layer sees exact Boolean values
    c = Circuit(m, [[Gate("ID", (i,)) for i in range(m)]])
    net = compile_circuit(c, width=2 * k, error_correction=ErrorCorrection(degree=n, centre=centre), rng=seed)
    return c, net


def test_superposed_correction_read_is_the_predicted_function_of_the_active_set():
    # oracle: pair r is on iff it holds an active node; node i reads
    # (#on pairs of i)/n - (#on pairs)/k, computed here by loops over the wiring; m > k pairs
    # (nodes in superposition on the pairs), two nodes per pair on average
    m, k, n = 40, 30, 3
    c, net = _id_layer_net(m, k, n, True, 0)
    V = net.stages[0].V.toarray()
    assert (V.sum(axis=0) == n).all()  # every node has exactly n pairs
    x = np.zeros((1, m), dtype=np.int8)
    x[0, [2, 11, 29]] = 1
    out = net.forward(x)[-1][0]
    on = [any(V[r, j] and x[0, j] for j in range(m)) for r in range(k)]
    cbar = sum(on) / k
    for i in range(m):
        expect = sum(on[r] for r in range(k) if V[r, i]) / n - cbar
        assert abs(out[i] - expect) < 1e-12
    # every active node reads exactly 1 - cbar (all its pairs fire)
    np.testing.assert_allclose(out[[2, 11, 29]], 1 - cbar, atol=1e-12)


def test_centring_removes_the_inactive_bias():
    # over random wirings, an inactive node's uncentred read has mean beta = 1-(1-n/k)^a (the
    # bias the old layer left), the centred one mean 0; z-tests on independent networks
    m, k, n, a = 60, 40, 5, 4
    beta = 1 - (1 - n / k) ** a
    x = np.zeros((1, m), dtype=np.int8)
    x[0, :a] = 1
    for centre, target in ((False, beta), (True, 0.0)):
        vals = []
        for seed in range(60):
            _, net = _id_layer_net(m, k, n, centre, seed)
            vals.append(net.forward(x)[-1][0, a:].mean())  # mean over inactive nodes
        vals = np.array(vals)
        z = (vals.mean() - target) / (vals.std(ddof=1) / np.sqrt(len(vals)))
        assert abs(z) < 3.3, (centre, vals.mean(), target)
    assert beta > 0.3  # the bias is large at these sizes


@pytest.mark.parametrize("dim", [None, 400])
def test_superposed_correction_beats_none_at_depth(dim):
    # width-100 depth-6 AND/OR circuit, d = 3000: the centred superposed correction has a
    # smaller layer-6 error than no correction (disjoint 95% intervals), and its error on the
    # nodes that are right grows from layer 1 to layer 6 by less than a quarter of the growth
    # without correction (basis-aligned: not at all; measured 0.031 -> 0.031 vs 0.013 -> 0.058)
    c = random_circuit(width=100, depth=6, ops=("AND", "OR"), rng=0)
    st = {}
    for ec in (False, True):
        net = compile_circuit(c, width=3000, dim=dim, s=3, error_correction=ec, rng=0)
        st[ec] = simulate(net, c, s=3, samples=400, rng=0)
    assert st[True].mean_abs_ci[6, 1] < st[False].mean_abs_ci[6, 0]
    r_ec, r_no = st[True].mean_abs_right, st[False].mean_abs_right
    assert r_no[6] - r_no[1] > 0.03
    assert r_ec[6] - r_ec[1] < 0.25 * (r_no[6] - r_no[1])


def _circuit_with_not_and_kary(n, width, depth, seed):
    """A random layered circuit mixing AND (fan-in 2 and 3), OR, XOR, NOT and ID."""
    gen = np.random.default_rng(seed)
    ops = [("AND", 2), ("AND", 3), ("OR", 2), ("XOR", 2), ("NOT", 1), ("ID", 1)]
    layers, prev = [], n
    for _ in range(depth):
        layer = []
        for _ in range(width):
            op, k = ops[int(gen.integers(len(ops)))]
            layer.append(Gate(op, tuple(int(i) for i in gen.choice(prev, size=k, replace=False))))
        layers.append(layer)
        prev = width
    return Circuit(n, layers)


def test_stored_polynomials_reproduce_the_circuit_exactly():
    # the rewriting itself is exact: evaluating the stored polynomials layer by layer on the
    # stored values, and complementing, gives Circuit.evaluate on every input (brute force)
    from theory.circuits.compile import stored_polynomials

    c = _circuit_with_not_and_kary(6, 7, 4, seed=0)
    polys, neg = stored_polynomials(c)
    X = np.array(list(itertools.product((0, 1), repeat=6)), dtype=np.int64)
    truth = c.evaluate(X, all_layers=True)
    U = X
    for li, lp in enumerate(polys):
        assert all(() not in q for q in lp)  # no constant terms
        U = np.stack(
            [
                sum(coef * np.prod(U[:, list(t)], axis=1) for t, coef in q.items())
                if q
                else np.zeros(len(X), dtype=np.int64)
                for q in lp
            ],
            axis=1,
        )
        np.testing.assert_array_equal(np.where(neg[li + 1], 1 - U, U), truth[li + 1])


def test_not_and_kary_and_exact_on_sparse_inputs_one_layer():
    # one layer: with at most one active input no neuron fires (fan-in-k neurons get at most
    # 1 - (k-1) <= 0), so every gate is exactly its linear part; NOT reads 1 - a
    gates = [
        Gate("AND", (0, 1, 2)),
        Gate("AND", (0, 3)),
        Gate("NOT", (1,)),
        Gate("AND", (4, 5)),
        Gate("OR", (2, 5)),
        Gate("XOR", (1, 4)),
        Gate("ID", (3,)),
    ]
    c = Circuit(6, [gates])
    net = compile_circuit(c, width=30000, s=3, error_correction=False, rng=0)
    X = np.concatenate([_all_sparse(6, 0), _all_sparse(6, 1)])
    np.testing.assert_allclose(net.forward(X)[-1], c.evaluate(X), atol=1e-12)
    # two active inputs: the active pair's AND reads exactly 1 (covered, no other input on)
    # and every gate is right after rounding
    X2 = _all_sparse(6, 2)
    out = net.forward(X2)[-1]
    both = (X2[:, 0] == 1) & (X2[:, 3] == 1)
    np.testing.assert_allclose(out[both, 1], 1.0, atol=1e-12)
    np.testing.assert_array_equal(out > 0.5, c.evaluate(X2) == 1)
    # and with three active inputs the 3-AND is exact when all three are its inputs
    x3 = np.array([[1, 1, 1, 0, 0, 0]], dtype=np.int8)
    assert net.forward(x3)[-1][0, 0] == pytest.approx(1.0, abs=1e-12)


def test_not_rewrites_exact_through_negated_nodes():
    # layer 1 holds NOT nodes (stored complemented); layer 2 reads them: AND(a, NOT b) = a - ab,
    # AND(NOT a, NOT b) = 1 - (a + b - ab), OR(NOT a, b), XOR(NOT a, NOT b), a standalone NOT
    c = Circuit(
        4,
        [
            [Gate("ID", (0,)), Gate("NOT", (1,)), Gate("NOT", (2,)), Gate("ID", (3,))],
            [
                Gate("AND", (0, 1)),
                Gate("AND", (1, 2)),
                Gate("OR", (1, 3)),
                Gate("XOR", (1, 2)),
                Gate("NOT", (1,)),
                Gate("AND", (0, 1, 3)),
            ],
        ],
    )
    net = compile_circuit(c, width=30000, s=2, error_correction=False, rng=1)
    X = np.concatenate([_all_sparse(4, 0), _all_sparse(4, 1)])
    outs, truth = net.forward(X), c.evaluate(X, all_layers=True)
    for o, t in zip(outs, truth, strict=True):  # exact on 0- and 1-sparse inputs
        np.testing.assert_allclose(o, t, atol=1e-12)
    X2 = _all_sparse(4, 2)  # right after rounding on 2-sparse
    for o, t in zip(net.forward(X2), c.evaluate(X2, all_layers=True), strict=True):
        np.testing.assert_array_equal(o > 0.5, t == 1)
    assert net.negated[1].tolist() == [False, True, True, False]
    # the complemented nodes cost no neurons: the same number as a NOT-free circuit
    assert net.stages[0].n_neurons == 30000


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_circuits_with_not_and_kary_right_after_rounding(seed):
    # deeper random circuits with NOT and 3-AND: every node of every layer right after
    # rounding on every input with at most 2 active, with dedicated correction (brute force)
    c = _circuit_with_not_and_kary(8, 8, 3, seed=seed)
    net = compile_circuit(c, width=30000, s=3, error_correction="dedicated", rng=seed)
    X = np.concatenate([_all_sparse(8, 0), _all_sparse(8, 1), _all_sparse(8, 2)])
    for o, t in zip(net.forward(X), c.evaluate(X, all_layers=True), strict=True):
        np.testing.assert_array_equal(o > 0.5, t == 1)


def test_kary_block_has_bias_minus_k_minus_one():
    c = Circuit(5, [[Gate("AND", (0, 1, 2, 3)), Gate("AND", (0, 4))]])
    net = compile_circuit(c, width=100, error_correction=False, rng=0)
    st = net.stages[0]
    assert st.W.shape[0] == 200 and sorted(set(np.asarray(st.bias).tolist())) == [-3.0, -1.0]
    assert set(net.info["p_by_fan_in"]) == {2, 4}

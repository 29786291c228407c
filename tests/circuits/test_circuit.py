"""Circuits: truth tables, AND-form rewriting (brute force), validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.circuits import Circuit, Gate, gate_polynomial, random_circuit

TRUTH = {
    "AND": lambda v: int(all(v)),
    "OR": lambda v: int(any(v)),
    "XOR": lambda v: v[0] ^ v[1],
    "NOT": lambda v: 1 - v[0],
    "ID": lambda v: v[0],
}


@pytest.mark.parametrize("op,k", [("AND", 2), ("AND", 3), ("AND", 4), ("OR", 2), ("XOR", 2), ("NOT", 1), ("ID", 1)])
def test_gate_polynomial_matches_truth_table(op, k):
    gate = Gate(op, tuple(range(k)))
    poly = gate_polynomial(gate)
    assert all(isinstance(c, int) for c in poly.values())
    for v in itertools.product((0, 1), repeat=k):
        val = sum(c * int(np.prod([v[i] for i in mono])) for mono, c in poly.items())
        assert val == TRUTH[op](v)
    c = Circuit(k, [[gate]])
    X = np.array(list(itertools.product((0, 1), repeat=k)))
    assert c.evaluate(X)[:, 0].tolist() == [TRUTH[op](tuple(v)) for v in X]


def test_xor_or_rewrites_are_the_papers():
    assert gate_polynomial(Gate("XOR", (0, 1))) == {(0,): 1, (1,): 1, (0, 1): -2}
    assert gate_polynomial(Gate("OR", (0, 1))) == {(0,): 1, (1,): 1, (0, 1): -1}


@given(seed=st.integers(0, 10**6), width=st.integers(2, 7), depth=st.integers(1, 4))
def test_and_form_agrees_with_evaluation_on_every_input(seed, width, depth):
    c = random_circuit(width=width, depth=depth, ops=("AND", "OR", "XOR", "NOT", "ID"), rng=seed)
    X = np.array(list(itertools.product((0, 1), repeat=width)))
    np.testing.assert_array_equal(c.evaluate_and_form(X), c.evaluate(X))
    layers = c.evaluate(X, all_layers=True)
    assert len(layers) == depth + 1
    assert all(set(np.unique(v)) <= {0, 1} for v in layers)


def test_random_circuit_is_reproducible_and_sized():
    a = random_circuit(width=5, depth=3, rng=7)
    b = random_circuit(width=5, depth=3, rng=7)
    assert a.layers == b.layers and a.widths == (5, 5, 5, 5)
    assert random_circuit(width=4, depth=1, n_inputs=9, rng=0).widths == (9, 4)


def test_sparsity_preserving():
    assert Circuit(2, [[Gate("AND", (0, 1))]]).sparsity_preserving
    assert not Circuit(2, [[Gate("NOT", (0,))]]).sparsity_preserving


@pytest.mark.parametrize(
    "make,err,match",
    [
        (lambda: Gate("NAND", (0, 1)), ValueError, "op must be one of"),
        (lambda: Gate("XOR", (0, 1, 2)), ValueError, "exactly 2"),
        (lambda: Gate("AND", (1, 1)), ValueError, "distinct"),
        (lambda: Gate("NOT", (-1,)), ValueError, "gate input"),
        (lambda: Circuit(2, [[Gate("AND", (0, 2))]]), ValueError, "reads input 2"),
        (lambda: Circuit(0, []), ValueError, "n_inputs"),
        (lambda: Circuit(2, [[]]), ValueError, "no gates"),
        (lambda: Circuit(2, [["AND"]]), TypeError, "not a Gate"),
        (lambda: random_circuit(width=0, depth=1), ValueError, "width"),
        (lambda: random_circuit(width=3, depth=1, ops=("FOO",)), ValueError, "ops"),
    ],
)
def test_bad_input(make, err, match):
    with pytest.raises(err, match=match):
        make()


def test_bad_x():
    c = Circuit(2, [[Gate("AND", (0, 1))]])
    with pytest.raises(ValueError, match="Boolean"):
        c.evaluate([[0, 2]])
    with pytest.raises(ValueError, match="finite"):
        c.evaluate([[0, np.nan]])
    with pytest.raises(ValueError, match="n_inputs=2"):
        c.evaluate([[0, 1, 1]])

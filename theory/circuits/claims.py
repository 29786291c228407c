"""Claims of the circuits area, checked by ``theory verify``."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._references import cite
from theory.circuits.circuit import random_circuit
from theory.circuits.compile import compile_circuit
from theory.circuits.depth import depth_failure_bound
from theory.circuits.moments import uand_error_tail
from theory.circuits.uand import sparse_inputs, uand
from theory.verify.claim import Claim

__all__ = ["claims"]


def _tail_measure(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    d, p, s, j = params["d"], params["p"], params["s"], params["active"]
    m = s + 2 - j
    x = np.zeros(m, dtype=np.int8)
    x[:j] = 1  # the gate (0, 1) has j active inputs
    x[2 : 2 + s - j] = 1  # s - j other active inputs
    out: list[float] = []
    while len(out) < 16:
        net = uand(m=m, d=d, p=p, pairs=[[0, 1]], rng=rng)
        if net.coverage([[0, 1]])[0] == 0:
            continue  # the statement is conditional on coverage
        out.append(float(net.read(net.forward(x))[0]) - int(j == 2))
    return np.array(out)


def _tail_prob(params: Mapping[str, Any]) -> float:
    return uand_error_tail(
        d=params["d"], p=params["p"], s=params["s"], active=params["active"], t=params["t"], strict=True
    )


def _sparse_exact_measure(params: Mapping[str, Any], rng: np.random.Generator) -> float:
    m, d, p = params["m"], params["d"], params["p"]
    net = uand(m=m, d=d, p=p, rng=rng)
    worst = 0.0
    one = np.eye(m, dtype=np.int8)
    worst = max(worst, float(np.abs(net.read(net.forward(one))).max()))
    pairs = np.array(list(itertools.combinations(range(m), 2)))
    X = np.zeros((len(pairs), m), dtype=np.int8)
    X[np.arange(len(pairs)), pairs[:, 0]] = 1
    X[np.arange(len(pairs)), pairs[:, 1]] = 1
    Y = net.read(net.forward(X))
    own = Y[np.arange(len(pairs)), pairs[:, 0], pairs[:, 1]]
    covered = net.coverage(pairs) > 0
    worst = max(worst, float(np.abs(own[covered] - 1.0).max(initial=0.0)))
    return worst


def _compiled_one_sparse_measure(params: Mapping[str, Any], rng: np.random.Generator) -> float:
    c = random_circuit(width=params["width"], depth=1, ops=("AND", "OR", "XOR"), rng=rng)
    net = compile_circuit(c, width=params["d"], error_correction=False, rng=rng)
    X = np.eye(params["width"], dtype=np.int8)
    return float(np.abs(net.forward(X)[-1] - c.evaluate(X)).max())


@functools.lru_cache(maxsize=32)
def _random_and_or_circuit(width: int, depth: int, seed: int):
    return random_circuit(width=width, depth=depth, ops=("AND", "OR"), rng=seed)


def _depth_circuit(params: Mapping[str, Any]):
    return _random_and_or_circuit(params["circuit_width"], params["depth"], params["circuit_seed"])


@functools.lru_cache(maxsize=32)
def _depth_bound_cached(circuit_width: int, depth: int, circuit_seed: int, width: int, p: float, s: int) -> float:
    c = _random_and_or_circuit(circuit_width, depth, circuit_seed)
    return depth_failure_bound(c, width=width, s=s, p=p).value


def _depth_bound(params: Mapping[str, Any]) -> float:
    return _depth_bound_cached(
        params["circuit_width"], params["depth"], params["circuit_seed"], params["width"], params["p"], params["s"]
    )


def _depth_measure(params: Mapping[str, Any], rng: np.random.Generator) -> float:
    """One fresh network and one uniform s-sparse input: the largest error over all layers."""
    c = _depth_circuit(params)
    ec = params.get("error_correction", "dedicated")
    net = compile_circuit(
        c, width=params["width"], p=params["p"], s=params["s"], error_correction=False if ec == "none" else ec, rng=rng
    )
    x = sparse_inputs(m=c.n_inputs, s=params["s"], batch=1, rng=rng)
    reads = net.forward(x)
    truth = c.evaluate(x, all_layers=True)
    return float(max(np.abs(r - t).max() for r, t in zip(reads, truth, strict=True)))


def claims() -> list[Claim]:
    """The circuits claims (compressed computation: ``theory.circuits._claims_compressed``)."""
    from theory.circuits._claims_compressed import compressed_claims

    return [
        *compressed_claims(),
        Claim(
            id="circuits.uand_error_tail",
            statement=(
                "Bernoulli U-AND (a = ReLU(Wx - 1), W ~ Bernoulli(p)): given that some "
                "neuron covers the pair, the read-off error of AND(x_i, x_j) with `active` "
                "of the pair on and s - active other active inputs exceeds t with "
                "probability exactly (tested two-sided) sum_n P(N=n | N>=1) P(Bin(n s', p) > n t), "
                "N ~ Bin(d, p^2) (mean s'p, variance ~ s'/(dp))."
            ),
            latex=r"P(\hat y - y > t) = \sum_{n\ge1} P(N=n\mid N\ge1)\,P(\mathrm{Bin}(ns',p) > nt)",
            citation=cite("hanni2024"),
            domain="d >= 1, 0 < p <= 1, active in {1, 2}, s >= active, t > 0",
            bound=lambda prm: prm["t"],
            measure=_tail_measure,
            relation="<=",
            failure_prob=_tail_prob,
            two_sided=True,  # the probability is exact: too few violations refute it too
            quantity="read-off error (read minus true AND)",
            unit="output units (true value 0 or 1)",
            params=[
                dict(d=200, p=0.12, s=4, active=1, t=0.5),
                dict(d=400, p=0.08, s=5, active=2, t=0.45),
                dict(d=1000, p=0.05, s=3, active=2, t=0.15),
            ],
            quick_params=[dict(d=200, p=0.12, s=4, active=1, t=0.5)],
            trials=960,
            quick_trials=320,
            proof="uand_moments",
            tags=("circuits", "uand", "probabilistic"),
        ),
        Claim(
            id="circuits.uand_sparse_exact",
            statement=(
                "Bernoulli U-AND is exact on very sparse inputs: with one active input "
                "every pair reads 0, and with two active inputs their pair reads exactly "
                "1 whenever a neuron covers it."
            ),
            latex=r"s \le 2 \Rightarrow \hat y_{ij} = x_i x_j \text{ on the active pair; } s=1 \Rightarrow \hat Y = 0",
            citation=cite("hanni2024"),
            domain="m >= 2, d >= 1, 0 < p <= 1",
            bound=lambda prm: 0.0,
            measure=_sparse_exact_measure,
            relation="<=",
            atol=1e-12,
            quantity="max |error| on 1- and 2-sparse inputs",
            unit="output units (true value 0 or 1)",
            params=[dict(m=12, d=500, p=0.2), dict(m=20, d=2000, p=0.05)],
            quick_params=[dict(m=10, d=300, p=0.2)],
            trials=20,
            quick_trials=8,
            tags=("circuits", "uand", "exact"),
        ),
        Claim(
            id="circuits.compiled_one_sparse_exact",
            statement=(
                "A compiled circuit layer (U-AND with bias -1 for the quadratic terms, "
                "skip connection for the linear ones) computes every AND/OR/XOR gate "
                "exactly on 1-sparse inputs, at any width."
            ),
            latex=r"\|x\|_0 = 1 \Rightarrow \hat y = g(x)",
            citation=cite("hanni2024"),
            domain="width >= 2, d >= 1",
            bound=lambda prm: 0.0,
            measure=_compiled_one_sparse_measure,
            relation="<=",
            atol=1e-12,
            quantity="max |error| over gates on 1-sparse inputs",
            unit="output units (true value 0 or 1)",
            params=[dict(width=16, d=200), dict(width=40, d=50)],
            quick_params=[dict(width=12, d=100)],
            trials=20,
            quick_trials=8,
            tags=("circuits", "compile", "exact"),
        ),
        Claim(
            id="circuits.compiled_depth_union_bound",
            statement=(
                "A random AND/OR circuit of depth L compiled with basis-aligned inputs, "
                "Bernoulli(p) U-AND stages of `width` neurons and dedicated error "
                "correction (clip((z - 1/4)/(1/2), 0, 1) after every stage) computes every "
                "node of every layer exactly, except on a fraction of the s-sparse inputs "
                "(expected over the weights) of at most the union bound "
                "E_x min(1, sum_l sum_g q_lg(x)), where q_lg(x) is the exact probability "
                "that gate g of stage l crosses the correction threshold given exact "
                "inputs (uand_gate_error_prob). Measured event: the largest error over "
                "all layers exceeds `tol` (1e-9: not exact) on a fresh network and a "
                "uniform s-sparse input."
            ),
            latex=(
                r"P_{W,x}\big(\max_l \|\hat x_l - x_l\|_\infty > 0\big) \le "
                r"E_x \min\big(1, \textstyle\sum_{l=1}^L \sum_g q_{l,g}(x)\big)"
            ),
            citation=cite("hanni2024"),
            domain=(
                "basis-aligned inputs, error_correction='dedicated', AND/OR circuits from "
                "random_circuit(width=circuit_width, depth=depth, rng=circuit_seed)"
            ),
            bound=lambda prm: prm.get("tol", 1e-9),
            measure=_depth_measure,
            relation="<=",
            failure_prob=_depth_bound,
            quantity="max |error| over all layers",
            unit="output units (true value 0 or 1)",
            params=[
                dict(circuit_width=20, depth=4, circuit_seed=1, width=60000, p=0.015, s=3),
                dict(circuit_width=30, depth=6, circuit_seed=1, width=100000, p=0.012, s=3),
            ],
            quick_params=[dict(circuit_width=20, depth=4, circuit_seed=1, width=60000, p=0.015, s=3)],
            trials=600,
            quick_trials=80,
            proof="circuits_depth",
            tags=("circuits", "compile", "depth", "probabilistic"),
        ),
    ]

"""All pairwise ANDs of a basis-aligned input at once: the exact sparse evaluation, its union
bound, and the sweep cell of ``benchmarks/circuits.py --only capacity_basis``."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sps
from scipy import stats

from theory.circuits import UAnd, embed_features, optimal_p, uand
from theory.experiments.circuits import (
    PAIR_CLASSES,
    all_pairs_errors,
    all_pairs_union_bound,
    capacity_basis_cell,
)

#: Significance level of the binomial tests below (one-sided).
ALPHA = 0.01


def _dense_oracle(net, x, tol):
    """Brute force: the dense all-pairs read-off (W^T diag(a) W) / (W^T W), every pair i < j."""
    Y = net.read(net.forward(x))
    m = net.m
    i, j = np.triu_indices(m, k=1)
    act = np.asarray(x, dtype=bool)
    cls = act[i].astype(int) + act[j]
    err = np.abs(Y[i, j] - (cls == 2))
    out_max, out_wrong, out_n = {}, {}, {}
    for code, key in ((2, "both"), (1, "one"), (0, "none")):
        e = err[cls == code]
        out_max[key] = float(e.max(initial=0.0))
        out_wrong[key] = int(np.count_nonzero(e > tol))
        out_n[key] = int(e.size)
    return out_max, out_wrong, out_n


@pytest.mark.parametrize("m,d,p", [(5, 30, 0.3), (12, 60, 0.25), (40, 200, 0.15), (90, 1000, 0.06), (30, 8, 0.5)])
def test_sparse_all_pairs_equals_dense_brute_force(m, d, p):
    # small d leaves pairs uncovered (active pairs then read 0: error 1); every sparsity 0..4
    gen = np.random.default_rng(m * 1000 + d)
    for rep in range(4):
        net = uand(m=m, d=d, p=p, rng=gen)
        for s in range(0, min(m, 4) + 1):
            x = np.zeros(m, dtype=np.int8)
            x[gen.choice(m, size=s, replace=False)] = 1
            for tol in (0.5, 0.25, 0.0):
                got = all_pairs_errors(net, x, tol=tol)
                mx, wr, n = _dense_oracle(net, x, tol)
                assert got.n_pairs == n
                assert got.n_wrong == wr, (m, d, p, rep, s, tol)
                for k in PAIR_CLASSES:
                    assert got.max_error[k] == pytest.approx(mx[k], abs=1e-12)
                assert got.all_right == (sum(wr.values()) == 0)


def test_read_of_exactly_one_half_is_right_after_rounding():
    # active {0, 2}. Neuron 0 is wired to 0, 1, 2 (fires, a = 1), neuron 1 to 0, 1 and neuron 2
    # to 1, 2 (both silent): the one-active pairs (0, 1) and (1, 2) read exactly 1/2 (right at
    # tol 1/2, wrong at tol 1/4), the active pair (0, 2) reads 1, every pair with 3 reads 0
    W = sps.csr_matrix(np.array([[1, 1, 1, 0], [1, 1, 0, 0], [0, 1, 1, 0]], dtype=np.int8))
    net = UAnd(
        kind="bernoulli", W=W, bias=np.full(3, -1.0), fan_in=2, p=0.5, embedding=None, pairs=None, calibration_s=None
    )
    x = np.array([1, 0, 1, 0], dtype=np.int8)
    e = all_pairs_errors(net, x, tol=0.5)
    assert e.max_error == {"both": 0.0, "one": 0.5, "none": 0.0}
    assert e.all_right and e.n_wrong == {"both": 0, "one": 0, "none": 0}
    e4 = all_pairs_errors(net, x, tol=0.25)
    assert not e4.all_right and e4.n_wrong == {"both": 0, "one": 2, "none": 0}
    # with input 3 active too, the active pairs (0, 3) and (2, 3) are uncovered: they read 0
    e3 = all_pairs_errors(net, np.array([1, 0, 1, 1], dtype=np.int8))
    assert e3.max_error["both"] == 1.0 and e3.n_wrong["both"] == 2
    assert e3.max_error == _dense_oracle(net, np.array([1, 0, 1, 1]), 0.5)[0]


def test_cell_counts_are_consistent():
    v = capacity_basis_cell(dict(m=30, d=400, s=3, p=0.1, networks=5, inputs=3), np.random.default_rng(0))
    assert v["n_pairs"] == {"both": 3, "one": 81, "none": 351}
    for k in PAIR_CLASSES:
        me = np.array(v["max_error"][k]).reshape(5, 3)
        nw = np.array(v["n_wrong"][k])
        assert nw.shape == (5,)
        # a network has wrong pairs of a class iff one of its samples has an error above 1/2 there
        assert np.array_equal(nw > 0, (me > 0.5).any(axis=1))
        assert np.all(nw >= (me > 0.5).sum(axis=1))


def test_union_bound_counts_and_inverse():
    b = all_pairs_union_bound(m=50, d=2000, p=0.06, s=3)
    assert b.n_pairs == {"both": 3, "one": 141, "none": 1081}
    assert b.total == pytest.approx(sum(b.n_pairs[k] * b.q[k] for k in PAIR_CLASSES))
    assert b.value == min(1.0, b.total)
    # m_max solves total(m) = delta
    mm = b.m_max(0.05)
    lo = all_pairs_union_bound(m=math.floor(mm), d=2000, p=0.06, s=3).total
    hi = all_pairs_union_bound(m=math.floor(mm) + 1, d=2000, p=0.06, s=3).total
    assert lo <= 0.05 < hi
    # too few neurons: even the 3 active pairs fail too often
    assert all_pairs_union_bound(m=4, d=100, p=0.05, s=3).m_max(0.05) is None
    # s = 1: nothing fires, no pair can be wrong
    b1 = all_pairs_union_bound(m=10, d=100, p=0.2, s=1)
    assert b1.total == 0.0 and b1.m_max(0.05) == math.inf


@pytest.mark.parametrize("d,m", [(2000, 8), (4000, 23)])
def test_union_bound_holds_against_measured_failures(d, m):
    # fresh network per input (independent samples): the measured P(some pair wrong) must not
    # exceed the exact union bound beyond a one-sided binomial test at level ALPHA, and the
    # mean number of wrong pairs must match its exact value (the same sum) within 4 standard errors
    p = round(optimal_p(d=d, s=3), 6)
    n = 250
    v = capacity_basis_cell(dict(m=m, d=d, s=3, p=p, networks=n, inputs=1), np.random.default_rng(d + m))
    worst = np.max([v["max_error"][k] for k in PAIR_CLASSES], axis=0)
    k = int(np.count_nonzero(worst > 0.5))
    b = all_pairs_union_bound(m=m, d=d, p=p, s=3)
    assert stats.binomtest(k, n, b.value, alternative="greater").pvalue > ALPHA
    tot = np.sum([v["n_wrong"][c] for c in PAIR_CLASSES], axis=0)
    se = max(tot.std(ddof=1), math.sqrt(b.total)) / math.sqrt(n)
    assert abs(tot.mean() - b.total) < 4 * se
    # the test has power: a bound a third of the truth is refuted at the same level
    assert stats.binomtest(k, n, b.value / 3, alternative="greater").pvalue < ALPHA


def test_inputs_validated():
    net = uand(m=10, d=50, p=0.2, rng=0)
    x = np.zeros(10, dtype=np.int8)
    x[[1, 2]] = 1
    with pytest.raises(TypeError, match="UAnd"):
        all_pairs_errors("net", x)
    with pytest.raises(ValueError, match="Bernoulli"):
        all_pairs_errors(uand(m=10, d=50, kind="rademacher", s=3, rng=0), x)
    with pytest.raises(ValueError, match="embedding"):
        all_pairs_errors(uand(m=10, d=50, p=0.2, embedding=embed_features(m=10, dim=8), rng=0), x)
    with pytest.raises(ValueError, match="fan_in"):
        all_pairs_errors(uand(m=10, d=50, p=0.2, fan_in=3, rng=0), x)
    with pytest.raises(ValueError, match="m=10"):
        all_pairs_errors(net, np.zeros(9))
    with pytest.raises(ValueError, match="Boolean"):
        all_pairs_errors(net, np.full(10, 0.5))
    with pytest.raises(ValueError, match="x"):
        all_pairs_errors(net, np.zeros((2, 10)))
    with pytest.raises(ValueError, match="tol"):
        all_pairs_errors(net, x, tol=-0.1)
    with pytest.raises(ValueError, match="m"):
        all_pairs_union_bound(m=2, d=100, p=0.1, s=3)
    with pytest.raises(ValueError, match="p"):
        all_pairs_union_bound(m=10, d=100, p=0.0, s=3)
    with pytest.raises(ValueError, match="d"):
        all_pairs_union_bound(m=10, d=0, p=0.1, s=3)
    with pytest.raises(ValueError, match="t"):
        all_pairs_union_bound(m=10, d=100, p=0.1, s=3, t=-1)
    with pytest.raises(ValueError, match="delta"):
        all_pairs_union_bound(m=10, d=100, p=0.1, s=3).m_max(0.0)

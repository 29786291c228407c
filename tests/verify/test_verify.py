"""The verification spine: true claims are consistent, false ones are refuted with power."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from theory.geometry import coherence, welch_bound
from theory.interference.claims import gaussian_pair_distortions, jl_pair_claim
from theory.verify import Claim, binomial_test, check, claim_rng, registry, verify_all
from theory.verify import report as report_mod


def _random_coherence(p, rng):
    W = rng.standard_normal((p["dim"], p["n"]))
    return coherence(W)


def _simplex(dim):
    """dim + 1 unit vectors in R^dim with pairwise cosine -1/dim (an ETF), built by hand."""
    E = np.eye(dim + 1) - 1.0 / (dim + 1)
    U, _, _ = np.linalg.svd(E)
    W = U[:, :dim].T @ E
    return W / np.linalg.norm(W, axis=0)


def _welch_like(relation, factor, measure=_random_coherence, **kw):
    return Claim(
        id=f"test.welch_{relation}_{factor}",
        statement="test",
        citation="test",
        bound=lambda p: factor * welch_bound(n=p["n"], dim=p["dim"]).value,
        measure=measure,
        relation=relation,
        params=[{"n": 8, "dim": 3}],
        **kw,
    )


def test_true_welch_claim_is_consistent_everywhere():
    claim = registry()["geometry.welch"]
    for params in claim.parameter_sets(quick=True):
        v = check(claim, params, trials=64)
        assert v.status == "consistent", v
        assert v.violations == 0
        assert v.slack <= 1.0 + 1e-12  # a lower bound held: bound/measured <= 1


def test_false_upper_bound_is_refuted():
    # "coherence <= half the Welch bound" is false for every frame
    v = check(_welch_like("<=", 0.5), trials=10)
    assert v.status == "refuted" and v.violations == 10
    assert v.slack > 1.0  # measured/bound beyond 1: the bound is crossed


def test_false_lower_bound_is_refuted_by_an_extremal_instance():
    # "coherence >= 1.01 Welch" fails only where Welch is attained: on the simplex ETF
    claim = _welch_like(">=", 1.01, measure=lambda p, rng: coherence(_simplex(p["dim"])))
    v = check(claim, {"n": 4, "dim": 3}, trials=3)
    assert v.status == "refuted"
    assert v.measured == pytest.approx(1 / 3, abs=1e-12)
    # ...and the true claim is attained there: slack exactly 1
    true = _welch_like(">=", 1.0, measure=lambda p, rng: coherence(_simplex(p["dim"])))
    v = check(true, {"n": 4, "dim": 3}, trials=3)
    assert v.status == "consistent" and v.slack == pytest.approx(1.0, abs=1e-9)


def test_tolerance_is_respected():
    c = Claim(
        id="t.tol",
        statement="",
        citation="",
        bound=lambda p: 1.0,
        measure=lambda p, rng: 1.0 + 1e-12,
        relation="<=",
        params=[{}],
        rtol=1e-9,
    )
    assert check(c, trials=2).consistent
    c2 = Claim(
        id="t.tol2",
        statement="",
        citation="",
        bound=lambda p: 1.0,
        measure=lambda p, rng: 1.0 + 1e-6,
        relation="<=",
        params=[{}],
        rtol=1e-9,
    )
    assert check(c2, trials=2).status == "refuted"


def _true_violation_rate(k, eps):
    """Exact P(|chi2_k / k - 1| > eps): the oracle for the Gaussian projection's distortion."""
    chi = stats.chi2(k)
    return chi.cdf(k * (1 - eps)) + chi.sf(k * (1 + eps))


def test_simulated_distortion_matches_chi_square_oracle():
    gen = np.random.default_rng(5)
    k, eps, trials = 12, 0.4, 4000
    d = gaussian_pair_distortions(16, k, trials, gen)
    viol = int(np.count_nonzero(d > eps))
    ci = stats.binomtest(viol, trials).proportion_ci(confidence_level=0.999, method="exact")
    assert ci.low <= _true_violation_rate(k, eps) <= ci.high


def _distortion_claim(q, cid):
    """'A Gaussian projection to k = 8 dims distorts a pair by more than 0.5 with probability
    at most q', simulated with the library's projection code."""
    return Claim(
        id=cid,
        statement="test",
        citation="test",
        bound=lambda p: p["eps"],
        measure=lambda p, rng: gaussian_pair_distortions(p["dim"], p["k"], 250, rng),
        relation="<=",
        failure_prob=q,
        params=[{"k": 8, "eps": 0.5, "dim": 8}],
    )


K, EPS, TRIALS = 8, 0.5, 1000


@pytest.mark.parametrize("seed", range(12))
def test_understated_failure_probability_is_refuted_with_high_power(seed):
    true_rate = _true_violation_rate(K, EPS)
    q = true_rate / 10  # the claim understates the failure probability tenfold
    claim = _distortion_claim(q, "test.understated")
    # the test's power, computed exactly: P(Bin(TRIALS, true_rate) >= the critical count)
    crit = int(stats.binom.isf(claim.alpha, TRIALS, q)) + 1
    power = stats.binom.sf(crit - 1, TRIALS, true_rate)
    assert power > 1 - 1e-9  # so all 12 fixed seeds refute, except with probability < 1.2e-8
    v = check(claim, trials=TRIALS, rng=seed)
    assert v.status == "refuted", v.message
    assert v.ci[0] > q  # the interval excludes the claimed probability


@pytest.mark.parametrize("seed", range(6))
def test_exactly_stated_failure_probability_is_consistent(seed):
    # Claimed probability = the exact rate: a check refutes with probability <= alpha = 1e-3,
    # so all six fixed seeds pass except with probability < 0.006.
    claim = _distortion_claim(_true_violation_rate(K, EPS), "test.exact")
    v = check(claim, trials=TRIALS, rng=seed)
    assert v.status == "consistent", v.message
    assert 0.7 < v.violation_rate / v.failure_prob < 1.3


def test_jl_claim_is_consistent_at_the_lemma_dimension():
    # The Dasgupta-Gupta claim (per-pair failure <= 2/n^2 at k = jl_min_dim) and the exact rate
    from theory.interference import jl_min_dim

    claim = jl_pair_claim()
    v = check(claim, {"n_points": 3, "eps": 0.9, "dim": 8}, trials=4000, rng=1)
    assert v.status == "consistent"
    exact = _true_violation_rate(jl_min_dim(n_points=3, eps=0.9), 0.9)
    assert exact <= 2 / 9  # the lemma's bound holds for the exact distribution too
    ci = stats.binomtest(v.violations, v.trials).proportion_ci(0.999, method="exact")
    assert ci.low <= exact <= ci.high


def _pvalue_oracle(x, n, q):
    q = Fraction(q)
    return float(sum(math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(x, n + 1)))


@pytest.mark.parametrize("x, n, q", [(0, 10, 0.1), (3, 10, 0.1), (7, 50, 0.05), (50, 50, 0.5), (12, 400, 0.01)])
def test_binomial_test_against_exact_rational_oracle(x, n, q):
    p, (lo, hi) = binomial_test(x, n, q)
    assert p == pytest.approx(_pvalue_oracle(x, n, q), rel=1e-9, abs=1e-300)
    # Clopper-Pearson: the interval ends are where the one-sided tail probabilities are 2.5%
    if x > 0:
        assert stats.binom.sf(x - 1, n, lo) == pytest.approx(0.025, rel=1e-6)
    else:
        assert lo == 0.0
    if x < n:
        assert stats.binom.cdf(x, n, hi) == pytest.approx(0.025, rel=1e-6)
    else:
        assert hi == 1.0


def test_binomial_test_errors():
    with pytest.raises(ValueError, match="violations must be <= trials"):
        binomial_test(5, 3, 0.1)


def test_same_seed_same_verdict_and_independent_of_other_claims():
    claim = registry()["geometry.welch"]
    a = check(claim, {"n": 12, "dim": 3}, trials=32, rng=7)
    b = check(claim, {"n": 12, "dim": 3}, trials=32, rng=7)
    c = check(claim, {"n": 12, "dim": 3}, trials=32, rng=8)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)
    alone = verify_all(quick=True, claims=["geometry.welch"], rng=3, figures=False)
    together = verify_all(quick=True, claims=["interference.jl_pair", "geometry.welch"], rng=3, figures=False)
    mine = [v for v in together.verdicts if v.claim_id == "geometry.welch"]
    for x, y in zip(alone.verdicts, mine, strict=True):
        np.testing.assert_array_equal(x.samples, y.samples)
    assert claim_rng(1, "a", {"n": 1}).random() != claim_rng(1, "a", {"n": 2}).random()


def test_registry_claims_are_well_formed():
    reg = registry()
    assert {"geometry.welch", "interference.jl_pair", "interference.jl_chernoff"} <= set(reg)
    for cid, c in reg.items():
        assert c.id == cid
        assert c.statement and c.citation
        assert c.parameter_sets(quick=True), f"{cid} has no quick parameter sets"


def test_claim_definition_errors():
    with pytest.raises(ValueError, match="relation must be"):
        Claim(id="x", statement="", citation="", bound=lambda p: 0, measure=lambda p, r: 0, relation="<")
    with pytest.raises(ValueError, match="failure_prob must be in"):
        Claim(id="x", statement="", citation="", bound=lambda p: 0, measure=lambda p, r: 0, failure_prob=2.0)
    c = Claim(id="x", statement="", citation="", bound=lambda p: 0.0, measure=lambda p, r: float("nan"), params=[{}])
    with pytest.raises(ValueError, match="NaN/inf"):
        check(c)
    with pytest.raises(TypeError, match="params must be a mapping"):
        check(c, [1, 2])
    with pytest.raises(ValueError, match="unknown claim id"):
        verify_all(claims=["no.such.claim"])


def test_report_is_written_and_errors_do_not_stop_the_run(tmp_path, monkeypatch):
    broken = Claim(
        id="test.broken",
        statement="raises",
        citation="none",
        bound=lambda p: 1.0,
        measure=lambda p, rng: 1 / 0,
        params=[{}],
    )
    reg = dict(registry())
    reg["test.broken"] = broken
    monkeypatch.setattr(report_mod, "registry", lambda: reg)
    rep = verify_all(quick=True, claims=["geometry.welch", "test.broken"], out=tmp_path)
    statuses = {v.claim_id: v.status for v in rep.verdicts}
    assert statuses["test.broken"] == "error" and statuses["geometry.welch"] == "consistent"
    assert not rep.ok
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["counts"]["error"] == 1
    assert any("ZeroDivisionError" in v["message"] for v in data["verdicts"])
    md = (tmp_path / "report.md").read_text()
    assert "| `geometry.welch` |" in md and "figures/summary.png" in md
    assert (tmp_path / "figures" / "summary.png").stat().st_size > 1000
    assert (tmp_path / "figures" / "geometry_welch.svg").exists()

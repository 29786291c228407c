"""Circuits claims pass where true and are refuted when sabotaged; the derivation holds."""

from __future__ import annotations

import dataclasses

from theory.verify import check, registry


def test_claims_registered_and_consistent_quick():
    reg = registry()
    ids = [k for k in reg if k.startswith("circuits.")]
    assert set(ids) >= {"circuits.uand_error_tail", "circuits.uand_sparse_exact", "circuits.compiled_one_sparse_exact"}
    for cid in ids:
        c = reg[cid]
        for prm in c.parameter_sets(quick=True):
            v = check(c, prm, trials=c.n_trials(quick=True), rng=0)
            assert v.status == "consistent", (cid, prm, v.message)


def test_tail_claim_can_fail():
    c = registry()["circuits.uand_error_tail"]
    prm = c.parameter_sets(quick=True)[0]
    # claiming a third of the true tail probability must be refuted by the binomial test
    bad = dataclasses.replace(c, failure_prob=lambda p: c.claimed_failure_prob(p) / 3)
    assert check(bad, prm, trials=320, rng=0).status == "refuted"
    # and so must a wrong p in the model (p = 0.08 instead of 0.12 predicts far fewer errors)
    bad_p = dataclasses.replace(c, failure_prob=lambda p: c.claimed_failure_prob({**p, "p": 0.08}))
    assert check(bad_p, prm, trials=320, rng=0).status == "refuted"


def test_exact_claim_can_fail():
    c = registry()["circuits.uand_sparse_exact"]
    bad = dataclasses.replace(c, measure=lambda p, rng: c.measure(p, rng) + 1e-6)
    assert check(bad, c.parameter_sets(quick=True)[0], trials=2, rng=0).status == "refuted"


def test_uand_moments_derivation_verified():
    from theory import proofs

    D = proofs.run("uand_moments")
    assert D.verified, [s.description for s in D.steps if not s.holds]


def test_cli(capsys):
    from theory.cli import main

    assert main(["circuits", "uand", "--m", "50", "--d", "300", "--trials", "3"]) == 0
    out = capsys.readouterr().out
    assert "one input active" in out and "simulated" in out
    assert main(["circuits", "compile", "--width", "12", "--depth", "2", "--d", "500", "--samples", "20"]) == 0
    assert "P(any wrong)" in capsys.readouterr().out
    assert main(["circuits", "uand", "--p", "foo"]) == 2
    assert "--p must be" in capsys.readouterr().err


def test_circuits_depth_derivation_verified():
    from theory import proofs

    D = proofs.run("circuits_depth")
    assert D.verified, [s.description for s in D.steps if not s.holds]
    assert len(D.steps) >= 14

"""The verification spine refuses inputs that would make it check nothing or the wrong thing."""

import math

import numpy as np
import pytest

from theory.cli import main
from theory.verify import Claim, binomial_test, check, claim_rng, verify_all


def _false_claim(**kw):
    """A deterministic claim that is false: the measure is 1, the claimed upper bound 0."""
    base = dict(
        id="test.false",
        statement="1 <= 0",
        citation="none",
        bound=lambda p: 0.0,
        measure=lambda p, rng: 1.0,
        relation="<=",
        params=({},),
        trials=3,
    )
    base.update(kw)
    return Claim(**base)


# ----------------------------------------------------------------------------------------- tags
def test_unknown_tag_is_refused_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown tag\(s\) \['typo'\]; known tags: \[.*'geometry'"):
        verify_all(quick=True, tags=["typo"], figures=False)


def test_bare_string_tag_is_one_tag():
    rep = verify_all(quick=True, tags="geometry", claims=["geometry.welch"], figures=False)
    assert rep.verdicts and {v.claim_id for v in rep.verdicts} == {"geometry.welch"}
    with pytest.raises(ValueError, match=r"unknown tag\(s\) \['geometryx'\]"):
        verify_all(quick=True, tags="geometryx", figures=False)


def test_empty_selection_is_refused():
    with pytest.raises(ValueError, match="tags is empty"):
        verify_all(quick=True, tags=[], figures=False)
    with pytest.raises(ValueError, match="claims is empty"):
        verify_all(quick=True, claims=[], figures=False)


def test_tags_that_select_no_chosen_claim_are_refused():
    from theory.verify import registry
    from theory.verify.report import known_tags

    other = next(t for t in known_tags() if t not in registry()["geometry.welch"].tags)
    with pytest.raises(ValueError, match="nothing would be checked"):
        verify_all(quick=True, claims=["geometry.welch"], tags=[other], figures=False)


def test_bad_tag_types():
    with pytest.raises(TypeError, match="tags must be strings"):
        verify_all(quick=True, tags=[3], figures=False)
    with pytest.raises(TypeError, match="tags must be a str or a sequence"):
        verify_all(quick=True, tags=5, figures=False)


def test_bare_string_claim_id_is_one_id():
    rep = verify_all(quick=True, claims="geometry.welch", figures=False)
    assert {v.claim_id for v in rep.verdicts} == {"geometry.welch"}


def test_cli_typo_tag_exits_2(capsys, tmp_path):
    code = main(["verify", "--quick", "--tag", "typo", "--out", str(tmp_path), "--no-progress", "--no-figures"])
    assert code == 2
    assert "unknown tag" in capsys.readouterr().err
    assert not (tmp_path / "report.md").exists()


@pytest.mark.parametrize("kw", [dict(quick="yes"), dict(progress=1), dict(figures=None)])
def test_verify_all_booleans(kw):
    with pytest.raises(TypeError, match=f"{next(iter(kw))} must be True or False"):
        verify_all(claims=["geometry.welch"], **kw)


# ------------------------------------------------------------------------------ claim definition
@pytest.mark.parametrize("field", ["rtol", "atol"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "0.1", None])
def test_nan_tolerance_cannot_make_a_false_claim_consistent(field, value):
    with pytest.raises((ValueError, TypeError), match=f"Claim test.false: {field} must be"):
        _false_claim(**{field: value})
    assert check(_false_claim(), {}, trials=3).status == "refuted"


@pytest.mark.parametrize(
    "kw,match",
    [
        (dict(validate=3), "validate must be a callable"),
        (dict(trials=2.5), "trials must be an integer"),
        (dict(trials=0), "trials must be an integer >= 1"),
        (dict(quick_trials=True), "quick_trials must be an integer"),
        (dict(failure_prob="x"), "failure_prob must be a real number"),
        (dict(failure_prob=float("nan")), "failure_prob must be a finite"),
        (dict(failure_prob=1.5), r"failure_prob must be in \[0, 1\]"),
        (dict(alpha=0.0), r"alpha must be in \(0, 1\)"),
        (dict(alpha=float("nan")), "alpha must be a finite"),
        (dict(relation="<"), "relation must be"),
        (dict(params="n=3"), "params must be a sequence of dicts"),
        (dict(params=[3]), r"params\[0\] must be a dict"),
        (dict(quick_params={"n": 3}), "quick_params must be a sequence of dicts"),
        (dict(statement=None), "statement must be a str"),
        (dict(tags=(1,)), "tags must be a tuple of non-empty strings"),
        (dict(figure=3), "figure must be"),
        (dict(bound=3), "bound and measure must be callables"),
    ],
)
def test_claim_fields_are_checked(kw, match):
    with pytest.raises((TypeError, ValueError), match=f"Claim test.false: {match}"):
        _false_claim(**kw)


def test_claim_bare_string_tag_is_one_tag():
    assert _false_claim(tags="geometry").tags == ("geometry",)


# ------------------------------------------------------------------------------ helper messages
@pytest.mark.parametrize(
    "args,kw,match",
    [
        ((1, 10, 2.0), {}, r"failure_prob must be in \[0, 1\]"),
        ((1, 10, float("nan")), {}, "failure_prob must be a finite"),
        ((1, 10, "0.1"), {}, "failure_prob must be a real number"),
        ((1, 10, 0.5), dict(confidence=2), r"confidence must be in \(0, 1\)"),
        ((1, 10, 0.5), dict(confidence=float("nan")), "confidence must be a finite"),
    ],
)
def test_binomial_test_names_its_own_arguments(args, kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        binomial_test(*args, **kw)


def test_binomial_test_still_exact():
    p, ci = binomial_test(3, 10, 0.1)
    assert math.isclose(p, 1 - sum(math.comb(10, i) * 0.1**i * 0.9 ** (10 - i) for i in range(3)), rel_tol=1e-12)
    assert 0 < ci[0] < 0.3 < ci[1] < 1


@pytest.mark.parametrize(
    "args,exc,match",
    [
        ((-1, "x", {}), ValueError, "seed must be an integer >= 0"),
        (("a", "x", {}), TypeError, "seed must be an integer"),
        ((1.5, "x", {}), TypeError, "seed must be an integer"),
        ((0, 3, {}), TypeError, "claim_id must be a str"),
        ((0, "x", [1]), TypeError, "params must be a mapping"),
    ],
)
def test_claim_rng_names_its_own_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        claim_rng(*args)


def test_claim_rng_unchanged():
    a = claim_rng(0, "x", {"n": 3}).random(3)
    assert np.array_equal(a, claim_rng(0, "x", {"n": 3}).random(3))

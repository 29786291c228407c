"""Checking a claim against simulation: violations, binomial tests, verdicts."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, overload

import numpy as np
from scipy import stats

from theory._json import to_json
from theory._validation import check_array, check_bool, check_int, check_probability, check_size
from theory.verify.claim import Claim, Verdict, Verdicts

__all__ = ["binomial_test", "check", "claim_quantile", "claim_rng"]

#: Largest number of trials :func:`check` draws per parameter set (each measurement is kept).
MAX_TRIALS = 10**7


def claim_rng(seed: int, claim_id: str, params: Mapping[str, Any]) -> np.random.Generator:
    """The generator for one (claim, parameter set): derived from ``seed``, the claim id and the
    parameters, so a claim checked alone or inside a full run sees the same random numbers.

    Examples
    --------
    >>> a = claim_rng(0, "x", {"n": 3}).random(); b = claim_rng(0, "x", {"n": 3}).random()
    >>> a == b
    True
    """
    seed = check_int(seed, "seed", minimum=0)
    if not isinstance(claim_id, str):
        raise TypeError(f"claim_id must be a str, got {type(claim_id).__name__}")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of parameter names to values, got {type(params).__name__}")
    key = json.dumps([claim_id, to_json(dict(params))], sort_keys=True).encode()
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key)]))


def binomial_test(
    violations: int, trials: int, failure_prob: float, confidence: float = 0.95, *, two_sided: bool = False
) -> tuple[float, tuple[float, float]]:
    r"""Exact binomial test of ``violations`` against a claimed failure probability.

    Under the claim, the number of violations is stochastically at most
    :math:`X \sim \mathrm{Bin}(\text{trials}, q)` with :math:`q` = ``failure_prob``; the one-sided
    p-value is :math:`P(X \ge \text{violations})`. When the claim states :math:`q` exactly
    (``two_sided=True``) the p-value is the two-sided one (the total probability of counts no
    more likely than the observed one), so a rate significantly *below* :math:`q` refutes too.
    Also returns the Clopper-Pearson interval for the true violation probability.

    Parameters
    ----------
    violations, trials : int
    failure_prob : float
        Claimed per-trial failure probability :math:`q \in [0, 1]`.
    confidence : float
        Confidence level of the interval.
    two_sided : bool
        Test ``rate == q`` against ``rate != q`` instead of ``rate <= q`` against ``rate > q``.

    Returns
    -------
    p_value : float
    ci : (float, float)

    Examples
    --------
    >>> p, ci = binomial_test(0, 100, 0.01)
    >>> p
    1.0
    >>> p, ci = binomial_test(30, 100, 0.01)
    >>> p < 1e-20
    True
    >>> binomial_test(0, 1000, 0.05, two_sided=True)[0] < 1e-20   # far too few violations
    True

    References
    ----------
    .. [1] Clopper, C. J. and Pearson, E. S. (1934). "The use of confidence or fiducial limits
       illustrated in the case of the binomial." Biometrika 26(4), 404-413.
       doi:10.1093/biomet/26.4.404
    """
    violations = check_int(violations, "violations", minimum=0)
    trials = check_int(trials, "trials", minimum=1, maximum=2**62)  # scipy counts in int64
    if violations > trials:
        raise ValueError(f"violations must be <= trials, got {violations} > {trials}")
    failure_prob = check_probability(failure_prob, "failure_prob")
    confidence = check_probability(confidence, "confidence", allow_zero=False, allow_one=False)
    two_sided = check_bool(two_sided, "two_sided")
    p_value = stats.binomtest(
        violations, trials, failure_prob, alternative="two-sided" if two_sided else "greater"
    ).pvalue
    # the two-sided Clopper-Pearson interval (the one-sided test's own interval is [lo, 1])
    ci = stats.binomtest(violations, trials).proportion_ci(confidence_level=confidence, method="exact")
    return float(p_value), (float(ci.low), float(ci.high))


def _collect(claim: Claim, params: Mapping[str, Any], trials: int, gen: np.random.Generator) -> np.ndarray:
    chunks: list[np.ndarray] = []
    got = 0
    while got < trials:
        out = np.atleast_1d(np.asarray(claim.measure(params, gen), dtype=float))
        if out.ndim != 1 or out.size == 0:
            raise ValueError(
                f"claim {claim.id}: measure must return a float or a non-empty 1-D array, got shape {out.shape}"
            )
        if not np.all(np.isfinite(out)):
            raise ValueError(f"claim {claim.id}: measure returned NaN/inf at params {dict(params)}")
        chunks.append(out)
        got += out.size
    return np.concatenate(chunks)[:trials]


@overload
def check(
    claim: Claim, params: Mapping[str, Any], *, trials: int | None = None, rng: Any = 0, quick: bool = False
) -> Verdict: ...
@overload
def check(
    claim: Claim,
    params: Sequence[Mapping[str, Any]] | None = None,
    *,
    trials: int | None = None,
    rng: Any = 0,
    quick: bool = False,
) -> Verdict | Verdicts: ...
def check(
    claim: Claim,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    *,
    trials: int | None = None,
    rng: Any = 0,
    quick: bool = False,
) -> Verdict | Verdicts:
    r"""Confront ``claim`` with simulation.

    Draws ``trials`` instances with ``claim.measure`` at each parameter set and counts those
    violating ``measured <relation> bound``.

    * Deterministic claims are **refuted** by any violation beyond ``atol + rtol·|bound|``.
    * Probabilistic claims are **refuted** when the exact binomial test of the violation count
      against the claimed failure probability ``q`` has p-value below ``claim.alpha`` (one-sided;
      two-sided for a claim with ``two_sided=True``, which states ``q`` exactly). The verdict
      carries the p-value, a 95% Clopper-Pearson interval and the empirical quantile of the
      samples at the claimed level (the ``1 - q`` quantile for ``<=``), compared with the bound
      in :attr:`Verdict.slack <theory.verify.Verdict>`.

    Which parameter sets are checked:

    * ``params`` a dict: that one; returns a :class:`Verdict`.
    * ``params`` a list of dicts: each; returns :class:`Verdicts` (a tuple of Verdict).
    * ``params=None``: **every** parameter set of the claim (``claim.params``, or
      ``claim.quick_params`` with ``quick=True``): a single :class:`Verdict` when the claim has
      one set, :class:`Verdicts` when it has several.

    Parameters
    ----------
    claim : Claim
    params : dict, list of dict, or None
    trials : int, optional
        Defaults to the claim's trials (its quick trials with ``quick=True``); at most
        ``MAX_TRIALS`` (10**7).
    rng : int or Generator
        An int seed is combined with the claim id and ``params`` (see :func:`claim_rng`), so the
        verdict does not depend on which other claims run.
    quick : bool
        With ``params=None``, use the claim's quick parameter sets and trial counts.

    Returns
    -------
    Verdict or Verdicts

    Examples
    --------
    >>> from theory.verify import registry
    >>> v = check(registry()["geometry.welch"], {"n": 8, "dim": 3}, trials=20)
    >>> v.status, v.violations
    ('consistent', 0)
    >>> vs = check(registry()["geometry.welch"], quick=True, trials=8)   # all quick sets
    >>> len(vs), vs.status
    (5, 'consistent')
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim, got {type(claim).__name__}")
    quick = check_bool(quick, "quick")
    if trials is None:
        trials = claim.n_trials(quick)
    else:
        trials = check_size(trials, "trials", maximum=MAX_TRIALS, why="one measurement is drawn and kept per trial")
    if params is None:
        sets = claim.parameter_sets(quick)
        if not sets:
            raise ValueError(f"claim {claim.id} has no default parameter sets; pass params")
        if len(sets) == 1:
            return _check_one(claim, sets[0], trials, rng)
        return Verdicts([_check_one(claim, p, trials, rng) for p in sets])
    if isinstance(params, Mapping):
        return _check_one(claim, params, trials, rng)
    if (
        isinstance(params, (str, bytes))
        or not isinstance(params, Sequence)
        or not all(isinstance(p, Mapping) for p in params)
    ):
        raise TypeError(
            f"params must be a mapping of parameter names to values (or a list of them), got {type(params).__name__}"
        )
    if not params:
        raise ValueError("params is an empty list: nothing would be checked")
    if isinstance(rng, np.random.Generator) and len(params) > 1:
        raise TypeError(
            "with several parameter sets pass an int seed, not a Generator (each set derives its own stream)"
        )
    return Verdicts([_check_one(claim, p, trials, rng) for p in params])


def _check_one(claim: Claim, params: Mapping[str, Any], trials: int, rng: Any) -> Verdict:
    params = dict(params)
    if claim.validate is not None:
        claim.validate(params)
    if isinstance(rng, np.random.Generator):
        gen = rng
    else:
        seed = check_int(0 if rng is None else rng, "rng", minimum=0)
        gen = claim_rng(seed, claim.id, params)

    t0 = time.perf_counter()
    bound = float(claim.bound(params))
    if not np.isfinite(bound):
        raise ValueError(f"claim {claim.id}: bound({params}) is not finite ({bound})")
    samples = _collect(claim, params, trials, gen)
    bad = claim.violates(samples, bound)
    violations = int(np.count_nonzero(bad))
    measured = float(samples.max() if claim.relation == "<=" else samples.min())

    q = claim.claimed_failure_prob(params)
    quantile = None
    if q is None:
        status = "refuted" if violations else "consistent"
        p_value, ci = None, None
        msg = f"{violations} of {trials} instances violate the bound" if violations else ""
    else:
        p_value, ci = binomial_test(violations, trials, q, two_sided=claim.two_sided)
        status = "refuted" if p_value < claim.alpha else "consistent"
        quantile = claim_quantile(samples, q, claim.relation)
        msg = (
            f"{violations}/{trials} violations vs claimed rate {q:.3g} "
            f"({'two' if claim.two_sided else 'one'}-sided p = {p_value:.3g}, alpha = {claim.alpha:g})"
        )
    return Verdict(
        claim_id=claim.id,
        params=params,
        status=status,
        deterministic=claim.deterministic,
        relation=claim.relation,
        bound=bound,
        measured=measured,
        trials=trials,
        violations=violations,
        failure_prob=q,
        p_value=p_value,
        ci=ci,
        samples=samples,
        elapsed=time.perf_counter() - t0,
        message=msg,
        quantity=claim.quantity,
        unit=claim.unit,
        quantile=quantile,
        two_sided=claim.two_sided,
    )


def claim_quantile(samples: Any, failure_prob: float, relation: str) -> float:
    r"""The empirical quantile of ``samples`` at the level a probabilistic claim names.

    A claim "``X <= t`` except with probability ``q``" says the ``1 - q`` quantile of ``X`` is at
    most ``t``; a claim "``X >= t`` except with probability ``q``" says the ``q`` quantile is at
    least ``t``. With the inverted-CDF definition
    :math:`\hat Q(u) = \min\{x : \hat F(x) \ge u\}` (and its mirror image for ``>=``), the
    quantile lies within the bound exactly when the observed violation rate is at most ``q``.

    Parameters
    ----------
    samples : 1-D array
    failure_prob : float
    relation : ``"<="`` or ``">="``

    Returns
    -------
    float

    Examples
    --------
    >>> claim_quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.1, "<=")
    9.0
    >>> claim_quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.1, ">=")
    2.0
    """
    s = check_array(samples, "samples").ravel()
    if s.size == 0:
        raise ValueError("samples must not be empty")
    q = check_probability(failure_prob, "failure_prob")
    if relation == "<=":
        return float(np.quantile(s, 1.0 - q, method="inverted_cdf"))
    if relation == ">=":
        return float(-np.quantile(-s, 1.0 - q, method="inverted_cdf"))
    raise ValueError(f"relation must be '<=' or '>=', got {relation!r}")

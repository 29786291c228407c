"""Checking a claim against simulation: violations, binomial tests, verdicts."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from theory._validation import check_int, check_probability
from theory.verify.claim import Claim, Verdict, _jsonable

__all__ = ["binomial_test", "check", "claim_rng"]


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
    key = json.dumps([claim_id, _jsonable(dict(params))], sort_keys=True).encode()
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key)]))


def binomial_test(violations: int, trials: int, failure_prob: float,
                  confidence: float = 0.95) -> tuple[float, tuple[float, float]]:
    r"""Exact one-sided binomial test of ``violations`` against a claimed failure probability.

    Under the claim, the number of violations is stochastically at most
    :math:`X \sim \mathrm{Bin}(\text{trials}, q)` with :math:`q` = ``failure_prob``; the p-value is
    :math:`P(X \ge \text{violations})`. Also returns the Clopper-Pearson interval for the true
    violation probability.

    Parameters
    ----------
    violations, trials : int
    failure_prob : float
        Claimed per-trial failure probability :math:`q \in [0, 1]`.
    confidence : float
        Confidence level of the interval.

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

    References
    ----------
    .. [1] Clopper, C. J. and Pearson, E. S. (1934). "The use of confidence or fiducial limits
       illustrated in the case of the binomial." Biometrika 26(4), 404-413.
       doi:10.1093/biomet/26.4.404
    """
    violations = check_int(violations, "violations", minimum=0)
    trials = check_int(trials, "trials", minimum=1)
    if violations > trials:
        raise ValueError(f"violations must be <= trials, got {violations} > {trials}")
    failure_prob = check_probability(failure_prob, "failure_prob")
    confidence = check_probability(confidence, "confidence", allow_zero=False, allow_one=False)
    p_value = stats.binomtest(violations, trials, failure_prob, alternative="greater").pvalue
    # the two-sided Clopper-Pearson interval (the one-sided test's own interval is [lo, 1])
    ci = stats.binomtest(violations, trials).proportion_ci(confidence_level=confidence, method="exact")
    return float(p_value), (float(ci.low), float(ci.high))


def _collect(claim: Claim, params: Mapping[str, Any], trials: int,
             gen: np.random.Generator) -> np.ndarray:
    chunks: list[np.ndarray] = []
    got = 0
    while got < trials:
        out = np.atleast_1d(np.asarray(claim.measure(params, gen), dtype=float))
        if out.ndim != 1 or out.size == 0:
            raise ValueError(f"claim {claim.id}: measure must return a float or a non-empty 1-D array, "
                             f"got shape {out.shape}")
        if not np.all(np.isfinite(out)):
            raise ValueError(f"claim {claim.id}: measure returned NaN/inf at params {dict(params)}")
        chunks.append(out)
        got += out.size
    return np.concatenate(chunks)[:trials]


def check(claim: Claim, params: Mapping[str, Any] | None = None, *, trials: int | None = None,
          rng: Any = 0) -> Verdict:
    r"""Confront ``claim`` with simulation at one parameter set.

    Draws ``trials`` instances with ``claim.measure`` and counts those violating
    ``measured <relation> bound``.

    * Deterministic claims are **refuted** by any violation beyond ``atol + rtol·|bound|``.
    * Probabilistic claims are **refuted** when the exact one-sided binomial test of the
      violation count against the claimed failure probability ``q`` has p-value below
      ``claim.alpha``; the verdict carries the p-value and a 95% Clopper-Pearson interval.

    Parameters
    ----------
    claim : Claim
    params : dict, optional
        Defaults to the claim's first parameter set.
    trials : int, optional
        Defaults to ``claim.trials``.
    rng : int or Generator
        An int seed is combined with the claim id and ``params`` (see :func:`claim_rng`), so the
        verdict does not depend on which other claims run.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> from theory.verify import registry
    >>> v = check(registry()["geometry.welch"], {"n": 8, "dim": 3}, trials=20)
    >>> v.status, v.violations
    ('consistent', 0)
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim, got {type(claim).__name__}")
    if params is None:
        if not claim.params:
            raise ValueError(f"claim {claim.id} has no default parameter sets; pass params")
        params = claim.params[0]
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of parameter names to values, got {type(params).__name__}")
    params = dict(params)
    trials = claim.trials if trials is None else check_int(trials, "trials", minimum=1)
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
    if q is None:
        status = "refuted" if violations else "consistent"
        p_value, ci = None, None
        msg = f"{violations} of {trials} instances violate the bound" if violations else ""
    else:
        p_value, ci = binomial_test(violations, trials, q)
        status = "refuted" if p_value < claim.alpha else "consistent"
        msg = (f"{violations}/{trials} violations vs claimed rate {q:.3g} "
               f"(p = {p_value:.3g}, alpha = {claim.alpha:g})")
    return Verdict(claim_id=claim.id, params=params, status=status,
                   deterministic=claim.deterministic, relation=claim.relation, bound=bound,
                   measured=measured, trials=trials, violations=violations, failure_prob=q,
                   p_value=p_value, ci=ci, samples=samples,
                   elapsed=time.perf_counter() - t0, message=msg)

"""Claims (a statement, its citation, a bound and a way to measure it) and verdicts."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theory._validation import check_int, check_probability, check_real

__all__ = ["Claim", "Verdict"]

_RELATIONS = ("<=", ">=")
_STATUSES = ("consistent", "refuted", "error")


@dataclass(frozen=True)
class Claim:
    r"""A checkable theoretical claim: ``measure(params, rng) <relation> bound(params)``.

    A claim states one published or derived result in a form a simulation can confront. Each
    *trial* draws one random instance (a random frame, a random projection, a trained model…)
    with ``measure`` and compares the measured quantity with ``bound(params)``.

    * **Deterministic** claims (``failure_prob=None``) assert the relation for every instance:
      one violation beyond the tolerance ``atol + rtol·|bound|`` refutes them.
    * **Probabilistic** claims assert that a trial violates the relation with probability at most
      ``failure_prob``; :func:`theory.verify.check` refutes them by an exact one-sided binomial
      test at level ``alpha``.

    Parameters
    ----------
    id : str
        Unique dotted identifier, e.g. ``"geometry.welch"``.
    statement : str
        The claim in words, with its hypotheses.
    citation : str
        Author, year, title and arXiv/DOI of the source.
    bound : callable ``params -> float``
        The claimed bound on the measured quantity.
    measure : callable ``(params, rng) -> float or 1-D array``
        One trial (a float) or several independent trials (an array), using only ``rng`` for
        randomness.
    relation : ``"<="`` or ``">="``
        ``measured <= bound`` (an upper bound) or ``measured >= bound`` (a lower bound).
    latex : str
        The statement as LaTeX.
    domain : str
        The parameter domain in words, e.g. ``"integers 1 <= dim < n"``.
    validate : callable ``params -> None``, optional
        Raises ``ValueError`` when ``params`` lie outside the domain.
    failure_prob : float or callable ``params -> float``, optional
        Claimed probability that one trial violates the relation; ``None`` for deterministic.
    params, quick_params : sequence of dict
        Parameter sets checked by :func:`theory.verify.verify_all` (full and ``--quick`` runs;
        ``quick_params`` defaults to ``params``).
    trials, quick_trials : int
        Trials per parameter set in full and quick runs.
    rtol, atol : float
        Float tolerance for deterministic claims (finite, non-negative: a NaN tolerance would
        make every comparison false, so a false claim would pass).
    alpha : float
        Significance level of the binomial test for probabilistic claims.
    quantity : str
        Name of the measured quantity (for tables and figures).
    proof : str, optional
        Name of a module in ``proofs/`` deriving the claim symbolically.
    figure : str or callable, optional
        Draws the claim's verdicts for the report: a key of
        :func:`theory.figures.verdict_figures` (how built-in claims name theirs), or a callable
        ``verdicts -> matplotlib Figure`` (for a user's own claim).
    tags : tuple of str
        Free labels (``"geometry"``, ``"slow"``, …). A bare string is taken as one tag.

    Every field is checked on construction (types, ranges, finiteness); a bad one raises
    ``TypeError``/``ValueError`` naming the claim and the field.

    Examples
    --------
    >>> import numpy as np
    >>> c = Claim(id="demo.mean", statement="the mean of 100 U[0,1] draws is <= 1",
    ...           citation="trivial", bound=lambda p: 1.0,
    ...           measure=lambda p, rng: rng.random(100).mean(), relation="<=",
    ...           params=({},))
    >>> c.deterministic
    True
    """

    id: str
    statement: str
    citation: str
    bound: Callable[[Mapping[str, Any]], float]
    measure: Callable[[Mapping[str, Any], np.random.Generator], Any]
    relation: str = "<="
    latex: str = ""
    domain: str = ""
    validate: Callable[[Mapping[str, Any]], None] | None = None
    failure_prob: float | Callable[[Mapping[str, Any]], float] | None = None
    params: Sequence[Mapping[str, Any]] = ()
    quick_params: Sequence[Mapping[str, Any]] | None = None
    trials: int = 100
    quick_trials: int | None = None
    rtol: float = 1e-9
    atol: float = 1e-12
    alpha: float = 1e-3
    quantity: str = "measured"
    proof: str | None = None
    figure: str | Callable[[Sequence[Verdict]], Any] | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"Claim id must be a non-empty string, got {self.id!r}")
        try:
            self._check_fields()
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"Claim {self.id}: {exc}") from None

    def _check_fields(self) -> None:
        for name in ("statement", "citation", "latex", "domain", "quantity"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a str, got {type(getattr(self, name)).__name__}")
        if self.proof is not None and not isinstance(self.proof, str):
            raise TypeError(f"proof must be a str or None, got {type(self.proof).__name__}")
        if not isinstance(self.relation, str) or self.relation not in _RELATIONS:
            raise ValueError(f"relation must be '<=' or '>=', got {self.relation!r}")
        if not callable(self.bound) or not callable(self.measure):
            raise TypeError("bound and measure must be callables")
        if self.validate is not None and not callable(self.validate):
            raise TypeError(f"validate must be a callable or None, got {self.validate!r} of type "
                            f"{type(self.validate).__name__}")
        if self.figure is not None and not (callable(self.figure) or isinstance(self.figure, str)):
            raise TypeError(f"figure must be a callable, a figure name or None, got {self.figure!r} of type "
                            f"{type(self.figure).__name__}")
        if self.failure_prob is not None and not callable(self.failure_prob):
            object.__setattr__(self, "failure_prob", check_probability(self.failure_prob, "failure_prob"))
        object.__setattr__(self, "alpha", check_probability(self.alpha, "alpha", allow_zero=False,
                                                            allow_one=False))
        object.__setattr__(self, "trials", check_int(self.trials, "trials", minimum=1))
        if self.quick_trials is not None:
            object.__setattr__(self, "quick_trials", check_int(self.quick_trials, "quick_trials", minimum=1))
        object.__setattr__(self, "rtol", check_real(self.rtol, "rtol", minimum=0.0))
        object.__setattr__(self, "atol", check_real(self.atol, "atol", minimum=0.0))
        object.__setattr__(self, "params", _param_sets(self.params, "params"))
        if self.quick_params is not None:
            object.__setattr__(self, "quick_params", _param_sets(self.quick_params, "quick_params"))
        tags = (self.tags,) if isinstance(self.tags, str) else self.tags  # a bare string is one tag
        if not isinstance(tags, (tuple, list, set, frozenset)) or not all(isinstance(t, str) and t for t in tags):
            raise TypeError(f"tags must be a tuple of non-empty strings, got {self.tags!r}")
        object.__setattr__(self, "tags", tuple(tags))

    @property
    def deterministic(self) -> bool:
        """True when the claim must hold for every instance (no failure probability)."""
        return self.failure_prob is None

    def claimed_failure_prob(self, params: Mapping[str, Any]) -> float | None:
        """The claimed per-trial failure probability at ``params`` (None if deterministic)."""
        if self.failure_prob is None:
            return None
        q = self.failure_prob(params) if callable(self.failure_prob) else self.failure_prob
        q = float(q)
        if not 0 <= q <= 1 or math.isnan(q):
            raise ValueError(f"Claim {self.id}: failure_prob({params}) must be in [0, 1], got {q}")
        return q

    def parameter_sets(self, quick: bool) -> tuple[dict[str, Any], ...]:
        """The parameter sets a full or quick run checks."""
        if quick and self.quick_params is not None:
            return tuple(self.quick_params)  # type: ignore[arg-type]
        return tuple(self.params)  # type: ignore[arg-type]

    def n_trials(self, quick: bool) -> int:
        """Trials per parameter set in a full or quick run."""
        return self.quick_trials if (quick and self.quick_trials is not None) else self.trials

    def violates(self, measured: np.ndarray, bound: float) -> np.ndarray:
        """Boolean mask of trials violating the relation beyond the tolerance."""
        tol = self.atol + self.rtol * abs(bound) if self.deterministic else 0.0
        if self.relation == "<=":
            return measured > bound + tol
        return measured < bound - tol


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one claim at one parameter set.

    Attributes
    ----------
    claim_id : str
    params : dict
    status : str
        ``"consistent"`` (no evidence against the claim), ``"refuted"`` or ``"error"``.
    deterministic : bool
    relation : str
    bound : float
        The claimed bound at ``params``.
    measured : float
        The extreme measured value: the largest for ``"<="`` claims, the smallest for ``">="``.
    trials : int
    violations : int
        Trials violating the relation (beyond the tolerance, for deterministic claims).
    failure_prob : float or None
        Claimed per-trial failure probability (probabilistic claims).
    p_value : float or None
        One-sided exact binomial p-value of ``violations`` under ``failure_prob``.
    ci : tuple of float or None
        95% Clopper-Pearson interval for the per-trial violation probability.
    samples : ndarray
        Every trial's measured value.
    elapsed : float
        Seconds spent.
    message : str
        Why an ``"error"`` happened, or a note.
    """

    claim_id: str
    params: dict[str, Any]
    status: str
    deterministic: bool
    relation: str
    bound: float
    measured: float
    trials: int
    violations: int
    failure_prob: float | None = None
    p_value: float | None = None
    ci: tuple[float, float] | None = None
    samples: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    elapsed: float = 0.0
    message: str = ""

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ValueError(f"status must be one of {_STATUSES}, got {self.status!r}")

    @property
    def consistent(self) -> bool:
        """True when the check found no evidence against the claim."""
        return self.status == "consistent"

    @property
    def violation_rate(self) -> float:
        """Fraction of trials that violated the relation."""
        return self.violations / self.trials if self.trials else float("nan")

    @property
    def tightness(self) -> float:
        """How close the measurement comes to the bound.

        ``measured / bound`` for deterministic claims: 1 means the bound is attained; below 1
        an upper bound (``<=``) has slack, above 1 a lower bound (``>=``) has slack. For
        probabilistic claims it is ``violation rate / failure_prob`` (1 means the probability
        bound is attained, near 0 that it is loose). ``nan`` when undefined (bound 0).
        """
        if self.status == "error":
            return float("nan")
        if self.deterministic:
            return self.measured / self.bound if self.bound != 0 else float("nan")
        if not self.failure_prob:
            return float("nan")
        return self.violation_rate / self.failure_prob

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary (samples summarised, not listed)."""
        s = np.asarray(self.samples, dtype=float)
        summary = None
        if s.size:
            summary = {"min": float(s.min()), "median": float(np.median(s)),
                       "max": float(s.max()), "mean": float(s.mean())}
        return {
            "claim": self.claim_id, "params": _jsonable(self.params), "status": self.status,
            "deterministic": self.deterministic, "relation": self.relation,
            "bound": _num(self.bound), "measured": _num(self.measured),
            "tightness": _num(self.tightness), "trials": self.trials,
            "violations": self.violations, "failure_prob": _num(self.failure_prob),
            "p_value": _num(self.p_value),
            "ci": None if self.ci is None else [_num(self.ci[0]), _num(self.ci[1])],
            "samples": summary, "elapsed_s": round(self.elapsed, 4), "message": self.message,
        }


def _param_sets(value: Any, name: str) -> tuple[dict[str, Any], ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of dicts, got {type(value).__name__}")
    for i, p in enumerate(value):
        if not isinstance(p, Mapping):
            raise TypeError(f"{name}[{i}] must be a dict of parameter values, got {type(p).__name__}")
    return tuple(dict(p) for p in value)


def _num(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return repr(obj)

"""Claims (a statement, its citation, a bound and a way to measure it) and verdicts."""

from __future__ import annotations

import json
import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theory._json import to_json
from theory._validation import check_int, check_probability, check_real
from theory._warnings import TheoryDeprecationWarning

__all__ = ["Claim", "Verdict", "Verdicts", "bound_slack"]

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
      test at level ``alpha``. A claim that states the probability *exactly*
      (``two_sided=True``) is refuted by a two-sided test: a violation rate significantly above
      **or below** the stated probability.

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
    unit : str
        Unit of the measured quantity (``""`` when none is given; built-in claims name theirs,
        e.g. ``"dimensionless"`` or ``"lines"``).
    two_sided : bool
        Probabilistic claims only: ``failure_prob`` is the exact violation probability, so the
        binomial test is two-sided.
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
    unit: str = ""
    two_sided: bool = False
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
        for name in ("statement", "citation", "latex", "domain", "quantity", "unit"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a str, got {type(getattr(self, name)).__name__}")
        if self.proof is not None and not isinstance(self.proof, str):
            raise TypeError(f"proof must be a str or None, got {type(self.proof).__name__}")
        if not isinstance(self.relation, str) or self.relation not in _RELATIONS:
            raise ValueError(f"relation must be '<=' or '>=', got {self.relation!r}")
        if not callable(self.bound) or not callable(self.measure):
            raise TypeError("bound and measure must be callables")
        if self.validate is not None and not callable(self.validate):
            raise TypeError(
                f"validate must be a callable or None, got {self.validate!r} of type {type(self.validate).__name__}"
            )
        if self.figure is not None and not (callable(self.figure) or isinstance(self.figure, str)):
            raise TypeError(
                f"figure must be a callable, a figure name or None, got {self.figure!r} of type "
                f"{type(self.figure).__name__}"
            )
        if not isinstance(self.two_sided, bool):
            raise TypeError(f"two_sided must be True or False, got {self.two_sided!r}")
        if self.two_sided and self.failure_prob is None:
            raise ValueError("two_sided=True needs a failure_prob (an exactly stated probability)")
        if self.failure_prob is not None and not callable(self.failure_prob):
            object.__setattr__(self, "failure_prob", check_probability(self.failure_prob, "failure_prob"))
        object.__setattr__(self, "alpha", check_probability(self.alpha, "alpha", allow_zero=False, allow_one=False))
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


def _as_float(v: float) -> float:
    try:
        return float(v)
    except OverflowError:  # an integer beyond the float range: an infinite value for the slack
        return math.inf if v > 0 else -math.inf


def bound_slack(measured: float | None, bound: float | None, relation: str) -> float:
    r"""How close a measured value came to a bound, in one convention for every claim.

    .. math::

        \text{slack} = \begin{cases} \text{measured}/\text{bound} & \text{upper bound } (\le)\\
        \text{bound}/\text{measured} & \text{lower bound } (\ge)\end{cases}

    so **1 means tight** (the bound is attained), values below 1 mean the measurement stayed
    inside the bound (the smaller, the looser) and values above 1 mean it crossed the bound.
    Undefined (``nan``) unless both values are finite and strictly positive: a ratio with a zero
    or a sign change says nothing about closeness, and is never reported as 0.

    Parameters
    ----------
    measured, bound : float or None
    relation : ``"<="`` or ``">="``

    Returns
    -------
    float
        The slack, or ``nan`` when undefined. Returns ``inf`` when the ratio is beyond the float
        range (a measurement past the bound by a factor over about 1.8e308).

    Examples
    --------
    >>> bound_slack(0.5, 1.0, "<="), bound_slack(2.0, 1.0, ">=")
    (0.5, 0.5)
    >>> bound_slack(0.0, 1.0, "<="), bound_slack(1.0, 0.0, ">=")
    (nan, nan)
    """
    if relation not in _RELATIONS:
        raise ValueError(f"relation must be '<=' or '>=', got {relation!r}")
    for name, v in (("measured", measured), ("bound", bound)):
        if v is not None and (isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real)):
            raise TypeError(f"{name} must be a real number or None, got {v!r} of type {type(v).__name__}")
    if measured is None or bound is None:
        return float("nan")
    m, b = (_as_float(v) for v in (measured, bound))
    if not (math.isfinite(m) and math.isfinite(b)) or m <= 0 or b <= 0:
        return float("nan")
    return m / b if relation == "<=" else b / m


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one claim at one parameter set.

    ``str(verdict)`` is a one-line summary; the repr summarises too (no sample arrays).

    Attributes
    ----------
    claim_id : str
    params : dict
    status : str
        ``"consistent"`` (no evidence against the claim), ``"refuted"`` or ``"error"``.
    deterministic : bool
    relation : str
    bound : float
        The claimed bound at ``params`` (for probabilistic claims, the threshold whose crossing
        is a violation).
    measured : float
        The extreme measured value: the largest for ``"<="`` claims, the smallest for ``">="``.
    trials : int
    violations : int
        Trials violating the relation (beyond the tolerance, for deterministic claims).
    failure_prob : float or None
        Claimed per-trial failure probability (probabilistic claims).
    p_value : float or None
        Exact binomial p-value of ``violations`` under ``failure_prob`` (one-sided, or
        two-sided when the claim states the probability exactly).
    ci : tuple of float or None
        95% Clopper-Pearson interval for the per-trial violation probability.
    samples : ndarray
        Every trial's measured value.
    elapsed : float
        Seconds spent.
    message : str
        Why an ``"error"`` happened, or a note.
    quantity, unit : str
        What was measured, and its unit (from the claim).
    quantile : float or None
        Probabilistic claims: the empirical quantile of the samples at the claimed level (the
        ``1 - failure_prob`` quantile for ``"<="``, the ``failure_prob`` quantile for ``">="``):
        the value the claim says the measurement stays within, except with probability
        ``failure_prob``.
    two_sided : bool
        Whether the binomial test was two-sided.
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
    quantity: str = "measured"
    unit: str = ""
    quantile: float | None = None
    two_sided: bool = False

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ValueError(f"status must be one of {_STATUSES}, got {self.status!r}")

    @property
    def kind(self) -> str:
        """``"deterministic"`` or ``"probabilistic"``."""
        return "deterministic" if self.deterministic else "probabilistic"

    @property
    def consistent(self) -> bool:
        """True when the check found no evidence against the claim."""
        return self.status == "consistent"

    @property
    def violation_rate(self) -> float:
        """Fraction of trials that violated the relation."""
        return self.violations / self.trials if self.trials else float("nan")

    @property
    def quantile_slack(self) -> float:
        """Probabilistic claims: :func:`bound_slack` of the claimed-level ``quantile``
        against the bound (1 = tight, below 1 = inside the bound); ``nan`` otherwise or when
        undefined."""
        if self.status == "error" or self.deterministic:
            return float("nan")
        return bound_slack(self.quantile, self.bound, self.relation)

    @property
    def slack(self) -> float:
        """How close the measurement came to the bound, one convention for every claim.

        ``measured/bound`` for an upper bound (``<=``), ``bound/measured`` for a lower bound
        (``>=``): 1 means tight, below 1 inside the bound (smaller = looser), above 1 beyond it
        (see :func:`bound_slack`). Deterministic claims compare the extreme measured value;
        probabilistic claims compare the quantile at the claimed level
        (:attr:`quantile_slack`). ``nan`` when undefined (a zero, a sign change, an error).
        """
        if self.status == "error":
            return float("nan")
        if self.deterministic:
            return bound_slack(self.measured, self.bound, self.relation)
        return self.quantile_slack

    @property
    def tightness(self) -> float:
        """Deprecated alias of :attr:`slack` (whose convention holds for every kind of claim)."""
        warnings.warn(
            "Verdict.tightness is deprecated; use Verdict.slack (measured/bound for '<=', "
            "bound/measured for '>=': 1 = tight, below 1 = inside the bound)",
            TheoryDeprecationWarning,
            stacklevel=2,
        )
        return self.slack

    def _what(self) -> str:
        return f"{self.quantity} [{self.unit}]" if self.unit else self.quantity

    def __str__(self) -> str:
        params = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        head = f"{self.claim_id} [{params}]: {self.status}"
        if self.status == "error":
            return f"{head}: {self.message}"
        if self.deterministic:
            extreme = "max" if self.relation == "<=" else "min"
            return (
                f"{head}: {self._what()} {extreme} {_g(self.measured)} vs bound {self.relation} "
                f"{_g(self.bound)} (slack {_g(self.slack, 3)}), {self.violations}/{self.trials} trials violate"
            )
        lo, hi = self.ci if self.ci is not None else (float("nan"), float("nan"))
        over = ">" if self.relation == "<=" else "<"
        test = "two-sided" if self.two_sided else "one-sided"
        return (
            f"{head}: {self._what()} {over} {_g(self.bound)} in {self.violations}/{self.trials} trials "
            f"(rate {_g(self.violation_rate, 3)}, 95% CI [{_g(lo, 3)}, {_g(hi, 3)}], claimed "
            f"{'=' if self.two_sided else '<='} {_g(self.failure_prob, 3)}, {test} p = {_g(self.p_value, 3)}); "
            f"quantile {_g(self.quantile)} vs {_g(self.bound)} (slack {_g(self.quantile_slack, 3)})"
        )

    def __repr__(self) -> str:
        parts = [
            f"claim_id={self.claim_id!r}",
            f"params={_short(self.params)}",
            f"status={self.status!r}",
            f"kind={self.kind!r}",
        ]
        if self.status != "error":
            if self.deterministic:
                parts += [
                    f"measured={_g(self.measured)}",
                    f"relation={self.relation!r}",
                    f"bound={_g(self.bound)}",
                    f"slack={_g(self.slack, 3)}",
                ]
            else:
                parts += [
                    f"violation_rate={_g(self.violation_rate, 3)}",
                    f"claimed_failure_prob={_g(self.failure_prob, 3)}",
                    f"p_value={_g(self.p_value, 3)}",
                    f"quantile_slack={_g(self.quantile_slack, 3)}",
                ]
            parts += [f"trials={self.trials}", f"violations={self.violations}"]
        else:
            parts.append(f"message={self.message[:80]!r}")
        return f"Verdict({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary whose fields are unambiguous for each kind of claim.

        Common fields: ``claim``, ``params``, ``status``, ``kind``, ``quantity``, ``unit``,
        ``trials``, ``violations``, ``samples`` (min, median, max, mean), ``elapsed_s``,
        ``message``. Deterministic rows add ``bound``, ``measured`` (the extreme trial),
        ``relation`` and ``slack``. Probabilistic rows add ``threshold`` and ``violation_event``
        (what counts as a violation), ``violation_rate``, ``claimed_failure_prob``, ``test``,
        ``p_value``, ``ci``, ``quantile_level``, ``quantile`` and ``quantile_slack``; they carry no
        ``bound``/``measured`` pair that could read as a violation. Undefined numbers are null.
        """
        s = np.asarray(self.samples, dtype=float)
        summary = None
        if s.size:
            summary = {
                "min": float(s.min()),
                "median": float(np.median(s)),
                "max": float(s.max()),
                "mean": float(s.mean()),
            }
        out: dict[str, Any] = {
            "claim": self.claim_id,
            "params": to_json(self.params),
            "status": self.status,
            "kind": self.kind,
            "quantity": self.quantity,
            "unit": self.unit,
        }
        if self.deterministic:
            out.update(
                {
                    "bound": _num(self.bound),
                    "measured": _num(self.measured),
                    "relation": self.relation,
                    "slack": _num(self.slack),
                }
            )
        else:
            over = ">" if self.relation == "<=" else "<"
            q = self.failure_prob
            out.update(
                {
                    "threshold": _num(self.bound),
                    "violation_event": f"{self.quantity} {over} {_g(self.bound)}",
                    "violation_rate": _num(self.violation_rate),
                    "claimed_failure_prob": _num(q),
                    "test": "two-sided" if self.two_sided else "one-sided",
                    "p_value": _num(self.p_value),
                    "ci": None if self.ci is None else [_num(self.ci[0]), _num(self.ci[1])],
                    "quantile_level": None if q is None else _num(_quantile_level(q, self.relation)),
                    "quantile": _num(self.quantile),
                    "quantile_slack": _num(self.quantile_slack),
                }
            )
        out.update(
            {
                "trials": self.trials,
                "violations": self.violations,
                "samples": summary,
                "elapsed_s": round(self.elapsed, 4),
                "message": self.message,
            }
        )
        return out


class Verdicts(tuple):
    """The verdicts of one claim at several parameter sets (a tuple of :class:`Verdict`).

    Returned by :func:`theory.verify.check` when it checks several parameter sets. ``status`` is
    ``"error"`` if any verdict is an error, else ``"refuted"`` if any is refuted, else
    ``"consistent"``; ``str()`` gives one line per verdict.

    Examples
    --------
    >>> Verdicts([]).status
    'consistent'
    """

    def __new__(cls, verdicts: Sequence[Verdict] = ()) -> Verdicts:
        items = tuple(verdicts)
        for v in items:
            if not isinstance(v, Verdict):
                raise TypeError(f"Verdicts holds Verdict objects, got {type(v).__name__}")
        return super().__new__(cls, items)

    @property
    def status(self) -> str:
        """The worst status: ``"error"`` > ``"refuted"`` > ``"consistent"``."""
        statuses = {v.status for v in self}
        return "error" if "error" in statuses else "refuted" if "refuted" in statuses else "consistent"

    @property
    def consistent(self) -> bool:
        """True when every verdict is consistent."""
        return all(v.consistent for v in self)

    def __str__(self) -> str:
        return "\n".join(str(v) for v in self)

    def __repr__(self) -> str:
        counts = {s: sum(v.status == s for v in self) for s in _STATUSES}
        ids = sorted({v.claim_id for v in self})
        return (
            f"Verdicts({len(self)} verdicts of {', '.join(ids) or 'no claim'}: "
            + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            + ")"
        )


def _quantile_level(failure_prob: float, relation: str) -> float:
    """The level of the quantile compared with the bound: ``1 - q`` for ``<=``, ``q`` for ``>=``."""
    return 1 - failure_prob if relation == "<=" else failure_prob


def _g(x: Any, digits: int = 4) -> str:
    """A number for humans: ``-`` when undefined."""
    if x is None:
        return "-"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    return f"{f:.{digits}g}" if math.isfinite(f) else "-"


def _short(v: Any, limit: int = 60) -> str:
    r = repr(v) if not isinstance(v, str) else v
    if isinstance(v, Mapping):
        r = "{" + ", ".join(f"{k!r}: {_short(x, 30)}" for k, x in v.items()) + "}"
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _param_sets(value: Any, name: str) -> tuple[dict[str, Any], ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of dicts, got {type(value).__name__}")
    seen: dict[str, int] = {}
    for i, p in enumerate(value):
        if not isinstance(p, Mapping):
            raise TypeError(f"{name}[{i}] must be a dict of parameter values, got {type(p).__name__}")
        key = json.dumps(to_json(dict(p)), sort_keys=True)
        if key in seen:
            raise ValueError(f"{name}[{i}] repeats {name}[{seen[key]}] ({dict(p)}): each parameter set is checked once")
        seen[key] = i
    return tuple(dict(p) for p in value)


def _num(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None

"""Derivation records: each step states an identity or inequality that sympy checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = ["Derivation", "Step"]


@dataclass(frozen=True)
class Step:
    """One checked step of a derivation.

    Attributes
    ----------
    description : str
        What the step says, in words.
    claim : sympy expression
        The relation established (an ``Eq``, ``Ge``, ... or a boolean).
    holds : bool
        Whether sympy verified it.
    how : str
        How it was verified (e.g. "simplify(lhs - rhs) == 0").
    """

    description: str
    claim: Any
    holds: bool
    how: str = ""

    @property
    def latex(self) -> str:
        """The step's relation as LaTeX."""
        return sp.latex(self.claim) if isinstance(self.claim, sp.Basic) else str(self.claim)


@dataclass
class Derivation:
    """A symbolic derivation: a statement, its source, and checked steps.

    Attributes
    ----------
    name : str
    statement : str
    citation : str
    steps : list of Step
    result : sympy expression, optional
        The derived closed form.
    """

    name: str
    statement: str
    citation: str
    steps: list[Step] = field(default_factory=list)
    result: Any = None

    @property
    def verified(self) -> bool:
        """True when there is at least one step and every step holds."""
        return bool(self.steps) and all(s.holds for s in self.steps)

    def step(self, description: str, claim: Any, holds: bool | None = None, how: str = "") -> Step:
        """Record a step. If ``holds`` is None, ``claim`` must be a sympy relation or boolean
        that simplifies to ``True``; it is checked with :func:`sympy.simplify`."""
        if holds is None:
            value = sp.simplify(claim) if isinstance(claim, sp.Basic) else claim
            holds = value is sp.true or value is True
            how = how or "sympy.simplify"
        s = Step(description, claim, bool(holds), how)
        self.steps.append(s)
        return s

    def equal(self, description: str, lhs: Any, rhs: Any) -> Step:
        """Record and check the identity ``lhs == rhs`` (``simplify(lhs - rhs) == 0``)."""
        diff = sp.simplify(sp.sympify(lhs) - sp.sympify(rhs))
        return self.step(description, sp.Eq(lhs, rhs, evaluate=False), holds=diff == 0,
                         how="simplify(lhs - rhs) == 0")

    def to_text(self) -> str:
        """A plain-text rendering of the derivation."""
        lines = [f"{self.name}: {self.statement}", f"  source: {self.citation}"]
        for i, s in enumerate(self.steps, 1):
            mark = "ok " if s.holds else "FAIL"
            lines.append(f"  [{mark}] {i}. {s.description}")
            lines.append(f"         {sp.sstr(s.claim) if isinstance(s.claim, sp.Basic) else s.claim}")
        if self.result is not None:
            lines.append(f"  result: {sp.sstr(self.result)}")
        lines.append(f"  => {'VERIFIED' if self.verified else 'NOT VERIFIED'}")
        return "\n".join(lines)

    def to_latex(self) -> str:
        """A LaTeX rendering (an ``align*`` of the steps)."""
        body = " \\\\\n".join(f"&\\text{{{s.description}}}: && {s.latex}" for s in self.steps)
        return f"% {self.name}: {self.statement}\n\\begin{{align*}}\n{body}\n\\end{{align*}}"

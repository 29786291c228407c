"""Derivation records: each step states an identity or inequality that sympy checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = ["Derivation", "Step", "latex_escape"]


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
        return self.step(description, sp.Eq(lhs, rhs, evaluate=False), holds=diff == 0, how="simplify(lhs - rhs) == 0")

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
        """A complete LaTeX document (``article``, ``amsmath``) that compiles with pdflatex.

        The statement, the source and each step's description are escaped as text (LaTeX's
        special characters and the Unicode symbols the derivations use); each step's relation is
        displayed with sympy's LaTeX printer, with whether sympy verified it.
        """
        items = []
        for s in self.steps:
            math = s.latex if isinstance(s.claim, sp.Basic) else f"\\text{{{latex_escape(str(s.claim))}}}"
            mark = "verified" if s.holds else "\\textbf{NOT verified}"
            how = f" ({latex_escape(s.how)})" if s.how else ""
            items.append(f"\\item {latex_escape(s.description)}\n\\[ {math} \\]\n{mark}{how}.")
        result = (
            f"\n\\paragraph{{Result.}}\n\\[ {sp.latex(self.result)} \\]\n" if isinstance(self.result, sp.Basic) else ""
        )
        verdict = "every step verified by sympy" if self.verified else "NOT every step verified"
        return "\n".join(
            [
                "\\documentclass[11pt]{article}",
                "\\usepackage{amsmath,amssymb}",
                "\\usepackage[margin=2.5cm]{geometry}",
                "\\allowdisplaybreaks",
                f"\\title{{{latex_escape(self.name)}}}",
                "\\date{}",
                "\\begin{document}",
                "\\maketitle",
                f"\\noindent\\textbf{{Statement.}} {latex_escape(self.statement)}",
                "",
                f"\\noindent\\textbf{{Source.}} {latex_escape(self.citation)}",
                "\\begin{enumerate}",
                *items,
                "\\end{enumerate}",
                result,
                f"\\noindent\\textbf{{Verdict:}} {verdict}.",
                "\\end{document}",
                "",
            ]
        )


#: Text-mode replacements for LaTeX's special characters and the Unicode symbols used in
#: descriptions and statements.
_LATEX_TEXT = {
    "\\": "\\textbackslash{}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "{": "\\{",
    "}": "\\}",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
    "<": "\\ensuremath{<}",
    ">": "\\ensuremath{>}",
    "|": "\\ensuremath{|}",
    "\u2264": "\\ensuremath{\\le}",
    "\u2265": "\\ensuremath{\\ge}",
    "\u2260": "\\ensuremath{\\ne}",
    "\u2248": "\\ensuremath{\\approx}",
    "\u00d7": "\\ensuremath{\\times}",
    "\u00b7": "\\ensuremath{\\cdot}",
    "\u2212": "\\ensuremath{-}",
    "\u2013": "--",
    "\u2014": "---",
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
    "\u2026": "\\ldots{}",
    "\u221a": "\\ensuremath{\\surd}",
    "\u221e": "\\ensuremath{\\infty}",
    "\u2211": "\\ensuremath{\\sum}",
    "\u220f": "\\ensuremath{\\prod}",
    "\u2208": "\\ensuremath{\\in}",
    "\u2209": "\\ensuremath{\\notin}",
    "\u2202": "\\ensuremath{\\partial}",
    "\u2192": "\\ensuremath{\\to}",
    "\u21d2": "\\ensuremath{\\Rightarrow}",
    "\u2016": "\\ensuremath{\\|}",
    "\u230a": "\\ensuremath{\\lfloor}",
    "\u230b": "\\ensuremath{\\rfloor}",
    "\u2308": "\\ensuremath{\\lceil}",
    "\u2309": "\\ensuremath{\\rceil}",
    "\u27e8": "\\ensuremath{\\langle}",
    "\u27e9": "\\ensuremath{\\rangle}",
    "\u00b1": "\\ensuremath{\\pm}",
    "\u2218": "\\ensuremath{\\circ}",
    "\u2297": "\\ensuremath{\\otimes}",
    "\u2225": "\\ensuremath{\\parallel}",
    "\u22a5": "\\ensuremath{\\perp}",
    "\u2229": "\\ensuremath{\\cap}",
    "\u222a": "\\ensuremath{\\cup}",
    "\u2282": "\\ensuremath{\\subset}",
    "\u2286": "\\ensuremath{\\subseteq}",
    "\u00b2": "\\ensuremath{^2}",
    "\u00b3": "\\ensuremath{^3}",
    "\u2074": "\\ensuremath{^4}",
    "\u00b9": "\\ensuremath{^1}",
    "\u2070": "\\ensuremath{^0}",
    "\u207b": "\\ensuremath{^-}",
    "\u1d40": "\\ensuremath{^T}",
    "\u2080": "\\ensuremath{_0}",
    "\u2081": "\\ensuremath{_1}",
    "\u2082": "\\ensuremath{_2}",
    "\u2096": "\\ensuremath{_k}",
    "\u1d62": "\\ensuremath{_i}",
    "\u00e9": "\\'e",
    "\u00e8": "\\`e",
    "\u00e4": '\\"a',
    "\u00f6": '\\"o',
    "\u00fc": '\\"u',
    "\u00e1": "\\'a",
    "\u00ed": "\\'i",
    "\u00f3": "\\'o",
    "\u0107": "\\'c",
    "\u0161": "\\v{s}",
}
_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "varsigma sigma tau upsilon phi chi psi omega".split()
)


def _greek(ch: str) -> str | None:
    code = ord(ch)
    if 0x3B1 <= code <= 0x3C9:
        name = _GREEK[code - 0x3B1]
        return None if name in ("omicron", "varsigma") else f"\\ensuremath{{\\{name}}}"
    if 0x391 <= code <= 0x3A9 and code != 0x3A2:
        name = _GREEK[code - 0x391]
        upper = {"gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi", "psi", "omega"}
        latin = {
            "alpha": "A",
            "beta": "B",
            "epsilon": "E",
            "zeta": "Z",
            "eta": "H",
            "iota": "I",
            "kappa": "K",
            "mu": "M",
            "nu": "N",
            "omicron": "O",
            "rho": "P",
            "tau": "T",
            "chi": "X",
        }
        return f"\\ensuremath{{\\{name.capitalize()}}}" if name in upper else latin[name]
    return None


def latex_escape(text: str) -> str:
    """``text`` escaped for LaTeX text mode; Unicode symbols become math commands.

    A character with no rendering becomes its code point (``U+2A01``) rather than breaking the
    document.

    Examples
    --------
    >>> print(latex_escape("k < (1 + 1/μ)/2 for 50% of x_i; Ω, Α"))
    k \\ensuremath{<} (1 + 1/\\ensuremath{\\mu})/2 for 50\\% of x\\_i; \\ensuremath{\\Omega}, A
    """
    out = []
    for ch in text:
        if ch in _LATEX_TEXT:
            out.append(_LATEX_TEXT[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            g = _greek(ch)
            out.append(g if g else f"\\texttt{{U+{ord(ch):04X}}}")
    return "".join(out)

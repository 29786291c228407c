"""Small result objects shared across the toolkit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Bound"]


@dataclass(frozen=True, order=False)
class Bound:
    """A bound on a quantity, with where it comes from and when it applies.

    Attributes
    ----------
    value : float
        The bound's value. When ``valid`` is False the bound does not apply at these parameters
        and ``value`` is the trivial bound of the quantity (e.g. 0 for a coherence lower bound).
    name : str
        Short name, e.g. ``"welch"``.
    citation : str
        Author, year, title and arXiv/DOI of the source.
    kind : str
        ``"lower"`` or ``"upper"``: which side of the quantity the bound sits on.
    quantity : str
        What is bounded, e.g. ``"coherence"`` or ``"number of lines"``.
    valid : bool
        Whether the bound's hypotheses hold at ``params``.
    condition : str
        The validity range in words, e.g. ``"n > dim"``.
    params : dict
        The parameters it was evaluated at.
    exact : object, optional
        An exact (sympy) value when one is available.

    Examples
    --------
    >>> b = Bound(0.5, "welch", "Welch 1974", kind="lower", quantity="coherence")
    >>> float(b)
    0.5
    """

    value: float
    name: str
    citation: str
    kind: str = "lower"
    quantity: str = ""
    valid: bool = True
    condition: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    exact: Any = field(default=None, compare=False)

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        side = ">=" if self.kind == "lower" else "<="
        where = ", ".join(f"{k}={v}" for k, v in self.params.items())
        status = "" if self.valid else f" [not valid here: needs {self.condition}]"
        return f"{self.quantity or 'value'} {side} {self.value:.6g}  ({self.name}; {where}){status}"

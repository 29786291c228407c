"""Small result objects shared across the toolkit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["Bound", "BoundLike"]


@runtime_checkable
class BoundLike(Protocol):
    """What every bound-like result offers, whatever else it carries.

    :class:`Bound` and its subclasses (``LPBound``, ``Certificate``), ``RIPBound`` (its upper end)
    and ``DepthBound`` satisfy it; results made of several bounds (Adler & Shavit's) return
    :class:`Bound` objects from a ``bounds()`` method.

    Attributes
    ----------
    value : float
        The bound's value.
    kind : str
        ``"lower"``, ``"upper"`` or ``"exact"``.
    quantity : str
        What is bounded.
    citation : str
        The source.
    proven : bool
        False for heuristic or asymptotic values (printed NOT PROVEN).
    """

    value: Any
    kind: str
    quantity: str
    citation: str
    proven: bool

    def __float__(self) -> float: ...


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
        ``"lower"`` or ``"upper"``: which side of the quantity the bound sits on; ``"exact"`` for a
        value computed exactly under a stated criterion (e.g. the smallest width meeting it).
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
    proven : bool
        False when the value rests on a heuristic or on an asymptotic statement whose constants
        are not known; the printed form then says ``NOT PROVEN`` and why (``condition``).

    Examples
    --------
    >>> b = Bound(0.5, "welch", "Welch 1974", kind="lower", quantity="coherence")
    >>> float(b)
    0.5
    >>> print(Bound(659, "capacity", "x", kind="upper", quantity="inputs", proven=False,
    ...             condition="noise criterion only"))
    inputs <= 659  (capacity; ) [NOT PROVEN: noise criterion only]
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
    proven: bool = True

    def __post_init__(self) -> None:
        if self.kind not in ("lower", "upper", "exact"):
            raise ValueError(f"kind must be 'lower', 'upper' or 'exact', got {self.kind!r}")
        if not isinstance(self.proven, bool) or not isinstance(self.valid, bool):
            raise TypeError("valid and proven must be bool")

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        side = {"lower": ">=", "upper": "<=", "exact": "="}[self.kind]
        where = ", ".join(f"{k}={v}" for k, v in self.params.items())
        if not self.valid:
            status = f" [not valid here: needs {self.condition}]"
        elif not self.proven:
            status = f" [NOT PROVEN: {self.condition or 'heuristic'}]"
        else:
            status = ""
        return f"{self.quantity or 'value'} {side} {self.value:.6g}  ({self.name}; {where}){status}"

"""Heavy optional imports made on first use, so that importing the toolkit stays fast."""

from __future__ import annotations

import importlib
import types
from typing import Any

__all__ = ["LazyModule", "sympy"]


class LazyModule(types.ModuleType):
    """A stand-in for module ``name`` that imports it when an attribute is first read.

    Examples
    --------
    >>> m = LazyModule("fractions")
    >>> m.Fraction(1, 2)
    Fraction(1, 2)
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_name"] = name

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self.__dict__["_lazy_name"])
        return getattr(module, attr)


#: sympy (slow to import), loaded when exact arithmetic is first asked for.
sympy = LazyModule("sympy")

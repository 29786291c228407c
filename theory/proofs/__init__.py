"""Symbolic derivations (sympy), one module per statement.

Every module defines ``derive() -> Derivation``; each step is checked by sympy and the
derivation reports whether all steps hold. ``theory prove`` runs them all.
"""

from __future__ import annotations

import importlib
import pkgutil

from theory.proofs._derivation import Derivation, Step

__all__ = ["Derivation", "Step", "available", "run"]


def available() -> list[str]:
    """Names of the derivation modules in this package."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def run(name: str) -> Derivation:
    """Run the derivation ``name`` (a module of this package) and return it."""
    names = available()
    if name not in names:
        raise ValueError(f"unknown derivation {name!r}; available: {names}")
    mod = importlib.import_module(f"{__name__}.{name}")
    result = mod.derive()
    if not isinstance(result, Derivation):
        raise TypeError(f"theory.proofs.{name}.derive() must return a Derivation, got {type(result).__name__}")
    return result

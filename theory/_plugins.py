"""Importing the optional per-area modules (claims, figures) that plug into shared machinery."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["import_if_present"]


def import_if_present(name: str) -> ModuleType | None:
    """Import module ``name``, or return None when it (or a parent package) does not exist.

    Errors raised *inside* an existing module, including its own failed imports, propagate.

    Examples
    --------
    >>> import_if_present("theory.no_such_area.claims") is None
    True
    >>> import_if_present("theory.verify").__name__
    'theory.verify'
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        parents = {name.rsplit(".", i)[0] for i in range(name.count(".") + 1)}
        if exc.name in parents:
            return None
        raise

"""Figures: a shipped matplotlib style, deterministic saving, one function per figure kind.

Every ``plot_*`` function takes ``ax=None`` and returns the Axes it drew on. Plot functions
live in one submodule per area (``theory.figures.verify``, ``.geometry``, ``.interference``,
``.toy_models``, ``.circuits``) and are reachable here by name, imported on first use.

Examples
--------
>>> from theory import figures
>>> figures.use_style()
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

from theory._plugins import import_if_present
from theory.figures._core import STYLE, get_ax, save, style_context, use_style

__all__ = ["STYLE", "get_ax", "save", "style_context", "use_style"]

#: Submodules searched for ``plot_*`` functions, in order.
FIGURE_MODULES = ("verify", "geometry", "interference", "toy_models", "circuits")


def figure_modules() -> Iterator[ModuleType]:
    """The area figure modules that exist, in the order of ``FIGURE_MODULES``."""
    for sub in FIGURE_MODULES:
        mod = import_if_present(f"{__name__}.{sub}")
        if mod is not None:
            yield mod


def __getattr__(name: str) -> Any:
    if name.startswith("plot_"):
        for mod in figure_modules():
            if hasattr(mod, name):
                return getattr(mod, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Figures: a shipped matplotlib style, deterministic saving, one function per figure kind.

Every ``plot_*`` function takes ``ax=None`` and returns the Axes it drew on. Plot functions
live in one module per area (named by ``theory._areas.AREAS``: ``theory.figures.geometry``,
``.interference``, ``.toy_models``, ``.circuits``, ...) plus ``theory.figures.verify`` for
verdicts, and are reachable here by name, imported on first use.

Figures render arrays and verdicts; they never run the verification (``theory.verify`` sits above
them). A claim names the figure that draws its verdicts by a key of :func:`verdict_figures`.

Examples
--------
>>> from theory import figures
>>> figures.use_style()
>>> "welch_check" in figures.verdict_figures()
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from theory._areas import AREAS
from theory.figures._core import STYLE, get_ax, save, style_context, use_style

__all__ = ["STYLE", "figure_modules", "get_ax", "recipes", "save", "style_context", "use_style", "verdict_figures"]


def figure_modules() -> Iterator[ModuleType]:
    """``theory.figures.verify``, then each area's figure module in the order of ``AREAS``."""
    yield importlib.import_module(f"{__name__}.verify")
    for area in AREAS:
        if area.figures is not None:
            yield importlib.import_module(area.figures)  # a misnamed module is an ImportError


def recipes() -> dict[str, Callable[[bool], Any]]:
    """Figure recipes computed from the pillars, by ``area.name``: each ``(quick) -> Figure``."""
    found: dict[str, Callable[[bool], Any]] = {}
    for mod in figure_modules():
        area = mod.__name__.rsplit(".", 1)[1]
        for name, fn in getattr(mod, "FIGURES", {}).items():
            found[f"{area}.{name}"] = fn
    return dict(sorted(found.items()))


def verdict_figures() -> dict[str, Callable[..., Any]]:
    """Figures drawn from a claim's verdicts, by key: each ``(verdicts, ax=None) -> Axes``.

    A :class:`theory.verify.Claim` names one of these keys in its ``figure`` field.
    """
    found: dict[str, Callable[..., Any]] = {}
    for mod in figure_modules():
        for key, fn in getattr(mod, "VERDICT_FIGURES", {}).items():
            if key in found:
                raise ValueError(f"verdict figure key {key!r} defined twice (again in {mod.__name__})")
            found[key] = fn
    return found


def __getattr__(name: str) -> Any:
    if name.startswith("plot_"):
        for mod in figure_modules():
            if hasattr(mod, name):
                return getattr(mod, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

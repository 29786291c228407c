"""superposition-theory: the mathematics of neural networks that store more features than
they have dimensions.

Subpackages (imported on first use):

``theory.geometry``      frames, coherence bounds, Delsarte LP, constructions, packings, capacity
``theory.interference``  k-sparse interference, RIP, random projections, read-out, recovery
``theory.circuits``      Boolean circuits computed in superposition
``theory.toy_models``    the ReLU-output toy model of Elhage et al. (2022)
``theory.sparse_coding`` getting features back out: ground truth, inference, metrics, certificates, SAEs
``theory.verify``        claims, checks against simulation, verdicts and reports
``theory.sweep``         parameter sweeps on any executor, persisted and resumable
``theory.figures``       the figure style and plot functions
``theory.strategies``    hypothesis strategies for property-testing your own claims

Examples
--------
>>> import theory
>>> theory.geometry.welch_bound(n=4, dim=3).value  # doctest: +ELLIPSIS
0.333...
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from theory._areas import AREAS, SHARED
from theory._warnings import TheoryDeprecationWarning, TheoryWarning

_SUBMODULES = (*(a.name for a in AREAS), *SHARED)

__all__ = ["TheoryDeprecationWarning", "TheoryWarning", "__version__", "show_versions", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name == "show_versions":
        from theory._provenance import show_versions

        return show_versions
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

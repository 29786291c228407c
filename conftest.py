"""Repository-wide pytest configuration (applies to doctests in ``theory/`` and to ``tests/``).

NumPy >= 2 prints scalars as ``np.float64(0.5)``; doctests are written for the plain form, so
the legacy (1.25) scalar representation is used while testing.
"""

import importlib.metadata

import pytest
from packaging.requirements import Requirement


def _missing_requirements() -> list[str]:
    """The project's requirements and its ``test`` extra (as installed metadata states them,
    i.e. pyproject's lists) that are not installed; the project itself when it is not."""
    try:
        reqs = [Requirement(r) for r in importlib.metadata.requires("superposition-theory") or []]
    except importlib.metadata.PackageNotFoundError:
        return ["superposition-theory (the project itself)"]
    missing = []
    for r in reqs:
        if r.marker is None or r.marker.evaluate({"extra": "test"}):
            try:
                importlib.metadata.distribution(r.name)
            except importlib.metadata.PackageNotFoundError:
                missing.append(r.name)
    return missing


# The suite needs the project installed with its test extra (the README's test command); run
# without it, say so once instead of failing at the first import.
_missing = _missing_requirements()
if _missing:
    pytest.exit(
        f"missing {', '.join(_missing)}: install the project and its test extra first, "
        'python -m pip install -e ".[test]" (see the README\'s Quick start)',
        returncode=4,
    )

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")
np.set_printoptions(legacy="1.25")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test (or doctest) left open, so figures do not pile up
    across the suite (matplotlib warns past 20 open figures)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

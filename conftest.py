"""Repository-wide pytest configuration (applies to doctests in ``theory/`` and to ``tests/``).

NumPy >= 2 prints scalars as ``np.float64(0.5)``; doctests are written for the plain form, so
the legacy (1.25) scalar representation is used while testing.
"""

import importlib.util

import pytest

# The suite needs the project installed with its test extra (the README's test command); run
# without it, say so once instead of failing at the first import.
_missing = [m for m in ("numpy", "scipy", "sympy", "cvxpy", "highspy", "matplotlib", "hypothesis")
            if importlib.util.find_spec(m) is None]
if _missing:
    pytest.exit(f"missing {', '.join(_missing)}: install the project and its test extra first, "
                "python -m pip install -e \".[test]\" (see the README's Quick start)", returncode=4)

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

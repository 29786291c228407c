"""Repository-wide pytest configuration (applies to doctests in ``theory/`` and to ``tests/``).

NumPy >= 2 prints scalars as ``np.float64(0.5)``; doctests are written for the plain form, so
the legacy (1.25) scalar representation is used while testing.
"""

import matplotlib
import numpy as np

matplotlib.use("Agg")
np.set_printoptions(legacy="1.25")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test (or doctest) left open, so figures do not pile up
    across the suite (matplotlib warns past 20 open figures)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

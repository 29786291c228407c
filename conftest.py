"""Repository-wide pytest configuration (applies to doctests in ``theory/`` and to ``tests/``).

NumPy >= 2 prints scalars as ``np.float64(0.5)``; doctests are written for the plain form, so
the legacy (1.25) scalar representation is used while testing.
"""

import matplotlib
import numpy as np

matplotlib.use("Agg")
np.set_printoptions(legacy="1.25")

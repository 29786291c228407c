"""Feature geometry: frames, coherence bounds, constructions, packings and capacity.

Every function takes frames of shape ``(dim, n)`` (column ``i`` = feature ``i``).
"""

from theory._results import Bound
from theory.geometry.bounds import welch_bound
from theory.geometry.frames import coherence, gram, max_cosine, normalize

__all__ = ["Bound", "coherence", "gram", "max_cosine", "normalize", "welch_bound"]

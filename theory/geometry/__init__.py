"""Feature geometry: frames, coherence bounds, constructions, packings and capacity.

Every function takes frames of shape ``(dim, n)`` (column ``i`` = feature ``i``).
"""

from theory._results import Bound
from theory.geometry.bounds import welch_bound
from theory.geometry.classify import Polytope, classify_geometry
from theory.geometry.constructions import (
    POLYTOPES,
    cross_polytope,
    hadamard,
    naimark_complement,
    paley_etf,
    polytope,
    random_frame,
    regular_polygon,
    simplex,
    steiner_etf,
    steiner_system,
    tegum_product,
)
from theory.geometry.frames import (
    coherence,
    feature_dimensionality,
    frame_potential,
    gram,
    is_equiangular,
    is_tight,
    max_cosine,
    normalize,
)

__all__ = [
    "POLYTOPES",
    "Bound",
    "Polytope",
    "classify_geometry",
    "coherence",
    "cross_polytope",
    "feature_dimensionality",
    "frame_potential",
    "gram",
    "hadamard",
    "is_equiangular",
    "is_tight",
    "max_cosine",
    "naimark_complement",
    "normalize",
    "paley_etf",
    "polytope",
    "random_frame",
    "regular_polygon",
    "simplex",
    "steiner_etf",
    "steiner_system",
    "tegum_product",
    "welch_bound",
]

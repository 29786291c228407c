"""Feature geometry: frames, coherence bounds, constructions, packings and capacity.

Every function takes frames of shape ``(dim, n)`` (column ``i`` = feature ``i``).
"""

from theory._results import Bound
from theory.geometry.bounds import (
    all_coherence_bounds,
    bukh_cox_bound,
    coherence_lower_bound,
    gerzon_bound,
    levenshtein_bound,
    orthoplex_bound,
    relative_bound,
    simplex_bound,
    welch_bound,
    welch_bound_higher,
)
from theory.geometry.capacity import Capacity, max_features
from theory.geometry.classify import Geometry, Polytope, classify_geometry, describe_geometry
from theory.geometry.constructions import (
    POLYTOPES,
    cross_polytope,
    hadamard,
    mub_frame,
    mub_frame_coherence,
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
from theory.geometry.delsarte import LPBound, delsarte_lp_bound, gegenbauer, verify_delsarte_certificate
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
from theory.geometry.packing import PACK_PRESETS, Packing, PackOptions, default_time_limit, pack

__all__ = [
    "Bound",
    "Capacity",
    "Geometry",
    "LPBound",
    "POLYTOPES",
    "Packing",
    "Polytope",
    "all_coherence_bounds",
    "bukh_cox_bound",
    "classify_geometry",
    "coherence",
    "coherence_lower_bound",
    "cross_polytope",
    "delsarte_lp_bound",
    "describe_geometry",
    "feature_dimensionality",
    "frame_potential",
    "gegenbauer",
    "gerzon_bound",
    "gram",
    "hadamard",
    "is_equiangular",
    "is_tight",
    "levenshtein_bound",
    "max_cosine",
    "max_features",
    "mub_frame",
    "mub_frame_coherence",
    "naimark_complement",
    "normalize",
    "orthoplex_bound",
    "pack",
    "PACK_PRESETS",
    "PackOptions",
    "default_time_limit",
    "paley_etf",
    "polytope",
    "random_frame",
    "regular_polygon",
    "relative_bound",
    "simplex",
    "simplex_bound",
    "steiner_etf",
    "steiner_system",
    "tegum_product",
    "verify_delsarte_certificate",
    "welch_bound",
    "welch_bound_higher",
]

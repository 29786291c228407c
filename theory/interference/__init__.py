"""Interference of k-sparse features: worst and average case, RIP, random projections,
read-out error, recovery and real dictionaries.

Frames have shape ``(dim, n)`` (column ``i`` = feature ``i``).

Examples
--------
>>> import numpy as np
>>> from theory.interference import worst_case_interference, rip_constant
>>> W = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
>>> worst_case_interference(W, k=1)
array([0.6, 0.8, 0.8])
"""

from theory.interference.dictionary import (
    DictionaryStats,
    dictionary_stats,
    load_dictionary,
    random_frame_max_cos,
)
from theory.interference.linear_access import (
    AccessCheck,
    AccessConstruction,
    AccessDims,
    MinDim,
    access_dims,
    check_linear_access,
    linear_access_construction,
    linear_access_error,
    linear_access_lower_bound,
    linear_access_lower_order,
    linear_access_upper_order,
    min_access_dim,
    optimal_linear_decoder,
    rademacher_access_dim,
    relu_access_error,
    sample_sparse_inputs,
)
from theory.interference.random_projections import (
    achlioptas_pair_failure_bound,
    achlioptas_projection,
    gaussian_projection_distortion,
    gaussian_rip_min_dim,
    interference_distribution,
    interference_moments,
    interference_tail_bound,
    jl_max_features,
    jl_min_dim,
    jl_pair_failure_bound,
    rademacher_frame,
    sphere_cos_moment,
)
from theory.interference.readout import (
    ReadoutError,
    no_false_positive_bias,
    optimal_readout_bias,
    readout_error,
    relu_readout,
)
from theory.interference.recovery import (
    PhaseTransition,
    almt_window,
    basis_pursuit,
    empirical_phase_transition,
    l1_recovers,
    l1_weak_threshold,
    statistical_dimension_bounds,
    statistical_dimension_l1,
)
from theory.interference.rip import (
    RecoveryCertificate,
    RIPBound,
    coherence_recovery,
    rip_constant,
    rip_recovery,
)
from theory.interference.worst_case import (
    coherence_interference_bound,
    interference,
    worst_case_interference,
)

__all__ = [
    "DictionaryStats",
    "PhaseTransition",
    "RIPBound",
    "ReadoutError",
    "RecoveryCertificate",
    "achlioptas_pair_failure_bound",
    "achlioptas_projection",
    "almt_window",
    "basis_pursuit",
    "coherence_interference_bound",
    "coherence_recovery",
    "dictionary_stats",
    "empirical_phase_transition",
    "gaussian_projection_distortion",
    "gaussian_rip_min_dim",
    "interference",
    "interference_distribution",
    "interference_moments",
    "interference_tail_bound",
    "jl_max_features",
    "jl_min_dim",
    "jl_pair_failure_bound",
    "l1_recovers",
    "l1_weak_threshold",
    "load_dictionary",
    "no_false_positive_bias",
    "optimal_readout_bias",
    "rademacher_frame",
    "random_frame_max_cos",
    "readout_error",
    "relu_readout",
    "rip_constant",
    "rip_recovery",
    "sphere_cos_moment",
    "statistical_dimension_bounds",
    "statistical_dimension_l1",
    "worst_case_interference",
    # linear accessibility (Garg, Kleinberg & Peng 2026)
    "AccessCheck",
    "AccessConstruction",
    "AccessDims",
    "MinDim",
    "access_dims",
    "check_linear_access",
    "linear_access_construction",
    "linear_access_error",
    "linear_access_lower_bound",
    "linear_access_lower_order",
    "linear_access_upper_order",
    "min_access_dim",
    "optimal_linear_decoder",
    "rademacher_access_dim",
    "relu_access_error",
    "sample_sparse_inputs",
]

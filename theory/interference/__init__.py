"""Interference of k-sparse features: worst and average case, RIP, random projections,
read-out error, recovery and real dictionaries."""

from theory.interference.random_projections import (
    gaussian_projection_distortion,
    jl_min_dim,
    jl_pair_failure_bound,
)

__all__ = ["gaussian_projection_distortion", "jl_min_dim", "jl_pair_failure_bound"]

"""Toy models of superposition (Elhage et al. 2022): a fast batched trainer, analysis, and the
exact theory of small cases.

References
----------
Elhage, N. et al. (2022). Toy Models of Superposition. Transformer Circuits Thread.
arXiv:2209.10652.
"""

from theory.toy_models.analysis import (
    abs_features_computed,
    classify_2x1,
    dimensions_per_feature,
    feature_dimensionality,
    feature_geometry,
    feature_norms,
    n_represented,
    superposition_score,
)
from theory.toy_models.config import ToyModelConfig, geometric_importance, sparsity_sweep
from theory.toy_models.data import sample_features
from theory.toy_models.exact import (
    PHASES_2X1,
    candidate_losses_2x1,
    phase_2x1,
    phase_boundary_2x1,
    phase_margin_2x1,
)
from theory.toy_models.incidental import (
    CollisionCount,
    ExponentFit,
    IncidentalGrid,
    IncidentalRun,
    birthday_collisions,
    collision_count,
    count_polysemantic,
    fit_exponents,
    incidental_sweep,
    signed_collisions,
    train_incidental,
)
from theory.toy_models.kgon import (
    KGonCriticalPoint,
    KGonSolution,
    TMSRun,
    find_plateaus,
    kgon_configuration,
    kgon_critical_points,
    kgon_loss,
    kgon_solutions,
    nearest_level,
    sample_one_hot,
    tms_loss,
    tms_loss_gradient,
    train_tms,
)
from theory.toy_models.model import ToyModel, forward, loss_and_gradients
from theory.toy_models.phase import PhaseDiagram, phase_diagram, train_2x1
from theory.toy_models.polytopes import (
    SparseExpansion,
    SparseLimit,
    best_2d_sparse_expansion,
    best_2d_sparse_limit,
    regular_polygon_frame,
    sparse_expansion,
    sparse_limit_loss,
)
from theory.toy_models.scaling import (
    PAPER_DIMS,
    LossExponentFit,
    Regime,
    ScalingModel,
    classify_regime,
    feature_frequencies,
    fit_loss_exponent,
    mean_squared_overlap,
    overlap_floor,
    represented_fraction,
    scaling_loss,
    train_scaling,
    unrepresented_loss,
    weak_loss_prediction,
    weight_decay_update,
)
from theory.toy_models.train import OptimizerSpec, TrainingDivergedError, TrainOptions, init_params, train

__all__ = [
    "PHASES_2X1",
    "PhaseDiagram",
    "SparseExpansion",
    "SparseLimit",
    "abs_features_computed",
    "best_2d_sparse_expansion",
    "best_2d_sparse_limit",
    "regular_polygon_frame",
    "sparse_expansion",
    "sparse_limit_loss",
    "ToyModel",
    "ToyModelConfig",
    "candidate_losses_2x1",
    "classify_2x1",
    "dimensions_per_feature",
    "feature_dimensionality",
    "feature_geometry",
    "feature_norms",
    "forward",
    "geometric_importance",
    "init_params",
    "loss_and_gradients",
    "n_represented",
    "phase_2x1",
    "phase_boundary_2x1",
    "phase_diagram",
    "phase_margin_2x1",
    "sample_features",
    "sparsity_sweep",
    "superposition_score",
    "train",
    "train_2x1",
    # k-gon critical points (Chen et al. 2023)
    "KGonCriticalPoint",
    "KGonSolution",
    "TMSRun",
    "find_plateaus",
    "kgon_configuration",
    "kgon_critical_points",
    "kgon_loss",
    "kgon_solutions",
    "nearest_level",
    "sample_one_hot",
    "tms_loss",
    "tms_loss_gradient",
    "train_tms",
    # incidental polysemanticity (Lecomte et al. 2023)
    "CollisionCount",
    "ExponentFit",
    "IncidentalGrid",
    "IncidentalRun",
    "birthday_collisions",
    "collision_count",
    "count_polysemantic",
    "fit_exponents",
    "incidental_sweep",
    "signed_collisions",
    "train_incidental",
    # superposition and neural scaling (Liu, Liu & Gore 2025)
    "PAPER_DIMS",
    "LossExponentFit",
    "Regime",
    "ScalingModel",
    "classify_regime",
    "feature_frequencies",
    "fit_loss_exponent",
    "mean_squared_overlap",
    "overlap_floor",
    "represented_fraction",
    "scaling_loss",
    "train_scaling",
    "unrepresented_loss",
    "weak_loss_prediction",
    "weight_decay_update",
    # training options
    "OptimizerSpec",
    "TrainOptions",
    "TrainingDivergedError",
]

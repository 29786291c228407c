"""Getting features back out of superposition: ground truth, inference, metrics, certificates, learners.

Networks store features in superposition; sparse autoencoders and dictionary learning try to get
them back out. This pillar provides what is needed to judge such attempts against the truth:

=====================  ==========================================================================
module                 contents
=====================  ==========================================================================
``truth``              :class:`GroundTruth` data with known features (presets of Sharkey et al.
                       2022, O'Neill et al. 2024, SynthSAEBench) and exact expectations
``inference``          optimal sparse inference on a known dictionary (FISTA, OMP) and the
                       one-pass encoders an SAE uses (top-k, ReLU with a bias)
``metrics``            recovery scores against the truth (MCC with the optimal matching, MMCS,
                       uniqueness, per-latent detection F1, explained variance, absorption, ...)
``certificates``       what any dictionary, learned ones included, provably allows: unique
                       recovery from coherence, spark and RIP, the thresholding condition
``spud``               exact recovery of square dictionaries (ER-SpUD)
``sae``, ``sae_io``    batched NumPy SAE trainers and SAELens-layout files
``scoring``            ``score(sae, truth)``: one call scoring an SAE against the truth; batch export
=====================  ==========================================================================

Public names are imported from their submodules on first use.

Examples
--------
>>> import numpy as np
>>> from theory import sparse_coding as sc
>>> truth = sc.oneill2024()
>>> x, codes = truth.sample(4, rng=0)
>>> x.shape, codes.shape, set(np.diff(codes.indptr))
((4, 8), (4, 16), {3})
>>> sc.mcc(truth.dictionary, truth.dictionary)
1.0
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> submodule that defines it.
_EXPORTS: dict[str, str] = {}
_MODULES = {
    "truth": (
        "Correlation",
        "Firing",
        "GroundTruth",
        "Hierarchy",
        "Magnitudes",
        "ground_truth",
        "oneill2024",
        "sharkey2022",
        "synth_sae_bench",
    ),
    "inference": ("SparseCodes", "fista", "omp", "threshold_encode"),
    "metrics": (
        "AbsorptionScores",
        "DetectionScores",
        "LatentActivity",
        "Matching",
        "RecoveryScores",
        "absorption_gap",
        "code_mcc",
        "dead_latents",
        "dense_latents",
        "detection_scores",
        "explained_variance",
        "match_features",
        "mcc",
        "mmcs",
        "pairwise_mcc",
        "score_all",
        "shrinkage",
        "uniqueness",
    ),
    "certificates": (
        "Certificate",
        "ThresholdingWitness",
        "coherence_upper",
        "rip_uniqueness_bound",
        "spark_lower_bound",
        "thresholding_condition",
        "thresholding_witness",
        "unique_recovery_bound",
    ),
    "spud": ("SpudResult", "SpudTrials", "er_spud", "spud_sample", "spud_success", "spud_success_rate"),
    "sae": ("SAE", "SAEOptions", "train_sae", "train_saes"),
    "sae_io": ("load_sae", "save_sae"),
    "scoring": ("SAEScore", "export_batches", "score"),
    "learners": (
        "LearnedDictionary",
        "mlp_encoder_learner",
        "oneill_lam",
        "sklearn_dictionary_learning",
        "sparse_coding_learner",
    ),
    "amortisation": ("AmortisationGap", "AmortisedEncoder", "amortisation_gap", "fit_amortised_encoder"),
}
for _mod, _names in _MODULES.items():
    for _name in _names:
        _EXPORTS[_name] = _mod

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(_MODULES))

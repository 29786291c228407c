"""Boolean circuits computed in superposition.

Circuits (:class:`Circuit`, :func:`random_circuit`), the universal-AND layer (:func:`uand`)
on basis-aligned inputs or inputs stored in superposition (:func:`embed_features`), deep
circuits compiled into superposed MLPs with error correction (:func:`compile_circuit`,
:func:`simulate`), and the theory to check them against: exact read-off error moments
(:func:`uand_error_moments`), required width (:func:`uand_min_width`) and Adler & Shavit's
complexity bounds (:func:`adler_shavit_bounds`).

References
----------
- Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
  Superposition. arXiv:2408.05451
- Vaintrob, Mendel, Hänni (2024). Toward a Mathematical Framework for Computation in
  Superposition. AI Alignment Forum.
- Adler, Shavit (2024). On the Complexity of Neural Computation in Superposition.
  arXiv:2409.15318
- Bushnaq, Mendel (2024). Circuits in Superposition. LessWrong.
"""

from theory.circuits.circuit import Circuit, Gate, gate_polynomial, random_circuit
from theory.circuits.compile import (
    EC_KINDS,
    ErrorCorrection,
    ErrorStats,
    Stage,
    SuperposedMLP,
    compile_circuit,
    simulate,
    stored_polynomials,
)
from theory.circuits.compressed import (
    CompressedAblation,
    CompressedResult,
    MixingDiagnostic,
    SemiNMF,
    SNMFBaseline,
    compressed_ablation,
    compressed_loss,
    label_noise,
    mixing_diagnostic,
    mixing_matrix,
    naive_weights,
    residual_embedding,
    semi_nmf,
    snmf_baseline,
    train_compressed,
)
from theory.circuits.compressed import naive_loss as compressed_naive_loss
from theory.circuits.compressed import sample_features as compressed_features
from theory.circuits.depth import DepthBound, depth_failure_bound
from theory.circuits.moments import (
    AdlerShavit,
    UAndMoments,
    adler_shavit_bounds,
    optimal_p,
    paper_p,
    random_gain,
    superposition_capacity,
    superposition_noise_var,
    uand_error_moments,
    uand_error_tail,
    uand_gate_error_prob,
    uand_min_width,
)
from theory.circuits.uand import Embedding, UAnd, all_pairs, embed_features, sparse_inputs, uand

__all__ = [
    "AdlerShavit",
    "Circuit",
    "DepthBound",
    "Embedding",
    "ErrorStats",
    "Gate",
    "Stage",
    "SuperposedMLP",
    "UAnd",
    "UAndMoments",
    "adler_shavit_bounds",
    "all_pairs",
    "compile_circuit",
    "depth_failure_bound",
    "embed_features",
    "gate_polynomial",
    "simulate",
    "optimal_p",
    "paper_p",
    "random_circuit",
    "random_gain",
    "sparse_inputs",
    "stored_polynomials",
    "superposition_capacity",
    "superposition_noise_var",
    "uand",
    "uand_error_moments",
    "uand_error_tail",
    "uand_gate_error_prob",
    "uand_min_width",
    # compressed computation (Braun et al. 2025; Bhagat et al. 2025)
    "CompressedAblation",
    "CompressedResult",
    "MixingDiagnostic",
    "SNMFBaseline",
    "SemiNMF",
    "compressed_ablation",
    "compressed_features",
    "compressed_loss",
    "compressed_naive_loss",
    "label_noise",
    "mixing_diagnostic",
    "mixing_matrix",
    "naive_weights",
    "residual_embedding",
    "semi_nmf",
    "snmf_baseline",
    "train_compressed",
    # error correction of compiled circuits
    "EC_KINDS",
    "ErrorCorrection",
]

r"""Score a sparse autoencoder (or any dictionary and encoder) against a known ground truth, in one call.

:func:`score` samples a fresh batch from a :class:`~theory.sparse_coding.GroundTruth`, encodes
and decodes it, and gathers every recovery metric of :mod:`theory.sparse_coding.metrics` with the
identifiability certificates of :mod:`theory.sparse_coding.certificates` evaluated on the learned
decoder, into one :class:`SAEScore`: a printable table and a JSON-ready dictionary.

:func:`export_batches` writes ground-truth activations (and their codes, and the true dictionary)
to ``.npz`` or ``.safetensors`` so that SAEs can be trained elsewhere (e.g. with SAELens on a GPU);
the trained SAE, saved in SAELens's layout, is then scored here with ``score(folder, truth)``.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from theory._io import atomic_write
from theory._validation import check_array, check_bool, check_int, check_real
from theory._warnings import TheoryWarning
from theory.sparse_coding._checks import check_dictionary, check_memory
from theory.sparse_coding.certificates import (
    coherence_upper,
    spark_lower_bound,
    thresholding_condition,
    unique_recovery_bound,
)
from theory.sparse_coding.metrics import (
    AbsorptionScores,
    DetectionScores,
    LatentActivity,
    RecoveryScores,
    absorption_gap,
    code_mcc,
    dead_latents,
    dense_latents,
    detection_scores,
    explained_variance,
    score_all,
    shrinkage,
)
from theory.sparse_coding.sae import SAE
from theory.sparse_coding.truth import GroundTruth

__all__ = ["METRICS", "SAEScore", "export_batches", "score"]

#: The scalar fields of :class:`SAEScore` shown in its table, with what each means.
METRICS: dict[str, str] = {
    "mcc": "mean |cos| of decoder vs true features, optimal 1:1 matching",
    "mmcs": "mean over true features of the best |cos| with any latent",
    "uniqueness": "fraction of latents whose best feature is distinct",
    "f1": "mean per-latent F1 detecting its best-|cos| feature",
    "precision": "mean per-latent precision (dead latents count 0)",
    "recall": "mean per-latent recall",
    "code_mcc": "mean |Pearson| of codes, optimal 1:1 matching",
    "explained_variance": "1 - SSE / total variance of x",
    "shrinkage": "mean |x_hat| / |x| (1: no shrinkage)",
    "l0": "mean active latents per sample",
    "true_l0": "mean active true features per sample (this batch)",
    "dead_fraction": "latents never active on the batch",
    "dense_fraction": "latents firing more often than dense_threshold",
    "absorption": "mean parent-latent recall gap without/with child",
    "coherence": "max |cos| between decoder columns",
    "unique_recovery_k": "largest k certified unique + BP/OMP-recoverable",
    "spark_lower": "certified lower bound on the decoder's spark",
    "thresholding_ratio": "x_min/x_max above which top-k finds every support",
    "truth_coherence": "max |cos| between true features",
}


@dataclass(frozen=True)
class SAEScore:
    r"""Every ground-truth metric of one SAE (or dictionary) and the certificates of its decoder.

    Attributes
    ----------
    model : str
        What was scored (``"SAE(kind=..., width=...)"`` or ``"dictionary (dim, width)"``).
    truth : str
        The ground truth's name.
    dim, width, n, batch : int
        Data dimension, latents, true features, samples scored.
    mcc, mmcs, uniqueness : float
        Dictionary metrics (:func:`~theory.sparse_coding.score_all`).
    f1, precision, recall : float
        Means over latents of :func:`~theory.sparse_coding.detection_scores` (argmax assignment,
        SynthSAEBench's).
    code_mcc : float
        :func:`~theory.sparse_coding.code_mcc` (O'Neill et al.'s code MCC).
    explained_variance, shrinkage : float
    l0 : float
        Mean number of nonzero latents per sample.
    true_l0 : float
        Mean number of active true features per sample in the batch.
    expected_l0 : float
        The truth's exact :math:`\mathbb{E}L_0`.
    dead_fraction, dense_fraction : float
        Fractions of latents never active / active on more than ``dense_threshold`` of the samples.
    dense_threshold : float
    absorption : float or None
        Mean :func:`~theory.sparse_coding.absorption_gap` over the truth's (parent, child) pairs
        (``None`` without a hierarchy or when no pair is defined).
    absorption_pairs : int
        Pairs over which ``absorption`` is averaged.
    coherence, coherence_upper : float
        Coherence of the decoder's (nonzero) columns and its rigorous upper bound.
    unique_recovery_k : int
        :func:`~theory.sparse_coding.unique_recovery_bound` of the decoder.
    spark_lower : int, inf or None
        :func:`~theory.sparse_coding.spark_lower_bound` (``spark_exact`` says whether it is the
        spark itself; ``inf`` when the columns are independent); ``None`` when not computed.
    spark_exact : bool
    thresholding_k : int
        The sparsity at which the thresholding condition is evaluated: the SAE's ``k``, else the
        truth's expected L0 rounded (at least 1).
    thresholding_ratio : float
        :func:`~theory.sparse_coding.thresholding_condition` ``(2k-1)\mu`` of the decoder.
    thresholding_valid : bool
        Whether :math:`(2k-1)\mu < 1` (else no dynamic range suffices).
    truth_coherence : float
        Coherence of the true dictionary, for comparison.
    zero_columns : int
        Decoder columns that are exactly zero (left out of the certificates).
    recovery, detection, dead, dense, absorption_scores, certificates
        The full result objects behind the numbers (not printed, not compared).

    Examples
    --------
    >>> from theory import sparse_coding as sc
    >>> truth = sc.ground_truth(dim=6, n=6, dictionary=np.eye(6), firing=sc.Firing.uniform(0.3))
    >>> perfect = sc.SAE(W_enc=np.eye(6), b_enc=np.zeros(6), W_dec=np.eye(6), b_dec=np.zeros(6), kind="relu")
    >>> s = score(perfect, truth, batch=256)
    >>> s.mcc, s.f1, s.code_mcc, s.explained_variance
    (1.0, 1.0, 1.0, 1.0)
    """

    model: str
    truth: str
    dim: int
    width: int
    n: int
    batch: int
    mcc: float
    mmcs: float
    uniqueness: float
    f1: float
    precision: float
    recall: float
    code_mcc: float
    explained_variance: float
    shrinkage: float
    l0: float
    true_l0: float
    expected_l0: float
    dead_fraction: float
    dense_fraction: float
    dense_threshold: float
    absorption: float | None
    absorption_pairs: int
    coherence: float
    coherence_upper: float
    unique_recovery_k: int
    spark_lower: int | float | None
    spark_exact: bool
    thresholding_k: int
    thresholding_ratio: float
    thresholding_valid: bool
    truth_coherence: float
    zero_columns: int
    recovery: RecoveryScores = field(repr=False, compare=False)
    detection: DetectionScores = field(repr=False, compare=False)
    dead: LatentActivity = field(repr=False, compare=False)
    dense: LatentActivity = field(repr=False, compare=False)
    absorption_scores: AbsorptionScores | None = field(default=None, repr=False, compare=False)
    certificates: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as ``(metric, formatted value, what it means)`` rows."""
        out = []
        for key, meaning in METRICS.items():
            v = getattr(self, key)
            if key == "absorption" and v is not None:
                meaning += f" ({self.absorption_pairs} pairs)"
            if key == "thresholding_ratio":
                meaning = meaning.replace("top-k", f"top-{self.thresholding_k}")
                if not self.thresholding_valid:
                    meaning += " [none: (2k-1)mu >= 1]"
            if key == "spark_lower" and v is not None and self.spark_exact:
                meaning = "the decoder's spark (enumerated)"
            if key == "dense_fraction":
                meaning = meaning.replace("dense_threshold", f"{self.dense_threshold:.3g}")
            out.append((key, _fmt(v), meaning))
        return out

    def __str__(self) -> str:
        head = (
            f"{self.model} on {self.truth} (dim={self.dim}, n={self.n}, width={self.width}, "
            f"batch={self.batch}, E[L0]={self.expected_l0:.4g})"
        )
        rows = self.rows()
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        lines = [head, f"  {'metric':<{w0}}  {'value':>{w1}}  meaning"]
        lines += [f"  {a:<{w0}}  {b:>{w1}}  {c}" for a, b, c in rows]
        if self.zero_columns:
            lines.append(f"  ({self.zero_columns} zero decoder columns left out of the certificates)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dictionary of every scalar field and the certificates.

        Undefined values are ``None``; an infinite value (the spark of independent columns) is the
        string ``"inf"``.

        Examples
        --------
        >>> from theory import sparse_coding as sc
        >>> truth = sc.ground_truth(dim=4, n=4, dictionary=np.eye(4), firing=sc.Firing.uniform(0.5))
        >>> d = score(np.eye(4), truth, encoder=lambda x: np.maximum(x, 0), batch=64).to_dict()
        >>> d["mcc"], sorted(d["certificates"])
        (1.0, ['spark', 'thresholding', 'unique_recovery'])
        """
        out: dict[str, Any] = {}
        for key in self.__dataclass_fields__:
            if key in ("recovery", "detection", "dead", "dense", "absorption_scores", "certificates"):
                continue
            out[key] = _json(getattr(self, key))
        out["certificates"] = {name: _cert_dict(c) for name, c in self.certificates.items()}
        return out


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    return f"{float(v):.4f}"


def _json(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f if math.isfinite(f) else None
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_json(x) for x in np.asarray(v).tolist()] if isinstance(v, np.ndarray) else [_json(x) for x in v]
    return str(v)


def _cert_dict(c: Any) -> dict[str, Any]:
    return {
        "value": _json(c.value),
        "name": c.name,
        "kind": c.kind,
        "quantity": c.quantity,
        "valid": bool(c.valid),
        "rigorous": bool(c.rigorous),
        "exact": bool(c.exact),
        "condition": c.condition,
        "params": _json(dict(c.params)),
        "certificate": _json(dict(c.certificate)),
        "citation": c.citation,
    }


def _as_codes(out: Any, batch: int, width: int, what: str) -> NDArray[np.float64] | sp.csr_array:
    if hasattr(out, "codes") and not isinstance(out, np.ndarray):
        out = out.codes
    if sp.issparse(out):
        if out.shape != (batch, width):
            raise ValueError(f"{what} returned codes of shape {out.shape}, expected ({batch}, {width})")
        out = sp.csr_array(out, dtype=np.float64)
        if not np.all(np.isfinite(out.data)):
            raise ValueError(f"{what} returned NaN/inf codes")
        return out
    arr = check_array(out, f"the codes {what} returned", ndim=2)
    if arr.shape != (batch, width):
        raise ValueError(f"{what} returned codes of shape {arr.shape}, expected ({batch}, {width})")
    return arr


def _latent_l0(z: Any) -> float:
    if sp.issparse(z):
        return float(np.count_nonzero(z.data) / z.shape[0])
    return float(np.count_nonzero(z) / z.shape[0])


def score(
    model: SAE | ArrayLike | str | os.PathLike[str],
    truth: GroundTruth,
    *,
    encoder: str | Callable[[NDArray[np.float64]], Any] | None = None,
    batch: int = 4096,
    k: int | None = None,
    dense_threshold: float | None = None,
    spark_budget: int = 20_000,
    rng: Any = 0,
) -> SAEScore:
    r"""Score an SAE or a dictionary against the ground truth: every metric and the decoder's certificates.

    A fresh batch :math:`(x, c) \sim` ``truth`` is drawn, encoded to latents :math:`z` and decoded to
    :math:`\hat x`. For an :class:`~theory.sparse_coding.SAE`, :math:`z = \sigma(W_{enc}(x - b_{dec})
    + b_{enc})` and :math:`\hat x = W_{dec} z + b_{dec}`; for a bare dictionary :math:`D`
    (the decoder, ``(dim, width)``), :math:`z` comes from ``encoder`` and :math:`\hat x = D z`.
    Then, with :math:`D` the learned decoder and :math:`T` the true dictionary:

    * dictionary metrics MCC (optimal one-to-one matching of :math:`|\cos|`), MMCS, uniqueness;
    * per-latent detection precision/recall/F1 of :math:`z` against :math:`c` (SynthSAEBench),
      code MCC (O'Neill et al.), explained variance and shrinkage of :math:`\hat x`;
    * L0 of :math:`z`, dead latents (never active) and dense latents (active on more than
      ``dense_threshold`` of the batch);
    * when the truth has a :class:`~theory.sparse_coding.Hierarchy`, the absorption gap over
      every (parent, child) pair, parents matched to latents by the dictionary matching;
    * certificates of :math:`D` (zero columns left out): its coherence :math:`\mu` with a rigorous
      upper bound, the largest :math:`k` with :math:`(2k-1)\mu < 1` (unique sparsest codes, BP
      and OMP recover them), a spark lower bound (subset enumeration within ``spark_budget``),
      and the thresholding condition :math:`x_{\min}/x_{\max} > (2k-1)\mu` at the SAE's ``k``
      (else ``k``, else the truth's expected L0 rounded).

    Parameters
    ----------
    model : SAE, array_like of shape (dim, width), or path
        An SAE; a folder in SAELens's layout (read with :func:`~theory.sparse_coding.load_sae`);
        or a decoder dictionary, one atom per column (an SAELens ``W_dec`` of shape
        ``(width, dim)`` must be transposed: a transposed array is refused with a message).
    truth : GroundTruth
        Its ``dim`` must equal the model's.
    encoder : {"omp", "threshold"} or callable, optional
        How to compute latents. ``None``: the SAE's own encoder, or OMP with ``k`` atoms for a bare
        dictionary. ``"omp"``/``"threshold"``: :func:`~theory.sparse_coding.omp` /
        :func:`~theory.sparse_coding.threshold_encode` (top-``k``, nonnegative) on the decoder,
        applied to :math:`x - b_{dec}` (to :math:`x` for a bare dictionary). A callable maps
        ``x`` of shape ``(batch, dim)`` to codes of shape ``(batch, width)`` (array, sparse matrix or
        an object with ``.codes``).
    batch : int
        Samples drawn (at least 2).
    k : int, optional
        Sparsity for OMP/thresholding and for the thresholding certificate (default: the SAE's
        ``k``, else ``round(truth.expected_l0)``, at least 1, at most ``width``).
    dense_threshold : float, optional
        Firing rate above which a latent is dense. Default: the largest true firing rate
        :math:`p_{\max}` plus four binomial standard errors :math:`4\sqrt{p_{\max}(1-p_{\max})/B}`
        (at least 0.1): a latent firing clearly more often than any true feature.
    spark_budget : int
        Column subsets the spark bound may enumerate (0: coherence argument only).
    rng : Generator or int seed
        Draws the batch.

    Returns
    -------
    SAEScore
        Returns ``spark_lower = inf`` when the decoder's nonzero columns are certified linearly
        independent (their spark is infinite, as in :func:`~theory.sparse_coding.spark_lower_bound`).

    Examples
    --------
    >>> from theory import sparse_coding as sc
    >>> truth = sc.oneill2024()
    >>> s = score(truth.dictionary, truth, encoder="omp", batch=512)
    >>> s.mcc, s.thresholding_k, s.unique_recovery_k
    (1.0, 3, 1)
    >>> score(truth.dictionary.T, truth)
    Traceback (most recent call last):
    ...
    ValueError: model (dictionary) has shape (16, 8) but the data has dimension 8: it looks transposed ...

    References
    ----------
    .. [1] Chanin, D. and Garriga-Alonso, A. (2026). SynthSAEBench: evaluating sparse autoencoders
       on scalable realistic synthetic data. arXiv:2602.14687
    .. [2] O'Neill, C., Gumran, A. and Klindt, D. (2024). Compute optimal inference and provable
       amortisation gap in sparse autoencoders. arXiv:2411.13117
    .. [3] Sharkey, L., Braun, D. and Millidge, B. (2022). Taking features out of superposition
       with sparse autoencoders. AI Alignment Forum.
    .. [4] Donoho, D. L. and Elad, M. (2003). Optimally sparse representation in general
       (nonorthogonal) dictionaries via l1 minimization. PNAS 100(5). doi:10.1073/pnas.0437847100
    .. [5] Schnass, K. and Vandergheynst, P. (2008). Dictionary preconditioning for greedy
       algorithms. IEEE Trans. Signal Process. 56(5). doi:10.1109/TSP.2007.911494
    """
    if not isinstance(truth, GroundTruth):
        raise TypeError(
            f"truth must be a GroundTruth (e.g. theory.sparse_coding.oneill2024()), got {type(truth).__name__}"
        )
    if isinstance(model, (str, os.PathLike)):
        from theory.sparse_coding.sae_io import load_sae

        model = load_sae(model)
    batch = check_int(batch, "batch", minimum=2)
    spark_budget = check_int(spark_budget, "spark_budget", minimum=0)
    if dense_threshold is not None:
        dense_threshold = check_real(dense_threshold, "dense_threshold", minimum=0.0, maximum=1.0, strict_max=True)
    if encoder is not None and not (callable(encoder) or encoder in ("omp", "threshold")):
        raise ValueError(f"encoder must be None, 'omp', 'threshold' or a callable, got {encoder!r}")

    if isinstance(model, SAE):
        D = np.asarray(model.W_dec, dtype=np.float64)
        if D.shape[0] != truth.dim:
            check_dictionary(D, "model (the SAE's decoder W_dec)", data_dim=truth.dim)
        b_dec = np.asarray(model.b_dec, dtype=np.float64)
        label = f"SAE(kind={model.kind!r}, width={model.width}" + (f", k={model.k})" if model.k else ")")
        sae: SAE | None = model
    else:
        if isinstance(model, (bool, np.bool_)) or model is None:
            raise TypeError(f"model must be an SAE, a path or a dictionary array, got {type(model).__name__}")
        D = check_array(model, "model (dictionary)", ndim=2)
        if D.shape[0] != truth.dim:
            check_dictionary(D, "model (dictionary)", data_dim=truth.dim)
        b_dec = np.zeros(truth.dim)
        label = f"dictionary {D.shape}"
        sae = None
    dim, width = D.shape
    if not np.all(np.isfinite(D)):
        raise ValueError("the decoder contains NaN/inf entries")
    if k is None:
        k = sae.k if sae is not None and sae.k is not None else max(1, round(truth.expected_l0))
        k = min(k, width)
    else:
        k = check_int(k, "k", minimum=1, maximum=width)
    check_memory(8 * batch * (2 * width + 3 * dim), f"scoring a batch of {batch} samples with {width} latents")

    x, codes = truth.sample(batch, rng=rng)
    what = "encoder"
    if encoder is None and sae is not None:
        z: Any = sae.encode(x)
        x_in = None
    else:
        x_in = x - b_dec
        if encoder is None or encoder == "omp":
            from theory.sparse_coding.inference import omp

            z, what = omp(D, x_in, k=k), "omp"
        elif encoder == "threshold":
            from theory.sparse_coding.inference import threshold_encode

            z, what = threshold_encode(D, x_in, k=k), "threshold_encode"
        else:
            assert callable(encoder)
            z = encoder(x)
    z = _as_codes(z, batch, width, what)
    if sae is not None and encoder is None:
        x_hat = sae.decode(z)
    else:
        zd = z.toarray() if sp.issparse(z) else z
        x_hat = zd @ D.T + b_dec

    rec = score_all(D, truth.dictionary)
    det = detection_scores(z, codes, learned=D, true=truth.dictionary)
    cmcc = code_mcc(z, codes)
    ev = explained_variance(x, x_hat)
    shr = shrinkage(x, x_hat)
    dead = dead_latents(z)
    if dense_threshold is None:
        p_max = float(np.max(truth.firing_rates))
        dense_threshold = min(
            max(0.1, p_max + 4.0 * math.sqrt(p_max * (1.0 - p_max) / batch)), float(np.nextafter(1.0, 0.0))
        )
    dense = dense_latents(z, threshold=dense_threshold)

    absorption = None
    n_pairs = 0
    ab_scores = None
    if truth.hierarchy is not None:
        parents = truth.hierarchy.parents(truth.n)
        children = np.flatnonzero(parents >= 0)
        if children.size:
            pairs = np.stack([parents[children], children], axis=1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TheoryWarning)  # no defined pair: reported as None
                ab_scores = absorption_gap(z, codes, pairs, rec.matching)
            n_pairs = int(np.count_nonzero(ab_scores.defined))
            absorption = float(ab_scores.mean_gap) if n_pairs else None

    norms = np.linalg.norm(D, axis=0)
    live = norms > 0
    certs: dict[str, Any] = {}
    if np.count_nonzero(live) >= 2:
        Dl = D[:, live]
        mu, mu_up = coherence_upper(Dl)
        certs["unique_recovery"] = unique_recovery_bound(Dl)
        k_t = min(k, Dl.shape[1])
        certs["thresholding"] = thresholding_condition(Dl, k=k_t, nonnegative=True)
        certs["spark"] = spark_lower_bound(Dl, max_supports=spark_budget)
        spark = certs["spark"].value
        spark_val = None if spark is None else (spark if isinstance(spark, float) and math.isinf(spark) else int(spark))
        th = certs["thresholding"]
        th_ratio, th_valid = float(th.value), bool(th.valid)
        urk = int(certs["unique_recovery"].value)
        spark_exact = bool(certs["spark"].exact)
    else:
        mu = mu_up = float("nan")
        urk, spark_val, spark_exact, th_ratio, th_valid, k_t = 0, None, False, float("inf"), False, k
    if not math.isfinite(mu):
        raise ValueError("the decoder needs at least 2 nonzero columns for its certificates")
    truth_mu = float(truth.coherence) if truth.n >= 2 else 0.0

    return SAEScore(
        model=label,
        truth=truth.name,
        dim=dim,
        width=width,
        n=truth.n,
        batch=batch,
        mcc=float(rec.mcc),
        mmcs=float(rec.mmcs),
        uniqueness=float(rec.uniqueness),
        f1=det.mean_f1,
        precision=det.mean_precision,
        recall=det.mean_recall,
        code_mcc=float(cmcc),
        explained_variance=float(ev),
        shrinkage=float(shr),
        l0=_latent_l0(z),
        true_l0=float(codes.nnz / batch),
        expected_l0=float(truth.expected_l0),
        dead_fraction=float(dead.fraction),
        dense_fraction=float(dense.fraction),
        dense_threshold=float(dense_threshold),
        absorption=absorption,
        absorption_pairs=n_pairs,
        coherence=float(mu),
        coherence_upper=float(mu_up),
        unique_recovery_k=urk,
        spark_lower=spark_val,
        spark_exact=spark_exact,
        thresholding_k=int(k_t),
        thresholding_ratio=th_ratio,
        thresholding_valid=th_valid,
        truth_coherence=truth_mu,
        zero_columns=int(np.count_nonzero(~live)),
        recovery=rec,
        detection=det,
        dead=dead,
        dense=dense,
        absorption_scores=ab_scores,
        certificates=certs,
    )


# ----------------------------------------------------------------------------------------------
# export
# ----------------------------------------------------------------------------------------------


def export_batches(
    truth: GroundTruth,
    path: str | os.PathLike[str],
    *,
    n_batches: int = 1,
    batch: int = 4096,
    rng: Any = 0,
    codes: bool = True,
    dtype: str = "float32",
) -> Path:
    r"""Write ground-truth activations (and codes) to ``.npz`` or ``.safetensors``, for training elsewhere.

    ``n_batches`` batches of ``batch`` samples from ``truth.batches(batch, n_batches, rng)``
    (so the same ``rng`` gives the same file), concatenated into

    * ``x``: float array of shape ``(n_batches * batch, dim)``, the activations
      :math:`x = Dc + b + \sigma\varepsilon` (SAELens's ``(batch, d_in)`` layout);
    * ``dictionary``: float64 ``(dim, n)``, the true features (column ``i`` is feature ``i``);
    * with ``codes=True``, the codes as a CSR matrix of shape ``(n_batches * batch, n)``:
      ``codes_data`` (float), ``codes_indices`` and ``codes_indptr`` (int64), ``codes_shape``
      (int64, 2 entries): ``scipy.sparse.csr_array((data, indices, indptr), shape=shape)``;

    with a JSON description (truth name, sizes, seed, E[L0]) in ``meta`` (a string array in
    ``.npz``) or in the safetensors ``__metadata__`` under ``"meta"``. The file is written
    atomically (a temporary file in the same folder, then renamed), so a reader never sees half a
    file.

    Parameters
    ----------
    truth : GroundTruth
    path : str or path-like
        Ends in ``.npz`` or ``.safetensors``; its folder must exist.
    n_batches, batch : int
    rng : Generator or int seed
    codes : bool
        Also write the codes.
    dtype : {"float32", "float64"}
        Of ``x`` and ``codes_data``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> from theory import sparse_coding as sc
    >>> p = export_batches(sc.oneill2024(), tempfile.mkdtemp() + "/acts.npz", n_batches=2, batch=8)
    >>> with np.load(p) as f:
    ...     f["x"].shape, f["dictionary"].shape, int(np.diff(f["codes_indptr"]).sum())
    ((16, 8), (8, 16), 48)
    """
    if not isinstance(truth, GroundTruth):
        raise TypeError(f"truth must be a GroundTruth, got {type(truth).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".npz", ".safetensors"):
        raise ValueError(f"path must end in .npz or .safetensors, got {str(p)!r}")
    if not p.parent.is_dir():
        raise FileNotFoundError(f"the folder {str(p.parent)!r} does not exist")
    if p.exists() and p.is_dir():
        raise ValueError(f"path {str(p)!r} is a folder")
    n_batches = check_int(n_batches, "n_batches", minimum=1)
    batch = check_int(batch, "batch", minimum=1)
    codes = check_bool(codes, "codes")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    dt = np.dtype(dtype)
    total = n_batches * batch
    check_memory(
        total * truth.dim * (dt.itemsize + 8) + 4 * 16 * total * math.ceil(max(truth.expected_l0, 1.0)),
        f"exporting n_batches * batch = {n_batches} * {batch} samples",
    )
    xs, cs = [], []
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    for xb, cb in truth.batches(batch, n_batches, rng=rng):
        xs.append(xb.astype(dt))
        if codes:
            cs.append(cb)
    x = np.concatenate(xs, axis=0)
    arrays: dict[str, NDArray[Any]] = {
        "x": np.ascontiguousarray(x),
        "dictionary": np.ascontiguousarray(truth.dictionary, dtype=np.float64),
    }
    if codes:
        C = sp.vstack(cs, format="csr")
        arrays["codes_data"] = np.ascontiguousarray(C.data, dtype=dt)
        arrays["codes_indices"] = np.ascontiguousarray(C.indices, dtype=np.int64)
        arrays["codes_indptr"] = np.ascontiguousarray(C.indptr, dtype=np.int64)
        arrays["codes_shape"] = np.array(C.shape, dtype=np.int64)
    meta = json.dumps(
        {
            "truth": truth.name,
            "dim": truth.dim,
            "n": truth.n,
            "samples": total,
            "batch": batch,
            "n_batches": n_batches,
            "seed": None if seed is None else int(seed),
            "expected_l0": float(truth.expected_l0),
            "dtype": dtype,
            "codes": codes,
            "layout": "x (samples, dim); dictionary (dim, n); codes CSR (samples, n)",
        }
    )
    if suffix == ".npz":
        payload: dict[str, Any] = {**arrays, "meta": np.array(meta)}  # Any: savez's allow_pickle is a bool
        atomic_write(p, lambda fh: np.savez(fh, **payload))
    else:
        from theory.sparse_coding.sae_io import _safetensors

        blob = _safetensors().save(arrays, metadata={"meta": meta})
        atomic_write(p, lambda fh: fh.write(blob))
    return p

r"""Dictionary learners other than SAEs: alternating sparse coding, scikit-learn's online dictionary
learning, and an MLP-encoder autoencoder.

All three return a :class:`LearnedDictionary`: the dictionary of shape ``(dim, width)`` with unit
columns (column ``i`` is atom ``i``), an ``encode(x)`` giving codes of shape ``(batch, width)``, and
the training loss curve. They are the non-SAE "learners" of O'Neill, Gumran & Klindt (2024):

- :func:`sparse_coding_learner`: codes by optimal sparse inference (nonnegative LASSO solved by
  :func:`theory.sparse_coding.fista`), dictionary by Adam steps or a least-squares update,
  alternately; encoding new data is again FISTA with the learned dictionary.
- :func:`sklearn_dictionary_learning`: a thin adapter over
  :class:`sklearn.decomposition.MiniBatchDictionaryLearning` (Mairal et al. 2009).
- :func:`mlp_encoder_learner`: an amortised encoder more expressive than an SAE's (one hidden
  ReLU layer), a linear decoder with unit-norm columns, trained by Adam on MSE plus an L1 penalty.

Conventions for the sparsity weight. :func:`fista` and scikit-learn weight the per-sample objective
:math:`\tfrac12\lVert x_b - D s_b\rVert_2^2 + \lambda\lVert s_b\rVert_1` (``lam``, ``alpha``).
O'Neill et al. (and :func:`mlp_encoder_learner`) use PyTorch's element-mean MSE plus ``l1`` times
the element-mean of :math:`|s|`; over a batch of ``B`` the two are proportional,

.. math::
    \frac{1}{B\,\mathrm{dim}}\sum_b\lVert x_b - D s_b\rVert^2 + \frac{c}{B\,\mathrm{width}}\sum_b
    \lVert s_b\rVert_1 = \frac{2}{B\,\mathrm{dim}}\sum_b\Big(\tfrac12\lVert x_b - D s_b\rVert^2
    + \lambda\lVert s_b\rVert_1\Big),\qquad \lambda = \frac{c\,\mathrm{dim}}{2\,\mathrm{width}},

so they have the same minimisers; :func:`oneill_lam` converts.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import threadpoolctl
from numpy.typing import ArrayLike, NDArray

from theory._optim import AdamW, FlatParams
from theory._validation import as_rng, check_array, check_bool, check_int, check_real, check_size
from theory._warnings import TheoryWarning
from theory.sparse_coding._checks import check_data, check_dictionary, check_memory
from theory.sparse_coding.inference import fista

__all__ = [
    "LearnedDictionary",
    "mlp_encoder_learner",
    "oneill_lam",
    "sklearn_dictionary_learning",
    "sparse_coding_learner",
]

_METHODS = ("sparse_coding", "sklearn", "mlp")
_DTYPES = {"float32": np.float32, "float64": np.float64}

#: Largest number of (outer or Adam) steps a learner accepts: more would run for days.
MAX_STEPS = 10**7
#: Largest Adam learning rate a learner accepts (Adam moves each parameter by about ``lr`` a step).
MAX_LR = 10.0
#: Smallest training tolerance of :func:`sparse_coding_learner`: a smaller relative duality gap is not
#: reliably reached in float64, and every code solve would run to FISTA's iteration limit, at every step.
MIN_TOL = 1e-12
#: Smallest LASSO weight of :func:`sparse_coding_learner`, relative to the largest sample norm: below
#: it the objective is nearly zero wherever the dictionary fits the data, a relative duality gap
#: cannot be certified, and every code solve runs to FISTA's iteration limit.
MIN_LAM_RELATIVE = 1e-10


# ----------------------------------------------------------------------------------------------
# result object
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LearnedDictionary:
    r"""A dictionary learned from data, with the encoder that goes with it.

    Attributes
    ----------
    dictionary : ndarray, shape (dim, width)
        Unit-norm columns; column ``i`` is atom ``i``.
    method : {"sparse_coding", "sklearn", "mlp"}
        The learner that produced it.
    lam : float
        The per-sample LASSO weight :math:`\lambda` of
        :math:`\tfrac12\lVert x - Ds\rVert_2^2 + \lambda\lVert s\rVert_1` that ``encode(x,
        method="fista")`` solves (for ``"mlp"``, the weight equivalent to its training penalty).
    nonneg : bool
        Codes constrained to be nonnegative.
    log_steps : ndarray, shape (n_logged,)
        Steps (outer iterations for ``"sparse_coding"``) at which ``losses`` were recorded.
    losses : ndarray, shape (n_logged,)
        Training objective (each learner's own normalisation, see its docstring).
    encoder : dict of str to ndarray, optional
        ``"mlp"`` only: ``W1 (hidden, dim)``, ``b1 (hidden,)``, ``W2 (width, hidden)``,
        ``b2 (width,)``; the codes are :math:`\mathrm{ReLU}(W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2)`.
    b_dec : ndarray, shape (dim,), optional
        Decoder bias (``"mlp"`` with ``bias=True``); reconstructions are :math:`Ds + b_{dec}`.
    info : dict
        Settings and diagnostics of the run.

    Examples
    --------
    >>> import numpy as np
    >>> ld = LearnedDictionary(dictionary=np.eye(2), method="sparse_coding", lam=0.5)
    >>> ld.encode([[2.0, 0.25]])
    array([[1.5, 0. ]])
    >>> print(ld)
    LearnedDictionary(method='sparse_coding', dim=2, width=2, lam=0.5, nonneg, untrained)
    """

    dictionary: NDArray[np.float64]
    method: str
    lam: float
    nonneg: bool = True
    log_steps: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    losses: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    encoder: dict[str, NDArray[np.float64]] | None = None
    b_dec: NDArray[np.float64] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        D = check_dictionary(self.dictionary, "dictionary")
        D = D / np.linalg.norm(D, axis=0)
        D.setflags(write=False)
        object.__setattr__(self, "dictionary", D)
        object.__setattr__(self, "lam", check_real(self.lam, "lam", minimum=0.0, strict_min=True))
        object.__setattr__(self, "nonneg", check_bool(self.nonneg, "nonneg"))
        log_steps = check_array(self.log_steps, "log_steps", ndim=1)
        if not np.array_equal(log_steps, np.round(log_steps)):
            raise ValueError("log_steps must contain integers")
        losses = check_array(self.losses, "losses", ndim=1)
        if losses.shape != log_steps.shape:
            raise ValueError(
                f"losses must have one entry per log step, got {losses.shape} and log_steps {log_steps.shape}"
            )
        object.__setattr__(self, "log_steps", log_steps.astype(np.int64))
        object.__setattr__(self, "losses", losses)
        dim, width = D.shape
        if self.encoder is not None:
            if self.method != "mlp":
                raise ValueError(f"an encoder applies to method='mlp' only, got method={self.method!r}")
            enc = {k: check_array(self.encoder[k], k).astype(np.float64) for k in ("W1", "b1", "W2", "b2")}
            h = enc["W1"].shape[0]
            want = {"W1": (h, dim), "b1": (h,), "W2": (width, h), "b2": (width,)}
            for k, shape in want.items():
                if enc[k].shape != shape:
                    raise ValueError(f"encoder[{k!r}] must have shape {shape}, got {enc[k].shape}")
                enc[k].setflags(write=False)
            object.__setattr__(self, "encoder", enc)
        elif self.method == "mlp":
            raise ValueError("method='mlp' needs its encoder weights")
        if self.b_dec is not None:
            b = check_array(self.b_dec, "b_dec", ndim=1).astype(np.float64)
            if b.shape != (dim,):
                raise ValueError(f"b_dec must have shape ({dim},), got {b.shape}")
            b.setflags(write=False)
            object.__setattr__(self, "b_dec", b)

    @property
    def dim(self) -> int:
        """Data dimension."""
        return int(self.dictionary.shape[0])

    @property
    def width(self) -> int:
        """Number of atoms."""
        return int(self.dictionary.shape[1])

    def encode(
        self, x: ArrayLike, *, method: str | None = None, tol: float = 1e-6, max_iter: int = 5000
    ) -> NDArray[np.float64]:
        """Codes of shape ``(batch, width)`` for ``x`` of shape ``(batch, dim)`` (or ``(dim,)``).

        Parameters
        ----------
        x : array_like, shape (batch, dim)
        method : {"fista", "mlp"}, optional
            ``"fista"``: optimal inference, the (nonnegative) LASSO with weight ``lam`` on the
            learned dictionary, solved by :func:`theory.sparse_coding.fista` to relative duality
            gap ``tol``. ``"mlp"``: the trained MLP encoder (one forward pass). Default: ``"mlp"``
            for ``method == "mlp"`` dictionaries, ``"fista"`` otherwise.
        tol, max_iter : FISTA's tolerance and iteration cap.
        """
        xa = check_data(x, "x", dim=self.dim)
        if method is None:
            method = "mlp" if self.method == "mlp" else "fista"
        if method == "mlp":
            if self.encoder is None:
                raise ValueError("method='mlp' needs an MLP encoder; this dictionary has none (use 'fista')")
            e = self.encoder
            h = np.maximum(xa @ e["W1"].T + e["b1"], 0.0)
            return np.maximum(h @ e["W2"].T + e["b2"], 0.0)
        if method != "fista":
            raise ValueError(f"method must be 'fista' or 'mlp', got {method!r}")
        if self.b_dec is not None:
            xa = xa - self.b_dec
        return np.asarray(
            fista(
                self.dictionary,
                xa,
                lam=self.lam,
                nonneg=self.nonneg,
                tol=tol,
                max_iter=max_iter,
                working_set=self.width > 256,
            ).codes
        )

    def decode(self, codes: ArrayLike) -> NDArray[np.float64]:
        """Reconstructions ``codes @ dictionary.T (+ b_dec)`` of shape ``(batch, dim)``."""
        c = check_array(codes, "codes", ndim=(1, 2))
        if c.ndim == 1:
            c = c[None, :]
        if c.shape[1] != self.width:
            raise ValueError(f"codes must have shape (batch, {self.width}), got {c.shape}")
        out = c @ self.dictionary.T
        return out + self.b_dec if self.b_dec is not None else out

    def __str__(self) -> str:
        sign = "nonneg" if self.nonneg else "signed"
        parts = [f"method={self.method!r}", f"dim={self.dim}", f"width={self.width}", f"lam={self.lam:.4g}", sign]
        if self.encoder is not None:
            parts.append(f"hidden={self.encoder['W1'].shape[0]}")
        if self.losses.size:
            parts.append(f"steps={int(self.log_steps[-1])}, loss={self.losses[-1]:.4g}")
        else:
            parts.append("untrained")
        return "LearnedDictionary(" + ", ".join(parts) + ")"

    __repr__ = __str__


def oneill_lam(l1: float, *, dim: int, width: int) -> float:
    r"""The per-sample LASSO weight equivalent to O'Neill et al.'s loss ``MSE + l1 * mean|s|``.

    .. math:: \lambda = \frac{\mathrm{l1}\cdot\mathrm{dim}}{2\,\mathrm{width}}

    (element-mean MSE over ``dim`` coordinates, element-mean :math:`|s|` over ``width`` codes; see
    the module notes).

    Examples
    --------
    >>> oneill_lam(0.01, dim=8, width=16)
    0.0025
    """
    l1 = check_real(l1, "l1", minimum=0.0, strict_min=True)
    dim = check_int(dim, "dim", minimum=1, maximum=2**53)
    width = check_int(width, "width", minimum=1, maximum=2**53)
    return l1 * dim / (2.0 * width)


# ----------------------------------------------------------------------------------------------
# alternating sparse coding
# ----------------------------------------------------------------------------------------------


def _init_dictionary(
    dictionary_init: ArrayLike | str, x: NDArray[np.float64], width: int, gen: np.random.Generator
) -> NDArray[np.float64]:
    N, dim = x.shape
    if isinstance(dictionary_init, str):
        if dictionary_init == "gaussian":
            D = gen.standard_normal((dim, width))
        elif dictionary_init == "data":
            rows = gen.choice(N, size=width, replace=width > N)
            D = x[rows].T + 1e-3 * np.linalg.norm(x[rows], axis=1) * gen.standard_normal((dim, width))
            zero = np.linalg.norm(D, axis=0) <= 1e-12
            D[:, zero] = gen.standard_normal((dim, int(zero.sum())))
        else:
            raise ValueError(
                f"dictionary_init must be 'data', 'gaussian' or an array of shape (dim, width), got {dictionary_init!r}"
            )
    else:
        D = check_dictionary(dictionary_init, "dictionary_init", data_dim=dim).copy()
        if D.shape[1] != width:
            raise ValueError(f"dictionary_init must have shape ({dim}, {width}), got {D.shape}")
    norms = np.linalg.norm(D, axis=0)
    return D / norms


def sparse_coding_learner(
    x: ArrayLike,
    *,
    width: int,
    lam: float,
    steps: int = 400,
    inner_steps: int = 100,
    update: str = "adam",
    lr: float = 1e-3,
    batch_size: int | None = None,
    nonneg: bool = True,
    tol: float = 1e-4,
    dictionary_init: ArrayLike | str = "data",
    resample: bool = True,
    rng: Any = 0,
) -> LearnedDictionary:
    r"""Learn a dictionary by alternating optimal sparse inference and dictionary updates.

    Minimises the sparse-coding objective (Olshausen & Field 1996) over the codes :math:`S` and a
    dictionary :math:`D` with unit columns,

    .. math::
        F(D, S) = \frac1B\sum_{b}\Big(\tfrac12\lVert x_b - D s_b\rVert_2^2 + \lambda\lVert s_b\rVert_1\Big),
        \qquad s_b \ge 0\ (\text{``nonneg``}),\quad \lVert d_i\rVert_2 = 1,

    by block coordinate descent. Each of the ``steps`` outer iterations

    1. solves the codes exactly for the current dictionary: the (nonnegative) LASSO of every sample,
       by :func:`theory.sparse_coding.fista` to relative duality gap ``tol``;
    2. updates the dictionary with the codes held fixed:

       - ``update="adam"``: ``inner_steps`` Adam steps (learning rate ``lr``) on the reconstruction
         term, gradient :math:`G = -\frac1B (X - SD^\top)^\top S` with each column's component
         along its atom removed, :math:`g_i \leftarrow g_i - (g_i^\top d_i)\,d_i`, each step followed
         by rescaling every column to unit norm (as O'Neill et al. renormalise before every step,
         and as SAE trainers project the decoder gradient). The projection matters here: LASSO
         codes are shrunk, so the gradient keeps a large radial part (longer atoms would fit
         better) that renormalisation undoes, but Adam's per-coordinate scaling would turn it into
         a spurious sideways drift, which moves the dictionary away from the optimum;
       - ``update="mod"``: the least-squares minimiser :math:`D = X^\top S (S^\top S + \epsilon I)^{-1}`
         (the method of optimal directions, Engan et al. 1999; :math:`\epsilon = 10^{-10}\,
         \mathrm{tr}(S^\top S)/\mathrm{width}`), then unit columns.

    Exact LASSO codes are exactly zero off their support, so an atom that no sample of the batch
    uses gets no gradient and would stay where it is for ever. With ``resample=True`` such an atom
    is re-drawn, before the dictionary update, as a sample of the batch picked with probability
    proportional to its squared residual (plus 1% noise), with its Adam moments reset (the
    approach of scikit-learn's dictionary update and of SAE resampling, Bricken et al. 2023).

    O'Neill, Gumran & Klindt (2024) instead descend jointly on :math:`D` and on free codes
    :math:`S = \exp(\Sigma)` with Adam, and encode test data by Adam on the same objective; here the
    codes are always the exact LASSO solutions, so the learner is the same objective minimised by
    block coordinate descent, and ``encode`` returns the certified optimum.

    Parameters
    ----------
    x : array_like, shape (batch, dim)
        Training data.
    width : int
        Number of atoms.
    lam : float
        LASSO weight :math:`\lambda > 0` of the per-sample objective above (use :func:`oneill_lam`
        to convert O'Neill et al.'s ``0.01 * mean|s|``); at least ``MIN_LAM_RELATIVE`` (1e-10)
        times the largest sample norm :math:`\max_b\lVert x_b\rVert_2` (with unit atoms, the
        weight above which every code is zero is at most that norm).
    steps : int
        Outer iterations (code solves), at most ``MAX_STEPS``.
    inner_steps : int
        Adam steps on the dictionary per outer iteration (``update="adam"``), at most ``MAX_STEPS``.
    update : {"adam", "mod"}
    lr : float
        Adam learning rate, in ``(0, MAX_LR]`` (``MAX_LR`` = 10: Adam moves each entry by about
        ``lr`` per step, and unit-norm atoms make larger steps meaningless).
    batch_size : int, optional
        Samples per outer iteration, drawn without replacement and reshuffled every epoch; default
        all of them (full batch).
    nonneg : bool
        Nonnegative codes (the default, as O'Neill et al.) or signed.
    tol : float
        FISTA's relative duality gap during training, in ``[MIN_TOL, 1)`` (``MIN_TOL`` = 1e-12: a
        smaller relative gap is not reliably reached in float64, and every code solve would run to
        FISTA's iteration limit); ``encode`` uses its own, default 1e-6.
    dictionary_init : {"data", "gaussian"} or array_like of shape (dim, width)
        ``"data"``: ``width`` training samples drawn at random (plus 0.1% noise), as columns;
        ``"gaussian"``: Gaussian columns; or a given dictionary. Columns are normalised.
    resample : bool
        Re-draw atoms unused by the current batch's codes (see above).
    rng : int or Generator
        Seeds the initial dictionary, the batches and re-drawn atoms.

    Returns
    -------
    LearnedDictionary
        ``method="sparse_coding"``; ``losses[t]`` is :math:`F(D_t, S_t)` right after the code solve
        of outer iteration ``t`` (the mean FISTA objective on that batch); ``encode`` is FISTA with
        ``lam`` on the learned dictionary.
        ``info["unconverged_solves"]`` counts code solves that did not reach ``tol``,
        ``info["resampled"]`` the atoms re-drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from theory.sparse_coding import mcc
    >>> rng = np.random.default_rng(0)
    >>> D_true = np.linalg.qr(rng.standard_normal((6, 6)))[0]
    >>> S = np.abs(rng.standard_normal((400, 6))) * (rng.random((400, 6)) < 0.3)
    >>> ld = sparse_coding_learner(S @ D_true.T, width=6, lam=0.01, steps=30, update="mod")
    >>> ld.dictionary.shape, mcc(ld.dictionary, D_true) > 0.95
    ((6, 6), True)

    References
    ----------
    .. [1] Olshausen, B. A. and Field, D. J. (1996). Emergence of simple-cell receptive field
       properties by learning a sparse code for natural images. Nature 381, 607-609.
    .. [2] Engan, K., Aase, S. O. and Husoy, J. H. (1999). Method of optimal directions for frame
       design. ICASSP, 2443-2446. doi:10.1109/ICASSP.1999.760624
    .. [3] O'Neill, C., Gumran, A. and Klindt, D. (2024). Compute optimal inference and provable
       amortisation gap in sparse autoencoders. arXiv:2411.13117.
    .. [4] Beck, A. and Teboulle, M. (2009). A fast iterative shrinkage-thresholding algorithm for
       linear inverse problems. SIAM J. Imaging Sci. 2(1), 183-202.
    """
    xa = check_data(x, "x")
    N, dim = xa.shape
    width = check_int(width, "width", minimum=1)
    lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    scale = float(np.max(np.linalg.norm(xa, axis=1))) if N else 0.0
    if lam < MIN_LAM_RELATIVE * scale:
        raise ValueError(
            f"lam must be at least {MIN_LAM_RELATIVE:g} x the largest sample norm ({scale:.6g}), got {lam!r}: "
            "a smaller l1 weight leaves an objective near zero wherever the dictionary fits the data, and "
            "FISTA cannot certify its duality gap (every code solve would run to its iteration limit)"
        )
    steps = check_size(steps, "steps", maximum=MAX_STEPS, why="each outer iteration solves for the codes")
    inner_steps = check_size(inner_steps, "inner_steps", maximum=MAX_STEPS, why="Adam steps per outer iteration")
    if update not in ("adam", "mod"):
        raise ValueError(f"update must be 'adam' or 'mod', got {update!r}")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR)
    B = N if batch_size is None else check_int(batch_size, "batch_size", minimum=1, maximum=N)
    nonneg = check_bool(nonneg, "nonneg")
    tol = check_real(tol, "tol", minimum=MIN_TOL, maximum=1.0, strict_max=True)
    resample = check_bool(resample, "resample")
    check_memory(8 * B * (4 * width + 3 * dim), f"sparse coding buffers (batch={B}, width={width}, dim={dim})")
    gen = as_rng(rng)
    D = _init_dictionary(dictionary_init, xa, width, gen)
    flat = FlatParams({"D": D}, np.float64)
    opt = AdamW(lr=lr, weight_decay=0.0)
    order = gen.permutation(N)
    pos = 0
    losses: list[float] = []
    unconverged = 0
    n_resampled = 0
    ws = width > 256
    for _ in range(steps):
        if B == N:
            xb = xa
        else:
            if pos + B > N:
                order, pos = gen.permutation(N), 0
            xb = xa[order[pos : pos + B]]
            pos += B
        Dc = flat.p["D"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TheoryWarning)
            res = fista(Dc, xb, lam=lam, nonneg=nonneg, tol=tol, working_set=ws)
        unconverged += not res.converged
        S = np.asarray(res.codes)
        losses.append(float(res.objective.mean()))
        if resample:
            unused = np.flatnonzero(~np.any(S != 0, axis=0))
            if unused.size:
                R = xb - S @ Dc.T
                r2 = np.einsum("bd,bd->b", R, R)
                p = r2 / r2.sum() if r2.sum() > 0 else None
                new = xb[gen.choice(B, size=unused.size, p=p)].T
                new = new + 0.01 * np.linalg.norm(new, axis=0) * gen.standard_normal(new.shape) / math.sqrt(dim)
                bad = np.linalg.norm(new, axis=0) <= 1e-12
                new[:, bad] = gen.standard_normal((dim, int(bad.sum())))
                Dc[:, unused] = new / np.linalg.norm(new, axis=0)
                if opt.m is not None and opt.v is not None:
                    opt.m.p["D"][:, unused] = 0.0
                    opt.v.p["D"][:, unused] = 0.0
                n_resampled += int(unused.size)
        if update == "mod":
            A = S.T @ S
            eps = 1e-10 * max(float(np.trace(A)) / width, np.finfo(float).tiny)
            Dn = np.linalg.solve(A + eps * np.eye(width), S.T @ xb).T  # (dim, width)
            norms = np.linalg.norm(Dn, axis=0)
            keep = norms > 1e-12  # an atom no sample uses keeps its old direction
            Dc[:, keep] = Dn[:, keep] / norms[keep]
        else:
            SxT = S.T @ xb  # (width, dim)
            StS = S.T @ S
            for _ in range(inner_steps):
                # gradient of (1/2B) ||X - S D^T||^2 with respect to D
                g = (Dc @ StS - SxT.T) / B
                g -= Dc * np.einsum("dw,dw->w", g, Dc)  # keep the tangent part: the norm is fixed anyway
                flat.g["D"][...] = g
                opt.step(flat)
                Dc /= np.linalg.norm(Dc, axis=0)
        if not np.all(np.isfinite(Dc)):
            raise ValueError(f"sparse coding diverged (non-finite dictionary) at lr={lr}; lower lr")
    info = {
        "steps": steps,
        "inner_steps": inner_steps if update == "adam" else None,
        "update": update,
        "lr": lr,
        "batch_size": B,
        "tol": tol,
        "init": dictionary_init if isinstance(dictionary_init, str) else "given",
        "resample": resample,
        "unconverged_solves": unconverged,
        "resampled": n_resampled,
    }
    return LearnedDictionary(
        dictionary=flat.p["D"].copy(),
        method="sparse_coding",
        lam=lam,
        nonneg=nonneg,
        log_steps=np.arange(1, steps + 1),
        losses=np.asarray(losses),
        info=info,
    )


# ----------------------------------------------------------------------------------------------
# scikit-learn adapter
# ----------------------------------------------------------------------------------------------


def sklearn_dictionary_learning(
    x: ArrayLike,
    *,
    width: int,
    alpha: float,
    batch_size: int = 256,
    max_iter: int = 100,
    fit_algorithm: str = "cd",
    positive_code: bool = True,
    rng: Any = 0,
    **kwargs: Any,
) -> LearnedDictionary:
    r"""Online dictionary learning by scikit-learn's :class:`~sklearn.decomposition.MiniBatchDictionaryLearning`.

    scikit-learn solves (Mairal et al. 2009), over mini-batches,

    .. math::
        \min_{U, V}\ \tfrac12\lVert X - UV\rVert_{\mathrm{Fro}}^2 + \alpha\lVert U\rVert_{1,1}
        \quad\text{s.t. } \lVert V_k\rVert_2 \le 1,

    with data ``X (batch, dim)``, codes ``U (batch, width)`` and ``components_ = V`` of shape
    ``(width, dim)``: per sample the LASSO :math:`\tfrac12\lVert x - V^\top u\rVert^2 +
    \alpha\lVert u\rVert_1` (its coordinate-descent and LARS coders divide ``alpha`` by ``dim`` to
    undo their own mean over coordinates), i.e. :func:`theory.sparse_coding.fista` with ``lam =
    alpha``. The returned dictionary is ``components_.T`` of shape ``(dim, width)`` with each column
    scaled to unit norm (scikit-learn only bounds the norms by 1; the norms it returned are kept in
    ``info["atom_norms"]``); ``encode`` is FISTA with ``lam = alpha`` and ``nonneg =
    positive_code`` on that dictionary (not scikit-learn's default ``transform``, which is OMP).

    Parameters
    ----------
    x : array_like, shape (batch, dim)
    width : int
        ``n_components``.
    alpha : float
        The L1 weight (> 0), per sample as above.
    batch_size, max_iter, fit_algorithm, positive_code :
        Passed to scikit-learn (``max_iter`` counts epochs over ``x``).
    rng : int or Generator
        One seed is drawn from it for scikit-learn's ``random_state`` (``info["random_state"]``).
    **kwargs :
        Any other ``MiniBatchDictionaryLearning`` argument (``tol``, ``max_no_improvement``,
        ``positive_dict``, ...).

    Returns
    -------
    LearnedDictionary
        ``method="sklearn"``, ``lam = alpha``; ``info`` holds ``n_iter``, ``n_steps`` and the norms.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> S = np.abs(rng.standard_normal((300, 6))) * (rng.random((300, 6)) < 0.3)
    >>> ld = sklearn_dictionary_learning(S @ rng.standard_normal((6, 4)), width=6, alpha=0.05, max_iter=5)
    >>> ld.dictionary.shape, bool(np.allclose(np.linalg.norm(ld.dictionary, axis=0), 1.0))
    ((4, 6), True)

    References
    ----------
    .. [1] Mairal, J., Bach, F., Ponce, J. and Sapiro, G. (2009). Online dictionary learning for
       sparse coding. ICML, 689-696. doi:10.1145/1553374.1553463
    .. [2] Pedregosa, F. et al. (2011). Scikit-learn: Machine Learning in Python. JMLR 12, 2825-2830.
    """
    from sklearn.decomposition import MiniBatchDictionaryLearning

    xa = check_data(x, "x")
    width = check_int(width, "width", minimum=1)
    alpha = check_real(alpha, "alpha", minimum=0.0, strict_min=True)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    positive_code = check_bool(positive_code, "positive_code")
    if fit_algorithm not in ("cd", "lars"):
        raise ValueError(f"fit_algorithm must be 'cd' or 'lars', got {fit_algorithm!r}")
    for bad in ("n_components", "random_state", "n_jobs"):
        if bad in kwargs:
            raise TypeError(f"{bad} is set by sklearn_dictionary_learning (use width= / rng=), not as a keyword")
    check_memory(8 * xa.shape[0] * (width + xa.shape[1]), f"dictionary learning buffers (width={width})")
    seed = int(as_rng(rng).integers(2**31 - 1))
    model = MiniBatchDictionaryLearning(
        n_components=width,
        alpha=alpha,
        batch_size=batch_size,
        max_iter=max_iter,
        fit_algorithm=fit_algorithm,
        positive_code=positive_code,
        random_state=seed,
        **kwargs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        model.fit(xa)
    V = np.asarray(model.components_, dtype=np.float64)  # (width, dim)
    norms = np.linalg.norm(V, axis=1)
    if not np.all(np.isfinite(V)) or np.any(norms <= 1e-12):
        raise ValueError("scikit-learn returned a zero or non-finite atom; change alpha or width")
    info = {
        "random_state": seed,
        "n_iter": int(model.n_iter_),
        "n_steps": int(model.n_steps_),
        "atom_norms": norms.tolist(),
        "batch_size": batch_size,
        "max_iter": max_iter,
        "fit_algorithm": fit_algorithm,
        **{k: v for k, v in kwargs.items() if isinstance(v, (int, float, str))},
    }
    return LearnedDictionary(
        dictionary=(V / norms[:, None]).T, method="sklearn", lam=alpha, nonneg=positive_code, info=info
    )


# ----------------------------------------------------------------------------------------------
# MLP encoder
# ----------------------------------------------------------------------------------------------


def _mlp_loss_and_grads(
    P: dict[str, NDArray[Any]], x: NDArray[Any], l1: float, *, bias: bool, grads: bool = True
) -> tuple[float, dict[str, NDArray[Any]]]:
    r"""O'Neill et al.'s loss for a batch ``x (B, dim)`` and its gradients (by hand).

    .. math::
        h = \mathrm{ReLU}(W_1 x + b_1),\quad s = \mathrm{ReLU}(W_2 h + b_2),\quad \hat x = D s + b_{dec},

        L = \frac{1}{B\,\mathrm{dim}}\sum_b\lVert \hat x_b - x_b\rVert^2
            + \frac{\mathrm{l1}}{B\,\mathrm{width}}\sum_{b,i} s_{bi}.

    ``D`` is used as given (the caller keeps its columns at unit norm).
    """
    W1, W2, D = P["W1"], P["W2"], P["D"]
    B, dim = x.shape
    width = D.shape[1]
    z1 = x @ W1.T
    if bias:
        z1 += P["b1"]
    m1 = z1 > 0
    h = z1 * m1
    z2 = h @ W2.T
    if bias:
        z2 += P["b2"]
    m2 = z2 > 0
    s = z2 * m2
    r = s @ D.T - x
    if bias:
        r += P["b_dec"]
    mse = float(np.einsum("bd,bd->", r, r, dtype=np.float64)) / (B * dim)
    loss = mse + l1 * float(s.sum(dtype=np.float64)) / (B * width)
    if not grads:
        return loss, {}
    dt = x.dtype.type
    gr = r * dt(2.0 / (B * dim))
    g: dict[str, NDArray[Any]] = {"D": gr.T @ s}
    ds = gr @ D
    ds += dt(l1 / (B * width))
    ds *= m2
    g["W2"] = ds.T @ h
    dh = ds @ W2
    dh *= m1
    g["W1"] = dh.T @ x
    if bias:
        g["b_dec"] = gr.sum(axis=0)
        g["b2"] = ds.sum(axis=0)
        g["b1"] = dh.sum(axis=0)
    return loss, g


def mlp_encoder_learner(
    x: ArrayLike,
    *,
    width: int,
    hidden: int = 256,
    l1: float = 0.01,
    steps: int = 10_000,
    lr: float = 1e-3,
    batch_size: int | None = None,
    bias: bool = False,
    dtype: str = "float32",
    log_every: int | None = None,
    rng: Any = 0,
) -> LearnedDictionary:
    r"""Train O'Neill et al.'s MLP-encoder autoencoder: a one-hidden-layer encoder, a linear dictionary.

    .. math::
        s = \mathrm{ReLU}\big(W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2\big),\qquad \hat x = D s\ (+\,b_{dec}),

        L = \frac{1}{B\,\mathrm{dim}}\sum_b\lVert \hat x_b - x_b\rVert_2^2
            + \frac{\mathrm{l1}}{B\,\mathrm{width}}\sum_{b,i} s_{bi}

    (PyTorch's element-mean MSE plus ``l1`` times the mean code; :math:`s \ge 0` so
    :math:`|s| = s`), minimised by Adam (``theory._optim.AdamW`` without weight decay) with
    hand-derived gradients. The dictionary's columns are rescaled to unit norm before every step, as
    O'Neill et al. do. Initialisation as theirs (PyTorch's defaults): :math:`W_1, W_2` (and
    :math:`b_1, b_2`) uniform on :math:`\pm 1/\sqrt{\text{fan-in}}`, :math:`D` Gaussian with unit
    columns, :math:`b_{dec} = 0`. Their published toy run has no biases (``bias=False``).

    Parameters
    ----------
    x : array_like, shape (batch, dim)
    width : int
        Number of codes (atoms).
    hidden : int
        Hidden ReLU units.
    l1 : float
        Coefficient of the mean code (>= 0).
    steps : int
        Adam steps, at most ``MAX_STEPS``.
    lr : float
        Adam learning rate, in ``(0, MAX_LR]``. Training that diverges anyway (non-finite
        parameters or loss, e.g. from a huge ``l1``) raises ``ValueError`` naming ``lr`` and ``l1``.
    batch_size : int, optional
        Samples per step (without replacement, reshuffled every epoch); default all (full batch, as
        O'Neill et al.).
    bias : bool
        Biases :math:`b_1, b_2, b_{dec}`.
    dtype : {"float32", "float64"}
    log_every : int, optional
        Record the loss every this many steps (default ``max(1, steps // 200)``) and at the end.
    rng : int or Generator

    Returns
    -------
    LearnedDictionary
        ``method="mlp"``, the encoder weights, ``lam = oneill_lam(l1, dim, width)`` (so
        ``encode(x, method="fista")`` is optimal inference for the same objective on the learned
        dictionary; ``1e-12`` where that is 0); ``encode(x)`` is the MLP.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = (np.abs(rng.standard_normal((256, 6))) * (rng.random((256, 6)) < 0.3)) @ rng.standard_normal((6, 4))
    >>> ld = mlp_encoder_learner(X, width=6, hidden=32, steps=300, lr=1e-2)
    >>> ld.encode(X[:3]).shape, bool(ld.losses[-1] < ld.losses[0])
    ((3, 6), True)

    References
    ----------
    .. [1] O'Neill, C., Gumran, A. and Klindt, D. (2024). Compute optimal inference and provable
       amortisation gap in sparse autoencoders. arXiv:2411.13117.
    .. [2] Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization. ICLR.
       arXiv:1412.6980.
    """
    xa = check_data(x, "x")
    N, dim = xa.shape
    width = check_int(width, "width", minimum=1)
    hidden = check_int(hidden, "hidden", minimum=1)
    l1 = check_real(l1, "l1", minimum=0.0)
    steps = check_size(steps, "steps", maximum=MAX_STEPS, why="Adam steps")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR)
    B = N if batch_size is None else check_int(batch_size, "batch_size", minimum=1, maximum=N)
    bias = check_bool(bias, "bias")
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    if log_every is not None:
        log_every = check_int(log_every, "log_every", minimum=1)
    dt = _DTYPES[dtype]
    check_memory(
        np.dtype(dt).itemsize * (B * (4 * hidden + 6 * width + 4 * dim) + 4 * hidden * (dim + width)),
        f"MLP training buffers (batch={B}, hidden={hidden}, width={width}, dim={dim})",
    )
    gen = as_rng(rng)
    b1w, b2w = 1.0 / math.sqrt(dim), 1.0 / math.sqrt(hidden)
    P0: dict[str, NDArray[Any]] = {
        "W1": gen.uniform(-b1w, b1w, (hidden, dim)),
        "W2": gen.uniform(-b2w, b2w, (width, hidden)),
    }
    if bias:
        P0["b1"] = gen.uniform(-b1w, b1w, hidden)
        P0["b2"] = gen.uniform(-b2w, b2w, width)
        P0["b_dec"] = np.zeros(dim)
    D0 = gen.standard_normal((dim, width))
    P0["D"] = D0 / np.linalg.norm(D0, axis=0)
    flat = FlatParams(P0, dt)
    opt = AdamW(lr=lr, weight_decay=0.0)
    P, G = flat.p, flat.g
    X = xa.astype(dt)
    order = gen.permutation(N)
    pos = 0
    log_every = log_every or max(1, steps // 200)
    log_steps: list[int] = []
    losses: list[float] = []
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"), np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            if B == N:
                xb = X
            else:
                if pos + B > N:
                    order, pos = gen.permutation(N), 0
                xb = X[order[pos : pos + B]]
                pos += B
            P["D"] /= np.linalg.norm(P["D"], axis=0)
            loss, g = _mlp_loss_and_grads(P, xb, l1, bias=bias)
            for k, v in g.items():
                G[k][...] = v
            opt.step(flat)
            if (step + 1) % log_every == 0 or step == steps - 1:
                log_steps.append(step + 1)
                losses.append(loss)
                if not math.isfinite(loss):
                    break
    P["D"] /= np.linalg.norm(P["D"], axis=0)
    if not (np.all(np.isfinite(flat.theta)) and math.isfinite(losses[-1])):
        raise ValueError(f"MLP training diverged (non-finite parameters or loss) at lr={lr}, l1={l1}; lower lr or l1")
    f64 = {k: np.asarray(v, dtype=np.float64).copy() for k, v in P.items()}
    enc = {
        "W1": f64["W1"],
        "W2": f64["W2"],
        "b1": f64.get("b1", np.zeros(hidden)),
        "b2": f64.get("b2", np.zeros(width)),
    }
    info = {"steps": steps, "lr": lr, "batch_size": B, "hidden": hidden, "l1": l1, "bias": bias, "dtype": dtype}
    return LearnedDictionary(
        dictionary=f64["D"],
        method="mlp",
        # 1e-12 where the weight is 0 (l1 = 0, or a tiny l1 whose lam underflows): fista needs lam > 0
        lam=oneill_lam(l1, dim=dim, width=width) or 1e-12,
        nonneg=True,
        log_steps=np.asarray(log_steps),
        losses=np.asarray(losses),
        encoder=enc,
        b_dec=f64.get("b_dec"),
        info=info,
    )

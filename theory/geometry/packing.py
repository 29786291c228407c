"""Numerical packings: frames with small coherence (lines) or small largest cosine (points).

The public entry point is :func:`pack`; the solver it runs (objective, local stages, start
strategies, budget) lives in the private package ``theory.geometry._packing``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._results import Bound
from theory._validation import as_rng, check_bool, check_int, check_real
from theory._warnings import TheoryWarning
from theory.geometry._packing.budget import UNBOUNDED, default_time_limit
from theory.geometry._packing.options import PackOptions
from theory.geometry._packing.report import Progress, reference_table, verdict
from theory.geometry._packing.solver import PackingSolver
from theory.geometry.bounds import coherence_lower_bound, simplex_bound

__all__ = ["PACK_PRESETS", "PackOptions", "Packing", "default_time_limit", "pack"]

PACK_CITATION = (
    "Dhillon, I. S., Heath, R. W., Strohmer, T. and Tropp, J. A. (2008). Constructing packings in "
    "Grassmannian manifolds via alternating projection. Experiment. Math. 17(1), 9-35. "
    "arXiv:0709.0535; Tropp, Dhillon, Heath, Strohmer (2005), IEEE Trans. Inf. Theory 51(1), "
    "188-209, doi:10.1109/TIT.2004.839492"
)


@dataclass(frozen=True)
class Packing:
    """Result of :func:`pack`.

    Attributes
    ----------
    frame : ndarray, shape (dim, n)
        Unit-norm columns.
    value : float
        Its coherence (``lines``) or largest signed cosine (points).
    bound : Bound
        The best lower bound on ``value`` for these ``(n, dim)``.
    gap : float
        ``(value - bound) / bound`` when the bound is positive, else ``value - bound``.
    lines : bool
    iterations : int
        Total optimiser iterations over all restarts.
    restarts : int
        Number of restarts run.
    seconds : float
        Wall time.
    history : list of float
        Best value after each restart (within a round, in order of the stage-2 value).
    seconds_to_best : float
        Wall time until the returned frame was found (the remaining restarts did not improve it).
    success : bool
        ``False`` when the value is measurably short of what is known: more than 0.1% above
        ``best_known``, or, with no ``best_known``, more than 5% above a positive ``bound``.
        ``True`` otherwise; ``message`` says on what grounds (a bound reached proves the frame
        optimal, a table value is only the best known, and with neither the check is weak).
    message : str
        Why the run stopped and how the value compares with the bound and ``best_known``.
    best_known : float or None
        The reference value for these ``(dim, n, lines)``: a proven optimum from
        ``theory/data/geometry_packings.json`` or, for lines in R^3..R^8 with ``n <= 100``, the
        best known value of Sloane's table (``theory/data/grassmannian_lines_sloane.json``).
        Reference data, for comparison only: ``value`` is always computed.
    best_known_source : str or None
        Where ``best_known`` comes from.
    reproducible : bool
        Whether the frame depends only on the arguments (``rng`` included), not on the speed of
        the machine: ``False`` when the time limit cut the run short anywhere (a round shortened
        to the time left, a stage stopped at the deadline, or no time left for another round).
    stopped : str
        What ended the run: ``"bound"`` (the best lower bound reached), ``"optimum"`` (a proven
        optimum reached), ``"restarts"`` (the restart cap) or ``"time"`` (the time limit).
    """

    frame: NDArray[np.float64]
    value: float
    bound: Bound
    gap: float
    lines: bool
    iterations: int
    restarts: int
    seconds: float
    history: list[float] = field(default_factory=list, compare=False)
    seconds_to_best: float = math.nan
    success: bool = True
    message: str = ""
    best_known: float | None = None
    best_known_source: str | None = None
    reproducible: bool = True
    stopped: str = "restarts"

    @property
    def dim(self) -> int:
        """Ambient dimension."""
        return int(self.frame.shape[0])

    @property
    def n(self) -> int:
        """Number of vectors."""
        return int(self.frame.shape[1])

    def __str__(self) -> str:
        what = "coherence" if self.lines else "max cosine"
        return (
            f"Packing(dim={self.dim}, n={self.n}): {what} {self.value:.8f}, bound "
            f"{self.bound.value:.8f} ({self.bound.name}), gap {self.gap:.2e}, "
            f"{self.restarts} restarts, {self.seconds:.2f} s; "
            f"{'success' if self.success else 'NOT successful'}: {self.message}"
        )

    def __repr__(self) -> str:
        return (
            f"Packing(dim={self.dim}, n={self.n}, lines={self.lines}, value={self.value!r}, "
            f"bound={self.bound.value!r}, gap={self.gap:.3g}, best_known={self.best_known!r}, "
            f"success={self.success}, restarts={self.restarts}, seconds={self.seconds:.3g})"
        )


#: Named settings for callers that need an optimised frame as an ingredient (claims, test
#: dictionaries, capacity), to be passed as ``pack(dim=..., n=..., **PACK_PRESETS[name])``:
#: explicit restart caps, so the same seed gives the same frame on any machine.
#: ``"reproducible"`` reaches the known optimum on every case the claims use.
PACK_PRESETS: dict[str, dict[str, Any]] = {
    "reproducible": {"restarts": 32},
    "capacity": {"restarts": 16, "options": PackOptions(slp_iters=100)},
}


def _options(options: PackOptions | Mapping[str, Any] | None) -> PackOptions:
    if options is None:
        return PackOptions()
    if isinstance(options, PackOptions):
        return options
    if isinstance(options, Mapping):
        return PackOptions(**options)
    raise TypeError(f"options must be a PackOptions, a mapping of its fields or None, got {type(options).__name__}")


def pack(
    *,
    dim: int,
    n: int,
    lines: bool = True,
    rng: int | np.random.Generator | None = 0,
    restarts: int | None = None,
    time_limit: float | None = None,
    init: NDArray[np.float64] | None = None,
    progress: bool = False,
    options: PackOptions | Mapping[str, Any] | None = None,
    **deprecated: Any,
) -> Packing:
    r"""Numerically pack ``n`` lines (or points) in :math:`\mathbb{R}^{dim}` with small
    coherence (or largest cosine).

    .. math:: \min_{\lVert w_i\rVert = 1}\ \max_{i\ne j} |\langle w_i, w_j\rangle|
              \qquad(\text{points: } \max_{i\ne j}\langle w_i, w_j\rangle)

    Each restart runs three local stages and keeps the best frame: alternating projection on
    the Gram matrix [1]_ [2]_; L-BFGS [4]_ on the smooth maximum
    :math:`\tfrac1p\log\sum_{i\ne j} e^{p\,G_{ij}^2}` (points: :math:`e^{p\,G_{ij}}`) with a
    continuation in :math:`p`; sequential linear programming on the nearly active pairs (an exact
    minimax polish). Restarts run in rounds of 8, 16, 32, ... starts and begin from random frames,
    perturbations of the best frame (iterated local search [6]_), frames invariant under a random
    orthogonal map of finite order (group frames [5]_) or packings of ``n + d`` vectors cut or
    extended to ``n`` [3]_. ``options`` (:class:`PackOptions`) sets all of these.

    The run ends when the value reaches the best lower bound (``coherence_lower_bound``;
    points: ``simplex_bound``) or a proven optimum to within 1e-9 relative, after ``restarts``
    restarts, or after ``time_limit`` seconds. All decisions depend on values only: with a
    restart cap and no time limit, the same ``rng`` gives the same frame on any machine.

    Parameters
    ----------
    dim, n : int
        ``dim >= 1``, ``n >= 2``.
    lines : bool
        Minimise coherence (lines) or the largest signed cosine (points, spherical codes).
    rng : Generator or int seed
        Random starts come only from this generator.
    restarts : int, optional
        Largest number of restarts (``>= 1``; default: no cap).
    time_limit : float, optional
        Seconds for the whole run (default: none when ``restarts`` is given, else
        :func:`default_time_limit`). The first round always finishes stage 2.
    init : ndarray, shape (dim, n), optional
        Starting frame of the first restart.
    progress : bool
        Show a tqdm progress bar on stderr with the best value so far.
    options : PackOptions or mapping, optional
        Stage budgets, screening, round size and start kinds (default ``PackOptions()``); as
        keywords of ``pack`` they still work for one release, with a ``DeprecationWarning``.

    Returns
    -------
    Packing
        The best frame and its value; ``success`` and ``message`` compare it with the bound and
        the case's ``best_known`` value (a proven optimum or Sloane's table [3]_).

    Warns
    -----
    TheoryWarning
        When the value is more than 1% above ``best_known``, or, with none, more than 5% above a
        positive lower bound.

    Examples
    --------
    >>> P = pack(dim=3, n=6, rng=0)   # six lines: the icosahedron's diagonals, an ETF
    >>> round(P.value, 6), round(P.bound.value, 6), P.success, P.stopped
    (0.447214, 0.447214, True, 'bound')
    >>> Q = pack(dim=4, n=9, rng=0, restarts=2, options=PackOptions(slp_iters=100))
    >>> Q.best_known_source.startswith("Sloane's table"), Q.success, Q.reproducible
    (True, True, True)

    References
    ----------
    .. [1] Dhillon, I. S., Heath, R. W., Strohmer, T. and Tropp, J. A. (2008). "Constructing
       packings in Grassmannian manifolds via alternating projection." Experiment. Math. 17(1),
       9-35. arXiv:0709.0535
    .. [2] Tropp, J. A., Dhillon, I. S., Heath, R. W. and Strohmer, T. (2005). "Designing
       structured tight frames via an alternating projection method." IEEE Trans. Inf. Theory
       51(1), 188-209. doi:10.1109/TIT.2004.839492
    .. [3] Conway, J. H., Hardin, R. H. and Sloane, N. J. A. (1996). "Packing lines, planes, etc.:
       packings in Grassmannian spaces." Experiment. Math. 5(2), 139-159.
       doi:10.1080/10586458.1996.10504585
    .. [4] Liu, D. C. and Nocedal, J. (1989). "On the limited memory BFGS method for large scale
       optimization." Math. Program. 45, 503-528. doi:10.1007/BF01589116
    .. [5] Vale, R. and Waldron, S. (2005). "Tight frames and their symmetries." Constr.
       Approx. 21(1), 83-112. doi:10.1007/s00365-004-0560-y
    .. [6] Lourenço, H. R., Martin, O. C. and Stützle, T. (2003). "Iterated local search." In
       Handbook of Metaheuristics, Kluwer, 321-353. doi:10.1007/0-306-48056-5_11
    """
    lines = check_bool(lines, "lines")
    progress = check_bool(progress, "progress")
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=2)
    if restarts is not None:
        restarts = check_int(restarts, "restarts", minimum=1)
    opts = _options(options)
    if deprecated:
        unknown = sorted(set(deprecated) - {f.name for f in dataclasses.fields(PackOptions)})
        if unknown:
            raise TypeError(f"pack() got unexpected keyword arguments {unknown}")
        warnings.warn(
            f"pack({', '.join(f'{k}=' for k in sorted(deprecated))}...) is deprecated and will be removed "
            "in the next release; pass options=PackOptions(...) with the same names",
            DeprecationWarning,
            stacklevel=2,
        )
        opts = opts.replace(**deprecated)
    if time_limit is not None:
        time_limit = check_real(time_limit, "time_limit", minimum=0, strict_min=True)
    elif restarts is None:
        time_limit = default_time_limit(dim, n)
    opts._check_for(dim, n)
    g = as_rng(rng)
    if init is not None:
        from theory._validation import check_frame

        init = check_frame(init, "init")
        if init.shape != (dim, n):
            raise ValueError(f"init must have shape (dim, n) = {(dim, n)}, got {init.shape}")
    bound: Bound = coherence_lower_bound(n=n, dim=dim) if lines else simplex_bound(n=n, dim=dim)
    lb = bound.value
    ref = reference_table().get((dim, n, lines))
    proven = ref[0] if ref is not None and ref[2] else None
    bar = Progress(restarts, time_limit, lb) if progress and not (lines and n <= dim) else None
    solver = PackingSolver(
        dim,
        n,
        lines=lines,
        lb=lb,
        rng=g,
        restarts=restarts,
        time_limit=time_limit,
        init=init,
        options=opts,
        proven=proven,
        progress=bar,
    )
    try:
        out = solver.solve()
    finally:
        if bar is not None:
            bar.close()
    best, best_val = out.frame, out.value
    gap = float((best_val - lb) / lb if lb > 0 else best_val - lb)
    if out.message is not None:  # solved in closed form
        success, message, warn = True, out.message, False
        gap = float(best_val - lb)
    else:
        cap = restarts if restarts is not None else UNBOUNDED
        success, message, warn = verdict(best_val, bound, gap, ref, out.stopped, time_limit, cap)
    if warn:
        warnings.warn(
            f"pack(dim={dim}, n={n}{'' if lines else ', lines=False'}): {message}", TheoryWarning, stacklevel=2
        )
    return Packing(
        best,
        best_val,
        bound,
        gap,
        lines,
        out.iterations,
        out.restarts,
        out.seconds,
        out.history,
        out.seconds_to_best,
        success,
        message,
        ref[0] if ref else None,
        ref[1] if ref else None,
        out.reproducible,
        out.stopped,
    )

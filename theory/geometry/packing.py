"""Numerical packings: frames with small coherence (lines) or small largest cosine (points).

The public entry point is :func:`pack`; the solver it runs (objective, local stages, start
strategies, budget) lives in the private package ``theory.geometry._packing``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._results import Bound
from theory._validation import as_rng, check_bool, check_int, check_real
from theory._warnings import TheoryDeprecationWarning, TheoryWarning
from theory.geometry._packing.budget import UNBOUNDED, default_time_limit
from theory.geometry._packing.options import PackOptions
from theory.geometry._packing.report import Progress, reference_table, verdict
from theory.geometry._packing.restarts import check_starts
from theory.geometry._packing.solver import PackingSolver, SolverState
from theory.geometry.bounds import coherence_lower_bound, simplex_bound

__all__ = ["PACK_PRESETS", "PackOptions", "PackRound", "Packing", "default_time_limit", "pack"]


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
        optimum reached), ``"restarts"`` (the restart cap), ``"time"`` (the time limit) or
        ``"callback"`` (the ``callback`` returned a true value).
    start_kinds : dict of str to int
        How many of the restarts began from each kind of start: ``"init"``, ``"random"``,
        ``"perturbation"``, ``"orbit"``, ``"warm"`` (see ``pack``'s ``starts``).
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
    start_kinds: dict[str, int] = field(default_factory=dict, compare=False)

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


@dataclass(frozen=True, repr=False)
class PackRound:
    """What :func:`pack` passes to its ``callback`` after each round of restarts.

    Attributes
    ----------
    round : int
        Index of the round just finished (``0`` for the first).
    restarts : int
        Restarts finished so far, over all rounds.
    value : float
        Coherence (``lines``) or largest signed cosine (points) of ``frame``.
    bound : Bound
        The best lower bound on ``value``, as in :class:`Packing`.
    seconds : float
        Wall time since the run started.
    frame : ndarray, shape (dim, n)
        The best frame so far (read-only).
    lines : bool
    start_kinds : dict of str to int
        How many of the restarts so far began from each kind of start.
    """

    round: int
    restarts: int
    value: float
    bound: Bound
    seconds: float
    frame: NDArray[np.float64] = field(compare=False)
    lines: bool = True
    start_kinds: dict[str, int] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        return (
            f"PackRound(round={self.round}, restarts={self.restarts}, value={self.value!r}, "
            f"bound={self.bound.value!r}, seconds={self.seconds:.3g})"
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
    starts: Sequence[str] | None = None,
    options: PackOptions | Mapping[str, Any] | None = None,
    callback: Callable[[PackRound], object] | None = None,
    **deprecated: Any,
) -> Packing:
    r"""Numerically pack ``n`` lines (or points) in :math:`\mathbb{R}^{dim}` with small
    coherence (or largest cosine).

    .. math:: \min_{\lVert w_i\rVert = 1}\ \max_{i\ne j} |\langle w_i, w_j\rangle|
              \qquad(\text{points: } \max_{i\ne j}\langle w_i, w_j\rangle)

    Each restart runs alternating projection on the Gram matrix [1]_ [2]_, L-BFGS [4]_ on a smooth
    maximum of the cosines and sequential linear programming on the nearly active pairs. Restarts
    run in rounds of 8, 16, 32, ... and begin from random frames, perturbations of the best frame
    [6]_, group frames [5]_ or cut or extended packings of ``n + d`` vectors [3]_. The run ends
    at the best lower bound (``coherence_lower_bound``; points: ``simplex_bound``) or a proven
    optimum, after ``restarts`` restarts or ``time_limit`` seconds, or when ``callback`` asks.
    With a restart cap and no time limit, the same ``rng`` gives the same frame on any machine.

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
    starts : sequence of str, optional
        Kinds of start among ``"random"``, ``"perturbation"``, ``"orbit"``, ``"warm"``, taken in
        turn by the restarts after ``init`` (a perturbation before the first round has ended is
        random). Default: the schedule set by the ``*_every`` fields of ``options``.
    options : PackOptions or mapping, optional
        Stage budgets, screening, rounds, start settings, ``progress`` bar (default ``PackOptions()``);
        as keywords of ``pack`` they work for one release, with a ``TheoryDeprecationWarning``.
    callback : callable, optional
        Called as ``callback(r)`` after each round, ``r`` a :class:`PackRound` (best frame so
        far, its value, the bound, seconds, round index); a true return value ends the run
        (``stopped == "callback"``). Its exceptions propagate.

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
    >>> Q = pack(dim=4, n=9, restarts=100, starts=["orbit", "perturbation"], callback=lambda r: r.round == 1)
    >>> Q.stopped, Q.restarts, sorted(Q.start_kinds.items()), Q.success   # ended after round 1
    ('callback', 24, [('orbit', 12), ('perturbation', 8), ('random', 4)], True)

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
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=2)
    if restarts is not None:
        restarts = check_int(restarts, "restarts", minimum=1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable (or None), got {callback!r} of type {type(callback).__name__}")
    kinds = check_starts(starts)
    opts = _options(options)
    if deprecated:
        unknown = sorted(set(deprecated) - {f.name for f in dataclasses.fields(PackOptions)})
        if unknown:
            raise TypeError(f"pack() got unexpected keyword arguments {unknown}")
        opts = opts.replace(**deprecated)  # a bad value is refused before the warning
        warnings.warn(
            f"pack({', '.join(f'{k}=' for k in sorted(deprecated))}...) is deprecated and will be removed "
            "in the next release; pass options=PackOptions(...) with the same names",
            TheoryDeprecationWarning,
            stacklevel=2,
        )
    if kinds is not None:
        opts._check_starts(kinds)
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
    bar = Progress(restarts, time_limit, lb) if opts.progress and not (lines and n <= dim) else None

    def on_round(r: int, state: SolverState, seconds: float) -> object:
        assert callback is not None and state.best is not None
        frame = state.best.view()
        frame.flags.writeable = False
        return callback(PackRound(r, state.done, state.best_val, bound, seconds, frame, lines, dict(state.kinds)))

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
        starts=kinds,
        on_round=on_round if callback is not None else None,
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
        if out.stopped == "callback" and success:
            message = f"the callback ended the run; {message}"
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
        out.start_kinds,
    )

"""The expert settings of the packing solver, as one frozen, validated dataclass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, NamedTuple

from theory._validation import check_bool, check_int, check_memory, check_real, check_size, estimate_bytes
from theory.geometry._packing.stages import AlternatingProjection, SLPPolish, SmoothMaxDescent

__all__ = ["MAX_ITERS", "PackOptions", "PackStages"]

#: Largest iteration count of one optimisation stage per restart.
MAX_ITERS = 10**6


class PackStages(NamedTuple):
    """The three local stages ``pack`` runs with a given :class:`PackOptions`."""

    projection: AlternatingProjection
    descent: SmoothMaxDescent
    polish: SLPPolish


def _margin(value: Any, name: str) -> float:
    """A non-negative finite relative margin (``check_real``; an integer too large for a float is
    refused with a ``ValueError`` naming the argument)."""
    try:
        return check_real(value, name, minimum=0)
    except OverflowError:
        raise ValueError(f"{name} must be a finite real >= 0, got an integer too large for a float") from None


def _int_tuple(value: Any, name: str, minimum: int, when: str, required: bool) -> tuple[int, ...]:
    """``value`` as a tuple of integers ``>= minimum``, non-empty when ``required``; ``when``
    states the condition that requires it, for the error message."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValueError(f"{name} must be a sequence of integers >= {minimum}, got {value!r}")
    out = tuple(check_int(v, name, minimum=minimum) for v in value)
    if required and not out:
        raise ValueError(f"{name} must be a non-empty sequence of integers >= {minimum} when {when}, got {value!r}")
    return out


@dataclass(frozen=True)
class PackOptions:
    """Settings of :func:`~theory.geometry.pack` beyond its budget: the stages, the screening, the
    rounds and the kinds of start. The defaults are what ``pack`` runs; ``docs/results_geometry.md``
    records how each was chosen.

    Attributes
    ----------
    ap_iters, lse_iters, slp_iters : int
        Iteration budgets of the three stages (alternating projection; smooth-max descent, per
        continuation step; sequential LP), ``0 .. 10**6``.
    slp_max_vars : int
        Skip stage 3 when ``dim * n`` is larger.
    blas_threads : int or None
        BLAS threads while packing (threadpoolctl); ``None`` leaves the setting alone.
    lse_cutoff, slp_cutoff : float or None
        Relative margins of the screening (``None``: every restart runs every stage), of
        ``max(|best|, 0.01)``: stage 2 stops a frame more than ``lse_cutoff`` above the best value
        earlier rounds had after two continuation steps; stage 3 runs only on a frame within
        ``slp_cutoff`` of the best stage-2 value.
    slp_same : float
        Stage-2 values this close (relative) to one already polished are not polished again.
    batch : int
        Largest number of starts in a round (``>= 1``); rounds run 8, 16, 32, ... starts.
    ap_restarts : int or None
        How many restarts (the first ones) run stage 1 (``None``: all).
    warm_every, orbit_every, perturb_every : int
        Frequencies of the start kinds (``0``: none).
    warm_offsets : sequence of int
        The offsets ``d`` (non-zero, ``n + d >= 1``) of the warm starts, in turn.
    warm_candidates : int
        Random candidates per appended column of a warm start (``d < 0``).
    orbit_orders : sequence of int
        The orders ``k >= 2`` of the orbit starts' maps, in turn (capped at ``n``).
    perturb_lines : sequence of int
        How many columns (``>= 1``, capped at ``n``) the perturbation starts redraw, in turn.
    progress : bool
        Show a tqdm progress bar on stderr with the best value so far (default ``False``).

    Examples
    --------
    >>> PackOptions(slp_iters=100).slp_iters
    100
    >>> PackOptions(warm_every=0).stages().descent.iters
    150
    """

    ap_iters: int = 200
    lse_iters: int = 150
    slp_iters: int = 200
    slp_max_vars: int = 3000
    blas_threads: int | None = 1
    lse_cutoff: float | None = 0.002
    slp_cutoff: float | None = 0.0
    slp_same: float = 1e-5
    batch: int = 64
    ap_restarts: int | None = 1
    warm_every: int = 6
    warm_offsets: tuple[int, ...] = (1, -1)
    warm_candidates: int = 64
    orbit_every: int = 2
    orbit_orders: tuple[int, ...] = (2, 3, 4, 5, 6)
    perturb_every: int = 3
    perturb_lines: tuple[int, ...] = (1, 2, 3, 4)
    progress: bool = False

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        for name in ("ap_iters", "lse_iters", "slp_iters"):
            put(name, check_size(getattr(self, name), name, minimum=0, maximum=MAX_ITERS, why="iterations per restart"))
        put("slp_max_vars", check_int(self.slp_max_vars, "slp_max_vars", minimum=0))
        if self.blas_threads is not None:
            put("blas_threads", check_size(self.blas_threads, "blas_threads", maximum=4096, why="threads"))
        if self.ap_restarts is not None:
            put("ap_restarts", check_int(self.ap_restarts, "ap_restarts", minimum=0))
        for name in ("lse_cutoff", "slp_cutoff"):
            if getattr(self, name) is not None:
                put(name, _margin(getattr(self, name), name))
        put("slp_same", _margin(self.slp_same, "slp_same"))
        put("batch", check_int(self.batch, "batch", minimum=1))
        put("warm_every", check_int(self.warm_every, "warm_every", minimum=0))
        put("warm_candidates", check_int(self.warm_candidates, "warm_candidates", minimum=1))
        offs = self.warm_offsets
        if isinstance(offs, (str, bytes)) or not isinstance(offs, Sequence):
            raise ValueError(f"warm_offsets must be a sequence of non-zero integers, got {offs!r}")
        put("warm_offsets", tuple(check_int(d, "warm_offsets") for d in offs))
        if self.warm_every and (not self.warm_offsets or 0 in self.warm_offsets):
            raise ValueError(
                "warm_offsets must be a non-empty sequence of non-zero integers n + d >= 1 "
                f"when warm_every > 0, got {offs!r}"
            )
        put("orbit_every", check_int(self.orbit_every, "orbit_every", minimum=0))
        put("orbit_orders", _int_tuple(self.orbit_orders, "orbit_orders", 2, "orbit_every > 0", bool(self.orbit_every)))
        put("perturb_every", check_int(self.perturb_every, "perturb_every", minimum=0))
        put(
            "perturb_lines",
            _int_tuple(self.perturb_lines, "perturb_lines", 1, "perturb_every > 0", bool(self.perturb_every)),
        )
        put("progress", check_bool(self.progress, "progress"))

    def _check_for(self, dim: int, n: int) -> None:
        """The checks that depend on the problem size: warm offsets ``n + d >= 1`` and the memory
        of a round's working arrays."""
        for d in self.warm_offsets:
            check_int(d, "warm_offsets", minimum=1 - n)
        check_memory(
            estimate_bytes(self.batch, max(dim, n), n),
            f"pack's working arrays for dim={dim}, n={n} (batch={self.batch})",
        )

    def _check_starts(self, kinds: Sequence[str]) -> None:
        """The settings each kind of start in ``kinds`` (the solver's names, as from
        ``restarts.check_starts``) needs, when ``pack(starts=...)`` asks for it whatever the
        ``*_every`` frequencies say."""
        need = {
            "orbit": ("orbit_orders", self.orbit_orders, 2),
            "perturb": ("perturb_lines", self.perturb_lines, 1),
        }
        for kind, (name, value, minimum) in need.items():
            if kind in kinds and not value:
                public = "perturbation" if kind == "perturb" else kind
                raise ValueError(
                    f"{name} must be a non-empty sequence of integers >= {minimum} when starts includes "
                    f"{public!r}, got {value!r}"
                )
        if "warm" in kinds and (not self.warm_offsets or 0 in self.warm_offsets):
            raise ValueError(
                "warm_offsets must be a non-empty sequence of non-zero integers n + d >= 1 when starts "
                f"includes 'warm', got {self.warm_offsets!r}"
            )

    def replace(self, **changes: Any) -> PackOptions:
        """A copy with ``changes`` (validated again)."""
        return replace(self, **changes)

    def stages(self) -> PackStages:
        """The stage objects these settings configure (each callable on its own; see
        ``theory.geometry._packing.stages``)."""
        return PackStages(
            AlternatingProjection(self.ap_iters), SmoothMaxDescent(self.lse_iters), SLPPolish(self.slp_iters)
        )

    def __str__(self) -> str:
        default = PackOptions()
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        ]
        return f"PackOptions({', '.join(changed)})"

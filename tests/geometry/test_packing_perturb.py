"""Perturbation starts of ``pack``: the best frame so far with a few columns redrawn (an iterated
local search). Their options are validated with the other start kinds in test_packing_orbit."""

from __future__ import annotations

import numpy as np

from theory.geometry import pack
from theory.geometry._packing.objective import coherence
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import SmoothMaxDescent
from theory.geometry.packing import PackOptions


class _RecordingDescent(SmoothMaxDescent):
    """Stage 2 that records each call's input stack, output frames and output values."""

    def __call__(self, Vs, *args, **kwargs):
        out = super().__call__(Vs, *args, **kwargs)
        self.calls.append((np.array(Vs), np.array(out[0]), np.array(out[1])))
        return out


def _run_recording(dim, n, rng, restarts, **options):
    """Run the solver as ``pack`` would, recording stage 2; returns the calls and the result."""
    descent = _RecordingDescent()
    object.__setattr__(descent, "calls", [])
    out = PackingSolver.for_problem(
        dim, n, rng=rng, restarts=restarts, options=PackOptions(**options), descent=descent
    ).solve()
    return descent.calls, out


def test_perturbation_starts_redraw_exactly_q_columns_of_the_best_frame():
    # Stage 3 off, so the best frame after round 1 is the stage-2 output with the least
    # coherence. Round 1 (restarts 0..7) has no best frame and runs random starts; round 2
    # (restarts 8..12) is all perturbations, redrawing 1, 2, 3, 1, 2 columns in turn.
    calls, _ = _run_recording(
        4,
        9,
        5,
        13,
        batch=8,
        slp_iters=0,
        warm_every=0,
        orbit_every=0,
        perturb_every=1,
        perturb_lines=(1, 2, 3),
        lse_cutoff=None,
    )
    assert [c[0].shape[0] for c in calls] == [8, 5]
    (_, out1, _), (S2, _, _) = calls
    best = out1[int(np.argmin([coherence(V, True) for V in out1]))]
    changed = [int(np.sum(np.abs(S - best).max(axis=0) > 1e-9)) for S in S2]
    assert changed == [1, 2, 3, 1, 2]
    # The redrawn columns are unit vectors, like every start.
    assert np.allclose(np.linalg.norm(S2, axis=1), 1.0, atol=1e-12)


def test_perturbation_lines_capped_at_n():
    # 5 lines in R^3 stay above the bound, so the run goes on to round 2.
    calls, _ = _run_recording(
        3,
        5,
        0,
        10,
        batch=8,
        slp_iters=0,
        warm_every=0,
        orbit_every=0,
        perturb_every=1,
        perturb_lines=(7,),
        lse_cutoff=None,
    )
    # Round 2 redraws all 5 columns (7 capped at n): a fresh random frame, still valid.
    S2 = calls[1][0]
    assert S2.shape == (2, 3, 5)
    assert np.allclose(np.linalg.norm(S2, axis=1), 1.0, atol=1e-12)


def test_no_perturbation_when_off():
    # perturb_every=0: round 2's starts share no column with round 1's best frame (they are
    # random), and nothing is drawn for perturbations: the run equals one whose perturbation
    # slots fall beyond its restarts (every 100th restart, 24 restarts).
    kw = dict(warm_every=0, orbit_every=0, slp_iters=0, lse_cutoff=None)
    calls, a = _run_recording(5, 11, 2, 24, **kw, perturb_every=0)
    (_, out1, _), (S2, _, _) = calls[:2]
    best = out1[int(np.argmin([coherence(V, True) for V in out1]))]
    assert S2.shape[0] == 16
    assert all(np.abs(S - best).max(axis=0).min() > 1e-6 for S in S2)
    b = pack(dim=5, n=11, rng=2, restarts=24, options=PackOptions(**kw, perturb_every=100))
    assert np.array_equal(a.frame, b.frame) and a.iterations == b.iterations


def test_perturbation_same_seed_same_frame_and_a_valid_packing():
    kw = dict(dim=5, n=13, restarts=24, options=PackOptions(perturb_every=1, warm_every=0, orbit_every=0))
    a = pack(rng=4, **kw)
    b = pack(rng=4, **kw)
    assert np.array_equal(a.frame, b.frame) and a.iterations == b.iterations
    W = a.frame / np.linalg.norm(a.frame, axis=0)
    G = np.abs(W.T @ W)
    np.fill_diagonal(G, 0.0)
    assert abs(G.max() - a.value) < 1e-12
    assert a.value >= a.bound.value - 1e-12

"""Bound-like results share one protocol, and what is not proven prints NOT PROVEN."""

from __future__ import annotations

import numpy as np
import pytest

from theory._results import Bound, BoundLike


def test_bound_validates_its_kind_and_flags():
    with pytest.raises(ValueError, match="kind must be"):
        Bound(1.0, "x", "c", kind="sideways")
    with pytest.raises(TypeError, match="bool"):
        Bound(1.0, "x", "c", proven="no")


def test_every_bound_like_result_has_the_protocol():
    from theory.circuits import (
        adler_shavit_bounds,
        depth_failure_bound,
        random_circuit,
        superposition_capacity,
        uand_min_width,
    )
    from theory.geometry import delsarte_lp_bound, welch_bound
    from theory.interference import rip_constant

    W = np.linalg.qr(np.random.default_rng(0).standard_normal((6, 6)))[0][:, :5]
    depth = depth_failure_bound(random_circuit(width=4, depth=2, n_inputs=6), width=200, s=2)
    found = [
        welch_bound(dim=3, n=6),
        delsarte_lp_bound(dim=3, max_cos=0.5),
        rip_constant(W, k=2),
        depth,
        superposition_capacity(dim=100, d=100, s=3),
        uand_min_width(eps=0.3, s=3),
        *adler_shavit_bounds(m_out=100).bounds(),
    ]
    for b in found:
        assert isinstance(b, BoundLike), type(b).__name__
        assert b.kind in ("lower", "upper", "exact") and isinstance(b.proven, bool) and b.quantity
        assert float(b) == pytest.approx(float(b.value))
    # what rests on heuristics or asymptotics says so where it is printed
    for b in found[4:5] + found[6:]:
        assert not b.proven and "NOT PROVEN" in str(b)
    assert all(b.proven and "NOT PROVEN" not in str(b) for b in found[:2])
    assert "NOT PROVEN" in str(adler_shavit_bounds(m_out=100))
    assert found[5].kind == "exact" and " = " in str(found[5])

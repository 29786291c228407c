"""Tests of the recovery phase diagram: the sweep cell, the grid runner and its figure."""

from __future__ import annotations

import ast
import concurrent.futures as cf
import json
from pathlib import Path

import numpy as np
import pytest

from theory.experiments.sparse_coding import (
    RecoveryPhaseDiagram,
    _codes,
    recovery_cell,
    recovery_phase_diagram,
)
from theory.sweep import Runner, cell_rng


def test_cell_is_json_and_deterministic():
    p = {"dim": 12, "n": 30, "k": 3, "trials": 6, "bp": False}
    a = recovery_cell(p, np.random.default_rng(5))
    b = recovery_cell(p, np.random.default_rng(5))
    assert a == b
    assert json.loads(json.dumps(a)) == a
    assert set(a) == {"dim", "n", "k", "trials", "threshold", "omp", "fista", "bp", "fista_converged"}
    assert a["bp"] is None
    for m in ("threshold", "omp", "fista"):
        assert 0.0 <= a[m] <= 1.0 and a[m] * 6 == round(a[m] * 6)


def test_cell_thresholding_and_omp_match_an_independent_oracle():
    # redraw the cell's dictionary and codes from the same generator and decide by hand
    p = {"dim": 10, "n": 25, "k": 3, "trials": 12, "bp": False}
    out = recovery_cell(p, np.random.default_rng(11))
    rng = np.random.default_rng(11)
    D = rng.standard_normal((10, 25))
    D /= np.linalg.norm(D, axis=0)
    a = _codes(25, 3, 12, rng)
    thr_ok = omp_ok = 0
    for x in a:
        y = D @ x
        S = set(np.flatnonzero(x))
        thr_ok += set(np.argsort(-(D.T @ y))[:3]) == S
        # OMP by brute-force least squares at each step
        chosen: list[int] = []
        r = y.copy()
        for _ in range(3):
            c = np.abs(D.T @ r)
            c[chosen] = -1
            chosen.append(int(np.argmax(c)))
            coef = np.linalg.lstsq(D[:, chosen], y, rcond=None)[0]
            r = y - D[:, chosen] @ coef
        omp_ok += set(chosen) == S
    assert out["threshold"] == thr_ok / 12
    assert out["omp"] == omp_ok / 12
    assert out["bp"] is None


def test_cell_easy_and_hard_extremes():
    easy = recovery_cell({"dim": 30, "n": 40, "k": 1, "trials": 5}, np.random.default_rng(0))
    assert easy["threshold"] == easy["omp"] == easy["fista"] == easy["bp"] == 1.0
    hard = recovery_cell({"dim": 10, "n": 100, "k": 9, "trials": 5, "bp": False}, np.random.default_rng(0))
    assert hard["threshold"] == 0.0 and hard["fista"] <= 0.4


def test_cell_rejects_bad_parameters():
    with pytest.raises(ValueError, match=r"^k must be an integer in \[1, 5\], got 6"):
        recovery_cell({"dim": 5, "n": 10, "k": 6, "trials": 2}, np.random.default_rng(0))
    with pytest.raises(TypeError, match="bp"):
        recovery_cell({"dim": 5, "n": 10, "k": 2, "trials": 2, "bp": 1}, np.random.default_rng(0))


def test_diagram_shapes_store_resume_and_executor_independence(tmp_path):
    kw = {"dim": 12, "ratios_n": [0.4, 0.8], "ratios_k": [0.1, 0.5], "trials": 4, "bp": False}
    store = tmp_path / "phase.sqlite"
    a = recovery_phase_diagram(**kw, runner=Runner(executor="serial", store=str(store)), rng=3)
    assert a.ns.tolist() == [[30, 30], [15, 15]] and a.ks.tolist() == [[1, 6], [1, 6]]
    assert set(a.success) == {"threshold", "omp", "fista"}
    assert a.success["omp"].shape == (2, 2)
    b = recovery_phase_diagram(**kw, runner=Runner(executor="serial", store=str(store)), rng=3)  # loaded from the store
    with cf.ThreadPoolExecutor(2) as ex:
        c = recovery_phase_diagram(**kw, runner=Runner(executor=ex), rng=3)
    for m in a.success:
        np.testing.assert_array_equal(a.success[m], b.success[m])
        np.testing.assert_array_equal(a.success[m], c.success[m])
    # one cell by hand through cell_rng
    cell = {"dim": 12, "n": 15, "k": 6, "trials": 4, "bp": False, "fista_max_iter": 3000}
    assert recovery_cell(cell, cell_rng(cell, rng=3))["omp"] == a.success["omp"][1, 1]
    assert (
        RecoveryPhaseDiagram.from_dict(json.loads(json.dumps(a.to_dict()))).success["omp"].tolist()
        == a.success["omp"].tolist()
    )


def test_diagram_rejects_bad_grids():
    with pytest.raises(ValueError, match="ratios_n"):
        recovery_phase_diagram(dim=8, ratios_n=[0.0, 0.5], ratios_k=[0.5], runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="ratios_k"):
        recovery_phase_diagram(dim=8, ratios_n=[0.5], ratios_k=[1.5], runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="repeated"):
        recovery_phase_diagram(dim=8, ratios_n=[0.5], ratios_k=[0.1, 0.12], runner=Runner(executor="serial"))


def _diagram(success):
    s = np.asarray(success, float)
    a, b = s.shape
    return RecoveryPhaseDiagram(
        20,
        np.linspace(0.2, 0.8, a),
        np.linspace(0.1, 0.9, b),
        np.full((a, b), 40),
        np.ones((a, b), dtype=np.int64),
        {"omp": s, "fista": s},
        10,
    )


def test_boundary_interpolation_by_hand():
    r = _diagram([[1.0, 0.75, 0.25], [1.0, 1.0, 1.0], [0.2, 0.1, 0.0]])  # rhos 0.1, 0.5, 0.9
    np.testing.assert_allclose(r.boundary("omp"), [0.7, 0.9, 0.1])
    with pytest.raises(ValueError, match="method"):
        r.boundary("bp")


def test_theory_is_the_nonnegative_weak_threshold():
    from theory.interference import l1_weak_threshold

    r = _diagram([[1.0, 0.0]] * 3)
    np.testing.assert_allclose(r.theory(), [l1_weak_threshold(d, nonnegative=True) for d in r.deltas])
    assert np.all(r.theory() > [l1_weak_threshold(d) for d in r.deltas])  # the simplex threshold is higher


def test_plot_draws_contours_and_theory():
    import matplotlib.pyplot as plt

    from theory.figures.sparse_coding_recovery import plot_recovery_phase_diagram

    r = _diagram([[1.0, 0.75, 0.25], [1.0, 1.0, 0.0], [0.2, 0.1, 0.0]])
    ax = plot_recovery_phase_diagram(r)
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert any("rho_W" in lab for lab in labels) and sum("50%" in lab for lab in labels) == 2
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), r.boundary("omp"))
    ax2 = plot_recovery_phase_diagram(r.to_dict(), methods=["fista"], shade=None)
    assert sum("50%" in ln.get_label() for ln in ax2.get_lines()) == 1
    with pytest.raises(ValueError, match="methods"):
        plot_recovery_phase_diagram(r, methods=["bp"])
    with pytest.raises(TypeError, match="result"):
        plot_recovery_phase_diagram([1, 2])
    plt.close("all")


def test_figure_module_does_not_import_verify():
    import theory.figures.sparse_coding_recovery as mod

    tree = ast.parse(Path(mod.__file__).read_text())
    names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.startswith("theory.verify")]


def test_quick_recipe_draws():
    import matplotlib.pyplot as plt

    from theory.figures.sparse_coding_recovery import FIGURES

    fig = FIGURES["recovery_phase"](True)
    assert fig.axes and fig.axes[0].get_lines()
    plt.close("all")


def test_round_trip_keeps_the_cell_times():
    from theory.experiments.sparse_coding import RecoveryPhaseDiagram, recovery_phase_diagram

    r = recovery_phase_diagram(dim=8, ratios_n=[0.5], ratios_k=[0.25], trials=2, bp=False)
    back = RecoveryPhaseDiagram.from_dict(r.to_dict())
    assert back.elapsed is not None and np.allclose(back.elapsed, r.elapsed, atol=1e-3)

"""Tests of the ER-SpUD sample-threshold experiment (spud_cell, spud_threshold) and its figure."""

from __future__ import annotations

import ast
import concurrent.futures as cf
import json
import math
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta

from theory.experiments.sparse_coding import SpudThreshold, spud_cell, spud_threshold
from theory.sparse_coding.spud import spud_success_rate
from theory.sweep import Runner, cell_rng

matplotlib.use("Agg")


def _synthetic(successes, ns=(6, 8), cs=(1.0, 2.0, 4.0), trials=10):
    ns = np.asarray(ns, np.int64)
    cs = np.asarray(cs, float)
    batches = np.array([[math.ceil(c * n * math.log(n)) for c in cs] for n in ns], np.int64)
    return SpudThreshold(ns, cs, 0.2, trials, batches, np.asarray(successes, np.int64))


# ---------------------------------------------------------------------------------------------- cell


def test_cell_is_deterministic_and_json_ready():
    p = {"n": 5, "C": 3.0, "theta": 0.25, "trials": 4}
    a = spud_cell(p, np.random.default_rng(7))
    b = spud_cell(p, np.random.default_rng(7))
    assert a == b
    assert json.loads(json.dumps(a)) == a
    assert set(a) == {"n", "theta", "C", "batch", "successes", "trials"}
    assert a["batch"] == math.ceil(3.0 * 5 * math.log(5)) == 25  # 24.14... rounded up, by hand
    assert type(a["successes"]) is int and 0 <= a["successes"] <= 4
    # the same generator state through spud_success_rate gives the same count
    ref = spud_success_rate(n=5, batch=25, theta=0.25, trials=4, rng=np.random.default_rng(7))
    assert ref.successes == a["successes"]


def test_cell_extremes():
    rng = np.random.default_rng(0)
    # far above the threshold ER-SpUD recovers the dictionary; with barely more samples than n it cannot
    assert spud_cell({"n": 5, "C": 12.0, "theta": 0.2, "trials": 4}, rng)["successes"] == 4
    assert spud_cell({"n": 8, "C": 0.6, "theta": 0.2, "trials": 4}, rng)["successes"] == 0


def test_cell_rejects_bad_parameters():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="exceed n"):
        spud_cell({"n": 6, "C": 0.5, "theta": 0.2, "trials": 2}, rng)  # ceil(5.37) = 6 samples
    with pytest.raises(ValueError, match="theta"):
        spud_cell({"n": 6, "C": 2.0, "theta": 0.0, "trials": 2}, rng)
    with pytest.raises(ValueError, match="^C must be a finite real number"):
        spud_cell({"n": 6, "C": float("nan"), "theta": 0.2, "trials": 2}, rng)
    with pytest.raises(TypeError, match="trials"):
        spud_cell({"n": 6, "C": 2.0, "theta": 0.2, "trials": True}, rng)
    with pytest.raises(ValueError, match=r"^n must be an integer in \[2, 200\], got 1"):
        spud_cell({"n": 1, "C": 2.0, "theta": 0.2, "trials": 2}, rng)


# ---------------------------------------------------------------------------------------------- sweep


def test_threshold_resumes_from_store_with_identical_results(tmp_path):
    kw = {"ns": [5, 6], "cs": [1.5, 6], "theta": 0.25, "trials": 3}
    store = str(tmp_path / "spud.sqlite")
    a = spud_threshold(**kw, runner=Runner(executor="serial", store=store), rng=4)
    b = spud_threshold(**kw, runner=Runner(executor="serial", store=store), rng=4)  # every cell loaded from the store
    with cf.ThreadPoolExecutor(2) as ex:
        c = spud_threshold(**kw, runner=Runner(executor=ex), rng=4)
    assert a == b == c
    np.testing.assert_array_equal(a.elapsed, b.elapsed)  # the recorded times came back too: nothing recomputed
    assert a.batches.tolist() == [
        [math.ceil(1.5 * 5 * math.log(5)), math.ceil(6 * 5 * math.log(5))],
        [math.ceil(1.5 * 6 * math.log(6)), math.ceil(6 * 6 * math.log(6))],
    ]
    cell = {"n": 6, "C": 6.0, "theta": 0.25, "trials": 3}
    assert spud_cell(cell, cell_rng(cell, rng=4))["successes"] == a.successes[1, 1]
    d = SpudThreshold.from_dict(json.loads(json.dumps(a.to_dict())))
    assert d == a
    np.testing.assert_allclose(d.crossing(), a.crossing())
    assert "SpudThreshold(theta=0.25" in str(a) and "array" not in repr(a)


def test_threshold_rejects_bad_grids():
    with pytest.raises(ValueError, match="strictly increasing"):
        spud_threshold(ns=[6], cs=[3, 2], runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="distinct"):
        spud_threshold(ns=[6, 6], cs=[2], runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="integers"):
        spud_threshold(ns=[6.5], cs=[2], runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="exceed n"):
        spud_threshold(ns=[6], cs=[0.5, 2], runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="theta"):
        spud_threshold(ns=[6], cs=[2], theta=1.5, runner=Runner(executor="serial"))


# ---------------------------------------------------------------------------------------------- result


def test_crossing_interpolation_by_hand():
    t = _synthetic([[2, 4, 9], [6, 10, 10]], ns=(6, 8), cs=(1.0, 2.0, 4.0), trials=10)
    x = t.ratios
    # n = 6: rates 0.2, 0.4, 0.9 -> between columns 1 and 2: x1 + (0.5 - 0.4) / (0.9 - 0.4) * (x2 - x1)
    expect6 = x[0, 1] + 0.2 * (x[0, 2] - x[0, 1])
    # n = 8: already 0.6 at the first column -> that column's ratio (an upper bound)
    np.testing.assert_allclose(t.crossing(), [expect6, x[1, 0]])
    never = _synthetic([[0, 1, 4], [5, 5, 5]])
    c = never.crossing()
    assert c[0] == np.inf and c[1] == never.ratios[1, 0]
    assert never.to_dict()["crossing"][0] is None
    assert "> 4" in str(never)
    # the realised ratio is at least C and less than C + 1/(n log n)
    nlogn = (t.ns * np.log(t.ns))[:, None]
    assert np.all(t.ratios >= t.cs) and np.all(t.ratios < t.cs + 1 / nlogn)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=2, max_size=6))
def test_crossing_lies_where_the_interpolated_line_meets_one_half(counts):
    counts = sorted(counts)  # a monotone success curve
    cs = np.arange(1, len(counts) + 1, dtype=float)
    t = _synthetic([counts], ns=(7,), cs=cs, trials=12)
    c = float(t.crossing()[0])
    x, y = t.ratios[0], t.rates[0]
    if y[-1] < 0.5:
        assert c == np.inf
    elif y[0] >= 0.5:
        assert c == x[0]
    else:
        assert x[0] < c <= x[-1]
        assert np.interp(c, x, y) == pytest.approx(0.5)


def test_ci_is_clopper_pearson():
    t = _synthetic([[0, 3, 10], [1, 7, 9]], trials=10)
    low, high = t.ci()
    for (i, j), k in np.ndenumerate(t.successes):
        # Clopper-Pearson from the beta quantiles, by hand
        lo = 0.0 if k == 0 else beta.ppf(0.025, k, 10 - k + 1)
        hi = 1.0 if k == 10 else beta.ppf(0.975, k + 1, 10 - k)
        assert low[i, j] == pytest.approx(lo, abs=1e-9) and high[i, j] == pytest.approx(hi, abs=1e-9)
        assert low[i, j] <= t.rates[i, j] <= high[i, j]


def test_result_validates_its_arrays():
    ns, cs = np.array([6]), np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        SpudThreshold(ns, cs, 0.2, 4, np.array([[11, 22, 33]]), np.array([[0, 1, 2]]))
    with pytest.raises(ValueError, match="successes"):
        SpudThreshold(ns, cs, 0.2, 4, np.array([[11, 22]]), np.array([[0, 5]]))
    with pytest.raises(ValueError, match="cs"):
        SpudThreshold(ns, cs[::-1], 0.2, 4, np.array([[11, 22]]), np.array([[0, 1]]))


# ---------------------------------------------------------------------------------------------- figure


def test_plot_renders_and_saves(tmp_path):
    import matplotlib.pyplot as plt

    from theory.figures import save, style_context
    from theory.figures.sparse_coding_recovery import plot_spud_threshold

    t = _synthetic([[2, 4, 9], [6, 10, 10]])
    with style_context():
        ax = plot_spud_threshold(t)
        path = save(ax.figure, tmp_path / "spud", formats=["png"])[0]
    assert path.stat().st_size > 5000
    assert len(ax.containers) == 2  # one errorbar series per n
    line = ax.containers[0].lines[0]
    np.testing.assert_allclose(line.get_xdata(), t.ratios[0])
    np.testing.assert_allclose(line.get_ydata(), t.rates[0])
    low, high = t.ci()
    seg = ax.containers[0].lines[2][0].get_segments()  # vertical error bars: (x, low) -> (x, high)
    np.testing.assert_allclose([s[0][1] for s in seg], low[0])
    np.testing.assert_allclose([s[1][1] for s in seg], high[0])
    assert any(np.allclose(ln.get_ydata(), 0.5) and ln.get_label() == "50%" for ln in ax.get_lines())
    assert ax.get_xlabel() == r"$C = p/(n \log n)$"
    ax2 = plot_spud_threshold(t.to_dict())
    assert [tx.get_text() for tx in ax2.get_legend().get_texts()] == ["n = 6", "n = 8", "50%"]
    plt.close("all")


def test_plot_refuses_a_wrong_input_type():
    from theory.figures.sparse_coding_recovery import plot_spud_threshold

    with pytest.raises(TypeError, match="SpudThreshold"):
        plot_spud_threshold([0.1, 0.5])
    with pytest.raises(TypeError, match="SpudThreshold"):
        plot_spud_threshold(np.zeros((2, 3)))


def test_figure_module_does_not_import_verify():
    import theory.figures.sparse_coding_recovery as mod

    tree = ast.parse(Path(mod.__file__).read_text())
    names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.startswith("theory.verify")]


def test_quick_recipe_draws(tmp_path):
    import matplotlib.pyplot as plt

    from theory.figures import save, sparse_coding
    from theory.figures.sparse_coding_recovery import plot_spud_threshold

    assert "plot_spud_threshold" in sparse_coding.__all__ and sparse_coding.plot_spud_threshold is plot_spud_threshold
    fig = sparse_coding.FIGURES["spud_threshold"](True)
    ax = fig.axes[0]
    assert len(ax.containers) == 2
    assert save(fig, tmp_path / "recipe", formats=["png"])[0].stat().st_size > 5000
    plt.close("all")

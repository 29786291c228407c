"""Library drivers of the circuits experiments (theory.experiments.circuits) and the figures that take their results."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from scipy import stats

from theory.circuits import adler_shavit_bounds
from theory.experiments.circuits import (
    AdlerShavitComparison,
    CapacityBasis,
    CapacityFit,
    CapacityScaling,
    DepthBoundCheck,
    DepthErrors,
    WidthScaling,
    adler_shavit_comparison,
    all_pairs_union_bound,
    capacity_basis,
    capacity_fit_grid,
    capacity_scaling,
    compressed_computation,
    depth_errors,
    fit_power_law,
    width_scaling,
)
from theory.experiments.reproductions import reproduce
from theory.figures.circuits import (
    plot_capacity_basis,
    plot_capacity_fit,
    plot_capacity_scaling,
    plot_depth_bound,
    plot_depth_errors,
    plot_error_vs_width,
)
from theory.sweep import Runner

matplotlib.use("Agg")

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "circuits.json"

#: circuits.json section -> result class and the figure drawing it
SECTIONS = {
    "width": (WidthScaling, plot_error_vs_width),
    "capacity": (CapacityScaling, plot_capacity_scaling),
    "capacity_superposed": (CapacityFit, plot_capacity_fit),
    "capacity_basis": (CapacityBasis, plot_capacity_basis),
    "depth": (DepthErrors, plot_depth_errors),
    "depth_bound": (DepthBoundCheck, plot_depth_bound),
    "adler_shavit": (AdlerShavitComparison, None),
}


@pytest.fixture(scope="module")
def committed():
    if not RESULTS.exists():
        pytest.skip("benchmarks/results/circuits.json is not there")
    return json.loads(RESULTS.read_text())


@pytest.mark.parametrize("key", sorted(SECTIONS))
def test_committed_sections_load_print_and_plot(committed, key):
    import matplotlib.pyplot as plt

    cls, plot = SECTIONS[key]
    section = committed[key]
    r = cls.from_dict(section)
    text = str(r)
    assert text and "nan" not in text.lower().replace("nano", "")
    d = r.to_dict()
    assert cls.from_dict(d).to_dict() == d
    stored = r.rows if isinstance(section, list) else d  # the list sections keep their list
    assert stored == section
    assert len(repr(r)) < 300
    if plot is not None:
        a = plot(r)
        b = plot(section)
        assert len(a.lines) == len(b.lines) > 0
        plt.close("all")


def test_width_scaling_fits_are_the_fits_of_its_cells():
    r = width_scaling(quick=True, runner=Runner(executor="serial"))
    d = r.to_dict()
    assert {c["params"]["kind"] for c in d["cells"]} == {"bernoulli", "rademacher"}
    for kind in ("bernoulli", "rademacher"):
        rows = sorted((c["params"]["d"], c["value"]) for c in d["cells"] if c["params"]["kind"] == kind)
        for cls in ("both", "one"):
            f = fit_power_law([a for a, _ in rows], [v[f"rms_{cls}"] for _, v in rows])
            assert d["fits"][f"{kind}_{cls}"]["measured"]["exponent"] == pytest.approx(f.exponent)
    # the exact moments at the MSE-optimal p fall like d^(-1/3) (Bernoulli), d^(-1/2) (Rademacher)
    assert d["fits"]["bernoulli_one"]["exact_moments"]["exponent"] == pytest.approx(-1 / 3, abs=0.03)
    assert d["fits"]["rademacher_one"]["exact_moments"]["exponent"] == pytest.approx(-1 / 2, abs=0.01)
    # and the measured exponent's interval covers the exact-moment one
    lo, hi = d["fits"]["rademacher_one"]["measured"]["ci"]
    assert lo <= d["fits"]["rademacher_one"]["exact_moments"]["exponent"] <= hi
    assert WidthScaling.from_dict(json.loads(json.dumps(d))).to_dict() == json.loads(json.dumps(d))
    assert "width/bernoulli/one" in str(r)


def test_depth_errors_and_the_figure_filter():
    import matplotlib.pyplot as plt

    r = reproduce("circuits_depth", quick=True, runner=Runner(executor="serial"))
    assert isinstance(r, DepthErrors) and len(r.cells) == 8
    by = {(c["params"]["ec"], c["params"]["dim"]): c["value"] for c in r.cells}
    # layer 0 reads the inputs: exact when basis-aligned
    assert all(v["mean_abs"][0] == 0 for (ec, dim), v in by.items() if dim == 0)
    # the error grows with depth without error correction
    assert by[("none", 0)]["mean_abs"][-1] > by[("none", 0)]["mean_abs"][1]
    ax = plot_depth_errors(r, dim=0)
    assert len(ax.containers) == 4  # one error-bar series per mode
    plt.close("all")


def test_capacity_basis_measured_failures_respect_the_union_bound():
    r = capacity_basis(quick=True, runner=Runner(executor="serial"))
    d = r.to_dict()
    assert d["grid_cells"] == len(d["cells"]) > 0
    for c in d["cells"]:
        ub = all_pairs_union_bound(m=c["m"], d=c["d"], p=c["p"], s=3)
        assert c["bound_half"] == pytest.approx(ub.value)
        # the union bound is an upper bound on P(some pair wrong): binomial test of the measured count
        k = round(c["fail_half"] * c["n"])
        assert stats.binom.sf(k - 1, c["n"], min(1.0, ub.value)) > 1e-4
    assert [row["d"] for row in d["by_d"]] == [1000, 2000, 4000, 8000]
    assert "union bound vs measured failure" in str(r)


def test_adler_shavit_ratios_recomputed():
    r = adler_shavit_comparison(quick=True)
    for row in r.rows:
        b = adler_shavit_bounds(m_out=row["m_out"])
        assert row["m_out"] == row["m"] * (row["m"] - 1) // 2
        assert row["neurons_over_lower"] == pytest.approx(row["d"] / b.neurons_lower)
        assert row["params"] == pytest.approx(
            row["d"] * row["m"] * row["p"] + row["d"] + row["m_out"] * row["d"] * row["p"] ** 2
        )
    ratios = [row["neurons_over_lower"] for row in r.rows]
    assert ratios == sorted(ratios, reverse=True)  # d grows like polylog m: ratios fall


def test_capacity_fit_grid_is_scale_free():
    g = capacity_fit_grid(quick=False)
    for c in g:
        assert c["p"] * np.sqrt(c["d"]) == pytest.approx(c["c"], rel=1e-4)
    assert {c["d"] for c in capacity_fit_grid(quick=True, widths=(1600,))} == {1600}
    assert 18102 in {c["d"] for c in g} and 18102 not in {c["d"] for c in capacity_fit_grid(False, (800,))}


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: width_scaling(quick="yes"), TypeError, "quick"),
        (lambda: capacity_scaling(eps=2.0, runner=Runner(executor="serial")), ValueError, "eps"),
        (lambda: capacity_basis(delta=0.0, runner=Runner(executor="serial")), ValueError, "delta"),
        (lambda: depth_errors(progress=1), TypeError, "progress"),
        (lambda: CapacityFit.from_dict([1, 2]), TypeError, "dict"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.slow
def test_compressed_computation_quick():
    r = compressed_computation(quick=True, runner=Runner(executor="serial"))
    d = r.to_dict()
    assert set(d["ablation"]) == {"mixed", "clean_labels", "orthogonal"}
    assert [row["mixing"] for row in d["mixing_scale"]] == [0.0, 0.25, 0.5, 1.0, 1.5, 2.0]
    for diag in d["diagnostic"]:
        assert diag["ratio"] == pytest.approx(1.0, abs=0.05)  # predicted label noise = Monte Carlo
    assert "ablation" in str(r)

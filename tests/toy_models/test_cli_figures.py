"""The ``theory toy`` command and the toy-model figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from theory.cli import main
from theory.sweep import Runner
from theory.toy_models import phase_diagram


def test_cli_phase(capsys):
    assert main(["toy", "phase", "--p", "0.1", "--r", "1"]) == 0
    out = capsys.readouterr().out
    assert "superposition" in out and "0.571429" in out
    assert main(["toy", "phase", "--p", "0", "--r", "1"]) == 2
    assert "p must be" in capsys.readouterr().err


def test_cli_train_and_info(tmp_path, capsys):
    path = tmp_path / "m.npz"
    assert (
        main(
            [
                "toy",
                "train",
                "--n",
                "4",
                "--dim",
                "2",
                "--instances",
                "2",
                "--steps",
                "20",
                "--batch-size",
                "16",
                "--no-progress",
                "--out",
                str(path),
            ]
        )
        == 0
    )
    assert path.exists()
    assert main(["toy", "info", str(path)]) == 0
    assert "2 instance(s): n=4, dim=2" in capsys.readouterr().out


def test_cli_phase_diagram(tmp_path, capsys):
    fig = tmp_path / "pd.svg"
    assert (
        main(
            [
                "toy",
                "phase-diagram",
                "--p-values",
                "1.0",
                "--r-values",
                "0.2",
                "--seeds",
                "1",
                "--steps",
                "500",
                "--serial",
                "--figure",
                str(fig),
            ]
        )
        == 0
    )
    assert fig.exists() and "1/1 cells agree" in capsys.readouterr().out


def test_figures():
    from theory import figures

    d = phase_diagram([1.0], [0.2], seeds=1, steps=300, runner=Runner(executor="serial"))
    ax = figures.plot_phase_diagram_2x1(d, resolution=10)
    assert ax.get_xscale() == "log"
    W = np.random.default_rng(0).normal(size=(2, 5))
    figures.plot_wtw(W)
    figures.plot_feature_norms(W)
    figures.plot_dimensions_per_feature([1.0, 0.5], [1.0, 0.6])
    figures.plot_feature_dimensionality([1.0, 0.5], np.ones((2, 5)) * 0.4)
    with pytest.raises(ValueError, match="same shape"):
        figures.plot_dimensions_per_feature([1.0], [1.0, 0.5])
    ax = figures.plot_abs_computed([1.0, 0.1], [4, 9], [2, 3], n_hidden=5)
    assert len(ax.lines) == 3
    with pytest.raises(ValueError, match="same shape"):
        figures.plot_abs_computed([1.0], [4, 9], [2, 3], n_hidden=5)
    ax = figures.plot_polygon_expansion(5, ks=(4, 5))
    # the plotted lines are c1 + (n - k)/3 + c2 p: at p -> 0 the square's is exactly 1/3
    assert ax.lines[0].get_ydata()[0] == pytest.approx(1 / 3 + 2 / 3 * ax.lines[0].get_xdata()[0])
    with pytest.raises(ValueError, match="at most n"):
        figures.plot_polygon_expansion(3, ks=(4,))
    plt.close("all")

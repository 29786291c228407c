"""CLI subcommands and figures of the geometry area."""

from __future__ import annotations

import numpy as np
import pytest

from theory.cli import main


def test_cli_bounds(capsys):
    assert main(["bounds", "--dim", "3", "--n", "7"]) == 0
    out = capsys.readouterr().out
    assert "best: orthoplex = 0.5773502692" in out


def test_cli_bounds_bad_input(capsys):
    assert main(["bounds", "--dim", "0", "--n", "3"]) == 2
    assert "dim must be an integer >= 1, got 0" in capsys.readouterr().err


def test_cli_capacity(capsys, tmp_path):
    path = tmp_path / "w.npy"
    assert (
        main(
            [
                "capacity",
                "--dim",
                "7",
                "--max-cos",
                "0.3333334",
                "--no-optimise",
                "--lp-max-degree",
                "2",
                "--save-witness",
                str(path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "28 <= max features <= 28" in out
    W = np.load(path, allow_pickle=False)
    assert W.shape == (7, 28)


def test_cli_pack(capsys, tmp_path):
    fig = tmp_path / "g.svg"
    assert main(["pack", "--dim", "3", "--n", "4", "--restarts", "1", "--quiet", "--figure", str(fig)]) == 0
    out = capsys.readouterr().out
    assert "0.3333333333" in out and fig.exists()


def test_figures_by_name():
    from theory import figures

    ax = figures.plot_polytope("square_antiprism")
    assert ax.get_title() == "square_antiprism"
    ax = figures.plot_packing_gap([{"dim": 3, "n": 5, "gap": 0.0}])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="at most 3 rows"):
        figures.plot_polytope(np.eye(4))

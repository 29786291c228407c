"""The ``theory dictionary`` command and the interference figures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from theory.cli import main
from theory.figures.interference import random_abs_cos_density


def test_dictionary_cli(tmp_path, capsys):
    W = np.random.default_rng(0).standard_normal((300, 16)).astype(np.float32)  # rows = features
    np.save(tmp_path / "emb.npy", W)
    fig = tmp_path / "h.svg"
    rc = main(["dictionary", str(tmp_path / "emb.npy"), "--transpose", "--figure", str(fig), "--k", "3"])
    out = capsys.readouterr().out
    assert rc == 0 and fig.exists()
    assert "n = 300 features in dim = 16" in out and "Welch bound" in out
    rc = main(["dictionary", str(tmp_path / "missing.npy")])
    assert rc == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("dim", [2, 3, 10, 100])
def test_null_density_matches_simulation(dim):
    assert integrate.quad(random_abs_cos_density, 0, 1, args=(dim,), limit=200)[0] == pytest.approx(1, abs=1e-6)
    g = np.random.default_rng(dim).standard_normal((2, 50_000, dim))
    c = np.abs(np.sum(g[0] * g[1], axis=1) / np.linalg.norm(g[0], axis=1) / np.linalg.norm(g[1], axis=1))
    # probability of [0, 0.1]: simulated vs integrated density (4 binomial standard errors)
    p = integrate.quad(random_abs_cos_density, 0, 0.1, args=(dim,))[0]
    assert abs(np.mean(c <= 0.1) - p) < 4 * np.sqrt(p * (1 - p) / c.size)


def test_rip_bounds_figure(tmp_path):
    from theory.figures import save
    from theory.figures.interference import plot_rip_bounds
    from theory.interference import rip_constant

    W = np.random.default_rng(1).standard_normal((4, 8))
    W /= np.linalg.norm(W, axis=0)
    rows = [
        {
            "k": k,
            "exact": rip_constant(W, k=k, method="exact"),
            "gershgorin": rip_constant(W, k=k, method="gershgorin"),
            "sdp": rip_constant(W, k=k, method="sdp"),
        }
        for k in (2, 3)
    ]
    ax = plot_rip_bounds(rows)
    heights = sorted(p.get_height() for p in ax.patches)
    assert len(heights) == 6
    assert save(ax.figure, tmp_path / "rip.svg")[0].exists()


def test_rip_cli(tmp_path, capsys):
    W = np.random.default_rng(2).standard_normal((5, 9))
    np.save(tmp_path / "w.npy", W)
    rc = main(["rip", str(tmp_path / "w.npy"), "--k", "2", "4", "--figure", str(tmp_path / "r.png")])
    out = capsys.readouterr().out
    assert rc == 0 and (tmp_path / "r.png").exists()
    assert "exact" in out and "sdp" in out and "gershgorin" in out and "coherence mu" in out
    assert main(["rip", str(tmp_path / "w.npy"), "--k", "1"]) == 2

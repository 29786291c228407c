"""The command line, deterministic figures, public strategies and derivations."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given

from theory import figures, proofs
from theory import strategies as tst
from theory.cli import main
from theory.geometry import coherence, welch_bound


def test_verify_command_writes_report(tmp_path, capsys):
    code = main(["verify", "--quick", "--claim", "geometry.welch", "--out", str(tmp_path), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "geometry.welch" in out and "consistent" in out and "slack" in out
    assert (tmp_path / "report.md").exists() and (tmp_path / "report.json").exists()
    assert list((tmp_path / "figures").glob("*.png"))


def test_verify_list(capsys):
    assert main(["verify", "--list"]) == 0
    assert "interference.jl_pair" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["verify", "--claim", "nope"], "unknown claim id"),
        (["verify", "--seed", "-1", "--claim", "geometry.welch"], "--seed must be a non-negative"),
        (["prove", "no_such_proof"], "unknown derivation"),
    ],
)
def test_cli_errors_are_one_line_exit_2(argv, msg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("theory: error:") and msg in err
    assert err.count("\n") == 1


def test_prove_runs_welch(tmp_path, capsys):
    assert main(["prove", "welch", "--latex", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "VERIFIED" in out and "1 of 1 derivations verified" in out
    assert "\\begin{document}" in (tmp_path / "welch.tex").read_text()


def test_console_entry_point_runs():
    r = subprocess.run([sys.executable, "-m", "theory", "--help"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "verify" in r.stdout and "prove" in r.stdout


def test_welch_derivation_steps_all_hold():
    d = proofs.run("welch")
    assert d.verified and len(d.steps) >= 5
    n, dim = 9, 4
    sym = {s.name: s for s in d.result.free_symbols}
    assert float(d.result.subs({sym["n"]: n, sym["d"]: dim})) == pytest.approx(welch_bound(n=n, dim=dim).value)


def test_a_false_step_is_reported():
    import sympy as sp

    d = proofs.Derivation("t", "t", "t")
    x = sp.Symbol("x")
    d.equal("wrong", (x + 1) ** 2, x**2 + 1)
    assert not d.verified and "FAIL" in d.to_text()


def test_every_proof_module_defines_derive():
    import importlib

    for name in proofs.available():
        assert callable(importlib.import_module(f"theory.proofs.{name}").derive), name


def _figure():
    import matplotlib.pyplot as plt

    with figures.style_context():
        fig, ax = plt.subplots()
        ax.plot(np.arange(5), np.arange(5) ** 2, label="x^2")
        ax.set_title("determinism")
        ax.legend()
    return fig


@pytest.mark.parametrize("fmt", ["pdf", "svg", "png"])
def test_save_is_byte_deterministic(tmp_path, fmt):
    a = figures.save(_figure(), tmp_path / "a", formats=[fmt])[0].read_bytes()
    b = figures.save(_figure(), tmp_path / "b", formats=[fmt])[0].read_bytes()
    assert a == b and len(a) > 500
    if fmt == "pdf":
        assert b"CreationDate" not in a and b"/FontFile2" in a  # TrueType embedded


def test_save_errors_and_lookup(tmp_path):
    with pytest.raises(ValueError, match="formats must be among"):
        figures.save(_figure(), tmp_path / "x", formats=["gif"])
    assert callable(figures.plot_welch_check)
    with pytest.raises(AttributeError):
        figures.plot_does_not_exist  # noqa: B018


@given(tst.frames(max_dim=5, max_n=12))
def test_frames_strategy_gives_unit_frames_obeying_welch(W):
    dim, n = W.shape
    assert 1 <= dim <= 5 and 2 <= n <= 12
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), 1.0, atol=1e-12)
    assert coherence(W) >= welch_bound(n=n, dim=dim).value - 1e-12


@given(tst.sparse_vectors(max_n=15, max_k=4, nonnegative=True))
def test_sparse_vectors_strategy(x):
    assert np.count_nonzero(x) <= 4 and np.all(x >= 0) and np.all(x <= 1)


@given(tst.sparse_booleans(m=20, s=3))
def test_sparse_booleans_strategy(x):
    assert x.shape == (20,) and x.sum() == 3 and set(np.unique(x)) <= {0, 1}


def test_strategy_argument_errors():
    with pytest.raises(ValueError, match="max_dim must be an integer >= 3"):
        tst.frames(min_dim=3, max_dim=2)
    with pytest.raises(ValueError, match="kind must be"):
        tst.frames(kind="weird")


def test_figures_command(tmp_path, capsys):
    assert main(["figures", "--list"]) == 0
    assert "verify.welch_check" in capsys.readouterr().out
    assert main(["figures", "verify.welch_check", "--quick", "--out", str(tmp_path), "--format", "svg"]) == 0
    assert (tmp_path / "verify_welch_check.svg").exists()
    assert main(["figures", "no.such"]) == 2


def test_every_area_contributes_figure_recipes(tmp_path):
    from theory.cli.figures import recipes

    names = set(recipes())
    assert {
        "geometry.capacity",
        "geometry.polytopes",
        "interference.rip_bounds",
        "toy_models.phase_2x1_theory",
        "circuits.error_vs_width",
    } <= names
    assert (
        main(
            [
                "figures",
                "geometry.polytopes",
                "toy_models.phase_2x1_theory",
                "--quick",
                "--out",
                str(tmp_path),
                "--format",
                "png",
            ]
        )
        == 0
    )
    assert len(list(tmp_path.glob("*.png"))) == 2


def test_verify_claim_takes_several_ids_as_the_readme_writes_it(tmp_path, capsys):
    code = main(
        [
            "verify",
            "--quick",
            "--claim",
            "geometry.welch",
            "geometry.frame_potential",
            "--no-figures",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "geometry.frame_potential" in out and "geometry.welch" in out

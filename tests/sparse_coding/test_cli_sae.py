"""Tests for the ``theory sae`` command line (theory.cli.sae), run through ``theory.cli.main``."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

import theory.cli
from theory.cli import sae as cli_sae
from theory.sparse_coding import SAEOptions, oneill2024, save_sae, train_sae


@pytest.fixture
def main(monkeypatch):
    """``theory.cli.main`` with the ``sae`` command registered (whatever ``theory._areas`` says)."""
    monkeypatch.setattr(theory.cli, "command_modules", lambda: ("theory.cli.sae",))
    return theory.cli.main


def test_truth_describes_the_preset(main, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["sae", "truth", "oneill2024"]) == 0
    out = capsys.readouterr().out
    assert "n=16 features in dim=8" in out and "expected L0: 3" in out and "coherence of the dictionary" in out
    assert main(["sae", "truth", "oneill2024", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    truth = oneill2024()
    assert info["coherence"] == pytest.approx(truth.coherence) and info["expected_l0"] == 3.0
    assert info["expected_sq_norm"] == pytest.approx(truth.expected_sq_norm)
    assert list(tmp_path.iterdir()) == []  # nothing written unless asked


def test_truth_exports_batches(main, capsys, tmp_path):
    out = tmp_path / "acts.npz"
    assert main(["sae", "truth", "oneill2024", "--out", str(out), "--batches", "2", "--batch", "8", "--seed", "3"]) == 0
    assert "wrote 16 samples" in capsys.readouterr().out
    with np.load(out) as f:
        x = f["x"]
    expect = np.concatenate([b[0] for b in oneill2024().batches(8, 2, rng=3)]).astype(np.float32)
    np.testing.assert_array_equal(x, expect)


def test_train_saves_saelens_layout_and_eval_reads_it(main, capsys, tmp_path):
    folder = tmp_path / "sae"
    assert (
        main(
            [
                "sae",
                "train",
                "oneill2024",
                "--kind",
                "topk",
                "--width",
                "12",
                "--k",
                "3",
                "--steps",
                "40",
                "--batch-size",
                "64",
                "--eval-batch",
                "512",
                "--no-progress",
                "--out",
                str(folder),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "SAE(kind='topk'" in out and "mcc" in out and "thresholding_ratio" in out
    assert {p.name for p in folder.iterdir()} == {"cfg.json", "sae_weights.safetensors", cli_sae.TRAINING_FILE}
    # eval finds the truth in the training record; same scoring seed, same numbers
    assert main(["sae", "eval", str(folder), "--eval-batch", "512", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["truth"] == "oneill2024" and doc["score"]["width"] == 12
    assert "unique_recovery" in doc["score"]["certificates"]
    assert (
        main(
            [
                "sae",
                "train",
                "oneill2024",
                "--kind",
                "topk",
                "--width",
                "12",
                "--k",
                "3",
                "--steps",
                "40",
                "--batch-size",
                "64",
                "--eval-batch",
                "512",
                "--no-progress",
                "--json",
            ]
        )
        == 0
    )
    trained = json.loads(capsys.readouterr().out)
    assert trained["score"]["mcc"] == doc["score"]["mcc"] and trained["saved"] is None


def test_eval_a_folder_written_by_save_sae(main, capsys, tmp_path):
    sae = train_sae(
        oneill2024(), kind="relu", width=16, l1=0.05, steps=30, batch_size=64, options=SAEOptions(progress=False)
    )
    folder = save_sae(sae, tmp_path / "plain")
    assert main(["sae", "eval", str(folder), "--truth", "oneill2024", "--eval-batch", "256"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SAE(kind='relu', width=16) on oneill2024") and "spark_lower" in out
    assert main(["sae", "eval", str(folder), "--truth", "oneill2024", "--eval-batch", "256", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)["score"]
    assert 0 <= d["mcc"] <= 1 and d["batch"] == 256


def test_bench_table_json_and_files(main, capsys, tmp_path):
    argv = [
        "sae",
        "bench",
        "--truth",
        "oneill2024",
        "--kinds",
        "relu,topk",
        "--width",
        "8",
        "--steps",
        "30",
        "--seeds",
        "2",
        "--batch-size",
        "64",
        "--eval-batch",
        "256",
        "--no-progress",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "relu/1" in out and "topk mean" in out and "explained_variance" in out
    assert main([*argv, "--json", "--out", str(tmp_path / "b.json"), "--figure", str(tmp_path / "b.svg")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["seed_index"]) for r in rows] == [("relu", 0), ("relu", 1), ("topk", 0), ("topk", 1)]
    saved = json.loads((tmp_path / "b.json").read_text())
    assert saved["results"] == rows and (tmp_path / "b.svg").stat().st_size > 1000


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["sae", "truth", "nope"], "unknown preset 'nope'"),
        (["sae", "truth", "oneill2024", "--batch", "0", "--out", "x.npz"], "--batch must be a positive integer"),
        (["sae", "truth", "oneill2024", "--out", "x.csv"], ".npz or .safetensors"),
        (["sae", "train", "oneill2024", "--width", "0", "--steps", "5"], "--width must be a positive integer"),
        (["sae", "train", "oneill2024", "--width", "4", "--l1", "0.1"], "--l1 applies to --kind relu, not topk"),
        (
            ["sae", "train", "oneill2024", "--width", "4", "--k", "9", "--steps", "5", "--no-progress"],
            "k must be <= width",
        ),
        (["sae", "train", "oneill2024", "--width", "4", "--seed", "-1"], "--seed must be a non-negative"),
        (["sae", "eval", "no/such/folder", "--truth", "oneill2024"], "does not exist"),
        (["sae", "bench", "--truth", "oneill2024", "--kinds", "relu,foo", "--width", "4"], "unknown SAE kind(s)"),
        (
            ["sae", "bench", "--truth", "oneill2024", "--kinds", "relu", "--width", "4", "--out", "x.txt"],
            "--out must end in .json",
        ),
        (["sae", "bench", "--truth", "oneill2024", "--kinds", "", "--width", "4"], "at least one SAE kind"),
        (
            ["sae", "train", "oneill2024", "--kind", "jumprelu", "--width", "4", "--jumprelu-threshold", "0"],
            "--jumprelu-threshold must be a positive finite number",
        ),
        (
            ["sae", "bench", "--truth", "oneill2024", "--width", "4", "--jumprelu-bandwidth", "nan"],
            "--jumprelu-bandwidth must be a positive finite number",
        ),
    ],
)
def test_bad_options_are_one_line_exit_2(main, capsys, tmp_path, monkeypatch, argv, msg):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("theory: error:") and msg in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_eval_without_a_truth_is_refused(main, capsys, tmp_path):
    sae = train_sae(oneill2024(), kind="topk", width=8, k=2, steps=5, batch_size=16, options=SAEOptions(progress=False))
    folder = save_sae(sae, tmp_path / "s")
    assert main(["sae", "eval", str(folder)]) == 2
    assert "pass --truth PRESET" in capsys.readouterr().err


def test_every_option_has_help_and_shows_its_default():
    parser = argparse.ArgumentParser(prog="theory")
    sub = parser.add_subparsers()
    cli_sae.register(sub)
    sae_parser = sub.choices["sae"]
    actions = [a for a in sae_parser._actions if isinstance(a, argparse._SubParsersAction)]
    subs = actions[0].choices
    assert set(subs) == {"truth", "train", "eval", "bench"}
    for name, p in subs.items():
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                continue
            assert a.help, (name, a.dest)
            if a.default not in (None, False) and not a.required:
                assert "default" in a.help, (name, a.dest)
        assert any(a.dest == "json" for a in p._actions), name
    help_text = " ".join(subs["bench"].format_help().split())
    assert "default: relu,topk,batchtopk,jumprelu,matryoshka" in help_text


def test_cli_kind_lists_match_the_library():
    # the CLI keeps its own copies so that registering it does not import the trainer
    from theory.sparse_coding import sae as sae_module

    assert cli_sae._KINDS == sae_module.KINDS
    assert cli_sae._K_KINDS == sae_module._K_KINDS


def test_normalize_choices_are_the_trainers():
    import argparse

    from theory.cli.sae import _optimisation
    from theory.sparse_coding.sae import NORMALIZATIONS

    p = argparse.ArgumentParser()
    _optimisation(p)
    action = next(a for a in p._actions if a.dest == "normalize")
    assert tuple(action.choices) == tuple(NORMALIZATIONS)


def test_jumprelu_flags_reach_the_trainer(main, capsys, tmp_path):
    """The defaults are the library's; a threshold set on the command line is the one trained from
    (after 5 steps at lr 1e-3 every threshold is within a few percent of it)."""
    from theory.sparse_coding import load_sae

    p = argparse.ArgumentParser()
    cli_sae._optimisation(p)
    ns = p.parse_args([])
    assert ns.jumprelu_threshold == SAEOptions().jumprelu_init_threshold
    assert ns.jumprelu_bandwidth == SAEOptions().jumprelu_bandwidth
    folder = tmp_path / "j"
    argv = ["sae", "train", "oneill2024", "--kind", "jumprelu", "--width", "8", "--steps", "5", "--no-progress"]
    argv += ["--jumprelu-threshold", "0.4", "--jumprelu-bandwidth", "0.4", "--out", str(folder)]
    assert main(argv) == 0
    sae = load_sae(folder)
    np.testing.assert_allclose(sae.threshold, 0.4, rtol=0.02)


def test_jumprelu_warning_names_the_flags(main, capsys):
    """With SAELens's 1e-3 thresholds on this preset the trainer warns, in one line naming the flags."""
    argv = ["sae", "bench", "--truth", "oneill2024", "--kinds", "jumprelu", "--width", "16", "--steps", "60"]
    assert main([*argv, "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("theory: warning: JumpReLU instance(s) [0]") and err.count("\n") == 1
    assert "--jumprelu-threshold" in err


def test_jumprelu_auto_on_the_command_line(main, capsys):
    """'auto' is accepted and, on the preset that warns with the defaults, no warning is printed;
    a word other than 'auto' is refused by the parser."""
    argv = ["sae", "bench", "--truth", "oneill2024", "--kinds", "jumprelu", "--width", "16", "--steps", "60"]
    argv += ["--no-progress", "--jumprelu-threshold", "auto", "--jumprelu-bandwidth", "auto"]
    assert main(argv) == 0
    assert "warning" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main([*argv[:-4], "--jumprelu-threshold", "big"])
    assert exc.value.code == 2 and "expected a number or 'auto', got 'big'" in capsys.readouterr().err

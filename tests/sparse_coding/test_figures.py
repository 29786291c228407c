"""Tests for theory.figures.sparse_coding: plots render, refuse bad input, and the recipes draw."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest

from theory.figures import save, style_context
from theory.figures import sparse_coding as fsc
from theory.sparse_coding import SAE, SAEOptions, oneill2024, train_saes
from theory.sparse_coding.scoring import score

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def trained():
    truth = oneill2024()
    saes = train_saes(
        truth, kind="topk", width=16, k=[2, 3], steps=40, batch_size=64, options=SAEOptions(progress=False)
    )
    return truth, saes


def test_training_curves_render(tmp_path, trained):
    _, saes = trained
    for q in ("loss", "mse", "l0", "dead"):
        ax = fsc.plot_training_curves(saes, quantity=q)
        assert len(ax.get_lines()) == 2
        np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), saes[0].log_steps)
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), saes[1].dead_fractions)
    ax = fsc.plot_training_curves({"k=2": saes[0]}, quantity="mse")
    assert ax.get_yscale() == "log" and ax.get_lines()[0].get_label() == "k=2"
    assert save(ax.figure, tmp_path / "curves.png")[0].stat().st_size > 1000


def test_training_curves_refuse_bad_input(trained):
    _, saes = trained
    with pytest.raises(ValueError, match="quantity must be one of"):
        fsc.plot_training_curves(saes, quantity="accuracy")
    with pytest.raises(ValueError, match="must not be empty"):
        fsc.plot_training_curves([])
    untrained = SAE(W_enc=np.eye(2), b_enc=np.zeros(2), W_dec=np.eye(2), b_dec=np.zeros(2), kind="relu")
    with pytest.raises(ValueError, match="no training curves"):
        fsc.plot_training_curves(untrained)
    with pytest.raises(ValueError, match="same length"):
        fsc.plot_training_curves({"steps": [1, 2], "mse": [1.0]})
    with pytest.raises(ValueError, match="keys 'steps' and 'l0'"):
        fsc.plot_training_curves({"a": {"steps": [1, 2], "mse": [1.0, 2.0]}}, quantity="l0")
    with pytest.raises(TypeError, match="SAE objects or curve mappings"):
        fsc.plot_training_curves([3.0])
    with pytest.raises(ValueError, match="finite"):
        fsc.plot_training_curves({"steps": [1, 2], "mse": [1.0, np.nan]})


def test_metric_table_renders_values(tmp_path, trained):
    truth, saes = trained
    scores = [(f"k={s.k}", score(s, truth, batch=256)) for s in saes]
    ax = fsc.plot_metric_table(scores)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 2 * len(fsc.TABLE_METRICS)
    assert texts[1] == f"{scores[0][1].mcc:.3f}"  # row 0, column "mcc"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["k=2", "k=3"]
    img = ax.get_images()[0].get_array()
    assert img.shape == (2, len(fsc.TABLE_METRICS))
    assert save(ax.figure, tmp_path / "table.svg")[0].stat().st_size > 1000
    # unlabelled scores are named by their model; None (absorption without a hierarchy) shows "-"
    ax = fsc.plot_metric_table([scores[0][1]], metrics=("mcc", "absorption"))
    assert ax.get_yticklabels()[0].get_text().startswith("SAE(kind='topk'") and ax.texts[1].get_text() == "-"


def test_metric_table_refuses_bad_input():
    with pytest.raises(ValueError, match="must not be empty"):
        fsc.plot_metric_table({})
    with pytest.raises(ValueError, match="no metric"):
        fsc.plot_metric_table({"a": SimpleNamespace(f1=0.5)}, metrics=("f1", "mcc"))
    with pytest.raises(ValueError, match="non-empty sequence"):
        fsc.plot_metric_table({"a": SimpleNamespace(f1=0.5)}, metrics=())
    with pytest.raises(TypeError, match="must be a number"):
        fsc.plot_metric_table({"a": SimpleNamespace(f1="high")}, metrics=("f1",))


def test_matched_cosines(tmp_path, trained):
    truth, saes = trained
    ax = fsc.plot_matched_cosines(saes[1], truth.dictionary, bins=10)
    s = score(saes[1], truth, batch=256)
    assert f"MCC {s.mcc:.3f}" in ax.get_legend().get_texts()[0].get_text()
    assert f"MMCS {s.mmcs:.3f}" in ax.get_legend().get_texts()[1].get_text()
    heights = [p.get_height() for p in ax.patches[:10]]
    assert sum(heights) == 16  # one bar entry per matched pair
    assert save(ax.figure, tmp_path / "cos.pdf")[0].stat().st_size > 1000
    ax = fsc.plot_matched_cosines(np.eye(3), np.eye(3))
    assert "MCC 1.000" in ax.get_legend().get_texts()[0].get_text()
    # two latents on the first two axes: both matched pairs have |cos| 1, the third feature's best is 0
    ax = fsc.plot_matched_cosines(np.eye(3)[:, :2], np.eye(3))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "MCC 1.000" in legend[0] and "MMCS 0.667" in legend[1]
    with pytest.raises(ValueError, match="looks transposed"):
        fsc.plot_matched_cosines(truth.dictionary.T, truth.dictionary)
    with pytest.raises(ValueError, match="zero column"):
        fsc.plot_matched_cosines(np.eye(3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="bins must be"):
        fsc.plot_matched_cosines(np.eye(3), np.eye(3), bins=0)


def test_recipes_draw(tmp_path):
    assert set(fsc.FIGURES) == {
        "sae_metric_table",
        "sae_training_curves",
        "sae_matched_cosines",
        "recovery_phase",
        "spud_threshold",
    }
    for name, recipe in fsc.FIGURES.items():
        if name in ("recovery_phase", "spud_threshold"):  # drawn by test_phase_diagram.py, test_spud_threshold.py
            continue
        with style_context():
            fig = recipe(True)
            path = save(fig, tmp_path / name, formats=["png"])[0]
        assert path.stat().st_size > 5000, name

"""The SynthSAEBench ranking's report prints every row, including runs too short to measure flattening."""

from __future__ import annotations

from theory.experiments.sparse_coding import synthbench_ranking


def test_markdown_of_a_run_too_short_to_measure_flattening():
    res = synthbench_ranking(quick=True, steps=3)
    single = res.data["single_sae"]
    assert single is not None and single["loss_change_last_tenth"] is None
    md = res.markdown()
    assert "not measured (too few logged steps)" in md
    assert "nan" not in md.lower()

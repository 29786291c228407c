"""``theory prove --latex`` writes documents that compile with pdflatex."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from theory.cli import main

PDFLATEX = shutil.which("pdflatex")


def _need_pdflatex() -> str:
    if PDFLATEX is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI: .ci/run installs texlive-latex-base")
        pytest.skip("pdflatex not installed (apt-get install texlive-latex-base)")
    return PDFLATEX


@pytest.mark.slow
def test_every_derivation_compiles(tmp_path, capsys):
    pdflatex = _need_pdflatex()
    assert main(["prove", "--latex", str(tmp_path)]) == 0
    capsys.readouterr()
    texs = sorted(tmp_path.glob("*.tex"))
    assert len(texs) >= 10
    failed = []
    for tex in texs:
        run = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if run.returncode != 0 or not tex.with_suffix(".pdf").exists():
            failed.append(f"{tex.name}: {run.stdout[-800:]}")
    assert not failed, "\n".join(failed)


def test_escaping_keeps_special_characters_from_breaking_the_document(tmp_path):
    import sympy as sp

    from theory.proofs import Derivation

    d = Derivation("odd_name_50%", "μ ≤ 1/√3 & x_i ≥ 0 # {braces} ~ ^ \\ ‖x‖₂ ∞ ⨁", "Ω & co")
    x = sp.Symbol("x")
    d.equal("(x+1)² = x² + 2x + 1", (x + 1) ** 2, x**2 + 2 * x + 1)
    d.step("a text claim", "holds by fiat", holds=True)
    text = d.to_latex()
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")
    assert "U+2A01" in text  # a symbol with no rendering is spelled out, not passed through
    pdflatex = _need_pdflatex()
    (tmp_path / "odd.tex").write_text(text, encoding="utf-8")
    run = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "odd.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-1500:]

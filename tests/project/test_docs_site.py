"""The documentation site builds with Sphinx, warnings as errors and every cross-reference resolved.

The build runs on a copy of ``docs/`` (``docs/conf.py`` writes the API pages next to itself).
The Python blocks of the pages run in ``test_docs_examples.py`` and the docstring examples run as
doctests, so every example the site shows is executed by the suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_docs_site_builds_without_warnings(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("_build", "api"))
    # the pages show the committed benchmark figures from ../benchmarks/results
    figures = tmp_path / "benchmarks" / "results"
    figures.mkdir(parents=True)
    for f in (ROOT / "benchmarks" / "results").glob("*.png"):
        shutil.copy2(f, figures / f.name)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            str(docs),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-6000:]
    html = tmp_path / "html"
    assert (html / "index.html").exists() and (html / "api" / "theory.sparse_coding.html").exists()
    page = (html / "api" / "theory.geometry.html").read_text(encoding="utf-8")
    assert "welch_bound" in page and "References" in page


def test_every_page_is_in_the_site():
    """Each Markdown page of docs/ is listed in a toctree of the index (no orphan pages)."""
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    pages = {p.stem for p in (ROOT / "docs").glob("*.md")} - {"index"}
    missing = sorted(p for p in pages if f"\n{p}\n" not in index)
    assert not missing, f"pages missing from docs/index.md toctrees: {missing}"

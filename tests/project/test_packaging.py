"""The wheel installs one top-level package, ``theory`` (the derivations included, as ``theory.proofs``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import setuptools

ROOT = Path(__file__).resolve().parents[2]


def test_only_theory_is_packaged(tmp_path, monkeypatch):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = setuptools.find_packages(where=str(ROOT), include=include)
    assert found and {p.split(".")[0] for p in found} == {"theory"}
    assert "theory.proofs" in found and "theory.sparse_coding" in found
    # a report folder of the Quick start, even one that looks like a package, is never picked up
    report = ROOT / "theory-report"
    made = not report.exists()
    try:
        report.mkdir(exist_ok=True)
        (report / "__init__.py").touch()
        again = setuptools.find_packages(where=str(ROOT), include=include)
        assert not any(p.startswith("theory-report") or p.startswith("theory_report") for p in again)
    finally:
        if made:
            (report / "__init__.py").unlink()
            report.rmdir()


def test_every_subpackage_of_theory_is_found():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(setuptools.find_packages(where=str(ROOT), include=include))
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "theory").rglob("__init__.py")}
    assert on_disk <= found

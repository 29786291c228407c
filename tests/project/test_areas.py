"""The area descriptor (``theory._areas``) is the one list every consumer reads."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import theory
import theory.cli
from theory import _areas
from theory._areas import AREAS, Area


def test_every_named_module_exists_and_plugs_in():
    for a in AREAS:
        importlib.import_module(a.package)
        if a.claims:
            assert callable(importlib.import_module(a.claims).claims)
        if a.figures:
            importlib.import_module(a.figures)
        for cli in a.cli:
            assert callable(importlib.import_module(cli).register)


def test_every_cli_module_is_named_once():
    on_disk = {f"theory.cli.{m.name}" for m in pkgutil.iter_modules(theory.cli.__path__) if not m.name.startswith("_")}
    named = theory.cli.command_modules()
    assert len(named) == len(set(named))
    assert set(named) == on_disk


def test_theory_exposes_every_area_and_the_shared_modules():
    for a in AREAS:
        assert a.name in theory.__all__
        assert getattr(theory, a.name).__name__ == a.package
    for s in _areas.SHARED:
        assert s in theory.__all__


def test_a_misnamed_claims_module_is_an_import_error_not_a_silent_skip(monkeypatch):
    reg = importlib.import_module("theory.verify.registry")

    bad = Area("geometry", "typo", claims="theory.geometry.claimz")
    monkeypatch.setattr(reg, "AREAS", (bad,))
    with pytest.raises(ModuleNotFoundError, match="claimz"):
        reg._load(reg.claim_modules())


def test_a_misnamed_figure_module_is_an_import_error(monkeypatch):
    from theory import figures

    monkeypatch.setattr(figures, "AREAS", (Area("geometry", "typo", figures="theory.figures.geometri"),))
    with pytest.raises(ModuleNotFoundError, match="geometri"):
        list(figures.figure_modules())


def test_every_claim_figure_key_is_drawable():
    from theory import figures
    from theory.verify import registry

    keys = figures.verdict_figures()
    for claim in registry().values():
        if isinstance(claim.figure, str):
            assert claim.figure in keys, claim.id


def test_the_claims_of_every_area_carry_its_prefix():
    from theory.verify import registry

    areas = {a.name for a in AREAS}
    for cid in registry():
        assert cid.split(".")[0] in areas, cid

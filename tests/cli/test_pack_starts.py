"""``theory pack --starts``: the kinds of start reach ``pack`` and its JSON reports them."""

from __future__ import annotations

import json

import pytest

from theory.cli import main


def test_starts_are_passed_to_pack_and_reported(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["pack", "--dim", "4", "--n", "9", "--restarts", "16", "--starts", "orbit, random", "--json", "--quiet"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["restarts"] == 16 and set(doc["start_kinds"]) == {"orbit", "random"}
    assert sum(doc["start_kinds"].values()) == 16


def test_an_unknown_start_kind_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["pack", "--dim", "3", "--n", "5", "--restarts", "2", "--starts", "orbit,nope", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "nope" in err and "Traceback" not in err

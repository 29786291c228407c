"""The command line: --json output, no files unless asked, and which errors are one line."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from theory import cli
from theory.cli import main


@pytest.fixture
def frame_file(tmp_path):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 10))
    path = tmp_path / "w.npy"
    np.save(path, W)
    return path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bounds", "--dim", "3", "--n", "7", "--lp"], {"dim": 3, "n": 7}),
        (["capacity", "--dim", "8", "--max-cos", "0.3", "--no-optimise"], {"dim": 8, "max_cos": 0.3}),
        (["dictionary", "{frame}", "--k", "2", "--no-random"], {"dim": 6, "n": 10, "k": 2, "random_max_cos": None}),
        (["rip", "{frame}", "--k", "2", "3", "--sdp-max-n", "0"], {"dim": 6, "n": 10}),
    ],
)
def test_json_output_parses_and_no_file_is_written(args, expected, frame_file, tmp_path, monkeypatch, capsys):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main([a.format(frame=frame_file) for a in args] + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    assert {k: data.get(k) for k in expected} == expected  # the run's own sizes, as JSON numbers
    assert all(type(data[k]) is type(v) for k, v in expected.items())  # an int stays an int
    assert list(work.iterdir()) == []  # nothing written unless asked


def test_figures_are_written_only_when_asked(frame_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["dictionary", str(frame_file), "--no-random", "--figure", "h.png"]) == 0
    assert main(["rip", str(frame_file), "--k", "2", "--sdp-max-n", "0"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.png", "w.npy"]


def _fake_command(monkeypatch, exc):
    def register(sub):
        p = sub.add_parser("boom")
        p.set_defaults(func=lambda args: (_ for _ in ()).throw(exc))

    monkeypatch.setattr(cli, "command_modules", lambda: ("fake",))
    monkeypatch.setattr(cli.importlib, "import_module", lambda name: argparse.Namespace(register=register))


def test_missing_optional_package_is_one_line_naming_the_extra(monkeypatch, capsys):
    _fake_command(monkeypatch, ModuleNotFoundError("No module named 'safetensors'", name="safetensors"))
    assert main(["boom"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "superposition-theory[io]" in err


@pytest.mark.parametrize("exc", [TypeError("unsupported operand"), KeyError("x")])
def test_a_library_bug_shows_its_traceback(monkeypatch, exc):
    _fake_command(monkeypatch, exc)
    with pytest.raises(type(exc)):
        main(["boom"])


def test_unwritable_output_is_one_line_exit_2(tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    code = main(
        ["capacity", "--dim", "4", "--max-cos", "0.5", "--no-optimise", "--save-witness", str(blocker / "w.npy")]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("theory: error: Not a directory") and "\n" not in err


def test_negative_max_supports_is_refused(frame_file, capsys):
    assert main(["rip", str(frame_file), "--k", "2", "--max-supports", "-1"]) == 2
    assert "--max-supports must be >= 0" in capsys.readouterr().err


def test_every_option_has_help_and_shows_its_default():
    parser = cli.build_parser()
    bad = []

    def walk(p, path):
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for name, sub in a.choices.items():
                    walk(sub, [*path, name])
                continue
            if isinstance(a, (argparse._HelpAction, argparse._VersionAction)):
                continue
            text = a.help or ""
            if not text or text == argparse.SUPPRESS:
                bad.append(f"{' '.join(path)} {a.dest}: no help")
            elif (
                a.default not in (None, False, argparse.SUPPRESS)
                and not isinstance(a, argparse._StoreTrueAction)
                and "default" not in text
            ):
                bad.append(f"{' '.join(path)} {a.dest}: default {a.default!r} not shown")

    walk(parser, ["theory"])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("category", ["TheoryWarning", "TheoryDeprecationWarning", "RuntimeWarning"])
def test_toolkit_warnings_print_as_one_line(category, monkeypatch, capsys):
    """A command's TheoryWarning (or deprecation) prints as ``theory: warning: ...`` without the
    source line; any other warning goes through Python's own machinery; the hook is removed after."""
    import warnings

    import theory

    cls = {"RuntimeWarning": RuntimeWarning}.get(category) or getattr(theory, category)

    def fake(args):
        warnings.warn("thresholds stayed small", cls, stacklevel=1)
        return 0

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    monkeypatch.setattr(parser, "parse_args", lambda argv: argparse.Namespace(func=fake))
    before = warnings.showwarning
    if cls is RuntimeWarning:
        with pytest.warns(RuntimeWarning, match="thresholds stayed small"):
            assert main(["anything"]) == 0
        assert "theory: warning" not in capsys.readouterr().err
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            assert main(["anything"]) == 0
        assert capsys.readouterr().err == "theory: warning: thresholds stayed small\n"
    assert warnings.showwarning is before

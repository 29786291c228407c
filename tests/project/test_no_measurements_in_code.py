"""Docstrings and comments state the method; machines, dates and measured times belong in the docs' results pages."""

from __future__ import annotations

import ast
import io
import pathlib
import re
import tokenize

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2] / "theory"

PATTERNS = {
    "a date": re.compile(
        r"\b20\d\d-\d\d-\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? 20\d\d\b"
    ),
    "a machine": re.compile(r"EPYC|Xeon|\bGHz\b|load average|this machine|\b\d+-core\b|logical CPUs|laptop", re.I),
    "a measured time": re.compile(r"(?<![\w.\-])\d+(?:\.\d+)?\s?(?:ms|s|secs?|seconds|minutes|min)\b(?!['\w])"),
}


def _prose(source: str) -> list[tuple[int, str]]:
    """Comments and docstrings of a module, line by line."""
    out = [
        (t.start[0], t.string)
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc and node.body:
                out += [(node.body[0].lineno + i, line) for i, line in enumerate(doc.splitlines())]
    return out


def _findings(source: str) -> list[tuple[int, str, str]]:
    return [(ln, what, text.strip()) for ln, text in _prose(source) for what, rx in PATTERNS.items() if rx.search(text)]


@pytest.mark.parametrize(
    "text",
    [
        "# measured 3.2 s per step",
        '"""Fast: 0.4 seconds on the test machine."""',
        "# run on 2026-12-03",
        '"""Timed on an AMD EPYC."""',
        "# at load average 5",
        '"""About 12 minutes for the grid."""',
    ],
)
def test_the_scanner_finds_measurements(text: str) -> None:
    assert _findings(text)


@pytest.mark.parametrize(
    "text",
    [
        '"""A clock resolution floor (1e-9 s) so that it can divide the time left."""',
        '"""The optimum is p* = (2 s\' d)^(-1/3)."""',
        '"""Welch, L. R. (1974). Lower bounds on the maximum cross correlation of signals."""',
        "# time_limit seconds per case",
    ],
)
def test_the_scanner_leaves_mathematics_and_citations_alone(text: str) -> None:
    assert not _findings(text)


def test_no_docstring_or_comment_records_a_machine_a_date_or_a_measured_time() -> None:
    found = [
        f"{path.relative_to(ROOT.parent)}:{ln}: {what}: {text[:100]}"
        for path in sorted(ROOT.rglob("*.py"))
        for ln, what, text in _findings(path.read_text(encoding="utf-8"))
    ]
    assert not found, "move these to the docs' results pages:\n" + "\n".join(found)

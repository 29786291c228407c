"""Every Python block in README.md and docs/*.md runs as written, in page order.

Blocks of one page share a namespace (a later block may use an earlier one's names) and run in a
temporary working directory. A block that is deliberately a fragment (a signature, code that needs
a cluster) is preceded by an HTML comment ``<!-- not run: reason -->`` and is skipped, with its
reason listed by this test's parametrisation.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"(?:<!--\s*not run:(?P<why>[^>]*)-->\s*\n)?```python\n(?P<code>.*?)```", re.S)


def _blocks(page: Path) -> list[tuple[str, str | None]]:
    return [(m["code"], m["why"]) for m in _BLOCK.finditer(page.read_text(encoding="utf-8"))]


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=lambda p: p.name)
def test_page_examples_run(page, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    # the blocks run as a script would: functions they define live in __main__, so a sweep can
    # send them to worker processes
    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    namespace = main.__dict__
    for i, (code, why) in enumerate(_blocks(page)):
        if why is not None:
            assert why.strip(), f"{page.name} block {i}: a skipped block must say why"
            continue
        try:
            exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as exc:  # name the page and block
            raise AssertionError(f"{page.name} block {i} failed: {type(exc).__name__}: {exc}") from exc


def test_the_marker_is_recognised():
    text = "<!-- not run: needs a cluster -->\n```python\nboom()\n```\n```python\nx = 1\n```\n"
    found = [(m["code"], m["why"]) for m in _BLOCK.finditer(text)]
    assert found == [("boom()\n", " needs a cluster "), ("x = 1\n", None)]

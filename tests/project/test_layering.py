"""The toolkit's imports flow one way: a test walks the import graph of every module in ``theory``.

Every ``import`` statement counts, including imports inside functions (a lazy import is still a
dependency). Layers and areas come from :mod:`theory._areas`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import theory
from theory._areas import AREAS, LAYERS, is_claims_module, layer_of

ROOT = Path(theory.__file__).parent


def _module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            # ``from theory.x import y`` may import submodule ``theory.x.y``
            for a in node.names:
                sub = f"{mod}.{a.name}"
                found.append((node.lineno, sub if _exists(sub) else mod))
    return [(line, m) for line, m in found if m == "theory" or m.startswith("theory.")]


def _exists(module: str) -> bool:
    rel = Path(*module.split("."))
    return (ROOT.parent / rel).with_suffix(".py").exists() or (ROOT.parent / rel / "__init__.py").exists()


def _area_of(module: str) -> str | None:
    for a in AREAS:
        if module == a.package or module.startswith(a.package + "."):
            if is_claims_module(module):
                return None
            return a.name
    return None


def _edges(root: Path = ROOT):
    for path in sorted(root.rglob("*.py")):
        src = _module_name(path, root)
        for line, dst in _imports(path, root):
            yield path, line, src, dst


def _upward(root: Path = ROOT) -> list[str]:
    found = []
    for path, line, src, dst in _edges(root):
        if dst == "theory":  # the root package only re-exports lazily
            continue
        ls, ld = layer_of(src), layer_of(dst)
        if ld > ls:
            found.append(
                f"{path.relative_to(root.parent)}:{line}: {src} ({LAYERS[ls][0]}) imports {dst} ({LAYERS[ld][0]})"
            )
    return found


def test_every_module_is_in_a_layer():
    for path in ROOT.rglob("*.py"):
        layer_of(_module_name(path))  # raises for a module in no layer


def test_imports_never_go_up_a_layer():
    upward = _upward()
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_areas_in_one_layer_do_not_import_each_other():
    sideways = []
    for path, line, src, dst in _edges():
        a, b = _area_of(src), _area_of(dst)
        if a and b and a != b and layer_of(src) == layer_of(dst):
            sideways.append(f"{path.relative_to(ROOT.parent)}:{line}: {src} imports {dst}")
    assert not sideways, "imports between sibling areas:\n" + "\n".join(sideways)


def test_the_walker_sees_an_upward_edge(tmp_path):
    """The check can fail: a geometry module importing the verification layer is caught."""
    pkg = tmp_path / "theory" / "geometry"
    pkg.mkdir(parents=True)
    (pkg / "probe.py").write_text(
        "def f():\n    from theory.verify import check\n    from . import frames\n"
        "    from theory.interference import rip\n",
        encoding="utf-8",
    )
    edges = {(s, d) for _, _, s, d in _edges(tmp_path / "theory")}
    assert ("theory.geometry.probe", "theory.verify.check") in edges
    assert ("theory.geometry.probe", "theory.geometry.frames") in edges
    bad = _upward(tmp_path / "theory")
    assert len(bad) == 2 and "theory.verify.check (verification)" in bad[0]
    assert "theory.interference.rip (interference)" in bad[1]


def test_no_silent_plugin_loading():
    """No module imports an area by a name that may silently be skipped."""
    offenders = [
        str(p.relative_to(ROOT.parent))
        for p in ROOT.rglob("*.py")
        if "import_if_present" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders

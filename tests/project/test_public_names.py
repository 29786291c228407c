"""A public name is never replaced by a submodule of the same name, whatever the import order.

Importing ``theory.pkg.name`` binds the attribute ``name`` of ``theory.pkg`` to the module; a
package that re-exports a function ``name`` lazily would then hand out the module instead
(``theory.sparse_coding.score`` did, until its module became ``scoring``).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import theory

#: ``theory`` re-exports its subpackages and modules (``theory.geometry``, ``theory.sweep``) on purpose.
MODULES_BY_DESIGN = "theory"


def _collisions() -> list[tuple[str, str]]:
    out = []
    for info in [pkgutil.ModuleInfo(None, "theory", True), *pkgutil.walk_packages(theory.__path__, "theory.")]:  # type: ignore[arg-type]
        if not info.ispkg:
            continue
        pkg = importlib.import_module(info.name)
        subs = {m.name for m in pkgutil.iter_modules(pkg.__path__)}
        out += [(info.name, n) for n in getattr(pkg, "__all__", ()) if n in subs]
    return [c for c in out if c[0] != MODULES_BY_DESIGN]


COLLISIONS = _collisions()


def test_the_check_sees_the_eager_collisions() -> None:
    # functions named like their module in eagerly imported packages (a module-level import rebinds them)
    assert ("theory.circuits", "uand") in COLLISIONS and ("theory.toy_models", "train") in COLLISIONS


@pytest.mark.parametrize(("package", "name"), COLLISIONS, ids=[f"{p}.{n}" for p, n in COLLISIONS])
@pytest.mark.parametrize("first", ["package", "submodule"])
def test_public_name_stays_the_object_after_importing_its_submodule(package: str, name: str, first: str) -> None:
    steps = (
        f"import importlib, types; pkg = importlib.import_module({package!r}); "
        f"obj = getattr(pkg, {name!r}); importlib.import_module({package + '.' + name!r})"
        if first == "package"
        else f"import importlib, types; importlib.import_module({package + '.' + name!r}); "
        f"pkg = importlib.import_module({package!r})"
    )
    code = steps + f"; assert not isinstance(getattr(pkg, {name!r}), types.ModuleType), 'module'"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{package}.{name} is a module after importing it: {proc.stderr[-400:]}"


def test_no_lazy_package_exports_a_name_of_its_own_submodule() -> None:
    # the lazy packages resolve names on first use; a submodule of the same name would shadow it.
    # A fresh interpreter: in this one another test may already have resolved the name.
    code = (
        "import importlib, json, sys; pairs = json.loads(sys.argv[1]); bad = []\n"
        "for package, name in pairs:\n"
        "    pkg = importlib.import_module(package)\n"
        "    if getattr(pkg, '__getattr__', None) is not None and name not in vars(pkg):\n"
        "        bad.append(f'{package}.{name}')\n"
        "print(' '.join(bad)); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(COLLISIONS)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"lazily exported names with a submodule of the same name: {proc.stdout.strip()}"

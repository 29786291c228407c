"""Sphinx configuration of the superposition-theory documentation site.

Build: ``python -m sphinx -W -n -b html docs docs/_build/html`` (warnings are errors and every
cross-reference must resolve; ``tests/project/test_docs_site.py`` runs this build).
"""

from __future__ import annotations

import theory

project = "superposition-theory"
author = "the superposition-theory developers"
copyright = "2026, the superposition-theory developers"
release = theory.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

autodoc_typehints = "none"
autodoc_preserve_defaults = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# No network at build time: intersphinx inventories are not fetched, so references to other
# libraries' objects (``scipy.optimize.linprog``) cannot resolve and are the only ones let through.
# Every reference to this project's own objects must resolve (``-n``: nitpicky).
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
nitpicky = True
_OTHER_LIBRARIES = r"(numpy|scipy|sklearn|sympy|highspy|cvxpy|matplotlib|dask|safetensors|tqdm)(\..*)?"
nitpick_ignore_regex = [(r"py:.*", _OTHER_LIBRARIES)]

html_theme = "alabaster"
html_title = f"superposition-theory {release}"


# ----------------------------------------------------------------------------------------------
# API pages: one per package, listing its __all__, written before the build reads the sources.
# ----------------------------------------------------------------------------------------------

API_PACKAGES = [
    "theory",
    *(a.package for a in theory._areas.AREAS),
    "theory.verify",
    "theory.sweep",
    "theory.experiments",
    "theory.figures",
    "theory.proofs",
]


def _directive(obj: object) -> str:
    import inspect

    if inspect.isclass(obj):
        return "autoclass"
    if callable(obj):
        return "autofunction"
    return "autodata"


def _write_api_pages() -> None:
    """Write ``docs/api/<package>.rst``: a summary table of the package's public names, then each
    one documented from its docstring (subpackages listed in ``__all__`` have their own page)."""
    import importlib
    import inspect
    from pathlib import Path

    here = Path(__file__).parent / "api"
    here.mkdir(exist_ok=True)
    for name in API_PACKAGES:
        mod = importlib.import_module(name)
        public = [
            (n, getattr(mod, n))
            for n in sorted(getattr(mod, "__all__", []))
            if not n.startswith("__") and not inspect.ismodule(getattr(mod, n))
        ]
        lines = [
            f"``{name}``",
            "=" * (len(name) + 4),
            "",
            f".. automodule:: {name}",
            "   :no-members:",
            "",
            f".. currentmodule:: {name}",
            "",
        ]
        if public:
            lines += [".. list-table::", "   :widths: 30 70", ""]
            for n, obj in public:
                doc = inspect.getdoc(obj) if not isinstance(obj, (int, float, str, tuple, dict)) else ""
                first = " ".join((doc or "").strip().split("\n\n")[0].split()) if doc else ""
                role = {"autoclass": "class", "autofunction": "func", "autodata": "data"}[_directive(obj)]
                lines += [f"   * - :{role}:`{n}`", f"     - {first}" if first else "     -"]
            lines.append("")
        for n, obj in public:
            lines.append(f".. {_directive(obj)}:: {n}")
            if _directive(obj) == "autoclass":
                lines += ["   :members:", "   :exclude-members: __init__, __new__"]
            lines.append("")
        text = "\n".join(lines)
        page = here / f"{name}.rst"
        if not page.exists() or page.read_text() != text:
            page.write_text(text)


import theory._areas  # noqa: E402

_write_api_pages()


def _shorten_defaults(app, what, name, obj, options, signature, return_annotation):
    """Long string defaults (a dataclass's citation) are shown as ``'...'``: the docstring gives them."""
    import re

    if signature and what == "class":
        signature = re.sub(r"""=('[^',]*,[^']*'|"[^",]*,[^"]*")""", "='...'", signature)
    return signature, return_annotation


def setup(app):
    app.connect("autodoc-process-signature", _shorten_defaults)

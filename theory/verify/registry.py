"""The registry of built-in claims, gathered from each area's claims module (named in ``theory._areas``),
and the loaders of users' claims (a module or file of theirs, or installed entry points)."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from theory._areas import AREAS
from theory.verify.claim import Claim

__all__ = ["ENTRY_POINT_GROUP", "claim_modules", "combine_claims", "load_claims", "plugin_claims", "registry"]


def claim_modules() -> tuple[str, ...]:
    """The modules that contribute claims, one per area that has one (see :data:`theory._areas.AREAS`).

    Examples
    --------
    >>> claim_modules()[0]
    'theory.geometry.claims'
    """
    return tuple(a.claims for a in AREAS if a.claims is not None)


_cache: dict[str, Claim] | None = None


def _load(modules: Iterable[str]) -> dict[str, Claim]:
    found: dict[str, Claim] = {}
    for name in modules:  # a missing or misnamed module is an ImportError; a repeated id a ValueError
        found = combine_claims(found, load_claims(name), name)
    return dict(sorted(found.items()))


def registry() -> dict[str, Claim]:
    """All built-in claims, by id (sorted).

    Returns
    -------
    dict of str to Claim

    Examples
    --------
    >>> reg = registry()
    >>> "geometry.welch" in reg and "interference.jl_pair" in reg
    True
    """
    global _cache
    if _cache is None:
        _cache = _load(claim_modules())
    return dict(_cache)


#: The entry-point group through which installed packages contribute claims to ``theory verify``.
ENTRY_POINT_GROUP = "superposition_theory.claims"


def _as_claims(made: Any, source: str) -> list[Claim]:
    if isinstance(made, Claim):
        made = [made]
    if isinstance(made, (str, bytes, Mapping)) or not isinstance(made, Iterable):
        raise TypeError(f"{source} must return an iterable of Claim objects, got {type(made).__name__}")
    out = list(made)
    for claim in out:
        if not isinstance(claim, Claim):
            raise TypeError(f"{source} returned a {type(claim).__name__}, not a Claim")
    return out


def load_claims(module: str | Path | ModuleType) -> list[Claim]:
    """The claims a user's module defines: the list its ``claims()`` function returns.

    Parameters
    ----------
    module : str, path or module
        A path to a ``.py`` file (``"my_claims.py"``), a dotted module name importable from
        ``sys.path`` (``"mypackage.claims"``), or a module object.

    Returns
    -------
    list of Claim

    Raises
    ------
    FileNotFoundError
        A ``.py`` path that does not exist.
    ImportError
        A dotted name that cannot be imported.
    TypeError
        The module has no callable ``claims``, or it returns something other than Claims.

    Examples
    --------
    >>> [c.id for c in load_claims("theory.geometry.claims")][:1]
    ['geometry.welch']
    """
    if isinstance(module, ModuleType):
        mod, name = module, module.__name__
    else:
        if not isinstance(module, (str, Path)) or not str(module):
            raise TypeError(f"module must be a path to a .py file or a dotted module name, got {module!r}")
        text = str(module)
        path = Path(text).expanduser()
        if isinstance(module, Path) or text.endswith(".py") or os.sep in text or "/" in text:
            if not path.is_file():
                raise FileNotFoundError(f"module: no such Python file: {text}")
            digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
            name = f"_theory_user_claims_{path.stem}_{digest}"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"module: cannot load {text} as a Python module")
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod  # so dataclasses and pickling can find the module
            try:
                spec.loader.exec_module(mod)
            except BaseException:
                sys.modules.pop(name, None)
                raise
        else:
            name = text
            mod = importlib.import_module(text)
    make = getattr(mod, "claims", None)
    if not callable(make):
        raise TypeError(f"{name} must define claims() returning a list of Claim objects")
    return _as_claims(make(), f"{name}.claims()")


def plugin_claims() -> list[Claim]:
    """Claims contributed by installed packages through the ``superposition_theory.claims``
    entry-point group.

    Each entry point names a callable returning claims, e.g. in a plugin's ``pyproject.toml``::

        [project.entry-points."superposition_theory.claims"]
        my_claims = "my_package.claims:claims"

    Returns
    -------
    list of Claim
        In the entry points' name order. A broken entry point raises, naming it.

    Examples
    --------
    >>> isinstance(plugin_claims(), list)
    True
    """
    eps = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    found: list[Claim] = []
    for ep in eps:
        source = f"entry point {ep.name!r} ({ep.value}) of group {ENTRY_POINT_GROUP!r}"
        try:
            make = ep.load()
        except Exception as exc:
            raise ImportError(f"cannot load {source}: {type(exc).__name__}: {exc}") from exc
        if not callable(make):
            raise TypeError(f"{source} must name a callable returning claims, got {type(make).__name__}")
        found += _as_claims(make(), source)
    return found


def combine_claims(base: Mapping[str, Claim], extra: Iterable[Claim], source: str = "extra claims") -> dict[str, Claim]:
    """``base`` with ``extra`` added; an id already present (or repeated in ``extra``) is a
    ``ValueError``.

    Examples
    --------
    >>> reg = registry()
    >>> try:
    ...     combine_claims(reg, [reg["geometry.welch"]])
    ... except ValueError as e:
    ...     print(str(e)[:44])
    claim id 'geometry.welch' from extra claims
    """
    out = dict(base)
    for claim in _as_claims(extra, source):
        if claim.id in out:
            raise ValueError(
                f"claim id {claim.id!r} from {source} collides with an existing claim; "
                "choose another id (ids must be unique, e.g. prefixed by your package)"
            )
        out[claim.id] = claim
    return out

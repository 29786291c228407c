"""The registry of built-in claims, gathered from each area's claims module (named in ``theory._areas``)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from theory._areas import AREAS
from theory.verify.claim import Claim

__all__ = ["claim_modules", "registry"]


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
    for name in modules:
        mod = importlib.import_module(name)  # a missing or misnamed module is an ImportError
        make = getattr(mod, "claims", None)
        if not callable(make):
            raise TypeError(f"{name} must define claims() -> list[Claim]")
        for claim in make():
            if not isinstance(claim, Claim):
                raise TypeError(f"{name}.claims() returned a {type(claim).__name__}, not a Claim")
            if claim.id in found:
                raise ValueError(f"duplicate claim id {claim.id!r} (in {name})")
            found[claim.id] = claim
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

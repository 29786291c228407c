"""The registry of built-in claims, gathered from each area's ``claims`` module."""

from __future__ import annotations

from collections.abc import Iterable

from theory._plugins import import_if_present
from theory.verify.claim import Claim

__all__ = ["CLAIM_MODULES", "registry"]

#: Modules that contribute claims. Each defines ``claims() -> list[Claim]``. A module that does
#: not exist yet is skipped, so areas can be added independently.
CLAIM_MODULES: tuple[str, ...] = (
    "theory.geometry.claims",
    "theory.interference.claims",
    "theory.toy_models.claims",
    "theory.circuits.claims",
)

_cache: dict[str, Claim] | None = None


def _load(modules: Iterable[str]) -> dict[str, Claim]:
    found: dict[str, Claim] = {}
    for name in modules:
        mod = import_if_present(name)
        if mod is None:  # the area (or its claims module) does not exist: skip it
            continue
        for claim in mod.claims():
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
        _cache = _load(CLAIM_MODULES)
    return dict(_cache)

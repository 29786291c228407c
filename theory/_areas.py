"""The one place that names the toolkit's areas (pillars) and what each plugs into the shared machinery.

Every consumer reads :data:`AREAS`: ``theory.verify`` gathers claims from each area's claims
module, ``theory.figures`` finds plot functions and figure recipes in each area's figure module,
the command line adds each area's subcommands, and ``theory`` imports the area packages on first
use. Modules are imported by name with :func:`importlib.import_module`, so a missing or misnamed
module is an :class:`ImportError`, never a silently skipped area.

This module imports nothing from the toolkit: it sits at the bottom of the layering (see
:data:`LAYERS` and ``docs/design.md``).

Adding an area is one entry in :data:`AREAS` (and its package, claims, figures and CLI modules).

Examples
--------
>>> [a.name for a in AREAS]
['geometry', 'interference', 'circuits', 'toy_models', 'sparse_coding']
>>> area("geometry").claims
'theory.geometry.claims'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AREAS", "LAYERS", "SHARED", "Area", "area", "is_claims_module", "layer_of"]


@dataclass(frozen=True)
class Area:
    """One pillar of the toolkit and the modules it contributes.

    Attributes
    ----------
    name : str
        Short name, also the package name under ``theory`` (``"geometry"``).
    summary : str
        One line on what the area does (shown by ``theory --help`` and in the docs).
    claims : str or None
        Module defining ``claims() -> list[Claim]`` for ``theory verify``.
    figures : str or None
        Module of plot functions (``plot_*``) and figure recipes (``FIGURES``) for ``theory figures``.
    cli : tuple of str
        Modules each defining ``register(subparsers)`` for a ``theory`` subcommand.
    """

    name: str
    summary: str
    claims: str | None = None
    figures: str | None = None
    cli: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        """The area's package, ``theory.<name>``."""
        return f"theory.{self.name}"


#: The pillars, in dependency order (an area may import the ones before it, never after).
AREAS: tuple[Area, ...] = (
    Area(
        "geometry",
        "frames, coherence bounds, Delsarte LP, constructions, packings, capacity",
        claims="theory.geometry.claims",
        figures="theory.figures.geometry",
        cli=("theory.cli.bounds", "theory.cli.capacity", "theory.cli.pack"),
    ),
    Area(
        "interference",
        "k-sparse interference, RIP, random projections, read-out, recovery",
        claims="theory.interference.claims",
        figures="theory.figures.interference",
        cli=("theory.cli.dictionary", "theory.cli.rip"),
    ),
    Area(
        "circuits",
        "Boolean circuits computed in superposition",
        claims="theory.circuits.claims",
        figures="theory.figures.circuits",
        cli=("theory.cli.circuits",),
    ),
    Area(
        "toy_models",
        "the ReLU-output toy model of Elhage et al. (2022)",
        claims="theory.toy_models.claims",
        figures="theory.figures.toy_models",
        cli=("theory.cli.toy",),
    ),
    Area(
        "sparse_coding",
        "getting features back out: ground truth, inference, metrics, certificates, SAEs",
        claims="theory.sparse_coding.claims",
        figures="theory.figures.sparse_coding",
        cli=("theory.cli.sae",),
    ),
)

#: Shared modules that are not areas: ``theory.<name>`` for each, imported on first use.
SHARED: tuple[str, ...] = ("verify", "sweep", "figures", "strategies")

#: The layering, bottom first. A module may import modules of its own layer or of layers below,
#: never above (``tests/project/test_layering.py`` walks the import graph and fails on an
#: upward edge). Entries are module-name prefixes; the longest matching prefix decides.
#: An area's claims modules (``theory.<area>.claims`` and private helpers named
#: ``theory.<area>._claims_*``) sit in the ``claims`` layer by that naming rule (see
#: :func:`is_claims_module`), above every pillar and below the verification machinery that gathers
#: them by name from :data:`AREAS`.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base",
        (
            "theory._areas",
            "theory._validation",
            "theory._results",
            "theory._warnings",
            "theory._io",
            "theory._provenance",
            "theory._optim",
            "theory._solvers",
            "theory._lazy",
            "theory._json",
            "theory._fit",
            "theory._references",
            "theory.sweep",
        ),
    ),
    ("geometry", ("theory.geometry",)),
    ("interference", ("theory.interference",)),
    ("applications", ("theory.circuits", "theory.toy_models", "theory.sparse_coding")),
    ("experiments", ("theory.experiments",)),
    ("rendering", ("theory.figures", "theory.strategies")),
    ("claims", ("theory.verify.claim",)),
    ("verification", ("theory.verify", "theory.proofs")),
    ("interface", ("theory.cli", "theory.__main__", "theory")),
)


def area(name: str) -> Area:
    """The area called ``name``.

    Examples
    --------
    >>> area("circuits").package
    'theory.circuits'
    >>> area("nope")
    Traceback (most recent call last):
    ...
    ValueError: unknown area 'nope'; areas: ['geometry', 'interference', 'circuits', 'toy_models', 'sparse_coding']
    """
    for a in AREAS:
        if a.name == name:
            return a
    raise ValueError(f"unknown area {name!r}; areas: {[a.name for a in AREAS]}")


def is_claims_module(module: str) -> bool:
    """Whether ``module`` states an area's claims: ``theory.<area>.claims`` or ``theory.<area>._claims_*``.

    Examples
    --------
    >>> is_claims_module("theory.sparse_coding._claims_learning"), is_claims_module("theory.geometry.bounds")
    (True, False)
    """
    parts = module.split(".")
    return (
        len(parts) == 3
        and parts[0] == "theory"
        and parts[1] in {a.name for a in AREAS}
        and (parts[2] == "claims" or parts[2].startswith("_claims_"))
    )


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` of the layer holding ``module`` (longest matching prefix).

    Examples
    --------
    >>> LAYERS[layer_of("theory.geometry.bounds")][0]
    'geometry'
    >>> LAYERS[layer_of("theory.geometry.claims")][0]
    'claims'
    >>> LAYERS[layer_of("theory.verify.report")][0]
    'verification'
    """
    if is_claims_module(module):
        return next(i for i, (name, _) in enumerate(LAYERS) if name == "claims")
    best, best_len = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = i, len(p)
    if best < 0:
        raise ValueError(f"module {module!r} is in no layer of theory._areas.LAYERS")
    return best

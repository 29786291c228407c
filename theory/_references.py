"""One registry of the works the toolkit cites, and :func:`cite` to render them.

Claims, bounds, certificates and proofs name their source through :func:`cite` with a registry
key (``cite("elhage2022", detail="section 'The Phase Change'")``) instead of spelling the
reference out, so every work is written once, in one form, with its arXiv identifier or DOI.
Docstrings keep their numpydoc ``References`` sections; the full list with the formulas is
``docs/references.md``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["REFERENCES", "Reference", "cite"]


@dataclass(frozen=True)
class Reference:
    """A cited work: who, when, what, where, and its identifier.

    Attributes
    ----------
    key : str
        Registry key, first author's surname (and a second one where that disambiguates) and
        the year, lower case: ``"elhage2022"``, ``"donoho_tanner2009"``.
    authors : tuple of str
        ``"Surname, I."`` entries in the order of the paper; a last entry ``"et al."`` stands
        for the authors not listed. A single string is taken as one author.
    year : int
        Year of publication (of the arXiv version when there is no other).
    title : str
        Title as published.
    venue : str, optional
        Journal, proceedings or forum with volume and pages, e.g.
        ``"IEEE Trans. Inf. Theory 20(3), 397-399"``.
    arxiv : str, optional
        arXiv identifier without the prefix, new (``"2209.10652"``) or old
        (``"math/0607364"``) style.
    doi : str, optional
        DOI without the prefix, e.g. ``"10.1109/TIT.1974.1055219"``.
    url : str, optional
        Address of a work with neither arXiv identifier nor DOI (a table, a forum post).
    note : str, optional
        What the full form should add, e.g. the version of a living table.

    Examples
    --------
    >>> r = Reference("welch1974", "Welch, L. R.", 1974, "Lower bounds on the maximum cross correlation of signals",
    ...               venue="IEEE Trans. Inf. Theory 20(3), 397-399", doi="10.1109/TIT.1974.1055219")
    >>> r.short
    'Welch (1974)'
    >>> print(r)  # the one full form every citation uses
    Welch, L. R. (1974). Lower bounds on the maximum cross correlation of signals.
    IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219
    >>> REFERENCES["elhage2022"].short, REFERENCES["dasgupta_gupta2003"].short
    ('Elhage et al. (2022)', 'Dasgupta and Gupta (2003)')
    """

    key: str
    authors: tuple[str, ...]
    year: int
    title: str
    venue: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        authors: object = self.authors
        if isinstance(authors, str):
            authors = (authors,)
        if not isinstance(authors, tuple) or not authors or not all(isinstance(a, str) and a for a in authors):
            raise TypeError(f"authors of {self.key!r} must be a non-empty tuple of strings, got {self.authors!r}")
        if authors[0] == "et al.":
            raise ValueError(f"authors of {self.key!r} must start with a name, got {authors!r}")
        object.__setattr__(self, "authors", authors)
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TypeError(f"year of {self.key!r} must be an int, got {self.year!r}")
        for name in ("key", "title"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise TypeError(f"{name} of a Reference must be a non-empty string, got {getattr(self, name)!r}")
        for name in ("venue", "arxiv", "doi", "url", "note"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise TypeError(f"{name} of {self.key!r} must be a non-empty string or None, got {value!r}")

    @property
    def surnames(self) -> tuple[str, ...]:
        """The authors' surnames (``"et al."`` left out)."""
        return tuple(a.split(",")[0].strip() for a in self.authors if a != "et al.")

    @property
    def short(self) -> str:
        """Author-year form: ``"Welch (1974)"``, ``"Dasgupta and Gupta (2003)"``, ``"Elhage et al. (2022)"``."""
        names = self.surnames
        if len(names) == 1 and len(self.authors) == 1:
            who = names[0]
        elif len(names) == 2 and len(self.authors) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who} ({self.year})"

    @property
    def identifier(self) -> str | None:
        """``"arXiv:<id>"``, else ``"doi:<doi>"``, else the URL, else None."""
        if self.arxiv:
            return f"arXiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return self.url

    def __str__(self) -> str:
        listed = [a for a in self.authors if a != "et al."]
        if len(listed) < len(self.authors):
            who = ", ".join(listed) + " et al."
        elif len(listed) == 1:
            who = listed[0]
        else:
            who = ", ".join(listed[:-1]) + " and " + listed[-1]
        ids = [i for i in (self.arxiv and f"arXiv:{self.arxiv}", self.doi and f"doi:{self.doi}") if i]
        parts = [f"{who} ({self.year})", self.title.rstrip("."), self.venue, ", ".join(ids) or self.url]
        text = ""
        for part in filter(None, parts):  # sentences joined by ". ", none after a '?' or '!'
            text += part if not text else (" " if text[-1] in "?!" else ". ") + part
        return f"{text} ({self.note})" if self.note else text


def _r(
    key: str,
    authors: tuple[str, ...] | str,
    year: int,
    title: str,
    venue: str | None = None,
    *,
    arxiv: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    note: str | None = None,
) -> Reference:
    authors = (authors,) if isinstance(authors, str) else authors
    return Reference(key, authors, year, title, venue, arxiv, doi, url, note)


_ENTRIES = (
    # geometry: coherence bounds, packings, frames
    _r(
        "welch1974",
        "Welch, L. R.",
        1974,
        "Lower bounds on the maximum cross correlation of signals",
        "IEEE Trans. Inf. Theory 20(3), 397-399",
        doi="10.1109/TIT.1974.1055219",
    ),
    _r(
        "fickus_mixon2015",
        ("Fickus, M.", "Mixon, D. G."),
        2015,
        "Tables of the existence of equiangular tight frames",
        arxiv="1504.00253",
    ),
    _r(
        "datta2012",
        ("Datta, S.", "Howard, S.", "Cochran, D."),
        2012,
        "Geometry of the Welch bounds",
        "Linear Algebra Appl. 437(10), 2455-2470",
        arxiv="0909.0206",
    ),
    _r(
        "conway1996",
        ("Conway, J. H.", "Hardin, R. H.", "Sloane, N. J. A."),
        1996,
        "Packing lines, planes, etc.: packings in Grassmannian spaces",
        "Experiment. Math. 5(2), 139-159",
        doi="10.1080/10586458.1996.10504585",
    ),
    _r(
        "sloane_table",
        "Sloane, N. J. A.",
        1997,
        "Table of Best Grassmannian Packings",
        url="http://neilsloane.com/grass/grassTab.html",
        note="as of January 1997",
    ),
    _r(
        "rankin1955",
        "Rankin, R. A.",
        1955,
        "The closest packing of spherical caps in n dimensions",
        "Proc. Glasgow Math. Assoc. 2, 139-144",
        doi="10.1017/S2040618500033219",
    ),
    _r(
        "levenshtein1982",
        "Levenshtein, V. I.",
        1982,
        "Bounds on the maximal cardinality of a code with bounded modulus of the inner product",
        "Soviet Math. Dokl. 25, 526-531",
    ),
    _r(
        "haas2017",
        ("Haas, J. I.", "Hammen, N.", "Mixon, D. G."),
        2017,
        "The Levenstein bound for packings in projective spaces",
        "Proc. SPIE 10394",
        arxiv="1707.06561",
    ),
    _r(
        "bukh_cox2020",
        ("Bukh, B.", "Cox, C."),
        2020,
        "Nearly orthogonal vectors and small antipodal spherical codes",
        "Israel J. Math. 238, 359-388",
        arxiv="1803.02949",
    ),
    _r(
        "magsino2019",
        ("Magsino, M.", "Mixon, D. G.", "Parshall, H."),
        2019,
        "Linear programming bounds for cliques in Paley graphs",
        arxiv="1902.00926",
    ),
    _r(
        "lemmens_seidel1973",
        ("Lemmens, P. W. H.", "Seidel, J. J."),
        1973,
        "Equiangular lines",
        "J. Algebra 24, 494-512",
        doi="10.1016/0021-8693(73)90123-3",
    ),
    _r(
        "delsarte1977",
        ("Delsarte, P.", "Goethals, J. M.", "Seidel, J. J."),
        1977,
        "Spherical codes and designs",
        "Geom. Dedicata 6, 363-388",
        doi="10.1007/BF03187604",
    ),
    _r(
        "odlyzko_sloane1979",
        ("Odlyzko, A. M.", "Sloane, N. J. A."),
        1979,
        "New bounds on the number of unit spheres that can touch a unit sphere in n dimensions",
        "J. Combin. Theory A 26, 210-214",
        doi="10.1016/0097-3165(79)90074-8",
    ),
    _r(
        "strohmer_heath2003",
        ("Strohmer, T.", "Heath, R. W."),
        2003,
        "Grassmannian frames with applications to coding and communication",
        "Appl. Comput. Harmon. Anal. 14(3), 257-275",
        doi="10.1016/S1063-5203(03)00023-X",
    ),
    _r(
        "benedetto_fickus2003",
        ("Benedetto, J. J.", "Fickus, M."),
        2003,
        "Finite normalized tight frames",
        "Adv. Comput. Math. 18, 357-385",
        doi="10.1023/A:1021323312367",
    ),
    _r(
        "fickus2012",
        ("Fickus, M.", "Mixon, D. G.", "Tremain, J. C."),
        2012,
        "Steiner equiangular tight frames",
        "Linear Algebra Appl. 436(5), 1014-1027",
        arxiv="1009.5730",
    ),
    # interference: sparse recovery, RIP, random projections, tails
    _r(
        "dasgupta_gupta2003",
        ("Dasgupta, S.", "Gupta, A."),
        2003,
        "An elementary proof of a theorem of Johnson and Lindenstrauss",
        "Random Structures & Algorithms 22(1), 60-65",
        doi="10.1002/rsa.10073",
    ),
    _r(
        "achlioptas2003",
        "Achlioptas, D.",
        2003,
        "Database-friendly random projections: Johnson-Lindenstrauss with binary coins",
        "J. Comput. Syst. Sci. 66(4), 671-687",
        doi="10.1016/S0022-0000(03)00025-4",
    ),
    _r(
        "baraniuk2008",
        ("Baraniuk, R.", "Davenport, M.", "DeVore, R.", "Wakin, M."),
        2008,
        "A simple proof of the restricted isometry property for random matrices",
        "Constructive Approximation 28(3), 253-263",
        doi="10.1007/s00365-007-9003-x",
    ),
    _r(
        "donoho_elad2003",
        ("Donoho, D. L.", "Elad, M."),
        2003,
        "Optimally sparse representation in general (nonorthogonal) dictionaries via l1 minimization",
        "PNAS 100(5), 2197-2202",
        doi="10.1073/pnas.0437847100",
    ),
    _r(
        "tropp2004",
        "Tropp, J. A.",
        2004,
        "Greed is good: algorithmic results for sparse approximation",
        "IEEE Trans. Inf. Theory 50(10), 2231-2242",
        doi="10.1109/TIT.2004.834793",
    ),
    _r(
        "gribonval_nielsen2003",
        ("Gribonval, R.", "Nielsen, M."),
        2003,
        "Sparse representations in unions of bases",
        "IEEE Trans. Inf. Theory 49(12), 3320-3325",
        doi="10.1109/TIT.2003.820031",
    ),
    _r(
        "candes_tao2005",
        ("Candes, E. J.", "Tao, T."),
        2005,
        "Decoding by linear programming",
        "IEEE Trans. Inf. Theory 51(12), 4203-4215",
        doi="10.1109/TIT.2005.858979",
    ),
    _r(
        "cai_zhang2014",
        ("Cai, T. T.", "Zhang, A."),
        2014,
        "Sparse representation of a polytope and recovery of sparse signals and low-rank matrices",
        "IEEE Trans. Inf. Theory 60(1), 122-132",
        arxiv="1306.1154",
    ),
    _r(
        "daspremont2008",
        ("d'Aspremont, A.", "Bach, F.", "El Ghaoui, L."),
        2008,
        "Optimal solutions for sparse principal component analysis",
        "JMLR 9, 1269-1294",
        arxiv="0707.0705",
    ),
    _r(
        "daspremont_elghaoui2011",
        ("d'Aspremont, A.", "El Ghaoui, L."),
        2011,
        "Testing the nullspace property using semidefinite programming",
        "Math. Program. 127, 123-144",
        arxiv="0807.3520",
    ),
    _r(
        "amelunxen2014",
        ("Amelunxen, D.", "Lotz, M.", "McCoy, M. B.", "Tropp, J. A."),
        2014,
        "Living on the edge: phase transitions in convex programs with random data",
        "Information and Inference 3(3), 224-294",
        arxiv="1303.6672",
    ),
    _r(
        "donoho_tanner2009",
        ("Donoho, D. L.", "Tanner, J."),
        2009,
        "Counting faces of randomly projected polytopes when the projection radically lowers dimension",
        "J. AMS 22(1), 1-53",
        arxiv="math/0607364",
        doi="10.1090/S0894-0347-08-00600-0",
    ),
    _r(
        "hoeffding1963",
        "Hoeffding, W.",
        1963,
        "Probability inequalities for sums of bounded random variables",
        "J. Amer. Statist. Assoc. 58, 13-30",
        doi="10.1080/01621459.1963.10500830",
    ),
    _r(
        "alon2003",
        "Alon, N.",
        2003,
        "Problems and results in extremal combinatorics I",
        "Discrete Math. 273, 31-53",
        doi="10.1016/S0012-365X(03)00227-9",
    ),
    _r(
        "marchal_arbel2017",
        ("Marchal, O.", "Arbel, J."),
        2017,
        "On the sub-Gaussianity of the Beta and Dirichlet distributions",
        "Electron. Commun. Probab. 22",
        doi="10.1214/17-ECP92",
    ),
    _r(
        "garg2026",
        ("Garg, N.", "Kleinberg, J.", "Peng, K."),
        2026,
        "How Many Features Can a Language Model Store Under the Linear Representation Hypothesis?",
        "COLT 2026, PMLR 336:5358-5376",
        arxiv="2602.11246",
    ),
    # circuits
    _r(
        "hanni2024",
        ("Hänni, K.", "Mendel, J.", "Vaintrob, D.", "Chan, L."),
        2024,
        "Mathematical Models of Computation in Superposition",
        arxiv="2408.05451",
    ),
    _r(
        "vaintrob2024",
        ("Vaintrob, D.", "Mendel, J.", "Hänni, K."),
        2024,
        "Toward a Mathematical Framework for Computation in Superposition",
        "AI Alignment Forum",
    ),
    _r(
        "adler_shavit2024",
        ("Adler, M.", "Shavit, N."),
        2024,
        "On the Complexity of Neural Computation in Superposition",
        arxiv="2409.15318",
    ),
    _r(
        "braun2025",
        ("Braun, D.", "Bushnaq, L.", "Heimersheim, S.", "Mendel, J.", "Sharkey, L."),
        2025,
        "Interpretability in parameter space: minimizing mechanistic description length with "
        "attribution-based parameter decomposition",
        arxiv="2501.14926",
    ),
    _r(
        "bhagat2025",
        ("Bhagat, J.", "Molas-Medina, S.", "Giglemiani, G.", "Heimersheim, S."),
        2025,
        "Compressed computation is (probably) not computation in superposition",
        "NeurIPS 2025 Mechanistic Interpretability Workshop",
        arxiv="2606.14673",
    ),
    # toy models
    _r(
        "elhage2022",
        ("Elhage, N.", "et al."),
        2022,
        "Toy Models of Superposition",
        "Transformer Circuits Thread",
        arxiv="2209.10652",
    ),
    _r(
        "chen2023",
        ("Chen, Z.", "Lau, E.", "Mendel, J.", "Wei, S.", "Murfet, D."),
        2023,
        "Dynamical versus Bayesian phase transitions in a toy model of superposition",
        arxiv="2310.06301",
    ),
    _r(
        "lecomte2023",
        ("Lecomte, V.", "Thaman, K.", "Schaeffer, R.", "Bashkansky, N.", "Chow, T.", "Koyejo, S."),
        2023,
        "What Causes Polysemanticity? An Alternative Origin Story of Mixed Selectivity from Incidental Causes",
        arxiv="2312.03096",
    ),
    _r(
        "liu2025",
        ("Liu, Y.", "Liu, Z.", "Gore, J."),
        2025,
        "Superposition Yields Robust Neural Scaling",
        "NeurIPS 2025",
        arxiv="2505.10465",
    ),
    # sparse coding
    _r(
        "schnass2008",
        ("Schnass, K.", "Vandergheynst, P."),
        2008,
        "Dictionary preconditioning for greedy algorithms",
        "IEEE Trans. Signal Process. 56(5), 1994-2002",
        doi="10.1109/TSP.2007.911494",
    ),
    _r(
        "gribonval2008",
        ("Gribonval, R.", "Rauhut, H.", "Schnass, K.", "Vandergheynst, P."),
        2008,
        "Atoms of all channels, unite! Average case analysis of multi-channel sparse recovery using greedy algorithms",
        "J. Fourier Anal. Appl. 14(5), 655-687",
        doi="10.1007/s00041-008-9044-y",
    ),
    _r(
        "spielman2012",
        ("Spielman, D. A.", "Wang, H.", "Wright, J."),
        2012,
        "Exact recovery of sparsely-used dictionaries",
        "COLT, PMLR 23, 37.1-37.18",
        arxiv="1206.5882",
    ),
    _r(
        "adamczak2016",
        "Adamczak, R.",
        2016,
        "A note on the sample complexity of the Er-SpUD algorithm by Spielman, Wang and Wright for exact "
        "recovery of sparsely used dictionaries",
        "JMLR 17(177)",
        arxiv="1601.02049",
    ),
    _r(
        "blasiok_nelson2016",
        ("Blasiok, J.", "Nelson, J."),
        2016,
        "An improved analysis of the ER-SpUD dictionary learning algorithm",
        "ICALP 2016",
        arxiv="1602.05719",
    ),
    _r(
        "sharkey2022",
        ("Sharkey, L.", "Braun, D.", "Millidge, B."),
        2022,
        "Taking features out of superposition with sparse autoencoders",
        "Interim research report, AI Alignment Forum",
    ),
    _r(
        "oneill2024",
        ("O'Neill, C.", "Gumran, A.", "Klindt, D."),
        2024,
        "Compute optimal inference and provable amortisation gap in sparse autoencoders",
        "ICML 2025",
        arxiv="2411.13117",
    ),
    _r(
        "chanin2024",
        ("Chanin, D.", "Wilken-Smith, J.", "Dulka, T.", "Bhatnagar, H.", "Golechha, S.", "Bloom, J."),
        2024,
        "A is for absorption: studying feature splitting and absorption in sparse autoencoders",
        arxiv="2409.14507",
    ),
    _r(
        "chanin2024b",
        ("Chanin, D.", "et al."),
        2024,
        "Toy models of feature absorption in SAEs",
        "LessWrong / AI Alignment Forum",
    ),
    _r(
        "chanin2026",
        ("Chanin, D.", "Garriga-Alonso, A."),
        2026,
        "SynthSAEBench: Evaluating Sparse Autoencoders on Scalable Realistic Synthetic Data",
        arxiv="2602.14687",
    ),
    _r(
        "barin_pacela2026",
        ("Barin Pacela, V.", "Joshi, S.", "Camacho, I.", "Lacoste-Julien, S.", "Klindt, D."),
        2026,
        "Stop probing, start coding: why linear probes and sparse autoencoders fail at compositional generalisation",
        arxiv="2603.28744",
    ),
)

#: Every cited work by key (read-only).
REFERENCES: Mapping[str, Reference] = MappingProxyType({r.key: r for r in _ENTRIES})
if len(REFERENCES) != len(_ENTRIES):  # pragma: no cover - guards the table above
    raise RuntimeError("duplicate key in theory._references")


def cite(*keys: str, detail: str | None = None) -> str:
    """The full form of one or more registered works, for a ``citation`` field.

    Parameters
    ----------
    *keys : str
        Registry keys (see :data:`REFERENCES`), in the order they should be read.
    detail : str, optional
        Where in the work(s), or what is used of them (a section, a lemma, "with a union
        bound"); appended in parentheses.

    Returns
    -------
    str
        The works' full forms joined by ``"; "``, then `` (detail)`` if given.

    Raises
    ------
    ValueError
        No key, a key that is not registered (the message names it and the closest keys), or an
        empty detail.
    TypeError
        A key or the detail that is not a string.

    Examples
    --------
    >>> print(cite("elhage2022", detail="section 'The Phase Change'"))
    Elhage, N. et al. (2022). Toy Models of Superposition. Transformer Circuits Thread.
    arXiv:2209.10652 (section 'The Phase Change')
    >>> print(cite("welch1974", "fickus_mixon2015"))
    Welch, L. R. (1974). Lower bounds on the maximum cross correlation of signals.
    IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219;
    Fickus, M. and Mixon, D. G. (2015). Tables of the existence of equiangular tight frames. arXiv:1504.00253
    >>> cite("elhage2021")
    Traceback (most recent call last):
    ...
    ValueError: unknown reference key 'elhage2021'; closest: 'elhage2022'...
    """
    if not keys:
        raise ValueError("cite needs at least one reference key")
    parts = []
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"reference keys must be strings, got {key!r} of type {type(key).__name__}")
        if key not in REFERENCES:
            close = difflib.get_close_matches(key, list(REFERENCES), n=3, cutoff=0.6)
            hint = "closest: " + ", ".join(repr(c) for c in close) if close else "no close key"
            raise ValueError(f"unknown reference key {key!r}; {hint} (see theory._references.REFERENCES)")
        parts.append(str(REFERENCES[key]))
    text = "; ".join(parts)
    if detail is None:
        return text
    if not isinstance(detail, str):
        raise TypeError(f"detail must be a string or None, got {detail!r} of type {type(detail).__name__}")
    if not detail.strip():
        raise ValueError("detail must not be empty; pass None for no detail")
    return f"{text} ({detail})"

"""The references registry: well-formed entries, ``cite``, no citation written out by hand in
``theory/``, and every registered work listed in ``docs/references.md``."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

import theory
from theory._references import _ENTRIES, REFERENCES, Reference, cite

ROOT = Path(theory.__file__).parent
DOCS = ROOT.parent / "docs" / "references.md"

#: Registered works cited by the reproductions' sources rather than by a claim, bound or proof.
_CITED_ELSEWHERE: frozenset[str] = frozenset()

#: Registered works whose arXiv id / DOI (or title) ``docs/references.md`` does not carry yet.
#: The lead adds them to the docs and then empties this set (the last test fails until then).
_NOT_YET_IN_DOCS: frozenset[str] = frozenset()

KEY = re.compile(r"^[a-z]+(_[a-z]+)*(\d{4}[a-z]?)?$")
ARXIV_NEW = re.compile(r"^(\d{2})(0[1-9]|1[0-2])\.\d{4,5}(v\d+)?$")
ARXIV_OLD = re.compile(r"^[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/\d{7}(v\d+)?$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


# --- the registry ----------------------------------------------------------------------------


def test_keys_unique_and_match_entries() -> None:
    keys = [r.key for r in _ENTRIES]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert list(REFERENCES) == keys
    assert all(REFERENCES[k].key == k for k in REFERENCES)


@pytest.mark.parametrize("key", sorted(REFERENCES))
def test_key_well_formed(key: str) -> None:
    assert KEY.match(key), f"{key!r}: lower-case surname(s) joined by '_' then the year"
    year = re.search(r"\d{4}", key)
    if year:
        assert int(year.group()) == REFERENCES[key].year, key
    surname = unicodedata.normalize("NFKD", REFERENCES[key].surnames[0]).encode("ascii", "ignore").decode()
    assert key.startswith(surname.lower().replace("'", "").replace(" ", "_")), f"{key!r} should start with {surname}"


@pytest.mark.parametrize("ref", list(REFERENCES.values()), ids=list(REFERENCES))
def test_identifiers_well_formed(ref: Reference) -> None:
    if ref.arxiv is not None:
        new, old = ARXIV_NEW.match(ref.arxiv), ARXIV_OLD.match(ref.arxiv)
        assert new or old, f"{ref.key}: arXiv id {ref.arxiv!r} is neither YYMM.NNNNN nor archive/YYMMNNN"
        if new:  # posted no later than a year after the cited publication year
            assert 2000 + int(new.group(1)) <= ref.year + 1, (ref.key, ref.arxiv, ref.year)
    if ref.doi is not None:
        assert DOI.match(ref.doi), f"{ref.key}: DOI {ref.doi!r} is not 10.<registrant>/<suffix>"
        assert not ref.doi.lower().startswith(("doi:", "http")), ref.doi
    if ref.url is not None:
        assert ref.url.startswith(("http://", "https://")), ref.url
    assert 1900 <= ref.year <= 2100
    assert all(re.match(r"^[^,]+, ([A-Z][a-z]?\.[ -]?)+$", a) or a == "et al." for a in ref.authors), ref.authors


def test_full_and_short_forms() -> None:
    welch = REFERENCES["welch1974"]
    assert str(welch) == (
        "Welch, L. R. (1974). Lower bounds on the maximum cross correlation of signals. "
        "IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219"
    )
    assert welch.short == "Welch (1974)"
    assert REFERENCES["elhage2022"].short == "Elhage et al. (2022)"
    assert str(REFERENCES["elhage2022"]).startswith("Elhage, N. et al. (2022). Toy Models of Superposition.")
    assert REFERENCES["dasgupta_gupta2003"].short == "Dasgupta and Gupta (2003)"
    assert REFERENCES["hanni2024"].short == "Hänni et al. (2024)"
    assert str(REFERENCES["hanni2024"]).startswith("Hänni, K., Mendel, J., Vaintrob, D. and Chan, L. (2024).")
    # a title ending in '?' gets no extra full stop
    assert "Hypothesis? COLT 2026" in str(REFERENCES["garg2026"])
    # a work with both identifiers shows both; one with only a URL shows the URL
    assert str(REFERENCES["donoho_tanner2009"]).endswith("arXiv:math/0607364, doi:10.1090/S0894-0347-08-00600-0")
    assert "http://neilsloane.com/grass/grassTab.html (as of January 1997)" in str(REFERENCES["sloane_table"])
    # a work with no identifier ends on its venue, with no stray full stop before the next one
    assert cite("levenshtein1982", "bukh_cox2020").count("526-531; Bukh, B.") == 1
    assert ".." not in cite(*REFERENCES) and ".;" not in cite(*REFERENCES)


@pytest.mark.parametrize("ref", list(REFERENCES.values()), ids=list(REFERENCES))
def test_every_full_form_names_author_year_title_and_id(ref: Reference) -> None:
    text = str(ref)
    assert text.startswith(ref.authors[0])
    assert f"({ref.year})" in text and ref.title in text
    assert ref.identifier is None or ref.identifier in text
    assert ref.short.endswith(f"({ref.year})") and ref.surnames[0] in ref.short


def test_reference_validates() -> None:
    assert Reference("x2020", "Doe, J.", 2020, "T").authors == ("Doe, J.",)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="year"):
        Reference("x2020", ("Doe, J.",), True, "T")
    with pytest.raises(TypeError, match="authors"):
        Reference("x2020", (), 2020, "T")
    with pytest.raises(ValueError, match="start with a name"):
        Reference("x2020", ("et al.",), 2020, "T")
    with pytest.raises(TypeError, match="doi"):
        Reference("x2020", ("Doe, J.",), 2020, "T", doi="")
    with pytest.raises(AttributeError):
        REFERENCES["welch1974"].year = 1975  # type: ignore[misc]
    with pytest.raises(TypeError):
        REFERENCES["nobody"] = REFERENCES["welch1974"]  # type: ignore[index]


# --- cite ------------------------------------------------------------------------------------


def test_cite_one_and_several() -> None:
    assert cite("welch1974") == str(REFERENCES["welch1974"])
    both = cite("donoho_elad2003", "tropp2004")
    assert both == f"{REFERENCES['donoho_elad2003']}; {REFERENCES['tropp2004']}"
    assert both.index("Donoho") < both.index("Tropp")
    three = cite("welch1974", "datta2012", "fickus_mixon2015", detail="Lemma 3.1")
    assert three.count("; ") == 2 and three.endswith("arXiv:1504.00253 (Lemma 3.1)")


def test_cite_unknown_key_names_it_and_suggests() -> None:
    with pytest.raises(ValueError, match=r"unknown reference key 'elhage2021'.*'elhage2022'"):
        cite("elhage2021")
    with pytest.raises(ValueError, match="'welch1974', 'zzz_nothing'|'zzz_nothing'; no close key"):
        cite("welch1974", "zzz_nothing")


def test_cite_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least one"):
        cite()
    with pytest.raises(TypeError, match="keys must be strings"):
        cite(1974)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="detail"):
        cite("welch1974", detail="  ")
    with pytest.raises(TypeError, match="detail"):
        cite("welch1974", detail=3)  # type: ignore[arg-type]


# --- no citation written out by hand ---------------------------------------------------------


def _is_handwritten(node: ast.expr | None) -> bool:
    """A non-empty string literal, an f-string, or a concatenation involving one (``""`` is "no citation")."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value != ""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_handwritten(node.left) or _is_handwritten(node.right)
    return False


def handwritten_citations(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` for every citation in ``source`` that bypasses the registry."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "citation" and _is_handwritten(kw.value):
                    found.append((kw.value.lineno, "citation= argument"))
        if isinstance(node, ast.ClassDef):  # dataclass field defaults: ``citation: str = "..."``
            for st in node.body:
                if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
                    if "citation" in st.target.id.lower() and _is_handwritten(st.value):
                        found.append((st.lineno, f"field {st.target.id}"))
    for st in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(st, ast.Assign):
            targets, value = st.targets, st.value
        elif isinstance(st, ast.AnnAssign):
            targets, value = [st.target], st.value
        for t in targets:
            if isinstance(t, ast.Name) and "CITATION" in t.id and _is_handwritten(value):
                found.append((st.lineno, f"constant {t.id}"))
    return sorted(found)


def test_detector_catches_each_bypass() -> None:
    src = (
        'CITATION = "Doe (2020)"\n'
        'WELCH_CITATION: str = f"{A}; B"\n'
        'OK_CITATION = cite("welch1974")\n'
        'f(citation="Doe (2020)")\n'
        'f(citation=cite("welch1974"))\n'
        'f(citation=X + " (Lemma 2)")\n'
        "class R:\n"
        '    citation: str = "Doe"\n'
        '    other_citation: str = ""\n'
    )
    assert [line for line, _ in handwritten_citations(src)] == [1, 2, 4, 6, 8]


def test_no_citation_bypasses_the_registry() -> None:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        for line, what in handwritten_citations(path.read_text(encoding="utf-8")):
            bad.append(f"{path.relative_to(ROOT.parent)}:{line}: {what}")
    assert not bad, "write these with theory._references.cite(...):\n" + "\n".join(bad)


def _cited_keys() -> dict[str, list[str]]:
    """Every literal key passed to ``cite`` in ``theory/`` -> where."""
    out: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cite":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        out.setdefault(arg.value, []).append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return out


def test_every_cited_key_is_registered_and_every_entry_is_cited() -> None:
    cited = _cited_keys()
    unknown = {k: v for k, v in cited.items() if k not in REFERENCES}
    assert not unknown, f"cite() with unregistered keys: {unknown}"
    unused = sorted(set(REFERENCES) - set(cited) - _CITED_ELSEWHERE)
    assert not unused, f"registered but never cited in theory/: {unused}"
    assert _CITED_ELSEWHERE <= set(REFERENCES)


# --- docs ------------------------------------------------------------------------------------


def _in_docs(ref: Reference, docs: str) -> bool:
    ids = [i for i in (ref.arxiv, ref.doi) if i]
    if ids:
        return any(i in docs for i in ids)
    return " ".join(ref.title.lower().split()) in docs.lower()


def test_every_entry_is_in_docs_references() -> None:
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    missing = sorted(k for k, r in REFERENCES.items() if not _in_docs(r, docs))
    assert set(missing) <= _NOT_YET_IN_DOCS, f"not in docs/references.md: {sorted(set(missing) - _NOT_YET_IN_DOCS)}"
    listed = sorted(_NOT_YET_IN_DOCS - set(missing))
    assert not listed, f"now in docs/references.md, drop from _NOT_YET_IN_DOCS: {listed}"
    assert _NOT_YET_IN_DOCS <= set(REFERENCES)

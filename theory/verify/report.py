"""Running many claims and writing the report (Markdown, JSON and figures)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theory._provenance import provenance as _provenance
from theory._validation import check_bool, check_int
from theory.verify.check import check
from theory.verify.claim import Claim, Verdict, _g, _quantile_level
from theory.verify.registry import combine_claims, plugin_claims, registry

__all__ = ["SLACK_CONVENTION", "Report", "claim_pool", "known_tags", "verify_all"]

#: How every report explains its slack column.
SLACK_CONVENTION = (
    "Slack compares the measured quantity with the bound in one convention for every claim: "
    "measured/bound for an upper bound (<=), bound/measured for a lower bound (>=). "
    "1 = tight; below 1 = inside the bound (smaller = looser); above 1 = beyond it; "
    "'-' = undefined (a zero or a sign change, never shown as 0). Deterministic claims "
    "compare the extreme trial; probabilistic claims compare the empirical quantile at the "
    "claimed level (the 1 - q quantile for <=, the q quantile for >=), which lies inside the "
    "bound exactly when the observed violation rate is at most q."
)


@dataclass
class Report:
    """The verdicts of a verification run, with writers for Markdown and JSON.

    Attributes
    ----------
    verdicts : list of Verdict
    claims : dict of str to Claim
        The claims that were checked.
    quick : bool
    seed : int
    elapsed : float
    figures : list of str
        Figure files written with the report (relative paths).
    provenance : dict or None
        What produced the report (``theory._provenance.provenance``: package version, git
        commit, dependency versions, date, seed, command line, machine); filled in on first
        use when not given.
    """

    verdicts: list[Verdict]
    claims: dict[str, Claim]
    quick: bool = False
    seed: int = 0
    elapsed: float = 0.0
    figures: list[str] = field(default_factory=list)
    provenance: dict[str, Any] | None = None

    def _prov(self) -> dict[str, Any]:
        if self.provenance is None:
            self.provenance = _provenance(seed=self.seed)
        return self.provenance

    @property
    def ok(self) -> bool:
        """True when every verdict is consistent."""
        return all(v.consistent for v in self.verdicts)

    def counts(self) -> dict[str, int]:
        """Number of verdicts per status."""
        out = {"consistent": 0, "refuted": 0, "error": 0}
        for v in self.verdicts:
            out[v.status] += 1
        return out

    def rows(self) -> list[dict[str, str]]:
        """One row per verdict with the table columns, as text.

        Columns: ``claim``, ``params``, ``quantity`` (with its unit), ``kind``, ``claimed`` (the
        bound, or for probabilistic claims the violation event and its claimed probability),
        ``observed`` (the extreme trial, or the violation count, rate, p-value and the quantile at
        the claimed level), ``slack`` (see ``SLACK_CONVENTION``; ``-`` when undefined) and
        ``verdict``.
        """
        rows = []
        for v in self.verdicts:
            params = ", ".join(f"{k}={_fmt(x)}" for k, x in v.params.items())
            what = f"{v.quantity} [{v.unit}]" if v.unit else v.quantity
            if v.status == "error":
                claimed = observed = slack = "-"
            elif v.deterministic:
                claimed = f"{v.relation} {_fmt(v.bound)}"
                observed = f"{'max' if v.relation == '<=' else 'min'} {_fmt(v.measured)}"
                slack = _fmt(v.slack, 3)
            else:
                over = ">" if v.relation == "<=" else "<"
                eq = "=" if v.two_sided else "<="
                level = None if v.failure_prob is None else _quantile_level(v.failure_prob, v.relation)
                claimed = f"P({over} {_fmt(v.bound)}) {eq} {_fmt(v.failure_prob, 3)}"
                observed = (
                    f"{v.violations}/{v.trials} = {_fmt(v.violation_rate, 3)} "
                    f"(p {_fmt(v.p_value, 2)}); q{_fmt(level, 4)} = {_fmt(v.quantile)}"
                )
                slack = _fmt(v.slack, 3)
            rows.append(
                {
                    "claim": v.claim_id,
                    "params": params,
                    "quantity": what,
                    "kind": v.kind,
                    "claimed": claimed,
                    "observed": observed,
                    "slack": slack,
                    "verdict": v.status,
                }
            )
        return rows

    _COLUMNS = ("claim", "params", "quantity", "claimed", "observed", "slack", "verdict")

    def table(self) -> str:
        """A plain-text table for the terminal."""
        rows = self.rows()
        cols = self._COLUMNS
        widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in cols}
        lines = ["  ".join(c.ljust(widths[c]) for c in cols), "  ".join("-" * widths[c] for c in cols)]
        lines += ["  ".join(r[c].ljust(widths[c]) for c in cols) for r in rows]
        c = self.counts()
        lines.append(
            "\nslack: measured/bound (<=), bound/measured (>=); 1 = tight, < 1 inside the bound, - = undefined"
        )
        lines.append(
            f"{c['consistent']} consistent, {c['refuted']} refuted, {c['error']} errors "
            f"in {self.elapsed:.1f} s ({'quick' if self.quick else 'full'} run, seed {self.seed})"
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-serialisable dict (verdict rows: see :meth:`Verdict.to_dict`)."""
        prov = self._prov()
        return {
            "quick": self.quick,
            "seed": self.seed,
            "elapsed_s": round(self.elapsed, 3),
            "ok": self.ok,
            "counts": self.counts(),
            "provenance": prov,
            "machine": {"python": prov.get("python"), "platform": prov.get("platform")},
            "slack_convention": SLACK_CONVENTION,
            "claims": {
                cid: {
                    "statement": c.statement,
                    "latex": c.latex,
                    "citation": c.citation,
                    "domain": c.domain,
                    "relation": c.relation,
                    "kind": "deterministic" if c.deterministic else "probabilistic",
                    "deterministic": c.deterministic,
                    "two_sided": c.two_sided,
                    "quantity": c.quantity,
                    "unit": c.unit,
                    "tags": list(c.tags),
                    "proof": c.proof,
                }
                for cid, c in self.claims.items()
            },
            "verdicts": [v.to_dict() for v in self.verdicts],
            "figures": list(self.figures),
        }

    def to_markdown(self) -> str:
        """The report as Markdown: a summary table, each claim with its verdicts, provenance."""
        c = self.counts()
        cols = self._COLUMNS
        out = [
            "# superposition-theory verification report",
            "",
            f"{'Quick' if self.quick else 'Full'} run, seed {self.seed}, "
            f"{self.elapsed:.1f} s: **{c['consistent']} consistent, {c['refuted']} refuted, "
            f"{c['error']} errors**.",
            "",
            "Deterministic claims are refuted by any violation beyond float tolerance; "
            "probabilistic claims by an exact binomial test of the violation count against the "
            "claimed failure probability (one-sided, or two-sided where the claim states the "
            "probability exactly). Probabilistic rows give the violation event and its claimed "
            "probability, the observed count and rate with the p-value, and the quantile at the "
            "claimed level.",
            "",
            SLACK_CONVENTION,
            "",
            "| " + " | ".join(cols) + " |",
            "|" + "---|" * len(cols),
        ]
        for r in self.rows():
            cells = [f"`{r['claim']}`"] + [r[k].replace("|", "\\|") for k in cols[1:]]
            out.append("| " + " | ".join(cells) + " |")
        for fig in self.figures:
            out += ["", f"![{Path(fig).stem}]({fig})"]
        out += ["", "## Claims", ""]
        for cid, claim in self.claims.items():
            kind = "deterministic" if claim.deterministic else "probabilistic"
            if claim.two_sided:
                kind += ", exact probability"
            out += [f"### `{cid}` ({kind})", "", claim.statement, ""]
            if claim.latex:
                out += [f"$$ {claim.latex} $$", ""]
            unit = f" [{claim.unit}]" if claim.unit else ""
            out += [f"*Measured:* {claim.quantity}{unit}", ""]
            if claim.domain:
                out += [f"*Domain:* {claim.domain}", ""]
            out += [f"*Source:* {claim.citation}", ""]
            if claim.proof:
                out += [f"*Derivation:* `proofs/{claim.proof}.py` (run `theory prove {claim.proof}`)", ""]
            for v in self.verdicts:
                if v.claim_id == cid and v.message:
                    out.append(f"- {v.params}: {v.status}: {v.message}")
            out.append("")
        prov = self._prov()
        machine = prov.get("machine") or {}
        out += [
            "## Provenance",
            "",
            f"- package: {prov['package']['name']} {prov['package']['version']}",
            f"- git commit: {prov.get('git_commit') or 'not a git checkout'}",
            f"- date (UTC): {prov.get('date')}",
            f"- seed: {prov.get('seed')}",
            f"- command: `{prov.get('command')}`",
            f"- python {prov.get('python')} on {prov.get('platform')}; "
            f"{machine.get('processor')}, {machine.get('cores')} cores",
            "- dependencies: "
            + ", ".join(f"{d} {ver or 'not installed'}" for d, ver in prov.get("dependencies", {}).items()),
            "",
        ]
        return "\n".join(out)

    def write(self, out: str | Path, *, figures: bool = True) -> Path:
        """Write ``report.md``, ``report.json`` and figures (``figures/*.png|svg``) into ``out``."""
        figures = check_bool(figures, "figures")
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if figures:
            self.figures = _write_figures(self, out)
        (out / "report.md").write_text(self.to_markdown(), encoding="utf-8")
        (out / "report.json").write_text(json.dumps(self.to_json(), indent=2, sort_keys=False), encoding="utf-8")
        return out


def _fmt(x: Any, digits: int = 4) -> str:
    if x is None:
        return "-"
    if isinstance(x, (float, np.floating)):
        return _g(x, digits)
    return str(x)


def _write_figures(report: Report, out: Path) -> list[str]:
    from theory import figures as tf  # matplotlib only when figures are asked for

    figdir = out / "figures"
    written: list[str] = []
    with tf.style_context():
        fig = tf.plot_verdict_summary(report.verdicts).figure
        written += [str(p.relative_to(out)) for p in tf.save(fig, figdir / "summary", formats=("png", "svg"))]
        for cid, claim in report.claims.items():
            mine = [v for v in report.verdicts if v.claim_id == cid and v.status != "error"]
            if claim.figure is None or not mine:
                continue
            if isinstance(claim.figure, str):
                fig = tf.verdict_figures()[claim.figure](mine).figure
            else:
                fig = claim.figure(mine)
            stem = cid.replace(".", "_")
            written += [str(p.relative_to(out)) for p in tf.save(fig, figdir / stem, formats=("png", "svg"))]
    return [w for w in written if w.endswith(".png")]


def known_tags(claims: Iterable[Claim] | None = None) -> list[str]:
    """The sorted tags carried by the registered claims (or by ``claims``).

    Examples
    --------
    >>> "geometry" in known_tags()
    True
    """
    pool = list(registry().values()) if claims is None else _claims_list(claims, "claims")
    return sorted({t for c in pool for t in c.tags})


def _claims_list(claims: Any, name: str) -> list[Claim]:
    if isinstance(claims, (str, bytes, dict)) or not isinstance(claims, Iterable):
        raise TypeError(f"{name} must be an iterable of Claim, got {type(claims).__name__}")
    out = list(claims)
    for c in out:
        if not isinstance(c, Claim):
            raise TypeError(f"{name} must contain Claim objects, got {c!r} of type {type(c).__name__}")
    return out


def _check_tags(tags: Any, reg: dict[str, Claim]) -> set[str]:
    wanted = [tags] if isinstance(tags, str) else tags
    if isinstance(wanted, (bytes, dict)) or not isinstance(wanted, Iterable):
        raise TypeError(f"tags must be a str or a sequence of str, got {type(tags).__name__}")
    wanted = list(wanted)
    for t in wanted:
        if not isinstance(t, str):
            raise TypeError(f"tags must be strings, got {t!r} of type {type(t).__name__}")
    known = known_tags(reg.values())
    if not wanted:
        raise ValueError(f"tags is empty: nothing would be checked; known tags: {known}")
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ValueError(f"unknown tag(s) {unknown}; known tags: {known}")
    return set(wanted)


def claim_pool(*, extra_claims: Iterable[Claim] | None = None, plugins: bool = True) -> dict[str, Claim]:
    """Every claim a run can check: the built-in ones, those of installed plugins (entry-point
    group ``superposition_theory.claims``) and ``extra_claims``, by id (sorted).

    An id that collides with another (a built-in one, or between users' claims) is a
    ``ValueError``.

    Examples
    --------
    >>> "geometry.welch" in claim_pool()
    True
    """
    plugins = check_bool(plugins, "plugins")
    pool = registry()
    if plugins:
        pool = combine_claims(pool, plugin_claims(), "an installed plugin (superposition_theory.claims)")
    if extra_claims is not None:
        pool = combine_claims(pool, extra_claims, "extra_claims")
    return dict(sorted(pool.items()))


def verify_all(
    *,
    quick: bool = False,
    claims: Iterable[str] | None = None,
    tags: Sequence[str] | None = None,
    rng: int = 0,
    progress: bool = False,
    out: str | Path | None = None,
    figures: bool = True,
    extra_claims: Iterable[Claim] | None = None,
    plugins: bool = True,
    argv: Sequence[str] | None = None,
) -> Report:
    """Check every registered claim (or the chosen ones) at each of its parameter sets.

    The claims are the built-in ones, those contributed by installed packages through the
    ``superposition_theory.claims`` entry-point group (unless ``plugins=False``) and
    ``extra_claims`` (see :func:`claim_pool`). An exception inside a claim becomes an
    ``"error"`` verdict naming it; the run goes on.

    Parameters
    ----------
    quick : bool
        Use each claim's quick (small) parameter sets and trial counts.
    claims : str or iterable of str, optional
        Claim ids to check (a bare string is one id); unknown ids, or none at all, raise
        ``ValueError`` listing the known ones.
    tags : str or sequence of str, optional
        Keep only claims carrying one of these tags. A bare string is one tag
        (``tags="geometry"``); unknown tags, and an empty sequence, raise ``ValueError`` listing
        the known tags (so that a typo cannot check nothing and report success).
    rng : int
        Seed; each (claim, parameter set) derives its own stream from it.
    progress : bool
        Show a progress bar (tqdm) on stderr.
    out : path, optional
        If given, write the report there (see :meth:`theory.verify.Report.write`).
    figures : bool
        Write figures with the report.
    extra_claims : iterable of Claim, optional
        Your own claims, checked and reported like the built-in ones (e.g.
        ``load_claims("my_claims.py")``). An id that collides with another is a ``ValueError``.
    plugins : bool
        Include claims of installed plugins (entry points).
    argv : sequence of str, optional
        The command line recorded in the report's provenance (default ``sys.argv``).

    Returns
    -------
    Report

    Examples
    --------
    >>> rep = verify_all(quick=True, claims=["geometry.welch"])
    >>> rep.ok
    True
    """
    quick = check_bool(quick, "quick")
    progress = check_bool(progress, "progress")
    figures = check_bool(figures, "figures")
    seed = check_int(rng, "rng", minimum=0)
    if argv is not None and (isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence)):
        raise TypeError(f"argv must be a sequence of str or None, got {type(argv).__name__}")
    if out is not None:  # checked before the run, which may take minutes
        if not isinstance(out, (str, os.PathLike)):
            raise TypeError(f"out must be a directory path or None, got {type(out).__name__}")
        if Path(out).exists() and not Path(out).is_dir():
            raise ValueError(f"out must be a directory (the report is written into it); {str(out)!r} is a file")
    reg = claim_pool(extra_claims=extra_claims, plugins=plugins)
    if claims is not None:
        if isinstance(claims, bytes) or not isinstance(claims, (str, Iterable)):
            raise TypeError(f"claims must be a claim id or an iterable of ids, got {type(claims).__name__}")
        ids = [claims] if isinstance(claims, str) else list(claims)  # a bare string is one id
        if not all(isinstance(c, str) for c in ids):
            raise TypeError(f"claims must contain claim ids (str), got {ids!r}")
        if not ids:
            raise ValueError(f"claims is empty: nothing would be checked; known: {sorted(reg)}")
        unknown = [c for c in ids if c not in reg]
        if unknown:
            raise ValueError(f"claims: unknown claim id(s) {unknown}; known: {sorted(reg)}")
        chosen = {c: reg[c] for c in dict.fromkeys(ids)}
    else:
        chosen = reg
    if tags is not None:
        wanted = _check_tags(tags, reg)
        chosen = {k: c for k, c in chosen.items() if wanted & set(c.tags)}
        if not chosen:
            raise ValueError(f"no chosen claim carries the tag(s) {sorted(wanted)}: nothing would be checked")
    jobs = [(c, p) for c in chosen.values() for p in c.parameter_sets(quick)]
    prov = _provenance(seed=seed, argv=None if argv is None else [str(a) for a in argv])
    t0 = time.perf_counter()
    verdicts: list[Verdict] = []
    it: Iterable[tuple[Claim, dict[str, Any]]] = jobs
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(jobs, desc="verify", unit="check")
    for claim, params in it:
        try:
            verdicts.append(check(claim, params, trials=claim.n_trials(quick), rng=seed))
        except Exception as exc:  # a broken claim must not hide the others
            verdicts.append(
                Verdict(
                    claim_id=claim.id,
                    params=dict(params),
                    status="error",
                    deterministic=claim.deterministic,
                    relation=claim.relation,
                    bound=float("nan"),
                    measured=float("nan"),
                    trials=0,
                    violations=0,
                    message=f"{type(exc).__name__}: {exc}",
                    quantity=claim.quantity,
                    unit=claim.unit,
                    two_sided=claim.two_sided,
                )
            )
    report = Report(
        verdicts=verdicts, claims=chosen, quick=quick, seed=seed, elapsed=time.perf_counter() - t0, provenance=prov
    )
    if out is not None:
        report.write(out, figures=figures)
    return report

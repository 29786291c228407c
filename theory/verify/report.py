"""Running many claims and writing the report (Markdown, JSON and figures)."""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theory._validation import check_bool, check_int
from theory.verify.check import check
from theory.verify.claim import Claim, Verdict
from theory.verify.registry import registry

__all__ = ["Report", "known_tags", "verify_all"]


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
    """

    verdicts: list[Verdict]
    claims: dict[str, Claim]
    quick: bool = False
    seed: int = 0
    elapsed: float = 0.0
    figures: list[str] = field(default_factory=list)

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
        """One row per verdict with the table columns (claim, params, bound, measured, …)."""
        rows = []
        for v in self.verdicts:
            params = ", ".join(f"{k}={_fmt(x)}" for k, x in v.params.items())
            if v.status == "error":
                bound = measured = tight = "-"
            elif v.deterministic:
                bound = f"{v.relation} {_fmt(v.bound)}"
                measured = _fmt(v.measured)
                tight = _fmt(v.tightness, 3)
            else:
                bound = f"P(viol) <= {_fmt(v.failure_prob)}"
                measured = f"{v.violations}/{v.trials}"
                tight = _fmt(v.tightness, 3)
            rows.append({"claim": v.claim_id, "params": params, "bound": bound,
                         "measured": measured, "tightness": tight, "verdict": v.status})
        return rows

    def table(self) -> str:
        """A plain-text table for the terminal."""
        rows = self.rows()
        cols = ["claim", "params", "bound", "measured", "tightness", "verdict"]
        widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in cols}
        lines = ["  ".join(c.ljust(widths[c]) for c in cols),
                 "  ".join("-" * widths[c] for c in cols)]
        lines += ["  ".join(r[c].ljust(widths[c]) for c in cols) for r in rows]
        c = self.counts()
        lines.append(f"\n{c['consistent']} consistent, {c['refuted']} refuted, {c['error']} errors "
                     f"in {self.elapsed:.1f} s ({'quick' if self.quick else 'full'} run, seed {self.seed})")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-serialisable dict."""
        return {
            "quick": self.quick, "seed": self.seed, "elapsed_s": round(self.elapsed, 3),
            "ok": self.ok, "counts": self.counts(),
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "claims": {cid: {"statement": c.statement, "latex": c.latex, "citation": c.citation,
                             "domain": c.domain, "relation": c.relation,
                             "deterministic": c.deterministic, "proof": c.proof}
                       for cid, c in self.claims.items()},
            "verdicts": [v.to_dict() for v in self.verdicts],
            "figures": list(self.figures),
        }

    def to_markdown(self) -> str:
        """The report as Markdown: a summary table, then each claim with its verdicts."""
        c = self.counts()
        out = ["# superposition-theory verification report", "",
               f"{'Quick' if self.quick else 'Full'} run, seed {self.seed}, "
               f"{self.elapsed:.1f} s: **{c['consistent']} consistent, {c['refuted']} refuted, "
               f"{c['error']} errors**.", "",
               "Deterministic claims are refuted by any violation beyond float tolerance; "
               "probabilistic claims by an exact one-sided binomial test of the violation count "
               "against the claimed failure probability. Tightness is measured/bound "
               "(deterministic) or violation rate/claimed probability (probabilistic).", "",
               "| claim | params | bound | measured | tightness | verdict |",
               "|---|---|---|---|---|---|"]
        for r in self.rows():
            out.append(f"| `{r['claim']}` | {r['params']} | {r['bound']} | {r['measured']} | "
                       f"{r['tightness']} | {r['verdict']} |")
        for fig in self.figures:
            out += ["", f"![{Path(fig).stem}]({fig})"]
        out += ["", "## Claims", ""]
        for cid, claim in self.claims.items():
            kind = "deterministic" if claim.deterministic else "probabilistic"
            out += [f"### `{cid}` ({kind})", "", claim.statement, ""]
            if claim.latex:
                out += [f"$$ {claim.latex} $$", ""]
            if claim.domain:
                out += [f"*Domain:* {claim.domain}", ""]
            out += [f"*Source:* {claim.citation}", ""]
            if claim.proof:
                out += [f"*Derivation:* `proofs/{claim.proof}.py` (run `theory prove {claim.proof}`)", ""]
            for v in self.verdicts:
                if v.claim_id == cid and v.message:
                    out.append(f"- {v.params}: {v.status}: {v.message}")
            out.append("")
        return "\n".join(out)

    def write(self, out: str | Path, *, figures: bool = True) -> Path:
        """Write ``report.md``, ``report.json`` and figures (``figures/*.png|svg``) into ``out``."""
        figures = check_bool(figures, "figures")
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if figures:
            self.figures = _write_figures(self, out)
        (out / "report.md").write_text(self.to_markdown(), encoding="utf-8")
        (out / "report.json").write_text(json.dumps(self.to_json(), indent=2, sort_keys=False),
                                         encoding="utf-8")
        return out


def _fmt(x: Any, digits: int = 4) -> str:
    if x is None:
        return "-"
    if isinstance(x, (float, np.floating)):
        return "-" if not np.isfinite(x) else f"{float(x):.{digits}g}"
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
    pool = registry().values() if claims is None else claims
    return sorted({t for c in pool for t in c.tags})


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


def verify_all(*, quick: bool = False, claims: Iterable[str] | None = None,
               tags: Sequence[str] | None = None, rng: int = 0, progress: bool = False,
               out: str | Path | None = None, figures: bool = True) -> Report:
    """Check every registered claim (or the chosen ones) at each of its parameter sets.

    An exception inside a claim becomes an ``"error"`` verdict naming it; the run goes on.

    Parameters
    ----------
    quick : bool
        Use each claim's quick parameter sets and trial counts (the whole run takes well under
        a minute).
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
        If given, write the report there (see :meth:`Report.write`).
    figures : bool
        Write figures with the report.

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
    reg = registry()
    if claims is not None:
        ids = [claims] if isinstance(claims, str) else list(claims)  # a bare string is one id
        if not ids:
            raise ValueError(f"claims is empty: nothing would be checked; known: {sorted(reg)}")
        unknown = [c for c in ids if c not in reg]
        if unknown:
            raise ValueError(f"unknown claim id(s) {unknown}; known: {sorted(reg)}")
        chosen = {c: reg[c] for c in ids}
    else:
        chosen = reg
    if tags is not None:
        wanted = _check_tags(tags, reg)
        chosen = {k: c for k, c in chosen.items() if wanted & set(c.tags)}
        if not chosen:
            raise ValueError(f"no chosen claim carries the tag(s) {sorted(wanted)}: nothing would be checked")
    jobs = [(c, p) for c in chosen.values() for p in c.parameter_sets(quick)]
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
            verdicts.append(Verdict(claim_id=claim.id, params=dict(params), status="error",
                                    deterministic=claim.deterministic, relation=claim.relation,
                                    bound=float("nan"), measured=float("nan"), trials=0,
                                    violations=0, message=f"{type(exc).__name__}: {exc}"))
    report = Report(verdicts=verdicts, claims=chosen, quick=quick, seed=seed,
                    elapsed=time.perf_counter() - t0)
    if out is not None:
        report.write(out, figures=figures)
    return report

"""What a finished packing run says about itself: the reference value of the case, the verdict
(``success``, ``message``, whether to warn) and the progress bar."""

from __future__ import annotations

import functools
import json
import pathlib
import sys
import time

from theory._references import cite
from theory._results import Bound
from theory.geometry._packing.budget import BOUND_TOL, reached

__all__ = ["BOUND_WARN", "REF_OK", "REF_WARN", "SLOANE_SOURCE", "Progress", "reference_table", "verdict"]

# success is False above these relative margins (see Packing.success); the TheoryWarning is
# raised above the larger ones.
REF_OK, REF_WARN, BOUND_WARN = 1e-3, 1e-2, 0.05
SLOANE_SOURCE = cite("sloane_table", "conway1996", detail="best known, not proven optimal")
DATA = pathlib.Path(__file__).resolve().parent.parent.parent / "data"


@functools.cache
def reference_table() -> dict[tuple[int, int, bool], tuple[float, str, bool]]:
    """``(dim, n, lines) -> (value, source, proven)`` from the two reference files in
    ``theory/data``: proven optima first, then Sloane's table of best known line packings."""
    out: dict[tuple[int, int, bool], tuple[float, str, bool]] = {}
    for c in json.loads((DATA / "geometry_packings.json").read_text())["cases"]:
        if str(c.get("status", "")).startswith("proven optimal"):
            out.setdefault(
                (int(c["dim"]), int(c["n"]), bool(c["lines"])),
                (float(c["value"]), "proven optimum: " + str(c["source"]), True),
            )
    for c in json.loads((DATA / "grassmannian_lines_sloane.json").read_text())["cases"]:
        out.setdefault((int(c["dim"]), int(c["n"]), True), (float(c["coherence"]), SLOANE_SOURCE, False))
    return out


def _pct(r: float) -> str:
    """A relative difference as a percentage with three significant digits."""
    return f"{100 * r:.3g}%"


def verdict(
    value: float,
    bound: Bound,
    gap: float,
    ref: tuple[float, str, bool] | None,
    stopped: str,
    time_limit: float | None,
    restarts: int,
) -> tuple[bool, str, bool]:
    """``(success, message, warn)`` of a finished run (see ``Packing.success``)."""
    why = {
        "bound": "",
        "optimum": "",
        "restarts": f"the restart cap ({restarts}) ended the run ",
        "time": f"the time limit ({time_limit:g} s) ended the run " if time_limit else "",
        "callback": "the callback ended the run ",
    }[stopped]
    hint = {
        "restarts": "leave restarts unset and give a time_limit for a longer search",
        "callback": "let the callback return False for longer for a longer search",
    }.get(stopped, "raise time_limit (and leave restarts unset) for a longer search")
    if reached(value, bound.value):
        return True, f"reached the best lower bound ({bound.name}): optimal", False
    if ref is not None:
        rv, src, proven = ref
        short = "the proven optimum" if proven else "the best known value (Sloane's table)"
        if proven and reached(value, rv):
            return True, f"reached {short} {rv:.10g}", False
        r = (value - rv) / max(abs(rv), 0.01)
        if r <= -BOUND_TOL:
            return True, f"{_pct(-r)} below {short} {rv:.10g}", False
        if r <= BOUND_TOL:
            return True, f"matches {short} {rv:.10g}", False
        if r <= REF_OK:
            return True, f"within {_pct(r)} of {short} {rv:.10g}", False
        return False, f"{why}{_pct(r)} above {short} {rv:.10g}: {hint}", r > REF_WARN
    if bound.value > 0:
        if gap <= BOUND_WARN:
            return (
                True,
                (
                    f"no reference value to compare with; {_pct(gap)} above the best lower bound "
                    f"({bound.name}), which need not be attainable"
                ),
                False,
            )
        return (
            False,
            (
                f"{why}{_pct(gap)} above the best lower bound ({bound.name}) and no reference value "
                f"to compare with (the bound need not be attainable): {hint}"
            ),
            True,
        )
    return (
        True,
        (
            f"no reference value to compare with, and the best lower bound ({bound.name}, "
            f"{bound.value:.6g}) says little here: {value - bound.value:.4g} above it"
        ),
        False,
    )


class Progress:
    """A tqdm bar on stderr: over the seconds of the time budget when there is one, else over the
    restarts."""

    def __init__(self, restarts: int | None, time_limit: float | None, lb: float) -> None:
        from tqdm.auto import tqdm

        self.timed = time_limit is not None
        self.lb = lb
        total = time_limit if self.timed else restarts
        self.bar = tqdm(
            total=total,
            desc="pack",
            unit="s" if self.timed else "restart",
            mininterval=0.5,
            file=sys.stderr,
            leave=False,
            bar_format=("{l_bar}{bar}| {n:.0f}/{total:.0f} s{postfix}" if self.timed else None),
        )
        self.t0 = time.perf_counter()

    def __call__(self, done: int, best: float) -> None:
        self.bar.set_postfix_str(f"{done} restarts, best {best:.10f}, bound {self.lb:.10f}", refresh=False)
        if self.timed:
            self.bar.n = min(time.perf_counter() - self.t0, self.bar.total)
            self.bar.refresh()
        else:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()

"""Nothing but the program's own output on stdout: third-party banners are kept off it."""

from __future__ import annotations

import subprocess
import sys

import pytest

BANNERS = ("HiGHS", "Copyright", "THIRD_PARTY_NOTICES", "Clarabel", "SCS v")


def _stdout(*args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "theory", *args], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("pack", "--dim", "3", "--n", "5", "--restarts", "2"),
        ("capacity", "--dim", "8", "--max-cos", "0.3"),
        ("verify", "--quick", "--claim", "geometry.welch", "geometry.delsarte_upper", "--out", "{tmp}"),
    ],
)
def test_no_third_party_output_on_stdout(args, tmp_path):
    out = _stdout(*(a.format(tmp=tmp_path) for a in args))
    assert out.strip()
    for banner in BANNERS:
        assert banner not in out, f"{banner!r} on stdout of theory {' '.join(args)}:\n{out[:1000]}"


@pytest.mark.parametrize("setup", ["", "import io; sys.stdout = io.StringIO(); "])
def test_the_first_highs_instance_is_made_quietly(setup):
    """Also when Python's sys.stdout is not descriptor 1 (as under pytest or in a notebook)."""
    code = (
        f"import sys; {setup}from theory._solvers import new_highs; new_highs(); new_highs(); "
        "sys.stdout = sys.__stdout__; print('done')"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout == "done\n"

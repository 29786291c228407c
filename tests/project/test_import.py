"""Importing a pillar stays light: sympy (and other heavy optional libraries) load on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["theory", "theory.geometry", "theory.interference", "theory.sparse_coding"])
def test_import_does_not_load_heavy_libraries(module):
    code = (
        f"import sys; import {module}; "
        "print(','.join(m for m in ('sympy', 'cvxpy', 'matplotlib', 'sklearn', 'torch') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", f"import {module} loaded {run.stdout.strip()}"


def test_exact_values_still_come_on_first_use():
    from theory.geometry import welch_bound

    assert str(welch_bound(n=28, dim=7).exact) == "1/3"


def test_strategies_without_hypothesis_name_the_extra_to_install():
    code = (
        "import sys; sys.modules['hypothesis'] = None; sys.modules['hypothesis.strategies'] = None\n"
        "from theory import strategies\n"
        "try:\n    strategies.frames()\nexcept ModuleNotFoundError as e:\n    print(e)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "superposition-theory[strategies]" in run.stdout, run.stdout + run.stderr

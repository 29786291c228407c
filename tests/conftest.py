"""Shared test configuration.

Hypothesis profiles: ``ci`` (chosen when the ``CI`` environment variable is set) is derandomised
with no deadline, so a CI run is reproducible and never flaky on a slow machine; ``dev`` is the
default for local runs.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

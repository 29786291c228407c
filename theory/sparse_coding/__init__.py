"""Getting features back out of superposition: ground truth, inference, metrics, certificates, learners.

Public names are imported from their submodules on first use.
"""

from __future__ import annotations

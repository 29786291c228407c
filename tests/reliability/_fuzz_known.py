"""Open failures of the public-API fuzz (``test_fuzz_public.py``), grouped by cause.

``(callable, argument) -> the first failure seen`` as ``argument=bad value: outcome``. The fuzz test
fails on a failure not listed here and on a listed pair that no longer fails (remove it then), so the
list only shrinks. Regenerate with ``python tests/reliability/_fuzz.py --write-known`` (a few minutes).
"""

# ruff: noqa: E501

KNOWN: dict[tuple[str, str], str] = {}

"""Resumable experiment cells that benchmarks and figure recipes run, built on theory.sweep."""

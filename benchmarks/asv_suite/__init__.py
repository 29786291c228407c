"""asv benchmarks of superposition-theory: each compares the toolkit with a peer in the same run.

Run on this machine, with the installed package and no network::

    asv run --python=same --quick        # every benchmark once (asv.conf.json at the root)
    asv run --python=same                # full timing statistics

``time_*`` and ``peakmem_*`` measure one side; ``track_speedup`` runs both sides in one call and
returns peer time / our time (the ratio the docs' results pages report). Benchmarks whose peer is
not installed (PyTorch: ``pip install 'superposition-theory[bench]'``) are skipped.
"""

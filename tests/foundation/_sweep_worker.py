"""Run the slow sweep of ``test_sweep.py`` into a store file: ``python _sweep_worker.py DB``.

The test kills this process (and its pool workers) with SIGKILL part-way and reruns the sweep.
"""

import sys

GRID = {"n": list(range(12)), "p": [0.25, 0.5]}

if __name__ == "__main__":
    from _sweep_cells import slow

    from theory.sweep import sweep

    sweep(slow, GRID, store=sys.argv[1], executor=None, rng=11, progress=False)

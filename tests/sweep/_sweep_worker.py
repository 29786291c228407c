"""Run the slow sweep of ``test_sweep.py`` into a store file: ``python _sweep_worker.py DB``.

The test kills this process (and its pool workers) with SIGKILL part-way and reruns the sweep.
"""

import sys

# 60 cells of 0.1 s on 2 workers: a 3 s window in which to kill the run part-way (the test
# kills it after 3 cells; the rerun sleeps 0 s, so the size costs no test time).
GRID = {"n": list(range(30)), "p": [0.25, 0.5]}

if __name__ == "__main__":
    from _sweep_cells import slow

    from theory.sweep import sweep

    sweep(slow, GRID, store=sys.argv[1], executor=None, rng=11, progress=False)

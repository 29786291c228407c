"""The parts of :func:`theory.geometry.pack`: objective, local stages, start strategies, budget and
the solver that runs them (private; the public entry point is ``theory.geometry.packing.pack``)."""

"""Hypothesis strategy for toy-model configurations (re-exported by ``theory.strategies``)."""

from __future__ import annotations

import importlib
from typing import Any

from theory._validation import check_int

__all__ = ["toy_configs"]


def toy_configs(
    *,
    max_features: int = 8,
    max_hidden: int = 4,
    max_instances: int = 4,
    tasks: tuple[str, ...] = ("reconstruct",),
    activations: tuple[str, ...] = ("relu", "linear"),
    pairs: bool = True,
) -> Any:
    r"""Small :class:`theory.toy_models.ToyModelConfig` objects with varied importance and density.

    Draws ``n_features`` in ``[1, max_features]``, ``n_hidden`` in ``[1, max_hidden]`` and
    ``n_instances`` in ``[1, max_instances]``; per-instance-and-feature importances in
    ``[0.01, 10]`` and densities in ``[0.001, 1]`` (sometimes one density per instance, as in the
    paper's sweeps); optionally correlated / anti-correlated feature pairs (then densities are
    shared within pairs and at most 1/2 for anti-correlated ones).

    Parameters
    ----------
    max_features, max_hidden, max_instances : int
    tasks : tuple of str
        Subset of ``("reconstruct", "abs")``.
    activations : tuple of str
        Subset of ``("relu", "linear")`` (``abs`` always uses ReLU).
    pairs : bool
        Allow correlated / anti-correlated pairs.

    Returns
    -------
    hypothesis SearchStrategy of ToyModelConfig

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(toy_configs(max_features=4))
    ... def test(cfg):
    ...     assert cfg.importance_matrix.shape == (cfg.n_instances, cfg.n_features)
    >>> test()

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    st = importlib.import_module("hypothesis.strategies")
    import numpy as np

    from theory.toy_models.config import ToyModelConfig

    max_features = check_int(max_features, "max_features", minimum=1)
    max_hidden = check_int(max_hidden, "max_hidden", minimum=1)
    max_instances = check_int(max_instances, "max_instances", minimum=1)

    @st.composite
    def build(draw: Any) -> ToyModelConfig:
        n = draw(st.integers(1, max_features))
        m = draw(st.integers(1, max_hidden))
        k = draw(st.integers(1, max_instances))
        task = draw(st.sampled_from(tasks))
        act = "relu" if task == "abs" else draw(st.sampled_from(activations))
        nc = na = 0
        if pairs and n >= 2:
            nc = draw(st.integers(0, n // 2))
            na = draw(st.integers(0, (n - 2 * nc) // 2))
        imp = np.array(draw(st.lists(st.floats(0.01, 10.0), min_size=k * n, max_size=k * n))).reshape(k, n)
        if draw(st.booleans()):
            prob = np.repeat(
                np.array(draw(st.lists(st.floats(0.001, 1.0), min_size=k, max_size=k)))[:, None], n, axis=1
            )
        else:
            prob = np.array(draw(st.lists(st.floats(0.001, 1.0), min_size=k * n, max_size=k * n))).reshape(k, n)
        prob[:, 1 : 2 * (nc + na) : 2] = prob[:, 0 : 2 * (nc + na) : 2]
        prob[:, 2 * nc : 2 * (nc + na)] = np.minimum(prob[:, 2 * nc : 2 * (nc + na)], 0.5)
        return ToyModelConfig(
            n_features=n,
            n_hidden=m,
            n_instances=k,
            importance=imp,
            feature_probability=prob,
            activation=act,
            task=task,
            n_correlated_pairs=nc,
            n_anticorrelated_pairs=na,
        )

    return build()

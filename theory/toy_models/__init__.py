"""Toy models of superposition (Elhage et al. 2022): a fast batched trainer, analysis, and the
exact theory of small cases.

References
----------
Elhage, N. et al. (2022). Toy Models of Superposition. Transformer Circuits Thread.
arXiv:2209.10652.
"""

from theory.toy_models.config import ToyModelConfig, geometric_importance, sparsity_sweep
from theory.toy_models.data import sample_features
from theory.toy_models.model import ToyModel, forward, loss_and_gradients
from theory.toy_models.train import init_params, train

__all__ = ["ToyModel", "ToyModelConfig", "forward", "geometric_importance", "init_params",
           "loss_and_gradients", "sample_features", "sparsity_sweep", "train"]

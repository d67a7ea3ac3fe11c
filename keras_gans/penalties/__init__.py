"""Discriminator regularisers: penalties added to its objective, constraints on its weights.

Penalties are registered in the `keras_gans.penalties` entry-point group, so
`keras_gans.penalties.get("r1", gamma=1.0)` works and a third-party distribution can add more.
"""

from keras_gans.penalties.base import Constraint, Penalty, gradient_norm
from keras_gans.penalties.dragan_penalty import DRAGANPenalty
from keras_gans.penalties.gradient_penalty import FORMS, GradientPenalty, gradient_penalty_term
from keras_gans.penalties.weight_clipping import WeightClipping
from keras_gans.penalties.zero_centered import R1Penalty, R2Penalty
from keras_gans.registry import Registry

registry = Registry("keras_gans.penalties", kind="penalty", base_class=Penalty)
names = registry.names
get = registry.get
describe = registry.describe
register = registry.register
refresh = registry.refresh

__all__ = [
    "FORMS",
    "Constraint",
    "DRAGANPenalty",
    "GradientPenalty",
    "Penalty",
    "R1Penalty",
    "R2Penalty",
    "WeightClipping",
    "describe",
    "get",
    "gradient_norm",
    "gradient_penalty_term",
    "names",
    "refresh",
    "register",
    "registry",
]

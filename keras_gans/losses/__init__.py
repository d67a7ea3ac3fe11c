"""Adversarial losses: pure functions, thin classes, named compositions and their registry.

`keras_gans.losses.names()` lists every loss installed in the `keras_gans.losses` entry-point
group (the built-ins are registered there too); `keras_gans.losses.get("wgan-gp")` builds one.
"""

from keras_gans.losses import functions
from keras_gans.losses.adversarial import Hinge, LeastSquares, Minimax, NonSaturating, Wasserstein
from keras_gans.losses.base import AdversarialLoss
from keras_gans.losses.compositions import DRAGAN, WGAN, WGANGP
from keras_gans.losses.energy import BEGAN, EBGAN
from keras_gans.losses.functions import *  # noqa: F403 - the pure functions are public API
from keras_gans.losses.relativistic import (
    RelativisticAverage,
    RelativisticAverageHinge,
    RelativisticAverageLeastSquares,
)
from keras_gans.losses.resolve import resolve
from keras_gans.losses.wrappers import NoisyLabels, WeightedLoss
from keras_gans.registry import Registry

registry = Registry("keras_gans.losses", kind="loss", base_class=AdversarialLoss)
names = registry.names
get = registry.get
describe = registry.describe
register = registry.register
refresh = registry.refresh

__all__ = [
    "BEGAN",
    "DRAGAN",
    "EBGAN",
    "WGAN",
    "WGANGP",
    "AdversarialLoss",
    "Hinge",
    "LeastSquares",
    "Minimax",
    "NoisyLabels",
    "NonSaturating",
    "RelativisticAverage",
    "RelativisticAverageHinge",
    "RelativisticAverageLeastSquares",
    "Wasserstein",
    "WeightedLoss",
    "describe",
    "functions",
    "get",
    "names",
    "refresh",
    "register",
    "registry",
    "resolve",
    *functions.__all__,
]

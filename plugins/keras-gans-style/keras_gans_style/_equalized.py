"""Shared checks and the runtime weight scale of the equalised-learning-rate layers."""

from __future__ import annotations

import math

from keras_gans.checks import positive_int, positive_number

__all__ = ["SQRT2", "positive_int", "positive_number", "runtime_scale"]


#: The gain of He's constant for (leaky) ReLU layers.
SQRT2 = math.sqrt(2.0)


def runtime_scale(fan_in, gain, lr_multiplier):
    """He's constant `gain / sqrt(fan_in)`, times the learning-rate multiplier."""
    return gain / math.sqrt(fan_in) * lr_multiplier

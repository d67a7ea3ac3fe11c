"""Shared checks and the runtime weight scale of the equalised-learning-rate layers."""

from __future__ import annotations

import math


def positive_number(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"`{argument}` must be a positive number. Received: {argument}={value!r}")
    return float(value)


def positive_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{argument}` must be a positive int. Received: {argument}={value!r}")
    return value


#: The gain of He's constant for (leaky) ReLU layers.
SQRT2 = math.sqrt(2.0)


def runtime_scale(fan_in, gain, lr_multiplier):
    """He's constant `gain / sqrt(fan_in)`, times the learning-rate multiplier."""
    return gain / math.sqrt(fan_in) * lr_multiplier

"""Seeds of the AAE's code priors."""

from __future__ import annotations

import keras
import numpy as np

__all__ = ["seed_generator"]


def seed_generator(seed):
    """An int seed becomes a `keras.random.SeedGenerator`, so the draws of one call differ.

    A `SeedGenerator` or `None` is returned as it is.

    Example:
    >>> type(seed_generator(3)).__name__, seed_generator(None)
    ('SeedGenerator', None)
    """
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return keras.random.SeedGenerator(int(seed))
    return seed

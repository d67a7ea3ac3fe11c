"""Synthetic 2-D Gaussian mixtures: the standard mode-collapse benchmarks."""

from __future__ import annotations

import numpy as np

from keras_gans import checks


def ring_of_gaussians(n, modes=8, radius=2.0, std=0.02, seed=None):
    """Samples a ring of `modes` Gaussians with centres at angles `2 pi i / modes`.

    (Angles from `linspace(0, 2 pi, modes)` would put two modes on one point.)

    Args:
        n: Number of samples (a positive integer).
        modes: Number of modes, a positive integer (default 8).
        radius: Ring radius, a positive number (default 2).
        std: Per-axis standard deviation of each mode, a positive number (default 0.02).
        seed: NumPy seed: `None` (default) or an integer >= 0.

    Returns:
        `(points, centres)`: float32 arrays of shape `(n, 2)` and `(modes, 2)`.

    Example:
    >>> points, centres = ring_of_gaussians(100, seed=0)
    >>> points.shape, centres.shape
    ((100, 2), (8, 2))
    """
    n, modes = checks.positive_int(n, "n"), checks.positive_int(modes, "modes")
    radius, std = checks.positive_number(radius, "radius"), checks.positive_number(std, "std")
    angles = 2.0 * np.pi * np.arange(modes) / modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _sample(centres, n, std, seed)


def grid_of_gaussians(n, side=5, spacing=2.0, std=0.05, seed=None):
    """Samples a `side x side` grid of Gaussians centred on `{-4, -2, 0, 2, 4}^2` by default.

    Args:
        n: Number of samples (a positive integer).
        side: Modes per axis, a positive integer (default 5).
        spacing: Distance between neighbouring modes, a positive number (default 2).
        std: Per-axis standard deviation of each mode, a positive number (default 0.05).
        seed: NumPy seed: `None` (default) or an integer >= 0.

    Returns:
        `(points, centres)`: float32 arrays of shape `(n, 2)` and `(side * side, 2)`.
    """
    n, side = checks.positive_int(n, "n"), checks.positive_int(side, "side")
    spacing, std = checks.positive_number(spacing, "spacing"), checks.positive_number(std, "std")
    axis = spacing * (np.arange(side) - (side - 1) / 2.0)
    centres = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    return _sample(centres, n, std, seed)


def _sample(centres, n, std, seed):
    rng = np.random.default_rng(checks.seed(seed))
    which = rng.integers(len(centres), size=n)
    points = centres[which] + std * rng.standard_normal((n, 2))
    return points.astype("float32"), centres.astype("float32")

"""Synthetic 2-D Gaussian mixtures: the standard mode-collapse benchmarks."""

from __future__ import annotations

import numpy as np


def _check(n, std):
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"`n` must be a positive integer. Received: n={n!r}")
    if not isinstance(std, (int, float)) or std <= 0:
        raise ValueError(f"`std` must be a positive number. Received: std={std!r}")


def ring_of_gaussians(n, modes=8, radius=2.0, std=0.02, seed=None):
    """Samples a ring of `modes` Gaussians with centres at angles `2 pi i / modes`.

    (Angles from `linspace(0, 2 pi, modes)` would put two modes on one point.)

    Args:
        n: Number of samples.
        modes: Number of modes (default 8).
        radius: Ring radius (default 2).
        std: Per-axis standard deviation of each mode (default 0.02).
        seed: NumPy seed (default `None`).

    Returns:
        `(points, centres)`: float32 arrays of shape `(n, 2)` and `(modes, 2)`.

    Example:
    >>> points, centres = ring_of_gaussians(100, seed=0)
    >>> points.shape, centres.shape
    ((100, 2), (8, 2))
    """
    _check(n, std)
    angles = 2.0 * np.pi * np.arange(modes) / modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _sample(centres, n, std, seed)


def grid_of_gaussians(n, side=5, spacing=2.0, std=0.05, seed=None):
    """Samples a `side x side` grid of Gaussians centred on `{-4, -2, 0, 2, 4}^2` by default.

    Args:
        n: Number of samples.
        side: Modes per axis (default 5).
        spacing: Distance between neighbouring modes (default 2).
        std: Per-axis standard deviation of each mode (default 0.05).
        seed: NumPy seed (default `None`).

    Returns:
        `(points, centres)`: float32 arrays of shape `(n, 2)` and `(side * side, 2)`.
    """
    _check(n, std)
    axis = spacing * (np.arange(side) - (side - 1) / 2.0)
    centres = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    return _sample(centres, n, std, seed)


def _sample(centres, n, std, seed):
    rng = np.random.default_rng(seed)
    which = rng.integers(len(centres), size=n)
    points = centres[which] + std * rng.standard_normal((n, 2))
    return points.astype("float32"), centres.astype("float32")

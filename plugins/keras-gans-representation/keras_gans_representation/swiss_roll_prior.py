"""A 2-D swiss roll: the AAE's spiral code prior."""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

from keras_gans.checks import non_negative, positive_number
from keras_gans.latents import LatentDistribution
from keras_gans_representation._aae_random import seed_generator

__all__ = ["SwissRollPrior"]


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class SwissRollPrior(LatentDistribution):
    """Points spread evenly along a 2-D spiral (a swiss roll), with Gaussian noise.

    A position `s` in (0, 1] along the roll sets both the angle, `2 pi turns s`, and the
    distance from the centre, `radius s`. Drawing `s = sqrt(u)` with `u ~ U(0, 1)` makes
    the density of `s` proportional to `s`, as the length of the spiral per unit of `s`
    is (nearly), so the points are spread evenly along the roll rather than crowding its
    centre. The roll is two-dimensional: `latent_dim` must be 2.

    Formula:
        `u ~ U(0, 1)`, `s = sqrt(u)`, `z = radius s (cos 2 pi turns s, sin 2 pi turns s)
        + noise_std e`, `e ~ N(0, I_2)`.

    Args:
        turns: How many times the roll winds around its centre (default 1.5).
        radius: Distance of the outer end from the centre (default 4.0).
        noise_std: Standard deviation of the Gaussian noise (default 0.1; 0 puts every
            point on the curve).

    Example:
    >>> prior = SwissRollPrior(turns=1.0, radius=2.0, noise_std=0.0)
    >>> z = prior.sample(500, 2, seed=0).numpy()
    >>> bool(np.linalg.norm(z, axis=1).max() <= 2.0 + 1e-5)
    True
    >>> prior.curve(3).round(3).tolist()  # s = 0, 0.5, 1 on the noise-free roll
    [[0.0, 0.0], [-1.0, 0.0], [2.0, -0.0]]

    Reference:
        Makhzani et al., "Adversarial Autoencoders", ICLR workshop 2016, section 2 and
        figure 4 (a swiss roll distribution as the code prior).
    """

    def __init__(self, turns=1.5, radius=4.0, noise_std=0.1):
        self.turns = positive_number(turns, "turns")
        self.radius = positive_number(radius, "radius")
        self.noise_std = non_negative(noise_std, "noise_std")

    def check(self, latent_dim):
        if latent_dim != 2 or isinstance(latent_dim, bool):
            raise ValueError(
                "A SwissRollPrior is a 2-D distribution: `latent_dim` must be 2. "
                f"Received: latent_dim={latent_dim!r}"
            )

    def curve(self, points=200):
        """`points` positions evenly spaced in `s` along the noise-free roll, `(points, 2)`."""
        s = np.linspace(0.0, 1.0, points)
        angle = 2.0 * math.pi * self.turns * s
        return np.stack([self.radius * s * np.cos(angle), self.radius * s * np.sin(angle)], 1)

    def sample(self, n, latent_dim, seed=None):
        self.check(latent_dim)
        seed = seed_generator(seed)
        s = ops.sqrt(keras.random.uniform((n, 1), seed=seed))
        angle = (2.0 * math.pi * self.turns) * s
        roll = self.radius * s * ops.concatenate([ops.cos(angle), ops.sin(angle)], axis=1)
        if self.noise_std == 0:
            return roll
        return roll + self.noise_std * keras.random.normal((n, 2), seed=seed)

    def get_config(self):
        return {"turns": self.turns, "radius": self.radius, "noise_std": self.noise_std}

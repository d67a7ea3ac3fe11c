"""A mixture of Gaussians on a circle: the AAE's code prior of the paper's figures."""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

from keras_gans.checks import positive_int, positive_number
from keras_gans.latents import LatentDistribution
from keras_gans_representation._aae_random import seed_generator

__all__ = ["GaussianMixturePrior"]


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class GaussianMixturePrior(LatentDistribution):
    """An equal-weight mixture of `components` Gaussians spaced evenly on a circle.

    Component `k` is centred at `radius * (cos a_k, sin a_k, 0, ..., 0)` with
    `a_k = 2 pi k / components` (never `linspace(0, 2 pi, K)`, whose first and last angle
    coincide). It has standard deviation `radial_std` along its radius and
    `tangential_std` in every other direction (the tangent and, when `latent_dim > 2`,
    the remaining axes), so in two dimensions the mixture is a ring of petals, the shape of
    the adversarial autoencoder's mixture-of-10-Gaussians prior.

    Formula:
        `k ~ U{0..K-1}`, `e ~ N(0, I)`,
        `z = radius u_k + radial_std e_1 u_k + tangential_std (e_2 v_k + e_3.. on axes 3..)`,
        with `u_k = (cos a_k, sin a_k)` and `v_k = (-sin a_k, cos a_k)` in the first plane.

    Args:
        components: Number of Gaussians `K` (default 10).
        radius: Distance of the centres from the origin (default 4.0).
        radial_std: Standard deviation along each centre's radius (default 1.0).
        tangential_std: Standard deviation across it (default 0.25).

    Example:
    >>> prior = GaussianMixturePrior(components=4, radius=3.0, radial_std=0.1,
    ...                              tangential_std=0.1)
    >>> z = prior.sample(1000, 2, seed=0).numpy()
    >>> bool(abs(float(np.linalg.norm(z, axis=1).mean()) - 3.0) < 0.05)
    True
    >>> (prior.means(2).round(6) + 0.0).tolist()
    [[3.0, 0.0], [0.0, 3.0], [-3.0, 0.0], [0.0, -3.0]]

    Reference:
        Makhzani et al., "Adversarial Autoencoders", ICLR workshop 2016, section 2 and
        figure 2 (a mixture of 10 2-D Gaussians as the code prior).
    """

    def __init__(self, components=10, radius=4.0, radial_std=1.0, tangential_std=0.25):
        self.components = positive_int(components, "components")
        self.radius = positive_number(radius, "radius")
        self.radial_std = positive_number(radial_std, "radial_std")
        self.tangential_std = positive_number(tangential_std, "tangential_std")

    def check(self, latent_dim):
        if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 2:
            raise ValueError(
                "A GaussianMixturePrior places its components on a circle in the first two "
                "latent axes: `latent_dim` must be an integer >= 2. "
                f"Received: latent_dim={latent_dim!r}"
            )

    def angles(self):
        """The angles `2 pi k / components` of the centres, a NumPy array."""
        return 2.0 * math.pi * np.arange(self.components) / self.components

    def means(self, latent_dim=2):
        """The component centres, a NumPy array `(components, latent_dim)`."""
        self.check(latent_dim)
        centres = np.zeros((self.components, latent_dim))
        centres[:, 0] = self.radius * np.cos(self.angles())
        centres[:, 1] = self.radius * np.sin(self.angles())
        return centres

    def sample(self, n, latent_dim, seed=None):
        seed = seed_generator(seed)
        ids = keras.random.randint((n,), 0, self.components, seed=seed)
        return self.sample_components(ids, latent_dim, seed=seed)

    def sample_components(self, components, latent_dim, seed=None):
        """One draw from each given component.

        Args:
            components: Integer component ids, shape `(n,)`.
            latent_dim: The vector size (>= 2).
            seed: An int, a `keras.random.SeedGenerator` or `None`.

        Returns:
            A float32 tensor `(n, latent_dim)`.
        """
        seed = seed_generator(seed)
        ids = ops.reshape(ops.convert_to_tensor(components), (-1,))
        angle = ops.cast(ids, "float32") * (2.0 * math.pi / self.components)
        radial = ops.stack([ops.cos(angle), ops.sin(angle)], axis=1)
        tangent = ops.stack([-ops.sin(angle), ops.cos(angle)], axis=1)
        noise = keras.random.normal((ops.shape(ids)[0], latent_dim), seed=seed)
        plane = (
            self.radius + self.radial_std * noise[:, :1]
        ) * radial + self.tangential_std * noise[:, 1:2] * tangent
        return ops.concatenate([plane, self.tangential_std * noise[:, 2:]], axis=1)

    def get_config(self):
        return {
            "components": self.components,
            "radius": self.radius,
            "radial_std": self.radial_std,
            "tangential_std": self.tangential_std,
        }

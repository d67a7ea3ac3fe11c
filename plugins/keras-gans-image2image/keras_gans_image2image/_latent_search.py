"""CoGAN's translation: the latent `z` whose generated image matches a given image.

The search is a tiny Keras model, `index -> z[index] -> G(z)`, whose only trainable
weights are the latents (an `Embedding` initialised with prior samples) and whose loss is
the mean squared error to the images; `fit` runs its steps in a compiled train function.
The generator is frozen (and in inference mode) during the search.
"""

from __future__ import annotations

import keras
import numpy as np

__all__ = ["search_latents"]


class _Repeated(keras.utils.PyDataset):
    """The same `(indices, images)` batch, `steps` times."""

    def __init__(self, indices, images, steps):
        super().__init__()
        self.batch = (indices, images)
        self.steps = steps

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        return self.batch


def search_latents(network, images, initial, steps, learning_rate):
    """Latents `z` (starting at `initial`) minimising `mean (network(z) - images)^2`.

    Args:
        network: A generator from `(batch, latent_dim)` to images.
        images: The target images, a NumPy array.
        initial: The starting latents `(n, latent_dim)`, a NumPy array.
        steps: Adam steps.
        learning_rate: Adam's learning rate (beta_1 0.9, beta_2 0.999).

    Returns:
        The latents found, a NumPy array `(n, latent_dim)`.
    """
    n, latent_dim = initial.shape
    index = keras.Input((1,), dtype="int32", name="index")
    codes = keras.layers.Embedding(n, latent_dim, name="latents")
    z = keras.layers.Reshape((latent_dim,))(codes(index))
    was_trainable = network.trainable
    network.trainable = False
    try:
        search = keras.Model(index, network(z, training=False), name="latent_search")
        codes.set_weights([np.asarray(initial, "float32")])
        search.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mean_squared_error")
        indices = np.arange(n, dtype="int32")[:, None]
        search.fit(_Repeated(indices, np.asarray(images, "float32"), steps), epochs=1, verbose=0)
    finally:
        network.trainable = was_trainable
    return codes.get_weights()[0]

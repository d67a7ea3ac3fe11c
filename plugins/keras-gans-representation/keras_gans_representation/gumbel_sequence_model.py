"""`GumbelSequenceModel`: the GAN of the `gumbel-sequence` family."""

from __future__ import annotations

import keras
import numpy as np

from keras_gans import GANModel
from keras_gans_representation.gumbel_softmax import GumbelSoftmax

__all__ = ["GumbelSequenceModel"]


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class GumbelSequenceModel(GANModel):
    """A `GANModel` whose generator draws its tokens with `GumbelSoftmax` layers.

    The game is the classic one (`GANModel`'s players, schedule and contexts). Two things
    differ, both about the token noise that the generator's `GumbelSoftmax` layers draw
    from their own seed generators: a saved model stores the state of every random stream
    (token noise, latent sampler), so a loaded model resumes training exactly; and
    `generate(n, seed=s)` also seeds the token noise (then restores the layers' streams),
    so a seeded call returns the same sequences every time.

    Args:
        generator, discriminator, latent_dim, latent_distribution, num_classes, seed,
        ema_decay, **kwargs: As in `GANModel`.

    Example:
    >>> import keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "gumbel-sequence", sequence_length=4, vocabulary_size=3, latent_dim=4, units=8,
    ...     discriminator_units=8, seed=0)
    >>> bool((gan.generate(5, seed=1) == gan.generate(5, seed=1)).all())
    True

    Reference:
        Kusner & Hernández-Lobato, "GANS for Sequences of Discrete Elements with the
        Gumbel-softmax Distribution", 2016; Jang, Gu & Poole, ICLR 2017.
    """

    def _token_noise(self):
        return [
            layer.seed_generator
            for layer in self._flatten_layers(include_self=False)
            if isinstance(layer, GumbelSoftmax)
        ]

    def generate(self, n, seed=None, **kwargs):
        if seed is None:
            return super().generate(n, **kwargs)
        streams = self._token_noise()
        saved = [np.array(stream.state.numpy()) for stream in streams]
        try:
            for i, stream in enumerate(streams):
                base = np.random.default_rng([int(seed), i]).integers(0, 2**31 - 1)
                stream.state.assign(np.array([base, 0], dtype=saved[i].dtype))
            return super().generate(n, seed=seed, **kwargs)
        finally:
            for stream, state in zip(streams, saved, strict=True):
                stream.state.assign(state)

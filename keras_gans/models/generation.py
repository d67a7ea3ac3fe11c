"""Sampling from a GAN: latents, the generator's output and `generate`."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.models import validation as check

__all__ = ["GenerationMixin", "ReplicaSeedGenerator"]


class ReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `SeedGenerator` whose draws differ between `tf.distribute` replicas.

    A plain `SeedGenerator` gives every replica the same numbers, so under a two-replica
    strategy both halves of the global batch would get identical latents.
    """

    def next(self, ordered=True):
        seed = super().next(ordered=ordered)
        context = tf.distribute.get_replica_context()
        if context is None:
            return seed
        replica = tf.cast(context.replica_id_in_sync_group, seed.dtype)
        return seed + tf.stack([replica * 1_000_003, tf.zeros_like(replica)])


class GenerationMixin:
    """`GANModel`'s sampling methods (they read `generator`, `latent_dim`, `_prior`, ...)."""

    def sample_latent(self, n, seed=None):
        """Draws `n` latent vectors from the prior (`seed`: int, `SeedGenerator` or `None`)."""
        if isinstance(n, (int, np.integer)):  # a symbolic batch size inside train_step
            check.check_positive_int(n, "n")
        if isinstance(seed, (int, np.integer)):
            check.check_seed(seed)
        seed = self.seed_generator if seed is None else seed
        return self._prior.sample(n, self.latent_dim, seed=seed)

    @property
    def sample_shape(self):
        """The shape of one generated sample (without the batch axis)."""
        try:
            return tuple(self.generator.outputs[0].shape[1:])
        except (AttributeError, ValueError):
            z = ops.zeros((1, self.latent_dim))
            return tuple(self.generator(z).shape[1:])

    def generator_output(self, latent, condition=None, training=False):
        """Runs the generator on `latent` (and `condition`); returns float32 samples."""
        inputs = self._generator_inputs(latent, condition)
        return ops.cast(self.generator(inputs, training=training), "float32")

    def _generator_inputs(self, z, condition):
        return z if condition is None else [z, condition]

    def call(self, inputs, training=False):
        """Runs the generator on `z` (or `[z, condition]` for conditional models)."""
        return self.generator(inputs, training=training)

    def generate(self, n, seed=None, labels=None, batch_size=256, latents=None, use_ema=True):
        """Generates `n` samples as a NumPy array in the generator's output range.

        Args:
            n: How many samples.
            seed: An int for reproducible latents (default `None`: the model's sampler).
            labels: For conditional models, one label (or embedding) per sample, or a single
                label for all (required for conditional models).
            batch_size: How many samples the generator runs at once (default 256).
            latents: Explicit generator inputs `z`, shape `(n, latent_dim)` (default
                `None`: drawn from the prior), e.g. to sweep a latent code.
            use_ema: Use `ema_generator` when the model keeps one (default `True`).

        Returns:
            A NumPy array of shape `(n, *sample_shape)`.
        """
        n = check.check_positive_int(n, "n")
        batch_size = check.check_positive_int(batch_size, "batch_size")
        condition = self._check_labels(labels, n)
        z = (
            self.sample_latent(n, seed=seed)
            if latents is None
            else check.check_latents(latents, n, self.latent_dim)
        )
        network = self.ema_generator if use_ema and self.ema_generator is not None else None
        network = network or self.generator
        outputs = []
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            piece = None if condition is None else ops.convert_to_tensor(condition[start:stop])
            inputs = self._generator_inputs(ops.convert_to_tensor(z[start:stop]), piece)
            outputs.append(ops.convert_to_numpy(network(inputs, training=False)))
        return np.concatenate(outputs, axis=0)

    def standing_statistics(self, passes=100, batch_size=64, seed=None, labels=None, use_ema=True):
        """Sets the (EMA) generator's batch-norm statistics to averages over `passes` fresh
        batches, as BigGAN samples; see `keras_gans.models.standing_statistics`.

        Returns:
            The number of batch-norm layers updated.
        """
        from keras_gans.models.standing_statistics import standing_statistics

        return standing_statistics(
            self, passes=passes, batch_size=batch_size, seed=seed, labels=labels,
            use_ema=use_ema,
        )  # fmt: skip

    def _check_labels(self, labels, n):
        shape = self._condition_shape()
        return check.check_labels(labels, n, self.conditional, self.num_classes, shape)

    def _condition_shape(self):
        """The shape of one condition (e.g. `(1,)` for class ids), or `None` if unknown."""
        try:
            return tuple(self.generator.inputs[1].shape[1:]) if self.conditional else None
        except (AttributeError, ValueError, IndexError):
            return None

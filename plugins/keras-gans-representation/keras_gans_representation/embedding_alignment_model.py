"""`EmbeddingAlignmentModel`: the GAN whose generator is a linear map between embedding spaces."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.losses import NonSaturating
from keras_gans.models import data
from keras_gans.steps import DiscriminatorInputs, StepContext
from keras_gans_representation import procrustes as procrustes_lib

__all__ = ["EmbeddingAlignmentModel"]


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class EmbeddingAlignmentModel(GANModel):
    """Learns a map `W` from a source embedding space to a target one, adversarially.

    The generator is the map (`source @ W`), the discriminator tells mapped source words
    from target words. Each `train_step` takes a batch of rows `(batch, 2, dim)` holding
    unrelated source (`[:, 0]`) and target (`[:, 1]`) words (`alignment_data.unpaired_rows`)
    and plays `d_steps` discriminator updates, each on its own slice of the batch, then one
    map update on the last slice; `Orthogonality` (brought by the `embedding-alignment`
    architecture) follows every map update. A batch of target rows alone, `(batch, dim)`,
    is also accepted: the source words are then drawn from `latent_distribution` (plain
    `GANModel` behaviour, used by the conformance suite).

    In the map's update the discriminator runs in inference mode (no input dropout), as in
    the authors' implementation. `compile()` defaults to the paper's setting: SGD with
    learning rate 0.1 for both players, the non-saturating loss with label smoothing 0.2,
    and 5 discriminator updates per map update (the authors' released default). After
    `fit`, `refine(source, target)` runs Procrustes refinement on the map. A saved model
    stores the state of its random streams (the discriminator's dropout, the latent
    sampler), so a loaded model resumes training exactly where it stopped.

    Args:
        generator: The map, a `keras.Model` from `(batch, dim)` to `(batch, dim)`.
        discriminator: A `keras.Model` from `(batch, dim)` to one logit per word.
        latent_dim: The source embedding size.
        latent_distribution, num_classes, seed, ema_decay, **kwargs: As in `GANModel`.

    Example:
    >>> import keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "embedding-alignment", embedding_dim=4, hidden_units=(8,), seed=0)
    >>> gan.compile(d_steps=1)
    >>> rows = np.random.default_rng(0).normal(size=(32, 2, 4)).astype("float32")
    >>> sorted(gan.fit(rows, batch_size=16, epochs=1, verbose=0).history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']

    Reference:
        Conneau, Lample, Ranzato, Denoyer & Jégou, "Word Translation Without Parallel
        Data", ICLR 2018, sections 2.1 (adversarial map), 3.1 (training details).
    """

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, d_steps=5, **kwargs):
        """Configures training; the defaults are the paper's.

        Args:
            d_optimizer: Default `None`: `keras.optimizers.SGD(0.1)`.
            g_optimizer: Default `None`: `keras.optimizers.SGD(0.1)`.
            loss: Default `None`: `NonSaturating(label_smoothing=0.2)`.
            d_steps: Discriminator updates per map update (default 5).
            **kwargs: As in `GANModel.compile`.
        """
        super().compile(
            d_optimizer=keras.optimizers.SGD(0.1) if d_optimizer is None else d_optimizer,
            g_optimizer=keras.optimizers.SGD(0.1) if g_optimizer is None else g_optimizer,
            loss=NonSaturating(label_smoothing=0.2) if loss is None else loss,
            d_steps=d_steps,
            **kwargs,
        )

    # ------------------------------------------------------------------ the game
    def _split(self, x):
        """`(source or None, target)` of a batch of rows."""
        dim = self.latent_dim
        shape = tuple(x.shape[1:])
        if shape == (2, dim) or (len(shape) == 2 and shape[0] == 2 and shape[1] is None):
            return x[:, 0], x[:, 1]
        if shape in ((dim,), (None,)):
            return None, x
        raise ValueError(
            f"Each row must be a (source, target) pair of shape (2, {dim}) or a target "
            f"word of shape ({dim},). Received: rows of shape {shape}"
        )

    def schedule(self, x, y, training=True):
        """`d_steps` discriminator updates on their own slices, then the map's update."""
        if "float" not in str(x.dtype):
            raise TypeError(f"Embeddings must be floating point. Received: dtype {x.dtype}")
        self._split(x)
        discriminator, generator = self._players
        if not training:
            return [(discriminator, self._split(x)), (generator, self._split(x))]
        updates = [
            (discriminator, self._split(b)) for b, _ in data.real_minibatches(x, None, self.d_steps)
        ]
        return [*updates, (generator, updates[-1][1])]

    def contexts(self, player, batch, training):
        """One view: the target words as real, the mapped source words as fake."""
        source, target = batch
        source = self.sample_latent(ops.shape(target)[0]) if source is None else source
        fake = self.generator_output(source, training=training)
        if player.role == "discriminator":
            fake = ops.stop_gradient(fake)
        in_training = player.role == "discriminator"

        def network(inputs, training):
            return self.discriminator(inputs, training=training and in_training)

        return [
            StepContext(
                player=player,
                inputs=DiscriminatorInputs(target, fake, network),
                latent=source,
                seed_generator=self.seed_generator,
                iteration=self.g_optimizer.iterations,
                training=training,
            )
        ]

    # ------------------------------------------------------------------ the map
    @property
    def kernel(self):
        """The map's `(dim, dim)` weight matrix (the generator's only trainable weight)."""
        weights = self.generator.trainable_weights
        if len(weights) != 1 or len(weights[0].shape) != 2:
            raise ValueError(
                "The map must have a single (dim, dim) weight matrix. Received: generator "
                f"weights {[tuple(w.shape) for w in weights]}"
            )
        return weights[0]

    def refine(self, source, target, iterations=5, most_frequent=15000, k=10):
        """Procrustes refinement of the map (`procrustes.procrustes_refinement`), in place.

        Args:
            source: `(n_source, dim)` source embeddings, most frequent first.
            target: `(n_target, dim)` target embeddings, most frequent first.
            iterations: Rounds of dictionary induction and Procrustes (default 5).
            most_frequent: Words of each language in the dictionary (default 15000).
            k: CSLS neighbourhood size (default 10).

        Returns:
            The dictionary size of each round (a list of ints).
        """
        start = np.asarray(ops.convert_to_numpy(self.kernel), "float64")
        refined, sizes = procrustes_lib.procrustes_refinement(
            source, target, start, iterations, most_frequent, k
        )
        self.kernel.assign(refined.astype(self.kernel.dtype))
        return sizes

    def translate(self, source, target, k=10):
        """The CSLS-nearest target row of each source word under the current map.

        Args:
            source: `(n_source, dim)` source embeddings.
            target: `(n_target, dim)` target embeddings.
            k: CSLS neighbourhood size (default 10).

        Returns:
            An int64 array of target rows.
        """
        mapped = ops.convert_to_numpy(self.generator(ops.convert_to_tensor(source, "float32")))
        return procrustes_lib.csls_retrieve(mapped, target, k=k)

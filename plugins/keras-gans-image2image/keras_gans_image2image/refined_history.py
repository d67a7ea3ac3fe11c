"""SimGAN's history of refined images for the discriminator's minibatches."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int
from keras_gans.steps import Piece, PieceState

__all__ = ["RefinedHistory"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class RefinedHistory(Piece):
    """Half of each discriminator minibatch comes from a buffer of past refined images.

    SimGAN's scheme (section 2.3): with a minibatch of `b` refined images, the
    discriminator is shown the first `b - b/2` of the current refiner's and `b/2` drawn
    at random from a buffer of `size` earlier refined images; then `b/2` randomly chosen
    (distinct) buffer slots receive the first `b/2` new refined images. While the buffer
    fills, the discriminator sees only current images and every new one is stored. The
    generator's updates always use fresh images. The buffer is saved with the model.

    `keras_gans.tricks.ImagePool` is CycleGAN's variant and is not used: it exchanges
    each sample with probability `p`, so the share of past images varies from batch to
    batch (binomial, not exactly half), and it writes only the exchanged samples.

    Under `tf.distribute`, each replica keeps the first replica's buffer (a single-device
    piece, like the paper's).

    Args:
        size: The buffer's capacity `B` in images (default 512; the paper leaves `B` to
            the implementation and it should hold many minibatches).
        name: Default `"refined_history"`.

    Example:
    >>> RefinedHistory(size=100).size
    100

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017, section 2.3 and figure 4.
    """

    roles = ("discriminator",)

    def __init__(self, size=512, name="refined_history"):
        super().__init__(name=name)
        self.size = positive_int(size, "size")
        self.sample_shape = None

    def build(self, model):
        shape = tuple(model.discriminator.inputs[0].shape[1:])
        if None in shape:
            raise ValueError(
                f"RefinedHistory needs the discriminator's input shape. Received: {shape}"
            )
        self.sample_shape = shape
        self.state = PieceState(name=f"{self.name}_state")
        # One extra slot at the end receives the writes that must not land in the buffer.
        self.buffer = self.state.variable(
            "buffer", (self.size + 1, *shape), aggregation="only_first_replica"
        )
        self.count = self.state.variable("count", dtype="int32", aggregation="only_first_replica")

    def query(self, fake, seed_generator):
        """Returns the minibatch the discriminator sees and updates the buffer.

        Args:
            fake: The current refined images, `(b, h, w, c)`.
            seed_generator: A `keras.random.SeedGenerator`.

        Returns:
            `fake` with its last `b // 2` rows replaced by buffer images once the buffer
            is full.
        """
        if self.state is None:
            raise ValueError("RefinedHistory.query needs `build(model)` first (compile).")
        n = ops.shape(fake)[0]
        half = n // 2
        rows = ops.arange(n, dtype="int32")
        full = self.count >= self.size
        drawn = keras.random.randint((n,), 0, self.size, seed=seed_generator, dtype="int32")
        from_history = ops.logical_and(full, rows >= n - half)
        mask = ops.reshape(from_history, (-1,) + (1,) * len(self.sample_shape))
        shown = ops.where(mask, ops.take(self.buffer, drawn, axis=0), fake)
        # Writes: while filling, each image to the next free slot (overflow to the extra
        # slot); once full, the first b/2 images to b/2 distinct random slots.
        trash = ops.full((n,), self.size, dtype="int32")
        position = self.count + rows
        filling = ops.where(position < self.size, position, trash)
        slots = keras.random.shuffle(ops.arange(self.size, dtype="int32"), seed=seed_generator)
        chosen = ops.take(slots, rows % self.size, axis=0)
        replacing = ops.where(rows < ops.minimum(half, self.size), chosen, trash)
        write = ops.where(full, replacing, filling)
        self.buffer.assign(ops.scatter_update(self.buffer, ops.expand_dims(write, -1), fake))
        self.count.assign(ops.minimum(self.count + n, self.size))
        return shown

    def transform(self, inputs, ctx):
        if ctx.role != "discriminator":
            return inputs
        return inputs.replace(fake=self.query(inputs.fake, ctx.seed_generator))

    @property
    def filled(self):
        """How many images the buffer holds (0 before `build`)."""
        return 0 if self.state is None else int(ops.convert_to_numpy(self.count))

    def get_config(self):
        return {**super().get_config(), "size": self.size}

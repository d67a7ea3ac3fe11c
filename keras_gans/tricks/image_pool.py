"""Experience replay of generated samples: the image pool of SimGAN and CycleGAN."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import number_in, positive_int
from keras_gans.steps.piece import PieceState
from keras_gans.tricks.base import Trick

__all__ = ["ImagePool"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(Trick):
    """Shows the discriminator past generated samples as well as new ones.

    The pool keeps up to `size` generated samples. While it fills, every new sample is
    passed through and stored (in the batch that fills it, those past the last free slot
    are not stored). Once full, each new sample is, with probability `probability`,
    exchanged for a uniformly chosen stored one (the stored one goes to the
    discriminator, the new one takes its place in the pool); otherwise it is passed
    through. The discriminator thus also remembers what the generator produced earlier,
    which damps the generator hopping between modes. Only the discriminator's update sees
    the pool; the generator's update always uses fresh samples. The pool holds what it is
    given: list it before augmentations (`tricks=[ImagePool(50), DiffAugment()]`) so that
    it stores the generator's own samples.

    The pool is saved with the model. Under `tf.distribute` the pool is the global
    batch's: every replica's samples enter it (gathered with `StepContext.all_gather`, so
    every replica writes the same pool), while each replica draws its own exchanges and
    is shown its own samples or the stored ones it drew. Unconditional models only (a
    pooled sample would lose its condition).

    Args:
        size: How many samples the pool holds (default 50, as in CycleGAN).
        probability: Chance that a sample is exchanged once the pool is full (default 0.5).
        name: Default `"image_pool"`.

    Example:
    >>> pool = ImagePool(size=50)
    >>> pool.probability
    0.5

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017, section 2.3; Zhu et al., "Unpaired Image-to-Image
        Translation using Cycle-Consistent Adversarial Networks", ICCV 2017, section 4.
    """

    def __init__(self, size=50, probability=0.5, name="image_pool"):
        super().__init__(name=name)
        self.size = positive_int(size, "size")
        self.probability = number_in(probability, "probability", 0.0, 1.0)

    def build(self, model):
        if model.conditional:
            raise ValueError(
                "ImagePool works with unconditional models only: a pooled sample would be "
                "shown with another sample's condition. Received: a conditional GANModel."
            )
        shape = tuple(model.sample_shape)
        if None in shape:
            raise ValueError(
                f"ImagePool needs the generator's output shape to be known. Received: {shape}"
            )
        self.sample_shape = shape
        self.state = PieceState(name=f"{self.name}_state")
        # One extra slot at the end receives the writes that must not land in the pool.
        self.buffer = self.state.variable(
            "buffer", (self.size + 1, *shape), aggregation="only_first_replica"
        )
        self.count = self.state.variable("count", dtype="int32", aggregation="only_first_replica")

    def query(self, fake, seed_generator, all_gather=None):
        """Returns the batch the discriminator sees and updates the pool.

        Args:
            fake: A batch of new generated samples.
            seed_generator: A `keras.random.SeedGenerator`.
            all_gather: `x -> x` of every replica concatenated along axis 0 (default
                `None`: one replica, `x` itself); the train step passes
                `StepContext.all_gather`.

        Returns:
            A batch of the same shape, mixing new and pooled samples.
        """
        if self.state is None:
            raise ValueError("ImagePool.query needs `build(model)` first (GANModel.compile).")
        n = ops.shape(fake)[0]
        full = self.count >= self.size
        u = keras.random.uniform((n,), seed=seed_generator)
        exchange = ops.logical_and(full, u < self.probability)
        slot = keras.random.randint((n,), 0, self.size, seed=seed_generator, dtype="int32")
        broadcast = (-1,) + (1,) * len(self.sample_shape)
        pooled = ops.take(self.buffer, slot, axis=0)
        shown = ops.where(ops.reshape(exchange, broadcast), pooled, fake)
        # Every replica writes the global batch: each sample into the slot its replica
        # exchanged it for, else (while the pool fills) into the next free position.
        gather = all_gather or (lambda x: x)
        new = gather(fake)
        chosen = gather(ops.where(exchange, slot, -1))
        total = ops.shape(new)[0]
        position = self.count + ops.arange(total, dtype="int32")
        trash = ops.full((total,), self.size, dtype="int32")
        free = ops.where(position < self.size, position, trash)
        write = ops.where(chosen >= 0, chosen, free)
        updated = ops.scatter_update(self.buffer, ops.expand_dims(write, -1), new)
        self.buffer.assign(updated)
        self.count.assign(ops.minimum(self.count + total, self.size))
        return shown

    def transform(self, inputs, ctx):
        if ctx.role != "discriminator":
            return inputs
        fake = self.query(inputs.fake, ctx.seed_generator, ctx.all_gather)
        return inputs.replace(fake=fake)

    @property
    def filled(self):
        """How many samples the pool holds (0 before `build`)."""
        return 0 if self.state is None else int(ops.convert_to_numpy(self.count))

    def get_config(self):
        return {**super().get_config(), "size": self.size, "probability": self.probability}

"""The exponential moving average of the generator, as a piece of the step protocol."""

from __future__ import annotations

import tensorflow as tf
from keras import ops

from keras_gans.steps import Piece

__all__ = ["GeneratorEMA"]


def assign_replicated(pairs):
    """Assigns `(variable, value)` pairs whose values are equal on every replica.

    Like an optimizer's update: inside a replica context the assignment goes through the
    strategy (a merge call), so it also works for mirrored variables created without an
    aggregation, such as a cloned network's weights.
    """

    def update(strategy, pairs):
        for variable, value in pairs:
            strategy.extended.update(
                variable.value, lambda v, x: v.assign(x), args=(value,), group=False
            )

    tf.__internal__.distribute.interim.maybe_merge_call(update, tf.distribute.get_strategy(), pairs)


class GeneratorEMA(Piece):
    """Keeps `model.ema_generator` an exponential moving average of `model.generator`.

    Trainable weights are averaged, `ema <- decay * ema + (1 - decay) * w`, after every
    generator update; non-trainable ones (batch-norm statistics) are copied. `GANModel`
    adds it last when it keeps an EMA (`ema_decay`, `enable_ema`).

    Args:
        model: The `GANModel` (its `generator`, `ema_generator` and `ema_decay`).

    Reference:
        Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019.
    """

    roles = ()

    def __init__(self, model):
        super().__init__(name="ema")
        self.model = model

    def update(self, player, ctx):
        if player.name != "generator":
            return None
        decay = self.model.ema_decay
        pairs = []
        for average, weight in zip(
            self.model.ema_generator.weights, self.model.generator.weights, strict=True
        ):
            value = ops.cast(weight, average.dtype)
            if weight.trainable:
                value = decay * average + (1.0 - decay) * value
            pairs.append((average, value))
        assign_replicated(pairs)
        return None

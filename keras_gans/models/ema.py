"""The exponential moving average of the generator, as a piece of the step protocol."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from keras_gans.checks import non_negative_int
from keras_gans.models import validation as check
from keras_gans.steps import Piece

__all__ = ["GeneratorEMA", "attach_ema", "check_start"]


def check_start(start, decay):
    """`start` as an `int` >= 0; a positive `start` needs an EMA (`decay` not `None`)."""
    start = non_negative_int(start, "ema_start")
    if start and decay is None:
        raise ValueError(
            "`ema_start` needs an exponential moving average: give `ema_decay` too. "
            f"Received: ema_start={start}, ema_decay=None"
        )
    return start


def attach_ema(model, decay, start):
    """Sets `model`'s `ema_decay` and `ema_start`; makes its `ema_generator` (a copy of the
    generator) and, for a positive start, its `ema_updates` counter if it has none
    (`GANModel.enable_ema`, under the model's distribution scope). Each replica adds one to
    the counter per update; the first replica's count is kept."""
    start = check_start(start, decay)
    model.ema_decay, model.ema_start = check.check_decay(decay), start
    if model.ema_start and model.ema_updates is None:
        model.ema_updates = keras.Variable(
            0, dtype="int64", trainable=False, aggregation="only_first_replica", name="ema_updates"
        )
    if model.ema_generator is None:
        model.ema_generator = check.clone_network(
            model.generator, model.latent_dim, model.conditional
        )
        model.ema_generator.trainable = False


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

    With `model.ema_start = n > 0` the copy follows the generator exactly (decay 0) for
    its first `n` updates and averages from update `n + 1` on, as BigGAN starts its
    average late (`--ema_start` in the authors' code), so that an average of a slow decay
    does not keep the random initial weights of a short run. The updates are counted in
    `model.ema_updates`, saved with the model, so a resumed run starts where it would have.

    Args:
        model: The `GANModel` (its `generator`, `ema_generator`, `ema_decay` and
            `ema_start`).

    Reference:
        Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019;
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019 (the late start).
    """

    roles = ()

    def __init__(self, model):
        super().__init__(name="ema")
        self.model = model

    def update(self, player, ctx):
        if player.name != "generator":
            return None
        decay = self.model.ema_decay
        start = self.model.ema_start
        if start:
            count = self.model.ema_updates
            count.assign_add(1)
            decay = ops.where(ops.greater(count.value, start), decay, 0.0)
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

"""`LazyRegularization`: a regulariser evaluated every `interval` updates (StyleGAN2)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.steps import Piece
from keras_gans_style._equalized import positive_int


@keras.saving.register_keras_serializable(package="keras_gans_style")
class LazyRegularization(Piece):
    """Adds a regulariser's term only every `interval`-th update, multiplied by `interval`.

    Regularisation terms change slowly, so StyleGAN2 computes them once per `interval`
    minibatches (R1: 16, path length: 4) and scales them by `interval`, which keeps their
    expected weight and saves most of their cost (Karras et al. 2020, section 3.1). The
    update counter is the player's optimizer's `iterations` (saved with the optimizer, so
    a resumed run keeps the phase); the term is added in updates where `iterations %
    interval == 0` (the first one included) and is zero otherwise, computed inside a
    conditional so the off updates do not pay for it. The official implementation takes a
    separate optimizer step for the regulariser (with Adam's learning rate and betas
    adjusted by `interval / (interval + 1)`); here the term joins the main objective of that
    update, so no adjustment is needed. It logs under the regulariser's name.

    Args:
        regularizer: A piece with `terms` (e.g. `keras_gans.penalties.R1Penalty`,
            `PathLengthPenalty`).
        interval: Updates between evaluations (default 16, StyleGAN2's R1 interval).

    Example:
    >>> from keras_gans.penalties import R1Penalty
    >>> lazy = LazyRegularization(R1Penalty(gamma=1.0), interval=16)
    >>> lazy.name, lazy.metric_names
    ('r1', ('d_penalty/r1',))

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
        section 3.1 (lazy regularisation).
    """

    def __init__(self, regularizer, interval=16):
        if isinstance(regularizer, dict):
            regularizer = keras.saving.deserialize_keras_object(regularizer)
        if not isinstance(regularizer, Piece) or not regularizer.adds_terms():
            raise TypeError(
                "`regularizer` must be a keras_gans Piece that adds terms (a penalty). "
                f"Received: regularizer={regularizer!r}"
            )
        super().__init__(name=regularizer.name)
        self.regularizer = regularizer
        self.interval = positive_int(interval, "interval")
        self.roles = regularizer.roles

    @property
    def log_key(self):
        return self.regularizer.log_key

    def build(self, model):
        self.regularizer.build(model)
        self.state = self.regularizer.state

    def terms(self, player, ctx):
        if not ctx.training:
            return None  # evaluation skips the (second-order) regulariser
        if self.interval == 1:
            return self.regularizer.terms(player, ctx)
        due = ops.equal(player.optimizer.iterations % self.interval, 0)

        def term():
            value = self.regularizer.terms(player, ctx)
            return ops.cast(value, "float32") * float(self.interval)

        return ops.cond(due, term, lambda: ops.zeros((), "float32"))

    def get_config(self):
        return {
            "regularizer": keras.saving.serialize_keras_object(self.regularizer),
            "interval": self.interval,
        }

"""`PathLengthPenalty`: StyleGAN2's path-length regularisation of the generator."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_gans.steps import Piece, PieceState
from keras_gans_style._equalized import positive_int


def path_lengths(gradients):
    """Per-example path lengths `||J_w^T y||_2` from the gradients with respect to `ws`.

    Formula:
        `sqrt(mean_layers(sum_dims(g^2)))` for `g` of shape `(batch, num_ws, w_dim)`: the
        norm over `w_dim`, averaged (in square) over the layers that share one `w`.

    Example:
    >>> import numpy as np
    >>> path_lengths(np.array([[[3.0, 4.0], [0.0, 5.0]]], "float32")).numpy().tolist()
    [5.0]
    """
    g = ops.cast(ops.convert_to_tensor(gradients), "float32")
    return ops.sqrt(ops.mean(ops.sum(ops.square(g), axis=2), axis=1))


def path_length_penalty(lengths, running_mean, decay=0.01):
    """The penalty and the updated running mean `a` of the path lengths.

    Formula:
        `a' = a + decay (mean(lengths) - a)`, penalty `mean((lengths - a')^2)`
        (Karras et al. 2020, eq. 4, with `a` the moving average of the lengths).

    Returns:
        `(penalty, a')`.

    Example:
    >>> p, a = path_length_penalty([1.0, 3.0], 0.0, decay=0.5)
    >>> float(p), float(a)
    (2.0, 1.0)
    """
    lengths = ops.cast(ops.convert_to_tensor(lengths), "float32")
    mean = running_mean + decay * (ops.mean(lengths) - running_mean)
    return ops.mean(ops.square(lengths - mean)), mean


@keras.saving.register_keras_serializable(package="keras_gans_style")
class PathLengthPenalty(Piece):
    """Keeps `||J_w^T y||` constant: a fixed step in `W` changes the image by a fixed amount.

    In a generator update, for the first `batch // batch_shrink` style vectors `ws` of the
    update's fakes (read from `ctx.extras["ws"]`), the synthesis network is run again
    (`model.synthesize`), `y ~ N(0, I) / sqrt(h w)` is drawn, and `g = d sum(G(ws) y) /
    d ws`; the path lengths are `path_lengths(g)`, their moving mean `a` (state saved with
    the model) is updated with `decay`, and the term is `weight * mean((len - a)^2)`. Wrap
    it in `LazyRegularization(..., interval=4)` as StyleGAN2 does (the architecture does).

    Args:
        weight: The regularisation weight (default 2, the paper's `w_pl`).
        decay: Of the moving mean `a` (default 0.01).
        batch_shrink: Use `batch // batch_shrink` examples (default 2).
        name: Logged as `g_penalty/<name>` (default `"path_length"`).

    Example:
    >>> PathLengthPenalty().metric_names
    ('g_penalty/path_length',)

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
        section 3.2, eq. 4 and appendix B.
    """

    roles = ("generator",)

    def __init__(self, weight=2.0, decay=0.01, batch_shrink=2, name="path_length"):
        super().__init__(name=name)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise ValueError(f"`weight` must be a number >= 0. Received: weight={weight!r}")
        if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0 < decay <= 1:
            raise ValueError(f"`decay` must be a number in (0, 1]. Received: decay={decay!r}")
        self.weight = float(weight)
        self.decay = float(decay)
        self.batch_shrink = positive_int(batch_shrink, "batch_shrink")

    @property
    def log_key(self):
        return f"penalty/{self.name}"

    def build(self, model):
        if not hasattr(model, "synthesize"):
            raise TypeError(
                "PathLengthPenalty needs a style-based model with `synthesize(ws)` (a "
                f"StyleGANModel). Received: {type(model).__name__}"
            )
        self.model = model
        self.state = PieceState(name=f"{self.name}_state")
        self.mean = self.state.variable("pl_mean", aggregation="mean")

    def terms(self, player, ctx):
        ws = ctx.extras.get("ws")
        if ws is None or not ctx.training:  # evaluation must not move the running mean
            return None
        n = ops.maximum(ops.shape(ws)[0] // self.batch_shrink, 1)
        ws = ws[:n]
        height, width = self.model.sample_shape[:2]
        shape = (n, *self.model.sample_shape)
        y = keras.random.normal(shape, seed=ctx.seed_generator) / math.sqrt(height * width)

        def projected(styles):
            return ops.sum(self.model.synthesize(styles, training=True) * y)

        lengths = path_lengths(ctx.gradient(projected, ws))
        penalty, mean = path_length_penalty(lengths, self.mean, self.decay)
        self.mean.assign(ops.stop_gradient(mean))
        return self.weight * penalty

    def get_config(self):
        return {
            **super().get_config(),
            "weight": self.weight,
            "decay": self.decay,
            "batch_shrink": self.batch_shrink,
        }

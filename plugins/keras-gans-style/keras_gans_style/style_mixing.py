"""`StyleMixing`: StyleGAN's mixing regularisation (two latents, one crossover layer)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.steps import Piece


def mix_styles(ws_a, ws_b, crossover):
    """Takes layers `< crossover` from `ws_a` and the rest from `ws_b`.

    Args:
        ws_a, ws_b: Per-layer styles `(batch, num_ws, w_dim)`.
        crossover: The first layer taken from `ws_b` (a scalar; `num_ws`: no mixing).

    Returns:
        `(batch, num_ws, w_dim)`.

    Example:
    >>> import numpy as np
    >>> a, b = np.zeros((1, 4, 1), "float32"), np.ones((1, 4, 1), "float32")
    >>> mix_styles(a, b, 1).numpy().ravel().tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    ws_a = ops.convert_to_tensor(ws_a)
    layers = ops.arange(ws_a.shape[1])[None, :, None]
    return ops.where(layers < crossover, ws_a, ops.cast(ws_b, ws_a.dtype))


def draw_crossover(num_ws, probability, seed):
    """A crossover layer uniform in `[1, num_ws)` with `probability`, else `num_ws`.

    Args:
        num_ws: Layers taking a style.
        probability: The chance that this batch mixes.
        seed: A `keras.random.SeedGenerator` or int.

    Returns:
        An int32 scalar tensor.

    Example:
    >>> int(draw_crossover(4, 0.0, seed=0))
    4
    """
    if num_ws < 2:
        return ops.convert_to_tensor(num_ws, "int32")
    u = keras.random.uniform((), seed=seed)
    layer = keras.random.randint((), 1, num_ws, seed=seed, dtype="int32")
    return ops.where(u < probability, layer, ops.convert_to_tensor(num_ws, "int32"))


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StyleMixing(Piece):
    """Mixing regularisation: a fraction of batches is generated from two latents.

    For those batches, `z_1, z_2 ~ p(z)` are mapped to `w_1, w_2`, and the synthesis takes
    `w_1` before a random crossover layer and `w_2` from it on, so the network cannot
    assume that adjacent styles are correlated (Karras et al. 2019, section 3.1). It plays
    in every generated batch of training (the discriminator's fakes and the generator's),
    as in the official implementation; `StyleGANModel` reads it from its pieces. Replace
    it with `compile(tricks=[StyleMixing(probability=...)])`; `probability=0` turns mixing
    off.

    Args:
        probability: The fraction of batches that mix (default 0.9, the paper's).
        name: Default `"style_mixing"`.

    Example:
    >>> StyleMixing(probability=0.5)
    StyleMixing(name='style_mixing', probability=0.5)

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 3.1.
    """

    roles = ()

    def __init__(self, probability=0.9, name="style_mixing"):
        super().__init__(name=name)
        if isinstance(probability, bool) or not isinstance(probability, (int, float)):
            probability = None
        if probability is None or not 0 <= probability <= 1:
            raise ValueError(
                f"`probability` must be a number in [0, 1]. Received: probability={probability!r}"
            )
        self.probability = float(probability)

    def crossover(self, num_ws, seed):
        """The crossover layer of one batch (see `draw_crossover`)."""
        return draw_crossover(num_ws, self.probability, seed)

    def get_config(self):
        return {**super().get_config(), "probability": self.probability}

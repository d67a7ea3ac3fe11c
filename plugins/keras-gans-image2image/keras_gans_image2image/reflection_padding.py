"""`ReflectionPadding2D`: pads images with their own mirror image, as CycleGAN's generator does."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int

__all__ = ["ReflectionPadding2D"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads the two spatial axes of `(batch, height, width, channels)` images by reflection.

    The border is mirrored without repeating the edge pixel (`[a, b, c]` padded by one is
    `[b, a, b, c, b]`), so a convolution near the border sees image-like content instead of
    zeros. Johnson et al.'s and CycleGAN's ResNet generators pad every convolution this way
    to avoid border artefacts. Works on any spatial size larger than `padding` (unknown
    sizes included); exports to ONNX (`Pad`, mode reflect) and TFLite (`MirrorPad`).

    Args:
        padding: Pixels added on each side of both spatial axes (default 1).
        **kwargs: Passed to `keras.layers.Layer` (e.g. `name`).

    Returns:
        Called on images, images `2 * padding` pixels taller and wider.

    Example:
    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    >>> ReflectionPadding2D(1)(x)[0, :, :, 0].numpy().astype(int).tolist()[0]
    [4, 3, 4, 5, 4]

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, appendix 7.2 ("Reflection padding was used to
        reduce artifacts"); Johnson et al., "Perceptual Losses for Real-Time Style
        Transfer and Super-Resolution", ECCV 2016.
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = positive_int(padding, "padding")

    def call(self, inputs):
        p = self.padding
        return ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        grow = 2 * self.padding
        return (
            batch,
            None if height is None else height + grow,
            None if width is None else width + grow,
            channels,
        )

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}

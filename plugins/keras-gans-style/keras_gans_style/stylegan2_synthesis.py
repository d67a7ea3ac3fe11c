"""`StyleGAN2Synthesis`: StyleGAN2's synthesis network (modulated convolutions, skips)."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_gans_style import _style_common as common
from keras_gans_style._style_resample import upsample2d
from keras_gans_style.modulated_conv2d import ModulatedConv2D
from keras_gans_style.noise_injection import NoiseInjection, check_noise_mode


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StyleGAN2Synthesis(keras.layers.Layer):
    """The synthesis network of StyleGAN2: weight demodulation and skip to-RGB outputs.

    A learned 4x4 constant (N(0, 1)); then a 3x3 `ModulatedConv2D` at 4x4 and two per
    larger resolution (the first upsampling its input), each followed by noise (one learned
    strength per layer), bias and leaky ReLU times sqrt(2). Every resolution has a to-RGB
    layer (1x1 modulated convolution without demodulation, plus bias) whose output is added
    to the upsampled sum of the coarser ones (the "skip" generator, figure 7(b)). The
    to-RGB layer of a resolution shares the style index of the next convolution, so there
    are `num_ws = 2 log2(side) - 2` styles and `num_ws - 1` noise layers.

    Called on `ws` `(batch, num_ws, w_dim)` with `noise=None` (a list of explicit noise
    images shaped `noise_shapes`), `noise_mode` and `clip` as in `StyleGANSynthesis`.

    Args:
        image_shape: `(side, side, channels)`, side a power of two >= 8.
        filters: Channels up to 64x64, halved per doubling above (default 64; the paper's
            512 at 1024x1024).
        seed: Seed of the noise layers (default `None`).

    Example:
    >>> import numpy as np
    >>> synthesis = StyleGAN2Synthesis(image_shape=(8, 8, 1), filters=8)
    >>> synthesis.num_ws, synthesis.noise_shapes
    (4, [(4, 4, 1), (8, 8, 1), (8, 8, 1)])
    >>> tuple(synthesis(np.zeros((2, 4, 16), "float32"), noise_mode="const").shape)
    (2, 8, 8, 1)

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
        sections 2 and 4.1, figures 2(d) and 7(b).
    """

    def __init__(self, image_shape=(32, 32, 1), filters=64, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = common.check_image_shape(image_shape)
        self.filters = common.check_filters(filters)
        self.seed = seed
        side = self.image_shape[0]
        self.num_ws = common.num_ws(side)
        self.block_resolutions = common.resolutions(side)
        # conv i: resolution, filters, upsample; conv i uses ws[i], to-RGB of a block ws[last + 1]
        self.layer_resolutions = [4] + [r for r in self.block_resolutions[1:] for _ in range(2)]
        self.layer_filters = [common.filters_at(r, filters) for r in self.layer_resolutions]
        upsample = [False] + [i % 2 == 1 for i in range(1, len(self.layer_resolutions))]
        self.convs = [
            ModulatedConv2D(f, 3, upsample=up, name=f"conv_{i}")
            for i, (f, up) in enumerate(zip(self.layer_filters, upsample, strict=True))
        ]
        self.noises = [
            NoiseInjection(
                per_channel=False, seed=None if seed is None else seed + i, name=f"noise_{i}"
            )
            for i in range(len(self.convs))
        ]
        channels = self.image_shape[-1]
        self.to_rgbs = [
            ModulatedConv2D(channels, 1, demodulate=False, name=f"to_rgb_{r}")
            for r in self.block_resolutions
        ]

    @property
    def noise_shapes(self):
        """The shape `(h, w, 1)` of each convolution's noise image."""
        return [(r, r, 1) for r in self.layer_resolutions]

    def build(self, input_shape):
        w_shape = (None, int(input_shape[-1]))
        self.const = self.add_weight(
            name="const",
            shape=(1, 4, 4, self.layer_filters[0]),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
        )
        self.biases = [
            self.add_weight(name=f"bias_{i}", shape=(f,), initializer="zeros")
            for i, f in enumerate(self.layer_filters)
        ]
        channels = self.image_shape[-1]
        self.rgb_biases = [
            self.add_weight(name=f"rgb_bias_{r}", shape=(channels,), initializer="zeros")
            for r in self.block_resolutions
        ]
        previous = self.layer_filters[0]
        for i, conv in enumerate(self.convs):
            side = self.layer_resolutions[i] // (2 if conv.upsample else 1)
            conv.build(((None, side, side, previous), w_shape))
            previous = self.layer_filters[i]
            resolution = self.layer_resolutions[i]
            self.noises[i].build((None, resolution, resolution, previous))
        for r, to_rgb in zip(self.block_resolutions, self.to_rgbs, strict=True):
            to_rgb.build(((None, r, r, common.filters_at(r, self.filters)), w_shape))

    def _layer(self, i, x, ws, noise, noise_mode):
        x = self.convs[i]([x, ws[:, i]])
        x = self.noises[i](x, noise=None if noise is None else noise[i], mode=noise_mode)
        return common.lrelu(x + self.biases[i], gain=math.sqrt(2.0))

    def call(self, ws, noise=None, noise_mode="const", clip=False):
        check_noise_mode(noise_mode)
        noise = common.check_noise(noise, self.noise_shapes)
        x = ops.cast(self.const, ws.dtype) + ops.zeros_like(ws[:, :1, :1, None])  # (batch, 4, 4, c)
        x = self._layer(0, x, ws, noise, noise_mode)
        images = self.to_rgbs[0]([x, ws[:, 1]]) + self.rgb_biases[0]
        for block in range(1, len(self.block_resolutions)):
            first = 2 * block - 1
            x = self._layer(first, x, ws, noise, noise_mode)
            x = self._layer(first + 1, x, ws, noise, noise_mode)
            rgb = self.to_rgbs[block]([x, ws[:, first + 2]]) + self.rgb_biases[block]
            images = upsample2d(images) + rgb
        return ops.clip(images, -1.0, 1.0) if clip else images

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.image_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "image_shape": self.image_shape,
            "filters": self.filters,
            "seed": self.seed,
        }

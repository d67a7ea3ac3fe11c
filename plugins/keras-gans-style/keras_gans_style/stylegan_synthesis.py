"""`StyleGANSynthesis`: StyleGAN's synthesis network (AdaIN, noise, learned constant)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style import _style_common as common
from keras_gans_style._style_resample import upsample2d
from keras_gans_style.adaptive_instance_normalization import AdaptiveInstanceNormalization
from keras_gans_style.equalized_conv2d import EqualizedConv2D
from keras_gans_style.noise_injection import NoiseInjection, check_noise_mode


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StyleGANSynthesis(keras.layers.Layer):
    """The style-based synthesis network `g` of StyleGAN, from per-layer styles to images.

    A learned 4x4 constant starts the network (initialised N(0, 1) as in StyleGAN2, not to
    ones as in the official StyleGAN code: a spatially constant map makes the first
    instance normalisation divide rounding noise by sqrt(1e-8) until the noise strengths
    grow, which broke ONNX parity of briefly trained models); each of the
    `num_ws = 2 log2(side) - 2` layers is [2x upsampling ([1, 3, 3, 1] filter), 3x3
    equalised convolution (not on the first layer)], per-pixel noise with learned
    per-channel strength, bias, leaky ReLU and AdaIN with style `ws[:, i]`; a 1x1 to-RGB
    convolution ends it (linear output, as in the paper; the model's `generator` clips it
    to [-1, 1]). Without progressive growing, so the to-RGB layer is at the final
    resolution only (the paper's non-growing configuration).

    Called on `ws` `(batch, num_ws, w_dim)` with `noise=None` (a list of explicit noise
    images, one per layer, shaped `noise_shapes`), `noise_mode` (`"random"`, `"const"` or
    `"none"`, see `NoiseInjection`) and `clip` (clip the output to [-1, 1]).

    Args:
        image_shape: `(side, side, channels)`, side a power of two >= 8.
        filters: Channels up to 64x64, halved per doubling above (default 64; the paper's
            512 at 1024x1024).
        seed: Seed of the noise layers (default `None`).

    Example:
    >>> import numpy as np
    >>> synthesis = StyleGANSynthesis(image_shape=(8, 8, 1), filters=8)
    >>> synthesis.num_ws, synthesis.noise_shapes
    (4, [(4, 4, 1), (4, 4, 1), (8, 8, 1), (8, 8, 1)])
    >>> tuple(synthesis(np.zeros((2, 4, 16), "float32"), noise_mode="const").shape)
    (2, 8, 8, 1)

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 2 and figure 1(b).
    """

    def __init__(self, image_shape=(32, 32, 1), filters=64, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = common.check_image_shape(image_shape)
        self.filters = common.check_filters(filters)
        self.seed = seed
        side = self.image_shape[0]
        self.num_ws = common.num_ws(side)
        self.layer_resolutions = [r for r in common.resolutions(side) for _ in range(2)]
        self.layer_filters = [common.filters_at(r, filters) for r in self.layer_resolutions]
        self.convs = [
            None if i == 0 else EqualizedConv2D(f, 3, use_bias=False, name=f"conv_{i}")
            for i, f in enumerate(self.layer_filters)
        ]
        self.noises = [
            NoiseInjection(
                per_channel=True, seed=None if seed is None else seed + i, name=f"noise_{i}"
            )
            for i in range(self.num_ws)
        ]
        self.adains = [AdaptiveInstanceNormalization(name=f"adain_{i}") for i in range(self.num_ws)]
        self.to_rgb = EqualizedConv2D(self.image_shape[-1], 1, gain=1.0, name="to_rgb")

    @property
    def noise_shapes(self):
        """The shape `(h, w, 1)` of each layer's noise image."""
        return [(r, r, 1) for r in self.layer_resolutions]

    def build(self, input_shape):
        w_dim = int(input_shape[-1])
        self.const = self.add_weight(
            name="const",
            shape=(1, 4, 4, self.layer_filters[0]),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
        )
        self.biases = [
            self.add_weight(name=f"bias_{i}", shape=(f,), initializer="zeros")
            for i, f in enumerate(self.layer_filters)
        ]
        channels = self.layer_filters[0]
        for i, resolution in enumerate(self.layer_resolutions):
            if self.convs[i] is not None:
                self.convs[i].build((None, resolution, resolution, channels))
            channels = self.layer_filters[i]
            shape = (None, resolution, resolution, channels)
            self.noises[i].build(shape)
            self.adains[i].build((shape, (None, w_dim)))
        side = self.image_shape[0]
        self.to_rgb.build((None, side, side, channels))

    def call(self, ws, noise=None, noise_mode="const", clip=False):
        check_noise_mode(noise_mode)
        noise = common.check_noise(noise, self.noise_shapes)
        x = ops.cast(self.const, ws.dtype) + ops.zeros_like(ws[:, :1, :1, None])  # (batch, 4, 4, c)
        for i in range(self.num_ws):
            if self.convs[i] is not None:
                if self.layer_resolutions[i] != self.layer_resolutions[i - 1]:
                    x = upsample2d(x)
                x = self.convs[i](x)
            x = self.noises[i](x, noise=None if noise is None else noise[i], mode=noise_mode)
            x = common.lrelu(x + self.biases[i])
            x = self.adains[i]([x, ws[:, i]])
        images = self.to_rgb(x)
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

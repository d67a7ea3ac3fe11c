"""ProGAN's generator and discriminator with every resolution built once (the official
code's "linear" structure): the `FadeIn` weights select the stage, so one graph serves
every stage of training."""

from __future__ import annotations

import math

import keras

from keras_gans.layers import MinibatchStandardDeviation
from keras_gans_style.equalized_conv2d import EqualizedConv2D
from keras_gans_style.equalized_dense import EqualizedDense
from keras_gans_style.fade_in import FadeIn
from keras_gans_style.pixel_normalization import PixelNormalization

#: Leaky ReLU slope of every hidden layer (the paper's).
SLOPE = 0.2


def filters_at(resolution, fmap_base, fmap_max):
    """Feature maps at a resolution: `min(fmap_base // resolution, fmap_max)`, at least 1
    (the paper: `min(16384 / resolution, 512)`)."""
    return max(min(fmap_base // resolution, fmap_max), 1)


def _conv(x, filters, name, kernel_size=3, normalize=False):
    x = EqualizedConv2D(filters, kernel_size, name=name)(x)
    x = keras.layers.LeakyReLU(SLOPE, name=f"{name}_lrelu")(x)
    return PixelNormalization(name=f"{name}_pixel_norm")(x) if normalize else x


def _to_rgb(x, channels, resolution):
    return EqualizedConv2D(channels, 1, gain=1.0, name=f"to_rgb_{resolution}x{resolution}")(x)


def progan_generator(image_shape, latent_dim, fmap_base, fmap_max, name="progan_generator"):
    """z -> pixel norm -> dense 4x4 -> conv -> [upsample, conv, conv] per level; each
    level's to-RGB fades in over the nearest-upsampled output of the previous one."""
    size, channels = image_shape[0], image_shape[-1]
    levels = int(math.log2(size)) - 2
    z = keras.Input((latent_dim,), name="z")
    x = PixelNormalization(name="latent_pixel_norm")(z)
    width = filters_at(4, fmap_base, fmap_max)
    # The paper's first "conv 4x4" on a 1x1 input is a dense layer (gain sqrt(2)/4).
    x = EqualizedDense(16 * width, gain=math.sqrt(2.0) / 4, name="dense_4x4")(x)
    x = keras.layers.Reshape((4, 4, width), name="reshape_4x4")(x)
    x = keras.layers.LeakyReLU(SLOPE, name="dense_4x4_lrelu")(x)
    x = PixelNormalization(name="dense_4x4_pixel_norm")(x)
    x = _conv(x, width, "conv_4x4", normalize=True)
    image = _to_rgb(x, channels, 4)
    for k in range(1, levels + 1):
        res = 4 * 2**k
        width = filters_at(res, fmap_base, fmap_max)
        x = keras.layers.UpSampling2D(2, name=f"upsample_{res}x{res}")(x)
        x = _conv(x, width, f"conv0_{res}x{res}", normalize=True)
        x = _conv(x, width, f"conv1_{res}x{res}", normalize=True)
        old = keras.layers.UpSampling2D(2, name=f"upsample_rgb_{res}x{res}")(image)
        image = FadeIn(level=k, name=f"fade_in_{res}x{res}")([old, _to_rgb(x, channels, res)])
    return keras.Model(z, image, name=name)


def _from_rgb(image, resolution, fmap_base, fmap_max):
    width = filters_at(resolution, fmap_base, fmap_max)
    return _conv(image, width, f"from_rgb_{resolution}x{resolution}", kernel_size=1)


def progan_discriminator(image_shape, fmap_base, fmap_max, group_size, name="progan_critic"):
    """image -> from-RGB -> [conv, conv, avgpool] per level, each level fading in over the
    from-RGB of the average-pooled image; then minibatch stddev, conv, dense, dense."""
    size = image_shape[0]
    levels = int(math.log2(size)) - 2
    image = keras.Input(tuple(image_shape), name="image")
    x = _from_rgb(image, size, fmap_base, fmap_max)
    smaller = image
    for k in range(levels, 0, -1):
        res = 4 * 2**k
        x = _conv(x, filters_at(res, fmap_base, fmap_max), f"conv0_{res}x{res}")
        x = _conv(x, filters_at(res // 2, fmap_base, fmap_max), f"conv1_{res}x{res}")
        x = keras.layers.AveragePooling2D(2, name=f"downsample_{res}x{res}")(x)
        smaller = keras.layers.AveragePooling2D(2, name=f"downsample_rgb_{res}x{res}")(smaller)
        old = _from_rgb(smaller, res // 2, fmap_base, fmap_max)
        x = FadeIn(level=k, name=f"fade_in_{res}x{res}")([old, x])
    x = MinibatchStandardDeviation(group_size, name="minibatch_stddev")(x)
    x = _conv(x, filters_at(4, fmap_base, fmap_max), "conv_4x4")
    x = keras.layers.Flatten(name="flatten")(x)
    x = EqualizedDense(filters_at(2, fmap_base, fmap_max), name="dense_4x4")(x)
    x = keras.layers.LeakyReLU(SLOPE, name="dense_4x4_lrelu")(x)
    score = EqualizedDense(1, gain=1.0, name="score")(x)
    return keras.Model(image, score, name=name)

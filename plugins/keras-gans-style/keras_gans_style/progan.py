"""The ProGAN architecture (`progan`): progressively grown generator and critic."""

from __future__ import annotations

import math

from keras_gans.architectures import Architecture
from keras_gans.checks import positive_int, positive_int_tuple
from keras_gans_style._progan_networks import progan_discriminator, progan_generator
from keras_gans_style.drift_penalty import DriftPenalty
from keras_gans_style.growth_schedule import GrowthSchedule
from keras_gans_style.progan_model import ProGANModel
from keras_gans_style.restartable_adam import RestartableAdam

__all__ = ["ProGAN"]


def _check_image_shape(image_shape):
    try:
        shape = positive_int_tuple(image_shape, "image_shape", rank=3)
    except ValueError:
        shape = ()  # the message below says what the family needs
    size = shape[0] if len(shape) == 3 else 0
    if len(shape) != 3 or shape[0] != shape[1] or size < 8 or size & (size - 1) or shape[2] < 1:
        raise ValueError(
            "`image_shape` must be (size, size, channels) with size a power of two >= 8 "
            f"(ProGAN grows from 4x4 by doubling). Received: image_shape={image_shape!r}"
        )
    return shape


class ProGAN(Architecture):
    """Progressive growing of GANs: both networks grow from 4x4 to the image size.

    The generator maps pixel-normalised `z` through a dense "4x4" layer and a 3x3 conv,
    then per resolution doubling: nearest upsampling and two 3x3 convs, each followed by
    leaky ReLU (0.2) and pixel-wise feature normalisation; a 1x1 to-RGB (linear, as in
    the paper) at every resolution. The critic mirrors it: a 1x1 from-RGB, then per
    resolution two 3x3 convs and 2x average pooling, then minibatch standard deviation
    (group `group_size`), a 3x3 conv, a dense layer and a linear score. Every conv and
    dense layer has the equalised learning rate (weights stored N(0, 1), scaled by He's
    constant at run time). Each new resolution fades in (`FadeIn`) over `fade_images`
    real images, then stabilises for `stable_images` (`GrowthSchedule`); the model is a
    `ProGANModel`, whose generator always outputs the full size.

    Trained as in the paper: `wgan-gp` (lambda 10, target 1: the penalty forms agree) plus
    the drift term `0.001 * E[D(x)^2]` (`DriftPenalty`, from `default_tricks()`, with the
    `GrowthSchedule`), one
    critic step per generator step, Adam(1e-3, beta_1=0, beta_2=0.99)
    (`optimizer_defaults`, built by `default_optimizers()` as `(d_optimizer,
    g_optimizer)`), and an EMA generator with `ema_decay=0.999`.

    Scaled to small images: the paper's feature maps at side `r` are `min(16384 / r,
    512)` and 600,000 images per fade and per stabilisation; the defaults here are
    `min(1024 / r, 64)` (64 at 4x4 to 16x16, 32 at 32x32) and 3,000 images each (about
    1.7 passes over the 1,797 bundled digits; a 32x32 run is fully grown after 21,000
    images, 330 steps of 64).

    Args:
        image_shape: `(size, size, channels)`, size a power of two >= 8 (default
            `(32, 32, 1)`; the CLI passes the data's shape).
        latent_dim: Size of `z` (default 128; the paper: 512).
        fmap_base: Feature maps at side `r` are `min(fmap_base // r, fmap_max)` (default
            1024; the paper: 16384).
        fmap_max: The cap on feature maps (default 64; the paper: 512).
        fade_images: Real images per fade-in (default 3000; the paper: 600,000).
        stable_images: Real images per stabilisation, 4x4 first (default 3000; the
            paper: 600,000).
        group_size: Minibatch standard deviation group size (default 4, the paper's).
        reset_optimizers: Restart both optimizers' state (Adam's moments and bias
            correction) when each fade-in starts and ends, as the official code does
            (`reset_opt_for_new_lod`); the optimizers are then `RestartableAdam`s, which
            `default_optimizers()` and the CLI build (default `False`).

    Example:
    >>> arch = ProGAN(image_shape=(8, 8, 1), latent_dim=8, fmap_base=32, fmap_max=4)
    >>> networks = arch.build_networks()
    >>> networks["generator"].output_shape, networks["discriminator"].output_shape
    ((None, 8, 8, 1), (None, 1))
    >>> growth = arch.default_tricks()[1]
    >>> growth.num_levels, growth.fade_images, growth.stable_images, growth.reset_optimizers
    (2, 3000, 3000, False)
    >>> [type(o).__name__ for o in ProGAN(reset_optimizers=True).default_optimizers()]
    ['RestartableAdam', 'RestartableAdam']

    Reference:
        Karras, Aila, Laine & Lehtinen, "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018 (arXiv:1710.10196).
    """

    default_loss = "wgan-gp"
    model_class = ProGANModel
    #: The paper's Adam (read by the CLI and by `default_optimizers()`).
    optimizer_defaults = {"d_lr": 1e-3, "g_lr": 1e-3, "beta1": 0.0, "beta2": 0.99}

    def __init__(
        self,
        image_shape=(32, 32, 1),
        latent_dim=128,
        fmap_base=1024,
        fmap_max=64,
        fade_images=3000,
        stable_images=3000,
        group_size=4,
        reset_optimizers=False,
    ):
        self.image_shape = _check_image_shape(image_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.fmap_base = positive_int(fmap_base, "fmap_base")
        self.fmap_max = positive_int(fmap_max, "fmap_max")
        self.group_size = positive_int(group_size, "group_size")
        self.growth = GrowthSchedule(
            self.num_levels, fade_images, stable_images, reset_optimizers=reset_optimizers
        )
        self.reset_optimizers = self.growth.reset_optimizers
        self.fade_images = self.growth.fade_images
        self.stable_images = self.growth.stable_images

    @property
    def num_levels(self):
        """Resolutions from 4x4 to the image size."""
        return int(math.log2(self.image_shape[0])) - 1

    def build_generator(self):
        return progan_generator(self.image_shape, self.latent_dim, self.fmap_base, self.fmap_max)

    def build_discriminator(self):
        return progan_discriminator(
            self.image_shape, self.fmap_base, self.fmap_max, self.group_size
        )

    def make_optimizers(self, d_lr, g_lr, beta1, beta2):
        """Adam, as `RestartableAdam` when the stages restart the optimizers."""
        if not self.reset_optimizers:
            return super().make_optimizers(d_lr, g_lr, beta1, beta2)
        betas = {"beta_1": beta1, "beta_2": beta2}
        return RestartableAdam(d_lr, **betas), RestartableAdam(g_lr, **betas)

    def default_tricks(self):
        """The drift term `DriftPenalty(0.001)` and the `GrowthSchedule` (new objects)."""
        return [DriftPenalty(0.001), GrowthSchedule.from_config(self.growth.get_config())]

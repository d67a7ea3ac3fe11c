"""The pix2pix architecture (`pix2pix`): a U-Net generator and a conditional PatchGAN."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, positive_int, positive_int_tuple
from keras_gans_image2image._baselines_common import optional_positive_int
from keras_gans_image2image.patch_discriminator import (
    build_patch_discriminator,
    default_patch_layers,
)
from keras_gans_image2image.pix2pix_model import Pix2PixModel
from keras_gans_image2image.unet import build_unet_generator, unet_levels

__all__ = ["Pix2Pix"]


class Pix2Pix(Architecture):
    """pix2pix: a U-Net generator (A to B) and a PatchGAN on (input, output) pairs.

    The generator is `build_unet_generator`: the paper's encoder
    C64-C128-C256-C512-C512-C512-C512-C512 and mirrored decoder with skip connections,
    dropout 0.5 in its first three blocks, as deep as the image allows (1x1 bottleneck:
    8 levels at 256x256, 5 at 32x32), at most `depth`. The discriminator is the lead's
    `build_patch_discriminator` with BatchNorm on the channel concatenation of the input
    `a` and the output (or ground truth) `b`: the 70x70 PatchGAN at 256x256, and the
    same patch-to-image ratio at other sizes (`default_patch_layers`: 34x34 at 128, 16x16
    at 32 and 64). The model is a `Pix2PixModel`, whose objective is the non-saturating
    cGAN loss (the discriminator's halved) plus `l1_weight` times the L1 distance to
    the ground truth. The paper trains with Adam (learning rate 2e-4, beta_1 0.5) and
    batch size 1 to 10.

    Args:
        image_shape: `(height, width, channels)` of domain A images; both sides even
            (default `(256, 256, 3)`).
        target_channels: Channels of domain B images (default `None`: A's).
        latent_dim: Stored for the command line; pix2pix has no `z` (default 64).
        base_filters: Filters of the generator's first block (default 64).
        max_filters: Cap on the generator's filters (default 512).
        depth: The most U-Net levels (default 8, the paper's at 256x256).
        dropout: The decoder's dropout rate (default 0.5).
        discriminator_filters: Filters of the PatchGAN's first block (default 64).
        patch_layers: The PatchGAN's stride-2 blocks (default `None`:
            `default_patch_layers` of the smaller side; 3 is the 70x70 PatchGAN).
        l1_weight: lambda, the weight of the L1 term (default 100).

    Example:
    >>> arch = Pix2Pix(image_shape=(32, 32, 1), target_channels=3, base_filters=8,
    ...                discriminator_filters=8)
    >>> {k: v.output_shape for k, v in sorted(arch.build_networks().items())}
    {'discriminator': (None, 14, 14, 1), 'generator': (None, 32, 32, 3)}
    >>> arch.levels, arch.size_multiple
    (5, 32)

    Reference:
        Isola, Zhu, Zhou & Efros, "Image-to-Image Translation with Conditional Adversarial
        Networks", CVPR 2017, section 3 and appendix 6.1.
    """

    default_loss = "non-saturating"
    model_class = Pix2PixModel
    pairing = "paired"  # keras-gans train reads --data A --target B, matched by name
    default_batch_size = 1  # the paper's setting

    def __init__(
        self,
        image_shape=(256, 256, 3),
        target_channels=None,
        latent_dim=64,
        base_filters=64,
        max_filters=512,
        depth=8,
        dropout=0.5,
        discriminator_filters=64,
        patch_layers=None,
        l1_weight=100.0,
    ):
        self.image_shape = positive_int_tuple(image_shape, "image_shape", rank=3)
        self.target_channels = optional_positive_int(target_channels, "target_channels")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.base_filters = positive_int(base_filters, "base_filters")
        self.max_filters = positive_int(max_filters, "max_filters")
        self.depth = positive_int(depth, "depth")
        self.dropout = non_negative(dropout, "dropout")
        if self.dropout >= 1:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")
        self.discriminator_filters = positive_int(discriminator_filters, "discriminator_filters")
        self.patch_layers = optional_positive_int(patch_layers, "patch_layers")
        self.l1_weight = non_negative(l1_weight, "l1_weight")
        self.levels = unet_levels(*self.image_shape[:2], self.depth)

    @property
    def output_channels(self):
        """Channels of domain B."""
        return self.target_channels or self.image_shape[-1]

    @property
    def size_multiple(self):
        """A dynamic-size translator accepts sides that are multiples of this (2**levels)."""
        return 2**self.levels

    def build_generator(self):
        """A new U-Net generator: A images to B images."""
        return build_unet_generator(
            self.image_shape,
            self.output_channels,
            base_filters=self.base_filters,
            max_filters=self.max_filters,
            depth=self.depth,
            dropout=self.dropout,
            name="pix2pix_generator",
        )

    def build_discriminator(self):
        """A new conditional PatchGAN: `[b, a]` to a map of logits."""
        height, width, channels = self.image_shape
        image = keras.Input((height, width, self.output_channels), name="image")
        condition = keras.Input(self.image_shape, name="condition")
        pair = keras.layers.Concatenate(name="pair")([condition, image])
        patch = build_patch_discriminator(
            (height, width, channels + self.output_channels),
            num_layers=self.patch_layers or default_patch_layers(min(height, width)),
            base_filters=self.discriminator_filters,
            norm="batch",
            name="patch_gan",
        )
        return keras.Model([image, condition], patch(pair), name="pix2pix_discriminator")

    def default_tricks(self):
        """The L1 term with weight `l1_weight`."""
        from keras_gans_image2image.l1_reconstruction import L1Reconstruction

        return [L1Reconstruction(weight=self.l1_weight)]

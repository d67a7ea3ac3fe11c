"""The pix2pixHD architecture (`pix2pixhd`): coarse-to-fine generator, multi-scale PatchGANs."""

from __future__ import annotations

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, positive_int, positive_int_tuple
from keras_gans_image2image._baselines_common import optional_positive_int
from keras_gans_image2image.discriminator_feature_matching import DiscriminatorFeatureMatching
from keras_gans_image2image.patch_discriminator import default_patch_layers
from keras_gans_image2image.pix2pixhd_model import Pix2PixHDModel
from keras_gans_image2image.pix2pixhd_networks import (
    build_global_head,
    build_multiscale_discriminator,
    build_pix2pixhd_generator,
    default_global_downsampling,
    default_num_scales,
)

__all__ = ["Pix2PixHD"]


class Pix2PixHD(Architecture):
    """pix2pixHD: global generator + local enhancer, multi-scale PatchGANs, feature matching.

    The generator is `build_pix2pixhd_generator`: `G1` on the input downsampled by 2
    (front 7x7 convolution with `2 * base_filters`, `global_downsampling` stride-2
    convolutions, `global_blocks` residual blocks, as many upsamplings) and the local
    enhancer `G2` (7x7 and stride-2 front end, the sum with `G1`'s last feature map,
    `local_blocks` residual blocks, one upsampling, 7x7 output with tanh). The
    discriminator is `num_scales` PatchGANs with instance norm on the (input, output)
    pair at scales 1, 1/2, 1/4. The model is a `Pix2PixHDModel`: least-squares GAN loss
    summed over the scales plus `feature_matching_weight` times the discriminator
    feature-matching loss, trained coarse to fine with `set_stage`.

    The paper's settings are the defaults where the image allows them and scale with it:
    `G1` has 4 downsamplings at 1024x512 and keeps a bottleneck of at least 4 pixels
    below (`default_global_downsampling`: 2 at 32x32); each PatchGAN is the 70x70 one
    from 256 pixels up and keeps the paper's patch-to-image ratio below
    (`default_patch_layers`); there are 3 scales where each downsampled pair still gives
    the PatchGAN at least a 2x2 map (`default_num_scales`). `base_filters=32` is the
    authors' 2048x1024 setting (`G1` then starts at 64). The paper trains with Adam
    (learning rate 2e-4, beta_1 0.5).

    Args:
        image_shape: `(height, width, channels)` of domain A images; sides multiples of
            `size_multiple` (default `(256, 256, 3)`).
        target_channels: Channels of domain B images (default `None`: A's).
        latent_dim: Stored for the command line; there is no `z` (default 64).
        base_filters: `G2`'s front filters, `G1` has twice as many (default 32).
        max_filters: Cap on the generator's filters (default 1024).
        global_downsampling: `G1`'s stride-2 convolutions (default `None`: adaptive).
        global_blocks: `G1`'s residual blocks (default 9).
        local_blocks: `G2`'s residual blocks (default 3).
        discriminator_filters: Filters of each PatchGAN's first block (default 64).
        patch_layers: Each PatchGAN's stride-2 blocks (default `None`: adaptive).
        num_scales: Discriminator scales (default `None`: adaptive, at most 3).
        feature_matching_weight: lambda of the feature-matching loss in the paper's units
            (default 10); the piece gets half of it (see `default_tricks`).

    Example:
    >>> arch = Pix2PixHD(image_shape=(32, 32, 1), base_filters=4, global_blocks=1,
    ...                  local_blocks=1, discriminator_filters=4)
    >>> arch.build_networks()["generator"].output_shape
    (None, 32, 32, 1)
    >>> arch.global_levels, arch.scales, arch.size_multiple
    (2, 3, 8)

    Reference:
        Wang, Liu, Zhu, Tao, Kautz & Catanzaro, "High-Resolution Image Synthesis and
        Semantic Manipulation with Conditional GANs", CVPR 2018, section 3 and appendix A.
    """

    default_loss = "least-squares"
    model_class = Pix2PixHDModel
    pairing = "paired"  # keras-gans train reads --data A --target B, matched by name
    default_batch_size = 1  # the paper's setting

    def __init__(
        self,
        image_shape=(256, 256, 3),
        target_channels=None,
        latent_dim=64,
        base_filters=32,
        max_filters=1024,
        global_downsampling=None,
        global_blocks=9,
        local_blocks=3,
        discriminator_filters=64,
        patch_layers=None,
        num_scales=None,
        feature_matching_weight=10.0,
    ):
        self.image_shape = positive_int_tuple(image_shape, "image_shape", rank=3)
        self.target_channels = optional_positive_int(target_channels, "target_channels")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.base_filters = positive_int(base_filters, "base_filters")
        self.max_filters = positive_int(max_filters, "max_filters")
        self.global_downsampling = optional_positive_int(global_downsampling, "global_downsampling")
        for value, argument in ((global_blocks, "global_blocks"), (local_blocks, "local_blocks")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"`{argument}` must be a non-negative integer. Received: {argument}={value!r}"
                )
        self.global_blocks = global_blocks
        self.local_blocks = local_blocks
        self.discriminator_filters = positive_int(discriminator_filters, "discriminator_filters")
        self.patch_layers = optional_positive_int(patch_layers, "patch_layers")
        self.num_scales = optional_positive_int(num_scales, "num_scales")
        self.feature_matching_weight = non_negative(
            feature_matching_weight, "feature_matching_weight"
        )
        side = min(self.image_shape[:2])
        self.global_levels = self.global_downsampling or default_global_downsampling(
            *self.image_shape[:2]
        )
        self.layers_per_patch = self.patch_layers or default_patch_layers(side)
        self.scales = self.num_scales or default_num_scales(side, self.layers_per_patch)
        height, width = self.image_shape[:2]
        if height % self.size_multiple or width % self.size_multiple:
            raise ValueError(
                f"`image_shape` sides must be multiples of 2 ** (global_downsampling + 1) = "
                f"{self.size_multiple}. Received: image_shape={self.image_shape!r}, "
                f"global_downsampling={self.global_levels}"
            )

    @property
    def output_channels(self):
        """Channels of domain B."""
        return self.target_channels or self.image_shape[-1]

    @property
    def size_multiple(self):
        """A dynamic-size translator accepts sides that are multiples of this."""
        return 2 ** (self.global_levels + 1)

    def build_generator(self):
        """A new coarse-to-fine generator: A images to B images."""
        return build_pix2pixhd_generator(
            self.image_shape,
            self.output_channels,
            base_filters=self.base_filters,
            max_filters=self.max_filters,
            global_downsampling=self.global_levels,
            global_blocks=self.global_blocks,
            local_blocks=self.local_blocks,
        )

    def build_discriminator(self):
        """New multi-scale discriminators on `[b, a]`."""
        return build_multiscale_discriminator(
            self.output_channels,
            self.image_shape[-1],
            num_scales=self.scales,
            patch_layers=self.layers_per_patch,
            base_filters=self.discriminator_filters,
        )

    def build_networks(self):
        """`{"generator", "discriminator", "global_head"}`."""
        feature_channels = min(2 * self.base_filters, self.max_filters)
        return {
            "generator": self.build_generator(),
            "discriminator": self.build_discriminator(),
            "global_head": build_global_head(feature_channels, self.output_channels),
        }

    def default_tricks(self):
        """The discriminator feature-matching loss, at half `feature_matching_weight`.

        keras-gans' `least-squares` generator term, `0.5 mean (D(G(s)) - 1)^2`, is half of
        the authors' (a plain mean squared error), so the piece gets half of lambda: the
        generator's objective is then exactly half of the paper's eq. 5, which Adam (scale
        invariant) follows step for step.
        """
        return [DiscriminatorFeatureMatching(weight=self.feature_matching_weight / 2)]

"""The CycleGAN architecture (`cyclegan`): two ResNet generators and two PatchGANs."""

from __future__ import annotations

import numbers

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, positive_int, positive_int_tuple
from keras_gans_image2image._cyclegan_parts import paper_pieces
from keras_gans_image2image.cyclegan_model import CycleGANModel
from keras_gans_image2image.patch_discriminator import (
    build_patch_discriminator,
    default_patch_layers,
)
from keras_gans_image2image.resnet_generator import (
    build_resnet_generator,
    default_downsamplings,
    default_residual_blocks,
)

__all__ = ["CycleGAN"]


def _optional_positive(value, argument):
    return None if value is None else positive_int(value, argument)


class CycleGAN(Architecture):
    """CycleGAN: ResNet translators `G: A -> B`, `F: B -> A` and 70x70-style PatchGANs.

    Networks (appendix 7.2 of the paper): each generator is `build_resnet_generator`
    (`c7s1-64, d128, d256, R256 x blocks, u128, u64, c7s1-c`, reflection padding, instance
    normalisation `GroupNormalization(groups=-1)`, tanh); each discriminator is
    `build_patch_discriminator(norm="instance")` (`C64-C128-C256-C512`, leaky ReLU 0.2, no
    normalisation on the first block). The model is a `CycleGANModel` trained with the
    least-squares loss, the cycle loss (lambda = `cycle_weight`), the identity loss
    (`identity_weight`) and a pool of `pool_size` past fakes per discriminator.

    Scaled to the image size (smaller side `s`): residual blocks 9 from 256 pixels, 6 from
    128, `round(6 s / 128)` (at least 2) below, keeping the fraction of the image the
    residual stack sees (`default_residual_blocks`); the paper's 2 downsamplings while the
    bottleneck keeps 4 pixels (`default_downsamplings`); PatchGAN blocks keep the paper's
    patch-to-image ratio (70 / 256: 3 blocks at 256, 2 at 128, 1 at 32 and 64;
    `default_patch_layers`).

    `cycle_weight` and `identity_weight` are in the paper's units, relative to its
    least-squares generator term `mean (D(G(a)) - 1)^2`; keras-gans' `least-squares`
    generator term is half of that, so the pieces receive half of each weight (see
    `CycleGANModel`). Use another loss and they stay these halves.

    Args:
        image_shape: `(height, width, channels)` of domain A (default `(32, 32, 1)`).
        target_channels: Channels of domain B (default `None`: A's).
        latent_dim: Stored for the command line's contract; CycleGAN has no `z`
            (default 64).
        filters: Filters of the generators' first convolution (default 64, the paper's).
        discriminator_filters: Filters of the PatchGANs' first block (default 64).
        num_downsamplings: Generator stride-2 levels (default `None`: see above).
        num_residual_blocks: Generator residual blocks (default `None`: see above).
        discriminator_layers: PatchGAN stride-2 blocks (default `None`: see above).
        cycle_weight: lambda of the cycle loss (default 10, the paper's).
        identity_weight: Weight of the identity loss (default `None`: `0.5 * cycle_weight`
            as in the paper when both domains have the same channels, else 0); it must be
            0 when they differ.
        pool_size: Past fakes per discriminator's pool (default 50; 0: no pool).

    Example:
    >>> arch = CycleGAN(image_shape=(32, 32, 1), target_channels=3, filters=8,
    ...                 discriminator_filters=8)
    >>> for key, network in sorted(arch.build_networks().items()):
    ...     print(key, network.input_shape, network.output_shape)
    discriminator (None, 32, 32, 3) (None, 14, 14, 1)
    discriminator_a (None, 32, 32, 1) (None, 14, 14, 1)
    generator (None, 32, 32, 1) (None, 32, 32, 3)
    generator_b2a (None, 32, 32, 3) (None, 32, 32, 1)
    >>> arch.num_residual_blocks, arch.identity_weight, [p.name for p in arch.default_tricks()]
    (2, 0.0, ['cycle_consistency', 'image_pool'])

    Reference:
        Zhu, Park, Isola & Efros, "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, sections 3-4, appendix 7.
    """

    default_loss = "least-squares"
    model_class = CycleGANModel
    pairing = "unpaired"  # keras-gans train reads --data A --target B, unrelated images
    default_batch_size = 1  # the paper's setting

    def __init__(
        self,
        image_shape=(32, 32, 1),
        target_channels=None,
        latent_dim=64,
        filters=64,
        discriminator_filters=64,
        num_downsamplings=None,
        num_residual_blocks=None,
        discriminator_layers=None,
        cycle_weight=10.0,
        identity_weight=None,
        pool_size=50,
    ):
        self.image_shape = positive_int_tuple(image_shape, "image_shape", rank=3)
        channels = self.image_shape[-1]
        self.target_channels = positive_int(
            channels if target_channels is None else target_channels, "target_channels"
        )
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.filters = positive_int(filters, "filters")
        self.discriminator_filters = positive_int(discriminator_filters, "discriminator_filters")
        side = min(self.image_shape[:2])
        self.num_downsamplings = _optional_positive(num_downsamplings, "num_downsamplings")
        self.num_downsamplings = self.num_downsamplings or default_downsamplings(side)
        self.num_residual_blocks = _optional_positive(num_residual_blocks, "num_residual_blocks")
        self.num_residual_blocks = self.num_residual_blocks or default_residual_blocks(side)
        self.discriminator_layers = _optional_positive(discriminator_layers, "discriminator_layers")
        self.discriminator_layers = self.discriminator_layers or default_patch_layers(side)
        self.cycle_weight = non_negative(cycle_weight, "cycle_weight")
        same = self.target_channels == channels
        if identity_weight is None:
            identity_weight = 0.5 * self.cycle_weight if same else 0.0
        self.identity_weight = non_negative(identity_weight, "identity_weight")
        if self.identity_weight and not same:
            raise ValueError(
                "`identity_weight` must be 0 when the domains have different channels "
                f"(G(b) cannot be compared with b). Received: identity_weight={identity_weight!r} "
                f"for {channels} -> {self.target_channels} channels"
            )
        if (
            not isinstance(pool_size, numbers.Integral)
            or isinstance(pool_size, bool)
            or pool_size < 0
        ):
            raise ValueError(
                f"`pool_size` must be a non-negative integer. Received: pool_size={pool_size!r}"
            )
        self.pool_size = int(pool_size)

    def _generator(self, source, target, name):
        return build_resnet_generator(
            (*self.image_shape[:2], source),
            output_channels=target,
            filters=self.filters,
            num_downsamplings=self.num_downsamplings,
            num_residual_blocks=self.num_residual_blocks,
            name=name,
        )

    def _discriminator(self, channels, name):
        return build_patch_discriminator(
            (*self.image_shape[:2], channels),
            num_layers=self.discriminator_layers,
            base_filters=self.discriminator_filters,
            norm="instance",
            name=name,
        )

    def build_generator(self):
        """A new `G: A -> B`."""
        return self._generator(self.image_shape[-1], self.target_channels, "generator_a2b")

    def build_discriminator(self):
        """A new `D_B`, scoring images of domain B."""
        return self._discriminator(self.target_channels, "discriminator_b")

    def build_networks(self):
        """`{"generator": G, "discriminator": D_B, "generator_b2a": F, "discriminator_a": D_A}`."""
        return {
            "generator": self.build_generator(),
            "discriminator": self.build_discriminator(),
            "generator_b2a": self._generator(
                self.target_channels, self.image_shape[-1], "generator_b2a"
            ),
            "discriminator_a": self._discriminator(self.image_shape[-1], "discriminator_a"),
        }

    def default_tricks(self):
        """The cycle term, the identity term (if its weight is not 0) and the image pools."""
        return paper_pieces(self.cycle_weight, self.identity_weight, self.pool_size)

"""The StackGAN architecture (`stackgan`): two embedding-conditioned stages, low to high."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures._checks import (
    non_negative_int,
    non_negative_number,
    optional_classes,
    positive_int,
    shape_tuple,
)
from keras_gans.architectures.base import Architecture
from keras_gans.architectures.gan_cls import GANCLS
from keras_gans.checks import one_of
from keras_gans.layers import label_embedding, label_input
from keras_gans.layers.condition_encoding import embedding_input, tiled_channels
from keras_gans_style._stackgan_parts import stackgan_discriminator, stackgan_generator
from keras_gans_style.conditioning_augmentation import ConditioningAugmentation
from keras_gans_style.conditioning_augmentation_kl import REDUCTIONS
from keras_gans_style.stackgan_model import StackGANModel

__all__ = ["StackGAN"]

_PAPER_NOISE, _PAPER_CONDITION = 100, 128


def default_stage_one_size(side):
    """Stage-I's side: a quarter of the image's (the paper's 64 for 256), at least 8 and at
    most half: 8 -> 4, 16 -> 8, 32 -> 8, 64 -> 16, 256 -> 64."""
    return max(side // 4, min(8, side // 2))


class StackGAN(Architecture):
    """StackGAN: a low-resolution Stage-I GAN and a Stage-II GAN that refines its images.

    Both stages are conditioned on an embedding `phi` (a text embedding of width
    `embedding_dim`; with `num_classes`, a class id and a learned embedding of width
    `projection_dim`) through their own conditioning augmentation
    (`ConditioningAugmentation`: `c^ ~ N(mu(phi), sigma^2(phi))`, `condition_dim`
    dimensions), whose KL divergence to N(0, I) the generators' objective adds with weight
    `kl_weight` (`ConditioningAugmentationKL`), by default as the authors' released code
    does: averaged over the dimensions, weight 2.0.

    - Stage-I generator: `[c^_1, z]` -> fully connected -> 4x4 maps of `generator_filters`
      -> upsampling blocks (nearest x2, 3x3 convolution, batch norm, ReLU; the filters
      halve each time) -> a tanh image of `stage_one_size`.
    - Stage-II generator (no `z`: its randomness is `c^_2`'s): the Stage-I image -> 3x3
      convolution and ReLU, stride-2 4x4 convolutions (batch norm, ReLU) down to a
      quarter of Stage-I's side (at least 4) with `stage_two_filters` -> joined with `c^_2`
      tiled over the map -> 3x3 convolution, batch norm, ReLU -> `num_residual_blocks`
      residual blocks -> upsampling blocks -> a tanh image of `image_shape`.
    - Discriminators: GAN-CLS's matching-aware discriminator (`GANCLS`: the DCGAN body,
      the condition compressed to `projection_dim` and tiled over its last map, a 1x1
      convolution and the score), one at each stage's size, with GAN-CLS's
      `MatchingAware` term: a real image with a wrong condition counts as fake.

    The generator's latent vector is `[z, epsilon_1, epsilon_2]`: `z` (`latent_dim - 2 *
    condition_dim` values) and the two augmentations' standard normal noises, so
    `generate`, `keras-gans sample` and export (`model.generator`, both stages as one
    functional model) need no random op. The model is a `StackGANModel`: Stage-I trains
    for `stage_one_steps` generator updates, then Stage-II with Stage-I fixed.

    Args:
        image_shape: `(side, side, channels)`, side a power of two >= 8 (default
            `(256, 256, 3)`, the paper's).
        latent_dim: Size of `[z, epsilon_1, epsilon_2]` (default 356: the paper's
            `N_z = 100` plus `2 * N_g`).
        embedding_dim: Width of the condition vectors (default 1024, the paper's
            char-CNN-RNN embedding); ignored (set to `None`) with `num_classes`.
        num_classes: Condition on class ids instead (default `None`).
        condition_dim: `N_g`, the size of `c^` (default `None`: the paper's 128 when
            `latent_dim` leaves 100 for `z`, else `latent_dim // 4`).
        projection_dim: `N_d`, the discriminators' compressed condition, and the class
            embedding's width with `num_classes` (default 128, the paper's).
        stage_one_size: Stage-I's side (default `None`: `default_stage_one_size`).
        generator_filters: Stage-I's filters at 4x4 (default 1024, the paper's `N_g * 8`).
        stage_two_filters: Stage-II's filters at its smallest map (default 512).
        num_residual_blocks: Stage-II's residual blocks (default 2).
        discriminator_filters: Both discriminators' first filters (default 64).
        discriminator_normalization: `"batch"` (default), `"layer"` or `"none"`.
        mismatch_weight: Weight of the mismatched pairs (default 1.0).
        kl_weight: `lambda` of the KL term (default 2.0, the authors' code's
            `TRAIN.COEFF.KL`).
        kl_reduction: The KL over the dimensions: `"mean"` (default, the authors' code)
            or `"sum"` (the divergence itself; with `kl_weight=1.0` the paper's eq. 3 read
            literally, which washed the class out of `c^` on digits:
            `docs/style/stackgan.md`).
        stage_one_steps: Stage-I's generator updates before Stage-II (default 1000).

    Example:
    >>> arch = StackGAN(image_shape=(8, 8, 1), latent_dim=16, num_classes=10,
    ...                 projection_dim=4, generator_filters=8, stage_two_filters=4,
    ...                 discriminator_filters=4)
    >>> arch.stage_one_shape(), arch.latent_sizes()
    ((4, 4, 1), (8, 4, 4))
    >>> arch.build_generator().output_shape
    (None, 8, 8, 1)

    Reference:
        Zhang, Xu, Li, Zhang, Wang, Huang & Metaxas, "StackGAN: Text to Photo-realistic
        Image Synthesis with Stacked Generative Adversarial Networks", ICCV 2017, section 3.
    """

    default_loss = "non-saturating"
    model_class = StackGANModel

    def __init__(
        self,
        image_shape=(256, 256, 3),
        latent_dim=356,
        embedding_dim=1024,
        num_classes=None,
        condition_dim=None,
        projection_dim=128,
        stage_one_size=None,
        generator_filters=1024,
        stage_two_filters=512,
        num_residual_blocks=2,
        discriminator_filters=64,
        discriminator_normalization="batch",
        mismatch_weight=1.0,
        kl_weight=2.0,
        kl_reduction="mean",
        stage_one_steps=1000,
    ):
        shape = shape_tuple(image_shape, "image_shape")
        side = shape[0] if len(shape) == 3 else 0
        if len(shape) != 3 or shape[0] != shape[1] or side < 8 or side & (side - 1):
            raise ValueError(
                "`image_shape` must be (side, side, channels) with side a power of two >= 8. "
                f"Received: image_shape={image_shape!r}"
            )
        self.image_shape = shape
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = optional_classes(num_classes)
        if self.num_classes is not None:
            embedding_dim = None
        elif embedding_dim is None:
            raise ValueError(
                "StackGAN is conditional: give `embedding_dim` (the width of the condition "
                "vectors) or `num_classes`. Received: embedding_dim=None, num_classes=None"
            )
        else:
            positive_int(embedding_dim, "embedding_dim")
        self.embedding_dim = embedding_dim
        if condition_dim is not None:
            positive_int(condition_dim, "condition_dim")
        self.condition_dim = condition_dim
        paper = self.latent_dim - 2 * _PAPER_CONDITION >= _PAPER_NOISE
        self._condition = condition_dim or (_PAPER_CONDITION if paper else self.latent_dim // 4)
        if self._condition < 1 or self.latent_dim - 2 * self._condition < 1:
            raise ValueError(
                "`latent_dim` must hold z and two conditioning noises of `condition_dim`: "
                f"latent_dim > 2 * condition_dim. Received: latent_dim={latent_dim}, "
                f"condition_dim={condition_dim!r}"
            )
        self.projection_dim = positive_int(projection_dim, "projection_dim")
        size = default_stage_one_size(side) if stage_one_size is None else stage_one_size
        if (
            isinstance(size, bool)
            or not isinstance(size, int)
            or size < 4
            or size >= side
            or size & (size - 1)
        ):
            raise ValueError(
                "`stage_one_size` must be None or a power of two >= 4 and smaller than the "
                f"image side {side}. Received: stage_one_size={stage_one_size!r}"
            )
        self.stage_one_size = stage_one_size
        self._size = size
        self.generator_filters = positive_int(generator_filters, "generator_filters")
        self.stage_two_filters = positive_int(stage_two_filters, "stage_two_filters")
        self.num_residual_blocks = non_negative_int(num_residual_blocks, "num_residual_blocks")
        self.discriminator_filters = positive_int(discriminator_filters, "discriminator_filters")
        self.discriminator_normalization = discriminator_normalization
        self.mismatch_weight = non_negative_number(mismatch_weight, "mismatch_weight")
        self.kl_weight = non_negative_number(kl_weight, "kl_weight")
        self.kl_reduction = one_of(kl_reduction, "kl_reduction", REDUCTIONS)
        self.stage_one_steps = non_negative_int(stage_one_steps, "stage_one_steps")
        self._gan_cls(self.image_shape)  # checks discriminator_normalization

    # ----------------------------------------------------------------- layout
    def stage_one_shape(self):
        """The shape of Stage-I's images."""
        return (self._size, self._size, self.image_shape[2])

    def latent_sizes(self):
        """`(len(z), len(epsilon_1), len(epsilon_2))`, the parts of the latent vector."""
        return (self.latent_dim - 2 * self._condition, self._condition, self._condition)

    def default_tricks(self):
        """Matching-aware pairs, the KL term and the stage schedule."""
        from keras_gans.tricks.matching_aware import MatchingAware
        from keras_gans_style.conditioning_augmentation_kl import ConditioningAugmentationKL
        from keras_gans_style.stackgan_schedule import StackGANSchedule

        return [
            MatchingAware(weight=self.mismatch_weight),
            ConditioningAugmentationKL(weight=self.kl_weight, reduction=self.kl_reduction),
            StackGANSchedule(stage_one_steps=self.stage_one_steps),
        ]

    # ----------------------------------------------------------------- networks
    def _condition_input(self):
        if self.num_classes is not None:
            return label_input()
        return embedding_input(self.embedding_dim)

    def _augmented(self, condition, epsilon, stage):
        """`[c^, mu, log_var]` of the stage's own conditioning augmentation."""
        phi = condition
        if self.num_classes is not None:
            phi = label_embedding(condition, self.num_classes, self.projection_dim, f"{stage}_g")
        return ConditioningAugmentation(self._condition, name=f"{stage}_augmentation")(
            [phi, epsilon]
        )

    @staticmethod
    def _block(h, filters, upsample=False):
        if upsample:
            h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
        return keras.layers.ReLU()(keras.layers.BatchNormalization()(h))

    def _image(self, h):
        h = keras.layers.Conv2D(self.image_shape[2], 3, padding="same")(h)
        return keras.layers.Activation("tanh", dtype="float32", name="image")(h)

    def build_stage_one_generator(self):
        """Stage-I: `[z, epsilon_1, condition]` -> `[image, mu_1, log_var_1]`."""
        noise_dim, condition_dim, _ = self.latent_sizes()
        z = keras.Input((noise_dim,), name="z")
        epsilon = keras.Input((condition_dim,), name="epsilon")
        condition = self._condition_input()
        c_hat, mean, log_variance = self._augmented(condition, epsilon, "stage_one")
        filters = self.generator_filters
        h = keras.layers.Dense(4 * 4 * filters, use_bias=False)(
            keras.layers.Concatenate()([c_hat, z])
        )
        h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
        h = keras.layers.Reshape((4, 4, filters))(h)
        for i in range(int(math.log2(self._size // 4))):
            h = self._block(h, max(filters // 2 ** (i + 1), 1), upsample=True)
        outputs = [self._image(h), mean, log_variance]
        return keras.Model([z, epsilon, condition], outputs, name="stage_one_generator")

    def build_stage_two_generator(self):
        """Stage-II: `[stage-I image, epsilon_2, condition]` -> `[image, mu_2, log_var_2]`."""
        _, _, condition_dim = self.latent_sizes()
        low = keras.Input(self.stage_one_shape(), name="stage_one_image")
        epsilon = keras.Input((condition_dim,), name="epsilon")
        condition = self._condition_input()
        c_hat, mean, log_variance = self._augmented(condition, epsilon, "stage_two")
        work = max(4, self._size // 4)
        downs = int(math.log2(self._size // work))
        filters = self.stage_two_filters
        h = keras.layers.Conv2D(max(filters // 2**downs, 1), 3, padding="same")(low)
        h = keras.layers.ReLU()(h)
        for i in range(downs):
            width = max(filters // 2 ** (downs - 1 - i), 1)
            conv = keras.layers.Conv2D(width, 4, strides=2, padding="same", use_bias=False)
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(conv(h)))
        h = keras.layers.Concatenate()([h, tiled_channels(c_hat, work, work)])
        h = self._block(h, filters)
        for _ in range(self.num_residual_blocks):
            r = self._block(h, filters)
            r = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(r)
            r = keras.layers.BatchNormalization()(r)
            h = keras.layers.ReLU()(keras.layers.Add()([h, r]))
        for i in range(int(math.log2(self.image_shape[0] // work))):
            h = self._block(h, max(filters // 2 ** (i + 1), 1), upsample=True)
        outputs = [self._image(h), mean, log_variance]
        return keras.Model([low, epsilon, condition], outputs, name="stage_two_generator")

    def _gan_cls(self, image_shape):
        return GANCLS(
            image_shape=image_shape,
            latent_dim=self.latent_dim,
            embedding_dim=self.embedding_dim,
            num_classes=self.num_classes,
            projection_dim=self.projection_dim,
            base_filters=self.discriminator_filters,
            discriminator_normalization=self.discriminator_normalization,
            mismatch_weight=self.mismatch_weight,
        )

    def build_stage_discriminator(self, stage):
        """GAN-CLS's matching-aware discriminator at `"stage_one"` or `"stage_two"` size."""
        one_of(stage, "stage", ("stage_one", "stage_two"))
        shape = self.stage_one_shape() if stage == "stage_one" else self.image_shape
        network = self._gan_cls(shape).build_discriminator()
        network.name = f"{stage}_discriminator"
        return network

    def build_generator(self):
        """Both stages as one model: `[latent, condition]` -> Stage-II images."""
        return stackgan_generator(
            self.build_stage_one_generator(), self.build_stage_two_generator(), self.latent_sizes()
        )

    def build_discriminator(self):
        """Both stages' discriminators: `[images, condition]` -> `{"score", "stage_one"}`."""
        return stackgan_discriminator(
            self.build_stage_discriminator("stage_one"),
            self.build_stage_discriminator("stage_two"),
            self.image_shape,
        )

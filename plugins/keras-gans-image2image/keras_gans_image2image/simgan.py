"""SimGAN: a fully convolutional refiner and a local (per-patch) discriminator."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, one_of, positive_int, positive_int_tuple
from keras_gans_image2image.refined_history import RefinedHistory
from keras_gans_image2image.self_regularization import SPACES, SelfRegularization
from keras_gans_image2image.simgan_model import SimGANModel

__all__ = ["SimGAN"]


class SimGAN(Architecture):
    """The networks of SimGAN: a refiner `R` from domain A to B and a local discriminator.

    The refiner (`generator`) maps a "synthetic" image of A to a "real" one of B; it is
    fully convolutional, without striding or pooling, so it changes the image locally
    and keeps its global structure: a 3x3 convolution to `filters` maps, `residual_blocks`
    ResNet blocks (two 3x3 convolutions of `filters` maps, ReLU, identity shortcut) and a
    1x1 convolution to B's channels (tanh, images in [-1, 1]). The paper's eye-gaze
    refiner is `filters=64, residual_blocks=4` (its hand-depth one: 10 blocks).

    The discriminator is the paper's eye-gaze network, fully convolutional: 3x3
    convolutions with 96 and 64 maps and stride 2, 3x3 max pooling (stride 1), 3x3 and
    1x1 convolutions with 32 maps (ReLU after each), and a 1x1 convolution to one logit
    per location: a `(h/4, w/4, 1)` map, each logit judging a 23x23-pixel patch (the
    paper's two-way softmax per location is one logit through a sigmoid). The adversarial
    loss (`"non-saturating"`: cross-entropy) is averaged over every location: the local
    adversarial loss. The patch size does not grow with the image, as in the paper.

    `default_tricks()` brings `SelfRegularization(self_regularization_weight,
    space=self_regularization)` and `RefinedHistory(history_size)`.
    `self_regularization="features"` is "feature loss + GAN" of CycleGAN's comparison.

    Args:
        image_shape: Domain A's images, `(height, width, channels)` (default
            `(32, 32, 1)`); sides divisible by 4.
        target_channels: Domain B's channels (default `None`: A's).
        latent_dim: Stored for the command line; the refiner takes no `z` (default 64).
        filters: Maps of the refiner's convolutions (default 64, the paper's).
        residual_blocks: ResNet blocks of the refiner (default 4, the paper's eye-gaze
            refiner).
        discriminator_filters: Maps of the discriminator's five convolutions before the
            logit (default `(96, 64, 32, 32)`, the paper's).
        self_regularization: `"pixels"` (default, SimGAN: `psi` is the identity) or
            `"features"` (feature loss + GAN).
        self_regularization_weight: `lambda`, on the mean absolute difference (default
            0.5; the paper's `lambda` multiplies a sum over pixels, ours a mean).
        history_size: Capacity of the history of refined images (default 512).

    Example:
    >>> arch = SimGAN(image_shape=(16, 16, 1), filters=4, residual_blocks=1,
    ...               discriminator_filters=(4, 4, 4, 4))
    >>> nets = arch.build_networks()
    >>> nets["generator"].output_shape, nets["discriminator"].output_shape
    ((None, 16, 16, 1), (None, 4, 4, 1))

    Reference:
        Shrivastava, Pfister, Tuzel, Susskind, Wang & Webb, "Learning from Simulated and
        Unsupervised Images through Adversarial Training", CVPR 2017, sections 2 and 3.1;
        Zhu et al., ICCV 2017, section 5.1.2 (SimGAN and feature loss + GAN as baselines).
    """

    default_loss = "non-saturating"
    pairing = "unpaired"  # keras-gans train reads --data A --target B, unpaired
    default_batch_size = 64
    model_class = SimGANModel

    def __init__(
        self,
        image_shape=(32, 32, 1),
        target_channels=None,
        latent_dim=64,
        filters=64,
        residual_blocks=4,
        discriminator_filters=(96, 64, 32, 32),
        self_regularization="pixels",
        self_regularization_weight=0.5,
        history_size=512,
    ):
        self.image_shape = positive_int_tuple(image_shape, "image_shape", rank=3)
        if self.image_shape[0] % 4 or self.image_shape[1] % 4:
            raise ValueError(
                "`image_shape` must have sides divisible by 4 (the discriminator has two "
                f"stride-2 convolutions). Received: image_shape={tuple(image_shape)!r}"
            )
        self.target_channels = (
            None if target_channels is None else positive_int(target_channels, "target_channels")
        )
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.filters = positive_int(filters, "filters")
        self.residual_blocks = positive_int(residual_blocks, "residual_blocks")
        self.discriminator_filters = positive_int_tuple(
            discriminator_filters, "discriminator_filters", rank=4
        )
        self.self_regularization = one_of(self_regularization, "self_regularization", SPACES)
        self.self_regularization_weight = non_negative(
            self_regularization_weight, "self_regularization_weight"
        )
        self.history_size = positive_int(history_size, "history_size")

    @property
    def target_shape(self):
        """Domain B's image shape."""
        channels = self.target_channels or self.image_shape[-1]
        return (*self.image_shape[:2], channels)

    def build_generator(self):
        """Returns the refiner `R`: images of A to images of B, the same size."""
        conv = keras.layers.Conv2D
        inputs = keras.Input(self.image_shape, name="image_a")
        x = conv(self.filters, 3, padding="same", activation="relu", name="conv_in")(inputs)
        for block in range(self.residual_blocks):
            h = conv(self.filters, 3, padding="same", activation="relu", name=f"res_{block}_a")(x)
            h = conv(self.filters, 3, padding="same", name=f"res_{block}_b")(h)
            x = keras.layers.Add(name=f"res_{block}_add")([x, h])
            x = keras.layers.ReLU(name=f"res_{block}_relu")(x)
        outputs = conv(self.target_shape[-1], 1, activation="tanh", name="conv_out")(x)
        return keras.Model(inputs, outputs, name="refiner")

    def build_discriminator(self):
        """Returns the local discriminator: images of B to a map of raw logits."""
        conv = keras.layers.Conv2D
        first, second, third, fourth = self.discriminator_filters
        inputs = keras.Input(self.target_shape, name="image_b")
        x = conv(first, 3, strides=2, padding="same", activation="relu", name="conv_1")(inputs)
        x = conv(second, 3, strides=2, padding="same", activation="relu", name="conv_2")(x)
        x = keras.layers.MaxPooling2D(3, strides=1, padding="same", name="pool")(x)
        x = conv(third, 3, padding="same", activation="relu", name="conv_3")(x)
        x = conv(fourth, 1, activation="relu", name="conv_4")(x)
        logits = conv(1, 1, name="logits")(x)
        return keras.Model(inputs, logits, name="local_discriminator")

    def default_tricks(self):
        return [
            SelfRegularization(self.self_regularization_weight, space=self.self_regularization),
            RefinedHistory(self.history_size),
        ]

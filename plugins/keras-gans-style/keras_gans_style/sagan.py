"""SAGAN: residual networks with self-attention, spectral norm in both, hinge loss, TTUR."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.architectures._bodies import score_layer
from keras_gans.checks import positive_int
from keras_gans.layers import ConditionalBatchNormalization, ProjectionHead, label_input
from keras_gans_style import _sagan_blocks as blocks

__all__ = ["SAGAN"]


def _optional_classes(num_classes):
    """`None`, or `num_classes` if it is an integer >= 2."""
    if num_classes is None:
        return None
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            "`num_classes` must be None (unconditional) or an integer >= 2. "
            f"Received: num_classes={num_classes!r}"
        )
    return num_classes


class SAGAN(Architecture):
    """Self-attention GAN: residual generator and discriminator with a self-attention block.

    Both networks are the ResNets of the projection-discriminator paper that SAGAN builds
    on, every convolution and linear layer spectrally normalised (SAGAN's finding: spectral
    norm helps the generator too). The generator maps `z` through a linear layer to a 4x4
    map and residual up-blocks (batch norm, ReLU, upsampling, two 3x3 convolutions, a 1x1
    shortcut) to the image side, then batch norm, ReLU, a 3x3 convolution and tanh. The
    discriminator mirrors it with residual down-blocks (average pooling) to 4x4, one more
    block, ReLU, global sum pooling and a linear score. Widths double towards 4x4:
    `base_filters * min(2**k, 16)` channels `k` doublings away from the image side.

    One `keras_gans_style.self_attention.SelfAttention` block sits in each network at the
    feature maps of side `attention_resolution`. The paper puts it at 32x32 for 128x128 images, a
    quarter of the side, and finds attention on the larger, middle-to-high-level maps better
    than on the small early ones (its Table 1). The default keeps the quarter but never sits
    on the 4x4 map that starts the generator, where 16 positions leave little to attend
    over, unless the images are 8x8: at least 8 (8x8 images: 4x4; 16: 8; 32: 8; 64: 16;
    128: 32). With `num_classes` the model is class-conditional as in
    the paper's ImageNet model: conditional batch norm in the generator (per-class gains
    and biases, `keras_gans.layers.ConditionalBatchNormalization`) and a projection
    discriminator (`keras_gans.layers.ProjectionHead`, spectrally normalised).

    Trains with the hinge loss (`default_loss`) and the two time-scale update rule: use
    `compile(*arch.default_optimizers(), loss="hinge")` (`optimizer_defaults`:
    discriminator 4e-4, generator 1e-4, Adam with beta_1 = 0 and beta_2 = 0.9, which
    `keras-gans train --arch sagan` also uses unless flags say otherwise).

    Args:
        image_shape: `(side, side, channels)` with side `4 * 2**n >= 8` (default
            `(32, 32, 3)`).
        latent_dim: Size of `z` (default 128, the paper's).
        num_classes: Class count of a class-conditional model (default `None`:
            unconditional).
        base_filters: Channels at the image side; the paper's channel unit is 64
            (default 64; 8 or 16 make small, fast networks).
        attention_resolution: Side of the feature maps with self-attention, a power of two
            in `[4, side / 2]` (default `None`: a quarter of the image side, at least 8,
            or 4 for 8x8 images).

    Example:
    >>> arch = SAGAN(image_shape=(8, 8, 1), latent_dim=8, base_filters=4)
    >>> arch.attention_resolution, arch.build_generator().output_shape
    (4, (None, 8, 8, 1))
    >>> arch.build_discriminator().output_shape
    (None, 1)
    >>> d_optimizer, g_optimizer = arch.default_optimizers()
    >>> round(float(d_optimizer.learning_rate), 6), float(g_optimizer.beta_1)
    (0.0004, 0.0)

    Reference:
        Zhang, Goodfellow, Metaxas & Odena, "Self-Attention Generative Adversarial
        Networks", ICML 2019; Miyato et al., "Spectral Normalization for GANs", ICLR 2018;
        Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018.
    """

    default_loss = "hinge"
    #: The paper's TTUR: discriminator 4e-4, generator 1e-4, Adam(beta_1=0, beta_2=0.9);
    #: `default_optimizers()` builds them and `keras-gans train` uses them.
    optimizer_defaults = {"d_lr": 4e-4, "g_lr": 1e-4, "beta1": 0.0, "beta2": 0.9}

    def __init__(
        self,
        image_shape=(32, 32, 3),
        latent_dim=128,
        num_classes=None,
        base_filters=64,
        attention_resolution=None,
    ):
        self.image_shape, self._doublings = blocks.check_image_shape(image_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = _optional_classes(num_classes)
        self.base_filters = positive_int(base_filters, "base_filters")
        self.attention_resolution = blocks.check_attention_resolution(
            attention_resolution, self.image_shape[0], max(self.image_shape[0] // 4, 8)
        )

    def _widths(self):
        return blocks.widths(self.base_filters, self._doublings)

    def _normalizer(self, labels):
        if labels is None:
            return lambda h, name: keras.layers.BatchNormalization(
                momentum=blocks.BN_MOMENTUM, name=name
            )(h)
        return lambda h, name: ConditionalBatchNormalization(
            self.num_classes, momentum=blocks.BN_MOMENTUM, name=name
        )([h, labels])

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        labels = label_input() if self.num_classes else None
        widths = self._widths()
        h = blocks.sn(keras.layers.Dense(16 * widths[0]), "g_dense")(z)
        h = keras.layers.Reshape((4, 4, widths[0]), name="g_reshape")(h)
        side, normalize = 4, self._normalizer(labels)
        if side == self.attention_resolution:
            h = blocks.attention(h, "g_attention")
        for i, filters in enumerate(widths[1:]):
            h = blocks.up_block(h, filters, normalize, f"g_block{i}")
            side *= 2
            if side == self.attention_resolution:
                h = blocks.attention(h, "g_attention")
        images = blocks.generator_output(h, self.image_shape[-1])
        inputs = z if labels is None else [z, labels]
        return keras.Model(inputs, images, name="sagan_generator")

    def build_discriminator(self):
        x = keras.Input(self.image_shape, name="x")
        features = blocks.discriminator_features(x, self._widths(), self.attention_resolution)
        if not self.num_classes:
            score = score_layer(True, 1, "score")
            return keras.Model(x, score(features), name="sagan_discriminator")
        labels = label_input()
        head = ProjectionHead(
            self.num_classes, spectral_normalization=True, dtype="float32", name="score"
        )
        return keras.Model([x, labels], head([features, labels]), name="sagan_discriminator")

"""DCGAN: the deep convolutional GAN of Radford et al. (2015), optionally label-conditioned."""

from __future__ import annotations

import keras

from keras_gans.architectures._checks import (
    discriminator_options,
    optional_classes,
    positive_int,
    shape_tuple,
    spectral,
)
from keras_gans.architectures.base import Architecture
from keras_gans.checks import one_of
from keras_gans.layers import (
    ConditionalBatchNormalization,
    MinibatchDiscrimination,
    MinibatchStandardDeviation,
    Packing,
    ProjectionHead,
    label_embedding,
    label_input,
    label_map,
)

_NORMALIZATIONS = ("batch", "layer", "none")
#: The keywords that shape an unconditional DCGAN; variants share them (`DCGAN.unconditional`).
_UNCONDITIONAL_KEYWORDS = (
    "image_shape",
    "latent_dim",
    "base_filters",
    "discriminator_normalization",
    "spectral_normalization",
    "minibatch_kernels",
    "minibatch_stddev",
    "packing",
)
_CONDITIONINGS = ("label-map", "projection")
_GENERATOR_CONDITIONINGS = ("concat", "cbn")


def _upsampling_plan(side):
    """Returns `(base, doublings)` with `side == base * 2**doublings` and base 4 or 7."""
    base, doublings = side, 0
    while base > 7 and base % 2 == 0:
        base, doublings = base // 2, doublings + 1
    if base not in (4, 7):
        return None
    return base, doublings


class DCGAN(Architecture):
    """Deep convolutional generator and discriminator following the DCGAN guidelines.

    Strided convolutions instead of pooling, batch normalisation in both networks (not on
    the generator output or the discriminator input), ReLU in the generator with a tanh
    output (images in [-1, 1]), LeakyReLU(0.2) in the discriminator, no fully connected
    hidden layers. The generator projects `z` to a `base x base` map (base 4 or 7) and
    doubles the side with 4x4 transposed convolutions; the discriminator mirrors it and
    ends in one raw score.

    With `num_classes`, both networks are label-conditioned (Mirza & Osindero 2014): the
    generator concatenates a label embedding with `z`, the discriminator receives a learned
    label map as an extra input channel. `conditioning="projection"` makes the
    discriminator a projection discriminator instead (Miyato & Koyama 2018: its score adds
    the inner product of a class embedding with its last features,
    `keras_gans.layers.ProjectionHead`), and `generator_conditioning="cbn"` conditions the
    generator through conditional batch normalisation (every batch norm gets a per-class
    scale and shift, `keras_gans.layers.ConditionalBatchNormalization`) instead of the
    embedding joined to `z`.

    The discriminator's stabilising options (all off by default) compose: `packing` stacks
    samples as channels first (PacGAN), `spectral_normalization` wraps every convolution
    and the score layer (SN-GAN; use it with `discriminator_normalization="none"`), and
    `minibatch_stddev` / `minibatch_kernels` add batch statistics at the end.

    Args:
        image_shape: `(side, side, channels)` with `side` a power of two times 4 or 7
            (4, 7, 8, 14, 16, 28, 32, 56, 64, ...) and 1 or 3 channels
            (default `(28, 28, 1)`).
        latent_dim: Size of `z` (default 100).
        num_classes: Class count for a label-conditioned pair (default `None`).
        base_filters: Filters of the highest-resolution layer; each halving of the side
            doubles them, up to 16x (default 64).
        embedding_dim: Generator label embedding size when conditional (default 50).
        discriminator_normalization: `"batch"` (default, as in the paper), `"layer"`
            (for gradient penalties, which are per example: each example's feature map is
            normalised over all its positions and channels, (H, W, C), as in the WGAN-GP
            reference code, with a per-channel scale and offset) or `"none"`.
        spectral_normalization: Wrap the discriminator's convolutions and score layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018) (default `False`).
        minibatch_kernels: Kernels `B` of a `keras_gans.layers.MinibatchDiscrimination`
            layer on the flattened features (Salimans et al. 2016) (default 0: none).
        minibatch_stddev: Group size of a `keras_gans.layers.MinibatchStandardDeviation`
            layer on the last feature map (Karras et al. 2017, who used 4) (default 0).
        packing: Samples the discriminator judges together, stacked as channels, `m` of
            PacGAN (Lin et al. 2018) (default 1: none).
        conditioning: How a conditional discriminator uses the label: `"label-map"`
            (default, a learned map as an input channel) or `"projection"` (not with
            `packing`; with `spectral_normalization` its linear term and class embedding
            are spectrally normalised too).
        generator_conditioning: How a conditional generator uses the label: `"concat"`
            (default, an embedding joined to `z`) or `"cbn"` (conditional batch norm).

    Example:
    >>> arch = DCGAN(image_shape=(8, 8, 1), latent_dim=16, base_filters=8)
    >>> arch.build_generator().output_shape
    (None, 8, 8, 1)

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        num_classes=None,
        base_filters=64,
        embedding_dim=50,
        discriminator_normalization="batch",
        spectral_normalization=False,
        minibatch_kernels=0,
        minibatch_stddev=0,
        packing=1,
        conditioning="label-map",
        generator_conditioning="concat",
    ):
        shape = shape_tuple(image_shape, "image_shape")
        plan = _upsampling_plan(shape[0]) if len(shape) == 3 else None
        if len(shape) != 3 or shape[0] != shape[1] or shape[2] not in (1, 3) or plan is None:
            raise ValueError(
                "`image_shape` must be (side, side, channels) with side a power of two times "
                "4 or 7 (e.g. 8, 28, 32, 64) and 1 or 3 channels. "
                f"Received: image_shape={image_shape!r}"
            )
        one_of(discriminator_normalization, "discriminator_normalization", _NORMALIZATIONS)
        self.image_shape = shape
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = optional_classes(num_classes)
        self.base_filters = positive_int(base_filters, "base_filters")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")
        self.discriminator_normalization = discriminator_normalization
        (
            self.spectral_normalization,
            self.minibatch_kernels,
            self.minibatch_stddev,
            self.packing,
        ) = discriminator_options(
            spectral_normalization, minibatch_kernels, minibatch_stddev, packing
        )
        self._base, self._doublings = plan
        for argument, value, choices in (
            ("conditioning", conditioning, _CONDITIONINGS),
            ("generator_conditioning", generator_conditioning, _GENERATOR_CONDITIONINGS),
        ):
            one_of(value, argument, choices)
            if value != choices[0] and self.num_classes is None:
                raise ValueError(
                    f"`{argument}={value!r}` conditions on labels: it needs `num_classes`. "
                    "Received: num_classes=None"
                )
        if conditioning == "projection" and self.packing > 1:
            raise ValueError(
                "`conditioning='projection'` scores each sample against its own label, but "
                f"`packing` scores packs of samples. Received: packing={self.packing}"
            )
        self.conditioning = conditioning
        self.generator_conditioning = generator_conditioning

    def unconditional(self, **overrides):
        """Returns a plain, unconditional `DCGAN` with this one's image and network options.

        The variants that subclass `DCGAN` (`ACGAN`, `InfoGAN`, `GANCLS`) build their
        discriminator body, or a generator trunk with a wider input, from it.

        Args:
            **overrides: Keywords that replace this architecture's, e.g. `latent_dim=132`.

        Returns:
            A `DCGAN` with `num_classes=None`.

        Example:
        >>> arch = DCGAN(image_shape=(8, 8, 1), latent_dim=16, num_classes=3)
        >>> trunk = arch.unconditional(latent_dim=4)
        >>> trunk.latent_dim, trunk.num_classes, trunk.image_shape
        (4, None, (8, 8, 1))
        """
        keywords = {name: getattr(self, name) for name in _UNCONDITIONAL_KEYWORDS}
        return DCGAN(**{**keywords, **overrides})

    def _filters(self, level):
        """Filters at `level` doublings below full resolution."""
        return self.base_filters * 2 ** min(level, 4)

    def build_generator(self):
        base, doublings = self._base, self._doublings
        z = keras.Input((self.latent_dim,), name="z")
        inputs, h, labels = [z], z, None
        if self.num_classes is not None:
            labels = label_input()
            inputs.append(labels)
        if labels is not None and self.generator_conditioning == "concat":
            embedded = label_embedding(labels, self.num_classes, self.embedding_dim, "g_label")
            h = keras.layers.Concatenate()([z, embedded])
        cbn = labels is not None and self.generator_conditioning == "cbn"

        def normalize(h):
            if cbn:
                return ConditionalBatchNormalization(self.num_classes)([h, labels])
            return keras.layers.BatchNormalization()(h)

        filters = self._filters(doublings)
        h = keras.layers.Dense(base * base * filters, use_bias=False)(h)
        h = keras.layers.Reshape((base, base, filters))(h)
        h = keras.layers.ReLU()(normalize(h))
        for level in range(doublings - 1, 0, -1):
            h = keras.layers.Conv2DTranspose(
                self._filters(level), 4, strides=2, padding="same", use_bias=False
            )(h)
            h = keras.layers.ReLU()(normalize(h))
        channels = self.image_shape[-1]
        if doublings:
            h = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same")(h)
        else:
            h = keras.layers.Conv2D(channels, 3, padding="same")(h)
        out = keras.layers.Activation("tanh", dtype="float32", name="image")(h)
        return keras.Model(inputs if len(inputs) > 1 else z, out, name="dcgan_generator")

    def _normalize(self, h):
        if self.discriminator_normalization == "batch":
            return keras.layers.BatchNormalization()(h)
        if self.discriminator_normalization == "layer":
            # Layer norm over the whole map (H, W, C) of each example, per-channel affine:
            # one group. LayerNormalization() would normalise each pixel over its channels.
            return keras.layers.GroupNormalization(groups=1)(h)
        return h

    def build_discriminator(self):
        side, _, channels = self.image_shape
        x = keras.Input(self.image_shape, name="x")
        inputs, h, labels = [x], x, None
        if self.num_classes is not None:
            labels = label_input()
            inputs.append(labels)
        if labels is not None and self.conditioning == "label-map":
            h = keras.layers.Concatenate()(
                [x, label_map(labels, self.num_classes, side, side, "d_label")]
            )
        if self.packing > 1:
            h = Packing(self.packing)(h)
        sn = self.spectral_normalization
        if self._doublings == 0:
            h = spectral(keras.layers.Conv2D(self.base_filters, 3, padding="same"), sn)(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        for level in range(self._doublings):
            conv = keras.layers.Conv2D(self._filters(level), 4, strides=2, padding="same")
            h = spectral(conv, sn)(h)
            if level > 0:
                h = self._normalize(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        if self.minibatch_stddev:
            h = MinibatchStandardDeviation(self.minibatch_stddev)(h)
        h = keras.layers.Flatten()(h)
        if self.minibatch_kernels:
            h = MinibatchDiscrimination(self.minibatch_kernels)(h)
        if labels is not None and self.conditioning == "projection":
            head = ProjectionHead(
                self.num_classes, spectral_normalization=sn, dtype="float32", name="score"
            )
            out = head([h, labels])
        elif sn:  # not score_layer: its unused Dense would shift the seeded initial weights
            dense = keras.layers.Dense(1, dtype="float32")  # float32 inside too, see score_layer
            out = keras.layers.SpectralNormalization(dense, dtype="float32", name="score")(h)
        else:
            out = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model(inputs if len(inputs) > 1 else x, out, name="dcgan_discriminator")

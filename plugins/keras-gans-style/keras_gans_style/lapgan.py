"""The LAPGAN architecture (`lapgan`): a Laplacian pyramid of conditional GANs."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures import Architecture
from keras_gans.architectures._checks import optional_classes, positive_int, shape_tuple
from keras_gans.layers import label_embedding, label_input, label_map
from keras_gans_style._lapgan_parts import level_name, pyramid_discriminator, pyramid_generator
from keras_gans_style.lapgan_model import LAPGANModel

__all__ = ["LAPGAN"]


def _units(value, argument):
    try:
        units = tuple(int(u) for u in value)
    except (TypeError, ValueError):
        units = ()
    if not units or any(u <= 0 for u in units) or len(units) != len(tuple(value)):
        raise ValueError(
            f"`{argument}` must be a non-empty tuple of positive integers. "
            f"Received: {argument}={value!r}"
        )
    return units


def default_num_levels(side):
    """Levels so the coarsest image is 8x8 (the paper's), at least 2: 8 -> 2, 32 -> 3."""
    return max(2, int(math.log2(side // 8)) + 1) if side >= 8 else 2


class LAPGAN(Architecture):
    """A Laplacian pyramid of GANs: a low-pass GAN, then one conditional GAN per octave.

    The image's Laplacian pyramid (`keras_gans_style.laplacian_pyramid`: 2x2 average
    pooling down, bilinear up) has `num_levels` levels, coarse to fine. Level 0 is an
    ordinary GAN on the coarsest image `I_0`, with fully connected networks as in the
    paper's CIFAR-10 model: the generator maps its noise through `coarse_units` ReLU
    layers (with batch norm, as the DCGAN guidelines advise) to a tanh image; the
    discriminator maps the image through `coarse_discriminator_units` ReLU layers with
    dropout to one raw score. Each finer level k is a conditional GAN (section 3.2): its
    generator takes noise and the upsampled coarser image `l_k = u(I_{k-1})` and returns
    the band-pass residual `h_k` (linear output, three 3x3 convolutions, the first two
    with batch norm and ReLU); the noise enters as an extra image plane (a linear map of
    the level's part of `z`), as the paper's "4th colour plane". Its discriminator takes
    the pair `(h_k, l_k)`, adds `l_k` to `h_k` (so it sees the image `l_k + h_k`, as in
    the paper) and stacks `l_k` as extra channels, then two stride-2 4x4 convolutions
    (LeakyReLU 0.2) and a linear score.

    `z` is split between the levels (`latent_dim` = the coarse level's part +
    `level_latent_dim` per finer level), so the levels' noises are independent, as when
    each level is trained and sampled on its own. With `num_classes`, every network also
    takes the class id (the paper's class-conditional CIFAR-10 model): a learned
    embedding joined to the coarse level's input, and a learned plane (`label_map`)
    stacked with each finer level's input.

    Training (`optimizer_defaults`, used by the CLI and `default_optimizers()`): Adam with
    learning rate 1e-3 and beta_1 0.5 for both players. The paper used SGD (learning rate
    0.02, momentum 0.5, decayed by 1 / (1 + 4e-5 t)) over many CIFAR-10 epochs; DCGAN's
    Adam 2e-4 is too slow for the fully connected coarse level at small budgets: on the
    digits (8x8 coarse level, 256 / 128 units, 10 epochs, seed 0) its FID was 51 with
    2e-4, 39 with the paper's SGD and 17 with 1e-3 (10 without dropout), against 40 for
    a DCGAN at 8x8 (`benchmarks/style_lapgan.py`, `docs/style/lapgan.md`).

    The model is a `LAPGANModel`; its `generator` is the whole pyramid (sampling runs it
    coarse to fine, each level's image clipped to [-1, 1]), so `generate`, `keras-gans
    sample` and export give full-resolution images.

    Args:
        image_shape: `(side, side, channels)`; `side` divisible by `2 ** (num_levels - 1)`
            with a coarsest side of at least 2 (default `(32, 32, 3)`, CIFAR-10).
        latent_dim: Size of `z`, all levels together (default 100).
        num_classes: Condition every level on class ids (default `None`).
        num_levels: Pyramid levels (default `None`: a coarsest image of 8x8, the paper's,
            and at least 2 levels: 2 for 8x8 or 16x16 images, 3 for 32x32, 4 for 64x64).
        level_latent_dim: Size of each finer level's part of `z` (default `None`:
            `latent_dim // (2 * (num_levels - 1))`, half of `z` for the finer levels).
        coarse_units: Widths of the coarse generator's hidden layers (default
            `(1200, 1200)`, the paper's).
        coarse_discriminator_units: Widths of the coarse discriminator's hidden layers
            (default `(600, 600)`, the paper's).
        coarse_dropout: Dropout rate of the coarse discriminator (default 0.5, the
            paper's; it slows the discriminator down: 0 learns faster at small budgets).
        filters: Feature maps of each finer generator (default 128).
        discriminator_filters: Feature maps of each finer discriminator (default 128).

    Example:
    >>> arch = LAPGAN(image_shape=(8, 8, 1), latent_dim=8, coarse_units=(16,),
    ...               coarse_discriminator_units=(16,), filters=4, discriminator_filters=4)
    >>> arch.levels, arch.latent_sizes()
    (2, [4, 4])
    >>> networks = arch.build_networks()
    >>> networks["generator"].output_shape, sorted(networks["discriminator"].output)
    ((None, 8, 8, 1), ['level_0', 'level_1', 'score'])

    Reference:
        Denton, Chintala, Szlam & Fergus, "Deep Generative Image Models using a Laplacian
        Pyramid of Adversarial Networks", NeurIPS 2015, sections 3 and 4.
    """

    default_loss = "non-saturating"
    model_class = LAPGANModel
    optimizer_defaults = {"d_lr": 1e-3, "g_lr": 1e-3, "beta1": 0.5}

    def __init__(
        self,
        image_shape=(32, 32, 3),
        latent_dim=100,
        num_classes=None,
        num_levels=None,
        level_latent_dim=None,
        coarse_units=(1200, 1200),
        coarse_discriminator_units=(600, 600),
        coarse_dropout=0.5,
        filters=128,
        discriminator_filters=128,
    ):
        shape = shape_tuple(image_shape, "image_shape")
        if len(shape) != 3 or shape[0] != shape[1]:
            raise ValueError(
                "`image_shape` must be (side, side, channels). "
                f"Received: image_shape={image_shape!r}"
            )
        self.image_shape = shape
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = optional_classes(num_classes)
        levels = default_num_levels(shape[0]) if num_levels is None else num_levels
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
            raise ValueError(
                "`num_levels` must be None or an integer >= 2 (a one-level pyramid is a "
                f"plain GAN). Received: num_levels={num_levels!r}"
            )
        factor = 2 ** (levels - 1)
        if shape[0] % factor or shape[0] // factor < 2:
            raise ValueError(
                f"`image_shape` must have a side divisible by 2 ** (num_levels - 1) = {factor} "
                f"with a coarsest side of at least 2. Received: image_shape={image_shape!r}, "
                f"num_levels={levels}"
            )
        self.num_levels = num_levels
        if level_latent_dim is not None:
            positive_int(level_latent_dim, "level_latent_dim")
        self.level_latent_dim = level_latent_dim
        fine = level_latent_dim or max(1, self.latent_dim // (2 * (levels - 1)))
        if self.latent_dim - (levels - 1) * fine < 1:
            raise ValueError(
                f"`latent_dim` must leave the coarse level a part of z after "
                f"{levels - 1} finer levels of `level_latent_dim` = {fine}. Received: "
                f"latent_dim={latent_dim}, level_latent_dim={level_latent_dim!r}"
            )
        self._levels, self._fine = levels, fine
        self.coarse_units = _units(coarse_units, "coarse_units")
        self.coarse_discriminator_units = _units(
            coarse_discriminator_units, "coarse_discriminator_units"
        )
        if (
            isinstance(coarse_dropout, bool)
            or not isinstance(coarse_dropout, (int, float))
            or not 0 <= coarse_dropout < 1
        ):
            raise ValueError(
                f"`coarse_dropout` must be a number in [0, 1). "
                f"Received: coarse_dropout={coarse_dropout!r}"
            )
        self.coarse_dropout = float(coarse_dropout)
        self.filters = positive_int(filters, "filters")
        self.discriminator_filters = positive_int(discriminator_filters, "discriminator_filters")

    # ----------------------------------------------------------------- layout
    def latent_sizes(self):
        """The size of each level's part of `z`, coarsest first."""
        fine = self._fine
        return [self.latent_dim - (self._levels - 1) * fine] + [fine] * (self._levels - 1)

    def level_shape(self, k):
        """The image shape of level `k` (0 is the coarsest)."""
        side = self.image_shape[0] // 2 ** (self._levels - 1 - k)
        return (side, side, self.image_shape[2])

    def default_latent_distribution(self):
        """`"uniform"`: the paper draws every level's noise from U(-1, 1)."""
        return "uniform"

    # ----------------------------------------------------------------- networks
    def _labels(self):
        return label_input() if self.num_classes is not None else None

    def build_level_generator(self, k):
        """Level `k`'s generator: the coarse image (k = 0) or the residual `h_k`."""
        noise = keras.Input((self.latent_sizes()[k],), name="noise")
        labels, (side, _, channels) = self._labels(), self.level_shape(k)
        extra = [] if labels is None else [labels]
        if k == 0:
            h = noise
            if labels is not None:
                embedded = label_embedding(labels, self.num_classes, self.coarse_units[0], "g")
                h = keras.layers.Concatenate()([noise, embedded])
            for units in self.coarse_units:
                h = keras.layers.Dense(units, use_bias=False)(h)
                h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
            h = keras.layers.Dense(side * side * channels, activation="tanh")(h)
            out = keras.layers.Reshape((side, side, channels), dtype="float32", name="image")(h)
            inputs = [noise, *extra]
        else:
            low = keras.Input((side, side, channels), name="low_pass")
            plane = keras.layers.Dense(side * side, use_bias=False, name="noise_plane")(noise)
            maps = [low, keras.layers.Reshape((side, side, 1))(plane)]
            if labels is not None:
                maps.append(label_map(labels, self.num_classes, side, side, "g_label"))
            h = keras.layers.Concatenate()(maps)
            for _ in range(2):
                h = keras.layers.Conv2D(self.filters, 3, padding="same", use_bias=False)(h)
                h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
            out = keras.layers.Conv2D(channels, 3, padding="same", dtype="float32", name="band")(h)
            inputs = [noise, low, *extra]
        model_inputs = inputs if len(inputs) > 1 else inputs[0]
        return keras.Model(model_inputs, out, name=level_name(k, "generator"))

    def build_level_discriminator(self, k):
        """Level `k`'s discriminator: the coarse image (k = 0) or a pair `(h_k, l_k)`."""
        labels, (side, _, channels) = self._labels(), self.level_shape(k)
        extra = [] if labels is None else [labels]
        if k == 0:
            x = keras.Input((side, side, channels), name="x")
            h = keras.layers.Flatten()(x)
            if labels is not None:
                units = self.coarse_discriminator_units[0]
                h = keras.layers.Concatenate()(
                    [h, label_embedding(labels, self.num_classes, units, "d")]
                )
            for units in self.coarse_discriminator_units:
                h = keras.layers.Dense(units, activation="relu")(h)
                if self.coarse_dropout:
                    h = keras.layers.Dropout(self.coarse_dropout)(h)
            inputs = [x, *extra]
        else:
            band = keras.Input((side, side, channels), name="band")
            low = keras.Input((side, side, channels), name="low_pass")
            image = keras.layers.Add(name="image")([band, low])
            maps = [image, low]
            if labels is not None:
                maps.append(label_map(labels, self.num_classes, side, side, "d_label"))
            h = keras.layers.Concatenate()(maps)
            for _ in range(2):
                conv = keras.layers.Conv2D(self.discriminator_filters, 4, strides=2, padding="same")
                h = keras.layers.LeakyReLU(0.2)(conv(h))
            h = keras.layers.Flatten()(h)
            inputs = [band, low, *extra]
        score = keras.layers.Dense(1, dtype="float32", name="score")(h)
        model_inputs = inputs if len(inputs) > 1 else inputs[0]
        return keras.Model(model_inputs, score, name=level_name(k, "discriminator"))

    def build_generator(self):
        """The whole pyramid: `z` (and labels) to full-resolution images."""
        levels = [self.build_level_generator(k) for k in range(self._levels)]
        return pyramid_generator(levels, self.latent_sizes(), self.num_classes is not None)

    def build_discriminator(self):
        """Every level's discriminator, scoring an image's own pyramid."""
        levels = [self.build_level_discriminator(k) for k in range(self._levels)]
        conditional = self.num_classes is not None
        return pyramid_discriminator(levels, self.image_shape, conditional)

    @property
    def levels(self):
        """The number of pyramid levels (`num_levels`, or its default for the side)."""
        return self._levels

"""CoGAN: coupled generators and discriminators that share their high-level layers."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import positive_int, positive_int_tuple
from keras_gans_image2image.cogan_model import CoGANModel

__all__ = ["CoGAN"]


def _init():
    return keras.initializers.RandomNormal(0.0, 0.02)


def upsamplings(image_shape):
    """Stride-2 upsamplings from a 4x4-ish start to `image_shape` (the smaller side's
    log2 over 4); raises if the sides are not divisible by 2 to that power."""
    height, width = image_shape[:2]
    count = 0
    while min(height, width) >> (count + 1) >= 4 and min(height, width) % 2 ** (count + 1) == 0:
        count += 1
    if count == 0 or height % 2**count or width % 2**count:
        raise ValueError(
            "`image_shape` must have sides of at least 8 pixels, divisible by 2**k where "
            "min(side) / 2**k is 4 to 7 (e.g. 16, 28, 32, 64, 256). Received: "
            f"image_shape={tuple(image_shape)!r}"
        )
    return count


class CoGAN(Architecture):
    """The coupled networks of CoGAN: `G_A(z)`, `G_B(z)`, `D_A(a)`, `D_B(b)`.

    Two GANs, one per domain, trained on unpaired images: the generators share the
    weights of their first layers (the high-level semantics decoded from `z`) and keep
    their last layer; the discriminators keep their first layer and share the rest. One
    `z` then gives a pair `(G_A(z), G_B(z))` that depicts the same content in both
    domains, although no pair was ever seen (`CoGANModel` plays the game).

    The paper's digits networks, scaled to the image size:

    - generator (`z` -> image): a dense projection to a 4x4-ish map of
      `base_filters * 2**k` channels (the paper's 1x1 -> 4x4 FCONV), then `k` stride-2
      3x3 transposed convolutions halving the filters (batch norm and PReLU after each):
      all shared; then one private 6x6 transposed convolution (stride 1) to the
      domain's channels, tanh (the paper: sigmoid, images in [0, 1]). At 32x32 with
      `base_filters=128` this is the paper's 1024-512-256-128 stack.
    - discriminator (image -> one logit): a private 5x5 convolution with
      `discriminator_filters[0]` maps and 2x2 max pooling; shared: 5x5 convolutions and
      max pooling with `discriminator_filters[1:]` (doubled per further block) until the
      map is at most 8x8, a dense layer of `discriminator_units` with PReLU, the logit.
      At 32x32: the paper's 20-50-500-1.

    `shared_weights=False` builds the same networks without sharing (two independent
    GANs with one `z`): the ablation that shows the sharing is what couples the pairs.

    Args:
        image_shape: Domain A's images, `(height, width, channels)` (default
            `(32, 32, 1)`); sides of at least 8, divisible by `2**k` (see above).
        target_channels: Domain B's channels (default `None`: A's).
        latent_dim: Size of `z` (default 64; the paper: 100).
        base_filters: Filters of the last shared generator block (default 128, as in the
            paper; doubled per lower resolution, capped at `max_filters`).
        max_filters: Cap on the generator's filters (default 1024).
        discriminator_filters: Filters of the private block, then of the first shared
            block (default `(20, 50)`, the paper's).
        discriminator_units: Width of the shared dense layer (default 500).
        shared_weights: Share the layers as the paper does (default `True`).

    Example:
    >>> arch = CoGAN(image_shape=(16, 16, 1), latent_dim=8, base_filters=4, max_filters=8,
    ...              discriminator_filters=(4, 4), discriminator_units=8)
    >>> nets = arch.build_networks()
    >>> nets["generator"].output_shape, nets["generator_b"].output_shape
    ((None, 16, 16, 1), (None, 16, 16, 1))
    >>> shared = {id(w) for w in nets["generator"].weights} & {
    ...     id(w) for w in nets["generator_b"].weights}
    >>> len(shared) > 0
    True

    Reference:
        Liu & Tuzel, "Coupled Generative Adversarial Networks", NeurIPS 2016, section 3
        and the digits networks of its supplementary material; Zhu et al., "Unpaired
        Image-to-Image Translation using Cycle-Consistent Adversarial Networks", ICCV
        2017, section 5.1.2 (CoGAN as a translation baseline).
    """

    default_loss = "non-saturating"
    pairing = "unpaired"  # keras-gans train reads --data A --target B, unpaired
    default_batch_size = 64
    model_class = CoGANModel

    def __init__(
        self,
        image_shape=(32, 32, 1),
        target_channels=None,
        latent_dim=64,
        base_filters=128,
        max_filters=1024,
        discriminator_filters=(20, 50),
        discriminator_units=500,
        shared_weights=True,
    ):
        self.image_shape = positive_int_tuple(image_shape, "image_shape", rank=3)
        self.target_channels = (
            None if target_channels is None else positive_int(target_channels, "target_channels")
        )
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.base_filters = positive_int(base_filters, "base_filters")
        self.max_filters = positive_int(max_filters, "max_filters")
        self.discriminator_filters = positive_int_tuple(
            discriminator_filters, "discriminator_filters", rank=2
        )
        self.discriminator_units = positive_int(discriminator_units, "discriminator_units")
        if not isinstance(shared_weights, bool):
            raise TypeError(
                f"`shared_weights` must be True or False. Received: shared_weights="
                f"{shared_weights!r}"
            )
        self.shared_weights = shared_weights
        self._upsamplings = upsamplings(self.image_shape)

    @property
    def channels(self):
        """`(A's channels, B's channels)`."""
        a = self.image_shape[-1]
        return a, a if self.target_channels is None else self.target_channels

    def _generator_trunk(self, prefix):
        """The shared layers of the generators, in order (new layer objects)."""
        k = self._upsamplings
        height, width = self.image_shape[0] >> k, self.image_shape[1] >> k

        def filters(level):
            return min(self.base_filters * 2 ** (k - level), self.max_filters)

        layers = [
            keras.layers.Dense(
                height * width * filters(0), use_bias=False, kernel_initializer=_init(),
                name=f"{prefix}project",
            ),
            keras.layers.Reshape((height, width, filters(0)), name=f"{prefix}reshape"),
            keras.layers.BatchNormalization(name=f"{prefix}norm_0"),
            keras.layers.PReLU(shared_axes=[1, 2], name=f"{prefix}prelu_0"),
        ]  # fmt: skip
        for level in range(1, k + 1):
            layers += [
                keras.layers.Conv2DTranspose(
                    filters(level), 3, strides=2, padding="same", use_bias=False,
                    kernel_initializer=_init(), name=f"{prefix}up_{level}",
                ),
                keras.layers.BatchNormalization(name=f"{prefix}norm_{level}"),
                keras.layers.PReLU(shared_axes=[1, 2], name=f"{prefix}prelu_{level}"),
            ]  # fmt: skip
        return layers

    def _generator_head(self, channels, name):
        return keras.layers.Conv2DTranspose(
            channels, 6, padding="same", activation="tanh", kernel_initializer=_init(), name=name
        )

    def _discriminator_trunk(self, prefix):
        """The shared layers of the discriminators (after each one's private block)."""
        side = min(self.image_shape[:2]) // 2
        filters, layers, block = self.discriminator_filters[1], [], 1
        while True:
            layers += [
                keras.layers.Conv2D(
                    filters, 5, padding="same", kernel_initializer=_init(),
                    name=f"{prefix}conv_{block}",
                ),
                keras.layers.MaxPooling2D(2, name=f"{prefix}pool_{block}"),
            ]  # fmt: skip
            side, block, filters = side // 2, block + 1, filters * 2
            if side <= 8:
                break
        return layers + [
            keras.layers.Flatten(name=f"{prefix}flatten"),
            keras.layers.Dense(
                self.discriminator_units, kernel_initializer=_init(), name=f"{prefix}dense"
            ),
            keras.layers.PReLU(name=f"{prefix}prelu"),
            keras.layers.Dense(1, kernel_initializer=_init(), name=f"{prefix}logit"),
        ]

    def _discriminator_head(self, name):
        return [
            keras.layers.Conv2D(
                self.discriminator_filters[0], 5, padding="same", kernel_initializer=_init(),
                name=f"{name}_conv_0",
            ),
            keras.layers.MaxPooling2D(2, name=f"{name}_pool_0"),
        ]  # fmt: skip

    def build_generators(self):
        """Returns `(G_A, G_B)`: `z` to images of A and of B, one input tensor."""
        z = keras.Input((self.latent_dim,), name="z")
        trunks = [self._generator_trunk("shared_")] * 2
        if not self.shared_weights:
            trunks = [self._generator_trunk("a_"), self._generator_trunk("b_")]
        outputs, features = [], {}
        for trunk, channels, domain in zip(trunks, self.channels, "ab", strict=True):
            if id(trunk) not in features:  # shared: the trunk runs once, both heads read it
                h = z
                for layer in trunk:
                    h = layer(h)
                features[id(trunk)] = h
            outputs.append(self._generator_head(channels, f"image_{domain}")(features[id(trunk)]))
        return tuple(
            keras.Model(z, out, name=f"generator_{d}") for out, d in zip(outputs, "ab", strict=True)
        )

    def build_discriminators(self):
        """Returns `(D_A, D_B)`: images of A / B to one logit each."""
        trunks = [self._discriminator_trunk("shared_")] * 2
        if not self.shared_weights:
            trunks = [self._discriminator_trunk("a_"), self._discriminator_trunk("b_")]
        models = []
        for trunk, channels, domain in zip(trunks, self.channels, "ab", strict=True):
            image = keras.Input((*self.image_shape[:2], channels), name=f"image_{domain}")
            h = image
            for layer in [*self._discriminator_head(f"d_{domain}"), *trunk]:
                h = layer(h)
            models.append(keras.Model(image, h, name=f"discriminator_{domain}"))
        return tuple(models)

    def build_generator(self):
        """Returns `G_A` alone (its layers shared with a `G_B` that is discarded)."""
        return self.build_generators()[0]

    def build_discriminator(self):
        """Returns `D_A` alone."""
        return self.build_discriminators()[0]

    def build_networks(self):
        """`generator` (G_A), `discriminator` (D_A), `generator_b`, `discriminator_b`."""
        g_a, g_b = self.build_generators()
        d_a, d_b = self.build_discriminators()
        return {"generator": g_a, "discriminator": d_a, "generator_b": g_b, "discriminator_b": d_b}

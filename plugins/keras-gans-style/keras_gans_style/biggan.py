"""BigGAN: shared class embedding, hierarchical latents, projection D, orthogonal regulariser."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, one_of, positive_int
from keras_gans.layers import ProjectionHead, label_input
from keras_gans_style import _sagan_blocks as blocks
from keras_gans_style.biggan_batch_normalization import BigGANBatchNormalization

# Imported here, not lazily: `keras_gans.load_model` imports only the entry-point modules
# (this one), and a saved model names the piece.
from keras_gans_style.orthogonal_regularization import OrthogonalRegularization

__all__ = ["BigGAN"]

INITIALIZERS = ("glorot", "orthogonal")


def latent_chunks(latent_dim, slots):
    """Sizes of the `slots` chunks `z` is split into: as equal as possible, larger first.

    Example:
    >>> latent_chunks(64, 4), latent_chunks(10, 3)
    ([16, 16, 16, 16], [4, 3, 3])
    """
    size, extra = divmod(latent_dim, slots)
    return [size + (i < extra) for i in range(slots)]


def orthogonalize(model):
    """Re-draw every trainable kernel and embedding matrix of `model` as a random orthogonal
    matrix (Saxe et al. 2014), as BigGAN initialises its layers; a kernel of shape
    `(..., out)` is orthogonal as a `(-1, out)` matrix. Spectral-norm state is untouched:
    its power iteration starts again from its random `u` either way.

    Example:
    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
    >>> kernel = orthogonalize(model).layers[0].kernel.numpy()
    >>> np.allclose(kernel @ kernel.T, np.eye(3), atol=1e-5)
    True
    """
    draw = keras.initializers.Orthogonal()
    for weight in model.trainable_weights:
        if weight.path.endswith(("/kernel", "/embeddings")) and len(weight.shape) >= 2:
            weight.assign(draw(weight.shape, dtype=weight.dtype))
    return model


class BigGAN(Architecture):
    """BigGAN: a class-conditional residual GAN with hierarchical latents (Brock et al.).

    The generator is SAGAN's residual generator (`keras_gans_style.sagan.SAGAN`) with BigGAN's
    conditioning. One shared class embedding (`shared_dim`, layer `"shared_embedding"`)
    serves every block; `z` is split into one chunk for the first linear layer and one
    per up-block ("hierarchical latents": `latent_dim` split as equally as possible into
    `1 + number of up-blocks` chunks; the paper splits 120 into 6 chunks of 20 at
    128x128); each block's batch norms take the block's chunk joined to the shared
    embedding and make their gains and biases from it by (spectrally normalised) linear
    maps (`keras_gans_style.biggan_batch_normalization.BigGANBatchNormalization`). The
    discriminator is the residual projection discriminator
    (`keras_gans.layers.ProjectionHead`). Spectral norm everywhere, one
    `keras_gans_style.self_attention.SelfAttention` block in each network, widths as in
    SAGAN (`base_filters * min(2**k, 16)`, BigGAN's 128x128 widths for `base_filters` = its
    channel unit). `default_tricks()` brings the orthogonal regulariser of the generator's
    weights (`keras_gans_style.orthogonal_regularization.OrthogonalRegularization`,
    `beta = orthogonal_beta`).

    Trains with the hinge loss (`default_loss`) and `compile(*arch.default_optimizers())`
    (discriminator 4e-4, generator 1e-4, Adam with beta_1 = 0 and beta_2 = 0.999; the
    paper also takes 2 discriminator steps per generator step, `d_steps=2`, and keeps an
    EMA of the generator, `ema_decay=0.9999`). The truncation trick is sampling `z` from a
    truncated normal: `keras_gans.latents.truncated_normal` and
    `generate(n, labels=..., latents=z)`, or `keras-gans sample RUN --truncation 0.5`.

    Args:
        image_shape: `(side, side, channels)` with side `4 * 2**n >= 8` (default
            `(32, 32, 3)`).
        latent_dim: Size of `z`, at least `1 + n` (default 120, the paper's).
        num_classes: The number of classes, an integer >= 2 (required).
        base_filters: Channels at the image side, BigGAN's channel unit (default 64; 8 or
            16 make small, fast networks).
        shared_dim: Size of the shared class embedding (default 128, the paper's).
        attention_resolution: Side of the feature maps with self-attention, a power of two
            in `[4, side / 2]` (default `None`: half the image side, where the paper puts
            it, 64 of 128; at least 4).
        orthogonal_beta: The orthogonal regulariser's coefficient (default 1e-4; 0 leaves
            it out).
        initializer: `"glorot"` (default: Keras' Glorot-uniform kernels and uniform
            embeddings) or `"orthogonal"`: every kernel and embedding of both networks
            drawn orthogonal (`orthogonalize`), the paper's initialisation.

    Example:
    >>> arch = BigGAN(image_shape=(8, 8, 1), latent_dim=8, num_classes=3, base_filters=4,
    ...               shared_dim=4)
    >>> arch.build_generator().output_shape, arch.build_discriminator().output_shape
    ((None, 8, 8, 1), (None, 1))
    >>> d_optimizer, g_optimizer = arch.default_optimizers()
    >>> round(float(d_optimizer.learning_rate), 6), float(g_optimizer.beta_2)
    (0.0004, 0.999)
    >>> arch.default_tricks()
    [OrthogonalRegularization(name='orthogonal', beta=0.0001, exclude=['shared_embedding'])]

    Reference:
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019.
    """

    default_loss = "hinge"
    #: BigGAN's 128x128 optimizers: discriminator 4e-4, generator 1e-4, Adam(0, 0.999);
    #: `default_optimizers()` builds them and `keras-gans train` uses them.
    optimizer_defaults = {"d_lr": 4e-4, "g_lr": 1e-4, "beta1": 0.0, "beta2": 0.999}

    def __init__(
        self,
        image_shape=(32, 32, 3),
        latent_dim=120,
        num_classes=None,
        base_filters=64,
        shared_dim=128,
        attention_resolution=None,
        orthogonal_beta=1e-4,
        initializer="glorot",
    ):
        self.image_shape, self._doublings = blocks.check_image_shape(image_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        if self.latent_dim < self._doublings + 1:
            raise ValueError(
                f"`latent_dim` must be at least {self._doublings + 1} for "
                f"{self.image_shape[0]}x{self.image_shape[0]} images: z is split into one "
                f"chunk per generator block plus one. Received: latent_dim={latent_dim!r}"
            )
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(
                "`num_classes` must be an integer >= 2: BigGAN is class-conditional (train "
                f"it on labelled data). Received: num_classes={num_classes!r}"
            )
        self.num_classes = num_classes
        self.base_filters = positive_int(base_filters, "base_filters")
        self.shared_dim = positive_int(shared_dim, "shared_dim")
        self.attention_resolution = blocks.check_attention_resolution(
            attention_resolution, self.image_shape[0], self.image_shape[0] // 2
        )
        self.orthogonal_beta = non_negative(orthogonal_beta, "orthogonal_beta")
        self.initializer = one_of(initializer, "initializer", INITIALIZERS)

    def _initialized(self, model):
        return orthogonalize(model) if self.initializer == "orthogonal" else model

    def default_tricks(self):
        if not self.orthogonal_beta:
            return []
        return [OrthogonalRegularization(beta=self.orthogonal_beta)]

    def latent_chunks(self):
        """Sizes of the chunks of `z`: the first linear layer's, then each block's."""
        return latent_chunks(self.latent_dim, self._doublings + 1)

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        labels = label_input()
        sizes = self.latent_chunks()
        cuts = [sum(sizes[: i + 1]) for i in range(len(sizes) - 1)]
        chunks = ops.split(z, cuts, axis=1)
        shared = keras.layers.Embedding(self.num_classes, self.shared_dim, name="shared_embedding")
        shared = keras.layers.Flatten(name="shared")(shared(labels))
        widths = blocks.widths(self.base_filters, self._doublings)
        h = blocks.sn(keras.layers.Dense(16 * widths[0]), "g_dense")(chunks[0])
        h = keras.layers.Reshape((4, 4, widths[0]), name="g_reshape")(h)
        side = 4
        if side == self.attention_resolution:
            h = blocks.attention(h, "g_attention")
        for i, filters in enumerate(widths[1:]):
            condition = keras.layers.Concatenate(name=f"g_block{i}_condition")(
                [chunks[i + 1], shared]
            )

            def normalize(h, name, condition=condition):
                return BigGANBatchNormalization(momentum=blocks.BN_MOMENTUM, name=name)(
                    [h, condition]
                )

            h = blocks.up_block(h, filters, normalize, f"g_block{i}")
            side *= 2
            if side == self.attention_resolution:
                h = blocks.attention(h, "g_attention")
        images = blocks.generator_output(h, self.image_shape[-1])
        return self._initialized(keras.Model([z, labels], images, name="biggan_generator"))

    def build_discriminator(self):
        x = keras.Input(self.image_shape, name="x")
        labels = label_input()
        widths = blocks.widths(self.base_filters, self._doublings)
        features = blocks.discriminator_features(x, widths, self.attention_resolution)
        head = ProjectionHead(
            self.num_classes, spectral_normalization=True, dtype="float32", name="score"
        )
        model = keras.Model([x, labels], head([features, labels]), name="biggan_discriminator")
        return self._initialized(model)

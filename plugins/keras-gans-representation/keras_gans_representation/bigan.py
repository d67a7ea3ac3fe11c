"""BiGAN / ALI: a generator, an encoder and a joint discriminator on (x, z)."""

from __future__ import annotations

from keras_gans.architectures import Architecture
from keras_gans.checks import number_in, one_of, positive_int, positive_int_tuple
from keras_gans_representation import _bigan_networks as networks
from keras_gans_representation.bigan_model import BiGANModel

__all__ = ["BiGAN"]

_ENCODERS = ("deterministic", "gaussian")
_ACTIVATIONS = ("tanh", "linear", "sigmoid")


class BiGAN(Architecture):
    """The networks of a bidirectional GAN: `G(z)`, `E(x)` and `D(x, z)`.

    The discriminator scores pairs: it learns to tell data with its code, `(x, E(x))`,
    from samples with their latent, `(G(z), z)`, and the generator and encoder learn
    together to make the two joint distributions equal, so that `E` inverts `G`
    (`BiGANModel` plays this game).

    Images `(side, side, channels)` with a side DCGAN supports (4, 7, 8, 14, 16, 28, 32,
    ...) get convolutional networks, as in ALI: DCGAN's generator, an encoder made of
    DCGAN's discriminator body with batch normalisation and a `hidden_units[0]` layer,
    and a discriminator with a convolutional branch on `x` (dropout 0.2, as in ALI), a
    dense branch on `z` and joint dense layers. Any other shape (or `convolutional=False`)
    gets the fully connected networks of BiGAN's MNIST experiments: `hidden_units`
    layers with batch normalisation in `G` and `E`, LeakyReLU(0.2) in `E` and `D`.

    Args:
        data_shape: Shape of one sample: an image, e.g. `(8, 8, 1)` (default), or any
            shape, e.g. `(2,)`.
        latent_dim: Size of `z` (default 64).
        hidden_units: Widths of the dense layers (default `(512, 512)`).
        base_filters: Filters of the highest-resolution convolution (default 32).
        dropout: Dropout rate of the discriminator (default 0.2).
        encoder_distribution: `"deterministic"` (default, BiGAN: `z = E(x)`) or
            `"gaussian"` (ALI: `E(x)` gives a mean and a log standard deviation and the
            model samples `z = mu + sigma * eps`).
        output_activation: Output of the fully connected generator (default `"tanh"`,
            data in [-1, 1]; `"linear"` for unbounded data). The convolutional generator
            ends in tanh, as DCGAN's.
        convolutional: `None` (default: for supported image shapes), `True` or `False`.

    Example:
    >>> arch = BiGAN(data_shape=(8, 8, 1), latent_dim=8, hidden_units=(16,), base_filters=4)
    >>> [tuple(t.shape) for t in arch.build_discriminator().inputs]
    [(None, 8, 8, 1), (None, 8)]

    Reference:
        Donahue, Krähenbühl & Darrell, "Adversarial Feature Learning", ICLR 2017;
        Dumoulin et al., "Adversarially Learned Inference", ICLR 2017.
    """

    default_loss = "non-saturating"
    model_class = BiGANModel

    def __init__(
        self,
        data_shape=(8, 8, 1),
        latent_dim=64,
        hidden_units=(512, 512),
        base_filters=32,
        dropout=0.2,
        encoder_distribution="deterministic",
        output_activation="tanh",
        convolutional=None,
    ):
        self.data_shape = positive_int_tuple(data_shape, "data_shape")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.hidden_units = positive_int_tuple(hidden_units, "hidden_units")
        self.base_filters = positive_int(base_filters, "base_filters")
        self.dropout = number_in(dropout, "dropout", 0.0, 1.0, high_open=True)
        self.encoder_distribution = one_of(encoder_distribution, "encoder_distribution", _ENCODERS)
        self.output_activation = one_of(output_activation, "output_activation", _ACTIVATIONS)
        supported = networks.convolutional_plan(self.data_shape) is not None
        if convolutional not in (None, True, False):
            raise ValueError(
                f"`convolutional` must be None (automatic), True or False. "
                f"Received: convolutional={convolutional!r}"
            )
        if convolutional and not supported:
            raise ValueError(
                "`convolutional=True` needs an image shape (side, side, 1 or 3) with side a "
                "power of two times 4 or 7. Received: "
                f"data_shape={self.data_shape!r}"
            )
        self.convolutional = convolutional
        self._conv = supported if convolutional is None else convolutional

    @property
    def _stochastic(self):
        return self.encoder_distribution == "gaussian"

    def build_generator(self):
        """Returns `G`: `z` of shape `(batch, latent_dim)` to one sample."""
        if self._conv:
            return networks.conv_generator(self.data_shape, self.latent_dim, self.base_filters)
        return networks.dense_generator(
            self.data_shape, self.latent_dim, self.hidden_units, self.output_activation
        )

    def build_encoder(self):
        """Returns `E`: a sample to its code, `latent_dim` values (`2 * latent_dim` for
        the Gaussian encoder: mean, then log standard deviation)."""
        if self._conv:
            return networks.conv_encoder(
                self.data_shape,
                self.latent_dim,
                self.base_filters,
                self.hidden_units[:1],
                self._stochastic,
            )
        return networks.dense_encoder(
            self.data_shape, self.latent_dim, self.hidden_units, self._stochastic
        )

    def build_discriminator(self):
        """Returns `D`: `[x, z]` to one raw score per pair."""
        if self._conv:
            return networks.conv_joint_discriminator(
                self.data_shape,
                self.latent_dim,
                self.base_filters,
                self.hidden_units,
                self.dropout,
            )
        return networks.dense_joint_discriminator(
            self.data_shape, self.latent_dim, self.hidden_units, self.dropout
        )

    def build_networks(self):
        return {
            "generator": self.build_generator(),
            "discriminator": self.build_discriminator(),
            "encoder": self.build_encoder(),
        }

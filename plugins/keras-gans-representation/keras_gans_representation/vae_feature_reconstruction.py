"""`Dis_l`: the VAE-GAN's reconstruction error in the discriminator's features."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans_representation._aae_phases import PlayerTerm, per_example_sum

__all__ = ["VAEFeatureReconstruction", "feature_reconstruction_loss"]


def feature_reconstruction_loss(features, reconstructed_features):
    """Negative log-likelihood of features under a unit Gaussian, up to a constant.

    `Dis_l`'s reconstruction error of Larsen et al.: the discriminator's `l`-th layer
    features of the data, `Dis_l(x)`, are modelled as Gaussian with mean
    `Dis_l(x~)` and identity covariance.

    Formula:
        `L_llike^{Dis_l} = mean_i 1/2 sum_j (Dis_l(x)_ij - Dis_l(x~)_ij)^2`.

    Args:
        features: `Dis_l(x)`, `(batch, ...)`.
        reconstructed_features: `Dis_l(x~)`, the same shape.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(feature_reconstruction_loss([[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]))
    1.5

    Reference:
        Larsen, Sønderby, Larochelle & Winther, "Autoencoding beyond pixels using a
        learned similarity metric", ICML 2016, section 2 (the Gaussian observation model
        of `Dis_l(x)`).
    """
    features = ops.cast(ops.convert_to_tensor(features), "float32")
    reconstructed = ops.cast(ops.convert_to_tensor(reconstructed_features), "float32")
    return ops.mean(0.5 * per_example_sum(ops.square(features - reconstructed)))


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class VAEFeatureReconstruction(PlayerTerm):
    """`Dis_l`: the reconstruction error measured in the discriminator's features.

    The discriminator returns a dict whose `head` entry holds its `l`-th layer features.
    `x~` and `x` are scored in one batch (so batch-normalised layers normalise them
    together, as in the authors' code) and compared with `feature_reconstruction_loss`.
    The encoder player adds it with weight 1 (`e_term/<name>`), the decoder (the
    `generator` player) with weight `gamma` (`g_term/<name>`); the discriminator never
    receives it.

    Formula:
        encoder: `L_prior + L_llike^{Dis_l}`; decoder: `gamma L_llike^{Dis_l} - L_GAN`.

    Args:
        gamma: The decoder's weight of the feature reconstruction against the GAN loss
            (default 0.1).
        head: The discriminator output holding `Dis_l(x)` (default `"features"`).
        name: Names the piece (default `"dis_l"`).

    Example:
    >>> VAEFeatureReconstruction(gamma=0.1).get_config()
    {'name': 'dis_l', 'gamma': 0.1, 'head': 'features'}

    Reference:
        Larsen et al., "Autoencoding beyond pixels using a learned similarity metric",
        ICML 2016, section 2 and Algorithm 1.
    """

    players = ("encoder", "generator")
    roles = ("generator",)

    def __init__(self, gamma=0.1, head="features", name="dis_l"):
        super().__init__(name=name)
        self.gamma = non_negative(gamma, "gamma")
        if not isinstance(head, str) or not head:
            raise ValueError(f"`head` must be a non-empty string. Received: head={head!r}")
        self.head = head

    def objective(self, player, ctx):
        x, reconstruction = ctx.extras["x"], ctx.extras["reconstruction"]
        _, heads = ctx.discriminate_heads(ops.concatenate([reconstruction, x], axis=0))
        if self.head not in heads:
            raise ValueError(
                f"VAEFeatureReconstruction needs a discriminator that returns a dict with a "
                f"{self.head!r} entry (its l-th layer features) next to 'score'. Received "
                f"heads: {sorted(heads)}"
            )
        features = heads[self.head]
        n = ops.shape(x)[0]
        loss = feature_reconstruction_loss(features[n:], features[:n])
        return loss if player.name == "encoder" else self.gamma * loss

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma, "head": self.head}

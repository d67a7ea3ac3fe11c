"""`VAEGANModel`: the VAE-GAN's three players, declared on the step protocol."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.latents import NormalLatent
from keras_gans.models import data, step
from keras_gans.models import validation as check
from keras_gans.steps import DiscriminatorInputs, Player, StepContext
from keras_gans_representation._aae_phases import PhasedGame, batched
from keras_gans_representation.vae_feature_reconstruction import VAEFeatureReconstruction
from keras_gans_representation.vae_kl_divergence import VAEKLDivergence

__all__ = ["VAEGANModel"]

_POSTERIOR = ("mean", "log_variance")


def _check_encoder(encoder, generator, latent_dim):
    """The encoder takes the decoder's samples and returns the posterior's two heads."""
    check.check_network(encoder, "encoder")
    try:
        outputs = encoder.output
        x_shape = tuple(encoder.inputs[0].shape[1:])
        sample_shape = tuple(generator.outputs[0].shape[1:])
    except (AttributeError, ValueError, IndexError, TypeError):
        return  # subclassed: checked when first called
    shapes = (
        {k: tuple(outputs[k].shape[1:]) for k in _POSTERIOR}
        if isinstance(outputs, dict) and set(_POSTERIOR) <= set(outputs)
        else None
    )
    if shapes is None or any(s != (latent_dim,) for s in shapes.values()):
        raise ValueError(
            "A VAE-GAN's encoder must return a dict with 'mean' and 'log_variance', each of "
            f"shape (batch, latent_dim). Received: latent_dim={latent_dim}, encoder outputs "
            f"{outputs!r}"
        )
    if x_shape != sample_shape:
        raise ValueError(
            "A VAE-GAN's decoder (`generator`) must output samples of the shape its encoder "
            f"takes. Received: decoder output {sample_shape}, encoder input {x_shape}."
        )


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class VAEGANModel(PhasedGame, GANModel):
    """A VAE whose reconstruction is measured in a GAN discriminator's features.

    The encoder gives a diagonal Gaussian posterior `q(z|x)` (a dict of `mean` and
    `log_variance`), sampled with the reparameterisation `z = m + exp(log_var / 2) e`;
    the decoder (`generator`) maps `z` to `x~ = Dec(z)` and prior samples `z_p ~ N(0, I)`
    to `x_p`; the discriminator returns `{"score": ..., "features": Dis_l(x)}`. Each
    `train_step` plays the paper's per-network objectives (Algorithm 1):

    - `discriminator` (`d_optimizer`): the adversarial loss with `x` real and `x~`, `x_p`
      fake (one fake batch `[x~; x_p]`, decoded from `[z; z_p]` in one batch, so real and
      generated samples weigh the same, as in the authors' code); logged as `d_loss`,
      `d_real`, `d_fake`;
    - `encoder` (`e_optimizer`): `L_prior + L_llike^{Dis_l}` (`e_term/kl`, `e_term/dis_l`),
      never the GAN loss;
    - `generator`, the decoder (`g_optimizer`): `gamma L_llike^{Dis_l}` plus the
      adversarial generator loss on `[x~; x_p]` (`g_term/dis_l`, `g_loss`).

    The KL and `Dis_l` terms are pieces (`VAEKLDivergence`, `VAEFeatureReconstruction`,
    which holds `gamma`) kept in `architecture_tricks`; the players are updated in turn
    (discriminator, encoder, decoder), each on its objective at the current weights,
    where Algorithm 1 takes the three gradients before updating any network.

    Args:
        generator: The decoder, from `z` of shape `(batch, latent_dim)` to samples.
        discriminator: From samples to `{"score": (batch, 1), "features": Dis_l(x)}`.
        encoder: From samples to `{"mean": (batch, latent_dim), "log_variance": ...}`.
        latent_dim: The size of `z`.
        latent_distribution: The prior `p(z)` of the GAN samples and of `generate`: must
            be `"normal"` (default), the VAE's `N(0, I)`, which the KL term assumes (or a
            `keras_gans.latents.NormalLatent`).
        num_classes: Must be `None` (default).
        seed: Seed of the prior and reparameterisation noise (default `None`).
        ema_decay: Keep an exponential moving average of the decoder (default `None`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> from keras_gans_representation.vae_gan import VAEGAN
    >>> arch = VAEGAN(image_shape=(8, 8, 1), latent_dim=4, filters=(4,), dense_units=8)
    >>> model = VAEGANModel(**arch.build_networks(), latent_dim=4, seed=0)
    >>> model.compile("adam", "adam")  # then model.fit(images, batch_size=64, epochs=...)
    >>> sorted(tracker.name for tracker in model.metrics)  # what fit logs
    ['d_fake', 'd_loss', 'd_real', 'e_term/dis_l', 'e_term/kl', 'g_loss', 'g_term/dis_l']
    >>> model.encode(np.zeros((3, 8, 8, 1), "float32")).shape, model.generate(3).shape
    ((3, 4), (3, 8, 8, 1))

    Reference:
        Larsen, Sønderby, Larochelle & Winther, "Autoencoding beyond pixels using a
        learned similarity metric", ICML 2016 (arXiv:1512.09300), section 2 and
        algorithm 1.
    """

    outside_player = "encoder"
    extra_optimizer = "e_optimizer"

    def __init__(
        self,
        generator,
        discriminator,
        encoder,
        latent_dim,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        if num_classes is not None:
            raise ValueError(
                f"VAEGANModel is unconditional: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        _check_encoder(encoder, generator, latent_dim)
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )
        if type(self._prior) is not NormalLatent:
            raise ValueError(
                "`latent_distribution` must be 'normal': the VAE's KL term pulls the "
                "posterior towards N(0, I), so GAN samples and `generate` must draw from it. "
                f"Received: latent_distribution={latent_distribution!r}"
            )
        self.encoder = encoder
        self.e_optimizer = None
        self.architecture_tricks = [VAEKLDivergence(), VAEFeatureReconstruction()]

    # ----------------------------------------------------------------- construction
    def compile(
        self,
        d_optimizer="adam",
        g_optimizer="adam",
        loss="non-saturating",
        d_steps=1,
        auto_scale_loss=True,
        jit_compile="auto",
        steps_per_execution=1,
        run_eagerly=False,
        tricks=None,
        e_optimizer=None,
    ):
        """Configures the three players' optimizers, the adversarial loss and `d_steps`.

        Args:
            d_optimizer: The discriminator's optimizer (default `"adam"`).
            g_optimizer: The decoder's optimizer (default `"adam"`).
            loss: The adversarial loss `L_GAN` (default `"non-saturating"`; `"minimax"`
                is the paper's literal decoder objective).
            d_steps: Discriminator updates per step (default 1).
            auto_scale_loss, jit_compile, steps_per_execution, run_eagerly, tricks: As in
                `GANModel.compile`.
            e_optimizer: The encoder's optimizer (default `None`: a copy of
                `g_optimizer`'s hyperparameters with its own state). Saved with the
                model and restored on load.
        """
        self._compile_with_extra(
            e_optimizer,
            {
                "d_optimizer": d_optimizer,
                "g_optimizer": g_optimizer,
                "loss": loss,
                "d_steps": d_steps,
                "auto_scale_loss": auto_scale_loss,
                "jit_compile": jit_compile,
                "steps_per_execution": steps_per_execution,
                "run_eagerly": run_eagerly,
                "tricks": tricks,
            },
        )

    def _outside_networks(self):
        return (self.encoder,)

    def players(self):
        """`discriminator`, `encoder` (prefix `e`) and `generator` (the decoder)."""
        return (
            Player("discriminator", "discriminator", (self.discriminator,), self.d_optimizer),
            Player("encoder", "generator", (self.encoder,), self.e_optimizer, prefix="e"),
            Player("generator", "generator", (self.generator,), self.g_optimizer),
        )

    # ----------------------------------------------------------------- the game
    def schedule(self, x, y, training=True):
        """`d_steps` discriminator updates on slices of the batch, then the encoder and the
        decoder on the last slice; in evaluation each player once on the whole batch."""
        check.check_real_batch(x, self.encoder, self.d_steps if training else 1)
        discriminator, encoder, generator = self._players
        if not training:
            return [(discriminator, x), (encoder, x), (generator, x)]
        slices = [real for real, _ in data.real_minibatches(x, None, self.d_steps)]
        last = slices[-1]
        return [*[(discriminator, s) for s in slices], (encoder, last), (generator, last)]

    def posterior(self, x, training=False):
        """`(mean, log_variance)` of `q(z|x)`, float32 tensors."""
        outputs = self.encoder(x, training=training)
        return tuple(ops.cast(outputs[key], "float32") for key in _POSTERIOR)

    def contexts(self, player, batch, training):
        """One view: `x` against `[x~; x_p]` (the encoder: `x` against `x~`), with `x`,
        `x~` and the posterior in `extras`."""
        x = batch
        n = ops.shape(x)[0]
        mean, log_variance = self.posterior(x, training=training)
        noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        z = mean + ops.exp(0.5 * log_variance) * noise
        prior = None
        if player.name == self.outside_player:
            fake = reconstruction = self.generator_output(z, training=training)
            extras = {"mean": mean, "log_variance": log_variance}
        else:
            # [z; z_p] decoded in one batch, as the authors' code does: [x~; x_p].
            prior = self.sample_latent(n)
            fake = self.generator_output(ops.concatenate([z, prior], 0), training=training)
            if player.role == "discriminator":
                fake = ops.stop_gradient(fake)
            reconstruction = fake[:n]
            extras = {}
        extras.update(x=x, reconstruction=reconstruction)
        return [
            StepContext(
                player=player,
                inputs=DiscriminatorInputs(x, fake, self._discriminate),
                latent=prior,
                seed_generator=self.seed_generator,
                iteration=self.g_optimizer.iterations,
                training=training,
                extras=extras,
                gradient=step.gradient,
                all_gather=step.all_gather,
            )
        ]

    # ----------------------------------------------------------------- inference
    def encode(self, x, batch_size=256):
        """The posterior means of samples `x`, a NumPy array `(n, latent_dim)`."""
        return batched(lambda t: self.posterior(t)[0], x, batch_size)

    def reconstruct(self, x, batch_size=256):
        """`Dec(mean of q(z|x))` for samples `x`, a NumPy array shaped like `x`."""
        return batched(lambda t: self.generator_output(self.posterior(t)[0]), x, batch_size)

    # ----------------------------------------------------------------- saving
    def get_config(self):
        encoder = keras.saving.serialize_keras_object(self.encoder)
        return {**super().get_config(), "encoder": encoder}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        return super().from_config(config)

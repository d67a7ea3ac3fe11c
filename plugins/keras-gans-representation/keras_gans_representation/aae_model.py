"""`AAEModel`: the adversarial autoencoder's game, declared on the step protocol."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.models import data, step
from keras_gans.models import validation as check
from keras_gans.steps import DiscriminatorInputs, Player, StepContext
from keras_gans_representation._aae_phases import PhasedGame, batched
from keras_gans_representation.aae_reconstruction import AAEReconstruction

__all__ = ["AAEModel"]


def _check_code_networks(generator, discriminator, encoder, latent_dim):
    """Samples -> encoder -> `(batch, latent_dim)` codes -> discriminator; decoder -> samples."""
    check.check_network(encoder, "encoder")
    try:
        code_shape = tuple(encoder.outputs[0].shape[1:])
        x_shape = tuple(encoder.inputs[0].shape[1:])
        d_in = tuple(discriminator.inputs[0].shape[1:])
        sample_shape = tuple(generator.outputs[0].shape[1:])
    except (AttributeError, ValueError, IndexError, TypeError):
        return  # subclassed networks: checked when first called
    if code_shape != (latent_dim,) or d_in not in ((latent_dim,), (None,)):
        raise ValueError(
            "An AAE's encoder must output codes of shape (batch, latent_dim) and its "
            "discriminator must take them. Received: latent_dim="
            f"{latent_dim}, encoder output {code_shape}, discriminator input {d_in}."
        )
    if sample_shape != x_shape:
        raise ValueError(
            "An AAE's decoder (`generator`) must output samples of the shape its encoder "
            f"takes. Received: decoder output {sample_shape}, encoder input {x_shape}."
        )


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class AAEModel(PhasedGame, GANModel):
    """An adversarial autoencoder: an autoencoder whose codes are matched to a prior.

    The encoder `q(z|x)` (deterministic) and the decoder (`generator`) form an
    autoencoder; the discriminator scores codes, telling samples of the prior
    `p(z)` (`latent_distribution`, "real") from codes of data (`Enc(x)`, "fake"). Each
    `train_step` is one iteration of the paper's two phases on the batch:

    1. reconstruction: the `autoencoder` player (encoder and decoder, `ae_optimizer`)
       minimises the reconstruction error, logged as `ae_loss`;
    2. regularisation: `d_steps` updates of the `discriminator` player (`d_optimizer`) on
       prior samples against codes, then one of the `generator` player, the encoder
       alone (`g_optimizer`), which tries to make its codes pass for prior samples. The
       adversarial loss (`compile(loss=...)`), its penalties and tricks play this phase
       only; logged as `d_loss`, `g_loss`, `d_real`, `d_fake`.

    Once trained, the aggregated posterior `q(z)` matches the prior, so decoding prior
    samples generates data: `generate(n)` samples the prior and decodes, and
    `keras_gans.export.export(model, ...)` exports the decoder. `encode(x)` and
    `reconstruct(x)` run the autoencoder.

    Args:
        generator: The decoder, a `keras.Model` from `z` of shape `(batch, latent_dim)` to
            samples.
        discriminator: The code discriminator, from `(batch, latent_dim)` codes to one raw
            score per code.
        encoder: A `keras.Model` from samples to `(batch, latent_dim)` codes.
        latent_dim: The code size.
        latent_distribution: The prior `p(z)`: `"normal"` (default), `"uniform"` or a
            `keras_gans.latents.LatentDistribution` such as `GaussianMixturePrior` or
            `SwissRollPrior`.
        num_classes: Unused by the unsupervised AAE; must be `None` (default).
        seed: Seed of the prior sampler (default `None`).
        ema_decay: Keep an exponential moving average of the decoder (default `None`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> from keras_gans_representation.aae import AAE
    >>> aae = AAE(data_shape=(4,), latent_dim=2, hidden_units=(8,),
    ...           discriminator_units=(8,), output_activation="linear")
    >>> model = AAEModel(**aae.build_networks(), latent_dim=2, seed=0)
    >>> model.compile("adam", "adam")  # then model.fit(x, batch_size=100, epochs=...)
    >>> sorted(tracker.name for tracker in model.metrics)  # what fit logs
    ['ae_loss', 'd_fake', 'd_loss', 'd_real', 'g_loss']
    >>> model.encode(np.ones((3, 4), "float32")).shape, model.generate(3, seed=0).shape
    ((3, 2), (3, 4))

    Reference:
        Makhzani, Shlens, Jaitly, Goodfellow & Frey, "Adversarial Autoencoders", ICLR
        workshop 2016 (arXiv:1511.05644), section 2.
    """

    outside_player = "autoencoder"
    extra_optimizer = "ae_optimizer"

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
                "AAEModel is the unsupervised adversarial autoencoder: `num_classes` must be "
                f"None. Received: num_classes={num_classes!r}"
            )
        _check_code_networks(generator, discriminator, encoder, latent_dim)
        # GANModel checks that its `discriminator` scores the generator's samples; an AAE's
        # scores codes. GANModel is given the critic the AAE implies on samples,
        # x -> D(Enc(x)) (an unbuilt Sequential, which GANModel builds on decoded latents,
        # so the decoder's samples must fit the encoder), then the code discriminator
        # takes its place.
        critic = keras.Sequential([encoder, discriminator], name="aae_sample_critic")
        super().__init__(
            generator,
            critic,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )
        self._tracker.untrack(critic)
        self.discriminator = discriminator
        self.encoder = encoder
        self.ae_optimizer = None
        self.architecture_tricks = [AAEReconstruction()]

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
        ae_optimizer=None,
    ):
        """Configures the three players' optimizers, the adversarial loss and `d_steps`.

        Args:
            d_optimizer: The code discriminator's optimizer (default `"adam"`).
            g_optimizer: The encoder's optimizer in the regularisation phase (default
                `"adam"`).
            loss: The adversarial loss of the regularisation phase (default
                `"non-saturating"`).
            d_steps: Discriminator updates per step, each on its own slice of the batch
                (default 1).
            auto_scale_loss, jit_compile, steps_per_execution, run_eagerly, tricks: As in
                `GANModel.compile`.
            ae_optimizer: The optimizer of the reconstruction phase (encoder and decoder)
                (default `None`: a copy of `g_optimizer`'s hyperparameters with its own
                state). Saved with the model and restored on load.
        """
        self._compile_with_extra(
            ae_optimizer,
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
        return (self.encoder, self.generator)

    def players(self):
        """`autoencoder` (encoder + decoder), `discriminator` (codes), `generator` (encoder)."""
        return (
            Player(
                "autoencoder",
                "generator",
                (self.encoder, self.generator),
                self.ae_optimizer,
                prefix="ae",
            ),
            Player("discriminator", "discriminator", (self.discriminator,), self.d_optimizer),
            Player("generator", "generator", (self.encoder,), self.g_optimizer),
        )

    # ----------------------------------------------------------------- the game
    def schedule(self, x, y, training=True):
        """The reconstruction phase on the batch, then the regularisation phase.

        In training: the autoencoder on the whole batch, `d_steps` discriminator updates
        each on its own slice, then the encoder on the last slice. In evaluation, each
        player once on the whole batch.
        """
        check.check_real_batch(x, self.encoder, self.d_steps if training else 1)
        autoencoder, discriminator, generator = self._players
        if not training:
            return [(autoencoder, x), (discriminator, x), (generator, x)]
        slices = [real for real, _ in data.real_minibatches(x, None, self.d_steps)]
        return [(autoencoder, x), *[(discriminator, s) for s in slices], (generator, slices[-1])]

    def contexts(self, player, batch, training):
        """One view: codes of `batch` against prior samples (the autoencoder: the
        reconstruction of `batch`, in `extras`)."""
        x = batch
        code = ops.cast(self.encoder(x, training=training), "float32")
        extras, prior = {}, None
        if player.name == self.outside_player:
            extras = {"x": x, "reconstruction": self.generator_output(code, training=training)}
            inputs = DiscriminatorInputs(code, code, self._discriminate)
        else:
            prior = self.sample_latent(ops.shape(x)[0])
            if player.role == "discriminator":
                code = ops.stop_gradient(code)
            inputs = DiscriminatorInputs(prior, code, self._discriminate)
        return [
            StepContext(
                player=player,
                inputs=inputs,
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
        """The codes `Enc(x)` of samples `x`, a NumPy array `(n, latent_dim)`."""
        return batched(lambda t: self.encoder(t, training=False), x, batch_size)

    def reconstruct(self, x, batch_size=256):
        """`Dec(Enc(x))` for samples `x`, a NumPy array shaped like `x`."""

        def run(t):
            return self.generator(self.encoder(t, training=False), training=False)

        return batched(run, x, batch_size)

    # ----------------------------------------------------------------- saving
    def get_config(self):
        encoder = keras.saving.serialize_keras_object(self.encoder)
        return {**super().get_config(), "encoder": encoder}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        return super().from_config(config)

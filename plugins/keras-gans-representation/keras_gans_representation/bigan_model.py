"""`BiGANModel`: the BiGAN / ALI game in the step protocol."""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import positive_int
from keras_gans.models import step
from keras_gans.steps import DiscriminatorInputs, Player, StepContext

__all__ = ["BiGANModel"]


def _functional(network, argument):
    if not isinstance(network, keras.Model):
        raise TypeError(
            f"`{argument}` must be a keras.Model. Received: {argument}={network!r} of type "
            f"{type(network).__name__}"
        )
    try:
        return list(network.inputs), list(network.outputs)
    except (AttributeError, ValueError):
        raise ValueError(
            f"`{argument}` must be a functional keras.Model (its input and output shapes are "
            f"checked). Received: {argument}={network.name!r}"
        ) from None


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class BiGANModel(GANModel):
    """A bidirectional GAN: the generator and the encoder against a joint discriminator.

    The discriminator `D(x, z)` scores pairs: "real" pairs are data with their codes,
    `(x, E(x))`, "fake" pairs are samples with their latents, `(G(z), z)`. One player,
    `generator`, holds `G` and `E` and one optimizer (`g_optimizer`): the paper's game
    `min_{G,E} max_D V(D, E, G)` with
    `V = E_x[log D(x, E(x))] + E_z[log(1 - D(G(z), z))]`. At the optimum `E` inverts `G`.

    Any adversarial loss of the project plays it (`compile(loss=...)`): the
    discriminator minimises the loss's discriminator term on (real pairs, fake pairs);
    the generator player's objective is the loss's generator term on two views of the
    same pairs: `G`'s, where the fake pairs should score as real, and `E`'s, where the
    roles are swapped and the scores negated (a higher score means "more real", so the
    encoder's pairs should score as fake). With `"non-saturating"` (the default of the
    `bigan` architecture) this is the papers' "inverted labels" objective,
    `-log D(G(z), z) - log(1 - D(x, E(x)))`; with `"minimax"` it is exactly `V`, which
    `G` and `E` minimise while `D` minimises `-V` (the logged `g_loss` is `-d_loss`).
    Each pair is passed to pieces as one vector, `[flatten(x), z]`, so penalties that
    interpolate or differentiate the discriminator's input (`wgan-gp`, R1) act on the
    joint input.

    An encoder with `2 * latent_dim` outputs is ALI's Gaussian encoder: its outputs are
    a mean and a log standard deviation and the model samples `z = mu + sigma * eps`
    (the reparametrisation trick); `encode` returns the mean.

    The state of every random stream (latents, encoder noise, dropout) is saved with the
    model, so training n steps, saving, loading and training m more equals training
    n + m steps.

    Args:
        generator: `G`, a functional `keras.Model` from `z` to samples.
        discriminator: `D`, a functional `keras.Model` from `[x, z]` to one raw score.
        encoder: `E`, a functional `keras.Model` from samples to `latent_dim` (or
            `2 * latent_dim`) values.
        latent_dim: The size of `z`.
        latent_distribution: The prior of `z` (default `"normal"`), as in `GANModel`.
        num_classes: Must be `None` (default): BiGAN is unconditional.
        seed: Seed of the latent and encoder noise (default `None`).
        ema_decay: Keep an EMA of the generator, as in `GANModel` (default `None`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np, keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "bigan", data_shape=(2,), latent_dim=2, hidden_units=(8,), seed=0)
    >>> gan.compile("adam", "adam")
    >>> x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    >>> sorted(gan.fit(x, batch_size=16, verbose=0).history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']
    >>> gan.encode(x[:3]).shape, gan.reconstruct(x[:3]).shape
    ((3, 2), (3, 2))

    Reference:
        Donahue, Krähenbühl & Darrell, "Adversarial Feature Learning", ICLR 2017
        (the objective `V(D, E, G)` and its inverted-labels form); Dumoulin et al.,
        "Adversarially Learned Inference", ICLR 2017 (Algorithm 1).
    """

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
                f"BiGAN is unconditional: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        _functional(generator, "generator")
        d_inputs, _ = _functional(discriminator, "discriminator")
        e_inputs, e_outputs = _functional(encoder, "encoder")
        if len(e_inputs) != 1 or len(e_outputs) != 1:
            raise ValueError(
                f"`encoder` must take one input (a sample) and return one code. Received: "
                f"{len(e_inputs)} inputs and {len(e_outputs)} outputs"
            )
        # GANModel checks a generator against a network that takes its samples: the
        # encoder is one (G's output must be E's input). The joint discriminator, which
        # takes [x, z], is checked here and then takes the discriminator's place.
        super().__init__(
            generator,
            encoder,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )
        width = e_outputs[0].shape[-1]
        if len(e_outputs[0].shape) != 2 or width not in (self.latent_dim, 2 * self.latent_dim):
            raise ValueError(
                f"`encoder` must return (batch, latent_dim={self.latent_dim}) codes, or "
                f"(batch, {2 * self.latent_dim}) for a Gaussian encoder (mean and log "
                f"standard deviation). Received: an output of shape {tuple(e_outputs[0].shape)}"
            )
        sample = tuple(e_inputs[0].shape[1:])
        expected = [(None, *sample), (None, self.latent_dim)]
        if len(d_inputs) != 2 or [tuple(t.shape) for t in d_inputs] != expected:
            raise ValueError(
                f"`discriminator` must take [x, z] of shapes {expected}. Received: inputs "
                f"of shapes {[tuple(t.shape) for t in d_inputs]}"
            )
        self.encoder = encoder
        self.discriminator = discriminator
        self.stochastic_encoder = width == 2 * self.latent_dim
        self._sample_size = math.prod(sample)
        self._sample_shape = sample

    # ----------------------------------------------------------------- pairs
    def pack(self, x, z):
        """The joint vector `[flatten(x), z]` of a batch of pairs, float32."""
        flat = ops.reshape(ops.cast(x, "float32"), (-1, self._sample_size))
        return ops.concatenate([flat, ops.cast(z, "float32")], axis=1)

    def unpack(self, pairs):
        """`(x, z)` of a batch of joint vectors (the inverse of `pack`)."""
        x = ops.reshape(pairs[:, : self._sample_size], (-1, *self._sample_shape))
        return x, pairs[:, self._sample_size :]

    def _score(self, pairs, training):
        x, z = self.unpack(pairs)
        return self.discriminator([x, z], training=training)

    def _negated_score(self, pairs, training):
        return -ops.cast(self._score(pairs, training), "float32")

    def _code(self, x, training, sample):
        """`E(x)`: the code, sampled (`sample`) or the mean for a Gaussian encoder."""
        code = ops.cast(self.encoder(x, training=training), "float32")
        if not self.stochastic_encoder:
            return code
        mean, log_sigma = code[:, : self.latent_dim], code[:, self.latent_dim :]
        if not sample:
            return mean
        noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(log_sigma) * noise

    # ----------------------------------------------------------------- the game
    def players(self):
        """`discriminator` (D) and `generator` (G and E together, one optimizer)."""
        discriminator, _ = super().players()
        networks = (self.generator, self.encoder)
        return discriminator, Player("generator", "generator", networks, self.g_optimizer)

    def contexts(self, player, batch, training):
        real, _ = batch
        latent = self.sample_latent(ops.shape(real)[0])
        fake = self.generator_output(latent, training=training)
        code = self._code(real, training, sample=True)
        if player.role == "discriminator":
            fake, code = ops.stop_gradient(fake), ops.stop_gradient(code)
        data_pairs, sample_pairs = self.pack(real, code), self.pack(fake, latent)

        def view(real_pairs, fake_pairs, network):
            return StepContext(
                player=player,
                inputs=DiscriminatorInputs(real_pairs, fake_pairs, network),
                latent=latent,
                seed_generator=self.seed_generator,
                iteration=self.g_optimizer.iterations,
                training=training,
                extras={"code": code},
                gradient=step.gradient,
                all_gather=step.all_gather,
            )

        views = [view(data_pairs, sample_pairs, self._score)]
        if player.role == "generator":
            views.append(view(sample_pairs, data_pairs, self._negated_score))
        return views

    # ----------------------------------------------------------------- inference
    def encode(self, x, batch_size=256):
        """The codes `E(x)` of samples `x` (the mean for a Gaussian encoder), NumPy.

        Args:
            x: Samples, shape `(n, *data_shape)`.
            batch_size: Samples per forward pass (default 256).
        """
        x = self._check_samples(x)
        batch_size = positive_int(batch_size, "batch_size")
        parts = [
            ops.convert_to_numpy(self._code(x[i : i + batch_size], False, sample=False))
            for i in range(0, len(x), batch_size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.latent_dim), "float32")

    def reconstruct(self, x, batch_size=256, use_ema=False):
        """`G(E(x))`: the samples the generator makes from the codes of `x`, NumPy.

        Args:
            x: Samples, shape `(n, *data_shape)`.
            batch_size: Samples per forward pass (default 256).
            use_ema: Decode with `ema_generator` when there is one (default `False`: the
                generator trained with the encoder).
        """
        codes = self.encode(x, batch_size)
        if not len(codes):
            return np.zeros((0, *self._sample_shape), "float32")
        return self.generate(len(codes), latents=codes, batch_size=batch_size, use_ema=use_ema)

    def _check_samples(self, x):
        try:
            array = np.asarray(x, dtype="float32")
        except (TypeError, ValueError):
            array = None
        if array is None or tuple(array.shape[1:]) != self._sample_shape:
            raise ValueError(
                f"`x` must be samples of shape (n, {', '.join(map(str, self._sample_shape))}). "
                f"Received: x of shape {getattr(array, 'shape', None)}"
            )
        return array

    # ----------------------------------------------------------------- config
    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        return super().from_config(config)

"""`StackGANModel`: StackGAN's two stages, trained one after the other, on the step protocol."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.models import step
from keras_gans.models.serialization import prepare_optimizer
from keras_gans.steps import DiscriminatorInputs, Player, StepContext

__all__ = ["StackGANModel"]

_NETWORKS = {
    "generator": ("stage_one_generator", "stage_two_generator"),
    "discriminator": ("stage_one_discriminator", "stage_two_discriminator"),
}
_EXTRA_OPTIMIZERS = ("stage_two_d_optimizer", "stage_two_g_optimizer")


def _stage_network(network, name, argument):
    try:
        return network.get_layer(name)
    except ValueError:
        raise ValueError(
            f"StackGAN's `{argument}` must hold the nested model {name!r} (see "
            f"keras_gans_style.stackgan.StackGAN). Received: {argument}={network.name!r}"
        ) from None


def _copy(optimizer, argument, source, auto_scale_loss, networks):
    """`optimizer`, or a copy of `source`'s hyperparameters with its own state."""
    if optimizer is None:
        try:
            source = keras.optimizers.get(source)
            optimizer = keras.optimizers.deserialize(keras.optimizers.serialize(source))
        except ValueError:
            return None  # GANModel.compile reports the bad source optimizer
    return prepare_optimizer(optimizer, argument, auto_scale_loss, networks)


class _StageSwitch(keras.callbacks.Callback):
    """Switches the model to Stage-II once Stage-I has made its updates."""

    def on_train_batch_end(self, batch, logs=None):
        self.model.sync_stage()


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StackGANModel(GANModel):
    """StackGAN: Stage-I trained first, then Stage-II on Stage-I's images, Stage-I fixed.

    `generator` runs both stages (`[latent, condition]` -> Stage-II images; its nested
    `stage_one_generator` and `stage_two_generator`); `discriminator` holds
    `stage_one_discriminator` and `stage_two_discriminator`. The latent vector is
    `[z, epsilon_1, epsilon_2]` (see `StackGAN`). Each `train_step` on `(images,
    conditions)` plays the classic two players for the current stage:

    1. Stage-I (while `g_optimizer` has made fewer than `stage_one_steps` updates, from
       the `StackGANSchedule` piece): the discriminator (`d_optimizer`) scores the real
       images area-downsampled to Stage-I's size against Stage-I's images; the generator
       (`g_optimizer`) is Stage-I's.
    2. Stage-II: Stage-I runs in inference mode and gets no gradient (fixed, as in the
       paper); the discriminator (`stage_two_d_optimizer`) scores full-size real images
       against Stage-II's, the generator (`stage_two_g_optimizer`) is Stage-II's. Each
       stage has its own Adam state, as if trained in its own run.

    In both stages the generator update puts the stage's conditioning-augmentation mean
    and log-variance in `ctx.extras` (`ca_mean`, `ca_log_variance`) for the
    `ConditioningAugmentationKL` term, and GAN-CLS's `MatchingAware` term adds the
    (real image, wrong condition) pairs to the discriminator's fakes. Logged: `d_loss`,
    `g_loss`, `d_real`, `d_fake`, `d_term/matching_aware`, `g_term/kl` (the stage being
    trained) and `stage`.

    The stage follows from `g_optimizer`'s saved step count, so it survives saving and
    loading. `fit` switches it when Stage-I's last update is made (the train step is
    traced again for Stage-II); with `steps_per_execution` > 1 the switch waits for the end
    of the execution. `train_on_batch` does not switch: call `sync_stage()`.

    Args:
        generator: Both stages' generators (`keras_gans_style.stackgan.StackGAN`).
        discriminator: The model holding both stages' discriminators.
        latent_dim: The size of `[z, epsilon_1, epsilon_2]`.
        latent_distribution: Must be `"normal"` (default): the epsilons are N(0, I).
        num_classes: The class count when conditioning on class ids (default `None`:
            embedding vectors).
        seed: Seed of the latent sampler (default `None`).
        ema_decay: Keep an EMA of both stages' generators (default `None`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> from keras_gans_style.stackgan import StackGAN
    >>> arch = StackGAN(image_shape=(8, 8, 1), latent_dim=16, embedding_dim=6,
    ...                 projection_dim=4, generator_filters=4, stage_two_filters=4,
    ...                 discriminator_filters=2)
    >>> model = StackGANModel(**arch.build_networks(), latent_dim=16, seed=0)
    >>> model.compile()
    >>> model.stage, sorted(tracker.name for tracker in model.metrics)[-3:]
    (1, ['g_loss', 'g_term/kl', 'stage'])
    >>> [im.shape for im in model.stage_images(2, labels=np.zeros((2, 6)), seed=0)]
    [(2, 4, 4, 1), (2, 8, 8, 1)]

    Reference:
        Zhang et al., "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017, sections 3 and 4.
    """

    def __init__(self, generator, discriminator, latent_dim, latent_distribution="normal", **kw):
        if latent_distribution != "normal":
            raise ValueError(
                "StackGAN's latent vector holds the conditioning augmentations' N(0, I) "
                f"noise: `latent_distribution` must be 'normal'. Received: "
                f"latent_distribution={latent_distribution!r}"
            )
        super().__init__(generator, discriminator, latent_dim, latent_distribution, **kw)
        self.stage_two_d_optimizer = None
        self.stage_two_g_optimizer = None
        self._stage = 1
        from keras_gans.tricks.matching_aware import MatchingAware
        from keras_gans_style.conditioning_augmentation_kl import ConditioningAugmentationKL
        from keras_gans_style.stackgan_schedule import StackGANSchedule

        self.architecture_tricks = [
            MatchingAware(),
            ConditioningAugmentationKL(2.0, reduction="mean"),
            StackGANSchedule(),
        ]

    def check_networks(self, generator, discriminator):
        """Checks the nested stage models, then the pair; StackGAN is always conditional."""
        for argument, network in (("generator", generator), ("discriminator", discriminator)):
            for name in _NETWORKS[argument]:
                _stage_network(network, name, argument)
        conditional = super().check_networks(generator, discriminator)
        if not conditional:
            raise ValueError(
                "StackGAN is conditional: both networks must take a condition input. "
                f"Received: generator inputs {[tuple(t.shape) for t in generator.inputs]}"
            )
        return conditional

    def stage_network(self, name):
        """A nested stage model, e.g. `"stage_one_generator"`."""
        network = self.generator if name.endswith("generator") else self.discriminator
        return network.get_layer(name)

    @property
    def latent_sizes(self):
        """`(len(z), len(epsilon_1), len(epsilon_2))`."""
        one, two = (self.stage_network(n) for n in _NETWORKS["generator"])
        return (int(one.inputs[0].shape[-1]), int(one.inputs[1].shape[-1]),
                int(two.inputs[1].shape[-1]))  # fmt: skip

    # ----------------------------------------------------------------- stages
    def _schedule(self):
        from keras_gans_style.stackgan_schedule import StackGANSchedule

        for piece in self.tricks:
            if isinstance(piece, StackGANSchedule):
                return piece
        raise ValueError(
            "StackGANModel needs a StackGANSchedule trick (the architecture's "
            "default_tricks() give one). Received tricks: "
            f"{[type(t).__name__ for t in self.tricks]}"
        )

    @property
    def stage(self):
        """The stage being trained, 1 or 2, from `g_optimizer`'s step count."""
        if self.adversarial_loss is None:
            return 1
        done = int(ops.convert_to_numpy(self.g_optimizer.iterations))
        return 1 if done < self._schedule().stage_one_steps else 2

    @property
    def active_stage(self):
        """The stage the current players (and the traced train step) train, 1 or 2."""
        return self._stage

    def generator_updates(self):
        """Generator updates of the whole run (`StepContext.iteration`): Stage-I's, plus
        Stage-II's once it trains (each stage's optimizer counts only its own)."""
        done = self.g_optimizer.iterations
        if self._stage == 2:
            done = done + ops.cast(self.stage_two_g_optimizer.iterations, done.dtype)
        return done

    def sync_stage(self):
        """Switches the players (and retraces the train step) if the stage has changed."""
        if self.adversarial_loss is None or self.stage == self._stage:
            return
        self._players = self.players()
        for kind in ("train", "test"):
            if getattr(self, f"{kind}_function", None) is not None:
                getattr(self, f"make_{kind}_function")(force=True)

    def compile(self, d_optimizer="adam", g_optimizer="adam", loss="non-saturating", **kwargs):
        """As `GANModel.compile`, plus Stage-II's optimizers.

        Args:
            d_optimizer, g_optimizer: Stage-I's optimizers (default `"adam"`; the paper's
                is `Adam(2e-4, beta_1=0.5)`).
            loss: The adversarial loss (default `"non-saturating"`).
            **kwargs: `GANModel.compile`'s other arguments, and `stage_two_d_optimizer` /
                `stage_two_g_optimizer` (default `None`: copies of `d_optimizer`'s /
                `g_optimizer`'s hyperparameters with their own state). Saved and
                restored with the model.
        """
        extra = {name: kwargs.pop(name, None) for name in _EXTRA_OPTIMIZERS}
        scale = kwargs.get("auto_scale_loss", True)
        sources = {"stage_two_d_optimizer": d_optimizer, "stage_two_g_optimizer": g_optimizer}
        for name in _EXTRA_OPTIMIZERS:
            optimizer = _copy(extra[name], name, sources[name], scale, (self.generator,))
            if optimizer is not None and optimizer in (d_optimizer, g_optimizer):
                raise ValueError(
                    f"`{name}` must be its own optimizer (each stage keeps its own state). "
                    f"Received: {name}={optimizer!r}"
                )
            setattr(self, name, optimizer)
        super().compile(d_optimizer, g_optimizer, loss, **kwargs)
        networks = ("stage_two_discriminator", "stage_two_generator")
        for name, network in zip(_EXTRA_OPTIMIZERS, networks, strict=True):
            optimizer = getattr(self, name)
            if not optimizer.built:
                optimizer.build(self.stage_network(network).trainable_variables)
            self._gan_compile_config[name] = optimizer

    def players(self):
        """The current stage's `discriminator` and `generator` (see the class docstring)."""
        self._stage = self.stage
        names = {key: pair[self._stage - 1] for key, pair in _NETWORKS.items()}
        d_optimizer, g_optimizer = (
            (self.d_optimizer, self.g_optimizer)
            if self._stage == 1
            else (self.stage_two_d_optimizer, self.stage_two_g_optimizer)
        )
        d = self.stage_network(names["discriminator"])
        g = self.stage_network(names["generator"])
        return (
            Player("discriminator", "discriminator", (d,), d_optimizer),
            Player("generator", "generator", (g,), g_optimizer),
        )

    def fit(self, x=None, y=None, batch_size=None, callbacks=None, **kwargs):
        self.sync_stage()
        callbacks = [*(callbacks or ()), _StageSwitch()]
        return super().fit(x, y, batch_size=batch_size, callbacks=callbacks, **kwargs)

    def evaluate(self, *args, **kwargs):
        self.sync_stage()
        return super().evaluate(*args, **kwargs)

    # ----------------------------------------------------------------- the game
    def _split(self, latent):
        noise_dim, first, second = self.latent_sizes
        return (
            latent[:, :noise_dim],
            latent[:, noise_dim : noise_dim + first],
            latent[:, noise_dim + first :],
        )

    def contexts(self, player, batch, training):
        """One view: the current stage's images against its real images."""
        real, condition = batch
        latent = self.sample_latent(ops.shape(real)[0])
        z, epsilon_1, epsilon_2 = self._split(latent)
        one = self.stage_network("stage_one_generator")
        if self._stage == 1:
            side = int(one.outputs[0].shape[1])
            factor = int(real.shape[1]) // side
            real = ops.average_pool(real, factor, strides=factor, padding="valid")
            fake, mean, log_variance = one([z, epsilon_1, condition], training=training)
        else:
            low = ops.stop_gradient(one([z, epsilon_1, condition], training=False)[0])
            two = self.stage_network("stage_two_generator")
            fake, mean, log_variance = two([low, epsilon_2, condition], training=training)
        fake = ops.cast(fake, "float32")
        if player.role == "discriminator":
            fake = ops.stop_gradient(fake)
        critic = self.stage_network(f"stage_{('one', 'two')[self._stage - 1]}_discriminator")
        return [
            StepContext(
                player=player,
                inputs=DiscriminatorInputs(real, fake, lambda x, t: critic(x, training=t)),
                condition=condition,
                latent=latent,
                seed_generator=self.seed_generator,
                iteration=self.generator_updates(),
                training=training,
                extras={"ca_mean": mean, "ca_log_variance": log_variance},
                gradient=step.gradient,
                all_gather=step.all_gather,
            )
        ]

    # ----------------------------------------------------------------- inference
    def stage_images(self, n, labels, seed=None, use_ema=True):
        """Stage-I's and Stage-II's images for the same latents and conditions.

        Args:
            n: How many samples.
            labels: One condition per sample (class ids or embedding vectors), or one.
            seed: An int for reproducible latents (default `None`).
            use_ema: Use the EMA generator when there is one (default `True`).

        Returns:
            `(stage_one_images, images)`, NumPy arrays in [-1, 1]; `images` equals
            `generate(n, seed=seed, labels=labels)`.
        """
        images = self.generate(n, seed=seed, labels=labels, use_ema=use_ema)
        network = self.ema_generator if use_ema and self.ema_generator is not None else None
        one = (network or self.generator).get_layer("stage_one_generator")
        z, epsilon_1, _ = self._split(self.sample_latent(n, seed=seed))
        condition = ops.convert_to_tensor(self._check_labels(labels, n))
        low = one([z, epsilon_1, condition], training=False)[0]
        return np.asarray(ops.convert_to_numpy(low)), images

"""`GANModel`: a `keras.Model` whose `train_step` plays the adversarial game.

The step itself (the one place that uses TensorFlow autodiff) is `keras_gans.models.step`;
sampling is `keras_gans.models.generation`. This module builds, compiles and serialises the
model and declares its game: the players, their order and the context of each update.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.losses import resolve
from keras_gans.models import construction, data, step
from keras_gans.models import validation as check
from keras_gans.models.distributed import LocalBatchBuild, replica_logs
from keras_gans.models.ema import GeneratorEMA, attach_ema, check_start
from keras_gans.models.generation import GenerationMixin, ReplicaSeedGenerator
from keras_gans.models.serialization import SerializationMixin, prepare_optimizer
from keras_gans.steps import DiscriminatorInputs, Player, StepContext

__all__ = ["GANModel"]


@keras.saving.register_keras_serializable(package="keras_gans")
class GANModel(GenerationMixin, SerializationMixin, LocalBatchBuild, keras.Model):
    """A generative adversarial network trained with `model.fit`.

    Each `train_step` is one iteration of Algorithm 1 of Goodfellow et al. (2014): `d_steps`
    discriminator updates, each on a fresh latent batch and its own real minibatch, then one
    generator update. Keras hands `train_step` one batch, so that batch holds all `d_steps` real
    minibatches: it is split into `d_steps` equal slices (use a batch size divisible by
    `d_steps`; a trailing partial batch is cut down to a multiple of it, and one smaller than
    `d_steps` reuses its examples), and every latent batch has a slice's size.

    Conditional GANs (Mirza & Osindero 2014) need no flag: when both networks take a second,
    conditioning input (class ids, one-hot vectors or embeddings), the data must yield
    `(x, y)` and `y` reaches both networks. Fake minibatches are conditioned on the labels of
    the real minibatch they are compared with, so their label distribution is the data's.
    An unconditional GAN ignores the `y` of labelled data (train on `(x, y)` as is).

    The discriminator may return one score per sample, or a dict with a `"score"` entry and
    auxiliary heads (read by pieces as `StepContext.real_heads` / `fake_heads`).

    The game follows the step protocol of `keras_gans.steps`: two `Player`s,
    `discriminator` and `generator`; the adversarial loss, its penalties and constraints,
    the tricks given to `compile(tricks=[...])` and the EMA of the generator (`ema_decay`,
    `enable_ema`, or the `keras_gans.callbacks.EMAGenerator` callback) are its `pieces`.
    A model with more networks subclasses it and overrides the three methods that declare
    the game: `players()`, `schedule(x, y, training)` and `contexts(player, batch,
    training)`; `train_step` is unchanged.

    Logged metrics: `d_loss` and `g_loss` (the adversarial objectives), one
    `d_penalty/<name>` per penalty of the loss (the discriminator minimises `d_loss` plus
    every penalty), `d_real` / `d_fake`, the mean discriminator outputs on real and fake,
    and each trick's terms (`d_term/<name>`, `g_term/<name>`) and reports (e.g. `began/k`).

    Args:
        generator: A `keras.Model` mapping `z` (or `[z, condition]`) to samples.
        discriminator: A `keras.Model` mapping samples (or `[x, condition]`) to raw scores
            (logits for cross-entropy losses), or to a dict with a `"score"` entry.
        latent_dim: The size of `z`.
        latent_distribution: The prior of `z`: `"normal"` (default, N(0, I)), `"uniform"`
            (U(-1, 1), as in the original paper and DCGAN) or a
            `keras_gans.latents.LatentDistribution`.
        num_classes: The number of classes of a label-conditioned model, used to check the
            labels passed to `generate` (default `None`: unchecked or unconditional).
        seed: Seed of the latent sampler (default `None`: non-deterministic).
        ema_decay: Keep `ema_generator`, an exponential moving average of the generator's
            weights with this decay, updated after every generator update (default `None`:
            no EMA; 0.999 is common).
        ema_start: Updates before the EMA starts averaging (`enable_ema`'s `start`; default 0).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import keras, numpy as np
    >>> generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = GANModel(generator, discriminator, latent_dim=4, seed=0)
    >>> gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), loss="hinge")
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=32,
    ...                   epochs=1, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']
    >>> gan.generate(3, seed=1).shape
    (3, 2)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, Algorithm 1;
        Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        ema_start=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator = check.check_network(generator, "generator")
        self.discriminator = check.check_network(discriminator, "discriminator")
        self.latent_dim = check.check_positive_int(latent_dim, "latent_dim")
        self._prior = check.check_latent_distribution(latent_distribution, self.latent_dim)
        self.latent_distribution = latent_distribution
        self.num_classes = (
            None if num_classes is None else check.check_positive_int(num_classes, "num_classes")
        )
        self.seed = check.check_seed(seed, allow_generator=False)
        self.conditional = self.check_networks(generator, discriminator)
        self.seed_generator = ReplicaSeedGenerator(seed)
        self._trackers = {}
        self.adversarial_loss = None
        self.tricks = []
        self.architecture_tricks = []
        self.pieces = []
        self._players = ()
        self._trick_states = []
        self.d_steps = 1
        self._build_networks()
        self.ema_decay, self.ema_generator, self.ema_updates = None, None, None
        self.ema_start = check_start(ema_start, ema_decay)  # a start needs a decay
        if ema_decay is not None:
            self.enable_ema(check.check_decay(ema_decay, "ema_decay"), start=ema_start)
        self.built = True

    def check_networks(self, generator, discriminator):
        """Whether the model is conditional, once the networks are checked to fit (a family
        whose generator takes something other than `z`, e.g. an image, overrides it)."""
        return check.check_networks_fit(generator, discriminator, self.latent_dim)

    def _build_networks(self):
        """Builds subclassed (unbuilt) networks on a latent batch, never on a data batch."""
        if self.conditional or (self.generator.built and self.discriminator.built):
            return  # functional conditional networks are always built
        check.build_on_latents(self.generator, self.discriminator, self.latent_dim)

    def enable_ema(self, decay=0.999, start=0):
        """Keeps `ema_generator`, an exponential moving average of the generator.

        Creates the copy (with the generator's current weights) if there is none, else
        only changes the decay and start; call it under the model's distribution scope.
        The copy is saved with the model and `generate` uses it by default. After the first
        `fit`, call `make_train_function(force=True)` to include the update in the step
        (the `EMAGenerator` callback does both).

        Args:
            decay: The EMA decay in (0, 1) (default 0.999).
            start: Updates during which the copy follows the generator before it averages
                (default 0; BigGAN's late start), counted in `ema_updates` (saved).

        Example:
        >>> gan = GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=4)
        >>> gan.enable_ema(0.99)
        >>> gan.ema_generator is not None, gan.ema_decay
        (True, 0.99)

        Reference:
            Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training",
            ICLR 2019; Karras et al., "Progressive Growing of GANs", ICLR 2018.
        """
        attach_ema(self, decay, start)
        self._collect_pieces()

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_architecture(cls, name, *, seed=None, ema_decay=None, ema_start=0, **kwargs):
        """Builds an architecture plugin's networks and the `GANModel` around them.

        Args:
            name: A registered architecture (`keras_gans.architectures.names()`).
            seed: Seed of the latent sampler (default `None`).
            ema_decay, ema_start: As in `GANModel` (defaults `None`: no EMA generator, 0).
            **kwargs: The architecture's keywords (e.g. `image_shape`, `latent_dim`,
                `num_classes`).

        Returns:
            An uncompiled `GANModel` (the architecture's `model_class`, if it names a
            subclass) with the architecture's latent prior
            (`default_latent_distribution()`) and, in `architecture_tricks`, the terms its
            networks need (`default_tricks()`, e.g. ACGAN's classifier), which `compile`
            adds to its `tricks`.

        Example:
        >>> gan = GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=8)
        >>> gan.latent_dim
        8
        """
        return construction.from_architecture(cls, name, seed, ema_decay, ema_start, kwargs)

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
    ):
        """Configures the two optimizers, the adversarial loss and the update schedule.

        Args:
            d_optimizer: The discriminator's optimizer (instance, name or config; default
                `"adam"`).
            g_optimizer: The generator's optimizer (default `"adam"`). Two different
                learning rates give the two time-scale update rule (TTUR, Heusel et al.
                2017; see `keras_gans.tricks.ttur_optimizers`).
            loss: A registered loss name (`keras_gans.losses.names()`), a config dict
                (`{"name": "wgan-gp", "gp_weight": 5}`) or an `AdversarialLoss`
                (default `"non-saturating"`).
            d_steps: Discriminator updates per generator update, `k` in Algorithm 1
                (default 1). Each `train_step` splits its batch into `d_steps` equal real
                minibatches, one per discriminator update, so `fit`'s `batch_size` must be
                divisible by `d_steps` (e.g. `batch_size=320, d_steps=5`: 64 per update).
            auto_scale_loss: Under the `mixed_float16` policy, wrap both optimizers in
                `keras.optimizers.LossScaleOptimizer` (default `True`).
            jit_compile: As in `keras.Model.compile` (default `"auto"`: Keras enables XLA
                only where it expects a gain, i.e. not on CPU-only machines, where XLA was
                measured slower for this train step; see docs/guide/speed.md).
            steps_per_execution: As in `keras.Model.compile` (default 1).
            run_eagerly: As in `keras.Model.compile` (default `False`).
            tricks: A list of `keras_gans.tricks.Trick` objects hooked into the train step
                after the loss's own (default none), e.g.
                `[InstanceNoise(0.1, decay_steps=2000), ImagePool(50)]`. The model's
                `architecture_tricks` (set by `from_architecture`) come first, except
                those replaced by a given trick of the same name.
        """
        self.d_steps = check.check_positive_int(d_steps, "d_steps")
        self.adversarial_loss = resolve(loss)
        given = list(tricks or ())
        names = {getattr(trick, "name", None) for trick in given}
        kept = [t for t in self.architecture_tricks if t.name not in names]
        self.tricks = check.check_tricks([*kept, *given])
        self._gan_compile_config = {
            "d_optimizer": d_optimizer,
            "g_optimizer": g_optimizer,
            "loss": self.adversarial_loss,
            "d_steps": self.d_steps,
            "auto_scale_loss": auto_scale_loss,
            "jit_compile": jit_compile,
            "steps_per_execution": steps_per_execution,
            "tricks": self.tricks,
        }
        super().compile(
            optimizer=None,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
        )
        networks = (self.generator, self.discriminator)
        self.d_optimizer = prepare_optimizer(d_optimizer, "d_optimizer", auto_scale_loss, networks)
        self.g_optimizer = prepare_optimizer(g_optimizer, "g_optimizer", auto_scale_loss, networks)
        self._players = self.players()
        for player in self._players:
            if all(network.built for network in player.networks):
                # Built here, under the caller's distribution scope, not inside a replica step.
                player.optimizer.build(player.trainable_variables)
        pieces = [*self.adversarial_loss.pieces, *self.tricks]
        for piece in pieces:
            piece.build(self)
        self._trick_states = [p.state for p in pieces if p.state is not None]
        self._collect_pieces()

    def players(self):
        """The players of the game, in the order they are first updated.

        Returns:
            `(Player("discriminator", ...), Player("generator", ...))`: each with its
            network and its optimizer (called by `compile`).
        """
        return (
            Player("discriminator", "discriminator", (self.discriminator,), self.d_optimizer),
            Player("generator", "generator", (self.generator,), self.g_optimizer),
        )

    def _collect_pieces(self):
        """The pieces the step runs, in order (EMA last), and a tracker per logged name."""
        if self.adversarial_loss is None:
            return
        ema = [] if self.ema_generator is None else [GeneratorEMA(self)]
        self.pieces = self.arrange_pieces([*self.adversarial_loss.pieces, *self.tricks, *ema])
        critics = [p.prefix for p in self._players if p.role == "discriminator"]
        names = [f"{prefix}_{which}" for prefix in critics for which in ("real", "fake")]
        for piece in self.pieces:
            names.extend([*piece.term_names(self._players), *piece.reports])
        check.check_metric_names(names, [])
        self._trackers = {n: self._trackers.get(n) or keras.metrics.Mean(name=n) for n in names}

    def arrange_pieces(self, pieces):
        """The pieces the step runs, from the loss's, the tricks and EMA (in that order); a
        family with a player outside the game (an autoencoder's) wraps or filters them."""
        return pieces

    metrics = property(lambda self: list(self._trackers.values()))

    # ----------------------------------------------------------------- the game
    def schedule(self, x, y, training=True):
        """The updates of one step: `(player, batch)` pairs, in order.

        In training, `d_steps` discriminator updates, each on its own slice of the batch,
        then one generator update (on the last slice's conditions); in evaluation, each
        player once on the whole batch.
        """
        check.check_real_batch(x, self.discriminator, self.d_steps if training else 1)
        discriminator, generator = self._players
        if not training:
            return [(discriminator, (x, y)), (generator, (x, y))]
        updates = [(discriminator, b) for b in data.real_minibatches(x, y, self.d_steps)]
        return [*updates, (generator, updates[-1][1])]

    def contexts(self, player, batch, training):
        """The views of one update (called inside its tape): one `StepContext` here.

        Args:
            player: The `Player` being updated.
            batch: `(real, condition)`.
            training: Whether it is a training update.

        Returns:
            A list of `keras_gans.steps.StepContext`.
        """
        real, condition = batch
        latent = self.sample_latent(ops.shape(real)[0])
        fake = self.generator_output(latent, condition, training=training)
        if player.role == "discriminator":
            fake = ops.stop_gradient(fake)
        return [
            StepContext(
                player=player,
                inputs=DiscriminatorInputs(real, fake, self._discriminate),
                condition=condition,
                latent=latent,
                seed_generator=self.seed_generator,
                iteration=self.g_optimizer.iterations,
                training=training,
                gradient=step.gradient,
                all_gather=step.all_gather,
            )
        ]

    def _discriminate(self, inputs, training):
        return self.discriminator(inputs, training=training)

    def record(self, **values):
        """Adds one value per logged name to the epoch's means."""
        for name, value in values.items():
            check.check_logged(name, self._trackers)
            self._trackers[name].update_state(step.logged(value))

    # ----------------------------------------------------------------- training
    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        check.check_fit_arguments(x, batch_size, self.d_steps, self.conditional, y)
        if self.conditional and isinstance(y, np.ndarray):
            check.check_conditions(y, self.num_classes, self._condition_shape(), "y")
        if self.adversarial_loss is None:
            raise RuntimeError("Call `compile(d_optimizer, g_optimizer, loss=...)` before `fit`.")
        try:
            return super().fit(x, y, batch_size=batch_size, **kwargs)
        finally:  # a fit that raised calls no on_train_end: release its signal handlers now
            from keras_gans.callbacks.signals import StopSignals

            StopSignals.current()  # exits a GANCheckpoint's StopSignals whose fit has gone

    def unpack_batch(self, data_batch):
        """`(x, y)` of a batch (float32 `x`; `y` the checked condition, or `None`)."""
        return data.unpack(self, data_batch)

    def train_step(self, data_batch):
        x, y = self.unpack_batch(data_batch)
        finite = tf.constant(True)
        for player, batch in self.schedule(x, y):
            earlier = finite if player.role == "generator" else None
            finite = tf.logical_and(finite, step.play(self, player, batch, earlier))
        return replica_logs(self.metrics)

    def test_step(self, data_batch):
        x, y = self.unpack_batch(data_batch)
        for player, batch in self.schedule(x, y, training=False):
            step.evaluate(self, player, batch)
        return replica_logs(self.metrics)

"""`GANModel`: a `keras.Model` whose `train_step` plays the adversarial game.

This is the one module that uses TensorFlow autodiff (`tf.GradientTape`) and
`tf.distribute`; losses, penalties and layers are written with `keras.ops`.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import latents
from keras_gans.losses import resolve
from keras_gans.models import validation as check
from keras_gans.registry import import_plugins_named_in
from keras_gans.tricks import StepContext, StepHooks

__all__ = ["GANModel"]


class _ReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `SeedGenerator` whose draws differ between `tf.distribute` replicas.

    A plain `SeedGenerator` gives every replica the same numbers, so under a two-replica
    strategy both halves of the global batch would get identical latents.
    """

    def next(self, ordered=True):
        seed = super().next(ordered=ordered)
        context = tf.distribute.get_replica_context()
        if context is None:
            return seed
        replica = tf.cast(context.replica_id_in_sync_group, seed.dtype)
        return seed + tf.stack([replica * 1_000_003, tf.zeros_like(replica)])


def _all_finite(tensors):
    return tf.reduce_all([tf.reduce_all(tf.math.is_finite(t)) for t in tensors if t is not None])


def _regularization(network):
    return ops.sum(ops.stack(network.losses)) if network.losses else 0.0


def _gradient(fn, x):
    """`d fn(x) / dx` for a tensor or a list of tensors, recorded by any outer tape."""
    many = isinstance(x, (list, tuple))
    tensors = [tf.convert_to_tensor(t) for t in (x if many else [x])]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = fn(tensors if many else tensors[0])
    gradients = tape.gradient(value, tensors)
    return gradients if many else gradients[0]


def _assign_replicated(pairs):
    """Assigns `(variable, value)` pairs whose values are equal on every replica.

    Like an optimizer's update: inside a replica context the assignment goes through the
    strategy (a merge call), so it also works for mirrored variables created without an
    aggregation, such as a cloned network's weights.
    """

    def update(strategy, pairs):
        for variable, value in pairs:
            strategy.extended.update(
                variable.value, lambda v, x: v.assign(x), args=(value,), group=False
            )

    tf.__internal__.distribute.interim.maybe_merge_call(update, tf.distribute.get_strategy(), pairs)


class _GeneratorEMA(StepHooks):
    """Keeps `model.ema_generator` an exponential moving average of `model.generator`.

    Trainable weights are averaged, `ema <- decay * ema + (1 - decay) * w`, after every
    generator update; non-trainable ones (batch-norm statistics) are copied.
    """

    name = "ema"

    def __init__(self, model):
        self.model = model

    def after_generator_step(self, context):
        decay = self.model.ema_decay
        pairs = []
        for average, weight in zip(
            self.model.ema_generator.weights, self.model.generator.weights, strict=True
        ):
            value = ops.cast(weight, average.dtype)
            if weight.trainable:
                value = decay * average + (1.0 - decay) * value
            pairs.append((average, value))
        _assign_replicated(pairs)


@keras.saving.register_keras_serializable(package="keras_gans")
class GANModel(keras.Model):
    """A generative adversarial network trained with `model.fit`.

    Each `train_step` is one iteration of Algorithm 1 of Goodfellow et al. (2014): `d_steps`
    discriminator updates, each on a fresh latent batch and its own real minibatch, then one
    generator update. Keras hands `train_step` one batch, so that batch holds all `d_steps`
    real minibatches: it is split into `d_steps` equal slices (use a batch size divisible by
    `d_steps`; a trailing partial batch is cut down to a multiple of it, and one smaller
    than `d_steps` reuses its examples), and every latent
    batch has a slice's size. One `train_step` is one generator update.

    Conditional GANs (Mirza & Osindero 2014) need no flag: when both networks take a second,
    conditioning input (class ids, one-hot vectors or embeddings), the data must yield
    `(x, y)` and `y` reaches both networks. Fake minibatches are conditioned on the labels of
    the real minibatch they are compared with, so their label distribution is the data's.

    The discriminator may return one score per sample, or a dict with a `"score"` entry and
    auxiliary heads (read by objective terms as `StepContext.real_heads` / `fake_heads`).
    Extras compose through `compile(tricks=[...])` (see `keras_gans.tricks`); an
    exponential moving average of the generator is kept with `ema_decay` (or
    `enable_ema`, or the `keras_gans.callbacks.EMAGenerator` callback).

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
        self.seed = seed
        self.conditional = check.check_networks_fit(generator, discriminator, self.latent_dim)
        self.seed_generator = _ReplicaSeedGenerator(seed)
        self._trackers = {
            name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")
        }
        self._extra_trackers = {}
        self.adversarial_loss = None
        self.tricks = []
        self.architecture_tricks = []
        self._pieces = []
        self._trick_states = []
        self.d_steps = 1
        self._build_networks()
        self.ema_decay = None
        self.ema_generator = None
        if ema_decay is not None:
            self.enable_ema(ema_decay)
        self.built = True

    def _build_networks(self):
        """Builds subclassed (unbuilt) networks on a latent batch, never on a data batch."""
        if self.generator.built and self.discriminator.built:
            return
        if self.conditional:
            return  # functional conditional networks are always built
        try:
            samples = self.generator(ops.zeros((2, self.latent_dim)))
            self.discriminator(samples)
        except Exception as error:
            raise ValueError(
                "Could not build the networks by running the generator on a (2, latent_dim) "
                f"latent batch and the discriminator on its output. Received: latent_dim="
                f"{self.latent_dim}; error: {type(error).__name__}: {error}"
            ) from error

    def enable_ema(self, decay=0.999):
        """Keeps `ema_generator`, an exponential moving average of the generator.

        Creates the copy (with the generator's current weights) if there is none, else
        only changes the decay. Call it under the model's distribution scope. The copy is
        saved with the model; `generate` uses it by default. After the first `fit`, call
        `make_train_function(force=True)` so the train step includes the update (the
        `EMAGenerator` callback does both).

        Args:
            decay: The EMA decay in (0, 1) (default 0.999).

        Example:
        >>> gan = GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=4)
        >>> gan.enable_ema(0.99)
        >>> gan.ema_generator is not None, gan.ema_decay
        (True, 0.99)

        Reference:
            Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training",
            ICLR 2019; Karras et al., "Progressive Growing of GANs", ICLR 2018.
        """
        self.ema_decay = check.check_decay(decay)
        if self.ema_generator is None:
            self.ema_generator = check.clone_network(
                self.generator, self.latent_dim, self.conditional
            )
            self.ema_generator.trainable = False
        self._collect_pieces()

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_architecture(cls, name, *, seed=None, ema_decay=None, **kwargs):
        """Builds an architecture plugin's networks and the `GANModel` around them.

        Args:
            name: A registered architecture (`keras_gans.architectures.names()`).
            seed: Seed of the latent sampler (default `None`).
            ema_decay: As in `GANModel` (default `None`: no EMA generator).
            **kwargs: The architecture's keywords (e.g. `image_shape`, `latent_dim`,
                `num_classes`).

        Returns:
            An uncompiled `GANModel` with the architecture's latent prior
            (`default_latent_distribution()`) and, in `architecture_tricks`, the terms its
            networks need (`default_tricks()`, e.g. ACGAN's classifier), which `compile`
            adds to its `tricks`.

        Example:
        >>> gan = GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=8)
        >>> gan.latent_dim
        8
        """
        from keras_gans import architectures

        arch = architectures.get(name, **kwargs)
        gan = cls(
            generator=arch.build_generator(),
            discriminator=arch.build_discriminator(),
            latent_dim=arch.latent_dim,
            latent_distribution=arch.default_latent_distribution(),
            num_classes=getattr(arch, "num_classes", None),
            seed=seed,
            ema_decay=ema_decay,
            name=f"{architectures.normalize_name(name).replace('-', '_')}_gan",
        )
        gan.architecture_tricks = check.check_tricks(arch.default_tricks())
        return gan

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
                measured slower for this train step; see the README's benchmark).
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
        self.d_optimizer = self._prepare_optimizer(d_optimizer, "d_optimizer", auto_scale_loss)
        self.g_optimizer = self._prepare_optimizer(g_optimizer, "g_optimizer", auto_scale_loss)
        self._extra_trackers = {
            f"d_penalty/{p.name}": keras.metrics.Mean(name=f"d_penalty/{p.name}")
            for p in self.adversarial_loss.penalties
        }
        if self.generator.built and self.discriminator.built:
            # Built here, under the caller's distribution scope, not inside a replica step.
            self.d_optimizer.build(self.discriminator.trainable_variables)
            self.g_optimizer.build(self.generator.trainable_variables)
        pieces = [self.adversarial_loss, *self.adversarial_loss.tricks, *self.tricks]
        for piece in pieces:
            piece.build(self)
        self._trick_states = [p.state for p in pieces if p.state is not None]
        names = [name for piece in pieces for name in piece.metric_names]
        check.check_metric_names(names, [*self._trackers, *self._extra_trackers])
        self._extra_trackers.update({n: keras.metrics.Mean(name=n) for n in names})
        self._collect_pieces()

    def _collect_pieces(self):
        """The objects whose hooks the train step calls, in order (EMA last)."""
        if self.adversarial_loss is None:
            return
        ema = [] if self.ema_generator is None else [_GeneratorEMA(self)]
        self._pieces = [self.adversarial_loss, *self.adversarial_loss.tricks, *self.tricks, *ema]

    def _prepare_optimizer(self, identifier, argument, auto_scale_loss):
        try:
            optimizer = keras.optimizers.get(identifier)
        except ValueError as error:
            raise ValueError(
                f"`{argument}` must be a keras optimizer, its name or its config. "
                f"Received: {argument}={identifier!r}"
            ) from error
        if optimizer is None:
            raise ValueError(f"`{argument}` must be given. Received: {argument}=None")
        mixed = (
            any(
                network.dtype_policy.name == "mixed_float16"
                for network in (self.generator, self.discriminator)
            )
            or keras.config.dtype_policy().name == "mixed_float16"
        )
        if (
            auto_scale_loss
            and mixed
            and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        ):
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer, name=f"{argument}_scaled")
        return optimizer

    def get_compile_config(self):
        if not getattr(self, "_gan_compile_config", None):
            return {}
        return {
            key: keras.saving.serialize_keras_object(value)
            for key, value in self._gan_compile_config.items()
        }

    def compile_from_config(self, config):
        import_plugins_named_in(config)
        config = {k: keras.saving.deserialize_keras_object(v) for k, v in config.items()}
        self.compile(**config)

    def get_config(self):
        distribution = self.latent_distribution
        if not isinstance(distribution, str):
            distribution = keras.saving.serialize_keras_object(distribution)
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "latent_distribution": distribution,
            "num_classes": self.num_classes,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            **self._architecture_tricks_config(),
        }

    def _architecture_tricks_config(self):
        if not self.architecture_tricks:
            return {}
        tricks = [keras.saving.serialize_keras_object(t) for t in self.architecture_tricks]
        return {"architecture_tricks": tricks}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        import_plugins_named_in(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        if isinstance(config.get("latent_distribution"), dict):
            config["latent_distribution"] = latents.resolve(config["latent_distribution"])
        tricks = config.pop("architecture_tricks", [])
        model = cls(**config)
        model.architecture_tricks = [keras.saving.deserialize_keras_object(t) for t in tricks]
        return model

    @property
    def metrics(self):
        return [*self._trackers.values(), *self._extra_trackers.values()]

    # ----------------------------------------------------------------- sampling
    def sample_latent(self, n, seed=None):
        """Draws `n` latent vectors from the prior (`seed`: int, `SeedGenerator` or `None`)."""
        seed = self.seed_generator if seed is None else seed
        return self._prior.sample(n, self.latent_dim, seed=seed)

    @property
    def sample_shape(self):
        """The shape of one generated sample (without the batch axis)."""
        try:
            return tuple(self.generator.outputs[0].shape[1:])
        except (AttributeError, ValueError):
            z = ops.zeros((1, self.latent_dim))
            return tuple(self.generator(z).shape[1:])

    def generator_output(self, latent, condition=None, training=False):
        """Runs the generator on `latent` (and `condition`); returns float32 samples."""
        inputs = self._generator_inputs(latent, condition)
        return ops.cast(self.generator(inputs, training=training), "float32")

    def _generator_inputs(self, z, condition):
        return z if condition is None else [z, condition]

    def call(self, inputs, training=False):
        """Runs the generator on `z` (or `[z, condition]` for conditional models)."""
        return self.generator(inputs, training=training)

    def generate(self, n, seed=None, labels=None, batch_size=256, latents=None, use_ema=True):
        """Generates `n` samples as a NumPy array in the generator's output range.

        Args:
            n: How many samples.
            seed: An int for reproducible latents (default `None`: the model's sampler).
            labels: For conditional models, one label (or embedding) per sample, or a single
                label for all (required for conditional models).
            batch_size: How many samples the generator runs at once (default 256).
            latents: Explicit generator inputs `z`, shape `(n, latent_dim)` (default
                `None`: drawn from the prior), e.g. to sweep a latent code.
            use_ema: Use `ema_generator` when the model keeps one (default `True`).

        Returns:
            A NumPy array of shape `(n, *sample_shape)`.
        """
        n = check.check_positive_int(n, "n")
        condition = self._check_labels(labels, n)
        z = (
            self.sample_latent(n, seed=seed)
            if latents is None
            else check.check_latents(latents, n, self.latent_dim)
        )
        network = self.ema_generator if use_ema and self.ema_generator is not None else None
        network = network or self.generator
        outputs = []
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            piece = None if condition is None else ops.convert_to_tensor(condition[start:stop])
            inputs = self._generator_inputs(ops.convert_to_tensor(z[start:stop]), piece)
            outputs.append(ops.convert_to_numpy(network(inputs, training=False)))
        return np.concatenate(outputs, axis=0)

    def _check_labels(self, labels, n):
        shape = self._condition_shape()
        return check.check_labels(labels, n, self.conditional, self.num_classes, shape)

    def _condition_shape(self):
        """The shape of one condition (e.g. `(1,)` for class ids), or `None` if unknown."""
        try:
            return tuple(self.generator.inputs[1].shape[1:]) if self.conditional else None
        except (AttributeError, ValueError, IndexError):
            return None

    # ----------------------------------------------------------------- training
    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        check.check_fit_arguments(x, batch_size, self.d_steps, self.conditional, y)
        if self.conditional and isinstance(y, np.ndarray):
            check.check_conditions(y, self.num_classes, self._condition_shape(), "y")
        if self.adversarial_loss is None:
            raise RuntimeError("Call `compile(d_optimizer, g_optimizer, loss=...)` before `fit`.")
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    def _unpack(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.conditional and y is None:
            raise ValueError(
                "This GAN is conditional (its networks take a conditioning input): the data "
                "must yield `(x, y)` pairs or be passed as `fit(x, y)`. Received: x only."
            )
        x = ops.cast(x, "float32") if "float" in str(x.dtype) else x
        if not self.conditional:
            return x, None
        expected = tuple(self.generator.inputs[1].shape[1:])
        if y.shape.rank is None and None not in expected:
            # tf.function may relax a retraced label spec to unknown rank; restore it.
            y = ops.reshape(y, (-1, *expected))
        check.check_condition_batch(y, expected)
        if self.num_classes is not None and y.dtype.is_integer:
            message = f"Labels must be class ids in [0, {self.num_classes})."
            in_range = [
                tf.debugging.assert_non_negative(y, message=message),
                tf.debugging.assert_less(y, tf.cast(self.num_classes, y.dtype), message=message),
            ]
            with tf.control_dependencies(in_range):
                y = tf.identity(y)
        return x, y

    def _loss_scale_for_replicas(self):
        # Gradients are summed across replicas, so each replica's mean is divided by the
        # replica count: the update is then the gradient of the global-batch mean.
        return 1.0 / self.distribute_strategy.num_replicas_in_sync

    def _context(self, role, real, fake, condition, latent, training=True):
        """The `StepContext` of one update: lazy discriminator outputs, tricks' transforms."""

        def network(inputs, training):
            return self.discriminator(inputs, training=training)

        def transform(tensors, context):
            for piece in self._pieces:
                tensors = piece.transform_inputs(tensors, context)
            return tensors

        return StepContext(
            real,
            fake,
            condition,
            seed_generator=self.seed_generator,
            network=network,
            gradient=_gradient,
            transform=transform if training else None,
            latent=latent,
            model=self,
            role=role,
            training=training,
            iteration=self.g_optimizer.iterations,
        )

    def _terms(self, context):
        """Every piece's weighted term for the player `context.role` trains, by metric name."""
        prefix, hook = {
            "discriminator": ("d_term", "discriminator_term"),
            "generator": ("g_term", "generator_term"),
        }[context.role]
        terms = {}
        for piece in self._pieces:
            value = getattr(piece, hook)(context)
            if value is not None:
                terms[f"{prefix}/{piece.name}"] = ops.cast(value, "float32")
        return terms

    def _discriminator_extras(self, context):
        penalties = {f"d_penalty/{p.name}": p(context) for p in self.adversarial_loss.penalties}
        return {**penalties, **self._terms(context)}

    def _discriminator_step(self, real, condition):
        latent = self.sample_latent(ops.shape(real)[0])
        fake = ops.stop_gradient(self.generator_output(latent, condition, training=True))
        context = self._context("discriminator", real, fake, condition, latent)
        for piece in self._pieces:
            context = piece.discriminator_step_context(context)
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            loss = self.adversarial_loss.discriminator_objective(context)
            extras = self._discriminator_extras(context)
            total = loss + sum(extras.values()) + _regularization(self.discriminator)
            scaled = self.d_optimizer.scale_loss(total * self._loss_scale_for_replicas())
        grads = tape.gradient(scaled, variables)
        self.d_optimizer.apply(grads, variables)
        for constraint in self.adversarial_loss.constraints:
            constraint(variables)
        for piece in self._pieces:
            piece.after_discriminator_step(context)
        self._record(d_loss=loss, d_real=ops.mean(context.real_output))
        self._record(d_fake=ops.mean(context.fake_output), **extras, **context.logs)
        return _all_finite(grads)

    def _generator_step(self, real, condition, discriminator_finite):
        latent = self.sample_latent(ops.shape(real)[0])
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator_output(latent, condition, training=True)
            context = self._context("generator", real, fake, condition, latent)
            for piece in self._pieces:
                context = piece.generator_step_context(context)
            loss = self.adversarial_loss.generator_objective(context)
            terms = self._terms(context)
            total = loss + sum(terms.values()) + _regularization(self.generator)
            scaled = self.g_optimizer.scale_loss(total * self._loss_scale_for_replicas())
        grads = tape.gradient(scaled, variables)
        if isinstance(self.g_optimizer, keras.optimizers.LossScaleOptimizer):
            # A non-finite discriminator step makes the loss-scaled generator skip too.
            poison = tf.where(discriminator_finite, 0.0, float("nan"))
            grads = [g if g is None else g + ops.cast(poison, g.dtype) for g in grads]
        self.g_optimizer.apply(grads, variables)
        for piece in self._pieces:
            piece.after_generator_step(context)
        self._record(g_loss=loss, **terms, **context.logs)

    def _record(self, **values):
        trackers = {**self._trackers, **self._extra_trackers}
        for name, value in values.items():
            if name not in trackers:
                raise ValueError(
                    f"A loss or trick logged {name!r}, which no piece declares in its "
                    f"`metric_names`. Declared: {sorted(trackers)}"
                )
            trackers[name].update_state(value)

    def _real_minibatches(self, x, y):
        """The `d_steps` real slices of a batch (see the class docstring)."""
        batch = ops.shape(x)[0]
        # A trailing batch smaller than d_steps still gives one example per update (reused).
        size = ops.maximum(batch // self.d_steps, 1)
        for k in range(self.d_steps):
            rows = (k * size + ops.arange(size)) % batch
            yield ops.take(x, rows, axis=0), None if y is None else ops.take(y, rows, axis=0)

    def train_step(self, data):
        x, y = self._unpack(data)
        check.check_real_batch(x, self.discriminator, self.d_steps)
        finite = tf.constant(True)
        for real, condition in self._real_minibatches(x, y):
            finite = tf.logical_and(finite, self._discriminator_step(real, condition))
        self._generator_step(real, condition, finite)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = self._unpack(data)
        check.check_real_batch(x, self.discriminator, 1)
        latent = self.sample_latent(ops.shape(x)[0])
        fake = self.generator_output(latent, y, training=False)
        context = self._context("discriminator", x, fake, y, latent, training=False)
        d_loss = self.adversarial_loss.discriminator_objective(context)
        extras = self._discriminator_extras(context)
        context = context.replace(role="generator")
        g_loss = self.adversarial_loss.generator_objective(context)
        self._record(d_loss=d_loss, g_loss=g_loss, d_real=ops.mean(context.real_output))
        self._record(d_fake=ops.mean(context.fake_output), **extras, **self._terms(context))
        self._record(**context.logs)
        return {m.name: m.result() for m in self.metrics}

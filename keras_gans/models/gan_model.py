"""`GANModel`: a `keras.Model` whose `train_step` plays the adversarial game.

This is the one module that uses TensorFlow autodiff (`tf.GradientTape`) and
`tf.distribute`; losses, penalties and layers are written with `keras.ops`.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.losses import resolve
from keras_gans.models import validation as check
from keras_gans.penalties import PenaltyContext
from keras_gans.registry import import_plugins_named_in

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

    Logged metrics: `d_loss` and `g_loss` (the adversarial objectives), one
    `d_penalty/<name>` per penalty of the loss (the discriminator minimises `d_loss` plus
    every penalty), and `d_real` / `d_fake`, the mean discriminator outputs on real and fake.

    Args:
        generator: A `keras.Model` mapping `z` (or `[z, condition]`) to samples.
        discriminator: A `keras.Model` mapping samples (or `[x, condition]`) to raw scores
            (logits for cross-entropy losses).
        latent_dim: The size of `z`.
        latent_distribution: The prior of `z`: `"normal"` (default, N(0, I)) or `"uniform"`
            (U(-1, 1), as in the original paper and DCGAN).
        num_classes: The number of classes of a label-conditioned model, used to check the
            labels passed to `generate` (default `None`: unchecked or unconditional).
        seed: Seed of the latent sampler (default `None`: non-deterministic).
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
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator = check.check_network(generator, "generator")
        self.discriminator = check.check_network(discriminator, "discriminator")
        self.latent_dim = check.check_positive_int(latent_dim, "latent_dim")
        self.latent_distribution = check.check_latent_distribution(latent_distribution)
        self.num_classes = (
            None if num_classes is None else check.check_positive_int(num_classes, "num_classes")
        )
        self.seed = seed
        self.conditional = check.check_networks_fit(generator, discriminator, self.latent_dim)
        self.seed_generator = _ReplicaSeedGenerator(seed)
        self._trackers = {
            name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")
        }
        self._penalty_trackers = {}
        self.adversarial_loss = None
        self.d_steps = 1
        self._build_networks()
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

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_architecture(cls, name, *, seed=None, **kwargs):
        """Builds an architecture plugin's networks and the `GANModel` around them.

        Args:
            name: A registered architecture (`keras_gans.architectures.names()`).
            seed: Seed of the latent sampler (default `None`).
            **kwargs: The architecture's keywords (e.g. `image_shape`, `latent_dim`,
                `num_classes`).

        Returns:
            An uncompiled `GANModel`.

        Example:
        >>> gan = GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=8)
        >>> gan.latent_dim
        8
        """
        from keras_gans import architectures

        arch = architectures.get(name, **kwargs)
        return cls(
            generator=arch.build_generator(),
            discriminator=arch.build_discriminator(),
            latent_dim=arch.latent_dim,
            num_classes=getattr(arch, "num_classes", None),
            seed=seed,
            name=f"{architectures.normalize_name(name).replace('-', '_')}_gan",
        )

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
    ):
        """Configures the two optimizers, the adversarial loss and the update schedule.

        Args:
            d_optimizer: The discriminator's optimizer (instance, name or config; default
                `"adam"`).
            g_optimizer: The generator's optimizer (default `"adam"`). Two different
                learning rates give the two time-scale update rule (TTUR).
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
        """
        self.d_steps = check.check_positive_int(d_steps, "d_steps")
        self.adversarial_loss = resolve(loss)
        self._gan_compile_config = {
            "d_optimizer": d_optimizer,
            "g_optimizer": g_optimizer,
            "loss": self.adversarial_loss,
            "d_steps": self.d_steps,
            "auto_scale_loss": auto_scale_loss,
            "jit_compile": jit_compile,
            "steps_per_execution": steps_per_execution,
        }
        super().compile(
            optimizer=None,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
        )
        self.d_optimizer = self._prepare_optimizer(d_optimizer, "d_optimizer", auto_scale_loss)
        self.g_optimizer = self._prepare_optimizer(g_optimizer, "g_optimizer", auto_scale_loss)
        self._penalty_trackers = {
            f"d_penalty/{p.name}": keras.metrics.Mean(name=f"d_penalty/{p.name}")
            for p in self.adversarial_loss.penalties
        }
        if self.generator.built and self.discriminator.built:
            # Built here, under the caller's distribution scope, not inside a replica step.
            self.d_optimizer.build(self.discriminator.trainable_variables)
            self.g_optimizer.build(self.generator.trainable_variables)

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
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "latent_distribution": self.latent_distribution,
            "num_classes": self.num_classes,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        import_plugins_named_in(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    @property
    def metrics(self):
        return [*self._trackers.values(), *self._penalty_trackers.values()]

    # ----------------------------------------------------------------- sampling
    def sample_latent(self, n, seed=None):
        """Draws `n` latent vectors from the prior (`seed`: int, `SeedGenerator` or `None`)."""
        seed = self.seed_generator if seed is None else seed
        shape = (n, self.latent_dim)
        if self.latent_distribution == "uniform":
            return keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=seed)
        return keras.random.normal(shape, seed=seed)

    def _generator_inputs(self, z, condition):
        return z if condition is None else [z, condition]

    def _discriminator_inputs(self, x, condition):
        return x if condition is None else [x, condition]

    def call(self, inputs, training=False):
        """Runs the generator on `z` (or `[z, condition]` for conditional models)."""
        return self.generator(inputs, training=training)

    def generate(self, n, seed=None, labels=None, batch_size=256):
        """Generates `n` samples as a NumPy array in the generator's output range.

        Args:
            n: How many samples.
            seed: An int for reproducible latents (default `None`: the model's sampler).
            labels: For conditional models, one label (or embedding) per sample, or a single
                label for all (required for conditional models).
            batch_size: How many samples the generator runs at once (default 256).

        Returns:
            A NumPy array of shape `(n, *sample_shape)`.
        """
        n = check.check_positive_int(n, "n")
        condition = self._check_labels(labels, n)
        z = self.sample_latent(n, seed=seed)
        outputs = []
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            piece = None if condition is None else ops.convert_to_tensor(condition[start:stop])
            inputs = self._generator_inputs(z[start:stop], piece)
            outputs.append(ops.convert_to_numpy(self.generator(inputs, training=False)))
        return np.concatenate(outputs, axis=0)

    def _check_labels(self, labels, n):
        if not self.conditional:
            if labels is not None:
                raise ValueError(
                    "`labels` were given but this GAN is unconditional (its generator takes "
                    f"only `z`). Received: labels={np.asarray(labels).tolist()!r:.80}"
                )
            return None
        if labels is None:
            raise ValueError(
                "This GAN is conditional: `generate` needs `labels`, one per sample or a "
                "single one for all. Received: labels=None"
            )
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full((n,), labels)
        if len(labels) != n:
            raise ValueError(
                f"`labels` must hold one label per sample (n={n}). Received: {len(labels)} labels."
            )
        if self.num_classes is not None and np.issubdtype(labels.dtype, np.integer):
            bad = labels[(labels < 0) | (labels >= self.num_classes)]
            if bad.size:
                raise ValueError(
                    f"`labels` must be class ids in [0, {self.num_classes}). "
                    f"Received: out-of-range labels {sorted(set(bad.tolist()))[:5]}"
                )
        return labels.astype("int32") if np.issubdtype(labels.dtype, np.integer) else labels

    # ----------------------------------------------------------------- training
    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        check.check_fit_arguments(x, batch_size, self.d_steps, self.conditional, y)
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
        return x, y

    def _loss_scale_for_replicas(self):
        # Gradients are summed across replicas, so each replica's mean is divided by the
        # replica count: the update is then the gradient of the global-batch mean.
        return 1.0 / self.distribute_strategy.num_replicas_in_sync

    def _discriminator_objective(self, real, fake, condition, training):
        """Adversarial loss, weighted penalties and mean outputs for one D minibatch."""

        def discriminate(x):
            scores = self.discriminator(self._discriminator_inputs(x, condition), training=training)
            return ops.cast(scores, "float32")

        def input_gradient(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                total = ops.sum(discriminate(x))
            return tape.gradient(total, x)

        real_out, fake_out = discriminate(real), discriminate(fake)
        loss = self.adversarial_loss.discriminator_loss(real_out, fake_out)
        context = PenaltyContext(
            real,
            fake,
            condition,
            real_out,
            fake_out,
            discriminate,
            input_gradient,
            self.seed_generator,
        )
        penalties = {f"d_penalty/{p.name}": p(context) for p in self.adversarial_loss.penalties}
        return loss, penalties, real_out, fake_out

    def _discriminator_step(self, real, condition):
        z = self.sample_latent(ops.shape(real)[0])
        fake = ops.cast(
            self.generator(self._generator_inputs(z, condition), training=True), "float32"
        )
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            loss, penalties, real_out, fake_out = self._discriminator_objective(
                real, ops.stop_gradient(fake), condition, training=True
            )
            total = loss + sum(penalties.values()) + _regularization(self.discriminator)
            scaled = self.d_optimizer.scale_loss(total * self._loss_scale_for_replicas())
        grads = tape.gradient(scaled, variables)
        self.d_optimizer.apply(grads, variables)
        for constraint in self.adversarial_loss.constraints:
            constraint(variables)
        self._record(d_loss=loss, d_real=ops.mean(real_out), d_fake=ops.mean(fake_out))
        self._record(**penalties)
        return _all_finite(grads)

    def _generator_step(self, batch_size, condition, discriminator_finite):
        z = self.sample_latent(batch_size)
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator(self._generator_inputs(z, condition), training=True)
            scores = self.discriminator(self._discriminator_inputs(fake, condition), training=True)
            loss = self.adversarial_loss.generator_loss(ops.cast(scores, "float32"))
            total = loss + _regularization(self.generator)
            scaled = self.g_optimizer.scale_loss(total * self._loss_scale_for_replicas())
        grads = tape.gradient(scaled, variables)
        if isinstance(self.g_optimizer, keras.optimizers.LossScaleOptimizer):
            # A non-finite discriminator step makes the loss-scaled generator skip too.
            poison = tf.where(discriminator_finite, 0.0, float("nan"))
            grads = [g if g is None else g + ops.cast(poison, g.dtype) for g in grads]
        self.g_optimizer.apply(grads, variables)
        self._record(g_loss=loss)

    def _record(self, **values):
        trackers = {**self._trackers, **self._penalty_trackers}
        for name, value in values.items():
            trackers[name].update_state(value)

    def train_step(self, data):
        x, y = self._unpack(data)
        check.check_real_batch(x, self.discriminator, self.d_steps)
        batch = ops.shape(x)[0]
        # A trailing batch smaller than d_steps still gives one example per update (reused).
        size = ops.maximum(batch // self.d_steps, 1)
        finite = tf.constant(True)
        for k in range(self.d_steps):
            rows = (k * size + ops.arange(size)) % batch
            real = ops.take(x, rows, axis=0)
            condition = None if y is None else ops.take(y, rows, axis=0)
            finite = tf.logical_and(finite, self._discriminator_step(real, condition))
        self._generator_step(size, condition, finite)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = self._unpack(data)
        check.check_real_batch(x, self.discriminator, 1)
        batch = ops.shape(x)[0]
        fake = ops.cast(
            self.generator(self._generator_inputs(self.sample_latent(batch), y), training=False),
            "float32",
        )
        d_loss, penalties, real_out, fake_out = self._discriminator_objective(
            x, fake, y, training=False
        )
        g_loss = self.adversarial_loss.generator_loss(fake_out)
        self._record(d_loss=d_loss, g_loss=g_loss, d_real=ops.mean(real_out))
        self._record(d_fake=ops.mean(fake_out), **penalties)
        return {m.name: m.result() for m in self.metrics}

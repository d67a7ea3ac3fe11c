"""`CoGANModel`: the coupled GAN's game on the step protocol, and translation by inversion."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import positive_int, positive_number
from keras_gans.checks import seed as check_seed
from keras_gans.models import data, step
from keras_gans.models import validation as check
from keras_gans.registry import import_plugins_named_in
from keras_gans.steps import DiscriminatorInputs, Player, StepContext
from keras_gans_image2image import _baselines_common as common
from keras_gans_image2image._latent_search import search_latents

__all__ = ["CoGANModel"]


def _couple(first, second, name):
    """One functional model holding both networks (so shared layers stay shared)."""
    inputs = list(first.inputs)
    inputs += [t for t in second.inputs if all(t is not u for u in inputs)]
    return keras.Model(inputs, [first.outputs[0], second.outputs[0]], name=name)


def _uncouple(coupled, names):
    first_input, second_input = coupled.inputs[0], coupled.inputs[-1]
    return (
        keras.Model(first_input, coupled.outputs[0], name=names[0]),
        keras.Model(second_input, coupled.outputs[1], name=names[1]),
    )


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class CoGANModel(GANModel):
    """Coupled GANs: two generators from one `z`, two discriminators, unpaired domains.

    `generator` (`G_A`) and `generator_b` (`G_B`) map one latent batch `z` to images of
    domains A and B; `discriminator` (`D_A`) and `discriminator_b` (`D_B`) score them
    against real images of their own domain. The networks share layers (see the `cogan`
    architecture), which is what makes `(G_A(z), G_B(z))` a corresponding pair.

    The game, as the paper's Algorithm 1: each step draws one `z` for both domains;
    the `discriminator` player (`D_A` and `D_B`, `d_optimizer`) minimises the sum of
    the two discriminators' losses, so the shared layers get both domains' gradients in
    one update; then the `generator` player (`G_A` and `G_B`, `g_optimizer`) minimises
    the sum of the two generators' losses. Logged: `d_loss`, `g_loss` (sums over the
    domains), `d_real` / `d_fake` (domain A's mean scores). `d_steps` works as in
    `GANModel` (each update on its own slice of both domains' batches).

    Translation (CycleGAN's use of CoGAN as a baseline): `translate(x, "a2b")` searches
    for the `z` whose `G_A(z)` reproduces `x` (Adam on the mean squared error, `steps`
    iterations from a prior sample) and returns `G_B(z)`; `"b2a"` the other way round.
    There is no image-to-image network, so `translator()` raises; export `generator` and
    `generator_b`, which map `z` to images.

    Args:
        generator: `G_A`, a functional `keras.Model` from `z` to images of A.
        discriminator: `D_A`, images of A to one raw score.
        generator_b: `G_B`, from the same `z` to images of B.
        discriminator_b: `D_B`, images of B to one raw score.
        latent_dim: The size of `z`.
        latent_distribution: The prior of `z` (default `"normal"`), as in `GANModel`.
        num_classes: Must be `None` (default): unconditional.
        seed: Seed of the latent sampler (default `None`).
        ema_decay: Must be `None` (default): no EMA generator.
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np, keras_gans
    >>> model = keras_gans.GANModel.from_architecture(
    ...     "cogan", image_shape=(16, 16, 1), latent_dim=4, base_filters=4, max_filters=8,
    ...     discriminator_filters=(4, 4), discriminator_units=8, seed=0)
    >>> model.compile("adam", "adam")  # then model.fit(a, b, batch_size=64, epochs=...)
    >>> a, b = model.generate(3, seed=1)
    >>> a.shape, b.shape, model.directions
    ((3, 16, 16, 1), (3, 16, 16, 1), ('a2b', 'b2a'))

    Reference:
        Liu & Tuzel, "Coupled Generative Adversarial Networks", NeurIPS 2016 (Algorithm 1
        of the supplementary material); Zhu et al., ICCV 2017, section 5.1.2 (translation
        by finding the latent that generates the input).
    """

    directions = ("a2b", "b2a")

    def __init__(
        self,
        generator,
        discriminator,
        generator_b,
        discriminator_b,
        latent_dim,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        if num_classes is not None:
            raise ValueError(
                f"CoGAN is unconditional: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        common.no_ema(ema_decay, "CoGAN")
        self._pair = (generator_b, discriminator_b)
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )
        self.generator_b = generator_b
        self.discriminator_b = discriminator_b

    def check_networks(self, generator, discriminator):
        """Both generators take `(batch, latent_dim)` and fit their discriminators."""
        generator_b, discriminator_b = self._pair
        for g, d, g_name, d_name in (
            (generator, discriminator, "generator", "discriminator"),
            (generator_b, discriminator_b, "generator_b", "discriminator_b"),
        ):
            z = common.network_shape(g, "input", g_name)
            out = common.network_shape(g, "output", g_name)
            if z != (self.latent_dim,):
                raise ValueError(
                    f"`{g_name}` must take z of shape (batch, latent_dim={self.latent_dim}). "
                    f"Received: an input of shape (batch, {', '.join(map(str, z))})"
                )
            if out != common.network_shape(d, "input", d_name):
                raise ValueError(
                    f"`{g_name}`'s output must fit `{d_name}`'s input. Received: "
                    f"{out} and {common.network_shape(d, 'input', d_name)}"
                )
        return False

    def enable_ema(self, decay=0.999, start=0):
        """Refused: CoGAN keeps no moving average of its generator."""
        common.no_ema(decay, "CoGAN")

    # ----------------------------------------------------------------- the game
    def players(self):
        """`discriminator` (D_A and D_B) and `generator` (G_A and G_B)."""
        return (
            Player(
                "discriminator",
                "discriminator",
                (self.discriminator, self.discriminator_b),
                self.d_optimizer,
            ),
            Player("generator", "generator", (self.generator, self.generator_b), self.g_optimizer),
        )

    def unpack_batch(self, data_batch):
        return common.unpack_pair(data_batch, "CoGAN")

    def schedule(self, x, y, training=True):
        """`d_steps` discriminator updates on slices of `(a, b)`, then the generators."""
        check.check_real_batch(x, self.discriminator, self.d_steps if training else 1)
        check.check_real_batch(y, self.discriminator_b, self.d_steps if training else 1)
        discriminator, generator = self._players
        if not training:
            return [(discriminator, (x, y)), (generator, (x, y))]
        updates = [(discriminator, batch) for batch in data.real_minibatches(x, y, self.d_steps)]
        return [*updates, (generator, updates[-1][1])]

    def contexts(self, player, batch, training):
        """Two views, one per domain, both from the same `z`."""
        a, b = batch
        latent = self.sample_latent(ops.shape(a)[0])
        views = []
        for real, generator, discriminator in (
            (a, self.generator, self.discriminator),
            (b, self.generator_b, self.discriminator_b),
        ):
            fake = ops.cast(generator(latent, training=training), "float32")
            if player.role == "discriminator":
                fake = ops.stop_gradient(fake)
            views.append(
                StepContext(
                    player=player,
                    inputs=DiscriminatorInputs(
                        real, fake, lambda x, t, d=discriminator: d(x, training=t)
                    ),
                    latent=latent,
                    seed_generator=self.seed_generator,
                    iteration=self.g_optimizer.iterations,
                    training=training,
                    gradient=step.gradient,
                    all_gather=step.all_gather,
                )
            )
        return views

    # ----------------------------------------------------------------- inference
    @property
    def image_shapes(self):
        """`{"a": shape of one image of A, "b": of B}` (without the batch axis)."""
        return {
            "a": common.network_shape(self.generator, "output", "generator"),
            "b": common.network_shape(self.generator_b, "output", "generator_b"),
        }

    def generate(self, n, seed=None, batch_size=256, latents=None, **kwargs):
        """`(a, b)`: `n` pairs `G_A(z)`, `G_B(z)` from the same latents (NumPy).

        Args:
            n: How many pairs.
            seed: An int for reproducible latents (default `None`: the model's sampler).
            batch_size: Latents per forward pass (default 256).
            latents: Explicit `z`, shape `(n, latent_dim)` (default `None`: the prior).
            **kwargs: `labels=None` and `use_ema` are accepted for `GANModel`
                compatibility and ignored (CoGAN is unconditional, without EMA).
        """
        n = positive_int(n, "n")
        if kwargs.get("labels") is not None:
            raise ValueError("CoGAN is unconditional: `labels` must be None.")
        z = self.sample_latent(n, seed=seed) if latents is None else latents
        z = np.asarray(check.check_latents(z, n, self.latent_dim), "float32")
        batch_size = positive_int(batch_size, "batch_size")
        return tuple(
            common.batched(lambda t, g=g: g(t, training=False), z, batch_size)
            for g in (self.generator, self.generator_b)
        )

    def translate(
        self, images, direction="a2b", batch_size=32, steps=300, learning_rate=0.05, seed=0
    ):
        """Translates by inversion: the `z` that regenerates `images`, rendered in the
        other domain.

        For each batch, `z` starts from a prior sample and takes `steps` Adam steps
        (`learning_rate`, beta_1 0.9) on the mean squared error between the source
        generator's output and `images`, in inference mode; the result is the other
        generator's output for that `z`. The starting samples come from a stream of their
        own (`seed`), never from the model's training sampler, so translating (e.g. the
        `TranslationGrid` callback at each epoch's end) leaves training, and an exact
        resume, unchanged.

        Args:
            images: Images of the source domain, `(n, h, w, c)` in [-1, 1].
            direction: `"a2b"` (default: find `z` with `G_A`, render `G_B(z)`) or `"b2a"`.
            batch_size: Images inverted at once (default 32).
            steps: Optimisation steps per batch (default 300).
            learning_rate: Adam's learning rate on `z` (default 0.05).
            seed: Seed of the starting latents (default 0: the same call gives the same
                translations; `None`: unseeded).

        Returns:
            A NumPy array `(n, h, w, c_target)` in [-1, 1].
        """
        common.check_direction(direction, self.directions)
        source, target = (self.generator, self.generator_b)
        if direction == "b2a":
            source, target = target, source
        images = common.check_images(images, common.network_shape(source, "output", "generator"))
        batch_size = positive_int(batch_size, "batch_size")
        steps = positive_int(steps, "steps")
        learning_rate = positive_number(learning_rate, "learning_rate")
        starts = keras.random.SeedGenerator(check_seed(seed))  # not the training stream

        def invert(x):
            return target(self.invert(x, source, steps, learning_rate, starts), training=False)

        return common.batched(invert, images, batch_size)

    def invert(self, images, network, steps, learning_rate, seed=0):
        """The latents whose `network(z)` best reproduce `images` (see `translate`).

        Args:
            images: A batch of images of `network`'s output shape.
            network: `generator` or `generator_b`.
            steps: Adam steps.
            learning_rate: Adam's learning rate.
            seed: The starting latents' seed: an int (default 0) or a
                `keras.random.SeedGenerator` of the caller's (never the model's training
                sampler, which this search must not advance).

        Returns:
            The latents, a float32 tensor `(n, latent_dim)`.
        """
        images = ops.convert_to_numpy(images)
        if not isinstance(seed, keras.random.SeedGenerator):
            seed = keras.random.SeedGenerator(check_seed(seed))
        initial = ops.convert_to_numpy(self.sample_latent(len(images), seed=seed))
        found = search_latents(network, images, initial, steps, learning_rate)
        return ops.convert_to_tensor(found)

    def translator(self, direction="a2b", dynamic_size=False):
        """Not available: CoGAN translates by optimisation, not with one network."""
        raise NotImplementedError(
            "CoGAN has no image-to-image network: `translate` searches for the latent z "
            "that regenerates each input (an optimisation per image), which cannot be one "
            "exported graph. Export the generators instead, which map z to images: "
            "`keras_gans.export.export(model.generator, ...)` (domain A) and "
            f"`export(model.generator_b, ...)` (domain B). Received: direction={direction!r}"
        )

    # ----------------------------------------------------------------- saving
    def get_config(self):
        config = super().get_config()
        config["generator"] = keras.saving.serialize_keras_object(
            _couple(self.generator, self.generator_b, "coupled_generators")
        )
        config["discriminator"] = keras.saving.serialize_keras_object(
            _couple(self.discriminator, self.discriminator_b, "coupled_discriminators")
        )
        config["network_names"] = [
            n.name
            for n in (self.generator, self.generator_b, self.discriminator, self.discriminator_b)
        ]
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        import_plugins_named_in(config)
        names = config.pop("network_names")
        generators = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminators = keras.saving.deserialize_keras_object(config.pop("discriminator"))
        g_a, g_b = _uncouple(generators, names[:2])
        d_a, d_b = _uncouple(discriminators, names[2:])
        config.pop("architecture_tricks", None)
        if isinstance(config.get("latent_distribution"), dict):
            from keras_gans import latents

            config["latent_distribution"] = latents.resolve(config["latent_distribution"])
        return cls(generator=g_a, discriminator=d_a, generator_b=g_b, discriminator_b=d_b, **config)

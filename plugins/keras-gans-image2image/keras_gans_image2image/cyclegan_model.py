"""`CycleGANModel`: CycleGAN's game (two translators, two discriminators) on the step protocol."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import one_of
from keras_gans.models import data, step
from keras_gans.models import validation as check
from keras_gans.models.serialization import prepare_optimizer
from keras_gans.steps import DiscriminatorInputs, Player, StepContext
from keras_gans.tricks import ImagePool
from keras_gans_image2image import _baselines_common as common
from keras_gans_image2image._cyclegan_parts import check_translator, image_model, paper_pieces
from keras_gans_image2image.identity_mapping import IdentityMapping

__all__ = ["CycleGANModel"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class CycleGANModel(GANModel):
    """CycleGAN: unpaired translation with two generators, two PatchGANs and cycle losses.

    `generator` is `G: A -> B`, `generator_b2a` is `F: B -> A`; `discriminator` (`D_B`)
    scores images of domain B and `discriminator_a` (`D_A`) images of domain A. Each
    `train_step` on a batch `(a, b)` of unpaired images plays three players, discriminators
    first as in Algorithm 1 of Goodfellow et al.:

    1. `d_a` (`D_A`, `d_a_optimizer`): real `a` against `F(b)` drawn through the image
       pool; logged as `d_a_loss`, `d_a_real`, `d_a_fake`;
    2. `d_b` (`D_B`, `d_optimizer`): real `b` against `G(a)` through its own pool;
    3. `generator` (`G` and `F` together, `g_optimizer`): two views, `a2b` (`G(a)` scored
       by `D_B`) and `b2a` (`F(b)` scored by `D_A`); the adversarial generator term of
       each, the cycle-consistency term of each (`F(G(a))` vs `a`, `G(F(b))` vs `b`) and,
       when the model has an `IdentityMapping`, the identity term of each (`G(b)` vs `b`,
       `F(a)` vs `a`) are summed; logged as `g_loss`, `g_term/cycle_consistency`,
       `g_term/identity_mapping`.

    With `compile(loss="least-squares")` (the architecture's default) the discriminator
    objective is `0.5 (mean (D(b) - 1)^2 + mean D(G(a))^2)`, the paper's least-squares
    objective "divided by 2"; keras-gans' least-squares generator term,
    `0.5 mean (D(G(a)) - 1)^2`, is half of the paper's, so the cycle and identity weights
    are halved with it (`LEAST_SQUARES_SCALE` of `_cyclegan_parts`): the generator
    minimises exactly half of the paper's eq. 3 plus its identity term, which gives Adam
    the same updates (Adam is invariant to the scale of the objective). By default (a
    model built directly) the pieces are the paper's: `paper_pieces()` (lambda = 10,
    identity 0.5 lambda, a pool of 50 fakes per domain); `CycleGAN.default_tricks()` gives
    them for its keywords.

    The three optimizers, both image pools and the random streams are saved with the
    model, so training n steps, saving, loading and training m more is training n + m.
    Use `LinearDecay` learning rates for the paper's schedule.

    Args:
        generator: `G`, a functional `keras.Model` from images of A to images of B.
        discriminator: `D_B`, a functional `keras.Model` from images of B to raw scores
            (one per sample or a PatchGAN map).
        generator_b2a: `F`, from images of B to images of A.
        discriminator_a: `D_A`, from images of A to raw scores.
        latent_dim: Stored for the command line's contract; CycleGAN has no `z`
            (default 64).
        latent_distribution: Unused (default `"normal"`).
        num_classes: Must be `None` (default).
        seed: Seed of the image pools' draws (default `None`).
        ema_decay: Must be `None` (default): the paper keeps no moving average.
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> from keras_gans_image2image.cyclegan import CycleGAN
    >>> arch = CycleGAN(image_shape=(16, 16, 1), filters=4, discriminator_filters=4)
    >>> model = CycleGANModel(**arch.build_networks(), seed=0)
    >>> model.compile(loss="least-squares")
    >>> sorted(tracker.name for tracker in model.metrics)[:4]
    ['d_a_fake', 'd_a_loss', 'd_a_real', 'd_b_fake']
    >>> model.translate(np.zeros((2, 16, 16, 1)), direction="b2a").shape
    (2, 16, 16, 1)

    Reference:
        Zhu, Park, Isola & Efros, "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, sections 3-4 and appendix 7.
    """

    directions = ("a2b", "b2a")

    def __init__(
        self,
        generator,
        discriminator,
        generator_b2a,
        discriminator_a,
        latent_dim=64,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        for argument, value in (("num_classes", num_classes), ("ema_decay", ema_decay)):
            if value is not None:
                raise ValueError(
                    f"CycleGAN is unconditional and keeps no moving average: `{argument}` "
                    f"must be None. Received: {argument}={value!r}"
                )
        source, target = check_translator(
            generator_b2a, discriminator_a, "generator_b2a", "discriminator_a"
        )
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )
        a_shape, b_shape = image_model(generator, "generator")
        if (source, target) != (b_shape, a_shape):
            raise ValueError(
                "`generator_b2a` must translate back: images of B "
                f"{b_shape} to images of A {a_shape}. Received: {source} to {target}"
            )
        self.generator_b2a = generator_b2a
        self.discriminator_a = discriminator_a
        self.d_a_optimizer = None
        identity = 0.0 if a_shape[-1] != b_shape[-1] else 5.0
        self.architecture_tricks = paper_pieces(identity_weight=identity)

    def check_networks(self, generator, discriminator):
        """Checks `G: A -> B` against `D_B`; CycleGAN is never conditional (returns False)."""
        check_translator(generator, discriminator, "generator", "discriminator")
        return False

    def enable_ema(self, decay=0.999, start=0):
        """Refused: CycleGAN keeps no moving average (a saved `ema_decay` could not load)."""
        common.no_ema(decay, "CycleGAN")

    @property
    def image_shapes(self):
        """`{"a": shape of one image of A, "b": of B}` (without the batch axis)."""
        a_shape, b_shape = image_model(self.generator, "generator")
        return {"a": a_shape, "b": b_shape}

    # ----------------------------------------------------------------- compile
    def compile(
        self,
        d_optimizer="adam",
        g_optimizer="adam",
        loss="least-squares",
        d_steps=1,
        auto_scale_loss=True,
        jit_compile="auto",
        steps_per_execution=1,
        run_eagerly=False,
        tricks=None,
        d_a_optimizer=None,
    ):
        """Configures the three players' optimizers, the adversarial loss and `d_steps`.

        Args:
            d_optimizer: `D_B`'s optimizer (default `"adam"`; the paper's is
                `Adam(LinearDecay(2e-4, ...), beta_1=0.5)`).
            g_optimizer: The optimizer of `G` and `F` together (default `"adam"`).
            loss: The adversarial loss (default `"least-squares"`, the paper's).
            d_steps: Updates of each discriminator per generator update, each on its own
                slice of the batch (default 1, the paper's).
            auto_scale_loss, jit_compile, steps_per_execution, run_eagerly: As in
                `GANModel.compile`.
            tricks: More pieces (default none). A plain `keras_gans.tricks.ImagePool` is
                refused: it would share one pool between both discriminators; the model
                already has `DomainImagePools` (one pool per domain).
            d_a_optimizer: `D_A`'s optimizer (default `None`: a copy of `d_optimizer`'s
                hyperparameters, learning-rate schedule included, with its own state).
                Saved with the model and restored on load.
        """
        for trick in tricks or ():
            if isinstance(trick, ImagePool):
                raise ValueError(
                    "CycleGANModel has two discriminators; an ImagePool would show each of "
                    "them both domains' fakes. Use DomainImagePools(size=...) (one pool per "
                    f"discriminator). Received: tricks containing {trick!r}"
                )
        if d_a_optimizer is None:
            try:
                source = keras.optimizers.get(d_optimizer)
                d_a_optimizer = keras.optimizers.deserialize(keras.optimizers.serialize(source))
            except ValueError:
                d_a_optimizer = None  # GANModel.compile reports the bad `d_optimizer`
        if d_a_optimizer is not None:
            networks = (self.discriminator_a,)
            d_a_optimizer = prepare_optimizer(
                d_a_optimizer, "d_a_optimizer", auto_scale_loss, networks
            )
            if d_a_optimizer is d_optimizer or d_a_optimizer is g_optimizer:
                raise ValueError(
                    "`d_a_optimizer` must be its own optimizer (each player keeps its own "
                    f"state), not `d_optimizer` or `g_optimizer`. Received: {d_a_optimizer!r}"
                )
        self.d_a_optimizer = d_a_optimizer
        super().compile(
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            loss=loss,
            d_steps=d_steps,
            auto_scale_loss=auto_scale_loss,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
            tricks=tricks,
        )
        self._gan_compile_config["d_a_optimizer"] = self.d_a_optimizer

    def players(self):
        """`d_a` (`D_A`), `d_b` (`D_B`) and `generator` (`G` and `F`)."""
        return (
            Player("d_a", "discriminator", (self.discriminator_a,), self.d_a_optimizer),
            Player("d_b", "discriminator", (self.discriminator,), self.d_optimizer),
            Player(
                "generator", "generator", (self.generator, self.generator_b2a), self.g_optimizer
            ),
        )

    # ----------------------------------------------------------------- the game
    def unpack_batch(self, data_batch):
        """`(a, b)`: `fit(a, b)`, `fit((a, b))` or a dataset of `(a, b)` batches; float32."""
        return common.unpack_pair(data_batch, "CycleGANModel")

    def schedule(self, x, y, training=True):
        """Each discriminator on each of `d_steps` slices of `(a, b)`, then the generators.

        `x` is the batch of A and `y` the batch of B (from `unpack_batch`). In evaluation, each
        player once on the whole batch.
        """
        steps = self.d_steps if training else 1
        check.check_real_batch(x, self.discriminator_a, steps)
        check.check_real_batch(y, self.discriminator, steps)
        d_a, d_b, generator = self._players
        if not training:
            return [(d_a, (x, y)), (d_b, (x, y)), (generator, (x, y))]
        slices = list(data.real_minibatches(x, y, self.d_steps))
        updates = [(player, pair) for pair in slices for player in (d_a, d_b)]
        return [*updates, (generator, slices[-1])]

    def _view(self, player, real, fake, discriminator, training, extras=None):
        return StepContext(
            player=player,
            inputs=DiscriminatorInputs(real, fake, lambda x, t: discriminator(x, training=t)),
            seed_generator=self.seed_generator,
            iteration=self.g_optimizer.iterations,
            training=training,
            extras=extras,
            gradient=step.gradient,
            all_gather=step.all_gather,
        )

    def _translate(self, network, images, training):
        return ops.cast(network(images, training=training), "float32")

    def contexts(self, player, batch, training):
        """One view per discriminator update, two (`a2b`, `b2a`) for the generators."""
        a, b = batch
        g, f = self.generator, self.generator_b2a
        if player.name == "d_a":
            fake = ops.stop_gradient(self._translate(f, b, training))
            return [self._view(player, a, fake, self.discriminator_a, training)]
        if player.name == "d_b":
            fake = ops.stop_gradient(self._translate(g, a, training))
            return [self._view(player, b, fake, self.discriminator, training)]
        fake_b, fake_a = self._translate(g, a, training), self._translate(f, b, training)
        a2b = {"source": a, "reconstruction": self._translate(f, fake_b, training)}
        b2a = {"source": b, "reconstruction": self._translate(g, fake_a, training)}
        if any(isinstance(piece, IdentityMapping) for piece in self.pieces):
            a2b.update(target=b, identity=self._translate(g, b, training))
            b2a.update(target=a, identity=self._translate(f, a, training))
        return [
            self._view(player, b, fake_b, self.discriminator, training, a2b),
            self._view(player, a, fake_a, self.discriminator_a, training, b2a),
        ]

    # ----------------------------------------------------------------- inference
    def _network(self, direction):
        one_of(direction, "direction", self.directions)
        return self.generator if direction == "a2b" else self.generator_b2a

    def translate(self, images, direction="a2b", batch_size=32):
        """Translates images in inference mode: `"a2b"` runs `G`, `"b2a"` runs `F`.

        Args:
            images: A batch `(n, height, width, channels)` of the source domain, in [-1, 1],
                of the networks' input shape (`translator(direction, dynamic_size=True)`
                takes other sizes).
            direction: `"a2b"` (default) or `"b2a"`.
            batch_size: Images per forward pass (default 32).

        Returns:
            A float32 NumPy array `(n, height, width, channels of the target domain)` in
            [-1, 1].
        """
        network = self._network(direction)
        batch_size = check.check_positive_int(batch_size, "batch_size")
        expected = tuple(network.inputs[0].shape[1:])
        common.refuse_integer_images(images)
        try:
            array = np.asarray(images, dtype="float32")
        except (TypeError, ValueError):
            array = None
        if array is None or array.ndim != 4 or tuple(array.shape[1:]) != expected:
            received = getattr(array, "shape", type(images).__name__)
            raise ValueError(
                f"`images` must be a batch of shape (n, {', '.join(map(str, expected))}) for "
                f"direction={direction!r}. Received: images of shape {received}"
            )
        parts = [
            ops.convert_to_numpy(network(array[i : i + batch_size], training=False))
            for i in range(0, len(array), batch_size)
        ]
        if not parts:
            return np.zeros((0, *network.outputs[0].shape[1:]), "float32")
        return np.concatenate(parts, axis=0).astype("float32")

    def translator(self, direction="a2b", dynamic_size=False):
        """The translator of `direction` as a functional image-to-image `keras.Model`.

        It shares the trained weights (no copy). The networks have neither dropout nor
        batch statistics (instance normalisation uses each image's own statistics), so
        training and inference behaviour are the same.

        Args:
            direction: `"a2b"` (`G`, default) or `"b2a"` (`F`).
            dynamic_size: Give the model an input of shape `(None, None, channels)`
                (default `False`: the training size). The ResNet generator is fully
                convolutional: sides that are multiples of `2 ** num_downsamplings` (4 with
                the defaults from 16 pixels) and at least twice that give outputs of the
                input's size.

        Returns:
            A `keras.Model` named `cyclegan_<direction>` with one input, `image`.
        """
        network = self._network(direction)
        shape = tuple(network.inputs[0].shape[1:])
        if dynamic_size:
            shape = (None, None, shape[-1])
        inputs = keras.Input(shape, name="image")
        if dynamic_size:
            body = keras.models.clone_model(
                network, input_tensors=inputs, clone_function=lambda layer: layer
            )
            outputs = body.outputs[0]
        else:
            outputs = network(inputs)
        return keras.Model(inputs, outputs, name=f"cyclegan_{direction}")

    def generate(self, *args, **kwargs):
        """CycleGAN translates images instead of sampling them: use `translate`."""
        raise TypeError(
            "CycleGANModel has no latent input to sample: use translate(images, "
            "direction='a2b' or 'b2a') or translator(direction)."
        )

    # ----------------------------------------------------------------- saving
    def get_config(self):
        return {
            **super().get_config(),
            "generator_b2a": keras.saving.serialize_keras_object(self.generator_b2a),
            "discriminator_a": keras.saving.serialize_keras_object(self.discriminator_a),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator_b2a", "discriminator_a"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return super().from_config(config)

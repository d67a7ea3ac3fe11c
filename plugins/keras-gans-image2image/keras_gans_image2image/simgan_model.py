"""`SimGANModel`: the refiner's game on the step protocol (SimGAN, feature loss + GAN)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import positive_int
from keras_gans.models import data, step
from keras_gans.models import validation as check
from keras_gans.steps import DiscriminatorInputs, StepContext
from keras_gans_image2image import _baselines_common as common

__all__ = ["SimGANModel"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class SimGANModel(GANModel):
    """SimGAN: a refiner `R` (A to B) against a local discriminator, from unpaired data.

    `fit(a, b)` (or a dataset of `(a, b)` batches): `a` are "synthetic" images of domain
    A, `b` unpaired "real" images of domain B. Each step is the paper's Algorithm 1:
    `refiner_steps` updates of the `generator` player (the refiner, `g_optimizer`), each
    on its own slice of `a`, then `d_steps` updates of the `discriminator` player
    (`d_optimizer`), each on its own slices of `a` and `b`. The pieces:

    - the adversarial loss (`"non-saturating"` in the `simgan` architecture): the
      discriminator's logits form a map, one per patch, and the loss is the mean of the
      per-location cross-entropies (the local adversarial loss); the refiner's term is
      `-log D(R(x))` per location;
    - `SelfRegularization`: `lambda * mean |psi(R(x)) - psi(x)|` for the refiner (the
      model passes `x` and `R(x)` as the context's `extras` `"input"` and `"refined"`);
    - `RefinedHistory`: half of each discriminator minibatch from a buffer of past
      refined images.

    Logged: `d_loss`, `g_loss`, `g_term/self_regularization`, `d_real`, `d_fake`.
    `translate(a)` refines (inference mode); `translator()` is the refiner as an image to
    image model, for any size with `dynamic_size=True` (fully convolutional).

    Args:
        generator: The refiner, a functional `keras.Model` from images of A to images of
            B of the same size.
        discriminator: From images of B to raw logits (a map, or one per image).
        latent_dim: Unused (the refiner takes no `z`); kept for the command line.
        latent_distribution: Unused (default `"normal"`).
        num_classes: Must be `None` (default).
        seed: Seed of the model's random stream (history draws) (default `None`).
        ema_decay: Must be `None` (default).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np, keras_gans
    >>> model = keras_gans.GANModel.from_architecture(
    ...     "simgan", image_shape=(16, 16, 1), filters=4, residual_blocks=1,
    ...     discriminator_filters=(4, 4, 4, 4), seed=0)
    >>> model.compile("adam", "adam")  # then model.fit(a, b, batch_size=64, epochs=...)
    >>> model.translate(np.zeros((2, 16, 16, 1), "float32")).shape
    (2, 16, 16, 1)
    >>> model.translator(dynamic_size=True).input_shape
    (None, None, None, 1)

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017, Algorithm 1 and sections 2.1-2.3.
    """

    directions = ("a2b",)

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=64,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        if num_classes is not None:
            raise ValueError(
                f"SimGAN is unconditional: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        common.no_ema(ema_decay, "SimGAN")
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )
        self.refiner_steps = 1

    def check_networks(self, generator, discriminator):
        """The refiner maps images to images that the discriminator takes."""
        source = common.network_shape(generator, "input", "generator")
        target = common.network_shape(generator, "output", "generator")
        if len(source) != 3 or source[:2] != target[:2]:
            raise ValueError(
                "`generator` (the refiner) must map images (h, w, c) to images of the same "
                f"size. Received: input {source}, output {target}"
            )
        if target != common.network_shape(discriminator, "input", "discriminator"):
            raise ValueError(
                "The refiner's output must fit the discriminator's input. Received: "
                f"{target} and {common.network_shape(discriminator, 'input', 'discriminator')}"
            )
        return False

    def enable_ema(self, decay=0.999, start=0):
        """Refused: SimGAN keeps no moving average of its generator."""
        common.no_ema(decay, "SimGAN")

    @property
    def image_shape(self):
        """Domain A's image shape (the refiner's input)."""
        return tuple(self.generator.inputs[0].shape[1:])

    @property
    def image_shapes(self):
        """`{"a": shape of one image of A, "b": of B}` (without the batch axis)."""
        return {"a": self.image_shape, "b": tuple(self.generator.outputs[0].shape[1:])}

    def generate(self, n, seed=None, **kwargs):
        """Not available: the refiner takes images, not latents; use `translate`."""
        raise NotImplementedError(
            "SimGAN's refiner maps images of domain A to domain B and takes no latent z: "
            f"use `translate(images)`. Received: generate(n={n!r})"
        )

    # ----------------------------------------------------------------- construction
    def compile(self, d_optimizer="adam", g_optimizer="adam", loss="non-saturating",
                d_steps=1, auto_scale_loss=True, jit_compile="auto", steps_per_execution=1,
                run_eagerly=False, tricks=None, refiner_steps=1):  # fmt: skip
        """As `GANModel.compile`, plus `refiner_steps`.

        Args:
            d_optimizer, g_optimizer, loss, d_steps, auto_scale_loss, jit_compile,
                steps_per_execution, run_eagerly, tricks: As in `GANModel.compile`
                (`g_optimizer` updates the refiner; `d_steps` is the paper's `K_d`).
            refiner_steps: Refiner updates per step, the paper's `K_g` (default 1; the
                paper trains with 2). Each takes its own slice of the batch, so `fit`'s
                `batch_size` must be divisible by it.
        """
        self.refiner_steps = positive_int(refiner_steps, "refiner_steps")
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
        self._gan_compile_config["refiner_steps"] = self.refiner_steps

    # ----------------------------------------------------------------- the game
    def unpack_batch(self, data_batch):
        return common.unpack_pair(data_batch, "SimGAN")

    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        if batch_size is not None and positive_int(batch_size, "batch_size") % self.refiner_steps:
            raise ValueError(
                f"`batch_size` must be divisible by `refiner_steps` ({self.refiner_steps}): "
                f"each refiner update takes its own slice. Received: batch_size={batch_size}"
            )
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    def schedule(self, x, y, training=True):
        """`refiner_steps` refiner updates, then `d_steps` discriminator updates."""
        check.check_real_batch(y, self.discriminator, self.d_steps if training else 1)
        discriminator, generator = self._players
        if not training:
            return [(discriminator, (x, y)), (generator, (x, y))]
        refiner = [(generator, b) for b in data.real_minibatches(x, y, self.refiner_steps)]
        critic = [(discriminator, b) for b in data.real_minibatches(x, y, self.d_steps)]
        return [*refiner, *critic]

    def contexts(self, player, batch, training):
        """One view: real `b` against `R(a)`; `a` and `R(a)` in `extras`."""
        a, b = batch
        refined = ops.cast(self.generator(a, training=training), "float32")
        fake = ops.stop_gradient(refined) if player.role == "discriminator" else refined
        return [
            StepContext(
                player=player,
                inputs=DiscriminatorInputs(b, fake, self._discriminate),
                seed_generator=self.seed_generator,
                iteration=self.g_optimizer.iterations,
                training=training,
                extras={"input": a, "refined": fake},
                gradient=step.gradient,
                all_gather=step.all_gather,
            )
        ]

    # ----------------------------------------------------------------- inference
    def translate(self, images, direction="a2b", batch_size=32):
        """Refines `images` of A (inference mode): a NumPy array of images of B.

        Args:
            images: `(n, h, w, c)` in [-1, 1], A's shape.
            direction: `"a2b"` (default; the only one).
            batch_size: Images per forward pass (default 32).
        """
        common.check_direction(direction, self.directions)
        images = common.check_images(images, self.image_shape)
        batch_size = positive_int(batch_size, "batch_size")
        return common.batched(lambda t: self.generator(t, training=False), images, batch_size)

    def translator(self, direction="a2b", dynamic_size=False):
        """The refiner as a functional image-to-image model, in inference mode.

        It shares the trained weights (the same layers). With `dynamic_size=True` its
        input is `(None, None, c)`: any height and width (the refiner has no striding).

        Args:
            direction: `"a2b"` (default; the only one).
            dynamic_size: Accept any image size (default `False`: A's size).

        Returns:
            A `keras.Model` from images of A to images of B.
        """
        common.check_direction(direction, self.directions)
        if dynamic_size not in (True, False):
            raise TypeError(
                f"`dynamic_size` must be True or False. Received: dynamic_size={dynamic_size!r}"
            )
        shape = (None, None, self.image_shape[-1]) if dynamic_size else self.image_shape
        inputs = keras.Input(shape, name="image")
        network = keras.models.clone_model(
            self.generator,
            input_tensors=keras.Input(shape),
            clone_function=lambda layer: layer,  # the same layers: shared weights
        )
        return keras.Model(inputs, network(inputs, training=False), name="simgan_translator")

"""What the paired translation models (pix2pix, pix2pixHD) share: data, checks, inference.

`PairedTranslation` is a mixin placed before `GANModel`. It reads `(a, b)` batches
(`fit(a, b)`), checks the networks (a generator from A images to B images, a
discriminator scoring `[b, a]`), splits a batch into the discriminator's `d_steps`
minibatches, and provides `translate` / `translator`, which always run the generator in
inference mode (`training=False`: no dropout, BatchNorm moving statistics), and run the
EMA generator when the model keeps one (`use_ema=True`, `generate`'s convention).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans.checks import one_of, positive_int
from keras_gans.models import data, step
from keras_gans.models import validation as check
from keras_gans.steps import DiscriminatorInputs, StepContext
from keras_gans.tricks import ImagePool
from keras_gans_image2image._baselines_common import (
    float_images,
    refuse_integer_images,
    split_pair,
)

__all__ = ["PairedTranslation"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class _InferenceMode(keras.layers.Layer):
    """Calls `network` with `training=False` whatever the caller asks: the graph of an
    exported translator has no dropout and no batch statistics."""

    def __init__(self, network, **kwargs):
        super().__init__(**kwargs)
        self.network = network

    def call(self, inputs):
        return self.network(inputs, training=False)

    def get_config(self):
        return {
            **super().get_config(),
            "network": keras.saving.serialize_keras_object(self.network),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


def _shape(tensor):
    return tuple(tensor.shape[1:])


def _compatible(a, b):
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b, strict=True)
    )


def check_paired_networks(generator, discriminator, family):
    """Checks `generator: A -> B` and `discriminator: [b, a] -> scores`; returns shapes."""
    for network, argument in ((generator, "generator"), (discriminator, "discriminator")):
        try:
            network.inputs  # noqa: B018 - functional models only
        except (AttributeError, ValueError):
            raise ValueError(
                f"{family}'s `{argument}` must be a functional keras.Model (its shapes are "
                f"checked). Received: {argument}={network!r}"
            ) from None
    if len(generator.inputs) != 1 or len(generator.outputs) != 1:
        raise ValueError(
            f"{family}'s `generator` must map one image batch to one image batch. Received "
            f"{len(generator.inputs)} inputs and {len(generator.outputs)} outputs."
        )
    a_shape, b_shape = _shape(generator.inputs[0]), _shape(generator.outputs[0])
    if len(a_shape) != 3 or len(b_shape) != 3:
        raise ValueError(
            f"{family}'s `generator` must map (h, w, c) images to (h, w, c) images. "
            f"Received: input {a_shape}, output {b_shape}"
        )
    d_inputs = [_shape(t) for t in discriminator.inputs]
    if len(d_inputs) != 2 or not (
        _compatible(d_inputs[0], b_shape) and _compatible(d_inputs[1], a_shape)
    ):
        raise ValueError(
            f"{family}'s `discriminator` must take [b, a]: an image of the generator's output "
            f"shape {b_shape} and one of its input shape {a_shape}. Received inputs "
            f"{d_inputs}"
        )
    return a_shape, b_shape


class PairedTranslation:
    """Mixin (before `GANModel`) for a model trained on `(a, b)` pairs, translating A to B."""

    #: The translation directions `translate` and `translator` accept.
    directions = ("a2b",)
    family = "A paired translation model"

    def check_networks(self, generator, discriminator):
        """Checks the pair of networks; the model is not conditional in GANModel's sense."""
        self.a_shape, self.b_shape = check_paired_networks(generator, discriminator, self.family)
        return False

    # ----------------------------------------------------------------- compile
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
        """As `GANModel.compile`, refusing a `keras_gans.tricks.ImagePool` in `tricks`.

        The discriminator scores pairs `[b, a]`: `ImagePool` keeps fakes only, so it would
        show earlier batches' fakes `G(a_old)` next to the current batch's inputs `a`,
        pairs that match nothing (a pool for a paired model would have to keep whole
        pairs; the authors train pix2pix with `--pool_size 0`).
        """
        for trick in tricks or ():
            if isinstance(trick, ImagePool):
                raise ValueError(
                    f"{self.family}'s discriminator scores (image, input) pairs: an ImagePool "
                    "would pair fakes from earlier batches with the current batch's input "
                    "images, so the discriminator would learn from mismatched pairs. Paired "
                    f"models take no image pool. Received: tricks containing {trick!r}"
                )
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

    # ----------------------------------------------------------------- data
    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        """Trains on pairs: `fit(a, b)`, `fit((a, b))` or a dataset of `(a, b)` batches."""
        x, y = split_pair(x, y)  # `fit((a, b))`, as CycleGAN and CoGAN take it
        if isinstance(x, np.ndarray) and y is None:
            raise ValueError(
                "A paired translation model trains on pairs: pass `fit(a, b)` or `fit((a, b))` "
                "(inputs and their ground-truth translations) or a dataset of `(a, b)` "
                "batches. Received: y=None"
            )
        if isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and len(x) != len(y):
            raise ValueError(
                f"`x` (domain A) and `y` (domain B) must hold the same number of images. "
                f"Received: {len(x)} and {len(y)}"
            )
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    def unpack_batch(self, data_batch):
        """`(a, b)` of a batch, both float32 (floating-point images only)."""
        a, b = split_pair(*keras.utils.unpack_x_y_sample_weight(data_batch)[:2])
        if b is None:
            raise ValueError(
                "A paired translation model needs `(a, b)` batches (an input image and its "
                "ground-truth translation). Received: images only."
            )
        return float_images(a, "a"), float_images(b, "b")

    def schedule(self, x, y, training=True):
        """`d_steps` discriminator updates on their own slices, then the generator.

        A static batch size must be divisible by `d_steps`, as in `GANModel`.
        """
        for images, shape, argument in ((x, self.a_shape, "a"), (y, self.b_shape, "b")):
            if not _compatible(tuple(images.shape[1:]), shape):
                raise ValueError(
                    f"`{argument}` images must have shape {shape}. Received: "
                    f"{tuple(images.shape[1:])}"
                )
        # The core's trace-time checks (the discriminator's first input is `b`).
        check.check_real_batch(y, self.discriminator, self.d_steps if training else 1)
        discriminator, generator = self._players
        if not training:
            return [(discriminator, (x, y)), (generator, (x, y))]
        updates = [(discriminator, pair) for pair in data.real_minibatches(x, y, self.d_steps)]
        return [*updates, (generator, updates[-1][1])]

    def paired_context(self, player, a, b, fake, network, training, extras=None):
        """One view: ground truth `b` ("real") and `fake` ("fake"), both conditioned on `a`.

        The discriminator `network(inputs, training)` is called with `[image, a]`.
        """
        if player.role == "discriminator":
            fake = ops.stop_gradient(fake)
        return StepContext(
            player=player,
            inputs=DiscriminatorInputs(b, fake, network),
            condition=a,
            seed_generator=self.seed_generator,
            iteration=self.g_optimizer.iterations,
            training=training,
            extras=extras,
            gradient=step.gradient,
            all_gather=step.all_gather,
        )

    # ----------------------------------------------------------------- inference
    @property
    def image_shapes(self):
        """`{"a": shape of one image of A, "b": of B}` (without the batch axis)."""
        return {"a": self.a_shape, "b": self.b_shape}

    def _check_direction(self, direction):
        one_of(direction, "direction", self.directions)

    def _inference_network(self, use_ema):
        """`ema_generator` if `use_ema` and the model keeps one, else `generator`."""
        if use_ema not in (True, False):
            raise TypeError(f"`use_ema` must be True or False. Received: use_ema={use_ema!r}")
        ema = self.ema_generator if use_ema else None
        return self.generator if ema is None else ema

    def translate(self, images, direction="a2b", batch_size=32, use_ema=True):
        """Translates images of domain A to domain B in inference mode.

        Args:
            images: Domain A images, `(n, h, w, c)` of the generator's input shape, in
                [-1, 1].
            direction: `"a2b"` (default; the only direction of a paired model).
            batch_size: Images per forward pass (default 32).
            use_ema: Run `ema_generator` when the model keeps one (`ema_decay`; default
                `True`, as `GANModel.generate`); `False` runs the trained `generator`.

        Returns:
            A float32 NumPy array `(n, h, w, c_b)` in [-1, 1].
        """
        self._check_direction(direction)
        batch_size = positive_int(batch_size, "batch_size")
        network = self._inference_network(use_ema)
        refuse_integer_images(images)
        try:
            array = np.asarray(images, dtype="float32")
        except (TypeError, ValueError):
            array = None
        if array is None or array.ndim != 4 or not _compatible(array.shape[1:], self.a_shape):
            raise ValueError(
                f"`images` must be a batch of domain A images of shape (n, "
                f"{', '.join(map(str, self.a_shape))}). Received: images of shape "
                f"{getattr(array, 'shape', None)}"
            )
        parts = [
            ops.convert_to_numpy(network(array[i : i + batch_size], training=False))
            for i in range(0, len(array), batch_size)
        ]
        if not parts:
            return np.zeros((0, *self.b_shape), "float32")
        return np.concatenate(parts).astype("float32")

    def translator(self, direction="a2b", dynamic_size=False, use_ema=True):
        """A functional `keras.Model` from A images to B images, in inference mode.

        It shares the weights of the network it runs (the EMA generator when the model
        keeps one and `use_ema`, else the generator); its graph calls that network with
        `training=False` whatever the caller passes, so an exported translator has no
        dropout and uses BatchNorm's moving statistics.

        Args:
            direction: `"a2b"` (default; the only direction).
            dynamic_size: Give the input shape `(None, None, c)` (default `False`: the
                training images' shape). The network is fully convolutional; see
                `size_multiple` for the sizes it accepts.
            use_ema: Translate with `ema_generator` when the model keeps one (default
                `True`, as `translate`); `False`: the trained `generator`.

        Returns:
            A `keras.Model` named `translator_a2b`.
        """
        self._check_direction(direction)
        network = self._inference_network(use_ema)
        if dynamic_size:
            # The same layers (shared weights) called on an input of any size.
            network = keras.models.clone_model(
                network,
                input_tensors=keras.Input((None, None, self.a_shape[-1])),
                clone_function=lambda layer: layer,
            )
        inputs = keras.Input(network.inputs[0].shape[1:], name="image")
        outputs = _InferenceMode(network, name="generator")(inputs)
        return keras.Model(inputs, outputs, name=f"translator_{direction}")

    def generate(self, n, seed=None, labels=None, batch_size=256, latents=None, use_ema=True):
        """Not available: a translation model maps images, use `translate(images)`."""
        raise TypeError(
            f"{type(self).__name__} translates images; it does not sample from a prior. "
            "Use `translate(images)` or `translator()`."
        )

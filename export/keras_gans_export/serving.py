"""`Serving`: a generator traced as one function with named inputs and outputs.

Every exporter starts from a `Serving` (built by `keras_gans.export.build_serving`): one
`tf.function` with a named input signature (`z`, `labels`, `noise_<layer>`) returning
`{"images" or "samples": x}`, with post-processing such as `output="uint8"` inside it, so
every format serves exactly the same computation. It also draws the seeded batches that
verification and int8 calibration use, and computes the Keras reference outputs.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import tensorflow as tf

__all__ = [
    "OUTPUTS",
    "Serving",
    "TensorInfo",
    "resolve_prior",
    "stateless_distribution",
    "to_uint8",
]

#: The `output=` modes.
OUTPUTS = ("float32", "uint8")
#: keras.random turns an int seed `s` into the stateless seed `[s mod (2**31 - 2), 0]`.
_KERAS_SEED_MODULUS = 2**31 - 2


@dataclasses.dataclass(frozen=True)
class TensorInfo:
    """One named input or output of the exported signature.

    Attributes:
        name: The signature name (`"z"`, `"labels"`, `"noise_<layer>"`, `"images"` ...).
        role: `"latent"`, `"image"` (image-to-image generators), `"labels"`, `"noise"` or
            `"output"`.
        dtype: The dtype name.
        shape: The shape, with `None` for dynamic dimensions.
        distribution: For latents and noise, what to feed (e.g. `"normal"`).
        num_classes: For class-id labels, the number of classes.
        layer: For noise inputs, the layer that drew the noise.
        value_range: For outputs, `[low, high]` when known.
        layout: For image outputs, `"NHWC"`.
    """

    name: str
    role: str
    dtype: str
    shape: tuple
    distribution: str | None = None
    num_classes: int | None = None
    layer: str | None = None
    value_range: tuple | None = None
    layout: str | None = None

    def spec(self) -> tf.TensorSpec:
        """The `tf.TensorSpec` of this input."""
        return tf.TensorSpec(self.shape, self.dtype, name=self.name)

    def as_dict(self) -> dict:
        """A JSON-ready dict of the fields that are set."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not None:
                out[field.name] = list(value) if isinstance(value, tuple) else value
        return out


def to_uint8(x, value_range):
    """Maps float samples in `value_range` to uint8 pixels in [0, 255] (rounded, clipped).

    Example:
    >>> to_uint8(tf.constant([-1.0, 0.0, 1.0, 2.0]), (-1.0, 1.0)).numpy().tolist()
    [0, 128, 255, 255]
    """
    low, high = value_range
    scale = 255.0 / (high - low)
    scaled = tf.cast(x, tf.float32) * scale - low * scale
    return tf.cast(tf.round(tf.clip_by_value(scaled, 0.0, 255.0)), tf.uint8)


def _to_uint8_numpy(x, value_range):
    low, high = value_range
    scaled = (np.asarray(x, np.float32) - np.float32(low)) * np.float32(255.0 / (high - low))
    return np.round(np.clip(scaled, 0.0, 255.0)).astype(np.uint8)


def _draw(distribution, shape, seed, dtype=tf.float32):
    if distribution == "normal":
        return tf.random.stateless_normal(shape, seed=seed, dtype=dtype)
    if distribution == "truncated_normal":
        return tf.random.stateless_truncated_normal(shape, seed=seed, dtype=dtype)
    if distribution == "uniform":
        return tf.random.stateless_uniform(shape, seed=seed, dtype=dtype)
    if distribution == "uniform(-1, 1)":
        return tf.random.stateless_uniform(shape, minval=-1.0, maxval=1.0, seed=seed, dtype=dtype)
    raise ValueError(f"Unknown distribution {distribution!r}")


def resolve_prior(value):
    """`(LatentDistribution, description)` for a name or a `LatentDistribution`."""
    from keras_gans import latents

    prior = latents.resolve(value)
    if isinstance(value, str):
        return prior, value
    config = prior.get_config()
    return prior, f"{type(prior).__name__}({', '.join(f'{k}={v!r}' for k, v in config.items())})"


def stateless_distribution(prior):
    """The stateless TensorFlow draw equal to `prior.sample` for a given int seed, if any."""
    from keras_gans import latents

    if type(prior) is latents.NormalLatent:
        return "normal"
    if type(prior) is latents.UniformLatent:
        return "uniform(-1, 1)"
    return None


def _sample(rng, distribution, shape, dtype):
    if distribution == "normal":
        values = rng.standard_normal(shape)
    elif distribution == "truncated_normal":
        values = np.clip(rng.standard_normal(shape), -2.0, 2.0)
    elif distribution == "uniform":
        values = rng.uniform(0.0, 1.0, shape)
    else:  # "uniform(-1, 1)"
        values = rng.uniform(-1.0, 1.0, shape)
    return values.astype(dtype)


class Serving:
    """A generator traced as one serving function with a named input signature.

    Built by `build_serving`; exporters read its `function`, `inputs`, `output` and
    `variables`, and verification uses `sample_inputs` and `reference`.

    Attributes:
        generator: The exported network.
        network: `"ema_generator"`, `"generator"` or `"model"`.
        inputs: `TensorInfo` of every input, in signature order.
        output: `TensorInfo` of the output.
        function: The `tf.function` (with `input_signature`) returning `{output.name: x}`.
        variables: The TensorFlow variables the function reads (for SavedModel tracking).
        noise_inputs: The lifted random draws (`noise.NoiseInput`), often empty.
        batch_size: The fixed batch size, or `None` (dynamic).
        latent_dim, latent_distribution, num_classes, label_type: What a client needs to
            build inputs (`label_type` is `"class_ids"`, `"embedding"` or `None`).
        prior: The `keras_gans.latents.LatentDistribution` latents are drawn from.
        output_mode: `"float32"` or `"uint8"`.
        output_range: The generator's float output range, or `None` when unknown.
        sample_shape: The per-example shape of the first input in verification batches
            (a dynamic image input's training size).
        standing_statistics: `keras_gans.models.standing_statistics.
            standing_statistics_record` of the network: how its batch-norm statistics were
            re-measured before export, or `None`.
    """

    def __init__(self, **fields):
        for key, value in fields.items():
            setattr(self, key, value)

    # ----------------------------------------------------------------- signatures
    @property
    def input_signature(self):
        return [info.spec() for info in self.inputs]

    @property
    def conditional(self):
        return self.label_type is not None

    def seed_signature_problem(self):
        """Why a seed-based signature cannot be built, or `None` when it can."""
        if self.inputs[0].role != "latent":
            return "the generator's first input is not a latent vector"
        if stateless_distribution(self.prior) is None:
            return (
                f"the latent distribution {self.latent_distribution} has no stateless "
                "TensorFlow equivalent (only 'normal' and 'uniform' do)"
            )
        for info in self.noise_inputs:
            if any(d is None for d in info.shape[1:]):
                return f"the noise input '{info.name}' of shape {info.shape} is not fixed-size"
        return None

    def seed_function(self):
        """A `tf.function` generating from a seed: `(seed, n)`, or `(seed, labels)` when
        conditional; `None` when `seed_signature_problem()` says it cannot be built.

        The latents equal `GANModel.generate(n, seed=seed)`'s for the same seed (the same
        stateless draw as `keras.random`); noise inputs are drawn from seeds derived from it.
        """
        if self.seed_signature_problem() is not None:
            return None
        seed_spec = tf.TensorSpec((), tf.int64, name="seed")
        second = self.inputs[1].spec() if self.conditional else tf.TensorSpec((), tf.int32, "n")
        distribution = stateless_distribution(self.prior)

        def generate(seed, count_or_labels):
            n = tf.shape(count_or_labels)[0] if self.conditional else count_or_labels
            if self.batch_size is not None:
                n = self.batch_size
            pair = tf.stack([seed, tf.constant(0, tf.int64)])
            pair = tf.cast(tf.math.floormod(pair, _KERAS_SEED_MODULUS), tf.int32)
            tensors = [_draw(distribution, (n, self.latent_dim), pair)]
            if self.conditional:
                tensors.append(count_or_labels)
            for index, info in enumerate(self.noise_inputs):
                shape = (n, *info.shape[1:])
                tensors.append(_draw(info.distribution, shape, pair + [0, index + 1], info.dtype))
            return self.function(*tensors)

        return tf.function(generate, input_signature=[seed_spec, second], autograph=False)

    # ----------------------------------------------------------------- verification
    def _samples_needed(self, base):
        """`base`, or `num_classes` when class ids are more: one sample of every class."""
        if self.label_type == "class_ids" and self.num_classes:
            return max(base, self.num_classes)
        return base

    def sample_inputs(self, n=None, seed=0, first_class=0):
        """A reproducible batch for every input.

        Args:
            n: The batch size (default 8, or `num_classes` when there are more class ids, so
                that the batch holds every class); a fixed `batch_size` overrides it.
            seed: Seed of the draws (default 0).
            first_class: The class id of the first sample (default 0).

        Latents come from the prior (as `GANModel.sample_latent(n, seed)`), class ids
        cycle through the classes from `first_class`, embedding labels and noise are drawn
        from their distributions, image inputs from U(-1, 1).
        """
        n = self.batch_size or n or self._samples_needed(8)
        rng = np.random.default_rng(seed)
        batch = {}
        for info in self.inputs:
            shape = (n, *info.shape[1:])
            if info.role == "image":
                shape = (n, *getattr(self, "sample_shape", info.shape[1:]))
            if info.role == "latent":
                z = self.prior.sample(n, self.latent_dim, seed=seed)
                batch[info.name] = np.asarray(keras.ops.convert_to_numpy(z), info.dtype)
            elif info.role == "labels" and self.label_type == "class_ids":
                ids = (first_class + np.arange(n)) % (self.num_classes or 1)
                batch[info.name] = ids.reshape((n,) + (1,) * (len(shape) - 1)).astype(info.dtype)
            else:
                distribution = info.distribution or "normal"
                batch[info.name] = _sample(rng, distribution, shape, info.dtype)
        return batch

    def verification_batches(self, seed=0):
        """The seeded batches an artifact is verified on, which together hold every class id.

        With a dynamic batch size, one `sample_inputs(seed=seed)` batch (8 samples, or one
        per class). With a fixed one, `ceil(num_classes / batch_size)` batches of that size
        (one when unconditional): batch `i` is drawn with seed `seed + i` and its class ids
        continue where batch `i - 1`'s stopped.

        Example:
        >>> import keras_gans
        >>> from keras_gans import export
        >>> gan = keras_gans.GANModel.from_architecture(
        ...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,), num_classes=5)
        >>> batches = export.build_serving(gan, batch_size=2).verification_batches()
        >>> [b["labels"].ravel().tolist() for b in batches]
        [[0, 1], [2, 3], [4, 0]]
        """
        if self.batch_size is None:
            return [self.sample_inputs(seed=seed)]
        count = -(-self._samples_needed(self.batch_size) // self.batch_size)
        return [
            self.sample_inputs(seed=seed + i, first_class=i * self.batch_size) for i in range(count)
        ]

    def reference(self, batch):
        """What the exported artifact must output for `batch`, computed by Keras.

        With noise inputs the generator's own call would draw fresh noise, so the reference
        is the traced Keras graph with the given noise fed in (run by TensorFlow).
        """
        if self.noise_inputs:
            args = [tf.constant(batch[info.name]) for info in self.inputs]
            return self.function(*args)[self.output.name].numpy()
        model_inputs = [batch[info.name] for info in self.inputs]
        x = self.generator(
            model_inputs if len(model_inputs) > 1 else model_inputs[0], training=False
        )
        x = np.asarray(keras.ops.convert_to_numpy(x), np.float32)
        if self.output_mode == "uint8":
            return _to_uint8_numpy(x, self.output_range)
        return x

    def tolerance_scale(self, reference):
        """The size of the output's range, by which format tolerances are multiplied."""
        if self.output_mode == "uint8":
            return 127.5
        if self.output_range is not None:
            return (self.output_range[1] - self.output_range[0]) / 2.0
        return max(1.0, float(np.max(np.abs(reference))))

    def describe(self) -> dict:
        """The JSON-ready description used in the export metadata."""
        return {
            "network": self.network,
            "generator_name": self.generator.name,
            "latent_dim": self.latent_dim,
            "latent_distribution": self.latent_distribution,
            "num_classes": self.num_classes,
            "label_type": self.label_type,
            "batch_size": self.batch_size,
            "output": self.output_mode,
            "output_range": list(self.output.value_range) if self.output.value_range else None,
            "generator_output_range": list(self.output_range) if self.output_range else None,
            "layout": self.output.layout,
            "inputs": [info.as_dict() for info in self.inputs],
            "outputs": [self.output.as_dict()],
            "standing_statistics": self.standing_statistics,
        }

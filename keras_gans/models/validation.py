"""Argument checks for `GANModel`, with Keras-style messages (argument, expectation, value)."""

from __future__ import annotations

import keras
import numpy as np

from keras_gans.checks import floating_point, number_in, positive_int

LATENT_DISTRIBUTIONS = ("normal", "uniform")


check_positive_int = positive_int


def check_network(network, argument):
    if not isinstance(network, keras.layers.Layer):
        raise TypeError(
            f"`{argument}` must be a keras.Model (or keras.layers.Layer). "
            f"Received: {argument}={network!r} of type {type(network).__name__}"
        )
    return network


def check_latent_distribution(value, latent_dim):
    """Returns the `LatentDistribution` that `value` names, checked against `latent_dim`."""
    from keras_gans import latents

    if isinstance(value, str) and value not in LATENT_DISTRIBUTIONS:
        raise ValueError(
            f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS} or a "
            f"keras_gans.latents.LatentDistribution. Received: latent_distribution={value!r}"
        )
    distribution = latents.resolve(value)
    distribution.check(latent_dim)
    return distribution


def check_decay(value, argument="decay"):
    return number_in(value, argument, 0, 1, low_open=True, high_open=True)


#: The largest seed TensorFlow's stateless random ops take (an int64).
MAX_SEED = 2**63 - 1


def check_seed(seed, argument="seed", allow_generator=True):
    """Returns `seed` if it is `None`, an integer in [0, 2**63 - 1] or (when
    `allow_generator`) a `keras.random.SeedGenerator`."""
    if seed is None or (allow_generator and isinstance(seed, keras.random.SeedGenerator)):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        valid = False
    else:
        valid = 0 <= seed <= MAX_SEED
    if not valid:
        generator = ", a keras.random.SeedGenerator" if allow_generator else ""
        raise ValueError(
            f"`{argument}` must be None{generator} or an integer in [0, 2**63 - 1]. "
            f"Received: {argument}={seed!r}"
        )
    return int(seed)


def check_tricks(tricks):
    """Checks `compile(tricks=...)`: a list of pieces (`Trick` objects) with distinct names."""
    from keras_gans.steps import Piece as Trick

    tricks = list(tricks or ())
    for trick in tricks:
        if not isinstance(trick, Trick):
            raise TypeError(
                "Every item of `tricks` must be a keras_gans.tricks.Trick. "
                f"Received: {trick!r} of type {type(trick).__name__}"
            )
    names = [t.name for t in tricks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"Trick names must be unique (they name logged metrics). Received duplicates: "
            f"{duplicates}"
        )
    return tricks


def check_metric_names(names, existing):
    """Checks that the metric names declared by the loss and the tricks do not collide."""
    seen = list(existing)
    for name in names:
        if name in seen:
            raise ValueError(
                f"Two pieces of the objective log the metric {name!r}: give the tricks "
                f"distinct names. Metrics so far: {seen}"
            )
        seen.append(name)


def check_latents(latents, n, latent_dim):
    """Checks explicit latents given to `generate`: shape `(n, latent_dim)`, float."""
    array = np.asarray(latents, dtype="float32")
    if array.shape != (n, latent_dim):
        raise ValueError(
            f"`latents` must have shape (n, latent_dim) = ({n}, {latent_dim}). "
            f"Received: latents of shape {array.shape}"
        )
    return array


def clone_network(network, latent_dim, conditional):
    """A copy of `network` with its own weights, equal to the original's (for the EMA)."""
    try:
        clone = keras.models.clone_model(network)
    except Exception:  # noqa: BLE001 - subclassed networks: rebuild from their config
        clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(network))
    if not clone.built and not conditional:
        clone(np.zeros((2, latent_dim), "float32"))
    clone.set_weights(network.get_weights())
    return clone


def _inputs(network):
    try:
        return list(network.inputs)
    except (AttributeError, ValueError):
        return None


def _compatible(a, b):
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b, strict=True)
    )


def check_networks_fit(generator, discriminator, latent_dim):
    """Checks the generator's latent input and that its output fits the discriminator.

    Returns:
        Whether the pair is conditional (both networks take a second, conditioning input).
    """
    g_inputs, d_inputs = _inputs(generator), _inputs(discriminator)
    if g_inputs is None or d_inputs is None:
        return False  # subclassed networks: checked when first called
    if len(g_inputs) not in (1, 2) or len(d_inputs) not in (1, 2):
        raise ValueError(
            "The generator must take `z` or `[z, condition]` and the discriminator `x` or "
            f"`[x, condition]`. Received: generator with {len(g_inputs)} inputs, "
            f"discriminator with {len(d_inputs)} inputs."
        )
    if len(g_inputs) != len(d_inputs):
        raise ValueError(
            "A conditional GAN needs a conditioning input on both networks. Received: "
            f"generator inputs {[tuple(t.shape) for t in g_inputs]}, discriminator inputs "
            f"{[tuple(t.shape) for t in d_inputs]}."
        )
    z_shape = tuple(g_inputs[0].shape)
    if len(z_shape) != 2 or z_shape[-1] not in (None, latent_dim):
        raise ValueError(
            f"`latent_dim` must match the generator's latent input of shape (batch, "
            f"latent_dim). Received: latent_dim={latent_dim} for a generator input of shape "
            f"{z_shape}."
        )
    g_out = tuple(generator.outputs[0].shape[1:])
    d_in = tuple(d_inputs[0].shape[1:])
    if not _compatible(g_out, d_in):
        raise ValueError(
            "The generator's output shape must fit the discriminator's input shape. "
            f"Received: generator output (batch, {', '.join(map(str, g_out))}) and "
            f"discriminator input (batch, {', '.join(map(str, d_in))})."
        )
    return len(g_inputs) == 2


def check_real_batch(x, discriminator, d_steps):
    """Trace-time checks of a real batch: dtype, sample shape, divisibility by `d_steps`."""
    floating_point(x, "x")
    d_inputs = _inputs(discriminator)
    if d_inputs is not None:
        expected = tuple(d_inputs[0].shape[1:])
        if not _compatible(tuple(x.shape[1:]), expected):
            raise ValueError(
                f"Real samples must have the discriminator's input shape {expected}. "
                f"Received: x with sample shape {tuple(x.shape[1:])}."
            )
    batch = x.shape[0]
    if batch is not None and batch % d_steps:
        raise ValueError(
            f"The batch size must be divisible by `d_steps`: each train step splits its "
            f"batch into d_steps={d_steps} real minibatches. Received: batch size {batch}."
        )


def check_fit_arguments(x, batch_size, d_steps, conditional, y):
    """Checks `fit` arguments that would otherwise fail late or obscurely."""
    if batch_size is not None:
        check_positive_int(batch_size, "batch_size")
        if batch_size % d_steps:
            raise ValueError(
                f"`batch_size` must be divisible by `d_steps` ({d_steps}): each train step "
                f"splits its batch into d_steps real minibatches. Received: "
                f"batch_size={batch_size}."
            )
    if x is None:
        raise ValueError("`x` must be given: real data, or a dataset of it. Received: x=None")
    if isinstance(x, np.ndarray) and len(x) == 0:
        raise ValueError(
            f"`x` is empty: there is no real data to train on. Received: x.shape={x.shape}"
        )
    cardinality = getattr(x, "cardinality", None)
    if callable(cardinality):
        try:
            count = int(cardinality())
        except (TypeError, ValueError):
            count = -1
        if count == 0:
            raise ValueError("The dataset passed as `x` is empty: it yields no batches.")
    if conditional and isinstance(x, np.ndarray) and y is None:
        raise ValueError(
            "This GAN is conditional (its networks take a conditioning input): pass labels "
            "with `fit(x, y)` or a dataset of `(x, y)` pairs. Received: y=None"
        )


def _is_vector_condition(condition_shape):
    return condition_shape is not None and tuple(condition_shape) != (1,)


def check_conditions(labels, num_classes, condition_shape, argument="labels"):
    """Checks a batch of conditions: finite numbers; class ids whole and in range, vectors
    of the input's width."""
    labels = np.asarray(labels)
    if not (np.issubdtype(labels.dtype, np.number) or labels.dtype == bool):
        raise ValueError(
            f"`{argument}` must be numbers (class ids or condition vectors). "
            f"Received: values of dtype {labels.dtype}"
        )
    if np.issubdtype(labels.dtype, np.floating) and not np.isfinite(labels).all():
        raise ValueError(
            f"`{argument}` must be finite. Received: {int((~np.isfinite(labels)).sum())} "
            f"non-finite values (nan or inf) among {labels.size}"
        )
    if condition_shape is not None:
        trailing = tuple(labels.shape[1:])
        ids = not _is_vector_condition(condition_shape) and trailing in ((), (1,))
        if not ids and not _compatible(trailing, tuple(condition_shape)):
            raise ValueError(
                f"`{argument}` must hold one condition of shape {tuple(condition_shape)} per "
                f"sample (this model's condition input). Received: conditions of shape "
                f"{trailing}."
            )
    class_ids = condition_shape is None or not _is_vector_condition(condition_shape)
    if num_classes is not None and class_ids and np.issubdtype(labels.dtype, np.floating):
        if (labels != np.round(labels)).any():
            raise ValueError(
                f"`{argument}` must be whole class ids in [0, {num_classes}). Received: "
                f"fractional values {sorted(set(labels[labels != np.round(labels)].tolist()))[:5]}"
            )
        labels = labels.astype("int64")
    if num_classes is not None and np.issubdtype(labels.dtype, np.integer):
        bad = labels[(labels < 0) | (labels >= num_classes)]
        if bad.size:
            raise ValueError(
                f"`{argument}` must be class ids in [0, {num_classes}). "
                f"Received: out-of-range labels {sorted(set(bad.tolist()))[:5]}"
            )


def check_condition_batch(y, condition_shape):
    """Trace-time check of a batch of conditions against the condition input's shape."""
    if y.shape.rank is None:
        return
    trailing = tuple(y.shape[1:])
    if not _is_vector_condition(condition_shape) and trailing in ((), (1,)):
        return
    if not _compatible(trailing, tuple(condition_shape)):
        raise ValueError(
            f"The data's conditions must have shape {tuple(condition_shape)} per sample (this "
            f"model's condition input). Received: conditions of shape {trailing}."
        )


def check_labels(labels, n, conditional, num_classes, condition_shape=None):
    """Checks `generate`'s labels; returns them as an array (int32 for class ids) or `None`.

    A single condition is repeated for all `n` samples: one class id, or one vector of the
    condition input's shape `condition_shape` (e.g. one embedding).
    """
    if not conditional:
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
    elif _is_vector_condition(condition_shape) and labels.shape == tuple(condition_shape):
        labels = np.broadcast_to(labels, (n, *labels.shape))
    if len(labels) != n:
        raise ValueError(
            f"`labels` must hold one label per sample (n={n}). Received: {len(labels)} labels."
        )
    check_conditions(labels, num_classes, condition_shape)
    return labels.astype("int32") if np.issubdtype(labels.dtype, np.integer) else labels


def check_model_class(model_class, requested, name):
    """The class `from_architecture` builds: the more derived of the two, or an error."""
    if model_class is None:
        return requested
    if not (isinstance(model_class, type) and issubclass(model_class, keras.Model)):
        raise TypeError(
            f"Architecture '{name}' sets `model_class` to {model_class!r}; expected a "
            "GANModel subclass."
        )
    if issubclass(requested, model_class):
        return requested
    if issubclass(model_class, requested):
        return model_class
    raise TypeError(
        f"Architecture '{name}' trains with {model_class.__name__}, which is not a "
        f"{requested.__name__}: call {model_class.__name__}.from_architecture or "
        "GANModel.from_architecture."
    )


def build_on_latents(generator, discriminator, latent_dim):
    """Builds subclassed networks: the generator on a latent batch, the critic on its output."""
    try:
        discriminator(generator(keras.ops.zeros((2, latent_dim))))
    except Exception as error:
        raise ValueError(
            "Could not build the networks by running the generator on a (2, latent_dim) "
            f"latent batch and the discriminator on its output. Received: latent_dim="
            f"{latent_dim}; error: {type(error).__name__}: {error}"
        ) from error


def check_logged(name, trackers):
    """Checks that a logged value's name was declared by a piece."""
    if name not in trackers:
        raise ValueError(
            f"A piece logged {name!r}, which no piece declares (a piece's terms are "
            f"logged as <prefix>_<log_key>, the values its `update` returns must be "
            f"listed in its `reports`). Declared: {sorted(trackers)}"
        )

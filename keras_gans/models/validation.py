"""Argument checks for `GANModel`, with Keras-style messages (argument, expectation, value)."""

from __future__ import annotations

import keras
import numpy as np

LATENT_DISTRIBUTIONS = ("normal", "uniform")


def check_positive_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")
    return int(value)


def check_network(network, argument):
    if not isinstance(network, keras.layers.Layer):
        raise TypeError(
            f"`{argument}` must be a keras.Model (or keras.layers.Layer). "
            f"Received: {argument}={network!r} of type {type(network).__name__}"
        )
    return network


def check_latent_distribution(value):
    if value not in LATENT_DISTRIBUTIONS:
        raise ValueError(
            f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}. "
            f"Received: latent_distribution={value!r}"
        )
    return value


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
    dtype = keras.backend.standardize_dtype(x.dtype)
    if "float" not in dtype:
        raise TypeError(
            "Real data must be floating point, scaled to the generator's output range "
            f"(e.g. [-1, 1] for a tanh generator). Received: x of dtype {dtype}."
        )
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

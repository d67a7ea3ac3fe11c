"""Conformance checks for discriminator penalties (`keras_gans.penalties` plugins)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_gans.penalties.base import Penalty
from keras_gans.steps import StepContext
from keras_gans.testing._expect import (
    checked_config,
    expect,
    finite_array,
    finite_scalar,
    from_config,
    keras_round_trip,
    shown,
)

__all__ = ["check_penalty", "linear_discriminator", "penalty_context"]


def linear_discriminator(features=4, seed=0):
    """Returns a small linear discriminator `x -> w.x + b` on `(batch, features)` inputs.

    Args:
        features: The input size (default 4).
        seed: Seed of the weight initialiser (default 0).

    Returns:
        A built `keras.Model` with one output per sample.

    Example:
    >>> linear_discriminator().output_shape
    (None, 1)
    """
    return keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed)),
        ],
        name="linear_discriminator",
    )


def penalty_context(discriminator, real, fake, condition=None, seed=0):
    """Builds the `StepContext` that `GANModel`'s train step would give a penalty.

    A discriminator player's context (`StepContext.of`) whose network runs `discriminator`
    in training mode. Its `input_gradient` is computed with a `tf.GradientTape` that any
    outer tape records, so the penalty it feeds stays differentiable with respect to the
    discriminator's weights.

    Args:
        discriminator: A `keras.Model` taking `x` (or `[x, condition]`).
        real: A batch of real samples.
        fake: A batch of generated samples of the same shape.
        condition: Conditioning input shared by both, or `None` (default).
        seed: Seed of the context's `keras.random.SeedGenerator` (default 0).

    Returns:
        A `keras_gans.steps.StepContext`.

    Example:
    >>> import numpy as np
    >>> from keras_gans.penalties import R1Penalty
    >>> x = np.ones((2, 4), "float32")
    >>> context = penalty_context(linear_discriminator(), x, -x)
    >>> float(R1Penalty(gamma=0.0)(context))
    0.0
    >>> context.role, tuple(context.real_output.shape)
    ('discriminator', (2, 1))
    """

    def network(inputs, training):
        return discriminator(inputs, training=training)

    return StepContext.of(
        real,
        fake,
        network,
        condition=condition,
        seed_generator=keras.random.SeedGenerator(seed),
    )


def check_penalty(penalty, *, seed=0):
    """Checks that `penalty` is a well-behaved, serialisable `Penalty`.

    The checks, each raising `AssertionError` with a message naming the penalty:

    1. `penalty` is a `keras_gans.penalties.Penalty` whose `name` is a non-empty string
       without `/` (it is logged as `d_penalty/<name>`) and whose `roles` include
       `"discriminator"`.
    2. The term it adds to a discriminator player's objective on the context of a small
       linear discriminator (`penalty.terms(player, penalty_context(...))`, by default
       `penalty(context)`) is a finite, non-negative floating-point scalar.
    3. Its gradient with respect to the discriminator's weights exists for at least one
       weight and is finite (the penalty regularises the discriminator through them).
    4. The same seed gives the same value (randomness comes from the context's
       `SeedGenerator`, not from global state).
    5. Every `__init__` argument is a same-named attribute and a key of `get_config()`.
    6. `type(penalty).from_config(penalty.get_config())` and the `keras.saving`
       serialise/deserialise round trip (safe mode, through JSON) restore the same class,
       config and value.

    Args:
        penalty: The penalty to check.
        seed: Seed of the data and of the context's `SeedGenerator` (default 0).

    Example:
    >>> from keras_gans.penalties import GradientPenalty
    >>> check_penalty(GradientPenalty(weight=10.0))
    """
    expect(
        isinstance(penalty, Penalty),
        "A penalty plugin must produce a keras_gans.penalties.Penalty. "
        f"Received: {shown(penalty)} of type {type(penalty).__name__}",
    )
    cls, name = type(penalty).__name__, getattr(penalty, "name", None)
    expect(
        isinstance(name, str) and name and "/" not in name,
        f"{cls}.name must be a non-empty string without '/' (it is logged as "
        f"d_penalty/<name>). Received: name={name!r}",
    )
    roles = getattr(penalty, "roles", ())
    expect(
        "discriminator" in roles,
        f"{cls}.roles must include 'discriminator' (a penalty is a term of the "
        f"discriminator's objective). Received: roles={roles!r}",
    )
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(8, 4)).astype("float32")
    fake = (rng.normal(size=(8, 4)) + 1.0).astype("float32")
    discriminator = linear_discriminator(seed=seed)

    def evaluate(candidate):
        """The term `candidate` adds to the discriminator's objective, as the step adds it."""
        context = penalty_context(discriminator, real, fake, seed=seed)
        return candidate.terms(context.player, context)

    variables = discriminator.trainable_variables
    with tf.GradientTape() as tape:
        value_tensor = evaluate(penalty)
    value = finite_scalar(value_tensor, f"{cls}(context)")
    expect(value >= 0.0, f"{cls}(context) must be non-negative. Received {value!r}.")
    gradients = [g for g in tape.gradient(value_tensor, variables) if g is not None]
    expect(
        gradients,
        f"{cls}(context) does not depend on the discriminator's weights (no gradient "
        "reaches them): compute it from context.discriminate / context.input_gradient.",
    )
    for gradient in gradients:
        finite_array(gradient, f"The gradient of {cls}(context) w.r.t. the discriminator")
    again = finite_scalar(evaluate(penalty), f"{cls}(context)")
    expect(
        np.isclose(again, value, rtol=1e-6, atol=1e-7),
        f"{cls}(context) gave {value!r}, then {again!r} with the same seed: draw random "
        "numbers with keras.random and seed=context.seed_generator.",
    )
    config = checked_config(penalty)
    clone = from_config(type(penalty), config)
    _check_restored(penalty, clone, "from_config(get_config())", value, evaluate)
    restored = keras_round_trip(penalty)
    _check_restored(penalty, restored, "keras.saving serialisation", value, evaluate)


def _check_restored(penalty, restored, how, value, evaluate):
    cls = type(penalty).__name__
    expect(
        type(restored) is type(penalty),
        f"{cls} rebuilt with {how} must be a {cls}. Received {type(restored).__name__}.",
    )
    expect(
        restored.get_config() == penalty.get_config(),
        f"{cls} rebuilt with {how} has config {restored.get_config()!r}, expected "
        f"{penalty.get_config()!r}.",
    )
    received = finite_scalar(evaluate(restored), f"{cls}(context) after {how}")
    expect(
        np.isclose(received, value, rtol=1e-6, atol=1e-7),
        f"{cls} rebuilt with {how} gives {received!r} instead of {value!r}.",
    )

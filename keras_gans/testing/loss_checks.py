"""Conformance checks for adversarial losses (`keras_gans.losses` plugins)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.losses.base import AdversarialLoss
from keras_gans.steps import StepContext
from keras_gans.testing._expect import (
    checked_config,
    expect,
    finite_array,
    finite_scalar,
    from_config,
    keras_round_trip,
    shown,
    to_numpy,
)

__all__ = ["OUTPUT_SHAPES", "check_loss"]

#: Discriminator output shapes the checks try: one score per sample, and a 4x4 patch map.
OUTPUT_SHAPES = ((8, 1), (8, 4, 4, 1))


def check_loss(loss, *, seed=0):
    """Checks that `loss` is a well-behaved, serialisable `AdversarialLoss`.

    The checks, each raising `AssertionError` with a message naming the loss:

    1. `loss` is a `keras_gans.losses.AdversarialLoss`.
    2. On random outputs of shapes `(8, 1)` and `(8, 4, 4, 1)` (a patch discriminator),
       the terms the train step adds, `loss.terms(player, context)` for a discriminator
       and a generator player (by default `discriminator_objective(context)` and
       `generator_objective(context)`, which call `discriminator_loss(real, fake)` and
       `generator_loss(fake)`), return finite floating-point scalars. The context is
       `StepContext.of(real, fake, network)` with the identity as the network, so its
       `real_output` and `fake_output` are the given scores.
    3. Their gradients with respect to the outputs exist and are finite; the generator's
       with respect to the fake outputs is not all zero, and the discriminator's is not
       zero with respect to both outputs (BEGAN ignores fakes while its `k` is 0).
    4. Ordering: a discriminator that scores real samples higher than fakes (real near +1,
       fake near -1) gets a lower discriminator loss than one that does the reverse, and the
       generator loss decreases as the scores of rejected fakes (near -1) rise. Every
       standard objective (minimax, non-saturating, least squares with `a < b` and `a < c`,
       Wasserstein, hinge) has this orientation: higher raw output means "more real".
    5. Every `__init__` argument is a same-named attribute and a key of `get_config()`.
    6. `type(loss).from_config(loss.get_config())` has an equal config and gives equal
       values.
    7. `keras.saving.serialize_keras_object` / `deserialize_keras_object` (safe mode, through
       JSON) restore the same class, config and values, which needs the class to be
       registered with `keras.saving.register_keras_serializable`.

    Args:
        loss: The loss to check.
        seed: Seed of the random discriminator outputs (default 0).

    Example:
    >>> from keras_gans.losses import Hinge
    >>> check_loss(Hinge())
    """
    expect(
        isinstance(loss, AdversarialLoss),
        "A loss plugin must produce a keras_gans.losses.AdversarialLoss. "
        f"Received: {shown(loss)} of type {type(loss).__name__}",
    )
    rng = np.random.default_rng(seed)
    samples = []
    for shape in OUTPUT_SHAPES:
        real = ops.convert_to_tensor(rng.normal(size=shape).astype("float32"))
        fake = ops.convert_to_tensor(rng.normal(size=shape).astype("float32"))
        _check_values_and_gradients(loss, real, fake, shape)
        samples.append((real, fake))
    _check_ordering(loss)
    config = checked_config(loss, compare_values=False)
    clone = from_config(type(loss), config)
    expect(
        clone.get_config() == config,
        f"{type(loss).__name__}.from_config(get_config()) must rebuild an equal config. "
        f"Received {clone.get_config()!r}, expected {config!r}.",
    )
    _check_same_values(loss, clone, samples, "from_config(get_config())")
    _check_keras_serialization(loss, samples)


def _scores(inputs, training):
    """A stand-in discriminator whose "samples" are its scores: the identity."""
    return inputs


def _context(real, fake, seed=0):
    """The context the train step would give: scores only, fresh seeded randomness.

    The "samples" are the discriminator outputs themselves and the network is the identity,
    so `ctx.real_output` is `real` (and differentiable with respect to it).
    """
    return StepContext.of(real, fake, _scores, seed_generator=keras.random.SeedGenerator(seed))


def _values(loss, real, fake):
    """The loss's terms for a discriminator and for a generator player, as the step adds
    them."""
    context = _context(real, fake)
    d_loss = loss.terms(context.player, context)
    context = context.replace(player="generator")
    return d_loss, loss.terms(context.player, context)


def _check_values_and_gradients(loss, real, fake, shape):
    name = type(loss).__name__
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        d_loss, g_loss = _values(loss, real, fake)
    finite_scalar(d_loss, f"{name}.discriminator_loss on outputs of shape {shape}")
    finite_scalar(g_loss, f"{name}.generator_loss on outputs of shape {shape}")
    gradients = {
        "discriminator_loss w.r.t. real_output": tape.gradient(d_loss, real),
        "discriminator_loss w.r.t. fake_output": tape.gradient(d_loss, fake),
        "generator_loss w.r.t. fake_output": tape.gradient(g_loss, fake),
    }
    del tape
    moving = {}
    for key, gradient in gradients.items():
        what = f"The gradient of {name}.{key} (shape {shape})"
        expect(
            gradient is not None or key == "discriminator_loss w.r.t. fake_output",
            f"{what} is None: the loss must be differentiable in its inputs (write it with "
            "keras.ops, not NumPy or Python floats).",
        )
        moving[key] = gradient is not None and bool(np.any(finite_array(gradient, what) != 0))
    generator = "generator_loss w.r.t. fake_output"
    expect(
        moving[generator],
        f"The gradient of {name}.{generator} (shape {shape}) is zero everywhere: the "
        "generator cannot train.",
    )
    expect(
        moving["discriminator_loss w.r.t. real_output"]
        or moving["discriminator_loss w.r.t. fake_output"],
        f"The gradient of {name}.discriminator_loss (shape {shape}) is zero everywhere: the "
        "discriminator cannot train.",
    )


def _check_ordering(loss):
    name = type(loss).__name__
    shape = OUTPUT_SHAPES[0]
    noise = np.random.default_rng(1).normal(scale=0.1, size=shape).astype("float32")
    high = ops.convert_to_tensor(1.0 + noise)
    low = ops.convert_to_tensor(-1.0 - noise[::-1])
    good = finite_scalar(_values(loss, high, low)[0], f"{name}.discriminator_loss")
    bad = finite_scalar(_values(loss, low, high)[0], f"{name}.discriminator_loss")
    expect(
        good < bad,
        f"{name}.discriminator_loss must be lower when the discriminator scores real samples "
        f"higher than fakes (higher output = more real). Received {good:.6g} for real~+1, "
        f"fake~-1 and {bad:.6g} for real~-1, fake~+1.",
    )
    with tf.GradientTape() as tape:
        tape.watch(low)
        g_loss = _values(loss, high, low)[1]
    push = float(np.sum(finite_array(tape.gradient(g_loss, low), f"{name}.generator_loss")))
    expect(
        push < 0.0,
        f"{name}.generator_loss must push the scores of rejected fakes up (higher output = "
        f"more real): at fake~-1 its gradient must be negative. Received a gradient sum of "
        f"{push:.6g}.",
    )


def _check_same_values(loss, other, samples, how):
    for real, fake in samples:
        for expected, received, term in zip(
            _values(loss, real, fake),
            _values(other, real, fake),
            ("discriminator", "generator"),
            strict=True,
        ):
            expected, received = to_numpy(expected), to_numpy(received)
            expect(
                np.allclose(expected, received, rtol=1e-6, atol=1e-7),
                f"{type(loss).__name__} rebuilt with {how} gives a different {term} loss: "
                f"{received!r} instead of {expected!r}.",
            )


def _check_keras_serialization(loss, samples):
    restored = keras_round_trip(loss)
    _check_same_values(loss, restored, samples, "keras.saving serialisation")

"""Base classes for discriminator regularisers: penalties (loss terms) and constraints.

A `Penalty` is a term added to the discriminator's objective and logged under its own key
(`d_penalty/<name>`). A `Constraint` acts on the discriminator's weights after each of its
updates (e.g. WGAN weight clipping). Both are small serialisable objects that an
`AdversarialLoss` composes; the train step iterates over them and never branches on flags.

Penalties that need gradients of the discriminator with respect to its *inputs* receive them
through `PenaltyContext.input_gradient`, which the train step provides: the penalties
themselves are written with `keras.ops` and `keras.random` only.
"""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.tricks.context import StepContext

__all__ = ["Constraint", "Penalty", "PenaltyContext", "gradient_norm"]


#: What a penalty may look at during one discriminator update: the train step's
#: `keras_gans.tricks.StepContext` (`real`, `fake`, `condition`, `real_output`, `fake_output`,
#: `discriminate`, `input_gradient`, `seed_generator`, and more). The old positional
#: constructor `PenaltyContext(real, fake, condition, real_output, fake_output, discriminate,
#: input_gradient, seed_generator)` still works.
PenaltyContext = StepContext


def gradient_norm(gradients, epsilon=0.0):
    """Per-example L2 norm of `gradients` over every axis but the first.

    Formula:
        `sqrt(sum(g^2) + epsilon)`; a positive `epsilon` keeps the norm (and its gradient)
        finite where `g = 0`.

    Args:
        gradients: A tensor of shape `(batch, ...)`.
        epsilon: Added under the square root (default 0).

    Returns:
        A tensor of shape `(batch,)`.

    Example:
    >>> [float(v) for v in gradient_norm([[3.0, 4.0]])]
    [5.0]
    """
    g = ops.cast(ops.convert_to_tensor(gradients), "float32")
    g = ops.reshape(g, (ops.shape(g)[0], -1))
    return ops.sqrt(ops.sum(ops.square(g), axis=1) + epsilon)


def _check_non_negative(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"`{argument}` must be a non-negative number. Received: {argument}={value!r}"
        )
    return float(value)


class _Configurable:
    """`from_config` and a `repr` built from `get_config`, shared by penalties and constraints."""

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Penalty(_Configurable):
    """A term added to the discriminator objective, logged as `d_penalty/<name>`.

    Subclasses implement `compute(context)` (the unweighted value); calling the penalty
    returns `weight * compute(context)`.

    Args:
        weight: Multiplier of the term (default 1).
        name: The key suffix under which the weighted term is logged.
    """

    def __init__(self, weight=1.0, name="penalty"):
        self.weight = _check_non_negative(weight, "weight")
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(
                f"`name` must be a non-empty string without '/'. Received: name={name!r}"
            )
        self.name = name

    def compute(self, context: PenaltyContext):
        """Returns the unweighted penalty for one discriminator update."""
        raise NotImplementedError(f"{type(self).__name__} must implement `compute(context)`.")

    def __call__(self, context: PenaltyContext):
        return ops.multiply(self.weight, ops.cast(self.compute(context), "float32"))

    def get_config(self):
        return {"weight": self.weight, "name": self.name}


class Constraint(_Configurable):
    """A projection applied to the discriminator's weights after each of its updates."""

    def __call__(self, variables):
        raise NotImplementedError(f"{type(self).__name__} must implement `__call__(variables)`.")


def serialize(obj):
    """Serialises a penalty or constraint with Keras's serialisation."""
    return keras.saving.serialize_keras_object(obj)


def deserialize(config):
    """Inverse of `serialize`; passes objects through unchanged."""
    if isinstance(config, (Penalty, Constraint)):
        return config
    return keras.saving.deserialize_keras_object(config)

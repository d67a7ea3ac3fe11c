"""Base classes for discriminator regularisers: penalties (loss terms) and constraints.

A `Penalty` is a piece whose term is added to the discriminator's objective and logged under
its own key (`d_penalty/<name>`). A `Constraint` is a piece that acts on the discriminator's
weights after each of its updates (e.g. WGAN weight clipping). An `AdversarialLoss`
composes both; the train step iterates over them and never branches on flags.

Penalties that need gradients of the discriminator with respect to its *inputs* get them
from `StepContext.input_gradient`, which the train step provides: the penalties themselves
are written with `keras.ops` and `keras.random` only.
"""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps.piece import Piece

__all__ = ["Constraint", "Penalty", "gradient_norm"]


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


class Penalty(Piece):
    """A term added to the discriminator objective, logged as `d_penalty/<name>`.

    Subclasses implement `compute(ctx)` (the unweighted value); calling the penalty
    returns `weight * compute(ctx)`, which is its term for every discriminator player.

    Args:
        weight: Multiplier of the term (default 1).
        name: The key suffix under which the weighted term is logged.
    """

    roles = ("discriminator",)

    def __init__(self, weight=1.0, name="penalty"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")

    @property
    def log_key(self):
        return f"penalty/{self.name}"

    def compute(self, ctx):
        """Returns the unweighted penalty for one discriminator update."""
        raise NotImplementedError(f"{type(self).__name__} must implement `compute(ctx)`.")

    def __call__(self, ctx):
        return ops.multiply(self.weight, ops.cast(self.compute(ctx), "float32"))

    def terms(self, player, ctx):
        return self(ctx)

    def get_config(self):
        return {"weight": self.weight, "name": self.name}


class Constraint(Piece):
    """A projection applied to a discriminator player's weights after each of its updates.

    Subclasses implement `__call__(variables)`.
    """

    roles = ()

    def __init__(self):
        super().__init__()

    def __call__(self, variables):
        raise NotImplementedError(f"{type(self).__name__} must implement `__call__(variables)`.")

    def update(self, player, ctx):
        if player.role == "discriminator":
            self(player.trainable_variables)

    def get_config(self):
        return {}


def serialize(obj):
    """Serialises a penalty or constraint with Keras's serialisation."""
    return keras.saving.serialize_keras_object(obj)


def deserialize(config):
    """Inverse of `serialize`; passes objects through unchanged."""
    if isinstance(config, (Penalty, Constraint)):
        return config
    return keras.saving.deserialize_keras_object(config)

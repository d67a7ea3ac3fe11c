"""`StepContext`: what a piece may read during one player's update.

The step creates one context per update *inside* that player's gradient tape, so every
discriminator output, head and input gradient a piece reads is computed where the tape
records it. The context is immutable (keyword-only construction, `replace` returns a copy);
discriminator outputs are computed on first access and then reused, so a piece that never
reads `real_output` costs no forward pass, and a piece that reads it (a relativistic loss,
a logging piece) gets the same tensor the loss uses.

Written with `keras.ops`; the two backend capabilities it needs, `gradient(fn, x)` and
`all_gather(x)`, come from the train-step module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from keras import ops

__all__ = ["DiscriminatorInputs", "StepContext", "split_outputs"]

_SAME = object()  # "the context's own condition" in `discriminate(x, condition=...)`


def split_outputs(outputs):
    """Splits raw discriminator outputs into the adversarial score and auxiliary heads.

    A discriminator may return one tensor (the score), a dict with a `"score"` entry and
    any other named heads (e.g. `"class_logits"` for ACGAN, `"embedding"` for EBGAN), or a
    list/tuple whose first item is the score (the others become heads `"output_1"`, ...).

    Args:
        outputs: What the discriminator returned.

    Returns:
        `(score, heads)`: the score tensor and a dict of the other outputs.

    Example:
    >>> score, heads = split_outputs({"score": [[1.0]], "embedding": [[0.5, 2.0]]})
    >>> score, sorted(heads)
    ([[1.0]], ['embedding'])
    """
    if isinstance(outputs, dict):
        if "score" not in outputs:
            raise ValueError(
                "A discriminator that returns a dict must have a 'score' entry (the "
                f"adversarial output). Received keys: {sorted(outputs)}"
            )
        return outputs["score"], {k: v for k, v in outputs.items() if k != "score"}
    if isinstance(outputs, (list, tuple)):
        return outputs[0], {f"output_{i}": out for i, out in enumerate(outputs) if i > 0}
    return outputs, {}


def _float32(x):
    x = ops.convert_to_tensor(x)
    return x if x.dtype == "float32" else ops.cast(x, "float32")


@dataclasses.dataclass(frozen=True)
class DiscriminatorInputs:
    """What the discriminator is shown in one update, and the network that scores it.

    Pieces' `transform` hooks return a changed copy (`inputs.replace(fake=...)`).

    Attributes:
        real: The real minibatch, float32.
        fake: The generated minibatch, float32 (differentiable with respect to the
            generator's weights in a generator update).
        network: A function `(inputs, training) -> raw outputs`: the discriminator, or a
            stand-in such as the unrolled discriminator.

    Example:
    >>> inputs = DiscriminatorInputs([[1.0]], [[0.0]], lambda x, training: 2.0 * x)
    >>> float(inputs.replace(fake=[[3.0]]).fake[0, 0])
    3.0
    """

    real: Any
    fake: Any
    network: Callable

    def __post_init__(self):
        object.__setattr__(self, "real", _float32(self.real))
        object.__setattr__(self, "fake", _float32(self.fake))
        if not callable(self.network):
            raise TypeError(
                "`network` must be a function (inputs, training) -> discriminator outputs. "
                f"Received: network={self.network!r}"
            )

    def replace(self, **changes):
        """Returns a copy with some of `real`, `fake`, `network` changed."""
        return dataclasses.replace(self, **changes)


def _no_network(inputs, training):
    raise ValueError("This context was built without a discriminator network to run.")


class _Player:
    """A role-only stand-in for `Player` when a context is built by hand."""

    def __init__(self, role):
        from keras_gans.steps.piece import PREFIXES

        if role not in PREFIXES:
            raise ValueError(
                f"`player` must be a Player or one of {sorted(PREFIXES)}. Received: {role!r}"
            )
        self.name = self.role = role
        self.prefix = PREFIXES[role]

    def __repr__(self):
        return f"Player({self.name!r})"


class StepContext:
    """The read-only view of one player's update given to every piece.

    Args (keyword-only):
        player: The `keras_gans.steps.Player` being updated (or `"discriminator"` /
            `"generator"` for a context built by hand).
        inputs: The `DiscriminatorInputs` of this update.
        raw: The inputs before the pieces' transforms (default: `inputs`).
        condition: Labels or embeddings shared by `real` and `fake` (default `None`).
        latent: The generator input that produced the fakes (default `None`).
        seed_generator: A `keras.random.SeedGenerator`, distinct per replica under
            `tf.distribute` (default `None`).
        iteration: Generator updates so far, an integer tensor (default `None`).
        training: Whether this is a training update (default `True`; `False` in
            `evaluate`).
        extras: Named tensors a model with more networks computes for its pieces, e.g.
            cycle reconstructions (default none).
        gradient: `(fn, x) -> d fn(x) / dx` (default: the train step's).
        all_gather: `x -> x` of every replica concatenated along axis 0, in replica order
            (default: the train step's, `x` itself with one replica).

    Example:
    >>> inputs = DiscriminatorInputs([[1.0]], [[0.0]], lambda x, training: 2.0 * x)
    >>> ctx = StepContext(player="discriminator", inputs=inputs)
    >>> [float(v[0, 0]) for v in (ctx.real_output, ctx.fake_output)]
    [2.0, 0.0]
    >>> float(ctx.input_gradient(ctx.real)[0, 0])
    2.0
    """

    def __init__(
        self,
        *,
        player,
        inputs,
        raw=None,
        condition=None,
        latent=None,
        seed_generator=None,
        iteration=None,
        training=True,
        extras=None,
        gradient=None,
        all_gather=None,
    ):
        if not isinstance(inputs, DiscriminatorInputs):
            raise TypeError(
                "`inputs` must be a keras_gans.steps.DiscriminatorInputs. "
                f"Received: inputs={inputs!r}"
            )
        self._fields = {
            "player": _Player(player) if isinstance(player, str) else player,
            "inputs": inputs,
            "raw": inputs if raw is None else raw,
            "condition": condition,
            "latent": latent,
            "seed_generator": seed_generator,
            "iteration": iteration,
            "training": training,
            "extras": dict(extras or {}),
            "gradient": gradient,
            "all_gather": all_gather,
        }
        self._outputs = {}

    @classmethod
    def of(cls, real, fake, network=None, *, player="discriminator", **kwargs):
        """Builds a context by hand (tests, examples): `real`, `fake` and a network.

        Args:
            real: The real minibatch.
            fake: The generated minibatch.
            network: `(inputs, training) -> outputs` (default `None`: a discriminator that
                raises when run).
            player: As in the constructor (default `"discriminator"`).
            **kwargs: The other constructor arguments (`gradient` and `all_gather`
                default to the train step's).

        Example:
        >>> ctx = StepContext.of([[1.0]], [[0.0]], lambda x, training: 3.0 * x)
        >>> float(ctx.real_output[0, 0])
        3.0
        """
        inputs = DiscriminatorInputs(real, fake, network or _no_network)
        return cls(player=player, inputs=inputs, **kwargs)

    def __getattr__(self, name):
        fields = self.__dict__.get("_fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(f"'StepContext' has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in ("_fields", "_outputs"):
            object.__setattr__(self, name, value)
        else:
            raise AttributeError(f"StepContext is immutable: use replace({name}=...).")

    def replace(self, **changes):
        """Returns a copy with some constructor arguments changed.

        Cached discriminator outputs are kept when neither the inputs, the condition nor
        `training` change.
        """
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"StepContext.replace got unexpected arguments: {sorted(unknown)}")
        copy = StepContext(**{**self._fields, **changes})
        if {"inputs", "condition", "training"}.isdisjoint(changes):
            copy._outputs = self._outputs
        return copy

    # ------------------------------------------------------------------ shortcuts
    @property
    def role(self):
        """`player.role`: `"discriminator"` or `"generator"`."""
        return self.player.role

    @property
    def real(self):
        """The real minibatch as the discriminator sees it (after the transforms)."""
        return self.inputs.real

    @property
    def fake(self):
        """The generated minibatch as the discriminator sees it."""
        return self.inputs.fake

    @property
    def raw_real(self):
        return self.raw.real

    @property
    def raw_fake(self):
        return self.raw.fake

    # ------------------------------------------------------------------ discriminator
    def discriminator_inputs(self, x, condition=_SAME):
        """`x`, or `[x, condition]` when the discriminator is conditional."""
        condition = self.condition if condition is _SAME else condition
        return x if condition is None else [x, condition]

    def discriminate_heads(self, x, condition=_SAME):
        """Runs the discriminator on `x`: returns `(score, heads)`, both float32.

        Args:
            x: Samples shaped like `real`.
            condition: Conditioning input for `x` (default: the context's own).
        """
        outputs = self.inputs.network(self.discriminator_inputs(x, condition), self.training)
        score, heads = split_outputs(outputs)
        return _float32(score), {k: _float32(v) for k, v in heads.items()}

    def discriminate(self, x, condition=_SAME):
        """Runs the discriminator on `x` and returns its adversarial score (float32)."""
        return self.discriminate_heads(x, condition)[0]

    def _output(self, which):
        if which not in self._outputs:
            self._outputs[which] = self.discriminate_heads(getattr(self.inputs, which))
        return self._outputs[which]

    @property
    def real_output(self):
        """The discriminator's scores on `real` (float32, computed once)."""
        return self._output("real")[0]

    @property
    def fake_output(self):
        """The discriminator's scores on `fake` (float32, computed once)."""
        return self._output("fake")[0]

    @property
    def real_heads(self):
        """The discriminator's auxiliary outputs on `real` (see `split_outputs`)."""
        return self._output("real")[1]

    @property
    def fake_heads(self):
        """The discriminator's auxiliary outputs on `fake`."""
        return self._output("fake")[1]

    # ------------------------------------------------------------------ autodiff
    def gradient(self, fn, x):
        """Returns `d fn(x) / dx` (for a tensor or a list of tensors), itself differentiable.

        Inside a player's update the outer tape records it, so a term built on it has
        second-order gradients (gradient penalties, the unrolled GAN).
        """
        gradient = self._fields["gradient"]
        if gradient is None:
            from keras_gans.models.step import gradient
        return gradient(fn, x)

    def all_gather(self, x):
        """`x` from every replica, concatenated along axis 0 in replica order.

        Under `tf.distribute` a piece whose state must hold the whole global batch (the
        image pool) gathers it with this; with one replica it returns `x`.

        Example:
        >>> ctx = StepContext.of([[1.0]], [[0.0]])
        >>> tuple(ctx.all_gather(ctx.fake).shape)
        (1, 1)
        """
        all_gather = self._fields["all_gather"]
        if all_gather is None:
            from keras_gans.models.step import all_gather
        return all_gather(x)

    def input_gradient(self, x):
        """Gradient of the summed discriminator scores with respect to `x` (float32).

        The points `x` are constants of the result: a penalty built on it regularises the
        discriminator where it is evaluated and sends no gradient to whatever produced
        `x` (the core's points are data and stopped fakes already; DANN's features are not).
        """
        points = ops.stop_gradient(_float32(x))
        return self.gradient(lambda t: ops.sum(self.discriminate(t)), points)

    def __repr__(self):
        return f"StepContext(player={self.player!r}, training={self.training})"

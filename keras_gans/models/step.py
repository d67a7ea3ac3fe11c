"""The training step: the one module that uses TensorFlow autodiff (`tf.GradientTape`).

`play(model, player, batch)` is one update of one player of the step protocol
(`keras_gans.steps`); `GANModel.train_step` plays its schedule (`d_steps` discriminator
updates, then the generator) and a model with more networks plays its own. The model
supplies three things: `pieces` (in order), `contexts(player, batch, training)` (the
views of one update, built inside the tape) and `record(**values)`.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from keras_gans.models import fused_adam
from keras_gans.steps import DiscriminatorInputs

__all__ = ["all_gather", "evaluate", "gradient", "logged", "play"]


def gradient(fn, x):
    """`d fn(x) / dx` for a tensor or a list of tensors, recorded by any outer tape."""
    many = isinstance(x, (list, tuple))
    tensors = [tf.convert_to_tensor(t) for t in (x if many else [x])]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = fn(tensors if many else tensors[0])
    gradients = tape.gradient(value, tensors)
    return gradients if many else gradients[0]


def all_gather(x):
    """`x` from every replica, concatenated along axis 0 in replica order.

    Under `tf.distribute`, inside a replica's step, every replica receives the same
    gathered tensor; with one replica (no strategy) or in cross-replica context it is `x`.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return x
    return context.all_gather(x, axis=0)


def logged(value):
    """`value`, as a tensor that Grappler cannot add into a tracker's running total.

    A tracker's update, `total + value`, lets Grappler's arithmetic optimizer fold a
    `value` that is itself a sum (`a + b`) into one `AddN(total, a, b)`. TensorFlow's AddN
    kernel adds its inputs starting from whichever input buffer it can reuse, and that
    depends on which other ops have already released the buffer: with an input shared by
    two logged values (GAN-CLS's real-pair loss in `d_loss` and `d_term/matching_aware`),
    the epoch means came out one or two float32 ulps apart between identical runs (the
    weights never differed). A `Snapshot` is not an add, so the sum stays `total +
    (a + b)`: two inputs, whose order does not change the result. (A logged value that
    itself sums three or more tensors can still be folded inside itself.)
    """
    if tf.is_tensor(value) and not tf.executing_eagerly():
        return tf.raw_ops.Snapshot(input=value)
    return value


def _all_finite(tensors):
    return tf.reduce_all([tf.reduce_all(tf.math.is_finite(t)) for t in tensors if t is not None])


def _regularization(networks):
    losses = [loss for network in networks for loss in network.losses]
    return ops.sum(ops.stack(losses)) if losses else 0.0


def _transformed(pieces, ctx):
    """The context after every piece's `transform` (training updates only)."""
    if not ctx.training:
        return ctx
    for piece in pieces:
        inputs = piece.transform(ctx.inputs, ctx)
        if not isinstance(inputs, DiscriminatorInputs):
            raise TypeError(
                f"{type(piece).__name__}.transform must return a DiscriminatorInputs "
                f"(e.g. `inputs.replace(fake=...)`). Received: {inputs!r}"
            )
        if inputs is not ctx.inputs:
            ctx = ctx.replace(inputs=inputs)
    return ctx


def _terms(pieces, player, contexts):
    """Each piece's term for `player`, summed over the views, by logged name."""
    terms = {}
    for piece in pieces:
        if player.role not in piece.roles or not piece.adds_terms():
            continue
        name = f"{player.prefix}_{piece.log_key}"
        for ctx in contexts:
            value = piece.terms(player, ctx)
            if value is not None:
                value = ops.cast(value, "float32")
                terms[name] = terms[name] + value if name in terms else value
    return terms


def _scores(player, contexts):
    """A discriminator's mean scores on the first view: `<prefix>_real`, `<prefix>_fake`."""
    if player.role != "discriminator" or not contexts:
        return {}
    ctx = contexts[0]
    return {
        f"{player.prefix}_real": ops.mean(ctx.real_output),
        f"{player.prefix}_fake": ops.mean(ctx.fake_output),
    }


def play(model, player, batch, finite=None):
    """One update of `player` on `batch`; returns whether its gradients were finite.

    Inside one tape: the model's contexts for the update, each piece's `transform`, the
    sum of the pieces' `terms` plus the networks' own losses. Then the optimizer step
    (loss-scaled under mixed precision; the global-batch mean under `tf.distribute`) and
    each piece's `update`.

    Args:
        model: The model (see the module docstring).
        player: The `keras_gans.steps.Player` to update.
        batch: Whatever the model's `contexts` takes.
        finite: Whether every earlier update of this step was finite (default `None`):
            a loss-scaled player skips its update when one was not.

    Returns:
        A boolean tensor: whether this update's gradients were finite.
    """
    pieces = model.pieces
    variables = player.trainable_variables
    replicas = model.distribute_strategy.num_replicas_in_sync
    with tf.GradientTape() as tape:
        contexts = [_transformed(pieces, c) for c in model.contexts(player, batch, True)]
        terms = _terms(pieces, player, contexts)
        scores = _scores(player, contexts)
        total = sum(terms.values()) + _regularization(player.networks)
        # Gradients are summed across replicas: divide each replica's mean by their count.
        scaled = player.optimizer.scale_loss(total / replicas)
    grads = tape.gradient(scaled, variables)
    if finite is not None and isinstance(player.optimizer, keras.optimizers.LossScaleOptimizer):
        # A non-finite earlier update makes this loss-scaled one skip too.
        poison = tf.where(finite, 0.0, float("nan"))
        grads = [g if g is None else g + ops.cast(poison, g.dtype) for g in grads]
    fused_adam.apply(player.optimizer, grads, variables)
    reports = {}
    for piece in pieces:
        for ctx in contexts:
            reports.update(piece.update(player, ctx) or {})
    model.record(**terms, **scores, **reports)
    return _all_finite(grads)


def evaluate(model, player, batch):
    """The logged values of `player`'s objective on `batch`, without any update."""
    contexts = list(model.contexts(player, batch, False))
    terms = _terms(model.pieces, player, contexts)
    model.record(**terms, **_scores(player, contexts))

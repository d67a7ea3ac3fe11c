"""`Piece`: the one kind of object that takes part in a training step.

The adversarial loss, each penalty, weight clipping, the generator's EMA, the image pool,
augmentations, feature matching, unrolling, BEGAN's controller and the auxiliary heads are
all pieces. A piece overrides some of four hooks; the step calls them in a fixed order and
never reads a flag:

```
for each player, in the model's schedule (k discriminator updates, then the generator):
    with a gradient tape:
        inputs = each piece's transform(inputs, ctx), in order   (what D is shown)
        objective = sum of each piece's terms(player, ctx)       (+ the networks' own losses)
    the player's optimizer step
    logs = each piece's update(player, ctx)                      (EMA, clipping, BEGAN's k)
```

`ctx` is a `keras_gans.steps.StepContext`, created inside the player's tape: everything a
piece reads of the discriminator (scores, heads, input gradients) is differentiable there.
"""

from __future__ import annotations

import keras

from keras_gans.checks import metric_name
from keras_gans.configurable import Configurable

__all__ = ["Configurable", "Piece", "PieceState", "snake_case"]


def snake_case(name):
    """`"ImagePool"` -> `"image_pool"`.

    Example:
    >>> snake_case("DiffAugment")
    'diff_augment'
    """
    out = []
    for i, char in enumerate(name):
        if char.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(char.lower())
    return "".join(out)


#: The log prefix of the two players of a classic GAN.
PREFIXES = {"discriminator": "d", "generator": "g"}


class Piece(Configurable):
    """Base class of everything that takes part in a training step.

    Override the hooks the piece needs (each is a no-op by default):

    - `build(model)`: once, from `GANModel.compile`, under the caller's distribution scope.
      Create variables in a `PieceState` assigned to `self.state` (the model tracks, saves
      and distributes them) and keep references to what later hooks need.
    - `transform(inputs, ctx) -> inputs`: what the discriminator is shown in this update, a
      `DiscriminatorInputs` (`real`, `fake`, `network`): instance noise and DiffAugment
      change the samples, the image pool swaps fakes, the unrolled GAN swaps the network.
      Runs in training updates only; `ctx` sees the inputs before this piece's transform.
    - `terms(player, ctx)`: a float scalar added to `player`'s objective, or `None`. Called
      for the players whose `role` is in `roles`. Logged as `<prefix>_<log_key>`
      (`d_term/feature_matching`, `d_penalty/gp`, `g_loss`).
    - `update(player, ctx)`: after `player`'s optimizer step; returns `None` or a dict of
      values to log, whose names are listed in `reports` (`{"began/k": k}`).

    Attributes:
        name: Names the piece's logs (a non-empty string without '/').
        roles: The player roles whose objectives `terms` adds to (default both).
        reports: The names of the values `update` returns (default none).
        state: A `PieceState` holding the piece's variables, or `None` (default).

    Args:
        name: Default: the class name in snake case.

    Example:
    >>> from keras import ops
    >>> class Zero(Piece):
    ...     roles = ("generator",)
    ...     def terms(self, player, ctx):
    ...         return ops.zeros(())
    >>> Zero().metric_names
    ('g_term/zero',)
    """

    roles = ("discriminator", "generator")
    reports = ()
    state = None

    def __init__(self, name=None):
        self.name = metric_name(name or snake_case(type(self).__name__))

    def build(self, model):
        """Creates the piece's state for `model` (default: nothing)."""

    def transform(self, inputs, ctx):
        """Returns what the discriminator is shown (default: `inputs` unchanged)."""
        return inputs

    def terms(self, player, ctx):
        """A float scalar for `player`'s objective, or `None` (default)."""
        return None

    def update(self, player, ctx):
        """Updates state after `player`'s step; returns values to log or `None`."""
        return None

    @property
    def log_key(self):
        """What follows the player prefix in the name of this piece's term."""
        return f"term/{self.name}"

    def adds_terms(self):
        """Whether the piece overrides `terms`."""
        return type(self).terms is not Piece.terms

    def term_names(self, players):
        """The logged names of this piece's terms for `players` (objects with `role` and
        `prefix`)."""
        if not self.adds_terms():
            return ()
        return tuple(f"{p.prefix}_{self.log_key}" for p in players if p.role in self.roles)

    @property
    def metric_names(self):
        """Every name this piece logs in a classic two-player GAN."""
        players = [_Named(role, prefix) for role, prefix in PREFIXES.items()]
        return (*self.term_names(players), *self.reports)

    def get_config(self):
        return {"name": self.name}


class _Named:
    def __init__(self, role, prefix):
        self.role = role
        self.prefix = prefix


class PieceState(keras.layers.Layer):
    """Holds a piece's variables so that `GANModel` tracks, distributes and saves them.

    Create it in `build(model)` and assign it to `self.state`; `GANModel.compile` collects
    every piece's state, so the variables are saved in `.keras` files and restored on load
    (training then resumes with them). Variables are not trainable and float32 by default.

    Under `tf.distribute`, a variable is assigned from every replica: `aggregation="mean"`
    (default) stores the mean of the replicas' values, `"only_first_replica"` the first
    replica's (for integer counters, buffers of samples).

    Args:
        name: The layer name (default `None`: automatic).

    Example:
    >>> state = PieceState()
    >>> k = state.variable("k", initializer="ones")
    >>> float(k.numpy())
    1.0
    """

    def __init__(self, name=None):
        super().__init__(name=name, trainable=False, dtype="float32")
        self.built = True

    def variable(self, name, shape=(), dtype="float32", initializer="zeros", aggregation="mean"):
        """Creates a non-trainable variable.

        Args:
            name: The variable name.
            shape: Its shape (default `()`).
            dtype: Its dtype (default `"float32"`).
            initializer: A Keras initializer (default `"zeros"`).
            aggregation: How replicas' assignments combine (default `"mean"`).

        Returns:
            The `keras.Variable`.
        """
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            name=name,
        )

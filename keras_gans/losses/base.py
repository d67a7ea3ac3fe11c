"""The `AdversarialLoss` base class: a pair of objectives plus composed regularisers."""

from __future__ import annotations

import keras

from keras_gans.penalties.base import Constraint, Penalty, deserialize, serialize
from keras_gans.steps.piece import Piece

__all__ = ["AdversarialLoss"]


def _check_pieces(pieces, expected, argument):
    pieces = list(pieces or ())
    for piece in pieces:
        if not isinstance(piece, expected):
            raise TypeError(
                f"Every item of `{argument}` must be a keras_gans {expected.__name__}. "
                f"Received: {piece!r} of type {type(piece).__name__}"
            )
    names = [p.name for p in pieces]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"The names in `{argument}` must be unique (each is logged as d_penalty/<name>). "
            f"Received duplicates: {duplicates}"
        )
    return pieces


class AdversarialLoss(Piece):
    """An adversarial objective: a discriminator term, a generator term and regularisers.

    A loss is a `keras_gans.steps.Piece` whose `terms` are the two objectives, logged as
    `d_loss` and `g_loss`. Subclasses implement `discriminator_loss` and `generator_loss`
    by calling the pure functions of `keras_gans.losses.functions`; the class binds
    parameters, names itself and serialises. Regularisers are composed, not switched on by
    flags; each is a piece of its own that the model runs after the loss (`pieces`):

    - `penalties`: `keras_gans.penalties.Penalty` objects whose weighted values are added to
      the discriminator objective and logged as `d_penalty/<name>`.
    - `constraints`: `keras_gans.penalties.Constraint` objects applied to the discriminator's
      weights after each of its updates (e.g. weight clipping).
    - `tricks`: further pieces the loss brings with it (e.g. EBGAN's pulling-away term).

    `discriminator_objective(ctx)` and `generator_objective(ctx)` apply the two pure-output
    methods to the context's scores by default. Override them when an objective needs more
    than the scores: a relativistic loss reads `ctx.real_output` in the generator update
    (computed only because it is read). A loss may override any other hook of `Piece`
    (`build`, `update`, ...), as BEGAN does for its controller.

    Args:
        penalties: A list of penalties (default none).
        constraints: A list of constraints (default none).
        name: The loss's name (default: the class's snake-case name).
    """

    def __init__(self, penalties=None, constraints=None, name=None):
        super().__init__(name=name)
        self.penalties = _check_pieces(penalties, Penalty, "penalties")
        self.constraints = _check_pieces(constraints, Constraint, "constraints")

    log_key = "loss"

    def discriminator_loss(self, real_output, fake_output):
        """Returns the scalar discriminator objective (without penalties)."""
        raise NotImplementedError(f"{type(self).__name__} must implement discriminator_loss.")

    def generator_loss(self, fake_output):
        """Returns the scalar generator objective."""
        raise NotImplementedError(f"{type(self).__name__} must implement generator_loss.")

    def discriminator_objective(self, ctx):
        """The discriminator objective of one update (default: `discriminator_loss` on the
        context's scores)."""
        return self.discriminator_loss(ctx.real_output, ctx.fake_output)

    def generator_objective(self, ctx):
        """The generator objective of one update (default: `generator_loss` on the
        context's fake scores)."""
        return self.generator_loss(ctx.fake_output)

    def terms(self, player, ctx):
        if player.role == "discriminator":
            return self.discriminator_objective(ctx)
        return self.generator_objective(ctx)

    @property
    def tricks(self):
        """Pieces that come with the loss (default none)."""
        return []

    @property
    def pieces(self):
        """The loss and every piece it composes, in the order the step runs them."""
        return [self, *self.penalties, *self.constraints, *self.tricks]

    def get_config(self):
        return {
            "penalties": [serialize(p) for p in self.penalties],
            "constraints": [serialize(c) for c in self.constraints],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("penalties", "constraints"):
            if key in config:
                config[key] = [deserialize(item) for item in config[key] or ()]
        return cls(**config)


keras.saving.register_keras_serializable(package="keras_gans")(AdversarialLoss)

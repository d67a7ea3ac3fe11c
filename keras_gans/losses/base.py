"""The `AdversarialLoss` base class: a pair of objectives plus composed regularisers."""

from __future__ import annotations

import keras

from keras_gans.penalties.base import Constraint, Penalty, deserialize, serialize
from keras_gans.tricks.base import StepHooks

__all__ = ["AdversarialLoss"]


def _check_pieces(pieces, expected, argument):
    pieces = list(pieces or ())
    for piece in pieces:
        if not isinstance(piece, expected):
            raise TypeError(
                f"Every item of `{argument}` must be a keras_gans {expected.__name__}. "
                f"Received: {piece!r} of type {type(piece).__name__}"
            )
    names = [p.name for p in pieces if hasattr(p, "name")]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"Penalty names must be unique (each is logged as d_penalty/<name>). "
            f"Received duplicates: {duplicates}"
        )
    return pieces


class AdversarialLoss(StepHooks):
    """An adversarial objective: a discriminator term, a generator term and regularisers.

    Subclasses implement `discriminator_loss` and `generator_loss` by calling the pure
    functions of `keras_gans.losses.functions`; the class binds parameters, names itself and
    serialises. Regularisers are composed, not switched on by flags:

    - `penalties`: `keras_gans.penalties.Penalty` objects whose weighted values are added to
      the discriminator objective and logged as `d_penalty/<name>`.
    - `constraints`: `keras_gans.penalties.Constraint` objects applied to the discriminator's
      weights after each of its updates (e.g. weight clipping).
    - `tricks`: `keras_gans.tricks.Trick` objects the loss brings with it (e.g. EBGAN's
      pulling-away term); `GANModel` runs them with the tricks given to `compile`.

    The train step calls `discriminator_objective(context)` and
    `generator_objective(context)` with a `keras_gans.tricks.StepContext`; by default they
    apply the two pure-output methods to `context.real_output` / `context.fake_output`.
    Override them when an objective needs more than the scores: a relativistic loss reads
    `context.real_output` in the generator step (computed only because it is read), BEGAN
    reads and reports its state. A loss may also override any other hook of
    `keras_gans.tricks.StepHooks` (`build`, `after_discriminator_step`, `metric_names`, ...).

    Args:
        penalties: A list of penalties (default none).
        constraints: A list of constraints (default none).
        name: The loss's name (default: the class's snake-case name).
    """

    def __init__(self, penalties=None, constraints=None, name=None):
        self.penalties = _check_pieces(penalties, Penalty, "penalties")
        self.constraints = _check_pieces(constraints, Constraint, "constraints")
        self.name = name or type(self).__name__.lower()

    def discriminator_loss(self, real_output, fake_output):
        """Returns the scalar discriminator objective (without penalties)."""
        raise NotImplementedError(f"{type(self).__name__} must implement discriminator_loss.")

    def generator_loss(self, fake_output):
        """Returns the scalar generator objective."""
        raise NotImplementedError(f"{type(self).__name__} must implement generator_loss.")

    def discriminator_objective(self, context):
        """The discriminator objective of one update (default: `discriminator_loss` on the
        context's scores)."""
        return self.discriminator_loss(context.real_output, context.fake_output)

    def generator_objective(self, context):
        """The generator objective of one update (default: `generator_loss` on the
        context's fake scores)."""
        return self.generator_loss(context.fake_output)

    @property
    def tricks(self):
        """Tricks that come with the loss (default none)."""
        return []

    def get_config(self):
        """Returns the constructor arguments as a JSON-serialisable dict."""
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

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


keras.saving.register_keras_serializable(package="keras_gans")(AdversarialLoss)

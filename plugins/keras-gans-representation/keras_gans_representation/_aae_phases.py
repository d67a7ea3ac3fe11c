"""Players outside the adversarial game: the reconstruction phase of the AAE, the VAE-GAN encoder.

The step protocol adds a piece's terms to every player whose role is in the piece's `roles`.
An adversarial autoencoder's reconstruction phase (encoder and decoder on the reconstruction
error alone) and a VAE-GAN's encoder (KL plus the feature reconstruction, never the GAN
loss) produce samples, so they are `"generator"` players, yet neither may receive the
adversarial loss, its penalties or the `compile(tricks=...)`. Here:

- `PlayerTerm`: a piece whose terms belong to *named* players (the family's own objective
  terms: reconstruction, KL, feature reconstruction), whatever their role;
- `OutsidePlayers`: wraps any other piece so it skips the named players (no transform, no
  term, no update for them) and acts unchanged for every other player;
- `PhasedGame`: the `GANModel` mixin that applies both to the model's pieces and creates
  the optimizer of the extra player (it saves and resumes with the model).

Used by `AAEModel` and `VAEGANModel` and their terms (`AAEReconstruction`,
`VAEKLDivergence`, `VAEFeatureReconstruction`).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans.models.serialization import prepare_optimizer
from keras_gans.steps import Piece

__all__ = [
    "OutsidePlayers",
    "PhasedGame",
    "PlayerTerm",
    "batched",
    "copy_optimizer",
    "per_example_sum",
]


class PlayerTerm(Piece):
    """A term of the objectives of the players named in `players` only.

    Subclasses set `players` (player names) and implement `objective(player, ctx)`.
    """

    players = ()
    roles = ("discriminator", "generator")

    def terms(self, player, ctx):
        if player.name not in self.players:
            return None
        return self.objective(player, ctx)

    def objective(self, player, ctx):
        """The scalar added to `player`'s objective."""
        raise NotImplementedError(f"{type(self).__name__} must implement objective().")

    def term_names(self, players):
        return tuple(
            f"{p.prefix}_{self.log_key}"
            for p in players
            if getattr(p, "name", None) in self.players and p.role in self.roles
        )


class OutsidePlayers(Piece):
    """Runs `piece` for every player except those named in `excluded`.

    Args:
        piece: Any `keras_gans.steps.Piece` (the loss, a penalty, a trick, the EMA).
        excluded: Names of the players the piece must not touch.
    """

    def __init__(self, piece, excluded):
        self.piece = piece
        self.excluded = tuple(excluded)
        self.name = piece.name

    @property
    def roles(self):
        return self.piece.roles

    @property
    def reports(self):
        return self.piece.reports

    @property
    def state(self):
        return self.piece.state

    @property
    def log_key(self):
        return self.piece.log_key

    def adds_terms(self):
        return self.piece.adds_terms()

    def term_names(self, players):
        return self.piece.term_names([p for p in players if p.name not in self.excluded])

    def build(self, model):
        self.piece.build(model)

    def transform(self, inputs, ctx):
        if ctx.player.name in self.excluded:
            return inputs
        return self.piece.transform(inputs, ctx)

    def terms(self, player, ctx):
        if player.name in self.excluded:
            return None
        return self.piece.terms(player, ctx)

    def update(self, player, ctx):
        if player.name in self.excluded:
            return None
        return self.piece.update(player, ctx)

    def get_config(self):
        return self.piece.get_config()

    def __repr__(self):
        return f"OutsidePlayers({self.piece!r}, excluded={self.excluded!r})"


def per_example_sum(values):
    """The sum of each example's values: `(batch, ...)` -> `(batch,)`, float32."""
    values = ops.cast(ops.convert_to_tensor(values), "float32")
    return ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)


def batched(fn, x, batch_size):
    """`fn` applied to `x` in batches of `batch_size`, concatenated as a NumPy array."""
    x = np.asarray(x, dtype="float32")
    parts = [
        ops.convert_to_numpy(fn(ops.convert_to_tensor(x[i : i + batch_size])))
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(parts, axis=0)


def copy_optimizer(optimizer):
    """A new optimizer with `optimizer`'s hyperparameters and fresh state."""
    return keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))


class PhasedGame:
    """Mixin (before `GANModel`) for a game with one player outside the adversarial game.

    Class attributes of the model:
        outside_player: The name of that player (e.g. `"autoencoder"`).
        extra_optimizer: The `compile` keyword and attribute of its optimizer (e.g.
            `"ae_optimizer"`); `None` in `compile` means a copy of `g_optimizer`'s
            hyperparameters with its own state.
    """

    outside_player = None
    extra_optimizer = None

    def _compile_with_extra(self, extra, compile_kwargs):
        """Runs `GANModel.compile` with the extra optimizer created first."""
        d_optimizer = compile_kwargs["d_optimizer"]
        g_optimizer = compile_kwargs["g_optimizer"]
        if extra is None:
            try:
                extra = copy_optimizer(keras.optimizers.get(g_optimizer))
            except ValueError:
                extra = None  # GANModel.compile reports the bad `g_optimizer`
        if extra is not None:
            networks = self._outside_networks()
            extra = prepare_optimizer(
                extra, self.extra_optimizer, compile_kwargs["auto_scale_loss"], networks
            )
            if d_optimizer is extra or g_optimizer is extra:
                raise ValueError(
                    f"`{self.extra_optimizer}` must be its own optimizer (each player keeps "
                    f"its own state), not `d_optimizer` or `g_optimizer`. Received: "
                    f"{self.extra_optimizer}={extra!r}"
                )
            setattr(self, self.extra_optimizer, extra)
        super().compile(**compile_kwargs)
        self._gan_compile_config[self.extra_optimizer] = getattr(self, self.extra_optimizer)

    def _outside_networks(self):
        """The networks the outside player updates (for mixed-precision loss scaling)."""
        raise NotImplementedError

    def arrange_pieces(self, pieces):
        """Every piece but the family's own `PlayerTerm`s skips the outside player."""
        excluded = (self.outside_player,)
        return [p if isinstance(p, PlayerTerm) else OutsidePlayers(p, excluded) for p in pieces]

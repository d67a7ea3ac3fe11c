"""`Player`: one participant of the game, with its networks, optimizer and objective."""

from __future__ import annotations

import dataclasses
from typing import Any

from keras_gans.checks import one_of

__all__ = ["ROLES", "Player"]

#: A player either scores samples (`"discriminator"`: critics, code discriminators, joint
#: (x, z) discriminators) or produces them (`"generator"`: generators, encoders, decoders).
ROLES = ("discriminator", "generator")


@dataclasses.dataclass(frozen=True, eq=False)
class Player:
    """A participant of the game: the networks one optimizer updates.

    A classic GAN has two, `discriminator` and `generator`; CycleGAN could have `d_a`,
    `d_b` and one `generator` player holding both translators; BiGAN a `generator` player
    holding the generator and the encoder. Its objective is the sum of the terms that the
    pieces add for it (`Piece.terms(player, ctx)`, called for players whose `role` is in
    the piece's `roles`) plus the networks' own losses (`network.losses`).

    Args:
        name: Identifies the player (`"discriminator"`, `"d_a"`, ...).
        role: `"discriminator"` or `"generator"` (see `ROLES`): which side of each
            adversarial term it plays.
        networks: The `keras.Model`s whose trainable weights it updates.
        optimizer: Its optimizer.
        prefix: The prefix of its logged values (default: `d` / `g` for the classic
            players, else the name), e.g. `d_loss`, `d_a_loss`.

    Example:
    >>> import keras
    >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> player = Player("discriminator", "discriminator", (d,), keras.optimizers.Adam())
    >>> player.prefix, len(player.trainable_variables)
    ('d', 2)
    """

    name: str
    role: str
    networks: tuple
    optimizer: Any
    prefix: str | None = None

    def __post_init__(self):
        one_of(self.role, "role", ROLES)
        if not isinstance(self.name, str) or not self.name or "/" in self.name:
            raise ValueError(
                f"`name` must be a non-empty string without '/'. Received: name={self.name!r}"
            )
        object.__setattr__(self, "networks", tuple(self.networks))
        if self.prefix is None:
            prefix = {"discriminator": "d", "generator": "g"}.get(self.name, self.name)
            object.__setattr__(self, "prefix", prefix)

    @property
    def trainable_variables(self):
        """The trainable weights of every network, in order, without duplicates."""
        seen, variables = set(), []
        for network in self.networks:
            for variable in network.trainable_variables:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        return variables

    def __repr__(self):
        return f"Player({self.name!r}, role={self.role!r})"

"""The step protocol: players, pieces and the context they read.

A training step runs each `Player` of the game in the model's order. For each update it
builds a `StepContext` inside the player's gradient tape, lets every `Piece` transform what
the discriminator is shown, sums the pieces' `terms` into the player's objective, applies
its optimizer, then calls each piece's `update`. See `keras_gans.steps.piece` for the four
hooks.
"""

from keras_gans.steps.context import DiscriminatorInputs, StepContext, split_outputs
from keras_gans.steps.piece import Configurable, Piece, PieceState
from keras_gans.steps.player import ROLES, Player

__all__ = [
    "ROLES",
    "Configurable",
    "DiscriminatorInputs",
    "Piece",
    "PieceState",
    "Player",
    "StepContext",
    "split_outputs",
]

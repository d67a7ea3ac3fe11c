"""`Trick`: the name the stabilisation toolkit gives a `keras_gans.steps.Piece`.

Every trick is a piece of the step protocol (see `keras_gans.steps.piece`); `Trick` is the
same class, kept as the name users know from `GANModel.compile(tricks=[...])`.
"""

from __future__ import annotations

from keras_gans.steps.piece import Piece, PieceState

__all__ = ["Trick", "TrickState"]

#: Tricks are pieces.
Trick = Piece

#: The state holder of pieces, under the name tricks used first.
TrickState = PieceState

"""Keras callbacks for GAN training: sample grids, checkpoints, run directories, EMA,
non-finite guards and in-training metrics.

Each works in any Keras script that trains a `keras_gans.GANModel` with `fit`.
"""

__all__ = []

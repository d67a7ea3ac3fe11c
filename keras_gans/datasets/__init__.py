"""Datasets that work offline: scikit-learn's bundled digits and synthetic 2-D mixtures."""

from keras_gans.datasets.digits import load_digits
from keras_gans.datasets.mixtures import grid_of_gaussians, ring_of_gaussians

__all__ = ["grid_of_gaussians", "load_digits", "ring_of_gaussians"]

"""Shared GAN building blocks for architecture plugins."""

from keras_gans.layers.conditioning import label_embedding, label_input, label_map

__all__ = ["label_embedding", "label_input", "label_map"]

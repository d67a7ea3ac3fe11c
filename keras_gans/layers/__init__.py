"""Shared GAN building blocks for architecture plugins and your own networks."""

from keras_gans.layers.condition_encoding import (
    OneHot,
    TileChannels,
    embedding_input,
    label_channels,
    one_hot_labels,
    tiled_channels,
)
from keras_gans.layers.conditional_batch_norm import ConditionalBatchNormalization
from keras_gans.layers.conditioning import label_embedding, label_input, label_map
from keras_gans.layers.minibatch import MinibatchDiscrimination, MinibatchStandardDeviation
from keras_gans.layers.packing import Packing
from keras_gans.layers.projection import ProjectionHead
from keras_gans.layers.reconstruction import ReconstructionScore

__all__ = [
    "ConditionalBatchNormalization",
    "MinibatchDiscrimination",
    "MinibatchStandardDeviation",
    "OneHot",
    "Packing",
    "ProjectionHead",
    "ReconstructionScore",
    "TileChannels",
    "embedding_input",
    "label_channels",
    "label_embedding",
    "label_input",
    "label_map",
    "one_hot_labels",
    "tiled_channels",
]

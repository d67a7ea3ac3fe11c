"""Models: `GANModel` and its train step (the one place that uses TensorFlow autodiff)."""

from keras_gans.models.gan_model import GANModel
from keras_gans.models.serialization import load_model
from keras_gans.models.standing_statistics import standing_statistics, standing_statistics_record

__all__ = ["GANModel", "load_model", "standing_statistics", "standing_statistics_record"]

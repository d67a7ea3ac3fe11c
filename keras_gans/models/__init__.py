"""Models: `GANModel` and its train step (the one place that uses TensorFlow autodiff)."""

from keras_gans.models.gan_model import GANModel

__all__ = ["GANModel"]

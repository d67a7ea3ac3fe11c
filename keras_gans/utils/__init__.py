"""Small utilities: image grids for generated samples."""

from keras_gans.utils.images import image_grid, save_image_grid

__all__ = ["image_grid", "save_image_grid"]

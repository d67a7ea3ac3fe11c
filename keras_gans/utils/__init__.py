"""Old home of the picture and latent helpers, kept so 0.1 code keeps importing.

The helpers now live beside what they serve: `keras_gans.images` (`image_grid`,
`save_image_grid`, `plot_curves`, `scatter_plot`) and `keras_gans.latents` (truncation,
interpolation, sweeps). `keras_gans.utils.save_image_grid` and `keras_gans.utils.latent.*`
are aliases of those; new code imports from the new homes.
"""

from keras_gans.images import image_grid, save_image_grid
from keras_gans.utils import latent

__all__ = ["image_grid", "latent", "save_image_grid"]

"""Deprecated: the old home of the picture and latent helpers.

They live beside what they serve: `keras_gans.images` (`image_grid`, `save_image_grid`,
`plot_curves`, `scatter_plot`) and `keras_gans.latents` (truncation, interpolation,
sweeps). The old names still import, with a `DeprecationWarning` naming the new home.
"""

import importlib
import warnings

_MOVED = {
    "image_grid": "keras_gans.images",
    "save_image_grid": "keras_gans.images",
    "latent": "keras_gans.latents",
}


def __getattr__(name):
    if name not in _MOVED:
        raise AttributeError(f"module 'keras_gans.utils' has no attribute {name!r}")
    warnings.warn(
        f"keras_gans.utils.{name} moved to {_MOVED[name]}; import it from there.",
        DeprecationWarning,
        stacklevel=2,
    )
    if name == "latent":
        return importlib.import_module("keras_gans.utils.latent")
    return getattr(importlib.import_module(_MOVED[name]), name)

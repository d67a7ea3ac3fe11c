"""Deprecated alias of the latent-space tools, which live in `keras_gans.latents`."""

import warnings

from keras_gans.latents.tools import (
    class_sweep,
    code_sweep,
    generate_from_latents,
    interpolate,
    latent_arithmetic,
    lerp,
    slerp,
    truncated_normal,
)

warnings.warn(
    "keras_gans.utils.latent moved to keras_gans.latents; import the tools from there.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = [
    "class_sweep",
    "code_sweep",
    "generate_from_latents",
    "interpolate",
    "latent_arithmetic",
    "lerp",
    "slerp",
    "truncated_normal",
]

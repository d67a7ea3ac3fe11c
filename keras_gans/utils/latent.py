"""Alias of the latent-space tools of `keras_gans.latents`, kept so 0.1 code keeps importing."""

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

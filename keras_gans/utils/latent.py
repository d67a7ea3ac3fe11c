"""Deprecated alias of the latent-space tools, which live in `keras_gans.latents`."""

import warnings

from keras_gans.latents import tools
from keras_gans.latents.tools import *  # noqa: F403 - the alias re-exports every tool

warnings.warn(
    "keras_gans.utils.latent moved to keras_gans.latents; import the tools from there.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = list(tools.__all__)

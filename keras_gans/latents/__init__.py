"""Latent priors: how `GANModel` draws the generator's input `z`.

`GANModel(latent_distribution=...)` takes `"normal"`, `"uniform"` or a `LatentDistribution`
object. Subclass `LatentDistribution` for structured latents, e.g. InfoGAN's noise
concatenated with categorical and continuous codes: `sample(n, latent_dim, seed)` returns
the whole generator input, and objective terms read it back from `StepContext.latent`.

Modules: `priors` (`LatentDistribution`, `NormalLatent`, `UniformLatent`, `resolve`),
`infogan_latent` (`InfoGANLatent`: noise plus InfoGAN's codes) and `tools` (truncation,
interpolation, vector arithmetic, class and code sweeps, generating from given latents).
The dependencies run one way: `priors` <- `infogan_latent` <- `tools`.
"""

from keras_gans.latents.infogan_latent import InfoGANLatent
from keras_gans.latents.priors import LatentDistribution, NormalLatent, UniformLatent, resolve
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
    "InfoGANLatent",
    "LatentDistribution",
    "NormalLatent",
    "UniformLatent",
    "class_sweep",
    "code_sweep",
    "generate_from_latents",
    "interpolate",
    "latent_arithmetic",
    "lerp",
    "resolve",
    "slerp",
    "truncated_normal",
]

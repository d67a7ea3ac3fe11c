"""Building a `GANModel` (or the subclass an architecture names) from an architecture plugin."""

from __future__ import annotations

from keras_gans.models import validation as check
from keras_gans.models.ema import check_start

__all__ = ["from_architecture"]


def from_architecture(cls, name, seed, ema_decay, ema_start, kwargs):
    """The body of `GANModel.from_architecture` (see its docstring)."""
    from keras_gans import architectures

    arch = architectures.get(name, **kwargs)
    gan = check.check_model_class(arch.model_class, cls, name)(
        **arch.build_networks(),
        latent_dim=arch.latent_dim,
        latent_distribution=arch.default_latent_distribution(),
        num_classes=getattr(arch, "num_classes", None),
        seed=seed,
        ema_decay=ema_decay,
        name=f"{architectures.normalize_name(name).replace('-', '_')}_gan",
    )
    gan.architecture_tricks = check.check_tricks(arch.default_tricks())
    if check_start(ema_start, ema_decay):
        gan.enable_ema(ema_decay, start=ema_start)
    return gan

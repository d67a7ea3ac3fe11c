"""Saving and loading a `GANModel`: its config, its compile config, its optimizers."""

from __future__ import annotations

import keras

from keras_gans import latents
from keras_gans.registry import import_plugins_named_in

__all__ = ["SerializationMixin", "prepare_optimizer"]


def prepare_optimizer(identifier, argument, auto_scale_loss, networks):
    """The optimizer `identifier` names, loss-scaled when `networks` run in mixed_float16."""
    try:
        optimizer = keras.optimizers.get(identifier)
    except ValueError as error:
        raise ValueError(
            f"`{argument}` must be a keras optimizer, its name or its config. "
            f"Received: {argument}={identifier!r}"
        ) from error
    if optimizer is None:
        raise ValueError(f"`{argument}` must be given. Received: {argument}=None")
    mixed = (
        any(network.dtype_policy.name == "mixed_float16" for network in networks)
        or keras.config.dtype_policy().name == "mixed_float16"
    )
    if auto_scale_loss and mixed and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer, name=f"{argument}_scaled")
    return optimizer


class SerializationMixin:
    """`GANModel`'s configs, so a `.keras` file restores the model and resumes training."""

    def get_compile_config(self):
        if not getattr(self, "_gan_compile_config", None):
            return {}
        return {
            key: keras.saving.serialize_keras_object(value)
            for key, value in self._gan_compile_config.items()
        }

    def compile_from_config(self, config):
        import_plugins_named_in(config)
        config = {k: keras.saving.deserialize_keras_object(v) for k, v in config.items()}
        self.compile(**config)

    def get_config(self):
        distribution = self.latent_distribution
        if not isinstance(distribution, str):
            distribution = keras.saving.serialize_keras_object(distribution)
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "latent_distribution": distribution,
            "num_classes": self.num_classes,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            **self._architecture_tricks_config(),
        }

    def _architecture_tricks_config(self):
        if not self.architecture_tricks:
            return {}
        tricks = [keras.saving.serialize_keras_object(t) for t in self.architecture_tricks]
        return {"architecture_tricks": tricks}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        import_plugins_named_in(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        if isinstance(config.get("latent_distribution"), dict):
            config["latent_distribution"] = latents.resolve(config["latent_distribution"])
        tricks = config.pop("architecture_tricks", [])
        model = cls(**config)
        model.architecture_tricks = [keras.saving.deserialize_keras_object(t) for t in tricks]
        return model

"""Saving and loading a `GANModel`: its config, its compile config, its optimizers."""

from __future__ import annotations

import keras

from keras_gans import latents
from keras_gans.registry import import_plugins_named_in

__all__ = ["SerializationMixin", "load_model", "prepare_optimizer"]


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` file, first importing the keras-gans plugin modules it names.

    `keras.saving.load_model` finds a class only if its module was imported; a model whose
    own class comes from a plugin distribution (an AAE, a CycleGAN) would not load in a
    fresh process. This reads the file's `config.json`, imports the modules it names that
    belong to packages declaring keras-gans entry points (never any other module, so
    `safe_mode` keeps its meaning), then calls `keras.saving.load_model`.

    Args:
        filepath: Path of a `.keras` file.
        custom_objects, compile, safe_mode: As in `keras.saving.load_model` (defaults
            `None`, `True`, `True`).

    Returns:
        The loaded model.
    """
    import json
    import zipfile

    try:
        with zipfile.ZipFile(filepath) as archive:
            config = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"`filepath` must be a .keras file (a zip archive with a config.json). "
            f"Received: filepath={str(filepath)!r} ({type(error).__name__}: {error})"
        ) from None
    import_plugins_named_in(config)
    return keras.saving.load_model(
        filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )


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

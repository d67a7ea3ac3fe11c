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
    mixed = keras.config.dtype_policy().name == "mixed_float16" or any(
        _runs_in_float16(network) for network in networks
    )
    if auto_scale_loss and mixed and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer, name=f"{argument}_scaled")
    return optimizer


def _runs_in_float16(layer):
    """Whether `layer` or any layer inside it computes under `mixed_float16`.

    The layers are looked at, not only the outer network: a model loaded in a float32
    process takes that process's policy itself while its stored layers keep theirs.
    """
    if layer.dtype_policy.name == "mixed_float16":
        return True
    return any(_runs_in_float16(inner) for inner in getattr(layer, "layers", ()))


#: Prefix of the stored seed-generator states among the model's own variables.
_STREAM = "random_stream_"


class SerializationMixin:
    """`GANModel`'s configs, so a `.keras` file restores the model and resumes training.

    The weights file also holds the position of every random stream: the latent
    sampler's (which the pieces draw from too: instance noise, augmentations) and each
    layer's (dropout masks, Gumbel noise). Keras saves variables but not seed-generator
    states, so without them a loaded model would draw its first steps' numbers again;
    with them, training n steps, saving, loading and training m more is training n + m.
    """

    def _random_streams(self):
        """The latent sampler, then every layer's seed generators, in layer order."""
        streams, seen = [], set()
        candidates = [self.seed_generator]
        for layer in self._flatten_layers(include_self=False):
            candidates.extend(getattr(layer, "_seed_generators", None) or ())
        for stream in candidates:
            if stream is not None and id(stream) not in seen:
                seen.add(id(stream))
                streams.append(stream)
        return streams

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, stream in enumerate(self._random_streams()):
            store[f"{_STREAM}{i}"] = stream.state.numpy()

    def load_own_variables(self, store):
        keys = list(store.keys())
        super().load_own_variables({k: store[k] for k in keys if not k.startswith(_STREAM)})
        for i, stream in enumerate(self._random_streams()):
            if f"{_STREAM}{i}" in keys:  # files saved before streams were stored lack them
                stream.state.assign(store[f"{_STREAM}{i}"])

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
            **({"ema_start": self.ema_start} if self.ema_start else {}),
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
        ema_start = config.pop("ema_start", 0)  # through enable_ema: subclasses do not take it
        model = cls(**config)
        if ema_start:
            model.enable_ema(model.ema_decay, start=ema_start)
        model.architecture_tricks = [keras.saving.deserialize_keras_object(t) for t in tricks]
        return model

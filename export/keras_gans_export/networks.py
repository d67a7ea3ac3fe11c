"""Which network an export traces: the generator, its EMA copy, a translator or a sampler."""

from __future__ import annotations

import inspect
import math

import keras

__all__ = ["check_not_discriminator", "in_float32", "resolve_generator"]


def resolve_generator(
    model,
    use_ema=True,
    direction=None,
    dynamic_size=False,
    truncation_psi=None,
    noise_inputs=False,
):
    """Picks the network to export.

    Args:
        model: A `keras_gans.GANModel` or a generator `keras.Model`.
        use_ema: For a `GANModel`, export `model.ema_generator` when it exists and is not
            `None` (default `True`); passed on to a translator that takes it (pix2pix).
        direction: A translation model's direction (pix2pix, CycleGAN: a model with
            `translator(direction)`; default `None`: `"a2b"`).
        dynamic_size: A translation model's input takes any height and width (default `False`).
        truncation_psi: For a model with a w-space truncation trick (StyleGAN: a `GANModel`
            with `sampler(truncation_psi=, use_ema=)`), export `model.sampler(...)` with
            this psi (default `None`: the plain generator, psi = 1).
        noise_inputs: For such a model, export `model.sampler(noise="random")`, whose
            per-layer noise draws the exporter lifts into `noise_<layer>` inputs (default
            `False`: the stored constant noise maps, deterministic).

    A `GANModel` whose served network is not its generator names it with the hook
    `export_network(use_ema)`, which returns `(network, name)`: e.g. DANN, whose
    `generator` is the feature extractor, exports its `classifier` (samples to class
    probabilities, what `predict` returns). That network is traced like a bare
    `keras.Model` (no latent prior of the model's), and `name` is recorded as the
    metadata's `network`.

    Returns:
        `(generator, network, gan)`: the network, which one it is (`"ema_generator"`,
        `"generator"`, `"translator_<direction>"`, `"sampler_psi_<psi>"`, the name an
        `export_network` hook gives, or `"model"`), and the `GANModel` whose latents it
        takes (or `None`).
    """
    import keras_gans

    if isinstance(model, keras_gans.GANModel) and callable(getattr(model, "export_network", None)):
        return _declared_network(model, use_ema, direction, truncation_psi, noise_inputs)
    if isinstance(model, keras_gans.GANModel):
        if callable(getattr(model, "translator", None)):
            direction = direction or "a2b"
            keywords = {"dynamic_size": dynamic_size}
            if "use_ema" in inspect.signature(model.translator).parameters:
                keywords["use_ema"] = use_ema  # pix2pix, pix2pixHD: an EMA translator
            network = model.translator(direction, **keywords)
            return network, f"translator_{direction}", model
        if direction is not None:
            raise ValueError(
                f"`direction` applies to translation models; {type(model).__name__} "
                f"generates from latents. Received: direction={direction!r}"
            )
        if truncation_psi is not None or noise_inputs:
            psi = 1.0 if truncation_psi is None else truncation_psi
            network = truncated_sampler(model, psi, use_ema, noise_inputs)
            return network, f"sampler_psi_{psi:g}", model
        ema = getattr(model, "ema_generator", None) if use_ema else None
        if ema is not None:
            return ema, "ema_generator", model
        return model.generator, "generator", model
    if truncation_psi is not None or noise_inputs:
        raise ValueError(
            "`truncation_psi` and `noise_inputs` need a GANModel with a truncation trick "
            f"(StyleGAN, StyleGAN2); received a bare {type(model).__name__}. Received: "
            f"truncation_psi={truncation_psi!r}, noise_inputs={noise_inputs!r}"
        )
    if not isinstance(model, keras.Model):
        raise TypeError(
            "`model` must be a keras_gans.GANModel or a generator keras.Model. "
            f"Received: model={model!r} of type {type(model).__name__}"
        )
    return model, "model", None


def _declared_network(model, use_ema, direction, truncation_psi, noise_inputs):
    """The network a model's `export_network(use_ema)` hook names, checked."""
    kind = type(model).__name__
    given = {"direction": direction, "truncation_psi": truncation_psi, "noise_inputs": noise_inputs}
    for argument, value in given.items():
        if value is not None and value is not False:
            raise ValueError(
                f"`{argument}` does not apply to {kind}, which exports the network its "
                f"`export_network` names. Received: {argument}={value!r}"
            )
    declared = model.export_network(use_ema=use_ema)
    network, name = declared if isinstance(declared, tuple) and len(declared) == 2 else (None, None)
    if not isinstance(network, keras.Model) or not isinstance(name, str) or not name:
        raise TypeError(
            f"{kind}.export_network must return (network, name): a keras.Model and a "
            f"non-empty string. Received: {declared!r}"
        )
    return network, name, None


def check_not_discriminator(model, inputs, outputs):
    first = tuple(inputs[0].shape)
    structure = getattr(model, "output", None)
    if isinstance(structure, dict) and "score" in structure:
        raise ValueError(
            "`model` looks like a discriminator, not a generator: its outputs include "
            f"'score' ({sorted(structure)}). Export the generator or the GANModel that "
            f"holds it. Received: model={model.name!r}"
        )
    out = tuple(outputs[0].shape)
    per_example = math.prod(d or 1 for d in out[1:])
    named = any(word in model.name.lower() for word in ("discriminator", "critic"))
    if per_example == 1 and (len(first) > 2 or named):
        raise ValueError(
            "`model` looks like a discriminator, not a generator: it maps inputs of shape "
            f"{first} to one score per example {out}. Export the generator (a network "
            "mapping latent vectors z of shape (batch, latent_dim) to samples) or the "
            f"GANModel that holds it. Received: model={model.name!r}"
        )


def truncated_sampler(model, truncation_psi, use_ema=True, noise_inputs=False):
    """`model.sampler(truncation_psi=..., use_ema=..., noise=...)`, arguments checked first."""
    if not callable(getattr(model, "sampler", None)):
        raise ValueError(
            f"`truncation_psi` needs a model with a w-space truncation trick (a `sampler` "
            f"method: StyleGAN, StyleGAN2); {type(model).__name__} has none (BigGAN's "
            f"truncation is on z: draw truncated latents instead). "
            f"Received: truncation_psi={truncation_psi!r}"
        )
    if (
        isinstance(truncation_psi, bool)
        or not isinstance(truncation_psi, (int, float))
        or not math.isfinite(truncation_psi)
    ):
        raise ValueError(
            f"`truncation_psi` must be a finite number (1 keeps w, 0 gives the average w). "
            f"Received: truncation_psi={truncation_psi!r}"
        )
    noise = {"noise": "random"} if noise_inputs else {}
    return model.sampler(truncation_psi=float(truncation_psi), use_ema=use_ema, **noise)


def in_float32(network):
    """`network` itself when it computes in float32, else a float32 copy with its weights.

    A network trained under `mixed_float16` or `mixed_bfloat16` keeps float32 weights but
    computes in half precision, which TFLite's builtin kernels and a float32 verification do
    not take. The copy is rebuilt from the network's config with every layer's dtype policy
    set to `float32`, and given the same weights (the float32 master copies, unrounded):
    the exported model is the float32 network the weights define.

    Example:
    >>> import keras
    >>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, dtype="mixed_float16")])
    >>> copy = in_float32(net)
    >>> copy.layers[0].compute_dtype, bool((copy.get_weights()[0] == net.get_weights()[0]).all())
    ('float32', True)
    >>> in_float32(copy) is copy
    True
    """
    layers = network._flatten_layers(include_self=True)
    if all(getattr(layer, "compute_dtype", "float32") in ("float32", None) for layer in layers):
        return network
    config = _float32_policies(keras.saving.serialize_keras_object(network))
    copy = keras.saving.deserialize_keras_object(config)
    if not copy.built:
        raise ValueError(
            f"Cannot export the {network.compute_dtype} network {network.name!r} in float32: "
            "its float32 copy is not built from its config. Load the model under the "
            "float32 dtype policy, or make the network a functional model."
        )
    copy.set_weights(network.get_weights())
    return copy


def _float32_policies(config):
    """`config` with every serialized `DTypePolicy` naming a mixed policy set to float32."""
    if isinstance(config, list):
        return [_float32_policies(item) for item in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
        name = config.get("config", {}).get("name", "")
        if name.startswith("mixed_"):
            return {**config, "config": {**config["config"], "name": "float32"}}
        return config
    return {key: _float32_policies(value) for key, value in config.items()}

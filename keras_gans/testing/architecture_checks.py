"""Conformance checks for architectures (`keras_gans.architectures` plugins)."""

from __future__ import annotations

import keras
import numpy as np

from keras_gans.architectures.base import Architecture
from keras_gans.steps import split_outputs
from keras_gans.testing._expect import (
    checked_config,
    expect,
    finite_array,
    from_config,
    json_round_trip,
    shown,
)

__all__ = ["check_architecture", "sample_labels"]


def sample_labels(n, num_classes=None, *, condition=None, seed=0):
    """Returns `n` conditions for a conditional network: class ids or embedding vectors.

    Class ids cycle through `range(num_classes)`, shape `(n, 1)`. With `condition`, the
    generator's condition input (anything with a `shape` and a `dtype`, e.g.
    `generator.inputs[1]`), the conditions take its dtype and shape: class ids when its
    dtype is an integer, or when `num_classes` is set and it holds one value per sample;
    otherwise (float embeddings, as in GAN-CLS or StackGAN) random normal vectors of its
    shape.

    Args:
        n: How many conditions.
        num_classes: The number of classes (default `None`: the condition is a vector).
        condition: The condition input (default `None`: int32 class ids).
        seed: Seed of the random vectors (default 0).

    Returns:
        A NumPy array of `n` conditions.

    Example:
    >>> sample_labels(3, 2).ravel().tolist()
    [0, 1, 0]
    >>> import keras
    >>> sample_labels(4, condition=keras.Input((16,))).shape
    (4, 16)
    """
    shape, dtype = (1,), "int32"
    if condition is not None:
        shape = tuple(condition.shape[1:])
        dtype = keras.backend.standardize_dtype(condition.dtype)
    ids = "int" in dtype or (num_classes is not None and shape in ((), (1,)))
    if not ids:
        rng = np.random.default_rng(seed)
        return rng.normal(size=(n, *shape)).astype(dtype)
    if num_classes is None:
        raise ValueError(
            "Class-id conditions need `num_classes`. Received: num_classes=None for a "
            f"condition of shape {shape} and dtype {dtype}."
        )
    return (np.arange(n) % num_classes).astype(dtype).reshape(n, *shape)


def _shape(tensor):
    return tuple(tensor.shape)


def _compatible(a, b):
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b, strict=True)
    )


def _signature(network):
    """Input shapes, output shapes and parameter count: what a rebuild must reproduce."""
    return (
        [_shape(t) for t in network.inputs],
        [_shape(t) for t in network.outputs],
        network.count_params(),
    )


def check_architecture(arch, *, batch_size=3, seed=0):
    """Checks that `arch` is a well-behaved `Architecture`.

    The checks, each raising `AssertionError` with a message naming the architecture:

    1. `arch` is a `keras_gans.architectures.Architecture` with a positive integer
       `latent_dim`, a `num_classes` that is `None` or a positive integer, and a
       `default_loss` that is an installed loss.
    2. `build_generator()` and `build_discriminator()` return `keras.Model`s; the generator
       takes `z` of shape `(batch, latent_dim)`. A family with its own `model_class` (an
       encoder, a code discriminator, ...) is checked instead for a `GANModel` subclass
       that accepts `build_networks()` (every network a `keras.Model`, a `"generator"` and
       a `"discriminator"` among them); checks 3 and 4 are then its model's business,
       covered by `check_fit`.
    3. Conditional if `num_classes` is set (both networks then take a second, labels
       input: class ids of shape `(batch, 1)`) or if the generator takes a second input
       (a float condition such as a text embedding, with `num_classes=None`); then both
       networks' condition inputs have the same shape. Otherwise one input each. The
       forward passes use `sample_labels` for the condition's dtype and shape.
    4. On a batch, the generator's output has the discriminator's input shape, the
       discriminator returns one finite score per sample (`(batch, 1)` or `(batch,)`;
       alone, or as the `"score"` entry of a dict of heads; one per pack of `arch.packing`
       samples for a PacGAN discriminator), and `keras_gans.GANModel` accepts the pair.
    5. Every `__init__` argument is a same-named attribute and a key of `get_config()`,
       with the attribute's value.
    6. `type(arch).from_config(arch.get_config())`, directly and through JSON, has an equal
       config (direct round trip) and rebuilds (`build_networks()`) networks with the same
       input and output shapes and parameter counts.

    Args:
        arch: The architecture to check.
        batch_size: Batch size of the forward passes (default 3).
        seed: Seed of the latent batch (default 0).

    Example:
    >>> import keras_gans
    >>> arch = keras_gans.architectures.get("mlp", data_shape=(2,), latent_dim=4)
    >>> check_architecture(arch)
    """
    from keras_gans import losses

    expect(
        isinstance(arch, Architecture),
        "An architecture plugin must produce a keras_gans.architectures.Architecture. "
        f"Received: {shown(arch)} of type {type(arch).__name__}",
    )
    cls = type(arch).__name__
    latent_dim = getattr(arch, "latent_dim", None)
    expect(
        isinstance(latent_dim, int) and not isinstance(latent_dim, bool) and latent_dim > 0,
        f"{cls}.latent_dim must be a positive integer. Received: latent_dim={latent_dim!r}",
    )
    num_classes = arch.num_classes
    expect(
        num_classes is None
        or (isinstance(num_classes, int) and not isinstance(num_classes, bool) and num_classes > 0),
        f"{cls}.num_classes must be None or a positive integer. Received: {num_classes!r}",
    )
    expect(
        arch.default_loss in losses.registry,
        f"{cls}.default_loss must be an installed loss ({', '.join(losses.names())}). "
        f"Received: default_loss={arch.default_loss!r}",
    )
    if arch.model_class is None:
        networks = _check_pair(arch, cls, latent_dim, num_classes, batch_size, seed)
    else:
        networks = _check_family(arch, cls, latent_dim, num_classes)

    config = checked_config(arch)
    signatures = {key: _signature(network) for key, network in networks.items()}
    rebuilt = from_config(type(arch), config)
    expect(
        rebuilt.get_config() == config,
        f"{cls}.from_config(get_config()) must rebuild an equal config. "
        f"Received {rebuilt.get_config()!r}, expected {config!r}.",
    )
    from_json = from_config(type(arch), json_round_trip(config, f"{cls}.get_config()"))
    for how, copy in (("from_config(get_config())", rebuilt), ("a JSON config", from_json)):
        received = {key: _signature(network) for key, network in copy.build_networks().items()}
        expect(
            received == signatures,
            f"{cls} rebuilt from {how} builds different networks (input shapes, output "
            f"shapes, parameter count): {received!r} instead of {signatures!r}.",
        )


def _check_pair(arch, cls, latent_dim, num_classes, batch_size, seed):
    """Checks 2-4 for a generator/discriminator pair; returns the two networks."""
    from keras_gans import GANModel

    generator, discriminator = arch.build_generator(), arch.build_discriminator()
    for role, network in (("generator", generator), ("discriminator", discriminator)):
        expect(
            isinstance(network, keras.Model),
            f"{cls}.build_{role}() must return a keras.Model. Received: {shown(network)}",
        )
    _check_inputs(cls, generator, discriminator, latent_dim, num_classes)
    packs = getattr(arch, "packing", 1)
    _check_forward(cls, generator, discriminator, latent_dim, num_classes, batch_size, seed, packs)
    GANModel(generator, discriminator, latent_dim=latent_dim, num_classes=num_classes)
    return {"generator": generator, "discriminator": discriminator}


def _check_family(arch, cls, latent_dim, num_classes):
    """A family with its own model class: its networks build and its model accepts them."""
    from keras_gans import GANModel

    model_class = arch.model_class
    expect(
        isinstance(model_class, type) and issubclass(model_class, GANModel),
        f"{cls}.model_class must be a keras_gans.GANModel subclass. Received: {shown(model_class)}",
    )
    networks = arch.build_networks()
    expect(
        isinstance(networks, dict) and {"generator", "discriminator"} <= set(networks),
        f"{cls}.build_networks() must return a dict with at least 'generator' and "
        f"'discriminator'. Received: {shown(networks)}",
    )
    for key, network in networks.items():
        expect(
            isinstance(network, keras.Model),
            f"{cls}.build_networks()[{key!r}] must be a keras.Model. Received: {shown(network)}",
        )
    model_class(
        **networks,
        latent_dim=latent_dim,
        latent_distribution=arch.default_latent_distribution(),
        num_classes=num_classes,
    )
    return networks


def _check_inputs(cls, generator, discriminator, latent_dim, num_classes):
    conditional = num_classes is not None or len(generator.inputs) == 2
    expected = 2 if conditional else 1
    if num_classes is not None:
        why = (
            f"a conditional architecture (num_classes={num_classes}) takes [z, labels] and "
            "[x, labels]"
        )
    elif conditional:
        why = (
            "a generator that takes [z, condition] (an embedding condition, num_classes="
            "None) needs a discriminator that takes [x, condition]"
        )
    else:
        why = "an unconditional architecture (num_classes=None) takes one input per network"
    for role, network in (("generator", generator), ("discriminator", discriminator)):
        count = len(network.inputs)
        expect(
            count == expected,
            f"{cls}: {why}. Received a {role} with {count} inputs "
            f"{[_shape(t) for t in network.inputs]}.",
        )
    z_shape = _shape(generator.inputs[0])
    expect(
        _compatible(z_shape, (None, latent_dim)),
        f"{cls}: the generator's first input must be z of shape (batch, latent_dim="
        f"{latent_dim}). Received {z_shape}.",
    )
    if not conditional:
        return
    g_condition, d_condition = generator.inputs[1], discriminator.inputs[1]
    expect(
        _compatible(_shape(g_condition), _shape(d_condition)),
        f"{cls}: both networks must take conditions of the same shape. Received "
        f"{_shape(g_condition)} for the generator, {_shape(d_condition)} for the "
        "discriminator.",
    )
    dtype = keras.backend.standardize_dtype(g_condition.dtype)
    expect(
        num_classes is not None or "int" not in dtype,
        f"{cls}: an integer condition input holds class ids, so the architecture must set "
        f"`num_classes`. Received: num_classes=None, a condition input of dtype {dtype}.",
    )


def _check_forward(
    cls, generator, discriminator, latent_dim, num_classes, batch_size, seed, packs=1
):
    z = keras.random.normal((batch_size, latent_dim), seed=seed)
    labels = None
    if len(generator.inputs) == 2:
        conditions = sample_labels(
            batch_size, num_classes, condition=generator.inputs[1], seed=seed
        )
        labels = keras.ops.convert_to_tensor(conditions)
    output = generator(z if labels is None else [z, labels], training=False)
    samples = finite_array(output, f"{cls} generator output")
    expected = (batch_size, *_shape(discriminator.inputs[0])[1:])
    expect(
        _compatible(samples.shape, expected),
        f"{cls}: the generator's output must fit the discriminator's input. Received "
        f"generator output {samples.shape}, discriminator input {expected}.",
    )
    outputs = discriminator(output if labels is None else [output, labels], training=False)
    scores = finite_array(split_outputs(outputs)[0], f"{cls} discriminator output")
    rows = max(batch_size // packs, 1)
    expect(
        scores.shape in ((rows,), (rows, 1)),
        f"{cls}: the discriminator must return one raw score per sample (per pack of "
        f"packing={packs} samples), shape ({rows}, 1) or ({rows},). Received {scores.shape}.",
    )

"""`build_serving`: pick the network to export, inspect it, and trace its serving function.

`build_serving(model, ...)` picks the network (a `GANModel`'s EMA generator when it has
one, else its generator; or a bare generator `keras.Model`), rejects a discriminator passed
by mistake, reads the signature from the generator's inputs (`z`, with the batch dimension
left dynamic unless `batch_size` fixes it; `labels` for conditional generators), the output
range from its last activation, and traces one `tf.function`; random draws inside the graph
are lifted into `noise_<layer>` inputs (see `keras_gans_export.noise`).
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from keras_gans.checks import one_of
from keras_gans.models.standing_statistics import standing_statistics_record
from keras_gans_export import noise as noise_lib
from keras_gans_export.networks import check_not_discriminator, in_float32, resolve_generator
from keras_gans_export.serving import (
    OUTPUTS,
    Serving,
    TensorInfo,
    resolve_prior,
    stateless_distribution,
    to_uint8,
)

__all__ = ["build_serving", "infer_output_range", "resolve_generator"]

_NOISE_MODES = ("inputs", "error")
#: Layers that only move values around, so the range of their input is that of their output.
_PASS_THROUGH = (
    keras.layers.Reshape,
    keras.layers.Flatten,
    keras.layers.Permute,
    keras.layers.Identity,
)


def _model_inputs(model):
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    return list(inputs) if inputs else None


def _model_outputs(model):
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        return None
    return list(outputs) if outputs else None


def _activation_name(layer):
    return getattr(getattr(layer, "activation", None), "__name__", None)


def infer_output_range(model):
    """The range of a functional generator's output from its last activation, if bounded.

    Walks back from the output through shape-only layers (and into a nested network that
    produces the output) to the last activation: `tanh` gives `(-1.0, 1.0)`, `sigmoid`
    `(0.0, 1.0)`, anything else `None` (unknown).

    Example:
    >>> net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
    ...                         keras.layers.Reshape((2, 2))])
    >>> infer_output_range(net)
    (-1.0, 1.0)
    """
    outputs = _model_outputs(model)
    tensor = outputs[0] if outputs else None
    for _ in range(64):
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            return None
        layer = history.operation
        if isinstance(layer, keras.Model) and layer is not model:
            return infer_output_range(layer)  # a nested network produces the output
        activation = _activation_name(layer)
        if activation == "tanh":
            return (-1.0, 1.0)
        if activation == "sigmoid":
            return (0.0, 1.0)
        passes = isinstance(layer, _PASS_THROUGH) or (
            isinstance(layer, keras.layers.Activation) and activation == "linear"
        )
        if not passes:
            return None
        node = layer._inbound_nodes[history.node_index]
        if len(node.input_tensors) != 1:
            return None
        tensor = node.input_tensors[0]
    return None


def _infer_num_classes(model):
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


def _check_range(value):
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        low = high = None
    if low is None or not math.isfinite(low) or not math.isfinite(high) or not low < high:
        raise ValueError(
            f"`output_range` must be a pair (low, high) of finite numbers with low < high. "
            f"Received: output_range={value!r}"
        )
    return (low, high)


def _check_batch_size(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(
            f"`batch_size` must be a positive integer or None (dynamic batch). "
            f"Received: batch_size={value!r}"
        )
    return int(value)


def _input_infos(generator, gan, latent_dim, batch_size, prior, latent_distribution, num_classes):
    inputs = _model_inputs(generator)
    if inputs is None:
        if latent_dim is None:
            raise ValueError(
                "Cannot read the input shape of a subclassed generator: pass a GANModel, a "
                "functional generator, or `latent_dim`. Received: latent_dim=None"
            )
        shapes = [((None, latent_dim), "float32")]
    else:
        if len(inputs) not in (1, 2):
            raise ValueError(
                "The generator must take `z` or `[z, labels]`. Received: a generator with "
                f"{len(inputs)} inputs {[tuple(t.shape) for t in inputs]}."
            )
        shapes = [(tuple(t.shape), keras.backend.standardize_dtype(t.dtype)) for t in inputs]
    (first_shape, first_dtype), infos = shapes[0], []
    if "float" not in first_dtype:
        raise ValueError(
            f"The generator's first input must be floating point (the latent `z`). "
            f"Received: dtype {first_dtype} for an input of shape {first_shape}."
        )
    batch = (batch_size, *first_shape[1:])
    if len(first_shape) == 2:
        distribution = stateless_distribution(prior) or latent_distribution
        infos.append(TensorInfo("z", "latent", "float32", batch, distribution=distribution))
    else:
        infos.append(TensorInfo("x", "image", "float32", batch, distribution="uniform(-1, 1)"))
    label_type = None
    if len(shapes) == 2:
        shape, dtype = shapes[1]
        label_shape = (batch_size, *shape[1:])
        if "int" in dtype:
            label_type = "class_ids"
            num_classes = num_classes or (gan.num_classes if gan is not None else None)
            num_classes = num_classes or _infer_num_classes(generator)
            if num_classes is None:
                raise ValueError(
                    "The generator takes class ids but their count is unknown (no GANModel "
                    "num_classes and no Embedding layer): pass `num_classes`. "
                    "Received: num_classes=None"
                )
            infos.append(
                TensorInfo("labels", "labels", dtype, label_shape, num_classes=num_classes)
            )
        else:
            label_type = "embedding"
            infos.append(TensorInfo("labels", "labels", dtype, label_shape, distribution="normal"))
    return infos, label_type, (num_classes if label_type == "class_ids" else None)


def _output_info(generator, infos, output_mode, output_range):
    outputs = _model_outputs(generator)
    if outputs is not None and len(outputs) != 1:
        raise ValueError(f"The generator must have one output. Received: {len(outputs)} outputs.")
    if outputs is not None:
        shape = tuple(outputs[0].shape)
    else:
        dummy = [np.zeros((1, *info.shape[1:]), info.dtype) for info in infos]
        shape = (None, *generator(dummy if len(dummy) > 1 else dummy[0]).shape[1:])
    batch_size = infos[0].shape[0]
    shape = (batch_size, *shape[1:])
    name = "images" if len(shape) == 4 else "samples"
    layout = "NHWC" if len(shape) == 4 else None
    if output_mode == "uint8":
        if output_range is None:
            raise ValueError(
                "`output='uint8'` needs the generator's output range, which could not be read "
                "from its last activation (tanh or sigmoid): pass `output_range`, e.g. "
                "(-1, 1). Received: output_range=None"
            )
        return TensorInfo(name, "output", "uint8", shape, value_range=(0, 255), layout=layout)
    return TensorInfo(name, "output", "float32", shape, value_range=output_range, layout=layout)


def build_serving(
    model,
    *,
    output="float32",
    batch_size=None,
    use_ema=True,
    noise="inputs",
    latent_dim=None,
    latent_distribution=None,
    num_classes=None,
    output_range=None,
    direction=None,
    dynamic_size=False,
    truncation_psi=None,
    noise_inputs=False,
):
    """Traces the network to export as one named serving function.

    Args:
        model: A `keras_gans.GANModel` or a generator `keras.Model`.
        output: `"float32"` (default: the generator's output as it is) or `"uint8"` (samples
            mapped from the output range to [0, 255], NHWC pixels for images).
        batch_size: A fixed batch size, or `None` (default: dynamic).
        use_ema: Export a `GANModel`'s `ema_generator` when it has one (default `True`).
        noise: `"inputs"` (default: lift random draws into `noise_<layer>` inputs) or
            `"error"` (raise, naming the layers that draw).
        latent_dim: Latent size of a subclassed generator (default `None`: read it).
        latent_distribution: `"normal"`, `"uniform"` (U(-1, 1)) or a
            `keras_gans.latents.LatentDistribution` (default `None`: the GANModel's, or
            `"normal"`); verification and calibration batches are drawn from it.
        num_classes: Class count of a class-conditioned generator (default `None`: the
            GANModel's, or read from the generator's Embedding layer).
        output_range: `(low, high)` of the generator's float output (default `None`: read
            from its last activation).
        direction: A translation model's direction (default `None`: `"a2b"`).
        dynamic_size: A translation model's input takes any height and width (default
            `False`); verification batches keep the training size.
        truncation_psi: Export a StyleGAN's `sampler(truncation_psi=...)` (default `None`).
        noise_inputs: Its per-layer noise as `noise_<layer>` inputs (default `False`).

    Returns:
        A `Serving`.

    Example:
    >>> import keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    >>> serving = build_serving(gan)
    >>> [(info.name, info.shape) for info in serving.inputs], serving.output.name
    ([('z', (None, 4))], 'samples')
    """
    one_of(output, "output", OUTPUTS)
    one_of(noise, "noise", _NOISE_MODES)
    batch_size = _check_batch_size(batch_size)
    output_range = _check_range(output_range)
    generator, network, gan = resolve_generator(
        model, use_ema, direction, dynamic_size, truncation_psi, noise_inputs
    )
    standing = standing_statistics_record(generator)
    generator = in_float32(generator)  # a mixed-precision network exports in float32
    if latent_distribution is None:
        latent_distribution = gan.latent_distribution if gan is not None else "normal"
    prior, latent_distribution = resolve_prior(latent_distribution)
    if gan is not None and latent_dim is None:
        latent_dim = gan.latent_dim
    inputs, outputs = _model_inputs(generator), _model_outputs(generator)
    if gan is None and inputs is not None and outputs is not None:
        check_not_discriminator(generator, inputs, outputs)
    infos, label_type, num_classes = _input_infos(
        generator, gan, latent_dim, batch_size, prior, latent_distribution, num_classes
    )
    if infos[0].role == "latent":
        latent_dim = infos[0].shape[1]
    output_range = output_range or infer_output_range(generator)
    output_info = _output_info(generator, infos, output, output_range)
    count = len(infos)

    def body(*tensors):
        model_inputs = list(tensors[:count])
        x = generator(model_inputs if count > 1 else model_inputs[0], training=False)
        x = tf.cast(x, tf.float32)
        if output == "uint8":
            x = to_uint8(x, output_range)
        return {output_info.name: x}

    specs = [info.spec() for info in infos]
    function = tf.function(body, input_signature=specs, autograph=False)
    variables = [v.value for v in generator.variables]
    draws = noise_lib.find_random_ops(function.get_concrete_function(), generator)
    noise_inputs = []
    if draws:
        if noise == "error":
            raise noise_lib.RandomOpError(
                "The generator draws random numbers at inference time in "
                f"{noise_lib.random_op_message(draws)}: random ops break ONNX and TFLite "
                "exports. Pass noise='inputs' to make each draw an explicit input, or make "
                "the noise an input of the generator."
            )
        function, noise_inputs, extra = noise_lib.lift_random_ops(body, specs, generator)
        known = {id(v) for v in variables}
        variables += [v for v in extra if id(v) not in known]
        infos += [
            TensorInfo(
                n.name, "noise", n.dtype, n.shape, distribution=n.distribution, layer=n.layer
            )
            for n in noise_inputs
        ]
    return Serving(
        generator=generator,
        network=network,
        inputs=infos,
        output=output_info,
        function=function,
        variables=variables,
        noise_inputs=noise_inputs,
        batch_size=batch_size,
        latent_dim=latent_dim if infos[0].role == "latent" else None,
        latent_distribution=latent_distribution if infos[0].role == "latent" else None,
        prior=prior,
        num_classes=num_classes,
        label_type=label_type,
        output_mode=output,
        output_range=output_range,
        sample_shape=_sample_shape(gan, generator, infos[0]),
        standing_statistics=standing,
    )


def _sample_shape(gan, generator, first):
    """Verification batches' example shape: a dynamic image input takes the training size."""
    shape, trained = tuple(first.shape[1:]), getattr(gan, "image_shapes", {}).get("a")
    if None not in shape or trained is None:
        return shape
    return tuple(t if s is None else s for s, t in zip(shape, trained, strict=True))

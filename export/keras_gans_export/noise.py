"""Random draws inside a generator's inference graph: find them, and lift them into inputs.

A generator that draws random numbers at inference time (per-pixel noise of style-based
generators, dropout kept on at test time) cannot be exported as it is: random ops make an
invalid ONNX graph and need TensorFlow ops that the LiteRT interpreter lacks. Exporting
*lifts* each draw out of the graph: the traced function is pruned so that the draw's output
becomes a new named input (`noise_<layer>`), which the client fills from the recorded
distribution. The rest of the graph, weights included, is unchanged.
"""

from __future__ import annotations

import dataclasses
import re

import tensorflow as tf

__all__ = ["NoiseInput", "RandomOpError", "find_random_ops", "lift_random_ops", "owning_layer"]

#: Op types whose output can become an input, and the distribution a client must feed.
LIFTABLE = {
    "StatelessRandomNormalV2": "normal",
    "StatelessRandomNormal": "normal",
    "RandomStandardNormal": "normal",
    "StatelessRandomUniformV2": "uniform",
    "StatelessRandomUniform": "uniform",
    "RandomUniform": "uniform",
    "StatelessTruncatedNormalV2": "truncated_normal",
    "StatelessTruncatedNormal": "truncated_normal",
    "TruncatedNormal": "truncated_normal",
}
#: What each distribution means, for the metadata.
DISTRIBUTIONS = {
    "normal": "standard normal N(0, 1)",
    "uniform": "uniform on [0, 1)",
    "truncated_normal": "standard normal truncated to [-2, 2]",
}
#: Seed bookkeeping ops of `tf.random`: not draws themselves.
_SEED_OPS = {
    "StatelessRandomGetKeyCounter",
    "StatelessRandomGetKeyCounterAlg",
    "StatelessRandomGetAlg",
    "RngReadAndSkip",
    "RngSkip",
}


class RandomOpError(ValueError):
    """Raised when a generator draws random numbers in a way that cannot be exported."""


@dataclasses.dataclass(frozen=True)
class RandomOp:
    """One random draw found in a traced graph.

    Attributes:
        op_type: The TensorFlow op type, e.g. `"StatelessRandomNormalV2"`.
        op_name: The op's name in the graph (its name scope shows the layer).
        layer: The generator layer that owns it, or `None` when unknown.
        nested: Whether it sits inside a nested function (a `cond` branch, a loop body).
    """

    op_type: str
    op_name: str
    layer: str | None
    nested: bool = False

    def describe(self) -> str:
        where = f"layer '{self.layer}'" if self.layer else f"op '{self.op_name}'"
        return f"{where} ({self.op_type}{', in a nested function' if self.nested else ''})"


@dataclasses.dataclass(frozen=True)
class NoiseInput:
    """A lifted random draw: a new input of the exported signature.

    Attributes:
        name: The input name, `noise_<layer>`.
        layer: The layer that drew it (or the op name when unknown).
        distribution: `"normal"`, `"uniform"` or `"truncated_normal"` (see `DISTRIBUTIONS`).
        shape: The input shape; `None` for the batch dimension.
        dtype: The dtype name, e.g. `"float32"`.
    """

    name: str
    layer: str
    distribution: str
    shape: tuple
    dtype: str


def is_random_draw(op_type: str) -> bool:
    """Whether a TensorFlow op type draws random numbers.

    Example:
    >>> is_random_draw("StatelessRandomNormalV2"), is_random_draw("MatMul")
    (True, False)
    """
    if op_type in _SEED_OPS:
        return False
    return any(key in op_type for key in ("Random", "TruncatedNormal", "Multinomial"))


def owning_layer(op_name: str, layer_names) -> str | None:
    """The deepest name-scope component of `op_name` that names a layer.

    TensorFlow may suffix a scope with `_<n>` to keep names unique; that suffix is ignored
    when the plain component is not itself a layer name.

    Example:
    >>> owning_layer("functional_1/style_noise_1/random/StatelessRandomNormalV2",
    ...              {"functional", "style_noise", "dense"})
    'style_noise'
    """
    components = op_name.split("/")[:-1]
    for component in reversed(components):
        if component in layer_names:
            return component
        stripped = re.sub(r"_\d+$", "", component)
        if stripped in layer_names:
            return stripped
    return None


def _layer_names(model) -> set:
    return {layer.name for layer in model._flatten_layers(include_self=True, recursive=True)}


def find_random_ops(concrete_function, model) -> list[RandomOp]:
    """Lists the random draws in a traced function, nested functions included.

    Args:
        concrete_function: A traced `tf.function` (or wrapped function).
        model: The Keras model it calls, to name the layers that draw.

    Returns:
        A list of `RandomOp`, in graph order.
    """
    names = _layer_names(model)
    found = [
        RandomOp(op.type, op.name, owning_layer(op.name, names))
        for op in concrete_function.graph.get_operations()
        if is_random_draw(op.type)
    ]
    library = concrete_function.graph.as_graph_def().library
    for function in library.function:
        for node in function.node_def:
            if is_random_draw(node.op):
                name = f"{function.signature.name}/{node.name}"
                found.append(RandomOp(node.op, name, owning_layer(node.name, names), True))
    return found


def random_op_message(random_ops) -> str:
    """The part of an error message that names the layers drawing random numbers."""
    return ", ".join(op.describe() for op in random_ops)


def _noise_name(layer, taken):
    base = "noise_" + re.sub(r"\W", "_", layer).strip("_")
    name, count = base, 1
    while name in taken:
        count += 1
        name = f"{base}_{count}"
    taken.add(name)
    return name


def lift_random_ops(body, input_signature, model):
    """Traces `body` and turns each random draw into an extra input.

    Args:
        body: A function of the signature's tensors returning a dict of outputs.
        input_signature: The `tf.TensorSpec`s of `body`'s arguments (with names).
        model: The Keras model `body` calls (to name layers and track variables).

    Returns:
        `(function, noise_inputs, variables)`: a `tf.function` taking the original inputs
        followed by one tensor per `NoiseInput`, the `NoiseInput`s, and the TensorFlow
        variables the function captures (to be tracked by a SavedModel).

    Raises:
        RandomOpError: a draw sits in a nested function or is not a normal, uniform or
            truncated-normal float draw.
    """
    # wrap_function traces without automatic control dependencies, so the pruned graph
    # keeps only what the outputs need (the seed generators' state updates fall away).
    wrapped = tf.compat.v1.wrap_function(body, input_signature)
    draws = find_random_ops(wrapped, model)
    unliftable = [op for op in draws if op.nested or op.op_type not in LIFTABLE]
    if unliftable:
        raise RandomOpError(
            "The generator draws random numbers at inference time in a way that cannot be "
            f"lifted into explicit inputs: {random_op_message(unliftable)}. Only normal, "
            "uniform and truncated-normal draws in the generator's main graph can be lifted; "
            "make that noise an input of the generator instead."
        )
    graph = wrapped.graph
    taken = {spec.name for spec in input_signature}
    noise_inputs, noise_tensors = [], []
    for draw in draws:
        tensor = graph.get_operation_by_name(draw.op_name).outputs[0]
        if tensor.shape.rank is None:
            raise RandomOpError(
                f"Cannot lift the random draw in {draw.describe()}: its shape is unknown."
            )
        layer = draw.layer or draw.op_name
        noise_inputs.append(
            NoiseInput(
                name=_noise_name(layer, taken),
                layer=layer,
                distribution=LIFTABLE[draw.op_type],
                shape=tuple(tensor.shape.as_list()),
                dtype=tensor.dtype.name,
            )
        )
        noise_tensors.append(tensor)
    feeds = list(wrapped.inputs[: len(input_signature)]) + noise_tensors
    pruned = wrapped.prune(feeds=feeds, fetches=wrapped.structured_outputs)
    specs = list(input_signature) + [
        tf.TensorSpec(noise.shape, noise.dtype, name=noise.name) for noise in noise_inputs
    ]

    def lifted(*tensors):
        return pruned(*tensors)

    function = tf.function(lifted, input_signature=specs, autograph=False)
    return function, noise_inputs, list(wrapped.variables)

"""`TFLiteExporter`: a LiteRT (TFLite) flatbuffer for phones and edge devices (`tflite`)."""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import tensorflow as tf

from keras_gans.checks import one_of
from keras_gans_export import noise as noise_lib
from keras_gans_export.base import Exporter, require
from keras_gans_export.runtime_settings import tflite_interpreter
from keras_gans_export.saved_model_exporter import write_saved_model
from keras_gans_export.subpixel import check_form, serving_for_export

__all__ = ["QUANTIZATIONS", "TFLiteExporter"]

#: The `quantize` modes.
QUANTIZATIONS = (None, "float16", "dynamic", "int8")
#: Accepted difference from Keras per mode, for an output range of half-width 1. Measured
#: largest differences on a trained 8x8 conditional DCGAN (8 samples): float32 5e-7,
#: float16 5e-4, dynamic 0.025, int8 0.068; the bounds leave a margin of 3x or more.
_TOLERANCES = {None: 1e-4, "float16": 1e-2, "dynamic": 1e-1, "int8": 2e-1}


def _unsupported_ops(message):
    ops = set(re.findall(r"'tf\.(\w+)' op is neither a custom op nor a flex op", message))
    for line in message.splitlines():
        match = re.match(r"\s*(?:Flex|Custom) ops:\s*(.+)", line)
        if match:
            ops.update(op.strip() for op in match.group(1).split(",") if op.strip())
    return sorted(ops)


def _layers_using(serving, op_types):
    graph = serving.function.get_concrete_function().graph
    names = {layer.name for layer in serving.generator._flatten_layers(include_self=True)}
    found = {}
    for op in graph.get_operations():
        if op.type in op_types:
            found.setdefault(op.type, noise_lib.owning_layer(op.name, names))
    return found


class TFLiteExporter(Exporter):
    """LiteRT (TFLite) flatbuffer, converted from a SavedModel and run with LiteRT.

    Conversion goes through a temporary SavedModel (`TFLiteConverter.from_saved_model`),
    the path that gives correct outputs for generators with batch normalisation. The
    `serving_default` signature keeps the input and output names; its batch dimension is
    resizable (`Interpreter.resize_tensor_input`, or a signature runner) unless
    `batch_size` fixed it. Only LiteRT's built-in ops are allowed: a generator that needs
    other TensorFlow ops is a clear error naming them.

    Args:
        quantize: `None` (default: float32), `"float16"` (float16 weights),
            `"dynamic"` (int8 weights, activations quantised on the fly) or `"int8"` (int8
            weights and activations calibrated on `calibration_batches` seeded batches of
            the generator's own inputs; the interface stays float32).
        calibration_batches: Representative batches for `"int8"` (default 16).
        conv_transpose: `"subpixel"` (default: stride-2 `"same"` `Conv2DTranspose` layers
            are written as sub-pixel convolutions, `keras_gans_export.subpixel`, which
            LiteRT's XNNPACK delegate runs at any batch size) or `"native"`
            (`TRANSPOSE_CONV`, accelerated only with a fixed `batch_size`).

    Example:
    >>> TFLiteExporter(quantize="int8").tolerance()
    0.2
    """

    format = "tflite"
    suffix = ".tflite"
    packages = ("ai-edge-litert",)

    def __init__(self, quantize=None, calibration_batches=16, conv_transpose="subpixel"):
        one_of(quantize, "quantize", QUANTIZATIONS)
        if (
            isinstance(calibration_batches, bool)
            or not isinstance(calibration_batches, int)
            or calibration_batches <= 0
        ):
            raise ValueError(
                "`calibration_batches` must be a positive integer. "
                f"Received: calibration_batches={calibration_batches!r}"
            )
        self.quantize = quantize
        self.calibration_batches = calibration_batches
        self.conv_transpose = check_form(conv_transpose)

    def quantization(self):
        return self.quantize

    def _converter(self, saved_model, serving):
        converter = tf.lite.TFLiteConverter.from_saved_model(
            str(saved_model), signature_keys=["serving_default"]
        )
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if self.quantize is not None:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if self.quantize == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if self.quantize == "int8":

            def representative_batches():
                for index in range(self.calibration_batches):
                    yield serving.sample_inputs(seed=1000 + index)

            converter.representative_dataset = representative_batches
        return converter

    def write(self, serving, path):
        serving, rewritten = serving_for_export(serving, self.conv_transpose)
        with tempfile.TemporaryDirectory(prefix="keras_gans_tflite_") as scratch:
            saved_model = Path(scratch) / "saved_model"
            write_saved_model(serving, saved_model, seed_signature=False)
            try:
                with warnings.catch_warnings():
                    # int8 calibration runs TensorFlow's own deprecated tf.lite.Interpreter.
                    warnings.filterwarnings("ignore", "(?s).*tf.lite.Interpreter is deprecated")
                    flatbuffer = self._converter(saved_model, serving).convert()
            except Exception as error:
                raise self._conversion_error(error, serving) from error
        Path(path).write_bytes(flatbuffer)
        batch = "resizable" if serving.batch_size is None else f"fixed at {serving.batch_size}"
        return {
            "signatures": {"serving_default": {"batch": batch}},
            "subpixel_layers": rewritten,
        }

    def _conversion_error(self, error, serving):
        message = str(error)
        ops = _unsupported_ops(message)
        if ops:
            layers = _layers_using(serving, set(ops))
            named = ", ".join(
                f"{op} (layer '{layers[op]}')" if layers.get(op) else op for op in ops
            )
            return ValueError(
                f"The generator needs TensorFlow ops that the LiteRT interpreter lacks: "
                f"{named}. Replace those layers with built-in-op equivalents, or export to "
                "saved_model or onnx."
            )
        first = next((line for line in message.splitlines() if line.strip()), message)
        quantized = f" with quantize={self.quantize!r}" if self.quantize else ""
        return ValueError(
            f"TFLite conversion{quantized} failed: {type(error).__name__}: {first[:500]}"
        )

    def load(self, path, serving=None):
        interpreter = tflite_interpreter(path)
        runner = interpreter.get_signature_runner("serving_default")

        def run(batch):
            return {name: value.copy() for name, value in runner(**batch).items()}

        return run

    def runtime(self):
        require("ai_edge_litert.interpreter", self.format)
        from importlib.metadata import version

        return f"ai-edge-litert {version('ai-edge-litert')} (LiteRT interpreter)"

    def tolerance(self):
        return _TOLERANCES[self.quantize]

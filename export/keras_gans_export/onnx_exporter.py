"""`ONNXExporter`: an ONNX model for ONNX Runtime (`onnx`), converted with tf2onnx."""

from __future__ import annotations

from pathlib import Path

from keras_gans_export.base import Exporter, require
from keras_gans_export.noise import owning_layer
from keras_gans_export.runtime_settings import onnx_session
from keras_gans_export.subpixel import check_form, serving_for_export

__all__ = ["ONNXExporter"]


def _name_batch_dimensions(model_proto, serving):
    """Names the dynamic batch dimension of every input and output `batch`."""
    for value in [*model_proto.graph.input, *model_proto.graph.output]:
        dims = value.type.tensor_type.shape.dim
        if serving.batch_size is None and len(dims) and not dims[0].HasField("dim_value"):
            dims[0].dim_param = "batch"


class ONNXExporter(Exporter):
    """ONNX model converted with `tf2onnx.convert.from_function`, run with ONNX Runtime.

    The serving function is converted from its traced graph with an explicit input
    signature (`tf2onnx.convert.from_keras` fails on Keras 3 models). Inputs and outputs
    keep their signature names (`z`, `labels`, `noise_*`; `images` or `samples`); the
    batch dimension is dynamic (named `batch`) unless `batch_size` fixed it.

    Args:
        opset: The ONNX opset (default 17).
        conv_transpose: `"native"` (default: `ConvTranspose` nodes) or `"subpixel"`
            (stride-2 `"same"` `Conv2DTranspose` layers as sub-pixel convolutions,
            `keras_gans_export.subpixel`).

    Example:
    >>> ONNXExporter(opset=15).get_config()
    {'opset': 15, 'conv_transpose': 'native'}
    """

    format = "onnx"
    suffix = ".onnx"
    packages = ("tf2onnx", "onnx", "onnxruntime")

    def __init__(self, opset=17, conv_transpose="native"):
        if isinstance(opset, bool) or not isinstance(opset, int) or not 9 <= opset <= 21:
            raise ValueError(
                f"`opset` must be an integer ONNX opset from 9 to 21. Received: opset={opset!r}"
            )
        self.opset = opset
        self.conv_transpose = check_form(conv_transpose)

    def write(self, serving, path):
        tf2onnx = require("tf2onnx", self.format)
        onnx = require("onnx", self.format)
        serving, rewritten = serving_for_export(serving, self.conv_transpose)
        model_proto, _ = tf2onnx.convert.from_function(
            serving.function, input_signature=serving.input_signature, opset=self.opset
        )
        _name_batch_dimensions(model_proto, serving)
        self._check_ops(onnx, model_proto, serving)
        onnx.checker.check_model(model_proto)
        onnx.save(model_proto, str(path))
        return {"opset": self.opset, "subpixel_layers": rewritten}

    def _check_ops(self, onnx, model_proto, serving):
        """Raises naming the TensorFlow ops tf2onnx could not express in standard ONNX."""
        unsupported = {}
        for node in model_proto.graph.node:
            if node.domain in ("", "ai.onnx") and not onnx.defs.has(node.op_type):
                unsupported.setdefault(node.op_type, node.name)
        if not unsupported:
            return
        names = {layer.name for layer in serving.generator._flatten_layers(include_self=True)}
        described = []
        for op_type, node_name in sorted(unsupported.items()):
            layer = owning_layer(node_name, names)
            described.append(f"{op_type} (layer '{layer}')" if layer else op_type)
        raise ValueError(
            f"The generator needs TensorFlow ops that tf2onnx cannot express in ONNX opset "
            f"{self.opset}: {', '.join(described)}. Replace those layers, try another "
            "`opset`, or export to saved_model."
        )

    def load(self, path, serving=None):
        session = onnx_session(Path(path))
        names = [output.name for output in session.get_outputs()]

        def run(batch):
            return dict(zip(names, session.run(names, batch), strict=True))

        return run

    def runtime(self):
        ort = require("onnxruntime", self.format)
        return f"onnxruntime {ort.__version__} (CPUExecutionProvider)"

    def tolerance(self):
        return 1e-4

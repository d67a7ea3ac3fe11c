"""Export of trained generators to SavedModel, ONNX and TFLite, verified against Keras.

The `keras-gans-export` distribution, reached as `keras_gans.export` (a lazy forwarder in
the core) or imported as `keras_gans_export`. `export(model, path, format=...)` exports a
`keras_gans.GANModel`'s generator (its EMA copy when it has one) or a bare generator
`keras.Model` with a named serving signature, runs the artifact in its own runtime on a
seeded batch, compares with Keras, and only then renames it onto `path`, with a metadata
JSON a serving client can read. `to_saved_model`, `to_onnx` and `to_tflite` are shortcuts.

Exporters are plugins in the `keras_gans.exporters` entry-point group (the built-ins too,
declared in this distribution's `pyproject.toml`); the group's `Registry` is `registry`:
`names()` lists them from metadata, `get(name, **options)` builds one, and a third-party
distribution adds a format by subclassing `Exporter` and declaring an entry point.
Importing this package imports none of tf2onnx, onnx, onnxruntime or ai_edge_litert: an
exporter imports its runtime when it runs.

Example:
>>> import tempfile, keras_gans
>>> gan = keras_gans.GANModel.from_architecture(
...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
>>> result = export(gan, tempfile.mkdtemp() + "/generator", format="saved_model")
>>> result.verification.passed, sorted(result.metadata["signatures"])
(True, ['generate', 'serving_default'])
"""

from keras_gans.registry import Registry
from keras_gans_export.api import export, make_exporter, to_onnx, to_saved_model, to_tflite
from keras_gans_export.base import Exporter, ExportResult, ExportVerificationError, Verification
from keras_gans_export.noise import RandomOpError
from keras_gans_export.serving import Serving
from keras_gans_export.tracing import build_serving

registry = Registry("keras_gans.exporters", kind="exporter", base_class=Exporter)
names = registry.names
get = registry.get
describe = registry.describe
register = registry.register
refresh = registry.refresh

__all__ = [
    "ExportResult",
    "ExportVerificationError",
    "Exporter",
    "RandomOpError",
    "Serving",
    "Verification",
    "build_serving",
    "describe",
    "export",
    "get",
    "make_exporter",
    "names",
    "refresh",
    "register",
    "registry",
    "to_onnx",
    "to_saved_model",
    "to_tflite",
]

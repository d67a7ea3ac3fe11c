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
exporter imports its runtime when it runs. Its public names are imported on first use, so
`keras_gans_export.runtime_settings` (sessions for serving an exported file) runs without
Keras or TensorFlow being imported.

Example:
>>> import tempfile, keras_gans
>>> from keras_gans_export import export
>>> gan = keras_gans.GANModel.from_architecture(
...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
>>> result = export(gan, tempfile.mkdtemp() + "/generator", format="saved_model")
>>> result.verification.passed, sorted(result.metadata["signatures"])
(True, ['generate', 'serving_default'])
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what documentation tools, editors and type checkers read
    from keras_gans.registry import Registry
    from keras_gans_export.api import export, make_exporter, to_onnx, to_saved_model, to_tflite
    from keras_gans_export.base import (
        Exporter,
        ExportResult,
        ExportVerificationError,
        Verification,
    )
    from keras_gans_export.noise import RandomOpError
    from keras_gans_export.serving import Serving
    from keras_gans_export.tracing import build_serving

    #: The `keras_gans.exporters` entry-point group's registry (built on first use).
    registry: Registry
    #: `registry.names`: the exporters' names, read from entry-point metadata.
    names = Registry.names
    #: `registry.get`: builds the exporter of a name with its options.
    get = Registry.get
    #: `registry.describe`: one line per exporter.
    describe = Registry.describe
    #: `registry.register`: adds an exporter class in this process.
    register = Registry.register
    #: `registry.refresh`: reads the entry points again.
    refresh = Registry.refresh

#: Where each public name lives; imported on first use (PEP 562), so a serving process that
#: imports only `keras_gans_export.runtime_settings` loads neither Keras nor TensorFlow.
_HOMES = {
    "export": "keras_gans_export.api",
    "make_exporter": "keras_gans_export.api",
    "to_onnx": "keras_gans_export.api",
    "to_saved_model": "keras_gans_export.api",
    "to_tflite": "keras_gans_export.api",
    "Exporter": "keras_gans_export.base",
    "ExportResult": "keras_gans_export.base",
    "ExportVerificationError": "keras_gans_export.base",
    "Verification": "keras_gans_export.base",
    "RandomOpError": "keras_gans_export.noise",
    "Serving": "keras_gans_export.serving",
    "build_serving": "keras_gans_export.tracing",
}
#: The registry and its bound methods, published under these names.
_REGISTRY_NAMES = ("names", "get", "describe", "register", "refresh")


def _registry():
    """The exporters' `Registry` (built once, on first use)."""
    if "registry" not in globals():
        from keras_gans.registry import Registry
        from keras_gans_export.base import Exporter

        registry = Registry("keras_gans.exporters", kind="exporter", base_class=Exporter)
        globals()["registry"] = registry
        for name in _REGISTRY_NAMES:
            globals()[name] = getattr(registry, name)
    return globals()["registry"]


def __getattr__(name):
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    if name == "registry" or name in _REGISTRY_NAMES:
        _registry()
        return globals()[name]
    raise AttributeError(f"module 'keras_gans_export' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


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

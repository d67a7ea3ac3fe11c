"""`keras_gans.export`: the documented entry to the exporters, forwarded to `keras_gans_export`.

The SavedModel, ONNX and TFLite exporters live in their own distribution,
`keras-gans-export` (import name `keras_gans_export`), so the core installs and trains
without tf2onnx, onnx, onnxruntime or ai-edge-litert. This module is a lazy forwarder:
importing it imports nothing; the first use of a public name (`export`, `to_onnx`,
`Exporter`, `names`, `registry` ...) imports `keras_gans_export` and returns its object.
Without that distribution, a use raises an `ImportError` saying what to install.

Example:
>>> from keras_gans import export
>>> {"onnx", "saved-model", "tflite"} <= set(export.names())
True
>>> export.registry.group
'keras_gans.exporters'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: The package that implements this module's names.
IMPLEMENTATION = "keras_gans_export"

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

if TYPE_CHECKING:  # editors and type checkers see the real objects
    from keras_gans_export import (  # noqa: F401
        Exporter,
        ExportResult,
        ExportVerificationError,
        RandomOpError,
        Serving,
        Verification,
        build_serving,
        describe,
        export,
        get,
        make_exporter,
        names,
        refresh,
        register,
        registry,
        to_onnx,
        to_saved_model,
        to_tflite,
    )


def implementation():
    """Imports and returns `keras_gans_export`, or says how to install it.

    Returns:
        The `keras_gans_export` module.

    Raises:
        ImportError: `keras-gans-export` is not installed.

    Example:
    >>> implementation().__name__
    'keras_gans_export'
    """
    try:
        return importlib.import_module(IMPLEMENTATION)
    except ModuleNotFoundError as error:
        if error.name != IMPLEMENTATION:
            raise  # the exporters are installed but one of their own imports failed
        raise ImportError(
            "keras_gans.export needs the exporters, which come in their own distribution: "
            "pip install keras-gans-export (or, from a keras-gans checkout, "
            f"pip install -e ./export). Received: no module named {IMPLEMENTATION!r}"
        ) from None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = implementation()
    try:
        value = getattr(module, name)
    except AttributeError:
        raise AttributeError(
            f"module {__name__!r} has no attribute {name!r}. Its names: {', '.join(__all__)}"
        ) from None
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

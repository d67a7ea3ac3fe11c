"""The `Exporter` base class (what an exporter plugin provides) and export results.

An exporter plugin subclasses `Exporter`, takes its format's options as explicit keyword
arguments (same-named attributes, returned by `get_config`), and implements `write` (put
the artifact at a path) and `load` (run an artifact in its own runtime). `export()` does
the rest: tracing, staging, verification against Keras, metadata and the atomic rename.
It is registered in the `keras_gans.exporters` entry-point group:

```toml
[project.entry-points."keras_gans.exporters"]
openvino = "my_package.openvino_exporter:OpenVINOExporter"
```
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

__all__ = ["ExportResult", "ExportVerificationError", "Exporter", "Verification", "require"]


def require(module, exporter):
    """Imports an exporter's runtime, or raises an `ImportError` saying how to install it.

    Args:
        module: The module to import, e.g. `"onnxruntime"`.
        exporter: The exporter's name, for the message.

    Returns:
        The imported module.

    Example:
    >>> require("json", "example").__name__
    'json'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"The '{exporter}' exporter needs the `{module}` package, which failed to import "
            f"({error}). Install the exporters with their runtimes: pip install "
            "keras-gans-export (or pip install -e ./export from a keras-gans checkout)"
        ) from error


class ExportVerificationError(ValueError):
    """Raised when an exported artifact's outputs differ from Keras's beyond the tolerance."""


@dataclasses.dataclass(frozen=True)
class Verification:
    """The result of running an artifact on seeded batches and comparing with Keras.

    Attributes:
        runtime: The runtime that ran the artifact, e.g. `"onnxruntime 1.20.0"`.
        max_abs_diff: The largest absolute difference from the Keras output.
        mean_abs_diff: The mean absolute difference.
        tolerance: The largest difference accepted for this format and quantisation.
        batch_size: How many samples were compared.
        reference: What the artifact was compared with.
    """

    runtime: str
    max_abs_diff: float
    mean_abs_diff: float
    tolerance: float
    batch_size: int
    reference: str = "keras"

    @property
    def passed(self) -> bool:
        """Whether the difference is within the tolerance (and finite)."""
        return self.max_abs_diff <= self.tolerance

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "passed": self.passed}

    def __str__(self) -> str:
        verdict = "<=" if self.passed else ">"
        return (
            f"verified with {self.runtime}: max |diff| {self.max_abs_diff:.3g} {verdict} "
            f"tolerance {self.tolerance:.3g} on {self.batch_size} samples"
        )


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """What `export()` wrote.

    Attributes:
        path: The artifact (a file, or a SavedModel directory).
        format: The exporter's registry name, e.g. `"onnx"`.
        size_bytes: The artifact's size on disk (all files, for a directory).
        metadata_path: The metadata JSON (beside the artifact, or inside it).
        metadata: The metadata as a dict.
        verification: The `Verification`, or `None` when skipped with `verify=False`.
    """

    path: Path
    format: str
    size_bytes: int
    metadata_path: Path
    metadata: dict
    verification: Verification | None

    def __str__(self) -> str:
        check = str(self.verification) if self.verification else "not verified"
        return f"{self.path} ({self.format}, {_human_size(self.size_bytes)}): {check}"


def _human_size(size):
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


class Exporter:
    """Base class of exporter plugins: writes a traced generator in one format and runs it.

    Subclasses set the class attributes, take their options as keyword arguments stored as
    same-named attributes, and implement `write` and `load`.

    Class attributes:
        format: The registry name, e.g. `"onnx"`.
        suffix: The conventional file suffix (`".onnx"`), or the suffix of a directory
            name (`"_saved_model"`).
        directory: Whether the artifact is a directory.

    Example:
    >>> class NumpyExporter(Exporter):
    ...     '''Writes the generator's outputs on a fixed batch (a toy format).'''
    ...     format = "numpy"
    ...     suffix = ".npy"
    ...     def __init__(self, samples=4):
    ...         self.samples = samples
    >>> NumpyExporter(samples=2).get_config()
    {'samples': 2}
    """

    format: str = ""
    suffix: str = ""
    directory: bool = False
    #: Distributions whose versions the metadata records.
    packages: tuple = ()

    def check(self, serving) -> None:
        """Rejects a serving function this format cannot hold (default: accepts all).

        Called before `write`, so a clear error comes before any slow conversion.
        """

    def write(self, serving, path) -> dict:
        """Writes the artifact for `serving` (a `keras_gans.export.Serving`) at `path`.

        Returns:
            A dict of format details for the metadata (e.g. `{"opset": 17}`).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement write().")

    def load(self, path, serving=None):
        """Loads the artifact at `path` in its own runtime.

        Args:
            path: The artifact.
            serving: The `Serving` it was written from (input order, output name), or
                `None` when loading an artifact on its own.

        Returns:
            A callable mapping a dict `{input name: NumPy array}` to a dict
            `{output name: NumPy array}`.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement load().")

    def runtime(self) -> str:
        """The runtime `load` uses, with its version, e.g. `"onnxruntime 1.20.0"`."""
        return type(self).__name__

    def tolerance(self) -> float:
        """The largest accepted difference from Keras, for an output range of half-width 1.

        `export()` multiplies it by the half-width of the output's range (127.5 for uint8
        outputs, which also allow one step of rounding).
        """
        return 1e-4

    def quantization(self):
        """The quantisation applied (`None`, `"float16"`, `"dynamic"`, `"int8"` ...)."""
        return None

    def metadata_path(self, path) -> Path:
        """Where the metadata JSON goes: beside a file, `<path>.json`."""
        path = Path(path)
        return path.with_name(path.name + ".json")

    def get_config(self) -> dict:
        """The constructor keywords, read from the same-named attributes."""
        parameters = inspect.signature(type(self).__init__).parameters
        return {
            name: getattr(self, name)
            for name, parameter in parameters.items()
            if name != "self" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        }

    @classmethod
    def describe(cls) -> str:
        """The first line of the class docstring."""
        doc = (cls.__doc__ or "").strip().splitlines()
        return doc[0] if doc else cls.__name__

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

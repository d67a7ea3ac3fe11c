"""The metadata JSON written with every artifact, so a serving client knows how to call it.

It records the signature (input and output names, dtypes, shapes, the latent size and
distribution, the label count and type, lifted noise inputs and what to feed them), the
output's range and layout, the format and its quantisation, the verification result, the
source checkpoint and the versions that produced it.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
from pathlib import Path

__all__ = ["SCHEMA_VERSION", "build_metadata", "read_metadata", "write_metadata"]

#: Bumped when a field changes meaning.
SCHEMA_VERSION = 1


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def build_metadata(serving, exporter, format_name, details, verification, source=None) -> dict:
    """Assembles the metadata dict.

    Args:
        serving: The `Serving` that was exported.
        exporter: The `Exporter` that wrote it.
        format_name: Its registry name, e.g. `"onnx"`.
        details: The dict the exporter's `write` returned.
        verification: The `Verification`, or `None` when skipped.
        source: The checkpoint the model came from (default `None`: unknown).

    Returns:
        A JSON-ready dict.
    """
    from keras_gans import __version__

    return {
        "schema_version": SCHEMA_VERSION,
        "format": format_name,
        "exporter": f"{type(exporter).__module__}:{type(exporter).__qualname__}",
        "options": {k: _jsonable(v) for k, v in exporter.get_config().items()},
        "quantization": exporter.quantization(),
        **serving.describe(),
        **{k: _jsonable(v) for k, v in details.items()},
        "verification": None if verification is None else verification.as_dict(),
        "source_checkpoint": None if source is None else str(source),
        "keras_gans_version": __version__,
        "versions": {
            name: _version(name) for name in ("tensorflow", "keras", *_runtime_packages(exporter))
        },
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _runtime_packages(exporter):
    return tuple(getattr(exporter, "packages", ()))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def write_metadata(metadata, path) -> Path:
    """Writes `metadata` as indented JSON at `path` and returns the path.

    Example:
    >>> import tempfile
    >>> path = write_metadata({"format": "onnx"}, tempfile.mktemp(suffix=".json"))
    >>> read_metadata(path)
    {'format': 'onnx'}
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metadata, indent=2, sort_keys=False) + "\n")
    return path


def read_metadata(path) -> dict:
    """Reads a metadata JSON file."""
    return json.loads(Path(path).read_text())

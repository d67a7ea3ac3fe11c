"""`SavedModelExporter`: a TensorFlow SavedModel for TF Serving (`saved-model`)."""

from __future__ import annotations

import warnings
from pathlib import Path

import tensorflow as tf

from keras_gans_export.base import Exporter

__all__ = ["METADATA_FILE", "SavedModelExporter", "write_saved_model"]

#: The metadata file inside the SavedModel's `assets/` directory.
METADATA_FILE = "keras_gans_export.json"


def _signature_description(function, output):
    specs = function.input_signature
    return {"inputs": [spec.name for spec in specs], "outputs": [output]}


def write_saved_model(serving, path, seed_signature=True):
    """Writes `serving` as a SavedModel with named signatures.

    The module tracks exactly the variables the functions read (a Keras 3 model's variables
    must be tracked explicitly for the TFLite converter to freeze them correctly). Keras's
    `keras.export.ExportArchive` (behind `model.export(format="tf_saved_model")`) traces the
    same `tf.function` and serves the same outputs at the same speed, but stores every weight
    twice (97 MiB against 48 MiB for the 64x64 DCGAN generator) and writes 2-3x slower
    (`benchmarks/export_paths.py`), so the SavedModel is written here.

    Args:
        serving: A `keras_gans_export.serving.Serving`.
        path: The directory to create.
        seed_signature: Also write the `generate` signature when the generator allows it
            (default `True`; a warning says why when it does not).

    Returns:
        `{signature key: {"inputs": [...], "outputs": [...]}}`.
    """
    module = tf.Module()
    module.exported_variables = list(serving.variables)
    signatures = {"serving_default": serving.function.get_concrete_function()}
    described = {"serving_default": _signature_description(serving.function, serving.output.name)}
    seed_function = None
    if seed_signature:
        problem = serving.seed_signature_problem()
        if problem is not None:
            warnings.warn(
                f"The SavedModel gets no seed-based `generate` signature: {problem}.",
                UserWarning,
                stacklevel=3,
            )
        seed_function = serving.seed_function()
    if seed_function is not None:
        signatures["generate"] = seed_function.get_concrete_function()
        described["generate"] = _signature_description(seed_function, serving.output.name)
    tf.saved_model.save(module, str(path), signatures=signatures)
    return described


class SavedModelExporter(Exporter):
    """TensorFlow SavedModel with a `serving_default` and a seed-based `generate` signature.

    `serving_default` maps `z` (and `labels`, and any lifted `noise_*` inputs) to the
    output; `generate` maps `seed` (int64) and `n` (int32), or `seed` and `labels` for a
    conditional generator, to `n` samples whose latents are those of
    `GANModel.generate(n, seed=seed)`, so a server can generate without the client sampling
    latents. The metadata JSON is in `assets/keras_gans_export.json`.

    Args:
        seed_signature: Write the `generate` signature (default `True`).

    Example:
    >>> SavedModelExporter().tolerance()
    1e-05
    """

    format = "saved-model"
    suffix = "_saved_model"
    directory = True

    def __init__(self, seed_signature=True):
        if not isinstance(seed_signature, bool):
            raise TypeError(
                f"`seed_signature` must be True or False. Received: seed_signature="
                f"{seed_signature!r}"
            )
        self.seed_signature = seed_signature

    def write(self, serving, path):
        return {"signatures": write_saved_model(serving, path, self.seed_signature)}

    def load(self, path, serving=None):
        signature = tf.saved_model.load(str(path)).signatures["serving_default"]

        def run(batch):
            outputs = signature(**{name: tf.constant(value) for name, value in batch.items()})
            return {name: tensor.numpy() for name, tensor in outputs.items()}

        return run

    def runtime(self):
        return f"tensorflow {tf.__version__} (tf.saved_model.load)"

    def tolerance(self):
        return 1e-5

    def metadata_path(self, path):
        return Path(path) / "assets" / METADATA_FILE

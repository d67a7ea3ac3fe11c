"""Fixtures of the export tests: small GANs and independent runners for each format.

The runners below load an artifact with its own runtime directly (not through the
exporter's `load`), so the tests check the artifacts, not the exporters' verification code.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans

#: Suffix of each built-in format's artifact.
SUFFIXES = {"saved_model": "_saved_model", "onnx": ".onnx", "tflite": ".tflite"}


def build_gan(kind):
    """The small models every format is tested on."""
    keras.utils.set_random_seed(0)
    if kind == "mlp":
        return keras_gans.GANModel.from_architecture(
            "mlp", data_shape=(2,), latent_dim=8, hidden_units=(16,), seed=0
        )
    if kind == "dcgan":
        return keras_gans.GANModel.from_architecture(
            "dcgan", image_shape=(8, 8, 1), latent_dim=16, base_filters=8, seed=0
        )
    if kind == "cdcgan":
        return keras_gans.GANModel.from_architecture(
            "dcgan", image_shape=(8, 8, 1), latent_dim=16, num_classes=10, base_filters=8, seed=0
        )
    raise ValueError(kind)


@pytest.fixture(scope="session")
def gans():
    """`{"mlp", "dcgan", "cdcgan"}` -> an untrained GANModel (built once per session)."""
    return {kind: build_gan(kind) for kind in ("mlp", "dcgan", "cdcgan")}


def keras_output(generator, batch):
    inputs = [batch[name] for name in ("z", "labels") if name in batch]
    return np.asarray(generator(inputs if len(inputs) > 1 else inputs[0], training=False))


def run_saved_model(path, batch, signature="serving_default"):
    function = tf.saved_model.load(str(path)).signatures[signature]
    outputs = function(**{name: tf.constant(value) for name, value in batch.items()})
    return {name: value.numpy() for name, value in outputs.items()}


def run_onnx(path, batch):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(names, batch), strict=True))


def run_tflite(path, batch):
    """Resizes every input to the batch (low-level interpreter API), then runs."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    runner = interpreter.get_signature_runner("serving_default")
    details, outputs = runner.get_input_details(), runner.get_output_details()
    del runner  # it holds views of the tensors, which resizing would invalidate
    for name, value in batch.items():
        interpreter.resize_tensor_input(details[name]["index"], value.shape, strict=True)
    interpreter.allocate_tensors()
    for name, value in batch.items():
        interpreter.set_tensor(details[name]["index"], value)
    interpreter.invoke()
    return {name: interpreter.get_tensor(detail["index"]) for name, detail in outputs.items()}


RUNNERS = {"saved_model": run_saved_model, "onnx": run_onnx, "tflite": run_tflite}


def sample_batch(n, latent_dim=16, num_classes=None, seed=1):
    rng = np.random.default_rng(seed)
    batch = {"z": rng.standard_normal((n, latent_dim)).astype("float32")}
    if num_classes:
        batch["labels"] = (np.arange(n) % num_classes).reshape(n, 1).astype("int32")
    return batch

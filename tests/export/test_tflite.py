"""TFLite: quantisation modes, fixed and resizable batches, and ops LiteRT lacks."""

import keras
import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

from keras_gans import export as kx

from .conftest import keras_output, run_tflite, sample_batch
from .networks import InverseErf


@pytest.fixture(scope="module")
def float32_size(gans, tmp_path_factory):
    path = tmp_path_factory.mktemp("fp32") / "g.tflite"
    return kx.export(gans["cdcgan"], path, format="tflite").size_bytes


# Largest |difference| from Keras measured on this untrained model (8 samples): float16
# 1.1e-4, dynamic 4.4e-3, int8 1.4e-2; the checks below leave about a 5x margin.
@pytest.mark.parametrize(
    ("mode", "bound", "size_ratio"),
    [("float16", 1e-3, 0.6), ("dynamic", 3e-2, 0.45), ("int8", 8e-2, 0.45)],
)
def test_quantized_models_are_smaller_and_close_to_keras(
    gans, tmp_path, float32_size, mode, bound, size_ratio
):
    gan = gans["cdcgan"]
    result = kx.to_tflite(gan, tmp_path / "g.tflite", quantize=mode)
    assert result.metadata["quantization"] == mode
    assert result.metadata["options"] == {
        "quantize": mode,
        "calibration_batches": 16,
        "conv_transpose": "subpixel",
    }
    assert result.verification.passed
    assert result.size_bytes < size_ratio * float32_size, (result.size_bytes, float32_size)

    batch = sample_batch(6, 16, 10)
    images = run_tflite(result.path, batch)["images"]
    assert images.dtype == np.float32  # the interface stays float32, int8 included
    assert np.abs(images - keras_output(gan.generator, batch)).max() < bound


def test_int8_weights_are_int8(gans, tmp_path):
    result = kx.to_tflite(gans["dcgan"], tmp_path / "g.tflite", quantize="int8")
    interpreter = Interpreter(model_path=str(result.path))
    dtypes = {d["dtype"] for d in interpreter.get_tensor_details()}
    assert np.int8 in dtypes


def test_fixed_batch_size(gans, tmp_path):
    result = kx.to_tflite(gans["cdcgan"], tmp_path / "g.tflite", batch_size=4)
    assert result.metadata["batch_size"] == 4
    assert result.verification.batch_size == 12  # 3 calls of 4: all 10 classes
    interpreter = Interpreter(model_path=str(result.path))
    details = interpreter.get_signature_runner().get_input_details()
    assert details["z"]["shape_signature"].tolist() == [4, 16]
    assert details["labels"]["shape_signature"].tolist() == [4, 1]
    batch = sample_batch(4, 16, 10)
    images = run_tflite(result.path, batch)["images"]
    np.testing.assert_allclose(images, keras_output(gans["cdcgan"].generator, batch), atol=2e-5)


def test_resizable_batch_by_default(gans, tmp_path):
    result = kx.to_tflite(gans["dcgan"], tmp_path / "g.tflite")
    interpreter = Interpreter(model_path=str(result.path))
    details = interpreter.get_signature_runner().get_input_details()
    assert details["z"]["shape_signature"].tolist() == [-1, 16]
    for n in (1, 5):
        batch = sample_batch(n)
        images = run_tflite(result.path, batch)["images"]
        assert images.shape == (n, 8, 8, 1)
        np.testing.assert_allclose(images, keras_output(gans["dcgan"].generator, batch), atol=2e-5)


def test_ops_that_litert_lacks_are_a_clear_error_naming_the_layer(tmp_path):
    z = keras.Input((4,))
    h = keras.layers.Dense(4)(z)
    model = keras.Model(z, InverseErf(name="inverse_erf")(h), name="odd_generator")
    with pytest.raises(
        ValueError, match=r"LiteRT interpreter lacks: Erfinv \(layer 'inverse_erf'\)"
    ):
        kx.to_tflite(model, tmp_path / "g.tflite")
    assert list(tmp_path.iterdir()) == []
    # The same generator exports to a format that has the op.
    assert kx.to_saved_model(model, tmp_path / "g").verification.passed


def test_quantize_is_checked(gans, tmp_path):
    with pytest.raises(ValueError, match=r"`quantize` must be one of .*Received: quantize='int4'"):
        kx.to_tflite(gans["mlp"], tmp_path / "g.tflite", quantize="int4")
    with pytest.raises(ValueError, match="calibration_batches"):
        kx.to_tflite(gans["mlp"], tmp_path / "g.tflite", quantize="int8", calibration_batches=0)


def test_ops_that_onnx_lacks_are_a_clear_error_too(tmp_path):
    z = keras.Input((4,))
    model = keras.Model(z, InverseErf(name="inverse_erf")(z), name="odd_generator")
    with pytest.raises(ValueError, match=r"ONNX opset 17: Erfinv \(layer 'inverse_erf'\)"):
        kx.to_onnx(model, tmp_path / "g.onnx")
    assert list(tmp_path.iterdir()) == []

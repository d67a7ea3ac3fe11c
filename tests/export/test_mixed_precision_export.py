"""A generator trained under a mixed dtype policy exports as the float32 network its weights
define: TFLite's builtin kernels and the float32 verification take it."""

import numpy as np
import pytest

import keras_gans
from keras_gans import export
from keras_gans_export.networks import in_float32
from keras_gans_export.runtime_settings import onnx_session, tflite_interpreter
from tests.dtype_policy import global_policy


@pytest.fixture(params=["mixed_float16", "mixed_bfloat16"])
def mixed_gan(request):
    with global_policy(request.param):
        gan = keras_gans.GANModel.from_architecture(
            "dcgan", image_shape=(8, 8, 1), latent_dim=8, base_filters=8, seed=0
        )
    return gan, request.param


def test_the_float32_copy_has_the_weights_and_computes_what_the_mixed_network_does(mixed_gan):
    gan, policy = mixed_gan
    assert gan.generator.layers[1].compute_dtype != "float32"
    copy = in_float32(gan.generator)
    assert {layer.compute_dtype for layer in copy.layers} == {"float32"}
    for ours, theirs in zip(copy.get_weights(), gan.generator.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    z = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")
    full = np.asarray(copy(z, training=False))
    half = np.asarray(gan.generator(z, training=False), dtype="float32")
    assert full.dtype == np.float32
    # Half precision rounds (bfloat16 keeps 8 bits of mantissa), the network is the same.
    tolerance = 2e-2 if policy == "mixed_float16" else 1e-1
    np.testing.assert_allclose(half, full, atol=tolerance)
    assert np.abs(half - full).max() > 0  # the copy really computes in float32


def test_a_mixed_generator_exports_to_tflite_and_onnx_with_parity(mixed_gan, tmp_path):
    gan, _ = mixed_gan
    z = np.random.default_rng(1).normal(size=(1, 8)).astype("float32")
    want = np.asarray(in_float32(gan.generator)(z, training=False))
    tflite = export.export(gan, tmp_path / "g.tflite", format="tflite")
    onnx = export.export(gan, tmp_path / "g.onnx", format="onnx")
    assert tflite.verification.max_abs_diff < 1e-4 and onnx.verification.max_abs_diff < 1e-4
    interpreter = tflite_interpreter(tflite.path, threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], z)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(got, want, atol=1e-5)
    session = onnx_session(onnx.path, threads=1)
    got = session.run(None, {session.get_inputs()[0].name: z})[0]
    np.testing.assert_allclose(got, want, atol=1e-5)

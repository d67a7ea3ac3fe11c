"""Transposed convolutions written as sub-pixel convolutions: exact, and in the artifacts."""

import keras
import numpy as np
import onnx
import pytest
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

from keras_gans import export as kx
from keras_gans_export import runtime_settings, subpixel

from .conftest import keras_output, run_onnx, run_tflite, sample_batch


@pytest.mark.parametrize(
    ("kernel", "stride", "height", "width", "bias"),
    [(4, 2, 3, 5, False), (2, 2, 4, 4, True), (6, 2, 2, 3, True), (6, 3, 3, 2, False)],
)
def test_subpixel_equals_the_keras_layer(kernel, stride, height, width, bias):
    layer = keras.layers.Conv2DTranspose(
        5, kernel, strides=stride, padding="same", use_bias=bias, activation="relu"
    )
    x = np.random.default_rng(kernel + stride).normal(size=(2, height, width, 3))
    x = x.astype("float32")
    layer.build(x.shape)
    if bias:  # a nonzero bias, so adding it is checked
        layer.bias.assign(np.linspace(-1, 1, 5))
    want = np.asarray(layer(x))
    assert want.shape == (2, stride * height, stride * width, 5)
    with subpixel.traced_as_subpixel(keras.Sequential([layer])) as names:
        got = np.asarray(layer(x))
    assert names == [layer.name]
    np.testing.assert_allclose(got, want, atol=1e-5)
    # The layer's own call is back once the block ends.
    assert "call" not in vars(layer)


@pytest.mark.parametrize(
    "layer",
    [
        keras.layers.Conv2DTranspose(2, 4, strides=2, padding="valid"),
        keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
        keras.layers.Conv2DTranspose(2, 4, strides=1, padding="same"),
        keras.layers.Conv2DTranspose(2, 4, strides=(2, 1), padding="same"),
        keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same", output_padding=1),
        keras.layers.Conv2D(2, 4, strides=2, padding="same"),
    ],
)
def test_layers_the_form_does_not_cover_are_left_alone(layer):
    assert not subpixel.convertible(layer)


def _tflite_ops(path):
    interpreter = Interpreter(model_path=str(path))
    return {op["op_name"] for op in interpreter._get_ops_details()}


@pytest.mark.parametrize("quantize", [None, "dynamic"])
def test_tflite_default_has_no_transpose_conv_and_matches_keras(gans, tmp_path, quantize):
    gan = gans["dcgan"]
    result = kx.to_tflite(gan, tmp_path / "g.tflite", quantize=quantize)
    ops = _tflite_ops(result.path)
    assert "TRANSPOSE_CONV" not in ops, ops
    assert {"CONV_2D", "DEPTH_TO_SPACE"} <= ops, ops
    assert result.metadata["subpixel_layers"]
    batch = sample_batch(3)  # a batch size verification did not use
    bound = 1e-5 if quantize is None else 3e-2
    images = run_tflite(result.path, batch)["images"]
    np.testing.assert_allclose(images, keras_output(gan.generator, batch), atol=bound)


def test_tflite_native_form_keeps_transpose_conv(gans, tmp_path):
    result = kx.to_tflite(gans["dcgan"], tmp_path / "g.tflite", conv_transpose="native")
    assert "TRANSPOSE_CONV" in _tflite_ops(result.path)
    assert result.metadata["subpixel_layers"] == []


@pytest.mark.parametrize(("form", "has_conv_transpose"), [("native", True), ("subpixel", False)])
def test_onnx_forms(gans, tmp_path, form, has_conv_transpose):
    gan = gans["dcgan"]
    result = kx.to_onnx(gan, tmp_path / "g.onnx", conv_transpose=form)
    op_types = {node.op_type for node in onnx.load(str(result.path)).graph.node}
    assert ("ConvTranspose" in op_types) == has_conv_transpose, op_types
    assert ("DepthToSpace" in op_types) != has_conv_transpose, op_types
    batch = sample_batch(5)
    images = run_onnx(result.path, batch)["images"]
    np.testing.assert_allclose(images, keras_output(gan.generator, batch), atol=1e-5)


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_unknown_form_is_a_clear_error(gans, tmp_path, fmt):
    with pytest.raises(ValueError, match=r"`conv_transpose` must be one of .*'subpixel'"):
        kx.export(gans["dcgan"], tmp_path / f"g.{fmt}", format=fmt, conv_transpose="fast")


def test_runtime_settings_reject_bad_threads(tmp_path):
    with pytest.raises(ValueError, match=r"`threads` must be a positive integer.*threads=0"):
        runtime_settings.tflite_interpreter(tmp_path / "g.tflite", threads=0)
    assert runtime_settings.usable_cores() >= 1


def test_subpixel_function_matches_tensorflow_directly():
    x = np.random.default_rng(3).normal(size=(1, 4, 3, 2)).astype("float32")
    kernel = np.random.default_rng(4).normal(size=(4, 4, 3, 2)).astype("float32")
    want = tf.nn.conv2d_transpose(x, kernel, (1, 8, 6, 3), 2, "SAME").numpy()
    got = subpixel.subpixel_conv2d_transpose(x, kernel, 2).numpy()
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_a_dynamic_image_size_keeps_the_transposed_convolution():
    inputs = keras.Input((None, None, 2))
    net = keras.Model(inputs, keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same")(inputs))
    spec = tf.TensorSpec((None, None, None, 2), tf.float32)
    with subpixel.traced_as_subpixel(net) as names:
        graph = tf.function(net, input_signature=[spec]).get_concrete_function().graph
    op_types = {op.type for op in graph.get_operations()}
    assert "Conv2DBackpropInput" in op_types and "DepthToSpace" not in op_types, op_types
    assert names == []

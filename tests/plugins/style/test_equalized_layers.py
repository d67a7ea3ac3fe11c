"""Equalised learning rate and pixel normalisation (Karras et al. 2018), checked by hand."""

import math

import keras
import numpy as np
import pytest
from keras_gans_style.equalized_conv2d import EqualizedConv2D
from keras_gans_style.equalized_dense import EqualizedDense
from keras_gans_style.pixel_normalization import PixelNormalization


def test_dense_scales_the_stored_kernel_by_he_constant_times_lr_multiplier():
    layer = EqualizedDense(2, lr_multiplier=0.01, bias_initializer=1.0)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    y = np.asarray(layer(x))
    kernel, bias = (np.asarray(w) for w in layer.weights)
    scale = math.sqrt(2.0) / math.sqrt(3) * 0.01
    np.testing.assert_allclose(y, x @ kernel * scale + bias * 0.01, rtol=1e-5)
    # The stored weights are N(0, 1/lr^2) and the effective bias starts at 1.
    np.testing.assert_allclose(bias * 0.01, [1.0, 1.0])
    big = EqualizedDense(4000, lr_multiplier=0.01)
    big.build((None, 50))
    assert np.std(np.asarray(big.kernel)) == pytest.approx(100.0, rel=0.02)


def test_conv_scales_by_fan_in_of_the_kernel_window():
    layer = EqualizedConv2D(1, kernel_size=3, gain=1.0, use_bias=False)
    x = np.ones((1, 5, 5, 2), "float32")
    y = np.asarray(layer(x))
    kernel = np.asarray(layer.kernel)
    # The centre pixel sees the whole window: sum of the kernel times 1/sqrt(3*3*2).
    assert y[0, 2, 2, 0] == pytest.approx(kernel.sum() / math.sqrt(18), rel=1e-5)
    # A corner pixel sees only the 2x2 lower-right part of the window ("same" padding).
    assert y[0, 0, 0, 0] == pytest.approx(kernel[1:, 1:].sum() / math.sqrt(18), rel=1e-5)


def test_equalised_output_has_unit_variance_for_unit_inputs():
    layer = EqualizedDense(512, gain=1.0)
    x = np.random.default_rng(0).normal(size=(256, 256)).astype("float32")
    assert np.std(np.asarray(layer(x))) == pytest.approx(1.0, rel=0.05)


def test_pixel_norm_gives_unit_rms_per_position():
    x = np.random.default_rng(1).normal(3.0, 5.0, size=(2, 4, 4, 8)).astype("float32")
    y = np.asarray(PixelNormalization()(x))
    np.testing.assert_allclose(np.mean(y**2, axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(y / y[..., :1], x / x[..., :1], rtol=1e-4)  # direction kept


def test_config_round_trip_and_bad_arguments():
    layer = EqualizedDense(3, gain=1.0, lr_multiplier=0.01, activation="relu")
    clone = EqualizedDense.from_config(layer.get_config())
    assert (clone.units, clone.gain, clone.lr_multiplier) == (3, 1.0, 0.01)
    assert keras.activations.serialize(clone.activation) == "relu"
    with pytest.raises(ValueError, match=r"`lr_multiplier` must be a positive finite number.*-1"):
        EqualizedDense(3, lr_multiplier=-1)
    with pytest.raises(ValueError, match=r"`filters` must be a positive int.*2.5"):
        EqualizedConv2D(2.5)
    with pytest.raises(ValueError, match=r"`epsilon`.*0"):
        PixelNormalization(epsilon=0)

"""Generators that draw noise at inference time: each draw becomes a named input.

The expected outputs are computed by hand in NumPy from the generator's weights and the fed
noise: z -> Dense -> reshape (4, 4, 2) -> + strength * noise -> dropout mask -> tanh.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export as kx

from .conftest import RUNNERS, SUFFIXES
from .networks import RandomPick, noisy_generator, wrap_in_gan


@pytest.fixture(scope="module")
def generator():
    keras.utils.set_random_seed(3)
    return noisy_generator(latent_dim=8, side=4)


def _by_hand(generator, z, style_noise, dropout_uniform, rate=0.25):
    kernel, bias = (np.asarray(w) for w in generator.get_layer("project").weights)
    strength = np.asarray(generator.get_layer("style_noise").strength)
    h = (z @ kernel + bias).reshape(-1, 4, 4, 2)
    h = h + strength * style_noise
    h = np.where(dropout_uniform >= rate, h / (1.0 - rate), 0.0)
    return np.tanh(h)


def _noise_batch(n, seed=5):
    rng = np.random.default_rng(seed)
    return {
        "z": rng.standard_normal((n, 8)).astype("float32"),
        "noise_style_noise": rng.standard_normal((n, 4, 4, 1)).astype("float32"),
        "noise_mc_dropout": rng.uniform(size=(n, 4, 4, 2)).astype("float32"),
    }


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
def test_random_draws_become_inputs_in_every_format(generator, tmp_path, fmt):
    result = kx.export(generator, tmp_path / f"g{SUFFIXES[fmt]}", format=fmt)
    assert result.verification.passed
    assert result.verification.reference == "traced keras graph, noise fed in"
    noise = [entry for entry in result.metadata["inputs"] if entry["role"] == "noise"]
    assert noise == [
        {
            "name": "noise_style_noise",
            "role": "noise",
            "dtype": "float32",
            "shape": [None, 4, 4, 1],
            "distribution": "normal",
            "layer": "style_noise",
        },
        {
            "name": "noise_mc_dropout",
            "role": "noise",
            "dtype": "float32",
            "shape": [None, 4, 4, 2],
            "distribution": "uniform",
            "layer": "mc_dropout",
        },
    ]
    batch = _noise_batch(3)
    images = RUNNERS[fmt](result.path, batch)["images"]
    expected = _by_hand(
        generator, batch["z"], batch["noise_style_noise"], batch["noise_mc_dropout"]
    )
    assert (expected == 0).any() and (expected != 0).any()  # some units dropped, some kept
    np.testing.assert_allclose(images, expected, atol=1e-5)


def test_noise_error_mode_names_the_layers(generator, tmp_path):
    with pytest.raises(kx.RandomOpError) as error:
        kx.to_onnx(generator, tmp_path / "g.onnx", noise="error")
    message = str(error.value)
    assert "layer 'style_noise' (StatelessRandomNormalV2)" in message
    assert "layer 'mc_dropout' (StatelessRandomUniformV2)" in message
    assert list(tmp_path.iterdir()) == []


def test_a_draw_that_cannot_be_lifted_is_an_error_naming_the_layer(tmp_path):
    z = keras.Input((4,))
    h = keras.layers.Reshape((2, 2, 1))(keras.layers.Dense(4)(z))
    model = keras.Model(z, RandomPick(name="pick")(h))
    with pytest.raises(kx.RandomOpError, match=r"layer 'pick' \(StatelessMultinomial\)"):
        kx.to_tflite(model, tmp_path / "g.tflite")
    assert list(tmp_path.iterdir()) == []


def test_seed_signature_draws_the_noise_too(generator, tmp_path):
    gan = wrap_in_gan(generator, latent_dim=8, image_shape=(4, 4, 2))
    result = kx.to_saved_model(gan, tmp_path / "g")
    assert result.metadata["signatures"]["generate"]["inputs"] == ["seed", "n"]
    generate = tf.saved_model.load(str(result.path)).signatures["generate"]

    def images(seed):
        return generate(seed=tf.constant(seed, tf.int64), n=tf.constant(4))["images"].numpy()

    first = images(3)
    assert first.shape == (4, 4, 4, 2) and np.all(np.isfinite(first))
    np.testing.assert_array_equal(first, images(3))  # deterministic per seed
    assert np.abs(first - images(4)).max() > 0.01
    assert (first == 0).any()  # the dropout noise was drawn and applied


def test_training_only_noise_layers_need_no_inputs(tmp_path):
    z = keras.Input((4,))
    h = keras.layers.Dense(8, name="project")(z)
    h = keras.layers.GaussianNoise(0.3)(keras.layers.Dropout(0.5)(h))
    model = keras.Model(z, keras.layers.Activation("tanh")(h))
    result = kx.to_onnx(model, tmp_path / "g.onnx")
    assert [entry["name"] for entry in result.metadata["inputs"]] == ["z"]
    kernel, bias = (np.asarray(w) for w in model.get_layer("project").weights)
    z_batch = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    images = RUNNERS["onnx"](result.path, {"z": z_batch})["samples"]
    np.testing.assert_allclose(images, np.tanh(z_batch @ kernel + bias), atol=1e-5)

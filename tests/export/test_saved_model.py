"""SavedModel: the seed-based `generate` signature, metadata in assets, replacing a previous
export, and refusing to replace anything else."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import export as kx

from .conftest import run_saved_model


def test_seed_signature_reproduces_gan_generate(gans, tmp_path):
    gan = gans["dcgan"]
    result = kx.to_saved_model(gan, tmp_path / "g")
    assert result.metadata["signatures"]["generate"] == {
        "inputs": ["seed", "n"],
        "outputs": ["images"],
    }
    loaded = tf.saved_model.load(str(result.path)).signatures["generate"]
    for seed in (0, 7, 123456789):
        images = loaded(seed=tf.constant(seed, tf.int64), n=tf.constant(5))["images"].numpy()
        np.testing.assert_allclose(images, gan.generate(5, seed=seed), atol=1e-6)
    first = loaded(seed=tf.constant(1, tf.int64), n=tf.constant(3))["images"].numpy()
    second = loaded(seed=tf.constant(2, tf.int64), n=tf.constant(3))["images"].numpy()
    assert np.abs(first - second).max() > 0.01


def test_conditional_seed_signature_takes_labels(gans, tmp_path):
    gan = gans["cdcgan"]
    result = kx.to_saved_model(gan, tmp_path / "g")
    assert result.metadata["signatures"]["generate"]["inputs"] == ["seed", "labels"]
    labels = np.array([[3], [1], [4], [1]], "int32")
    images = run_saved_model(result.path, {"seed": np.int64(11), "labels": labels}, "generate")
    expected = gan.generate(4, seed=11, labels=labels[:, 0])
    np.testing.assert_allclose(images["images"], expected, atol=1e-6)


def test_uniform_prior_seed_signature(tmp_path):
    arch = keras_gans.architectures.get("mlp", data_shape=(3,), latent_dim=4, hidden_units=(8,))
    gan = keras_gans.GANModel(
        arch.build_generator(), arch.build_discriminator(), 4, latent_distribution="uniform"
    )
    result = kx.to_saved_model(gan, tmp_path / "g")
    assert result.metadata["latent_distribution"] == "uniform"
    assert result.metadata["inputs"][0]["distribution"] == "uniform(-1, 1)"
    out = run_saved_model(result.path, {"seed": np.int64(5), "n": np.int32(6)}, "generate")
    np.testing.assert_allclose(out["samples"], gan.generate(6, seed=5), atol=1e-6)


def test_no_seed_signature_on_request(gans, tmp_path):
    result = kx.to_saved_model(gans["mlp"], tmp_path / "g", seed_signature=False)
    assert sorted(result.metadata["signatures"]) == ["serving_default"]
    assert list(tf.saved_model.load(str(result.path)).signatures) == ["serving_default"]


def test_metadata_lives_in_assets_and_says_how_to_call(gans, tmp_path):
    result = kx.to_saved_model(gans["cdcgan"], tmp_path / "g", source="runs/x/latest.keras")
    metadata = json.loads((result.path / "assets" / "keras_gans_export.json").read_text())
    assert metadata["signatures"]["serving_default"] == {
        "inputs": ["z", "labels"],
        "outputs": ["images"],
    }
    assert metadata["inputs"][1] == {
        "name": "labels",
        "role": "labels",
        "dtype": "int32",
        "shape": [None, 1],
        "num_classes": 10,
    }
    assert metadata["source_checkpoint"] == "runs/x/latest.keras"
    assert metadata["versions"]["tensorflow"] == tf.__version__
    assert metadata["versions"]["keras"] == keras.__version__
    # The loaded model still serves with the metadata file in place.
    out = run_saved_model(
        result.path, {"z": np.zeros((2, 16), "float32"), "labels": np.ones((2, 1), "int32")}
    )
    assert out["images"].shape == (2, 8, 8, 1)


def test_replaces_a_previous_saved_model(gans, tmp_path):
    target = tmp_path / "g"
    kx.to_saved_model(gans["mlp"], target)
    result = kx.to_saved_model(gans["dcgan"], target)
    assert result.metadata["outputs"][0]["name"] == "images"
    out = run_saved_model(target, {"z": np.zeros((1, 16), "float32")})
    assert out["images"].shape == (1, 8, 8, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]


def test_never_replaces_a_directory_that_is_not_a_saved_model(gans, tmp_path):
    (tmp_path / "notes.txt").write_text("precious")
    with pytest.raises(ValueError, match="non-empty directory that is not a SavedModel"):
        kx.to_saved_model(gans["mlp"], tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "precious"

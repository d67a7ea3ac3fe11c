"""The `acgan` plugin: conformance, its classifier term, class accuracy on digits, bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets import load_digits
from keras_gans.metrics import load_digits_classifier
from keras_gans.tricks.auxiliary_classifier import AuxiliaryClassifier

TINY = {"image_shape": (8, 8, 1), "latent_dim": 4, "num_classes": 3, "base_filters": 4}


def test_passes_the_conformance_suite(tmp_path):
    assert kgt.run_all("acgan", tmp_path=tmp_path, **TINY) == ("architectures",)


def test_discriminator_predicts_classes_without_reading_the_labels():
    discriminator = keras_gans.architectures.get("acgan", **TINY).build_discriminator()
    x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    a = discriminator([x, np.array([[0], [1]])], training=False)
    b = discriminator([x, np.array([[2], [2]])], training=False)
    assert a["class_logits"].shape == (2, 3) and a["score"].shape == (2, 1)
    for key in ("score", "class_logits"):
        np.testing.assert_array_equal(a[key].numpy(), b[key].numpy())


def test_from_architecture_brings_the_classifier_term_and_compile_can_override_it():
    gan = keras_gans.GANModel.from_architecture("acgan", **TINY)
    gan.compile()
    assert [type(t).__name__ for t in gan.tricks] == ["AuxiliaryClassifier"]
    assert "d_term/auxiliary_classifier" in [m.name for m in gan.metrics]
    gan.compile(tricks=[AuxiliaryClassifier(weight=0.25)])
    assert [t.weight for t in gan.tricks] == [0.25]  # same name: the given one replaces it
    gan = keras_gans.GANModel.from_architecture("acgan", **TINY, classifier_weight=2.0)
    gan.compile()
    assert gan.tricks[0].weight == 2.0


def test_briefly_trained_acgan_draws_the_requested_digit():
    x, y = load_digits()
    gan = keras_gans.GANModel.from_architecture(
        "acgan", image_shape=(8, 8, 1), latent_dim=16, num_classes=10, base_filters=16, seed=0
    )
    keras.utils.set_random_seed(0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    gan.fit(x, y, batch_size=64, epochs=4, verbose=0)
    labels = np.repeat(np.arange(10), 20)
    samples = gan.generate(200, labels=labels, seed=1)
    predicted = load_digits_classifier().predict(samples, verbose=0).argmax(1)
    accuracy = float((predicted == labels).mean())
    assert accuracy > 0.3, accuracy  # chance is 0.1; about 0.7 after these 4 epochs


def test_bad_labels_and_missing_labels_are_clear_errors():
    gan = keras_gans.GANModel.from_architecture("acgan", **TINY)
    gan.compile()
    x = np.zeros((16, 8, 8, 1), "float32")
    with pytest.raises(ValueError, match=r"class ids in \[0, 3\)"):
        gan.fit(x, np.full(16, 3), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"class ids in \[0, 3\)"):
        gan.fit(x, np.full(16, -1), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"class ids in \[0, 3\)"):
        gan.generate(2, labels=[0, 5])
    with pytest.raises(ValueError, match="conditional"):
        gan.fit(x, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="needs `labels`"):
        gan.generate(2)
    # A dataset's labels are checked in the train step itself.
    for bad in (7, -2):
        data = tf.data.Dataset.from_tensor_slices((x, np.full(16, bad, "int32"))).batch(8)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"class ids in \[0, 3\)"):
            gan.fit(data, verbose=0)
    with pytest.raises(ValueError, match="conditional"):
        gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), verbose=0)


def test_reloaded_model_keeps_its_classifier_term_when_compiled_again(tmp_path):
    gan = keras_gans.GANModel.from_architecture("acgan", **TINY, classifier_weight=0.5)
    gan.save(tmp_path / "acgan.keras")  # saved before compile: no compile config
    loaded = keras.saving.load_model(tmp_path / "acgan.keras")
    loaded.compile()
    assert [(type(t).__name__, t.weight) for t in loaded.tricks] == [("AuxiliaryClassifier", 0.5)]


def test_num_classes_is_required():
    with pytest.raises(ValueError, match="num_classes.*classifies"):
        keras_gans.architectures.get("acgan", image_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="classifier_weight"):
        keras_gans.architectures.get("acgan", **TINY, classifier_weight=-1)

"""Label-conditioned GANs: labels reach both networks, in fit and in generate."""

import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.datasets import load_digits


@pytest.fixture(scope="module")
def cgan():
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=16, num_classes=10, base_filters=8, seed=0
    )
    gan.compile("adam", "adam", loss="non-saturating")
    return gan


def test_from_architecture_builds_a_conditional_pair(cgan):
    assert cgan.conditional and cgan.num_classes == 10
    assert len(cgan.generator.inputs) == 2 and len(cgan.discriminator.inputs) == 2


@pytest.mark.parametrize("label_shape", [(-1,), (-1, 1)])
def test_fit_with_arrays_and_datasets_of_pairs(cgan, label_shape):
    x, y = load_digits()
    history = cgan.fit(x[:64], y[:64].reshape(label_shape), batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    dataset = tf.data.Dataset.from_tensor_slices((x[:64], y[:64])).batch(32)
    assert np.isfinite(cgan.fit(dataset, epochs=1, verbose=0).history["g_loss"][-1])


def test_generated_images_depend_on_the_label(cgan):
    same_z = cgan.generate(4, labels=[3, 3, 3, 3], seed=1)
    other = cgan.generate(4, labels=[7, 7, 7, 7], seed=1)
    assert same_z.shape == (4, 8, 8, 1)
    assert not np.allclose(same_z, other)
    np.testing.assert_array_equal(cgan.generate(4, labels=3, seed=1), same_z)


def test_label_errors(cgan):
    with pytest.raises(ValueError, match="needs `labels`"):
        cgan.generate(4)
    with pytest.raises(ValueError, match=r"\[0, 10\).*12"):
        cgan.generate(2, labels=[1, 12])
    with pytest.raises(ValueError, match="one label per sample"):
        cgan.generate(3, labels=[1, 2])
    with pytest.raises(ValueError, match=r"`labels` must be finite.*1 non-finite"):
        cgan.generate(2, labels=[np.nan, 1])
    with pytest.raises(ValueError, match=r"whole class ids in \[0, 10\).*0.5"):
        cgan.generate(2, labels=[0.5, 1.0])
    with pytest.raises(ValueError, match=r"must be numbers.*dtype <U1"):
        cgan.generate(2, labels=["a", "b"])
    np.testing.assert_array_equal(  # whole floats are class ids
        cgan.generate(2, labels=[3.0, 7.0], seed=1), cgan.generate(2, labels=[3, 7], seed=1)
    )
    x, _ = load_digits()
    with pytest.raises(ValueError, match="conditional"):
        cgan.fit(x[:64], batch_size=32, verbose=0)
    with pytest.raises(ValueError, match="conditional"):
        cgan.fit(tf.data.Dataset.from_tensor_slices(x[:64]).batch(32), verbose=0)


def test_unconditional_models_ignore_dataset_labels_but_reject_generate_labels():
    gan = keras_gans.GANModel.from_architecture("mlp", data_shape=(8, 8, 1), latent_dim=8)
    gan.compile("adam", "adam")
    x, y = load_digits()
    gan.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="unconditional"):
        gan.generate(2, labels=[0, 1])


def test_conditioning_mismatch_between_networks_is_rejected():
    conditional = keras_gans.architectures.get("mlp", latent_dim=4, num_classes=3)
    plain = keras_gans.architectures.get("mlp", latent_dim=4)
    with pytest.raises(ValueError, match="conditioning input on both"):
        keras_gans.GANModel(conditional.build_generator(), plain.build_discriminator(), 4)

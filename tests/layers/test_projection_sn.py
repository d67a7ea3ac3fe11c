"""The projection discriminator's class embedding is spectrally normalised (Miyato & Koyama).

Checked against NumPy's SVD: after a few training calls the power iteration's estimate
makes the largest singular value of the applied embedding (and linear term) one.
"""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import ProjectionHead


def largest_singular_value(matrix):
    return np.linalg.svd(keras.ops.convert_to_numpy(matrix), compute_uv=False)[0]


def call_in_training(head, calls=10, num_classes=5, dim=16):
    """Builds `head` with fixed weights (`V` with singular values 3, 1.5, 1, 0.5, 0.2),
    then makes `calls` training calls."""
    rng = np.random.default_rng(0)
    if not head.built:
        head.build([(None, dim), (None, 1)])
    head.kernel.assign(rng.normal(size=(dim, 1)))
    left = np.linalg.qr(rng.normal(size=(num_classes, num_classes)))[0]
    right = np.linalg.qr(rng.normal(size=(dim, num_classes)))[0]
    head.embeddings.assign(left @ np.diag([3.0, 1.5, 1.0, 0.5, 0.2]) @ right.T)
    for _ in range(calls):
        features = rng.normal(size=(4, dim)).astype("float32")
        labels = rng.integers(0, num_classes, size=(4, 1))
        head([features, labels], training=True)


def test_embedding_and_linear_term_have_unit_spectral_norm_after_training_calls():
    head = ProjectionHead(num_classes=5, spectral_normalization=True)
    call_in_training(head)
    kernel, embeddings = head.normalized_weights()
    assert largest_singular_value(head.embeddings) == pytest.approx(3.0)
    assert abs(largest_singular_value(embeddings) - 1.0) < 1e-3
    assert abs(largest_singular_value(kernel) - 1.0) < 1e-5


def test_the_score_uses_the_normalised_weights_and_inference_leaves_the_vectors():
    head = ProjectionHead(num_classes=5, spectral_normalization=True)
    call_in_training(head)
    u = head.embeddings_u.numpy()
    features = np.random.default_rng(1).normal(size=(3, 16)).astype("float32")
    labels = np.array([[0], [3], [4]])
    score = keras.ops.convert_to_numpy(head([features, labels], training=False))
    np.testing.assert_array_equal(head.embeddings_u.numpy(), u)
    kernel, embeddings = (keras.ops.convert_to_numpy(w) for w in head.normalized_weights())
    expected = features @ kernel + head.bias.numpy()
    expected += np.sum(embeddings[labels[:, 0]] * features, axis=-1, keepdims=True)
    np.testing.assert_allclose(score, expected, rtol=1e-5, atol=1e-5)


def test_the_option_is_off_by_default_and_survives_saving(tmp_path):
    assert ProjectionHead(3).get_config()["spectral_normalization"] is False
    features = keras.Input((16,))
    labels = keras.Input((1,), dtype="int32")
    head = ProjectionHead(5, spectral_normalization=True, name="score")
    model = keras.Model([features, labels], head([features, labels]))
    call_in_training(head)
    model.save(tmp_path / "projection.keras")
    loaded = keras.saving.load_model(tmp_path / "projection.keras")
    restored = loaded.get_layer("score")
    assert restored.spectral_normalization is True
    np.testing.assert_array_equal(restored.embeddings_u.numpy(), head.embeddings_u.numpy())
    x = np.ones((2, 16), "float32")
    y = np.array([[1], [2]])
    np.testing.assert_allclose(loaded([x, y]), model([x, y]), rtol=1e-6)


def test_dcgan_projection_discriminator_follows_spectral_normalization():
    def score_layer(spectral_normalization):
        arch = keras_gans.architectures.get(
            "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, num_classes=3,
            conditioning="projection", spectral_normalization=spectral_normalization,
            discriminator_normalization="none",
        )  # fmt: skip
        return arch.build_discriminator().get_layer("score")

    assert score_layer(True).spectral_normalization is True
    assert score_layer(False).spectral_normalization is False


def test_a_spectrally_normalised_projection_discriminator_trains():
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, num_classes=3,
        conditioning="projection", spectral_normalization=True,
        discriminator_normalization="none", seed=0,
    )  # fmt: skip
    gan.compile()
    head = gan.discriminator.get_layer("score")
    before = head.embeddings_u.numpy()
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    logs = gan.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][-1])
    assert not np.allclose(head.embeddings_u.numpy(), before)
    assert 1.0 - 1e-4 < largest_singular_value(head.normalized_weights()[1]) < 1.5

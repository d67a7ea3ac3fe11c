"""The `gan-cls` plugin: embeddings or class ids, the matching-aware discriminator, errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets import load_digits

TINY = {"image_shape": (8, 8, 1), "latent_dim": 4, "base_filters": 4, "projection_dim": 4}


def synthetic_embeddings(labels, width=16, seed=0):
    """One random vector per class, plus a little noise per example (a stand-in for text)."""
    rng = np.random.default_rng(seed)
    table = rng.normal(size=(labels.max() + 1, width)).astype("float32")
    noise = 0.1 * rng.normal(size=(len(labels), width)).astype("float32")
    return table, table[labels] + noise


def test_passes_the_conformance_suite_on_class_ids(tmp_path):
    kinds = kgt.run_all("gan-cls", tmp_path=tmp_path, **TINY, num_classes=3)
    assert kinds == ("architectures",)


def test_embedding_conditioned_model_trains_saves_and_reloads(tmp_path):
    gan = keras_gans.GANModel.from_architecture("gan-cls", **TINY, embedding_dim=6, seed=0)
    assert gan.conditional and gan.num_classes is None
    assert tuple(gan.generator.inputs[1].shape) == (None, 6)
    gan.compile()
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    embeddings = rng.normal(size=(32, 6)).astype("float32")
    logs = gan.fit(x, embeddings, batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(logs["d_term/matching_aware"][-1])
    gan.save(tmp_path / "cls.keras")
    loaded = keras.saving.load_model(tmp_path / "cls.keras")
    np.testing.assert_array_equal(
        loaded.generate(3, seed=1, labels=embeddings[:3]),
        gan.generate(3, seed=1, labels=embeddings[:3]),
    )
    assert [t.name for t in loaded.tricks] == ["matching_aware"]
    loaded.fit(x, embeddings, batch_size=16, epochs=1, verbose=0)


@pytest.mark.slow  # 7 s of training
def test_matching_aware_discriminator_learns_which_condition_fits_a_real_image():
    x, y = load_digits()
    _, embeddings = synthetic_embeddings(y)
    shuffled = np.roll(embeddings[:500], 7, axis=0)
    other_class = y[:500] != np.roll(y[:500], 7)

    def right_beats_wrong(mismatch_weight):
        gan = keras_gans.GANModel.from_architecture(
            "gan-cls", image_shape=(8, 8, 1), latent_dim=16, embedding_dim=16,
            base_filters=16, projection_dim=16, mismatch_weight=mismatch_weight, seed=0,
        )  # fmt: skip
        keras.utils.set_random_seed(0)
        adam = keras.optimizers.Adam
        gan.compile(adam(1e-3, beta_1=0.5), adam(1e-3, beta_1=0.5))
        gan.fit(x, embeddings, batch_size=64, epochs=6, verbose=0)
        right = gan.discriminator([x[:500], embeddings[:500]]).numpy()[other_class]
        wrong = gan.discriminator([x[:500], shuffled]).numpy()[other_class]
        return float((right > wrong).mean())

    aware, plain = right_beats_wrong(1.0), right_beats_wrong(0.0)
    # Measured: 0.87 with the mismatched pairs, 0.60 without them.
    assert aware > 0.75 and aware > plain + 0.1, (aware, plain)


def test_wrong_embedding_width_and_missing_conditions_are_clear_errors():
    gan = keras_gans.GANModel.from_architecture("gan-cls", **TINY, embedding_dim=6)
    gan.compile()
    x = np.zeros((16, 8, 8, 1), "float32")
    with pytest.raises(ValueError, match=r"\(6,\).*\(5,\)"):
        gan.fit(x, np.zeros((16, 5), "float32"), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"\(6,\).*\(5,\)"):
        gan.generate(2, labels=np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match="conditional"):
        gan.fit(x, batch_size=8, verbose=0)
    narrow = tf.data.Dataset.from_tensor_slices((x, np.zeros((16, 5), "float32"))).batch(8)
    with pytest.raises(ValueError, match=r"\(6,\).*\(5,\)"):
        gan.fit(narrow, verbose=0)
    # One embedding for every sample is repeated.
    assert gan.generate(3, labels=np.ones(6, "float32")).shape == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="embedding_dim.*num_classes"):
        keras_gans.architectures.get("gan-cls", image_shape=(8, 8, 1), embedding_dim=None)

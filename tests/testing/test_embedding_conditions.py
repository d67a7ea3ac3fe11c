"""The conformance suite accepts float embedding conditions (GAN-CLS, StackGAN), not only
class ids: the conditions it feeds follow the generator's condition input."""

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans.testing as kgt
from keras_gans.architectures import Architecture

TINY_CLS = {"image_shape": (8, 8, 1), "latent_dim": 4, "base_filters": 4, "projection_dim": 4}


class EmbeddingPair(Architecture):
    """Two dense networks on 2-D points, conditioned on a `condition_dim` float vector."""

    def __init__(self, latent_dim=4, condition_dim=5, condition_dtype="float32"):
        self.latent_dim = latent_dim
        self.condition_dim = condition_dim
        self.condition_dtype = condition_dtype

    def _condition(self):
        return keras.Input((self.condition_dim,), dtype=self.condition_dtype, name="condition")

    def _joined(self, first, condition):
        return keras.layers.Concatenate()([first, keras.ops.cast(condition, "float32")])

    def build_generator(self):
        z, condition = keras.Input((self.latent_dim,), name="z"), self._condition()
        samples = keras.layers.Dense(2)(self._joined(z, condition))
        return keras.Model([z, condition], samples)

    def build_discriminator(self):
        x, condition = keras.Input((2,), name="x"), self._condition()
        hidden = keras.layers.Dense(8, activation="tanh")(self._joined(x, condition))
        return keras.Model([x, condition], keras.layers.Dense(1)(hidden))


def test_gan_cls_with_embeddings_passes_run_all(tmp_path):
    kinds = kgt.run_all("gan-cls", tmp_path=tmp_path, **TINY_CLS, embedding_dim=6)
    assert kinds == ("architectures",)


def test_a_hand_built_embedding_pair_passes_the_architecture_and_training_checks(tmp_path):
    arch = EmbeddingPair()
    kgt.check_architecture(arch)
    gan = keras_gans.GANModel(
        arch.build_generator(), arch.build_discriminator(), latent_dim=4, seed=0
    )
    assert gan.conditional and gan.num_classes is None
    gan = kgt.check_fit(gan)
    kgt.check_save_load(gan, tmp_path)


def test_sample_labels_follow_the_condition_inputs_dtype_and_shape():
    vectors = kgt.sample_labels(4, condition=keras.Input((6,)), seed=1)
    assert vectors.shape == (4, 6) and vectors.dtype == np.float32
    assert np.unique(vectors).size == 24  # random normal, not class ids
    np.testing.assert_array_equal(
        vectors, kgt.sample_labels(4, condition=keras.Input((6,)), seed=1)
    )
    ids = kgt.sample_labels(4, 3, condition=keras.Input((1,), dtype="int32"))
    assert ids.dtype == np.int32 and ids.ravel().tolist() == [0, 1, 2, 0]
    float_ids = kgt.sample_labels(3, 2, condition=keras.Input((1,)))
    assert float_ids.dtype == np.float32 and float_ids.ravel().tolist() == [0.0, 1.0, 0.0]
    np.testing.assert_array_equal(kgt.sample_labels(3, 2), [[0], [1], [0]])
    with pytest.raises(ValueError, match="num_classes"):
        kgt.sample_labels(3, condition=keras.Input((1,), dtype="int32"))


def test_an_integer_condition_without_num_classes_is_reported():
    with pytest.raises(AssertionError, match="num_classes"):
        kgt.check_architecture(EmbeddingPair(condition_dim=1, condition_dtype="int32"))

"""Discriminator layers: values against hand computation, shapes, serialisation."""

import keras
import numpy as np
import pytest

from keras_gans.layers import (
    MinibatchDiscrimination,
    MinibatchStandardDeviation,
    Packing,
    ReconstructionScore,
)


def round_trip(layer, x):
    config = keras.saving.serialize_keras_object(layer)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(layer) and restored.get_config() == layer.get_config()
    return restored


def test_minibatch_stddev_values_and_shape_on_vectors():
    x = np.array([[0.0, 1.0], [2.0, 5.0], [4.0, 1.0], [6.0, 5.0]], "float32")
    # group_size 2: groups {0, 2} and {1, 3}. Population std per feature: (2, 0) and (2, 0),
    # averaged over features: 1.0 for every example.
    out = MinibatchStandardDeviation(group_size=2)(x).numpy()
    assert out.shape == (4, 3)
    np.testing.assert_allclose(out[:, :2], x)
    np.testing.assert_allclose(out[:, 2], 1.0, atol=1e-4)
    # One group of four: feature stds sqrt(5) and 2, averaged.
    whole = MinibatchStandardDeviation(group_size=4)(x).numpy()[:, 2]
    np.testing.assert_allclose(whole, (np.sqrt(5.0) + 2.0) / 2, atol=1e-4)


def test_minibatch_stddev_on_images_appends_a_constant_channel():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3, 3, 2)).astype("float32")
    out = MinibatchStandardDeviation(group_size=4)(x).numpy()
    assert out.shape == (8, 3, 3, 3)
    groups = [x[i::2] for i in range(2)]  # example i joins group i mod 2
    for i in range(8):
        expected = np.sqrt(groups[i % 2].var(axis=0) + 1e-8).mean()
        np.testing.assert_allclose(out[i, :, :, 2], expected, rtol=1e-5)
    assert MinibatchStandardDeviation(4).compute_output_shape((None, 3, 3, 2)) == (None, 3, 3, 3)


def test_minibatch_stddev_handles_batches_that_do_not_divide():
    out = MinibatchStandardDeviation(group_size=4)(np.ones((3, 2), "float32")).numpy()
    np.testing.assert_allclose(out[:, 2], 1e-4, rtol=1e-3)  # sqrt(0 + 1e-8)
    round_trip(MinibatchStandardDeviation(3), None)


def test_minibatch_discrimination_values_are_hand_computed():
    layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=2)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "float32")
    layer.build(x.shape)
    kernel = np.array([[1.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, -1.0]], "float32")
    layer.kernel.assign(kernel)
    m = (x @ kernel).reshape(3, 2, 2)
    expected = np.exp(-np.abs(m[:, None] - m[None]).sum(-1)).sum(1)
    out = layer(x).numpy()
    np.testing.assert_allclose(out, np.concatenate([x, expected], axis=1), rtol=1e-6)
    assert out[0, 2] > 1.0  # includes the example itself
    assert round_trip(layer, x).num_kernels == 2


def test_minibatch_discrimination_rejects_unflattened_inputs():
    with pytest.raises(ValueError, match="flatten"):
        MinibatchDiscrimination()(np.ones((2, 3, 3, 1), "float32"))


def test_packing_stacks_consecutive_examples():
    images = np.arange(4 * 2 * 2 * 1, dtype="float32").reshape(4, 2, 2, 1)
    packed = Packing(2)(images).numpy()
    assert packed.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(packed[0, :, :, 0], images[0, :, :, 0])
    np.testing.assert_array_equal(packed[0, :, :, 1], images[1, :, :, 0])
    np.testing.assert_array_equal(packed[1, :, :, 1], images[3, :, :, 0])
    assert Packing(3)(np.ones((7, 2), "float32")).shape == (2, 6)  # drops the last one
    small = Packing(4)(np.arange(2, dtype="float32").reshape(2, 1)).numpy()
    np.testing.assert_array_equal(small, [[0.0, 1.0, 0.0, 1.0]])  # repeats
    round_trip(Packing(3), None)


def test_reconstruction_score_is_the_negative_error():
    x = np.array([[0.0, 0.0], [1.0, 1.0]], "float32")
    x_hat = np.array([[1.0, -3.0], [1.0, 1.0]], "float32")
    np.testing.assert_allclose(ReconstructionScore(2)([x, x_hat]).numpy(), [[-5.0], [0.0]])
    np.testing.assert_allclose(ReconstructionScore(1)([x, x_hat]).numpy(), [[-2.0], [0.0]])
    with pytest.raises(ValueError, match="power"):
        ReconstructionScore(0)


def test_layers_save_and_load_inside_a_model(tmp_path):
    x = keras.Input((4,))
    h = Packing(2)(x)
    h = MinibatchDiscrimination(3, 2)(h)
    h = MinibatchStandardDeviation(2)(h)
    model = keras.Model(x, keras.layers.Dense(1)(h))
    data = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    model.save(tmp_path / "layers.keras")
    loaded = keras.saving.load_model(tmp_path / "layers.keras")
    np.testing.assert_allclose(loaded(data).numpy(), model(data).numpy(), rtol=1e-6)

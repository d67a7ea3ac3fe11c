"""Conditioning layers: projection head, conditional batch norm, one-hot and tiled channels."""

import keras
import numpy as np
import pytest

from keras_gans.layers.condition_encoding import (
    OneHot,
    TileChannels,
    embedding_input,
    label_channels,
    one_hot_labels,
    tiled_channels,
)
from keras_gans.layers.conditional_batch_norm import ConditionalBatchNormalization
from keras_gans.layers.conditioning import label_input
from keras_gans.layers.projection import ProjectionHead


def round_trip(layer):
    config = keras.saving.serialize_keras_object(layer)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(layer) and restored.get_config() == layer.get_config()
    return restored


def test_projection_head_is_linear_term_plus_class_projection():
    head = ProjectionHead(num_classes=3)
    features = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
    labels = np.array([[2], [0]], "int32")
    head.build([features.shape, labels.shape])
    kernel = np.array([[0.5], [-1.0]], "float32")
    embeddings = np.array([[1.0, 1.0], [0.0, 0.0], [2.0, -3.0]], "float32")
    head.kernel.assign(kernel)
    head.bias.assign([0.25])
    head.embeddings.assign(embeddings)
    out = head([features, labels]).numpy()
    # Row 0: 0.5*1 - 1*2 + 0.25 + (2*1 - 3*2) = -5.25; row 1: 1.5 + 1 + 0.25 + (3 - 1) = 4.75.
    np.testing.assert_allclose(out, [[-5.25], [4.75]])
    # Flat labels work the same, and only the embedding row of the class matters.
    np.testing.assert_allclose(head([features, labels.ravel()]).numpy(), out)
    restored = round_trip(ProjectionHead(3, use_bias=False))
    assert restored.use_bias is False


def test_projection_head_rejects_bad_arguments_and_unflattened_features():
    with pytest.raises(ValueError, match="num_classes"):
        ProjectionHead(num_classes=0)
    with pytest.raises(ValueError, match="use_bias"):
        ProjectionHead(num_classes=2, use_bias="yes")
    with pytest.raises(ValueError, match="flatten or pool"):
        ProjectionHead(2)([np.zeros((2, 3, 3, 4), "float32"), np.zeros((2, 1), "int32")])


def test_conditional_batch_norm_uses_the_class_scale_and_shift():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(6, 2, 2, 3)).astype("float32")
    labels = np.array([0, 1, 1, 0, 1, 0])
    layer = ConditionalBatchNormalization(num_classes=2, epsilon=1e-3)
    layer.build([x.shape, labels.shape])
    gamma = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], "float32")
    beta = np.array([[0.0, 1.0, -1.0], [5.0, 0.0, 2.0]], "float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    out = layer([x, labels], training=True).numpy()
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    normalized = (x - mean) / np.sqrt(var + 1e-3)
    expected = normalized * gamma[labels][:, None, None] + beta[labels][:, None, None]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_conditional_batch_norm_starts_as_batch_norm_and_tracks_moving_statistics():
    x = np.random.default_rng(1).normal(size=(8, 5)).astype("float32")
    labels = np.arange(8) % 3
    layer = ConditionalBatchNormalization(num_classes=3, momentum=0.0)
    plain = keras.layers.BatchNormalization(momentum=0.0)
    np.testing.assert_allclose(
        layer([x, labels], training=True).numpy(), plain(x, training=True).numpy(), atol=1e-5
    )
    # momentum 0: the moving statistics are the last batch's, used at inference.
    np.testing.assert_allclose(
        layer([x, labels], training=False).numpy(), plain(x, training=False).numpy(), atol=1e-5
    )
    assert round_trip(layer).momentum == 0.0


def test_conditional_batch_norm_saves_inside_a_model(tmp_path):
    images, labels = keras.Input((4, 4, 2)), label_input()
    out = ConditionalBatchNormalization(4, name="cbn")([images, labels])
    model = keras.Model([images, labels], out)
    model.get_layer("cbn").gamma.assign(np.arange(8, dtype="float32").reshape(4, 2))
    x = np.random.default_rng(2).normal(size=(3, 4, 4, 2)).astype("float32")
    ids = np.array([[0], [3], [2]], "int32")
    model.save(tmp_path / "cbn.keras")
    loaded = keras.saving.load_model(tmp_path / "cbn.keras")
    np.testing.assert_allclose(loaded([x, ids]).numpy(), model([x, ids]).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="momentum"):
        ConditionalBatchNormalization(2, momentum=1.0)


def test_one_hot_and_tiled_channels_values():
    np.testing.assert_array_equal(
        OneHot(4)(np.array([[1], [3]])).numpy(), [[0, 1, 0, 0], [0, 0, 0, 1]]
    )
    tiled = TileChannels(2, 3)(np.array([[1.0, -2.0]], "float32")).numpy()
    assert tiled.shape == (1, 2, 3, 2)
    np.testing.assert_array_equal(tiled[..., 1], np.full((1, 2, 3), -2.0))
    round_trip(OneHot(4))
    round_trip(TileChannels(2, 3))
    with pytest.raises(ValueError, match="height"):
        TileChannels(0, 3)


def test_helpers_build_serialisable_networks(tmp_path):
    labels, vectors = label_input(), embedding_input(5)
    channels = label_channels(labels, 3, 4, 4, name="cls")
    joined = keras.layers.Concatenate()([channels, tiled_channels(vectors, 4, 4)])
    vector = one_hot_labels(labels, 3)
    model = keras.Model([labels, vectors], [joined, vector])
    ids = np.array([[2], [0]], "int32")
    emb = np.arange(10, dtype="float32").reshape(2, 5)
    maps, onehots = (t.numpy() for t in model([ids, emb]))
    assert maps.shape == (2, 4, 4, 8)
    np.testing.assert_array_equal(maps[0, 3, 1, :3], [0, 0, 1])  # class 2 at every pixel
    np.testing.assert_array_equal(maps[1, 0, 0, 3:], emb[1])
    np.testing.assert_array_equal(onehots, [[0, 0, 1], [1, 0, 0]])
    model.save(tmp_path / "helpers.keras")
    loaded = keras.saving.load_model(tmp_path / "helpers.keras")
    np.testing.assert_array_equal(loaded([ids, emb])[0].numpy(), maps)
    with pytest.raises(ValueError, match="dim"):
        embedding_input(0)

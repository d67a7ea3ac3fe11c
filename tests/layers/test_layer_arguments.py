"""Layer arguments: NumPy integer sizes taken as ints, NaN/inf and booleans refused by name."""

import json

import keras
import numpy as np
import pytest

from keras_gans.layers import (
    ConditionalBatchNormalization,
    Packing,
    ProjectionHead,
    ReconstructionScore,
)


@pytest.mark.parametrize(
    "make, attribute",
    [
        (lambda n: ConditionalBatchNormalization(num_classes=n), "num_classes"),
        (lambda n: ProjectionHead(num_classes=n), "num_classes"),
        (lambda n: Packing(packs=n), "packs"),
    ],
    ids=["cbn", "projection", "packing"],
)
def test_numpy_integer_sizes_are_taken_as_ints(make, attribute):
    layer = make(np.int64(3))
    value = getattr(layer, attribute)
    assert type(value) is int and value == 3
    config = json.loads(json.dumps(layer.get_config()))
    assert getattr(type(layer).from_config(config), attribute) == 3


def test_numpy_integer_layers_run():
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    labels = np.array([0, 2, 1, 2])
    assert ConditionalBatchNormalization(np.int64(3))([x, labels], training=True).shape == (4, 3)
    assert ProjectionHead(np.int64(3))([x, labels]).shape == (4, 1)
    assert Packing(np.int64(2))(x).shape == (2, 6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epsilon": float("nan")}, "epsilon=nan"),
        ({"epsilon": float("inf")}, "epsilon=inf"),
        ({"epsilon": 0.0}, "epsilon=0.0"),
        ({"momentum": False}, "momentum=False"),
        ({"momentum": float("nan")}, "momentum=nan"),
        ({"momentum": 1.0}, "momentum=1.0"),
        ({"num_classes": True}, "num_classes=True"),
        ({"num_classes": 2.0}, "num_classes=2.0"),
    ],
)
def test_conditional_batch_norm_refuses_values_it_cannot_use(kwargs, message):
    with pytest.raises(ValueError, match=f"`{next(iter(kwargs))}`.*Received: {message}"):
        ConditionalBatchNormalization(**{"num_classes": 2, **kwargs})


def test_conditional_batch_norm_takes_numpy_floats():
    layer = ConditionalBatchNormalization(2, momentum=np.float32(0.5), epsilon=np.float64(1e-5))
    assert (type(layer.momentum), type(layer.epsilon)) == (float, float)
    json.dumps(layer.get_config())


@pytest.mark.parametrize("power", [float("nan"), float("inf"), 0, -1.0, True])
def test_reconstruction_score_refuses_a_power_it_cannot_use(power):
    with pytest.raises(ValueError, match=f"`power`.*Received: power={power!r}"):
        ReconstructionScore(power=power)


def test_reconstruction_score_takes_a_numpy_power():
    layer = ReconstructionScore(power=np.int64(1))
    x, x_hat = np.zeros((1, 2), "float32"), np.array([[1.0, -3.0]], "float32")
    assert keras.ops.convert_to_numpy(layer([x, x_hat])).tolist() == [[-2.0]]
    json.dumps(layer.get_config())

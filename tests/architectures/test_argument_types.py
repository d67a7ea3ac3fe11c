"""Sizes read from arrays are NumPy integers: taken and stored as ints; bad options named."""

import json

import numpy as np
import pytest

import keras_gans
from keras_gans.architectures.acgan import ACGAN
from keras_gans.architectures.autoencoder import Autoencoder
from keras_gans.architectures.dcgan import DCGAN
from keras_gans.architectures.gan_cls import GANCLS
from keras_gans.architectures.mlp import MLP

IMAGE = {"image_shape": (8, 8, 1), "latent_dim": 4, "base_filters": 4}


@pytest.mark.parametrize(
    "make",
    [
        lambda nc: DCGAN(num_classes=nc, **IMAGE),
        lambda nc: ACGAN(num_classes=nc, **IMAGE),
        lambda nc: GANCLS(num_classes=nc, **IMAGE),
        lambda nc: MLP(data_shape=(2,), latent_dim=4, num_classes=nc, hidden_units=(8,)),
    ],
    ids=["dcgan", "acgan", "gan_cls", "mlp"],
)
def test_a_numpy_class_count_is_taken_as_an_int(make):
    labels = np.array([0, 2, 1])
    arch = make(labels.max() + 1)  # np.int64(3)
    assert type(arch.num_classes) is int and arch.num_classes == 3
    json.dumps(arch.get_config())
    assert arch.build_discriminator() is not None


@pytest.mark.parametrize("num_classes", [1, 2.0, True, "3", np.float64(3.0)])
def test_a_class_count_that_is_not_an_integer_of_at_least_two_is_named(num_classes):
    for cls in (DCGAN, ACGAN):
        with pytest.raises(ValueError, match=r"`num_classes` must be an integer >= 2"):
            cls(num_classes=num_classes, **IMAGE)


def test_gan_cls_stores_a_numpy_embedding_width_as_an_int():
    arch = GANCLS(embedding_dim=np.int64(16), **IMAGE)
    assert type(arch.embedding_dim) is int and arch.embedding_dim == 16
    config = json.loads(json.dumps(arch.get_config()))
    assert GANCLS.from_config(config).embedding_dim == 16


@pytest.mark.parametrize("power", [True, False, 3, 1.5, float("nan")])
def test_autoencoder_energy_power_is_one_or_two(power):
    with pytest.raises(ValueError, match=f"`energy_power`.*Received: energy_power={power!r}"):
        Autoencoder(energy_power=power)


def test_autoencoder_takes_a_numpy_energy_power():
    arch = Autoencoder(energy_power=np.int64(1), hidden_units=(4,), code_dim=2)
    assert type(arch.energy_power) is int and arch.energy_power == 1
    json.dumps(arch.get_config())


@pytest.mark.parametrize("cls", [MLP, Autoencoder])
@pytest.mark.parametrize("activation", ["tahn", "", None, len])
def test_an_unknown_output_activation_is_named_at_construction(cls, activation):
    with pytest.raises(ValueError, match=f"`output_activation`.*output_activation={activation!r}"):
        cls(output_activation=activation)


@pytest.mark.parametrize("cls", [MLP, Autoencoder])
def test_a_known_output_activation_is_kept(cls):
    arch = cls(data_shape=(2,), latent_dim=4, hidden_units=(4,), output_activation="tanh")
    assert arch.output_activation == "tanh"
    assert arch.build_generator() is not None


def test_the_registry_path_checks_the_activation_too():
    with pytest.raises(ValueError, match="output_activation='tahn'"):
        keras_gans.architectures.get("mlp", output_activation="tahn")

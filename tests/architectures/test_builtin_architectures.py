"""The first-party `mlp` and `dcgan` plugins: shapes, conditioning, keywords, errors."""

import numpy as np
import pytest

import keras_gans


@pytest.mark.parametrize("side", [4, 7, 8, 14, 28, 32, 64])
def test_dcgan_supports_power_of_two_multiples_of_4_and_7(side):
    arch = keras_gans.architectures.get(
        "dcgan", image_shape=(side, side, 3), latent_dim=8, base_filters=4
    )
    generator, discriminator = arch.build_generator(), arch.build_discriminator()
    assert generator.output_shape == (None, side, side, 3)
    z = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    images = generator(z).numpy()
    assert images.min() >= -1 and images.max() <= 1  # tanh output
    assert discriminator(images).shape == (2, 1)


@pytest.mark.parametrize("shape", [(12, 12, 1), (28, 28, 2), (28, 32, 1), (28, 28)])
def test_dcgan_rejects_unsupported_image_shapes(shape):
    with pytest.raises(ValueError, match="image_shape"):
        keras_gans.architectures.get("dcgan", image_shape=shape)


def test_dcgan_follows_the_radford_guidelines():
    arch = keras_gans.architectures.get("dcgan", image_shape=(32, 32, 1), latent_dim=8)
    generator, discriminator = arch.build_generator(), arch.build_discriminator()
    kinds = [type(layer).__name__ for layer in discriminator.layers]
    assert "MaxPooling2D" not in kinds and "Dense" == kinds[-1]
    strided = [layer for layer in discriminator.layers if type(layer).__name__ == "Conv2D"]
    assert all(layer.strides == (2, 2) for layer in strided)
    # No batch norm on the discriminator input layer; LeakyReLU slope 0.2.
    assert kinds[1] == "Conv2D" and kinds[2] == "LeakyReLU"
    assert generator.layers[-1].activation.__name__ == "tanh"


@pytest.mark.parametrize("data_shape", [(2,), (8, 8, 1), (3, 5)])
def test_mlp_handles_any_data_shape(data_shape):
    arch = keras_gans.architectures.get("mlp", data_shape=data_shape, latent_dim=4)
    assert arch.build_generator().output_shape == (None, *data_shape)
    assert arch.build_discriminator().output_shape == (None, 1)


def test_architecture_keywords_are_validated():
    with pytest.raises(ValueError, match="num_classes"):
        keras_gans.architectures.get("dcgan", image_shape=(8, 8, 1), num_classes=1)
    with pytest.raises(ValueError, match="latent_dim"):
        keras_gans.architectures.get("mlp", latent_dim=0)
    with pytest.raises(TypeError):
        keras_gans.architectures.get("mlp", image_shape=(8, 8, 1))  # not an MLP keyword


def test_architectures_come_from_entry_points():
    for name in ("mlp", "dcgan"):
        info = keras_gans.architectures.describe(name)
        assert info.distribution == "keras-gans"
        assert info.value.startswith("keras_gans.architectures.")


def test_numpy_integers_are_taken_as_ints_and_a_nan_weight_is_refused():
    # Sizes read from arrays or configs are NumPy integers: taken, stored as plain ints
    # (so a model's config stays JSON); a NaN term weight would train on NaN losses.
    arch = keras_gans.architectures.get("dcgan", image_shape=(8, 8, 1), latent_dim=np.int64(6))
    assert type(arch.latent_dim) is int and arch.latent_dim == 6
    assert arch.build_generator().input_shape == (None, 6)
    with pytest.raises(ValueError, match="classifier_weight=nan"):
        keras_gans.architectures.get(
            "acgan", image_shape=(8, 8, 1), num_classes=3, classifier_weight=float("nan")
        )


@pytest.mark.parametrize("shape", [(8.7, 8.2, 1), ("8", "8", "1"), (8.0, 8, 1)])
def test_fractional_or_string_sizes_are_refused_not_truncated(shape):
    with pytest.raises(ValueError, match="image_shape"):
        keras_gans.architectures.get("dcgan", image_shape=shape)

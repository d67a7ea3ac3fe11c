"""InfoGAN's latent codes and mutual-information term: layouts, hand values, errors."""

import math

import keras
import numpy as np
import pytest

import keras_gans.testing as kgt
from keras_gans.latents import InfoGANLatent
from keras_gans.steps import StepContext
from keras_gans.tricks.mutual_information import (
    MutualInformation,
    categorical_code_loss,
    gaussian_code_loss,
)


def test_prior_layout_and_distributions():
    prior = InfoGANLatent(categorical_codes=(3, 2), continuous_codes=2, continuous_range=0.5)
    z = np.asarray(prior.sample(4000, latent_dim=10, seed=0))
    parts = prior.split(z)
    assert parts["noise"].shape == (4000, 3) and parts["continuous"].shape == (4000, 2)
    assert np.abs(parts["noise"]).max() <= 1.0  # uniform noise by default
    for block, k in zip(parts["categorical"], (3, 2), strict=True):
        assert block.shape == (4000, k)
        np.testing.assert_array_equal(block.sum(1), 1.0)  # one-hot
        np.testing.assert_allclose(block.mean(0), 1.0 / k, atol=0.03)  # uniform categories
    assert np.abs(parts["continuous"]).max() <= 0.5
    assert parts["continuous"].std() == pytest.approx(1.0 / math.sqrt(12), rel=0.05)
    normal = InfoGANLatent((2,), 0, noise="normal").sample(4000, 6, seed=1)
    assert np.asarray(normal)[:, :4].std() == pytest.approx(1.0, rel=0.05)


def test_with_codes_fixes_chosen_codes_and_keeps_the_rest():
    prior = InfoGANLatent(categorical_codes=(3, 2), continuous_codes=2)
    drawn = np.asarray(prior.sample(4, 9, seed=3))
    fixed = prior.with_codes(4, 9, categorical={1: [0, 1, 1, 0]}, continuous={1: 0.7}, seed=3)
    np.testing.assert_array_equal(fixed[:, :5], drawn[:, :5])  # noise and code 0 unchanged
    np.testing.assert_array_equal(fixed[:, 5:7], [[1, 0], [0, 1], [0, 1], [1, 0]])
    np.testing.assert_array_equal(fixed[:, 7], drawn[:, 7])
    np.testing.assert_allclose(fixed[:, 8], 0.7)
    assert prior.with_codes(2, 9, categorical=2)[:, 2:5].tolist() == [[0, 0, 1]] * 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"categorical_codes": (1,)}, "categorical_codes"),
        ({"categorical_codes": 10}, "categorical_codes"),
        ({"continuous_codes": -1}, "continuous_codes"),
        ({"noise": "cauchy"}, "noise"),
        ({"continuous_range": 0}, "continuous_range"),
    ],
)
def test_prior_arguments_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        InfoGANLatent(**kwargs)


def test_code_choices_and_latent_size_are_checked():
    prior = InfoGANLatent((3,), 1)
    with pytest.raises(ValueError, match="at least one noise entry"):
        prior.check(4)
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        prior.with_codes(2, 8, categorical=3)
    with pytest.raises(ValueError, match="names code 1"):
        prior.with_codes(2, 8, categorical={1: 0})
    with pytest.raises(ValueError, match="broadcast"):
        prior.with_codes(2, 8, continuous=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="no continuous codes"):
        InfoGANLatent((3,), 0).with_codes(2, 8, continuous=0.0)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(prior))
    assert isinstance(restored, InfoGANLatent) and restored.get_config() == prior.get_config()


def test_code_losses_match_hand_computation():
    logits = np.array([[2.0, 0.0], [0.0, 0.0]], "float32")
    codes = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    expected = (math.log(1 + math.exp(-2)) + math.log(2)) / 2
    assert float(categorical_code_loss(logits, codes)) == pytest.approx(expected, rel=1e-5)
    mean, c = np.array([[0.0, 1.0]], "float32"), np.array([[1.0, 1.0]], "float32")
    log_std = np.array([[math.log(2.0), 0.0]], "float32")
    # Dimension 0: log 2 + 1/8 + log(2 pi)/2; dimension 1: log(2 pi)/2.
    expected = math.log(2.0) + 0.125 + math.log(2 * math.pi)
    assert float(gaussian_code_loss(mean, c, log_std)) == pytest.approx(expected, rel=1e-5)


def test_term_reads_the_codes_from_the_latent_and_the_q_heads():
    prior = InfoGANLatent(categorical_codes=(2, 3), continuous_codes=1)
    latent = np.array([[0.3, 0, 1, 1, 0, 0, -0.5], [0.1, 1, 0, 0, 0, 1, 0.5]], "float32")
    logits = np.array([[0.0, 1.0, 2.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 3.0]], "float32")
    means = np.array([[-0.5], [0.0]], "float32")

    def network(x, training):
        return {"score": x[:, :1], "categorical_logits": logits, "continuous_mean": means}

    class Model:
        latent_distribution = prior

    trick = MutualInformation(weight=2.0, continuous_weight=0.5)
    trick.build(Model())
    context = StepContext.of(np.zeros((2, 1)), np.zeros((2, 1)), network, latent=latent)
    generator = context.replace(player="generator")
    blocks = (logits[:, :2], latent[:, 1:3]), (logits[:, 2:], latent[:, 3:6])
    categorical = sum(float(categorical_code_loss(lg, c)) for lg, c in blocks)
    continuous = float(gaussian_code_loss(means, latent[:, 6:]))
    expected = 2.0 * (categorical + 0.5 * continuous)
    assert trick.metric_names == ("d_term/mutual_information", "g_term/mutual_information")
    assert float(trick.terms(context.player, context)) == pytest.approx(expected, rel=1e-5)
    assert float(trick.terms(generator.player, generator)) == pytest.approx(expected, rel=1e-5)


def test_a_model_without_codes_is_a_clear_error():
    with pytest.raises(ValueError, match="InfoGANLatent"):
        kgt.tiny_gan().compile(tricks=[MutualInformation()])
    with pytest.raises(ValueError, match="continuous_weight"):
        MutualInformation(continuous_weight=-0.1)


def test_passes_the_trick_conformance_checks(tmp_path):
    from keras_gans import GANModel, architectures

    arch = architectures.get(
        "infogan", image_shape=(8, 8, 1), latent_dim=8, categorical_codes=(3,), base_filters=4
    )
    gan = GANModel(
        arch.build_generator(),
        arch.build_discriminator(),
        latent_dim=8,
        latent_distribution=arch.default_latent_distribution(),
        seed=0,
    )
    images = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    loaded = kgt.check_trick(MutualInformation(), gan, data=images, tmp_path=tmp_path)
    assert isinstance(loaded.latent_distribution, InfoGANLatent)

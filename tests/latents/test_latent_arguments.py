"""Vector arithmetic reads any container alike, slerp's degenerate cases, argument checks."""

import json

import numpy as np
import pytest

from keras_gans.latents import (
    InfoGANLatent,
    code_sweep,
    generate_from_latents,
    interpolate,
    latent_arithmetic,
    lerp,
    slerp,
)
from keras_gans.testing import tiny_gan

SMILING = [[2.0, 0.0], [4.0, 0.0]]  # one group of two latents: mean (3, 0)


@pytest.mark.parametrize("group", [SMILING, np.array(SMILING), [SMILING], [np.array(SMILING)]])
def test_one_group_is_averaged_whatever_its_container(group):
    # Radford et al. 2016, section 6.3: each concept's group is averaged; a nested list and
    # an array of the same values are the same group (the list was summed: (6, 0)).
    np.testing.assert_array_equal(latent_arithmetic(group), [[3.0, 0.0]])


@pytest.mark.parametrize("group", [SMILING, np.array(SMILING), [SMILING], [np.array(SMILING)]])
def test_minus_reads_a_group_as_plus_does(group):
    # The same group subtracted: -(3, 0), not the sum -(6, 0).
    np.testing.assert_array_equal(latent_arithmetic([[0.0, 0.0]], minus=group), [[-3.0, 0.0]])


def test_groups_of_different_sizes_and_single_vector_groups():
    # (3, 0) + (1, 1) - (1, 0) = (3, 1), with the groups written three ways.
    expected = [[3.0, 1.0]]
    np.testing.assert_array_equal(
        latent_arithmetic([SMILING, [[1.0, 1.0]]], [[[1.0, 0.0]]]), expected
    )
    np.testing.assert_array_equal(latent_arithmetic([SMILING, [1.0, 1.0]], [1.0, 0.0]), expected)
    three_d = np.array([[[2.0, 0.0], [4.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]]])  # (g, k, d)
    np.testing.assert_array_equal(latent_arithmetic(three_d, [[1.0, 0.0]]), expected)


@pytest.mark.parametrize("noise", [float("nan"), float("inf"), -0.1, True, "0.2"])
def test_arithmetic_refuses_a_noise_it_cannot_use(noise):
    with pytest.raises(ValueError, match=f"`noise`.*Received: noise={noise!r}"):
        latent_arithmetic([SMILING], n=3, noise=noise)


def test_arithmetic_takes_numpy_integers_for_n():
    assert latent_arithmetic([SMILING], n=np.int64(2)).shape == (2, 2)


def test_slerp_from_a_zero_vector_is_lerp_not_nan():
    with np.errstate(all="raise"):  # no 0/0 either
        walk = slerp(np.zeros(3), np.ones(3), np.array([0.0, 0.5, 1.0]))
        middle = slerp(np.zeros(3), np.ones(3), 0.5)
    assert np.isfinite(walk).all()
    np.testing.assert_array_equal(walk, lerp(np.zeros(3), np.ones(3), np.array([0.0, 0.5, 1.0])))
    np.testing.assert_array_equal(middle, [0.5, 0.5, 0.5])
    np.testing.assert_array_equal(slerp(np.ones(2), np.zeros(2), 0.25), [0.75, 0.75])
    path = interpolate(np.array([[0.0, 0.0], [2.0, 0.0]]), steps=2, method="slerp")
    np.testing.assert_array_equal(path, [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])


@pytest.mark.parametrize(
    "z0, z1",
    [(np.ones((2, 3)), np.zeros((2, 3))), (np.ones(3), np.ones(4)), (1.0, 2.0)],
)
def test_slerp_names_the_shapes_it_takes(z0, z1):
    with pytest.raises(ValueError, match=r"`z0` and `z1` must be two latent vectors.*Received"):
        slerp(z0, z1, 0.5)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: interpolate(np.eye(3), steps=True), "`steps`.*steps=True"),
        (lambda: interpolate(np.eye(3), steps=0), "`steps`.*steps=0"),
        (lambda: generate_from_latents(tiny_gan(), np.zeros((3, 4)), batch_size=0), "batch_size=0"),
        (
            lambda: generate_from_latents(tiny_gan(), np.zeros((3, 4)), batch_size=-1),
            "batch_size=-1",
        ),
        (
            lambda: generate_from_latents(tiny_gan(), np.zeros((3, 4)), batch_size=2.5),
            "batch_size=2.5",
        ),
    ],
)
def test_walk_and_generation_sizes_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_numpy_integer_sizes_are_taken():
    assert interpolate(np.eye(3), steps=np.int64(2), method="linear").shape == (5, 3)
    assert generate_from_latents(tiny_gan(), np.zeros((3, 4)), batch_size=np.int64(2)).shape == (
        3,
        2,
    )


def test_code_sweep_refuses_a_boolean_code():
    import keras_gans

    gan = keras_gans.GANModel.from_architecture(
        "infogan", image_shape=(8, 8, 1), latent_dim=16, base_filters=4
    )
    with pytest.raises(ValueError, match="`code`.*code=True"):
        code_sweep(gan, code=True, columns=1)
    samples, values = code_sweep(gan, code=np.int64(0), values=[1], columns=1, seed=0)
    assert samples.shape == (1, 8, 8, 1) and values.tolist() == [1]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0.0, -1.0, True, "1"])
def test_continuous_range_must_be_positive_and_finite(value):
    with pytest.raises(
        ValueError, match=f"`continuous_range`.*Received: continuous_range={value!r}"
    ):
        InfoGANLatent(continuous_range=value)


def test_a_numpy_continuous_range_is_taken_as_a_float():
    prior = InfoGANLatent((3,), 1, continuous_range=np.float32(0.5))
    assert type(prior.continuous_range) is float and prior.continuous_range == 0.5
    json.dumps(prior.get_config())
    z = np.asarray(prior.sample(64, 6, seed=0))
    assert np.isfinite(z).all() and np.abs(z[:, -1]).max() <= 0.5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"categorical": {"a": 1}}, r"`categorical` names code 'a'.*Received: categorical="),
        ({"categorical": {True: 1}}, r"`categorical` names code True"),
        ({"categorical": {0: [1, 2, 0]}}, r"`categorical` values of code 0.*\(2,\)"),
        ({"continuous": {0: [1.0, 2.0, 3.0]}}, r"`continuous` values of code 0.*\(2,\)"),
        ({"continuous": {0: "x"}}, r"`continuous` values of code 0"),
        ({"continuous": {"b": 1.0}}, r"`continuous` names code 'b'"),
        ({"continuous": np.zeros((3, 1))}, r"`continuous` values must be numbers.*\(2, 1\)"),
    ],
)
def test_set_codes_names_the_argument(kwargs, message):
    prior = InfoGANLatent((3,), 1)
    with pytest.raises(ValueError, match=message):
        prior.set_codes(np.zeros((2, 6)), **kwargs)


def test_set_codes_takes_numpy_integer_keys():
    prior = InfoGANLatent((3,), 1)
    z = prior.set_codes(
        np.zeros((2, 6)), categorical={np.int64(0): 2}, continuous={np.int64(0): 0.5}
    )
    assert z[:, 2:].tolist() == [[0.0, 0.0, 1.0, 0.5]] * 2


def test_split_refuses_a_latent_narrower_than_the_codes():
    prior = InfoGANLatent((3,), 1)  # codes: 3 one-hot + 1 continuous
    with pytest.raises(ValueError, match=r"`latent` must have more than the 4 entries.*\(1, 3\)"):
        prior.split(np.arange(3, dtype="float32")[None])
    parts = prior.split(np.arange(6, dtype="float32")[None])
    assert parts["noise"].tolist() == [[0.0, 1.0]] and parts["continuous"].tolist() == [[5.0]]

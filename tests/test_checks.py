"""`keras_gans.checks`: the shared argument checks and their messages."""

import numpy as np
import pytest

from keras_gans import checks


def test_one_of_returns_the_value_and_lists_the_choices_in_order_when_it_is_missing():
    assert checks.one_of("b", "mode", ["a", "b"]) == "b"
    with pytest.raises(ValueError) as error:
        checks.one_of("c", "mode", (name for name in ("z", "a")))
    assert str(error.value) == "`mode` must be one of ('z', 'a'). Received: mode='c'"


@pytest.mark.parametrize("value", [None, ["a"], np.array(["a", "b"]), 1, True])
def test_one_of_rejects_values_that_are_not_a_choice_with_a_value_error(value):
    with pytest.raises(ValueError, match=r"`mode` must be one of \('a', 'b'\)\. Received"):
        checks.one_of(value, "mode", ("a", "b"))


def test_one_of_accepts_none_or_numbers_when_they_are_choices():
    assert checks.one_of(None, "quantize", (None, "int8")) is None
    assert checks.one_of(2, "energy_power", (1, 2)) == 2


def test_seed_returns_a_python_int():
    value = checks.seed(np.int64(7))
    assert value == 7 and type(value) is int
    assert checks.seed(None) is None
    with pytest.raises(ValueError, match="`seed` must be None or an integer >= 0"):
        checks.seed(-1)


@pytest.mark.parametrize(
    "values, dtype",
    [(np.zeros((2, 3), "uint8"), "uint8"), ([[1, 2]], "int64"), (np.array([True]), "bool")],
)
def test_floating_point_refuses_integer_and_bool_values_naming_the_argument(values, dtype):
    with pytest.raises(TypeError) as error:
        checks.floating_point(values, "b", what="Images")
    message = str(error.value)
    assert message.startswith("Images must be floating point")
    assert message.endswith(f"Received: b of dtype {dtype}")


def test_floating_point_takes_every_float_width_tensors_and_lists():
    import tensorflow as tf

    for values in (np.zeros(2, "float16"), tf.zeros(2, "bfloat16"), [0.5, -1.0], 0.25):
        assert checks.floating_point(values, "x") is None
    assert checks.floating_point(object(), "x") is None  # not array-like: left to shape checks


@pytest.mark.parametrize("value", [0, -1e-9, float("nan"), float("inf"), "1", True, None])
def test_positive_number_refuses_zero_negatives_non_finite_and_non_numbers(value):
    with pytest.raises(ValueError) as error:
        checks.positive_number(value, "gain")
    assert str(error.value) == f"`gain` must be a positive finite number. Received: gain={value!r}"


def test_positive_number_returns_a_python_float():
    value = checks.positive_number(np.float32(0.5), "gain")
    assert value == 0.5 and type(value) is float

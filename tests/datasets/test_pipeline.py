"""`as_dataset`: arrays to shuffled, batched, prefetched tf.data pipelines."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.datasets import DataSource, as_dataset


def _rows(dataset):
    """Concatenates the batches of one epoch."""
    return np.concatenate([np.asarray(b) for b in dataset])


def test_every_example_once_per_epoch_reshuffled_and_reproducible():
    x = np.arange(20, dtype="float32")[:, None] * np.ones((1, 3), "float32")
    dataset = as_dataset(x, batch_size=6, seed=3)
    first, second = _rows(dataset)[:, 0], _rows(dataset)[:, 0]
    assert sorted(first.tolist()) == list(range(20)) == sorted(second.tolist())
    assert first.tolist() != second.tolist()  # a new order each epoch
    again = as_dataset(x, batch_size=6, seed=3)
    assert _rows(again)[:, 0].tolist() == first.tolist()  # the seed fixes the sequence
    assert [b.shape[0] for b in dataset] == [6, 6, 6, 2]
    assert isinstance(dataset.element_spec, tf.TensorSpec)
    assert dataset.element_spec.dtype == tf.float32


def test_labels_stay_paired_and_order_is_kept_without_shuffle():
    x = np.arange(10, dtype="int64") * 7
    y = np.arange(10, dtype="int32")
    for xb, yb in as_dataset(x, y, batch_size=4, seed=0):
        np.testing.assert_array_equal(xb.numpy(), yb.numpy() * 7)
    ordered = as_dataset(x, y, batch_size=4, shuffle=False)
    assert _rows(ordered.map(lambda a, b: b)).tolist() == list(range(10))
    assert ordered.element_spec[0].dtype == tf.int64  # dtype kept


def test_drop_remainder_gives_full_static_batches():
    dataset = as_dataset(np.zeros((10, 2), "float32"), batch_size=4, drop_remainder=True)
    assert [b.shape[0] for b in dataset] == [4, 4]
    assert dataset.element_spec.shape.as_list() == [4, 2]
    assert DataSource(dataset, shape=(2,)).num_batches == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"batch_size": -1}, r"`batch_size` must be a positive integer. Received: batch_size=-1"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"batch_size": 2.5}, "batch_size=2.5"),
        ({"batch_size": True}, "batch_size=True"),
        ({"seed": -1}, "`seed` must be None or an integer >= 0"),
        ({"batch_size": 11, "drop_remainder": True}, r"at most the number of examples \(10\)"),
        ({"y": np.zeros(9)}, r"one label per example of `x` \(10\)"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        as_dataset(np.zeros((10, 2)), **kwargs)


def test_bad_types_and_empty_inputs():
    with pytest.raises(TypeError, match="`shuffle` must be True or False"):
        as_dataset(np.zeros((4, 2)), shuffle="yes")
    with pytest.raises(ValueError, match="at least one example"):
        as_dataset(np.zeros((0, 2)))
    with pytest.raises(TypeError, match="already a pipeline"):
        as_dataset(tf.data.Dataset.range(3))

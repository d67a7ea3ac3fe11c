"""`DataSource`: a ready `tf.data` pipeline plus what a trainer needs to know about it."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class DataSource:
    """A batched `tf.data.Dataset` and a description of what it yields.

    Returned by `keras_gans.datasets.load` and `keras_gans.datasets.load_image_folder`.

    Args:
        dataset: The `tf.data.Dataset`, shuffled, batched and prefetched. It yields `x`
            batches, or `(x, y)` batches when `num_classes` is not `None`.
        shape: The shape of one example, without the batch axis, e.g. `(28, 28, 1)` or `(2,)`.
        num_classes: Number of classes of the integer labels `y`, or `None` for unlabelled
            data (default `None`).
        description: One line saying what the data is and where it came from (default `""`).
        class_names: Name of each class id, in id order, or `None` (default `None`).
        num_examples: Number of examples in one pass over the data, or `None` when unknown
            (default `None`).
        metadata: Extra facts about the source, e.g. `{"centres": ...}` for the 2-D mixtures
            or `{"path": ...}` for files (default: empty).

    Example:
    >>> import numpy as np
    >>> from keras_gans.datasets import as_dataset
    >>> source = DataSource(as_dataset(np.zeros((10, 2), "float32"), batch_size=4), shape=(2,))
    >>> source.shape, source.num_classes, source.num_batches
    ((2,), None, 3)
    """

    dataset: Any
    shape: tuple
    num_classes: int | None = None
    description: str = ""
    class_names: tuple | None = None
    num_examples: int | None = None
    metadata: dict = dataclasses.field(default_factory=dict)

    @property
    def num_batches(self):
        """Batches in one pass over `dataset`, or `None` when TensorFlow cannot tell."""
        count = int(self.dataset.cardinality())
        return count if count >= 0 else None

    @property
    def labelled(self):
        """Whether `dataset` yields `(x, y)` pairs."""
        return self.num_classes is not None

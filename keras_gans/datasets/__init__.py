"""Datasets as `tf.data` pipelines: bundled digits, MNIST and Fashion-MNIST from local files,
folders of images, 2-D Gaussian mixtures, and any in-memory arrays.

`load(name_or_path)` resolves the names in `names()` and paths (a folder of images, a `.npz`
file) to a `DataSource` holding a shuffled, batched, prefetched `tf.data.Dataset`. The array
loaders (`load_digits`, `load_mnist`, `load_fashion_mnist`, the mixtures) return NumPy arrays,
which `as_dataset` turns into such a pipeline; `load_image_folder` streams from disk.
`load_pairs` yields `(a, b)` batches of two image domains (paired or unpaired folders,
side-by-side images, or the digits translation tasks of `translation_task`). Nothing
is downloaded unless asked for (`download=True`).
"""

from keras_gans.datasets.digits import load_digits
from keras_gans.datasets.image_folder import IMAGE_EXTENSIONS, check_image_file, load_image_folder
from keras_gans.datasets.image_pairs import load_pairs, read_images
from keras_gans.datasets.mixtures import grid_of_gaussians, ring_of_gaussians
from keras_gans.datasets.mnist import (
    FASHION_CLASS_NAMES,
    keras_cache_dir,
    load_fashion_mnist,
    load_mnist,
    read_idx,
)
from keras_gans.datasets.pipeline import as_dataset
from keras_gans.datasets.resolve import load, names
from keras_gans.datasets.source import DataSource
from keras_gans.datasets.translation_tasks import TRANSLATION_TASKS, translation_task

__all__ = [
    "TRANSLATION_TASKS",
    "FASHION_CLASS_NAMES",
    "IMAGE_EXTENSIONS",
    "DataSource",
    "as_dataset",
    "check_image_file",
    "grid_of_gaussians",
    "keras_cache_dir",
    "load",
    "load_digits",
    "load_fashion_mnist",
    "load_image_folder",
    "load_mnist",
    "load_pairs",
    "names",
    "read_idx",
    "read_images",
    "ring_of_gaussians",
    "translation_task",
]

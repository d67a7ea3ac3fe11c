"""The CIFAR-10 recipe's reader: the Keras archive's layout, and no code run from a pickle."""

import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from tests import benchmark_modules


@pytest.fixture(scope="module")
def recipe():
    return benchmark_modules.load("style_cifar10")


def _batch(rng, n):
    # CIFAR-10's python batches: rows of 3072 bytes, the red plane then green then blue.
    data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    return {b"data": data, b"labels": [int(v) for v in rng.integers(0, 10, n)]}, data


def _archive(path, batches):
    with tarfile.open(path, "w:gz") as archive:
        for name, record in batches.items():
            raw = pickle.dumps(record)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))


def test_the_keras_archive_reads_as_nhwc_images_with_labels(recipe, tmp_path):
    rng = np.random.default_rng(0)
    batches, planes = {}, {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batches[name], planes[name] = _batch(rng, 2)
    _archive(tmp_path / "cifar.tar.gz", batches)
    x_train, y_train, x_test, y_test = recipe.read_cifar(tmp_path / "cifar.tar.gz")
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    # Pixel (row 1, column 2) of the first test image: its red, green and blue bytes sit
    # at 32 * 1 + 2 in each 1024-byte plane.
    first = planes["test_batch"][0]
    assert x_test[0, 1, 2].tolist() == [first[34], first[1024 + 34], first[2048 + 34]]
    assert y_test.tolist() == batches["test_batch"][b"labels"]
    assert y_train[:2].tolist() == batches["data_batch_1"][b"labels"]


def test_a_pickle_naming_a_callable_is_refused_without_running_it(recipe, tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    rng = np.random.default_rng(0)
    batches = {f"data_batch_{i}": _batch(rng, 1)[0] for i in range(1, 6)}
    batches["test_batch"] = {b"data": Payload(), b"labels": [0]}
    _archive(tmp_path / "evil.tar.gz", batches)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load posix.mkdir"):
        recipe.read_cifar(tmp_path / "evil.tar.gz")
    assert not marker.exists()


def test_an_archive_without_the_test_batch_is_a_clear_error(recipe, tmp_path):
    rng = np.random.default_rng(0)
    _archive(tmp_path / "part.tar.gz", {"data_batch_1": _batch(rng, 1)[0]})
    with pytest.raises(ValueError, match="lacks data_batch_1..5 or test_batch"):
        recipe.read_cifar(tmp_path / "part.tar.gz")

"""MNIST and Fashion-MNIST from synthetic local files (.npz, IDX) and a fake Keras cache.

Nothing here touches the network: the cache is redirected with KERAS_HOME, and the download
path is exercised with `keras.datasets.*.load_data` replaced by a fake.
"""

import gzip

import numpy as np
import pytest

from keras_gans.datasets import (
    FASHION_CLASS_NAMES,
    keras_cache_dir,
    load_fashion_mnist,
    load_mnist,
    read_idx,
)

from .helpers import IDX_NAMES, idx_bytes, mnist_arrays, write_idx_folder, write_mnist_npz


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras home: `keras_cache_dir()` is `<tmp>/keras/datasets`."""
    home = tmp_path / "keras"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def test_npz_is_scaled_exactly_to_the_tanh_range(tmp_path):
    arrays = mnist_arrays(n_train=6, n_test=4)
    arrays[0][0, 5, 5:8] = [0, 51, 255]
    path = write_mnist_npz(tmp_path / "mnist.npz", arrays)
    x, y = load_mnist(path)
    assert x.shape == (6, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int32
    np.testing.assert_allclose(x[0, 5, 5:8, 0], [-1.0, -0.6, 1.0], atol=1e-7)
    np.testing.assert_allclose(x[..., 0], arrays[0] / 127.5 - 1.0, atol=1e-6)
    assert y.tolist() == arrays[1].tolist()
    x_test, y_test = load_mnist(str(path), split="test")
    assert x_test.shape == (4, 28, 28, 1) and y_test.tolist() == arrays[3].tolist()
    x_all, y_all = load_mnist(path, split="all")
    assert len(x_all) == 10 and y_all.tolist() == arrays[1].tolist() + arrays[3].tolist()


@pytest.mark.parametrize("compress", [True, False])
def test_idx_folder_matches_the_npz(tmp_path, compress):
    arrays = mnist_arrays()
    folder = write_idx_folder(tmp_path / "idx", arrays, compress=compress)
    x, y = load_mnist(folder, split="all")
    expected_x, expected_y = load_mnist(write_mnist_npz(tmp_path / "m.npz", arrays), split="all")
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)


def test_read_idx_round_trips_any_shape(tmp_path):
    array = np.arange(24, dtype="uint8").reshape(2, 3, 4)
    path = tmp_path / "a-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(path), array)


def test_keras_cache_is_found(keras_home):
    assert keras_cache_dir() == keras_home / "datasets"
    arrays = mnist_arrays(seed=1)
    write_mnist_npz(keras_home / "datasets" / "mnist.npz", arrays)
    x, y = load_mnist()
    np.testing.assert_allclose(x[..., 0], arrays[0] / 127.5 - 1.0, atol=1e-6)
    # Keras caches Fashion-MNIST as four gzipped IDX files in datasets/fashion-mnist/.
    write_idx_folder(keras_home / "datasets" / "fashion-mnist", mnist_arrays(seed=2))
    x, y = load_fashion_mnist(split="test")
    assert x.shape == (4, 28, 28, 1) and [FASHION_CLASS_NAMES[i] for i in y][:2] == [
        "T-shirt/top",
        "Trouser",
    ]


def test_missing_mnist_names_the_expected_file_and_what_to_do(keras_home):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist()
    message = str(info.value)
    assert str(keras_home / "datasets" / "mnist.npz") in message
    assert "tf-keras-datasets/mnist.npz" in message
    assert "`path`" in message and "download=True" in message
    assert "\n" not in message


def test_missing_fashion_mnist_lists_only_the_missing_files(keras_home):
    with pytest.raises(FileNotFoundError) as info:
        load_fashion_mnist()
    assert "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz in " in str(info.value)
    assert str(keras_home / "datasets" / "fashion-mnist") in str(info.value)
    folder = write_idx_folder(keras_home / "datasets" / "fashion-mnist")
    (folder / f"{IDX_NAMES[0]}.gz").unlink()
    with pytest.raises(FileNotFoundError, match="expected train-images-idx3-ubyte.gz in "):
        load_fashion_mnist(split="all")
    assert load_fashion_mnist(split="test")[0].shape == (4, 28, 28, 1)  # test files present


def test_missing_path_is_named(tmp_path):
    missing = tmp_path / "nowhere" / "mnist.npz"
    with pytest.raises(FileNotFoundError, match=f"file or folder not found: {missing}"):
        load_mnist(missing)


def _fake_fetch(monkeypatch, arrays, calls, cut=None):
    """Serves `arrays` as the four gzipped IDX files; `cut` truncates the file of that name."""
    from keras_gans.datasets import _downloads

    served = {
        f"{n}.gz": gzip.compress(idx_bytes(a)) for n, a in zip(IDX_NAMES, arrays, strict=True)
    }

    def fetch(url, destination, timeout=60.0):
        name = url.rsplit("/", 1)[-1]
        calls.append(name)
        data = served[name]
        with open(destination, "wb") as out:
            out.write(data[: len(data) // 2] if name == cut else data)

    monkeypatch.setattr(_downloads, "fetch", fetch)


def test_download_is_used_only_when_asked_and_nothing_is_cached(keras_home, monkeypatch):
    arrays = mnist_arrays(seed=3)
    calls = []
    _fake_fetch(monkeypatch, arrays, calls)
    with pytest.raises(FileNotFoundError):
        load_fashion_mnist()
    x, y = load_fashion_mnist(download=True)
    assert calls == [f"{n}.gz" for n in IDX_NAMES[:2]] and y.tolist() == arrays[1].tolist()
    np.testing.assert_allclose(x[..., 0], arrays[0] / 127.5 - 1.0, atol=1e-6)

    # MNIST downloads through keras-gans' own checked download: a closed port is offline.
    import socket

    from keras_gans.datasets import mnist as mnist_module

    with socket.socket() as closed:
        closed.bind(("localhost", 0))
        port = closed.getsockname()[1]
    monkeypatch.setattr(mnist_module, "DOWNLOAD_URL", f"http://localhost:{port}/")
    with pytest.raises(OSError, match="failed.*not on this machine"):
        load_mnist(download=True)
    write_mnist_npz(keras_home / "datasets" / "mnist.npz")
    assert load_mnist(download=True)[0].shape == (6, 28, 28, 1)  # the cache wins


def test_resize_by_area_averages_blocks(tmp_path):
    arrays = mnist_arrays()
    path = write_mnist_npz(tmp_path / "mnist.npz", arrays)
    x, _ = load_mnist(path, image_size=14, interpolation="area")
    full, _ = load_mnist(path)
    blocks = full[..., 0].reshape(6, 14, 2, 14, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(x[..., 0], blocks, atol=1e-5)
    big, _ = load_mnist(path, image_size=(32, 40))
    assert big.shape == (6, 32, 40, 1) and big.min() >= -1.0 and big.max() <= 1.0


def test_corrupt_files_are_named(tmp_path):
    not_zip = tmp_path / "broken.npz"
    not_zip.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="Cannot read .*broken.npz as a .npz file"):
        load_mnist(not_zip)
    wrong_keys = tmp_path / "wrong.npz"
    np.savez(wrong_keys, images=np.zeros((2, 28, 28), "uint8"))
    with pytest.raises(ValueError, match="must hold the arrays x_train and y_train.*images"):
        load_mnist(wrong_keys)
    x_train, y_train, x_test, y_test = mnist_arrays()
    floats = write_mnist_npz(tmp_path / "floats.npz", (x_train / 255.0, y_train, x_test, y_test))
    with pytest.raises(ValueError, match=r"must hold uint8 images.*float64"):
        load_mnist(floats)
    labels = write_mnist_npz(tmp_path / "labels.npz", (x_train, y_train + 5, x_test, y_test))
    with pytest.raises(ValueError, match="must be class ids 0-9. Received: labels from 5 to 10"):
        load_mnist(labels)
    folder = write_idx_folder(tmp_path / "idx")
    (folder / f"{IDX_NAMES[1]}.gz").write_bytes(gzip.compress(b"\x00\x00\x0d\x01abc"))
    with pytest.raises(ValueError, match="is not an IDX file of unsigned bytes"):
        load_mnist(folder)
    truncated = idx_bytes(np.zeros((6, 28, 28), "uint8"))[:-10]
    (folder / f"{IDX_NAMES[0]}.gz").write_bytes(gzip.compress(truncated))
    with pytest.raises(ValueError, match="does not hold the 4704 bytes"):
        read_idx(folder / f"{IDX_NAMES[0]}.gz")
    (folder / f"{IDX_NAMES[0]}.gz").write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="Cannot read IDX file"):
        load_mnist(folder)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"split": "val"}, ValueError, r"`split` must be one of \('train', 'test', 'all'\)"),
        ({"image_size": 0}, ValueError, "`image_size` must be a positive integer"),
        ({"image_size": (8, 8, 1)}, ValueError, r"image_size=\(8, 8, 1\)"),
        ({"interpolation": "cubic"}, ValueError, "`interpolation` must be one of"),
        ({"download": "yes"}, TypeError, "`download` must be True or False"),
        ({"path": 5}, TypeError, "`path` must be a path or None"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, error, match):
    kwargs.setdefault("path", write_mnist_npz(tmp_path / "mnist.npz"))
    with pytest.raises(error, match=match):
        load_mnist(**kwargs)


def test_float_labels_and_empty_files_are_refused_by_name(tmp_path):
    x_train, y_train, x_test, y_test = mnist_arrays()
    floats = write_mnist_npz(
        tmp_path / "float_labels.npz", (x_train, y_train + 0.5, x_test, y_test)
    )
    with pytest.raises(ValueError, match=r"float_labels.npz \(train split\) must hold integer"):
        load_mnist(floats)
    empty = np.zeros((0, 28, 28), "uint8")
    path = write_mnist_npz(
        tmp_path / "empty.npz", (empty, np.zeros(0, "int64"), empty, np.zeros(0, "int64"))
    )
    with pytest.raises(ValueError, match="empty.npz holds no examples"):
        load_mnist(path)
    assert load_mnist(write_mnist_npz(tmp_path / "ok.npz"))[1].dtype == np.int32


def test_a_truncated_fashion_download_is_never_left_in_place(keras_home, monkeypatch):
    arrays = mnist_arrays(seed=4)
    folder = keras_home / "datasets" / "fashion-mnist"
    calls = []
    _fake_fetch(monkeypatch, arrays, calls, cut=f"{IDX_NAMES[0]}.gz")
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz is not a complete IDX"):
        load_fashion_mnist(download=True)
    assert not folder.exists() or not list(folder.iterdir())  # no partial file, no temporary
    _fake_fetch(monkeypatch, arrays, calls)
    x, y = load_fashion_mnist(download=True, split="all")
    assert y.tolist() == np.concatenate([arrays[1], arrays[3]]).tolist()


def test_a_truncated_cached_fashion_file_is_named_and_fetched_again(keras_home, monkeypatch):
    """What a kill inside keras.datasets' own download leaves: a cut file at the final name."""
    arrays = mnist_arrays(seed=5)
    folder = write_idx_folder(keras_home / "datasets" / "fashion-mnist", arrays)
    broken = folder / f"{IDX_NAMES[0]}.gz"
    broken.write_bytes(broken.read_bytes()[:100])
    with pytest.raises(ValueError, match=f"Cannot read IDX file {broken}.*delete it, or pass"):
        load_fashion_mnist()
    calls = []
    _fake_fetch(monkeypatch, arrays, calls)
    x, y = load_fashion_mnist(download=True)
    assert calls == [f"{IDX_NAMES[0]}.gz"]  # only the broken file is fetched again
    assert y.tolist() == arrays[1].tolist()
    np.testing.assert_allclose(x[..., 0], arrays[0] / 127.5 - 1.0, atol=1e-6)
    assert load_fashion_mnist()[0].shape == (6, 28, 28, 1)  # repaired for offline runs

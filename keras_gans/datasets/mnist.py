"""MNIST and Fashion-MNIST from a local file or the Keras download cache.

Nothing is downloaded unless `download=True`: the loaders read Keras's `.npz` format
(`x_train`, `y_train`, `x_test`, `y_test`) or the four IDX files of the original distributions
(gzipped or not), from a path you give or from where `keras.datasets` caches them.
Downloads are written atomically and checked (`_downloads`).
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from keras_gans.datasets import _checks
from keras_gans.datasets.pipeline import resize_images, uint8_to_unit_range

SPLITS = ("train", "test", "all")
DOWNLOAD_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: SHA-256 of the files downloaded into the Keras cache by `download=True` (the same
#: `mnist.npz` and checksum `keras.datasets.mnist.load_data` uses).
SHA256 = {"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
FASHION_CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def keras_cache_dir():
    """The folder where `keras.datasets` caches downloads: `$KERAS_HOME/datasets`, by default
    `~/.keras/datasets` (`/tmp/.keras/datasets` when the home folder is not writable).

    Example:
    >>> keras_cache_dir().name
    'datasets'
    """
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return Path(home).expanduser() / "datasets"


def read_idx(path):
    """Reads an IDX file of unsigned bytes (the MNIST distribution format), gzipped or not.

    Args:
        path: The file; a name ending in `.gz` is decompressed.

    Returns:
        A uint8 NumPy array with the shape the file's header declares.

    Example:
    >>> import os, struct, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(struct.pack(">BBBBI", 0, 0, 8, 1, 3) + bytes([7, 2, 1]))
    >>> read_idx(path).tolist()
    [7, 2, 1]
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"Cannot read IDX file {path}: {error}") from None
    if len(data) < 4 or data[:3] != b"\x00\x00\x08":
        raise ValueError(
            f"{path} is not an IDX file of unsigned bytes: its header is {data[:4]!r}, "
            "expected 0x00 0x00 0x08 followed by the number of dimensions"
        )
    ndim = data[3]
    offset = 4 + 4 * ndim
    if len(data) < offset:
        raise ValueError(f"{path} is truncated inside its header")
    shape = struct.unpack(f">{ndim}I", data[4:offset])
    size = math.prod(shape)
    if len(data) - offset != size:
        raise ValueError(
            f"{path} does not hold the {size} bytes its header declares for shape {shape}: "
            f"found {len(data) - offset} (truncated or corrupt download?)"
        )
    return np.frombuffer(data, np.uint8, offset=offset).reshape(shape)


class _Spec(NamedTuple):
    """Where one dataset lives in the Keras cache and how `keras.datasets` downloads it."""

    title: str
    cache_npz: str | None
    cache_folder: str | None
    class_names: tuple
    keras_module: str


MNIST = _Spec("MNIST", "mnist.npz", None, tuple(str(d) for d in range(10)), "mnist")
FASHION_MNIST = _Spec("Fashion-MNIST", None, "fashion-mnist", FASHION_CLASS_NAMES, "fashion_mnist")


def read_uint8(spec, path=None, split="train", download=False):
    """Finds and reads one of the datasets: `(x, y, origin)` with uint8 `x` of shape
    `(n, 28, 28, 1)`, int32 `y` and a string saying where the data came from."""
    _checks.one_of(split, "split", SPLITS)
    _checks.boolean(download, "download")
    splits = ("train", "test") if split == "all" else (split,)
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"`path` must be a path or None. Received: path={path!r}")
        path = Path(path).expanduser()
        if not path.exists():
            raise FileNotFoundError(
                f"{spec.title} file or folder not found: {path}. `path` must be a .npz file "
                "with x_train, y_train, x_test, y_test, or a folder holding the IDX files "
                f"{_idx_list(splits)} (gzipped or not)"
            )
        parts = [_read_split(path, s) for s in splits]
        origin = str(path)
    else:
        location, parts = _find_in_cache(spec, splits), None
        if location is not None:
            try:
                parts = [_read_split(location, s) for s in splits]
                origin = str(location)
            except ValueError as error:  # e.g. a download killed before keras-gans fetched it
                if not download:
                    raise ValueError(
                        f"{error}. The file is in Keras's download cache: delete it, or pass "
                        "download=True (keras-gans train: --download) to fetch it again."
                    ) from None
        if parts is None:
            if not download:
                raise FileNotFoundError(_missing_message(spec, splits))
            parts = _download(spec, splits)
            origin = f"{spec.title} downloaded into {keras_cache_dir()}"
    x = np.concatenate([p[0] for p in parts])[..., None]
    y = np.concatenate([p[1] for p in parts]).astype("int32")
    if not len(y):
        raise ValueError(f"{spec.title} from {origin} holds no examples ({'+'.join(splits)}).")
    if y.min() < 0 or y.max() >= len(spec.class_names):
        raise ValueError(
            f"{spec.title} labels from {origin} must be class ids 0-{len(spec.class_names) - 1}. "
            f"Received: labels from {y.min()} to {y.max()}"
        )
    return x, y, origin


def _idx_list(splits):
    return ", ".join(f"{name}.gz" for s in splits for name in IDX_FILES[s])


def _find_idx(folder, name):
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def _find_in_cache(spec, splits):
    cache = keras_cache_dir()
    if spec.cache_npz and (cache / spec.cache_npz).is_file():
        return cache / spec.cache_npz
    if spec.cache_folder:
        folder = cache / spec.cache_folder
        if all(_find_idx(folder, name) for s in splits for name in IDX_FILES[s]):
            return folder
    return None


def _missing_message(spec, splits):
    cache = keras_cache_dir()
    if spec.cache_npz:
        expected = f"expected {cache / spec.cache_npz} (Keras's download cache)"
        fetch = f"Download {DOWNLOAD_URL}{spec.cache_npz} to that path"
    else:
        folder = cache / spec.cache_folder
        missing = [
            f"{name}.gz" for s in splits for name in IDX_FILES[s] if _find_idx(folder, name) is None
        ]
        expected = f"expected {', '.join(missing)} in {folder}{os.sep} (Keras's download cache)"
        fetch = f"Download them from {DOWNLOAD_URL} into that folder"
    return (
        f"{spec.title} is not on this machine: {expected}. {fetch}, or pass the location of "
        "a .npz file (x_train, y_train, x_test, y_test) or of a folder with the IDX files as "
        "`path`, or pass download=True (keras-gans train: --download) on a machine with network "
        "access."
    )


def _read_split(location, split):
    if location.is_file():
        if location.suffix != ".npz":
            raise ValueError(
                f"`path` must be a .npz file or a folder of IDX files. Received: path={location}"
            )
        arrays = read_npz(location)
        keys = (f"x_{split}", f"y_{split}")
        if any(key not in arrays for key in keys):
            raise ValueError(
                f"{location} must hold the arrays {keys[0]} and {keys[1]} (Keras's format). "
                f"It holds: {', '.join(sorted(arrays)) or 'nothing'}"
            )
        x, y = arrays[keys[0]], arrays[keys[1]]
    else:
        images, labels = IDX_FILES[split]
        found = [_find_idx(location, images), _find_idx(location, labels)]
        if None in found:
            raise FileNotFoundError(
                f"{location} must hold {images}.gz and {labels}.gz (or the same names without .gz)"
            )
        x, y = read_idx(found[0]), read_idx(found[1])
    if x.ndim != 3 or x.dtype != np.uint8 or y.ndim != 1 or len(x) != len(y):
        raise ValueError(
            f"{location} ({split} split) must hold uint8 images of shape (n, height, width) "
            f"and n labels. Received: images {x.shape} {x.dtype}, labels {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"{location} ({split} split) must hold integer class ids as labels; other values "
            f"would be truncated. Received: labels of dtype {y.dtype}"
        )
    return x, y


def read_npz(location):
    """Reads every array of a `.npz` file into a dict; errors name the file."""
    try:
        arrays = np.load(location, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"Cannot read {location} as a .npz file: {error}") from None
    if not isinstance(arrays, np.lib.npyio.NpzFile):
        raise ValueError(f"Cannot read {location} as a .npz file: it holds a single array")
    with arrays:
        try:
            return {key: arrays[key] for key in arrays.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            raise ValueError(f"Cannot read {location} as a .npz file: {error}") from None


def _download(spec, splits):
    from keras_gans.datasets import _downloads

    return _downloads.download(spec, splits)


def check_resize(image_size, interpolation):
    """Validates the resize arguments: `None` or a `(height, width)` tuple."""
    _checks.one_of(interpolation, "interpolation", _checks.RESIZE_METHODS)
    return None if image_size is None else _checks.image_size(image_size)


def _finish(x, size, interpolation):
    images = uint8_to_unit_range(x)
    if size is None or size == images.shape[1:3]:
        return images
    chunks = [
        np.asarray(resize_images(images[i : i + 8192], size, interpolation))
        for i in range(0, len(images), 8192)
    ]
    return np.concatenate(chunks)


def load_mnist(path=None, split="train", image_size=None, download=False, interpolation="bilinear"):
    """Loads MNIST handwritten digits as float32 images in [-1, 1] and integer labels.

    Looks in `path` when given, else in Keras's download cache (`~/.keras/datasets/mnist.npz`,
    or under `$KERAS_HOME`). Nothing is downloaded unless `download=True`.

    Args:
        path: A `.npz` file in Keras's format (`x_train`, `y_train`, `x_test`, `y_test`,
            uint8 images), or a folder holding the IDX files `train-images-idx3-ubyte.gz`,
            `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
            `t10k-labels-idx1-ubyte.gz` (gzipped or not). Default `None`: the Keras cache.
        split: `"train"` (default, 60,000 images), `"test"` (10,000) or `"all"` (both).
        image_size: Optional size to resize to: an int (square) or `(height, width)`
            (default `None`: the native 28x28).
        download: When the data is neither at `path` nor in the cache, download it with
            `keras.datasets.mnist.load_data()` (default `False`; needs network access).
        interpolation: Resize method when `image_size` is given (default `"bilinear"`,
            antialiased when shrinking).

    Returns:
        `(x, y)`: `x` of shape `(n, 28, 28, 1)` (or `image_size`), float32 in [-1, 1];
        `y` of shape `(n,)`, int32 class ids 0-9.

    Raises:
        FileNotFoundError: When the data is not found, naming the file expected and where to
            put it.

    Example:
    >>> import os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "mnist.npz")
    >>> pixels = np.full((3, 28, 28), 255, "uint8")
    >>> np.savez(path, x_train=pixels, y_train=np.arange(3), x_test=pixels, y_test=np.arange(3))
    >>> x, y = load_mnist(path, image_size=32)
    >>> x.shape, float(x.max()), y.tolist()
    ((3, 32, 32, 1), 1.0, [0, 1, 2])
    """
    size = check_resize(image_size, interpolation)
    x, y, _ = read_uint8(MNIST, path, split, download)
    return _finish(x, size, interpolation), y


def load_fashion_mnist(
    path=None, split="train", image_size=None, download=False, interpolation="bilinear"
):
    """Loads Fashion-MNIST (Xiao et al. 2017) as float32 images in [-1, 1] and integer labels.

    Looks in `path` when given, else in Keras's download cache, where
    `keras.datasets.fashion_mnist` keeps the four gzipped IDX files in
    `~/.keras/datasets/fashion-mnist/` (or under `$KERAS_HOME`). Nothing is downloaded unless
    `download=True`. Class names are in `FASHION_CLASS_NAMES`.

    Args:
        path: A `.npz` file in Keras's format (`x_train`, `y_train`, `x_test`, `y_test`), or
            a folder holding `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
            `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz` (gzipped or not).
            Default `None`: the Keras cache.
        split: `"train"` (default, 60,000 images), `"test"` (10,000) or `"all"` (both).
        image_size: Optional size to resize to: an int (square) or `(height, width)`
            (default `None`: the native 28x28).
        download: When the data is neither at `path` nor in the cache, download the four
            files into the Keras cache from where `keras.datasets.fashion_mnist` gets them
            (default `False`; needs network access). Each is written atomically and checked
            by reading it back (gzip stream complete, IDX header and size), so a partial file
            is never left in place; a cached file that fails the check is fetched again.
        interpolation: Resize method when `image_size` is given (default `"bilinear"`).

    Returns:
        `(x, y)`: `x` of shape `(n, 28, 28, 1)` (or `image_size`), float32 in [-1, 1];
        `y` of shape `(n,)`, int32 class ids 0-9.

    Raises:
        FileNotFoundError: When the data is not found, naming the files expected and where to
            put them.

    Reference:
        Xiao, Rasul, Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
        Learning Algorithms", arXiv:1708.07747, 2017.

    Example:
    >>> import os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "fashion.npz")
    >>> pixels = np.zeros((2, 28, 28), "uint8")
    >>> np.savez(path, x_train=pixels, y_train=[9, 0], x_test=pixels, y_test=[1, 2])
    >>> x, y = load_fashion_mnist(path, split="all")
    >>> x.shape, float(x.min()), [FASHION_CLASS_NAMES[i] for i in y]
    ((4, 28, 28, 1), -1.0, ['Ankle boot', 'T-shirt/top', 'Trouser', 'Pullover'])
    """
    size = check_resize(image_size, interpolation)
    x, y, _ = read_uint8(FASHION_MNIST, path, split, download)
    return _finish(x, size, interpolation), y

"""Writers for the files the dataset tests read: procedurally drawn images, MNIST-format
`.npz` archives and IDX files. Everything is synthetic and written under pytest's tmp_path."""

import gzip
import struct
from pathlib import Path

import numpy as np
from PIL import Image


def disc(value, size=(12, 12), background=0):
    """A uint8 RGB image: a filled disc of grey level `value` on a `background` square."""
    height, width = size
    rows, cols = np.mgrid[:height, :width]
    inside = (rows - (height - 1) / 2) ** 2 + (cols - (width - 1) / 2) ** 2 <= (
        min(height, width) / 3
    ) ** 2
    image = np.full((height, width, 3), background, "uint8")
    image[inside] = value
    return image


def save(pixels, path, **kwargs):
    """Saves a uint8 array (h, w), (h, w, 3) or (h, w, 4) as PNG or JPEG by its suffix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    array = np.asarray(pixels, "uint8")
    image = Image.fromarray(array[..., 0] if array.ndim == 3 and array.shape[-1] == 1 else array)
    fmt = "JPEG" if path.suffix.lower() in (".jpg", ".jpeg") else "PNG"
    if fmt == "JPEG":
        kwargs.setdefault("quality", 100)
    image.save(path, format=fmt, **kwargs)
    return path


def flat_image(value, size=(8, 8)):
    """A uint8 RGB image of one grey level: its file index or class is readable after decoding."""
    return np.full((*size, 3), value, "uint8")


def mnist_arrays(n_train=6, n_test=4, seed=0):
    """MNIST-shaped uint8 arrays: `(x_train, y_train, x_test, y_test)`, pixel 0 of each
    image equals its label * 20 so images and labels can be matched after shuffling."""
    rng = np.random.default_rng(seed)
    arrays = []
    for n in (n_train, n_test):
        x = rng.integers(0, 256, size=(n, 28, 28), dtype="uint8")
        y = (np.arange(n) % 10).astype("uint8")
        x[:, 0, 0] = y * 20
        arrays += [x, y]
    return tuple(arrays)


def write_mnist_npz(path, arrays=None):
    """Writes a Keras-format `.npz` (x_train, y_train, x_test, y_test)."""
    x_train, y_train, x_test, y_test = arrays if arrays is not None else mnist_arrays()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def idx_bytes(array):
    """The IDX encoding of a uint8 array: magic 0x00 0x00 0x08 ndim, big-endian dims, data."""
    array = np.asarray(array, "uint8")
    header = struct.pack(">BBBB", 0, 0, 8, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.tobytes()


IDX_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def write_idx_folder(folder, arrays=None, compress=True):
    """Writes the four (gzipped) IDX files of an MNIST-style distribution into `folder`."""
    x_train, y_train, x_test, y_test = arrays if arrays is not None else mnist_arrays()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(IDX_NAMES, (x_train, y_train, x_test, y_test), strict=True):
        data = idx_bytes(array)
        if compress:
            with gzip.open(folder / f"{name}.gz", "wb") as handle:
                handle.write(data)
        else:
            (folder / name).write_bytes(data)
    return folder

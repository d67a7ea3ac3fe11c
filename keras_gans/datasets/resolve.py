"""`load`: one entry point from a dataset name or a path to a ready `tf.data` pipeline."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from keras_gans.datasets import _checks, mixtures, mnist
from keras_gans.datasets.digits import load_digits
from keras_gans.datasets.image_folder import load_image_folder
from keras_gans.datasets.pipeline import indexed_pipeline, resize_images, uint8_to_unit_range
from keras_gans.datasets.source import DataSource

DESCRIPTIONS = {
    "digits": "scikit-learn's 1,797 bundled 8x8 handwritten digits (offline), 10 classes",
    "mnist": "MNIST 28x28 digits from a local file or the Keras cache, 10 classes",
    "fashion-mnist": "Fashion-MNIST 28x28 clothing from a local file or the Keras cache",
    "ring": "2-D points from a ring of 8 Gaussians (mode-collapse benchmark)",
    "grid": "2-D points from a 5x5 grid of Gaussians (mode-collapse benchmark)",
}
DEFAULT_NUM_POINTS = 10_000

_OPTIONS = {
    "digits": (),
    "mnist": ("path", "split", "download", "interpolation"),
    "fashion-mnist": ("path", "split", "download", "interpolation"),
    "ring": ("n", "modes", "radius", "std"),
    "grid": ("n", "side", "spacing", "std"),
    "folder": ("channels", "interpolation", "crop_to_aspect_ratio", "on_invalid"),
    "npz": ("interpolation",),
}


def names():
    """The built-in dataset names `load` accepts (besides paths).

    Returns:
        A list of names.

    Example:
    >>> names()
    ['digits', 'mnist', 'fashion-mnist', 'ring', 'grid']
    """
    return list(DESCRIPTIONS)


def load(
    data,
    *,
    image_size=None,
    batch_size=64,
    shuffle=True,
    seed=None,
    drop_remainder=False,
    labels=True,
    **options,
):
    """Resolves a dataset name or path (the `--data` flag) to a ready `tf.data` pipeline.

    `data` is one of the names in `names()`:

    | name | yields |
    | --- | --- |
    | `digits` | scikit-learn's bundled 8x8 digits in [-1, 1], labels 0-9 |
    | `mnist`, `fashion-mnist` | 28x28x1 images in [-1, 1], labels 0-9 (local file or Keras cache) |
    | `ring`, `grid` | 2-D points from the Gaussian mixtures, no labels |

    or a path: a folder is read with `load_image_folder` (streamed from disk), a `.npz` file
    must hold an array `x` (or `x_train`) of examples and optionally integer labels `y` (or
    `y_train`). uint8 arrays are images scaled from 0..255 to [-1, 1] (a `(n, h, w)` array
    gets a channel axis); other dtypes are used as they are. A string that contains a path
    separator, starts with `.` or `~`, or ends in `.npz` is always a path; any other string
    is a name first (so `./mnist` is the folder, `mnist` the dataset).

    Args:
        data: A name from `names()` (case-insensitive, `_` and `-` alike) or a path.
        image_size: Size of the images, an int (square) or `(height, width)` (default `None`:
            the data's own size; 64x64 for image folders). Not for 2-D points.
        batch_size: Examples per batch (default 64).
        shuffle: Whether to reshuffle every epoch (default `True`).
        seed: Seed of the shuffle order, and of the points drawn for `ring` and `grid`
            (default `None`).
        drop_remainder: Whether to leave out a last batch smaller than `batch_size`
            (default `False`).
        labels: Whether to yield `(x, y)` batches when the data has class labels (default
            `True`); with `False` the dataset yields `x` only and `num_classes` is `None`.
        **options: Passed to the underlying loader: `path`, `split`, `download`,
            `interpolation` for MNIST and Fashion-MNIST (see `load_mnist`); `n` (default
            10,000 points), `modes`, `radius`, `side`, `spacing`, `std` for the mixtures;
            `channels`, `interpolation`, `crop_to_aspect_ratio`, `on_invalid` for folders
            (see `load_image_folder`); `interpolation` for `.npz` images.

    Returns:
        A `DataSource`: the `dataset`, the `shape` of one example, `num_classes` (`None`
        when unlabelled), a one-line `description`, `class_names`, `num_examples`.

    Raises:
        ValueError: On an unknown name (listing the valid ones) or a bad argument.
        FileNotFoundError: When a path, or the MNIST/Fashion-MNIST files, do not exist.

    Example:
    >>> source = load("digits", batch_size=32, seed=0)
    >>> source.shape, source.num_classes, source.num_batches
    ((8, 8, 1), 10, 57)
    >>> x, y = next(iter(source.dataset))
    >>> x.shape, y.dtype.name
    (TensorShape([32, 8, 8, 1]), 'int32')
    >>> ring = load("ring", n=1000, batch_size=100, seed=0)
    >>> ring.shape, ring.num_classes, ring.description
    ((2,), None, '1,000 2-D points from a ring of 8 Gaussians (radius 2.0, std 0.02)')
    >>> load("cifar")
    Traceback (most recent call last):
    ...
    ValueError: Unknown dataset 'cifar': `data` must be one of digits, mnist, ...
    """
    pipeline = {
        "batch_size": _checks.positive_int(batch_size, "batch_size"),
        "shuffle": _checks.boolean(shuffle, "shuffle"),
        "seed": _checks.seed(seed),
        "drop_remainder": _checks.boolean(drop_remainder, "drop_remainder"),
    }
    labels = _checks.boolean(labels, "labels")
    size = None if image_size is None else _checks.image_size(image_size)
    kind, target = _resolve(data)
    unknown = sorted(set(options) - set(_OPTIONS[kind]))
    if unknown:
        takes = ", ".join(_OPTIONS[kind]) or "no extra options"
        raise TypeError(
            f"load({str(data)!r}) got unexpected option(s) {', '.join(unknown)}; it takes: {takes}"
        )
    if kind in ("ring", "grid"):
        if size is not None:
            raise ValueError(
                f"`image_size` does not apply to 2-D points ({kind!r}). Received: "
                f"image_size={image_size!r}"
            )
        return _mixture(kind, pipeline, options)
    if kind == "folder":
        return load_image_folder(
            target,
            image_size=(64, 64) if size is None else size,
            labels="inferred" if labels else None,
            **pipeline,
            **options,
        )
    if kind == "digits":
        return _digits(size, labels, pipeline)
    if kind == "npz":
        return _npz(target, size, labels, pipeline, options)
    return _keras_dataset(kind, size, labels, pipeline, options)


def _resolve(data):
    """Returns `(kind, path or None)`."""
    if not isinstance(data, (str, os.PathLike)):
        raise TypeError(
            f"`data` must be a dataset name or a path. Received: data={data!r} of type "
            f"{type(data).__name__}"
        )
    text = os.fspath(data)
    explicit_path = (
        isinstance(data, os.PathLike)
        or os.sep in text
        or (os.altsep is not None and os.altsep in text)
        or text.startswith((".", "~"))
        or text.lower().endswith(".npz")
    )
    key = text.strip().lower().replace("_", "-")
    if not explicit_path and key in DESCRIPTIONS:
        return key, None
    path = Path(text).expanduser()
    if path.is_dir():
        return "folder", path
    if path.is_file():
        if path.suffix.lower() != ".npz":
            raise ValueError(
                "`data` must be a dataset name, a folder of images or a .npz file. "
                f"Received: data={text!r} (a {path.suffix or 'suffix-less'} file)"
            )
        return "npz", path
    if explicit_path:
        raise FileNotFoundError(f"Data folder or file not found: {text}")
    raise ValueError(
        f"Unknown dataset {text!r}: `data` must be one of {', '.join(DESCRIPTIONS)}, or the "
        "path of a folder of images or of a .npz file (no file or folder by that name exists "
        "either)."
    )


def _mixture(kind, pipeline, options):
    options = dict(options)
    n = options.pop("n", DEFAULT_NUM_POINTS)
    sampler = mixtures.ring_of_gaussians if kind == "ring" else mixtures.grid_of_gaussians
    points, centres = sampler(n, seed=pipeline["seed"], **options)
    if kind == "ring":
        radius, std = options.get("radius", 2.0), options.get("std", 0.02)
        what = f"a ring of {len(centres)} Gaussians (radius {radius}, std {std})"
    else:
        side = options.get("side", 5)
        spacing, std = options.get("spacing", 2.0), options.get("std", 0.05)
        what = f"a {side}x{side} grid of Gaussians (spacing {spacing}, std {std})"
    return DataSource(
        dataset=indexed_pipeline(points, None, **pipeline),
        shape=(2,),
        description=f"{len(points):,} 2-D points from {what}",
        num_examples=len(points),
        metadata={"centres": centres},
    )


def _image_transform(size, interpolation, scale_uint8):
    """The in-pipeline step from stored arrays to model-ready image batches."""

    def transform(batch):
        if scale_uint8:
            batch = uint8_to_unit_range(batch)
        if size is not None and tuple(batch.shape[1:3]) != size:
            batch = resize_images(batch, size, interpolation)
        return batch

    return transform


def _digits(size, labels, pipeline):
    side = size[0] if size is not None and size[0] == size[1] and size[0] % 8 == 0 else 8
    x, y = load_digits(image_size=side)  # exact nearest-neighbour upscaling when it fits
    transform = _image_transform(size, "bilinear", scale_uint8=False)
    return _array_source(
        x,
        y if labels else None,
        pipeline,
        transform=transform,
        class_names=tuple(map(str, range(10))),
        title="scikit-learn digits",
        origin="sklearn.datasets.load_digits",
        size=size,
        scaled=True,
    )


def _keras_dataset(kind, size, labels, pipeline, options):
    spec = mnist.MNIST if kind == "mnist" else mnist.FASHION_MNIST
    interpolation = options.pop("interpolation", "bilinear")
    mnist.check_resize(size, interpolation)
    x, y, origin = mnist.read_uint8(spec, **options)
    split = options.get("split", "train")
    transform = _image_transform(size, interpolation, scale_uint8=True)
    return _array_source(
        x,
        y if labels else None,
        pipeline,
        transform=transform,
        class_names=spec.class_names,
        title=f"{spec.title} {split} split",
        origin=origin,
        size=size,
        scaled=True,
    )


def _npz(path, size, labels, pipeline, options):
    arrays = mnist.read_npz(path)
    x_key = next((key for key in ("x", "x_train") if key in arrays), None)
    if x_key is None:
        raise ValueError(
            f"{path} must hold an array named x or x_train. It holds: "
            f"{', '.join(sorted(arrays)) or 'nothing'}"
        )
    x = arrays[x_key]
    y = arrays.get("y" if x_key == "x" else "y_train") if labels else None
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"{path}: {x_key} must hold at least one example; shape {x.shape}")
    if x.dtype == np.uint8 and x.ndim == 3:
        x = x[..., None]
    is_image = x.ndim == 4 and x.shape[-1] in (1, 3, 4)
    if size is not None and not is_image:
        raise ValueError(
            f"`image_size` applies to images of shape (n, height, width, channels); {path} "
            f"holds {x_key} of shape {x.shape}. Received: image_size={size!r}"
        )
    if x.dtype != np.uint8 and np.issubdtype(x.dtype, np.number) and is_image:
        low, high = float(np.min(x)), float(np.max(x))
        if low < -1.001 or high > 1.001:
            warnings.warn(
                f"{path}: the float images in {x_key} span [{low:g}, {high:g}], not [-1, 1], "
                "the range of keras-gans generators; rescale them (uint8 images are scaled "
                "automatically).",
                stacklevel=3,
            )
    if y is not None and (
        y.ndim != 1 or len(y) != len(x) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0
    ):
        raise ValueError(
            f"{path}: labels must be integer class ids >= 0, one per example ({len(x)}). "
            f"Received: an array of shape {y.shape} and dtype {y.dtype}"
        )
    interpolation = options.get("interpolation", "bilinear")
    mnist.check_resize(size, interpolation)
    transform = _image_transform(size, interpolation, scale_uint8=x.dtype == np.uint8)
    classes = None if y is None else tuple(str(i) for i in range(int(y.max()) + 1))
    return _array_source(
        x,
        y,
        pipeline,
        transform=transform,
        class_names=classes,
        title=f"arrays {x_key} from {path}",
        origin=str(path),
        size=size,
        scaled=x.dtype == np.uint8,
    )


def _array_source(x, y, pipeline, *, transform, class_names, title, origin, size, scaled):
    """A `DataSource` over in-memory arrays; `size` is the resize target or `None`."""
    shape = tuple(x.shape[1:]) if size is None else (*size, x.shape[-1])
    if y is not None:
        y = y.astype("int32")
    dataset = indexed_pipeline(x, y, transform=transform, **pipeline)
    what = "images" if len(shape) == 3 else "examples"
    value_range = " in [-1, 1]" if scaled else ""
    classes = "" if y is None else f", {len(class_names)} classes"
    return DataSource(
        dataset=dataset,
        shape=shape,
        num_classes=None if y is None else len(class_names),
        description=f"{title}: {len(x):,} {what} of shape {shape}{value_range}{classes}",
        class_names=None if y is None else class_names,
        num_examples=len(x),
        metadata={"origin": origin},
    )

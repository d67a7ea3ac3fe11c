"""Any folder of PNG/JPEG images as a streaming `tf.data` pipeline, optionally labelled."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import tensorflow as tf

from keras_gans.datasets import _checks
from keras_gans.datasets.pipeline import resize_images
from keras_gans.datasets.source import DataSource

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
LABEL_MODES = ("inferred", None)
ON_INVALID = ("error", "skip")

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_TAIL_BYTES = 65536  # how far from the end a JPEG's end-of-image marker is looked for
_LISTED = 5  # bad files named in a message


def check_image_file(path):
    """Says why a file is not a complete PNG or JPEG, from its first and last bytes.

    This is a cheap check (two small reads, no decoding): it catches files that are empty,
    unreadable, not PNG or JPEG at all, or cut short (a PNG without its final `IEND` chunk, a
    JPEG without its end-of-image marker), the usual results of interrupted copies and
    downloads. Damage in the middle of a file is only found when TensorFlow decodes it.

    Args:
        path: The file.

    Returns:
        `None` for a file that looks complete, else a short reason such as `"empty file"`.

    Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.png")
    >>> with open(path, "w") as f:
    ...     _ = f.write("not an image")
    >>> check_image_file(path)
    'not a PNG or JPEG file'
    """
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(len(_PNG_SIGNATURE))
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if size == 0:
        return "empty file"
    if head == _PNG_SIGNATURE:
        return None if b"IEND" in tail[-1024:] else "truncated PNG (no IEND chunk at the end)"
    if head.startswith(_JPEG_SIGNATURE):
        return None if b"\xff\xd9" in tail else "truncated JPEG (no end-of-image marker)"
    return "not a PNG or JPEG file"


def _is_image(name):
    return name.lower().endswith(IMAGE_EXTENSIONS)


def _walk(folder):
    """Image paths under `folder` (sorted, recursive, hidden entries skipped) and the paths of
    the other files."""
    images, others, seen = [], [], set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a symbolic link back to a folder already listed: stop the cycle
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            (images if _is_image(name) else others).append(os.path.join(root, name))
    return images, others


def _list_files(root, labels):
    """Returns `(paths, label ids or None, class names or None)`."""
    if labels is None:
        images, others = _walk(root)
        return _nonempty(root, images, others), None, None
    loose = sorted(
        os.path.join(root, e.name)
        for e in os.scandir(root)
        if e.is_file() and _is_image(e.name) and not e.name.startswith(".")
    )
    classes, others = [], []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.is_dir() and not entry.name.startswith("."):
            images, other = _walk(entry.path)
            others += other
            if images:
                classes.append((entry.name, images))
    if len(classes) < 2:  # no classes, or one subfolder that is just a layout level
        images, others = _walk(root)
        return _nonempty(root, images, others), None, None
    if loose:
        names = ", ".join(name for name, _ in classes[:_LISTED])
        names += ", ..." if len(classes) > _LISTED else ""
        raise ValueError(
            f"{root} holds {len(loose)} image(s) at its top level (e.g. {loose[0]}) next to "
            f"class subfolders ({names}): "
            "move them into a class subfolder, or pass labels=None to use every image "
            "without labels"
        )
    paths = [path for _, images in classes for path in images]
    ids = [index for index, (_, images) in enumerate(classes) for _ in images]
    return paths, ids, tuple(name for name, _ in classes)


def _nonempty(root, images, others):
    if images:
        return images
    hint = f" It holds {len(others)} other file(s), e.g. {others[0]}." if others else ""
    raise ValueError(
        f"No images found in {root}: searched it and its subfolders for files ending in "
        f"{', '.join(IMAGE_EXTENSIONS)} (any letter case, hidden files skipped).{hint}"
    )


def _drop_invalid(root, paths, ids, on_invalid):
    bad = [(i, reason) for i, path in enumerate(paths) if (reason := check_image_file(path))]
    if not bad:
        return paths, ids, []
    listed = "; ".join(f"{paths[i]}: {reason}" for i, reason in bad[:_LISTED])
    more = f" (and {len(bad) - _LISTED} more)" if len(bad) > _LISTED else ""
    if on_invalid == "error":
        raise ValueError(
            f"{len(bad)} of {len(paths)} image file(s) in {root} cannot be decoded: {listed}"
            f"{more}. Remove or replace them, or pass on_invalid='skip' to leave them out."
        )
    warnings.warn(
        f"Skipped {len(bad)} of {len(paths)} image file(s) in {root} that cannot be decoded: "
        f"{listed}{more}.",
        stacklevel=3,
    )
    bad_indices = {i for i, _ in bad}
    keep = [i for i in range(len(paths)) if i not in bad_indices]
    if not keep:
        raise ValueError(f"No decodable images in {root}: every image file was skipped.")
    skipped = [paths[i] for i, _ in bad]
    return [paths[i] for i in keep], None if ids is None else [ids[i] for i in keep], skipped


def decode_pixels(data, channels):
    """Decodes an image file's bytes (by content) to uint8 `(h, w, channels)`.

    Colour is decoded as RGB and, for `channels=1`, turned grey with Rec. 601 luma weights:
    libjpeg has no CMYK-to-grey conversion (a CMYK JPEG would fail mid-epoch with no file
    named). Grey pixels (R = G = B, so grey, grey-with-alpha and grey palette sources) keep
    their exact value.
    """
    image = tf.io.decode_image(data, channels=3, expand_animations=False)
    if channels == 3:
        return image
    rgb = tf.cast(image, tf.float32)
    luma = tf.round(tf.tensordot(rgb, tf.constant([0.299, 0.587, 0.114]), axes=[[-1], [0]]))
    grey = tf.reduce_all(image == image[..., :1], axis=-1)
    pixels = tf.where(grey, image[..., 0], tf.cast(tf.clip_by_value(luma, 0, 255), tf.uint8))
    return pixels[..., None]


def _center_crop(image, height, width):
    """Crops the largest centred window with the aspect ratio `height:width`."""
    shape = tf.shape(image)
    h, w = shape[0], shape[1]
    crop_h = tf.maximum(1, tf.minimum(h, w * height // width))
    crop_w = tf.maximum(1, tf.minimum(w, h * width // height))
    return tf.image.crop_to_bounding_box(
        image, (h - crop_h) // 2, (w - crop_w) // 2, crop_h, crop_w
    )


def load_image_folder(
    path,
    image_size=(64, 64),
    channels=3,
    batch_size=64,
    labels="inferred",
    shuffle=True,
    seed=None,
    drop_remainder=False,
    interpolation="bilinear",
    crop_to_aspect_ratio=False,
    on_invalid="error",
):
    """Streams a folder of PNG/JPEG images from disk as a `tf.data` pipeline in [-1, 1].

    Files ending in `.png`, `.jpg` or `.jpeg` (any letter case) are found recursively; hidden
    files and folders (names starting with `.`) are skipped. Only the list of file names is
    held in memory: each epoch the list is reshuffled, and images are read, decoded (by
    content, so a PNG named `.jpg` still works), resized and scaled in parallel inside the
    pipeline, batched and prefetched, so folders larger than memory work. Every file is first
    checked cheaply (`check_image_file`), so a broken file is reported before training starts.

    Class labels: with `labels="inferred"`, a folder whose top level holds two or more
    subfolders with images is labelled by subfolder (class ids follow the sorted subfolder
    names, images anywhere below a subfolder belong to it); a flat folder, or one with a
    single subfolder (such as `celeba/img_align_celeba/`), is unlabelled.

    Args:
        path: The folder.
        image_size: Output size, an int (square) or `(height, width)` (default `(64, 64)`).
        channels: 1 (grayscale) or 3 (RGB) (default 3); images are converted as needed (any
            mode, CMYK JPEGs too; colour to grey with Rec. 601 luma weights) and an alpha
            channel is dropped.
        batch_size: Images per batch (default 64).
        labels: `"inferred"` (default: class subfolders, see above) or `None` (never labelled).
        shuffle: Whether to reshuffle the files every epoch (default `True`).
        seed: Seed of the shuffle order (default `None`).
        drop_remainder: Whether to leave out a last batch smaller than `batch_size`
            (default `False`).
        interpolation: Resize method: `"bilinear"` (default), `"nearest"`, `"area"`,
            `"bicubic"`, `"gaussian"`, `"lanczos3"`, `"lanczos5"` or `"mitchellcubic"`;
            antialiased when shrinking.
        crop_to_aspect_ratio: Whether to crop each image to the largest centred window with
            the aspect ratio of `image_size` before resizing, instead of stretching it
            (default `False`).
        on_invalid: What to do with files that fail the check: `"error"` (default: a
            `ValueError` naming them) or `"skip"` (leave them out with one warning).

    Returns:
        A `DataSource` whose `dataset` yields float32 batches of shape
        `(batch, height, width, channels)` in [-1, 1], or `(images, labels)` with int32
        labels when the folder is labelled; `class_names` holds the subfolder names.

    Raises:
        FileNotFoundError: When `path` does not exist.
        ValueError: When `path` holds no images, when files fail the check (with
            `on_invalid="error"`), or on a bad argument.

    Example:
    >>> import os, tempfile, numpy as np
    >>> from PIL import Image
    >>> root = tempfile.mkdtemp()
    >>> for name, value in [("cats", 0), ("dogs", 255)]:
    ...     os.makedirs(os.path.join(root, name))
    ...     for i in range(3):
    ...         pixels = np.full((20, 30, 3), value, "uint8")
    ...         Image.fromarray(pixels).save(os.path.join(root, name, f"{i}.png"))
    >>> source = load_image_folder(root, image_size=16, batch_size=4, seed=0)
    >>> source.class_names, source.num_examples, source.shape
    (('cats', 'dogs'), 6, (16, 16, 3))
    >>> images, ids = next(iter(source.dataset))
    >>> images.shape, np.allclose(images.numpy().max(axis=(1, 2, 3)), 2 * ids.numpy() - 1)
    (TensorShape([4, 16, 16, 3]), True)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be the path of a folder. Received: path={path!r}")
    height, width = _checks.image_size(image_size)
    if channels not in (1, 3) or isinstance(channels, bool):
        raise ValueError(f"`channels` must be 1 or 3. Received: channels={channels!r}")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    if labels not in LABEL_MODES:
        raise ValueError(f"`labels` must be 'inferred' or None. Received: labels={labels!r}")
    shuffle = _checks.boolean(shuffle, "shuffle")
    seed = _checks.seed(seed)
    drop_remainder = _checks.boolean(drop_remainder, "drop_remainder")
    _checks.one_of(interpolation, "interpolation", _checks.RESIZE_METHODS)
    crop_to_aspect_ratio = _checks.boolean(crop_to_aspect_ratio, "crop_to_aspect_ratio")
    _checks.one_of(on_invalid, "on_invalid", ON_INVALID)

    root = Path(path).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"Image folder not found: {root}")
    if not root.is_dir():
        raise ValueError(f"`path` must be a folder of images. Received: path={root} (a file)")
    paths, ids, class_names = _list_files(str(root), labels)
    paths, ids, skipped = _drop_invalid(root, paths, ids, on_invalid)
    if drop_remainder and batch_size > len(paths):
        raise ValueError(
            f"`batch_size` must be at most the number of images ({len(paths)}) when "
            f"drop_remainder=True, or every batch is dropped. Received: batch_size={batch_size}"
        )

    def decode(file_path):
        data = tf.io.read_file(file_path)
        image = tf.cast(decode_pixels(data, channels), tf.float32) / 127.5 - 1.0
        if crop_to_aspect_ratio:
            image = _center_crop(image, height, width)
        same_size = tf.reduce_all(tf.shape(image)[:2] == (height, width))
        image = tf.cond(
            same_size, lambda: image, lambda: resize_images(image, (height, width), interpolation)
        )
        return tf.ensure_shape(image, (height, width, channels))

    elements = tf.constant(paths) if ids is None else (tf.constant(paths), tf.constant(ids))
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    if ids is None:
        dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(
            lambda file_path, label: (decode(file_path), label),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)

    classes = (
        f", {len(class_names)} classes ({', '.join(class_names[:_LISTED])}"
        f"{', ...' if len(class_names) > _LISTED else ''})"
        if class_names
        else ""
    )
    return DataSource(
        dataset=dataset,
        shape=(height, width, channels),
        num_classes=None if class_names is None else len(class_names),
        description=(
            f"image folder {root}: {len(paths):,} images{classes}, resized to "
            f"{height}x{width}x{channels}, in [-1, 1]"
        ),
        class_names=class_names,
        num_examples=len(paths),
        metadata={"path": str(root), "skipped": skipped},
    )

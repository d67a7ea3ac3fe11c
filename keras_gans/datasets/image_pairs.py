"""Two image domains as one `tf.data` pipeline of `(a, b)` batches, for translation models.

`load_pairs` reads paired data (two folders whose files share names, or one folder of
side-by-side `A|B` images, as pix2pix's datasets ship), unpaired data (two folders: CycleGAN)
or a built-in task of `translation_tasks`, and applies the papers' augmentation: random
jitter (upscale by 286/256, random crop back) and mirroring, the same for both images of a
pair and independent for unpaired ones (Isola et al. 2017, section 6.2; Zhu et al. 2017,
section 7.1).
"""

from __future__ import annotations

import dataclasses
import numbers
import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_gans.datasets import _checks
from keras_gans.datasets.image_folder import _nonempty, _walk, check_image_file, decode_pixels
from keras_gans.datasets.pipeline import resize_images
from keras_gans.datasets.source import DataSource
from keras_gans.datasets.translation_tasks import TRANSLATION_TASKS, translation_task

__all__ = ["JITTER_SCALE", "image_channels_and_size", "load_pairs", "read_images"]

#: Upscaling before the random crop: 286 / 256 in both papers.
JITTER_SCALE = 286 / 256
_LISTED = 5


def image_channels_and_size(path):
    """`(channels, (height, width))` of an image file: 1 for grayscale, else 3 (alpha dropped)."""
    from PIL import Image

    with Image.open(path) as image:
        return (1 if image.mode in ("1", "L", "I", "I;16", "F") else 3), (image.height, image.width)


def _relative_stems(root):
    images, others = _walk(root)
    images = _nonempty(root, images, others)
    bad = [(p, why) for p in images if (why := check_image_file(p)) is not None]
    if bad:
        listed = "; ".join(f"{p}: {why}" for p, why in bad[:_LISTED])
        raise ValueError(f"{len(bad)} unreadable image(s) in {root}: {listed}")
    stems = {}
    for path in images:
        stem = os.path.splitext(os.path.relpath(path, root))[0]
        if stem in stems:
            raise ValueError(
                f"{root} holds two images named {stem!r} ({stems[stem]} and {path}): paired "
                "folders match files by name, so names must be unique"
            )
        stems[stem] = path
    return stems


def _match(root_a, root_b):
    a, b = _relative_stems(root_a), _relative_stems(root_b)
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    if only_a or only_b:
        raise ValueError(
            "Paired folders must hold images with the same names (extensions may differ). "
            f"Only in {root_a}: {only_a[:_LISTED]} ({len(only_a)}); only in {root_b}: "
            f"{only_b[:_LISTED]} ({len(only_b)}). Pass paired=False for unpaired data."
        )
    names = sorted(a)
    return [a[n] for n in names], [b[n] for n in names]


def _decoder(channels, size, split=None):
    """Reads, decodes (by content), optionally takes the left/right half, resizes, scales."""

    def decode(path):
        image = decode_pixels(tf.io.read_file(path), channels)
        if split is not None:
            half = tf.shape(image)[1] // 2
            image = image[:, :half] if split == "left" else image[:, half : 2 * half]
        image = resize_images(tf.cast(image, tf.float32) / 127.5 - 1.0, size)
        return tf.ensure_shape(image, (*size, channels))

    return decode


def _augment(images, seed, jitter, mirror):
    """The same random jitter and mirroring for every image of `images` (a tuple)."""
    height, width = images[0].shape[:2]
    channels = [int(image.shape[-1]) for image in images]
    stacked = tf.concat(images, axis=-1)
    if jitter:
        big = (round(height * JITTER_SCALE), round(width * JITTER_SCALE))
        stacked = resize_images(stacked, big)
        stacked = tf.image.stateless_random_crop(
            stacked, (height, width, sum(channels)), seed=seed[0]
        )
    if mirror:
        stacked = tf.image.stateless_random_flip_left_right(stacked, seed=seed[1])
    return tuple(tf.split(stacked, channels, axis=-1))


def _seeds(seed):
    # Two stateless seeds per element, new ones every epoch, reproducible for a given seed.
    stream = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    return stream.batch(4).map(lambda s: tf.reshape(tf.cast(s, tf.int32), (2, 2)))


def _domain(elements, decode, shuffle, seed, count):
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(len(elements), seed=seed, reshuffle_each_iteration=True)
    if len(elements) < count:
        dataset = dataset.repeat()
    return dataset.take(count).map(decode, num_parallel_calls=tf.data.AUTOTUNE)


def load_pairs(
    data,
    target=None,
    *,
    paired=True,
    image_size=None,
    channels=None,
    batch_size=1,
    jitter=True,
    mirror=True,
    shuffle=True,
    seed=None,
    drop_remainder=False,
    split="train",
    swap=False,
):
    """Two image domains as a `tf.data` pipeline yielding `(a, b)` batches in [-1, 1].

    `data` and `target` are, for:
    - paired folders: two folders whose images share relative names (`a/x.png` pairs with
      `b/x.jpg`); every name must be in both.
    - side-by-side images: one folder (`target=None`) of images holding A on the left half
      and B on the right (pix2pix's facades, maps, edges2shoes).
    - unpaired folders (`paired=False`): two folders of any sizes; an epoch is one pass over
      the larger, the smaller is reshuffled and repeated.
    - a built-in task (`target=None`): a name of `TRANSLATION_TASKS`; paired it yields the
      `split`'s pairs, unpaired domain A from `"train-a"` and domain B from `"train-b"`,
      disjoint digits.

    Args:
        data: Domain A: a folder, or a task name.
        target: Domain B's folder (default `None`: side-by-side images, or a task).
        paired: Whether `a[i]` and `b[i]` are a pair (default `True`).
        image_size: An int or `(height, width)` (default `None`: the first image's size; 32
            for tasks).
        channels: `(channels_a, channels_b)` or one int for both, 1 or 3 (default `None`:
            from each domain's first image). A built-in task's images are grey: `None` or 1.
        batch_size: Pairs per batch (default 1, as both papers).
        jitter: Upscale by `JITTER_SCALE` and randomly crop back (default `True`).
        mirror: Random horizontal flips (default `True`).
        shuffle: Reshuffle every epoch (default `True`).
        seed: Seed of the shuffle and the augmentation (default `None`).
        drop_remainder: Drop a last smaller batch (default `False`).
        split: For tasks: `"train"` (default), `"test"` or `"all"`; ignored for folders.
        swap: Exchange the domains, so `data`'s images are the targets (default `False`),
            e.g. facades' labels (right half) to photos (left half).

    Returns:
        A `DataSource` whose `shape` is domain A's and whose `metadata` holds
        `target_shape`, `paired`, `kind` (`"folders"`, `"side-by-side"` or `"task"`) and, for
        paired folders, `files`.

    Example:
    >>> source = load_pairs("digits-edges", image_size=16, batch_size=4, seed=0)
    >>> a, b = next(iter(source.dataset))
    >>> a.shape, b.shape, source.metadata["target_shape"], source.num_examples
    (TensorShape([4, 16, 16, 1]), TensorShape([4, 16, 16, 1]), (16, 16, 1), 1438)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks",
        CVPR 2017; Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017.
    """
    batch_size = _checks.positive_int(batch_size, "batch_size")
    flags = {
        n: _checks.boolean(v, n)
        for n, v in [
            ("paired", paired),
            ("jitter", jitter),
            ("mirror", mirror),
            ("shuffle", shuffle),
            ("drop_remainder", drop_remainder),
        ]
    }
    seed = _checks.seed(seed)
    size = None if image_size is None else _checks.image_size(image_size)
    if _checks.boolean(swap, "swap"):
        source = load_pairs(
            data,
            target,
            paired=paired,
            image_size=image_size,
            channels=channels,
            batch_size=batch_size,
            jitter=jitter,
            mirror=mirror,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            split=split,
        )
        metadata = {**source.metadata, "target_shape": source.shape, "swapped": True}
        return dataclasses.replace(
            source,
            dataset=source.dataset.map(lambda a, b: (b, a)),
            shape=source.metadata["target_shape"],
            description=f"{source.description}, domains swapped",
            metadata=metadata,
        )
    if isinstance(data, str) and data in TRANSLATION_TASKS and target is None:
        if channels is not None and _channels(channels) != (1, 1):
            raise ValueError(
                f"The translation task {data!r} has grey images (1 channel): `channels` must "
                f"be None or 1. Received: channels={channels!r}"
            )
        return _task(data, size, split, batch_size, seed, flags)
    domains = _folders(data, target, flags["paired"], size, channels)
    (paths_a, paths_b), (shape_a, shape_b), kind, decoders = domains
    count = max(len(paths_a), len(paths_b))
    dataset = _zip(paths_a, paths_b, decoders, flags, seed, count)
    dataset = dataset.batch(batch_size, drop_remainder=flags["drop_remainder"])
    metadata = {"target_shape": shape_b, "paired": flags["paired"], "kind": kind}
    if flags["paired"]:
        metadata["files"] = list(paths_a)
    where = f"{data} and {target}" if target is not None else f"{data} (side by side)"
    return DataSource(
        dataset.prefetch(tf.data.AUTOTUNE),
        shape=shape_a,
        description=f"{count} {'paired' if flags['paired'] else 'unpaired'} images from {where}",
        num_examples=count,
        metadata=metadata,
    )


def _zip(a, b, decoders, flags, seed, count):
    if flags["paired"]:
        pairs = tf.data.Dataset.from_tensor_slices((a, b))
        if flags["shuffle"]:
            pairs = pairs.shuffle(len(a), seed=seed, reshuffle_each_iteration=True)
        dataset = pairs.map(lambda p, q: (decoders[0](p), decoders[1](q)))
    else:
        seed_b = None if seed is None else seed + 1
        dataset = tf.data.Dataset.zip(
            _domain(a, decoders[0], flags["shuffle"], seed, count),
            _domain(b, decoders[1], flags["shuffle"], seed_b, count),
        )
    return _augmented(dataset, flags, seed)


def _augmented(dataset, flags, seed):
    if not (flags["jitter"] or flags["mirror"]):
        return dataset
    jitter, mirror = flags["jitter"], flags["mirror"]

    def step(pair, seeds):
        if flags["paired"]:  # one crop and flip for both images of a pair
            return _augment(pair, seeds, jitter, mirror)
        return (
            _augment(pair[:1], seeds, jitter, mirror)[0],
            _augment(pair[1:], seeds[::-1], jitter, mirror)[0],
        )

    dataset = tf.data.Dataset.zip(dataset, _seeds(seed))
    return dataset.map(step, num_parallel_calls=tf.data.AUTOTUNE)


def _task(name, size, split, batch_size, seed, flags):
    side = 32 if size is None else size[0]
    if size is not None and size[0] != size[1]:
        raise ValueError(f"Tasks have square images. Received: image_size={size}")
    if flags["paired"]:
        a, b, _ = translation_task(name, image_size=side, split=split)
        dataset = tf.data.Dataset.from_tensor_slices((a, b))
        if flags["shuffle"]:
            dataset = dataset.shuffle(len(a), seed=seed, reshuffle_each_iteration=True)
        count = len(a)
    else:
        a = translation_task(name, image_size=side, split="train-a")[0]
        b = translation_task(name, image_size=side, split="train-b")[1]
        count = max(len(a), len(b))
        seed_b = None if seed is None else seed + 1
        dataset = tf.data.Dataset.zip(
            _domain(a, tf.identity, flags["shuffle"], seed, count),
            _domain(b, tf.identity, flags["shuffle"], seed_b, count),
        )
    dataset = _augmented(dataset, flags, seed)
    dataset = dataset.batch(batch_size, drop_remainder=flags["drop_remainder"])
    shape = (side, side, 1)
    return DataSource(
        dataset.prefetch(tf.data.AUTOTUNE),
        shape=shape,
        description=f"{TRANSLATION_TASKS[name]}, {count} {side}x{side} "
        f"{'pairs' if flags['paired'] else 'unpaired images per domain'}",
        num_examples=count,
        metadata={"target_shape": shape, "paired": flags["paired"], "kind": "task"},
    )


def _is_channel_count(value):
    """Whether `value` is 1 or 3 as an integer (NumPy ones too; not a bool or a float)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value in (1, 3)


def _channels(channels):
    if channels is None:
        return None, None
    pair = tuple(channels) if isinstance(channels, (list, tuple)) else (channels, channels)
    if len(pair) != 2 or not all(_is_channel_count(c) for c in pair):
        raise ValueError(
            f"`channels` must be 1, 3 or a (channels_a, channels_b) pair of them. "
            f"Received: channels={channels!r}"
        )
    return tuple(int(c) for c in pair)


def _folders(data, target, paired, size, channels):
    root_a = _folder(data, "data")
    root_b = None if target is None else _folder(target, "target")
    channels_a, channels_b = _channels(channels)
    if root_b is None:
        if not paired:
            raise ValueError(
                "Unpaired data needs two folders: pass `target`. Received: target=None, "
                "paired=False"
            )
        paths = sorted(_relative_stems(root_a).values())
        found, (height, width) = image_channels_and_size(paths[0])
        size = size or (height, width // 2)
        ca, cb = channels_a or found, channels_b or found
        decoders = (_decoder(ca, size, "left"), _decoder(cb, size, "right"))
        return (paths, paths), ((*size, ca), (*size, cb)), "side-by-side", decoders
    if paired:
        paths_a, paths_b = _match(root_a, root_b)
    else:
        paths_a = sorted(_relative_stems(root_a).values())
        paths_b = sorted(_relative_stems(root_b).values())
    found_a, size_a = image_channels_and_size(paths_a[0])
    found_b, _ = image_channels_and_size(paths_b[0])
    size = size or size_a
    ca, cb = channels_a or found_a, channels_b or found_b
    decoders = (_decoder(ca, size), _decoder(cb, size))
    return (paths_a, paths_b), ((*size, ca), (*size, cb)), "folders", decoders


def _folder(path, argument):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`{argument}` must be a folder path. Received: {argument}={path!r}")
    root = Path(path).expanduser()
    if not root.is_dir():
        tasks = ", ".join(TRANSLATION_TASKS)
        hint = f" (or, with target=None, a task: {tasks})" if argument == "data" else ""
        raise FileNotFoundError(f"`{argument}` must be a folder of images{hint}. Received: {path}")
    return str(root)


def read_images(folder, image_size, channels):
    """Every image of `folder` (recursive, sorted), resized, as `(relative_paths, array)`.

    Args:
        folder: The folder.
        image_size: An int or `(height, width)`.
        channels: 1 or 3.

    Returns:
        The paths relative to `folder` and a float32 array `(n, h, w, channels)` in [-1, 1].
    """
    root = _folder(folder, "folder")
    size = _checks.image_size(image_size)
    stems = _relative_stems(root)
    paths = sorted(stems.values())
    if not _is_channel_count(channels):
        raise ValueError(f"`channels` must be 1 or 3. Received: channels={channels!r}")
    decode = _decoder(int(channels), size)
    images = np.stack([decode(tf.constant(p)).numpy() for p in paths])
    return [os.path.relpath(p, root) for p in paths], images

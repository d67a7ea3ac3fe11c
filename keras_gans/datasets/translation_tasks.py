"""Image-to-image translation tasks made from the bundled digits: offline, with ground truth.

Each task pairs a digit image with a deterministic transform of it, so a model can be
trained paired (pix2pix), unpaired on disjoint halves (CycleGAN: the pairing is never
seen) and measured against the ground truth of held-out digits.

| task | domain A | domain B |
| --- | --- | --- |
| `digits-edges` | the digit | its edge map (Sobel gradient magnitude, thresholded) |
| `digits-deblur` | the digit blurred (Gaussian, sigma = size / 16) | the sharp digit |

Both domains are `(size, size, 1)` float32 images in [-1, 1] (background -1), upsampled
bicubically from the 8x8 originals. The train/test split is fixed (seed 0, 20% test), so
test digits are never seen in training whatever seed trains the model.
"""

from __future__ import annotations

import numpy as np

from keras_gans.datasets import _checks

__all__ = ["TRANSLATION_TASKS", "translation_task"]

#: Task name -> one-line description.
TRANSLATION_TASKS = {
    "digits-edges": "bundled 8x8 digits (A) to their edge maps (B)",
    "digits-deblur": "blurred bundled digits (A) to the sharp digits (B)",
}
_SPLITS = ("train", "test", "train-a", "train-b", "all")
_TEST_FRACTION = 0.2


def _sharp_digits(size):
    from scipy import ndimage
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = bunch.images.astype("float64") / 16.0  # (n, 8, 8) in [0, 1]
    zoomed = ndimage.zoom(images, (1, size / 8, size / 8), order=3, mode="nearest", grid_mode=True)
    return np.clip(zoomed, 0.0, 1.0), bunch.target.astype("int32")


def _edges(images):
    from scipy import ndimage

    gx = ndimage.sobel(images, axis=2, mode="nearest")
    gy = ndimage.sobel(images, axis=1, mode="nearest")
    magnitude = np.hypot(gx, gy)
    scale = np.percentile(magnitude.reshape(len(images), -1), 99, axis=1)[:, None, None]
    # Weak gradients (interpolation ripples) are background; strong ones saturate.
    return np.clip((magnitude / np.maximum(scale, 1e-6) - 0.25) / 0.5, 0.0, 1.0)


def _blur(images, size):
    from scipy import ndimage

    return ndimage.gaussian_filter(images, sigma=(0, size / 16, size / 16), mode="nearest")


def _split_indices(n, split):
    order = np.random.default_rng(0).permutation(n)
    n_test = int(round(n * _TEST_FRACTION))
    test, train = np.sort(order[:n_test]), order[n_test:]
    half = len(train) // 2
    return {
        "all": np.arange(n),
        "test": test,
        "train": np.sort(train),
        "train-a": np.sort(train[:half]),
        "train-b": np.sort(train[half:]),
    }[split]


def translation_task(name, *, image_size=32, split="train"):
    """The `(a, b, labels)` arrays of a built-in translation task.

    Args:
        name: A task of `TRANSLATION_TASKS`: `"digits-edges"` or `"digits-deblur"`.
        image_size: Side of the square images (default 32), at least 8.
        split: `"train"` (1,438 digits), `"test"` (359 held-out digits), `"train-a"` /
            `"train-b"` (two disjoint halves of `"train"`: an unpaired model takes domain A
            from one and domain B from the other, so it never sees a digit in both), or
            `"all"` (default `"train"`).

    Returns:
        `(a, b, labels)`: two float32 arrays of shape `(n, image_size, image_size, 1)` in
        [-1, 1], where `b[i]` is the ground-truth translation of `a[i]`, and the digit
        classes (int32, `(n,)`).

    Example:
    >>> a, b, labels = translation_task("digits-edges", image_size=16, split="test")
    >>> a.shape, b.shape, labels.shape, float(a.min()), float(a.max())
    ((359, 16, 16, 1), (359, 16, 16, 1), (359,), -1.0, 1.0)
    """
    if name not in TRANSLATION_TASKS:
        raise ValueError(
            f"`name` must be a translation task, one of {', '.join(TRANSLATION_TASKS)}. "
            f"Received: name={name!r}"
        )
    size = _checks.positive_int(image_size, "image_size")
    if size < 8:
        raise ValueError(f"`image_size` must be at least 8. Received: image_size={image_size!r}")
    split = _checks.one_of(split, "split", _SPLITS)
    sharp, labels = _sharp_digits(size)
    if name == "digits-edges":
        a, b = sharp, _edges(sharp)
    else:
        a, b = _blur(sharp, size), sharp
    rows = _split_indices(len(sharp), split)

    def unit(images):
        return (images[rows, :, :, None] * 2.0 - 1.0).astype("float32")

    return unit(a), unit(b), labels[rows]

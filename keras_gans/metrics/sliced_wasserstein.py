"""Sliced Wasserstein distance between Laplacian-pyramid patches (Karras et al. 2017).

At each level of a Laplacian pyramid (the image's resolution down to 16x16), random 7x7
patches are taken from every image, normalised per colour channel within each set, and
the two sets of patch descriptors are compared with the sliced Wasserstein distance: the
mean, over random unit directions, of the 1-D Wasserstein-1 distance between the
projections. Fine levels measure detail, coarse levels large-scale structure.
"""

from __future__ import annotations

import numpy as np

from keras_gans.checks import positive_int
from keras_gans.checks import seed as check_seed
from keras_gans.metrics.features import as_images
from keras_gans.metrics.results import MetricResult

__all__ = ["laplacian_pyramid", "sliced_wasserstein", "sliced_wasserstein_distance"]

_BINOMIAL = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
_SCALE = 1e3  # ProGAN reports SWD x 10^3
_CHUNK_VALUES = 2**21  # pixel values per pyramid batch (16 MiB in float64)


def _blur(images):
    """Separable 5-tap binomial filter over height and width, mirrored borders."""
    out = images
    for axis in (1, 2):
        pad = [(0, 0)] * 4
        pad[axis] = (2, 2)
        padded = np.pad(out, pad, mode="reflect")
        size = out.shape[axis]
        window = [slice(None)] * 4
        for i, weight in enumerate(_BINOMIAL):
            window[axis] = slice(i, i + size)
            term = weight * padded[tuple(window)]  # a view's product: one temporary
            if i == 0:
                out = term
            else:
                out += term
    return out


def _downsample(images):
    return _blur(images)[:, ::2, ::2]


def _upsample(images, shape):
    n, height, width, channels = shape
    spread = np.zeros((n, 2 * images.shape[1], 2 * images.shape[2], channels), images.dtype)
    spread[:, ::2, ::2] = images
    return 4.0 * _blur(spread)[:, :height, :width]


def laplacian_pyramid(images, levels):
    """Laplacian pyramid of images `(n, h, w, c)`: `levels - 1` band-pass images, finest
    first, then the low-pass residual. Adding each level, upsampled, to the next finer
    one rebuilds the input exactly.

    Args:
        images: Float array `(n, height, width, channels)`.
        levels: Number of levels (>= 1); each halves the side.

    Returns:
        A list of `levels` arrays.

    Example:
    >>> import numpy as np
    >>> [level.shape[1] for level in laplacian_pyramid(np.zeros((1, 32, 32, 3)), 3)]
    [32, 16, 8]

    Reference:
        Burt & Adelson, "The Laplacian Pyramid as a Compact Image Code", IEEE Trans.
        Communications, 1983.
    """
    pyramid = [np.asarray(images, dtype="float64")]
    for _ in range(levels - 1):
        low = _downsample(pyramid[-1])
        pyramid[-1] = pyramid[-1] - _upsample(low, pyramid[-1].shape)
        pyramid.append(low)
    return pyramid


def sliced_wasserstein_distance(a, b, directions=512, seed=0, chunk=128):
    """Sliced Wasserstein-1 distance between two equally sized point sets `(n, d)`.

    Formula:
        SWD(A, B) = mean over unit directions u of mean_i |sort(A u)_i - sort(B u)_i|

    Args:
        a: First set, `(n, d)`.
        b: Second set, `(n, d)`.
        directions: Number of random directions (default 512, ProGAN's 4 x 128).
        seed: Seed of the directions (default 0).
        chunk: Directions projected at once (default 128; limits memory).

    Returns:
        A float.

    Example:
    >>> import numpy as np
    >>> a = np.arange(10.0)[:, None]
    >>> round(sliced_wasserstein_distance(a, a + 3.0, directions=4), 6)  # 1-D: the shift
    3.0

    Reference:
        Rabin et al., "Wasserstein Barycenter and its Application to Texture Mixing",
        SSVM 2011.
    """
    for name, value in (("directions", directions), ("chunk", chunk)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    a, b = np.asarray(a, dtype="float32"), np.asarray(b, dtype="float32")
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(
            f"`a` and `b` must have one shape (n, d). Received: {a.shape} and {b.shape}"
        )
    rng = np.random.default_rng(seed)
    total = 0.0
    for start in range(0, directions, chunk):
        count = min(chunk, directions - start)
        units = rng.normal(size=(a.shape[1], count))
        units = (units / np.linalg.norm(units, axis=0, keepdims=True)).astype("float32")
        projected_a = np.sort(a @ units, axis=0)
        projected_b = np.sort(b @ units, axis=0)
        total += float(np.abs(projected_a - projected_b).astype("float64").mean(axis=0).sum())
    return total / directions


def _patch_positions(shapes, count, patch_size, level_seeds):
    """Per pyramid level of `shapes`, `count` random top-left corners `(ys, xs)`."""
    positions = []
    for shape, level_seed in zip(shapes, level_seeds, strict=True):
        rng = np.random.default_rng(level_seed)
        ys = rng.integers(0, shape[1] - patch_size + 1, size=count)
        xs = rng.integers(0, shape[2] - patch_size + 1, size=count)
        positions.append((ys, xs))
    return positions


def _set_descriptors(images, chosen, levels, patches_per_image, patch_size, positions, chunk):
    """Per pyramid level, the patches at `positions` of the `chosen` images (image `i`
    owns rows `i * patches_per_image` on), normalised per channel and flattened (float32).
    The pyramids are built `chunk` images at a time, so memory holds the descriptors and
    one chunk's pyramid, never a float64 copy of the set."""
    count = len(chosen) * patches_per_image
    offsets = np.arange(patch_size)
    channels = images.shape[-1]
    descriptors = [
        np.empty((count, patch_size, patch_size, channels), "float32") for _ in positions
    ]
    for start in range(0, len(chosen), chunk):
        stop = min(start + chunk, len(chosen))
        pyramid = laplacian_pyramid(images[chosen[start:stop]], levels)
        rows = slice(start * patches_per_image, stop * patches_per_image)
        owner = np.repeat(np.arange(stop - start), patches_per_image)
        for level, (ys, xs), out in zip(pyramid, positions, descriptors, strict=True):
            out[rows] = level[  # cast to float32 on assignment
                owner[:, None, None],
                ys[rows, None, None] + offsets[None, :, None],
                xs[rows, None, None] + offsets[None, None, :],
            ]
    for out in descriptors:
        _normalise_channels(out)
    return [out.reshape(count, -1) for out in descriptors]


def _normalise_channels(out):
    """Centre and scale `out` `(m, p, p, c)` in place to zero mean and unit standard
    deviation per channel. The moments are accumulated in float64 (the squares a block of
    2**21 values at a time, never a float64 copy of `out`): over the strided leading axes
    NumPy sums sequentially, and in float32 the `m * p * p` terms per channel lose digits
    (millions of them drift the moments by percents)."""
    mean = out.mean(axis=(0, 1, 2), dtype=np.float64)
    out -= mean  # computed in float64, stored in float32
    block = max(1, _CHUNK_VALUES // int(np.prod(out.shape[1:])))
    squares = np.zeros(out.shape[-1])
    for start in range(0, len(out), block):
        part = out[start : start + block].astype(np.float64)
        squares += np.einsum("ijkc,ijkc->c", part, part)
    std = np.sqrt(squares / max(1, out.size // out.shape[-1]))
    out /= np.maximum(std, 1e-8)


def _levels(side, min_resolution):
    """The pyramid's sides: `side`, halved while even and not below `min_resolution`."""
    sides = [side]
    while sides[-1] % 2 == 0 and sides[-1] // 2 >= min_resolution:
        sides.append(sides[-1] // 2)
    return sides


def sliced_wasserstein(
    real,
    fake,
    patch_size=7,
    patches_per_image=128,
    directions=512,
    min_resolution=16,
    seed=0,
    chunk=None,
):
    """Sliced Wasserstein distance over Laplacian-pyramid patches, x 10^3 (lower is better).

    Both sets are cut to the smaller one's size (a random subset of the larger). At each
    pyramid level, from the image's side down to `min_resolution`, `patches_per_image`
    random `patch_size` x `patch_size` patches per image are normalised per channel within
    their set and compared with `sliced_wasserstein_distance`. Images smaller than
    `min_resolution` give one level, and patches are shrunk to fit the smallest level.
    Works on pixels directly; no feature extractor.

    Formula:
        SWD_level = mean_u W1(proj_u(real patches), proj_u(fake patches)); value = mean of
        the levels, x 10^3 (as Karras et al. report it)

    Args:
        real: Real images `(n, h, w, c)` in [-1, 1] (array, tensor or `tf.data.Dataset`).
        fake: Generated images of the same shape.
        patch_size: Side of the patches (default 7).
        patches_per_image: Patches drawn per image and level (default 128).
        directions: Random projection directions per level (default 512).
        min_resolution: Side of the coarsest level (default 16).
        seed: Seed of the image subset, patches and directions (default 0).
        chunk: Images whose pyramids are built at once (default `None`: as many as
            hold 2**21 values, 16 MiB in float64, at least one). Memory holds the patch
            descriptors (`n * patches_per_image * patch_size**2 * channels` float32 per
            set and level) and one chunk's pyramid with its temporaries (about 8 times the
            chunk); the value does not depend on `chunk`.

    Returns:
        A `MetricResult` named `"swd"`; `details` holds each level (`swd_32px`, ...).

    Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).uniform(-1, 1, size=(20, 16, 16, 1))
    >>> sliced_wasserstein(x, x, patches_per_image=8, directions=16).value
    0.0

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018, section 5 and appendix D.
    """
    positive_int(patch_size, "patch_size")
    positive_int(patches_per_image, "patches_per_image")
    positive_int(directions, "directions")
    positive_int(min_resolution, "min_resolution")
    real, fake = as_images(real, "real"), as_images(fake, "fake")
    if chunk is None:
        chunk = max(1, _CHUNK_VALUES // int(np.prod(real.shape[1:])))
    positive_int(chunk, "chunk")
    if real.shape[1:] != fake.shape[1:]:
        raise ValueError(
            f"`real` and `fake` must have one image shape. Received: {real.shape[1:]} and "
            f"{fake.shape[1:]}"
        )
    rng = np.random.default_rng(check_seed(seed))
    n = min(len(real), len(fake))
    sides = _levels(min(real.shape[1:3]), min_resolution)
    patch = min(patch_size, sides[-1])
    chosen = {
        "real": np.sort(rng.choice(len(real), n, replace=False)),
        "fake": np.sort(rng.choice(len(fake), n, replace=False)),
    }
    level_seeds = [int(rng.integers(2**31)) for _ in sides]
    # Both sets take their patches at the same positions: identical sets give exactly 0.
    shapes = [level.shape for level in laplacian_pyramid(real[:1], len(sides))]
    positions = _patch_positions(shapes, n * patches_per_image, patch, level_seeds)
    descriptors = {
        name: _set_descriptors(
            images, chosen[name], len(sides), patches_per_image, patch, positions, chunk
        )
        for name, images in (("real", real), ("fake", fake))
    }
    details = {}
    for index, (side, level_seed) in enumerate(zip(sides, level_seeds, strict=True)):
        distance = sliced_wasserstein_distance(
            descriptors["real"][index], descriptors["fake"][index], directions, seed=level_seed
        )
        details[f"swd_{side}px"] = distance * _SCALE
    protocol = {
        "metric": "swd",
        "n_real": int(len(real)),
        "n_fake": int(len(fake)),
        "n_used": int(n),
        "levels": sides,
        "patch_size": int(patch),
        "patches_per_image": int(patches_per_image),
        "directions": int(directions),
        "normalisation": "per channel, per set and level",
        "scale": _SCALE,
        "seed": seed,
    }
    value = float(np.mean(list(details.values())))
    return MetricResult("swd", value, protocol=protocol, details=details)

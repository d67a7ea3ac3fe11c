"""MS-SSIM, and the MS-SSIM diversity of generated samples (Odena et al. 2017).

Mean MS-SSIM over random pairs of generated images: high values (towards 1) mean the
samples look alike (low diversity, a sign of mode collapse); compare it with the same
number computed on real images.
"""

from __future__ import annotations

import math

import numpy as np

from keras_gans.checks import number_in, positive_int, positive_number
from keras_gans.checks import seed as check_seed
from keras_gans.metrics.features import as_images
from keras_gans.metrics.results import MetricResult

__all__ = ["POWER_FACTORS", "ms_ssim", "ms_ssim_diversity", "ms_ssim_settings"]

#: Wang et al.'s weights of the five scales, finest first.
POWER_FACTORS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
_K1, _K2 = 0.01, 0.03


def ms_ssim_settings(side, filter_size=None, filter_sigma=None, scales=None):
    """The window and number of scales MS-SSIM uses for images of side `side`.

    The standard setting (an 11x11 Gaussian window, sigma 1.5, five scales) needs images of
    at least 176 px: every scale must hold the window. Smaller images use as many scales as
    fit; below 22 px the window shrinks to the largest odd size that fits two scales (3 at
    8 px), with sigma 1.5 * size / 11 (at least 0.5). The weights of the scales used are
    Wang et al.'s first weights, rescaled to sum to 1.

    Args:
        side: The smaller image side.
        filter_size: Window side, a positive integer (default `None`: automatic as above).
        filter_sigma: Window sigma, a positive number (default `None`: 1.5 * filter_size /
            11, at least 0.5).
        scales: Number of scales, a positive integer (default `None`: as many as fit, at
            most 5).

    Returns:
        A dict with `filter_size`, `filter_sigma`, `scales` and `weights`.

    Example:
    >>> ms_ssim_settings(8)["filter_size"], ms_ssim_settings(8)["scales"]
    (3, 2)
    >>> ms_ssim_settings(256)["scales"]
    5
    """

    if filter_size is not None:
        filter_size = positive_int(filter_size, "filter_size")
    if filter_sigma is not None:
        filter_sigma = positive_number(filter_sigma, "filter_sigma")
    if scales is not None:
        scales = positive_int(scales, "scales")

    def fitting(size):
        count = 0
        while count < len(POWER_FACTORS) and side // 2**count >= size:
            count += 1
        return count

    if filter_size is None:
        filter_size = 11
        if fitting(11) < 2:
            half = side // 2
            filter_size = max(1, half if half % 2 else half - 1)  # largest odd <= side / 2
    if filter_sigma is None:
        filter_sigma = max(0.5, 1.5 * filter_size / 11.0)
    available = fitting(filter_size)
    if available < 1:
        raise ValueError(
            f"Images of side {side} are smaller than the MS-SSIM window. Received: "
            f"filter_size={filter_size}"
        )
    if scales is None:
        scales = available
    elif scales > available:
        raise ValueError(
            f"`scales` must be at most {available} for {side}-px images and a "
            f"{filter_size}-px window. Received: scales={scales}"
        )
    weights = np.asarray(POWER_FACTORS[:scales])
    return {
        "filter_size": int(filter_size),
        "filter_sigma": float(filter_sigma),
        "scales": int(scales),
        "weights": (weights / weights.sum()).tolist(),
    }


def _gaussian(size, sigma):
    coords = np.arange(size, dtype="float64") - (size - 1) / 2.0
    kernel = np.exp(-(coords**2) / (2.0 * sigma**2))
    return kernel / kernel.sum()


def _filter(images, kernel):
    """'Valid' separable filtering over height and width of `(n, h, w, c)`."""
    size = kernel.size
    for axis in (1, 2):
        windows = np.lib.stride_tricks.sliding_window_view(images, size, axis=axis)
        images = windows @ kernel
    return images


def _halve(images):
    pad = [(0, 0), (0, images.shape[1] % 2), (0, images.shape[2] % 2), (0, 0)]
    images = np.pad(images, pad, mode="symmetric")
    n, h, w, c = images.shape
    return images.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))


def _ssim_terms(x, y, kernel, max_val):
    """Per image and channel: mean luminance*contrast-structure and mean contrast-structure."""
    c1, c2 = (_K1 * max_val) ** 2, (_K2 * max_val) ** 2
    mean_x, mean_y = _filter(x, kernel), _filter(y, kernel)
    var_x = _filter(x * x, kernel) - mean_x**2
    var_y = _filter(y * y, kernel) - mean_y**2
    cov = _filter(x * y, kernel) - mean_x * mean_y
    luminance = (2.0 * mean_x * mean_y + c1) / (mean_x**2 + mean_y**2 + c1)
    cs = (2.0 * cov + c2) / (var_x + var_y + c2)
    return (luminance * cs).mean(axis=(1, 2)), cs.mean(axis=(1, 2))


def ms_ssim(x, y, max_val=2.0, filter_size=None, filter_sigma=None, scales=None, min_val=-1.0):
    """Multi-scale structural similarity of image pairs `x[i]`, `y[i]` (1 for identical).

    Follows Wang et al. (and `tf.image.ssim_multiscale`): Gaussian-weighted local
    statistics with a 'valid' window, 2x2 average pooling between scales, contrast-structure
    terms of every scale but the last and the full SSIM of the last, each clipped at 0 and
    raised to its weight; the product is averaged over channels. See `ms_ssim_settings` for
    the window and scales used on small images.

    The luminance term assumes non-negative intensities, so the images are first shifted
    by `-min_val` to [0, max_val] (by default from [-1, 1] to [0, 2]), as
    `tf.image.ssim_multiscale` expects them. On [-1, 1] as they are, local means of
    opposite signs would make the term negative, lowering the score, and zeroing it where
    the last scale's mean fell below 0 (clipped): two copies of one structure, one 0.1
    above 0 and one 0.1 below, would score 0 instead of 0.983. The contrast-structure terms
    do not depend on the shift.

    Formula:
        MS-SSIM = prod_{j<M} cs_j^w_j * (l_M cs_M)^w_M,
        l = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1),
        cs = (2 s_xy + C2) / (s_x^2 + s_y^2 + C2), C1 = (0.01 L)^2, C2 = (0.03 L)^2

    Args:
        x: Images `(n, h, w, c)` in [min_val, min_val + max_val] (by default [-1, 1]).
        y: Images of the same shape.
        max_val: The dynamic range L (default 2.0, for images in [-1, 1]).
        filter_size: Window side (default `None`: see `ms_ssim_settings`).
        filter_sigma: Window sigma (default `None`: see `ms_ssim_settings`).
        scales: Number of scales (default `None`: see `ms_ssim_settings`).
        min_val: The lowest intensity of the images' range (default -1.0; 0 for images
            already in [0, max_val], such as [0, 255] with `max_val=255`).

    Returns:
        A float64 array `(n,)`.

    Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).uniform(-1, 1, size=(2, 16, 16, 1))
    >>> ms_ssim(x, x).round(6).tolist()
    [1.0, 1.0]

    Reference:
        Wang, Simoncelli & Bovik, "Multiscale structural similarity for image quality
        assessment", Asilomar Conference on Signals, Systems and Computers, 2003.
    """
    max_val = positive_number(max_val, "max_val")
    min_val = number_in(min_val, "min_val", -math.inf, math.inf, low_open=True, high_open=True)
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if x.ndim != 4 or x.shape != y.shape:
        raise ValueError(
            "`x` and `y` must be image batches (n, h, w, c) of one shape. Received: "
            f"{x.shape} and {y.shape}"
        )
    settings = ms_ssim_settings(min(x.shape[1:3]), filter_size, filter_sigma, scales)
    kernel = _gaussian(settings["filter_size"], settings["filter_sigma"])
    weights = settings["weights"]
    x, y = x - min_val, y - min_val  # to [0, max_val]: new arrays, the caller's stay
    product = np.ones(x.shape[0:1] + x.shape[3:])
    for scale, weight in enumerate(weights):
        if scale:
            x, y = _halve(x), _halve(y)
        ssim, cs = _ssim_terms(x, y, kernel, max_val)
        term = ssim if scale == len(weights) - 1 else cs
        product = product * np.maximum(term, 0.0) ** weight
    return product.mean(axis=-1)


def ms_ssim_diversity(fake, pairs=1000, labels=None, seed=0, **settings):
    """Mean MS-SSIM over random pairs of distinct generated images (lower: more diverse).

    With `labels`, pairs are drawn within each class (as Odena et al. do for class-
    conditional models) and the value is the mean over classes; `details` holds each
    class's mean. Compare with the same number on real images of the same classes: values
    well above the real data's point to mode collapse.

    Formula:
        diversity = mean over pairs (i != j) of MS-SSIM(x_i, x_j)

    Args:
        fake: Generated images `(n, h, w, c)` in [-1, 1] (array, tensor or dataset), n >= 2.
        pairs: Pairs drawn (per class with `labels`) (default 1000).
        labels: Optional class id per image (default `None`: all images together).
        seed: Seed of the pair draws (default 0).
        **settings: `filter_size`, `filter_sigma`, `scales` (see `ms_ssim_settings`).

    Returns:
        A `MetricResult` named `"ms_ssim"` with `std` over pairs and its protocol.

    Example:
    >>> import numpy as np
    >>> same = np.zeros((10, 8, 8, 1))
    >>> ms_ssim_diversity(same, pairs=20).value  # all alike
    1.0

    Reference:
        Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs",
        ICML 2017.
    """
    images = as_images(fake, "fake")  # ms_ssim casts only the drawn pairs
    if isinstance(pairs, bool) or not isinstance(pairs, (int, np.integer)) or pairs <= 0:
        raise ValueError(f"`pairs` must be a positive integer. Received: pairs={pairs!r}")
    rng = np.random.default_rng(check_seed(seed))
    groups = {"all": np.arange(len(images))}
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(images):
            raise ValueError(
                f"`labels` must hold one label per image ({len(images)}). Received: "
                f"{len(labels)} labels"
            )
        groups = {str(label): np.flatnonzero(labels == label) for label in np.unique(labels)}
        groups = {key: members for key, members in groups.items() if len(members) >= 2}
    if not groups or max(len(members) for members in groups.values()) < 2:
        raise ValueError(
            "`fake` must hold at least 2 images (per class, with labels). Received: "
            f"{len(images)} images"
        )
    scores, details = [], {}
    for key, members in groups.items():
        first = rng.integers(0, len(members), size=pairs)
        second = (first + rng.integers(1, len(members), size=pairs)) % len(members)
        values = ms_ssim(images[members[first]], images[members[second]], **settings)
        details[f"ms_ssim_class_{key}" if labels is not None else "ms_ssim"] = float(values.mean())
        scores.append(values)
    value = float(np.mean([s.mean() for s in scores]))
    protocol = {
        "metric": "ms_ssim",
        "n_fake": int(len(images)),
        "pairs": int(pairs),
        "per_class": labels is not None,
        "seed": seed,
        "max_val": 2.0,
        "min_val": -1.0,
        **ms_ssim_settings(min(images.shape[1:3]), **settings),
    }
    return MetricResult(
        "ms_ssim",
        value,
        float(np.concatenate(scores).std()),
        protocol,
        details if labels is not None else {},
    )

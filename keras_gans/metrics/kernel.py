"""Kernel Inception Distance: an unbiased squared MMD with a cubic polynomial kernel."""

from __future__ import annotations

import numpy as np

from keras_gans.checks import positive_int
from keras_gans.checks import seed as check_seed
from keras_gans.metrics.features import feature_protocol, paired_features
from keras_gans.metrics.results import MetricResult

__all__ = ["kid", "polynomial_mmd2"]

_KERNEL = "k(x, y) = (x.y / d + 1)^3"


def polynomial_mmd2(x, y):
    """Unbiased estimate of the squared MMD between samples `x` and `y` (each `(m, d)`,
    m >= 2), with the kernel k(a, b) = (a.b / d + 1)^3.

    Formula:
        MMD^2_u = sum_{i!=j} k(x_i, x_j) / (m (m-1)) + sum_{i!=j} k(y_i, y_j) / (n (n-1))
                  - 2 sum_{i,j} k(x_i, y_j) / (m n)

    Args:
        x: First sample, `(m, d)`.
        y: Second sample, `(n, d)`.

    Returns:
        A float; its expectation is 0 when `x` and `y` come from one distribution (single
        estimates can be negative).

    Example:
    >>> import numpy as np
    >>> x = np.array([[1.0], [-1.0]])
    >>> polynomial_mmd2(x, x)  # 0 + 0 - 2 * mean([[8, 0], [0, 8]]): i == j is left out
    -8.0

    The kernel sums are taken over row blocks of at most `_BLOCK_ENTRIES` kernel entries,
    so memory stays bounded for any m and n (a single block, the same arithmetic, when the
    whole matrix fits in one).

    Reference:
        Gretton et al., "A Kernel Two-Sample Test", JMLR 2012.
    """
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    m, n, d = x.shape[0], y.shape[0], x.shape[1]
    if m < 2 or n < 2 or y.shape[1] != d:
        raise ValueError(
            "`x` and `y` must have shapes (m, d) and (n, d) with m, n >= 2. "
            f"Received: {x.shape} and {y.shape}"
        )
    term_xx = _kernel_sum(x, x, off_diagonal=True) / (m * (m - 1))
    term_yy = _kernel_sum(y, y, off_diagonal=True) / (n * (n - 1))
    return float(term_xx + term_yy - 2.0 * (_kernel_sum(x, y) / (m * n)))


#: Sets up to this size have their kernel matrices computed once and shared by all subsets
#: (three 4096 x 4096 float64 matrices: 400 MB at most).
_SHARED_KERNELS_UP_TO = 4096
#: The most kernel entries held at once by `_kernel_sum` (2^22 float64 entries: 32 MiB).
_BLOCK_ENTRIES = 1 << 22


def _kernel(a, b):
    return (np.asarray(a, "float64") @ np.asarray(b, "float64").T / a.shape[1] + 1.0) ** 3


def _kernel_sum(a, b, off_diagonal=False):
    """The sum of k(a_i, b_j) over all i, j (over i != j with `off_diagonal`, for b = a).

    Rows of `a` are taken in blocks of at most `_BLOCK_ENTRIES // len(b)`, so no
    `len(a) x len(b)` matrix is built when it would not fit in one block: memory is
    O(_BLOCK_ENTRIES) whatever the sizes (n = 50,000 would otherwise need 20 GB).
    """
    rows = max(1, _BLOCK_ENTRIES // len(b))
    total = 0.0
    for start in range(0, len(a), rows):
        block = _kernel(a[start : start + rows], b)
        total += block.sum()
        if off_diagonal:  # the entries (i, i) of this block are block[r, start + r]
            total -= np.trace(block, offset=start)
    return total


def _subset_estimates(x, y, draws):
    """`polynomial_mmd2(x[i], y[j])` for every draw `(i, j)` of equal sizes.

    For sets of at most `_SHARED_KERNELS_UP_TO` samples the three kernel matrices are
    computed once and each draw's sums are quadratic forms of its 0/1 indicator vectors
    (a draw's sum over i != j is s.K.s minus s.diag(K)); larger sets are computed per draw.
    """
    if max(len(x), len(y)) > _SHARED_KERNELS_UP_TO:
        return np.array([polynomial_mmd2(x[i], y[j]) for i, j in draws])
    k_xx, k_yy, k_xy = _kernel(x, x), _kernel(y, y), _kernel(x, y)
    estimates = []
    for i, j in draws:
        m = len(i)
        a, b = np.zeros(len(x)), np.zeros(len(y))
        a[i], b[j] = 1.0, 1.0
        term_xx = (a @ k_xx @ a - a @ np.diag(k_xx)) / (m * (m - 1))
        term_yy = (b @ k_yy @ b - b @ np.diag(k_yy)) / (m * (m - 1))
        estimates.append(term_xx + term_yy - 2.0 * (a @ k_xy @ b) / (m * m))
    return np.array(estimates, dtype="float64")


def kid(
    real,
    fake,
    extractor="inception-v3",
    subsets=100,
    subset_size=1000,
    seed=0,
    batch_size=256,
    verbose="auto",
):
    """Kernel Inception Distance: mean and std of the unbiased squared MMD over subsets.

    Each of `subsets` draws `subset_size` real and `subset_size` fake feature vectors
    (without replacement within a draw) and computes `polynomial_mmd2`; when neither set is
    larger than `subset_size`, every draw is the whole sets and `std` is 0. Unlike FID, the
    estimate is unbiased, so it is comparable across sample counts; it is ~0 (and can be
    slightly negative) for two samples of one distribution.

    Formula:
        KID = mean over subsets of MMD^2_u(real subset, fake subset), k(x, y) = (x.y/d + 1)^3

    Args:
        real: Real images in [-1, 1] (array, tensor or `tf.data.Dataset`), a `Features`,
            or feature vectors `(n, d)` when `extractor=None`.
        fake: Generated samples, in the same form.
        extractor: Feature extractor (default `"inception-v3"`); see `fid`.
        subsets: Number of subsets (default 100).
        subset_size: Samples per subset from each set (default 1000, reduced to the smaller
            set's size when needed).
        seed: Seed of the subset draws (default 0).
        batch_size: Images per forward pass of the extractor (default 256).
        verbose: Progress bar while extracting features (default `"auto"`).

    Returns:
        A `MetricResult` named `"kid"` with `std` over subsets and its protocol.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(300, 8)), rng.normal(size=(300, 8)) + 1.0
    >>> kid(real, fake, extractor=None, subsets=10, subset_size=100).value > 0.1
    True

    Reference:
        Binkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """
    subsets = positive_int(subsets, "subsets")
    subset_size = positive_int(subset_size, "subset_size")
    real, fake = paired_features(real, fake, extractor, batch_size, verbose)
    size = min(subset_size, len(real), len(fake))
    if size < 2:
        raise ValueError(
            "`real` and `fake` must hold at least 2 samples each. "
            f"Received: {len(real)} real and {len(fake)} fake"
        )
    rng = np.random.default_rng(check_seed(seed))
    draws = [
        (rng.choice(len(real), size, replace=False), rng.choice(len(fake), size, replace=False))
        for _ in range(subsets)
    ]
    estimates = _subset_estimates(real.values, fake.values, draws)
    protocol = {
        "metric": "kid",
        **feature_protocol(real, fake),
        "subsets": subsets,
        "subset_size": size,
        "kernel": _KERNEL,
        "estimator": "unbiased MMD^2",
        "seed": seed,
    }
    return MetricResult("kid", float(estimates.mean()), float(estimates.std()), protocol)

"""k-nearest-neighbour metrics: precision/recall, density/coverage, memorisation check."""

from __future__ import annotations

import numpy as np

from keras_gans.metrics.features import feature_protocol, paired_features
from keras_gans.metrics.results import NearestNeighboursResult, PrecisionRecallResult

__all__ = ["kth_neighbour_distances", "nearest_neighbours", "precision_recall"]

_CHUNK = 1024


def _check_k(k, name, n):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={k!r}")
    if k >= n:
        raise ValueError(
            f"`{name}` must be smaller than the number of samples in each set ({n}). "
            f"Received: {name}={k}"
        )
    return int(k)


def _distance_chunks(a, b, chunk=_CHUNK):
    """Yields `(start, distances)`: Euclidean distances of rows `a[start:start+chunk]` to
    every row of `b`, float64."""
    b_norms = (b * b).sum(axis=1)
    for start in range(0, len(a), chunk):
        part = a[start : start + chunk]
        squared = (part * part).sum(axis=1)[:, None] + b_norms[None, :] - 2.0 * part @ b.T
        yield start, np.sqrt(np.maximum(squared, 0.0))


def kth_neighbour_distances(x, k):
    """Distance from each row of `x` to its k-th nearest other row (the k-NN ball radius).

    Example:
    >>> import numpy as np
    >>> kth_neighbour_distances(np.array([[0.0], [1.0], [3.0]]), k=1).tolist()
    [1.0, 1.0, 2.0]
    """
    x = np.asarray(x, dtype="float64")
    radii = np.empty(len(x))
    for start, distances in _distance_chunks(x, x):
        # Index k of the sorted row: index 0 is the point itself (distance 0).
        radii[start : start + len(distances)] = np.partition(distances, k, axis=1)[:, k]
    return radii


def precision_recall(
    real, fake, extractor="inception-v3", k=3, density_k=5, batch_size=256, verbose="auto"
):
    """Improved precision and recall, density and coverage of generated samples.

    Each set's manifold is estimated as the union of balls around its samples reaching
    their k-th nearest neighbour in the set. Precision is the fraction of fakes inside the
    real manifold (quality), recall the fraction of reals inside the fake manifold
    (diversity). Density counts, per fake, how many real balls hold it (over k*M), and
    coverage is the fraction of real balls holding any fake; both use `density_k` and are
    less fooled by outliers.

    Formula:
        precision = 1/M sum_j 1[y_j in U_i B(x_i, NND_k(x_i))]
        recall = 1/N sum_i 1[x_i in U_j B(y_j, NND_k(y_j))]
        density = 1/(kM) sum_j sum_i 1[y_j in B(x_i, NND_k(x_i))]
        coverage = 1/N sum_i 1[exists j: y_j in B(x_i, NND_k(x_i))]

    Args:
        real: Real images in [-1, 1] (array, tensor or `tf.data.Dataset`), a `Features`,
            or feature vectors `(n, d)` when `extractor=None`.
        fake: Generated samples, in the same form.
        extractor: Feature extractor (default `"inception-v3"`); see `fid`.
        k: Neighbour for precision and recall (default 3, as Kynkaanniemi et al.).
        density_k: Neighbour for density and coverage (default 5, as Naeem et al.).
        batch_size: Images per forward pass of the extractor (default 256).
        verbose: Progress bar while extracting features (default `"auto"`).

    Returns:
        A `PrecisionRecallResult`.

    Example:
    >>> import numpy as np
    >>> real = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> result = precision_recall(real, [[0.5], [10.0]], extractor=None, k=1, density_k=1)
    >>> result.precision, result.recall  # 10 is outside every real ball; fake radii are 9.5
    (0.5, 1.0)

    Reference:
        Kynkaanniemi et al., "Improved Precision and Recall Metric for Assessing Generative
        Models", NeurIPS 2019; Naeem et al., "Reliable Fidelity and Diversity Metrics for
        Generative Models", ICML 2020.
    """
    real, fake = paired_features(real, fake, extractor, batch_size, verbose)
    n = min(len(real), len(fake))
    k, density_k = _check_k(k, "k", n), _check_k(density_k, "density_k", n)
    real_radii = kth_neighbour_distances(real.values, k)
    density_radii = (
        real_radii if density_k == k else kth_neighbour_distances(real.values, density_k)
    )
    fake_radii = kth_neighbour_distances(fake.values, k)
    inside_real = np.zeros(len(fake), bool)
    inside_fake = np.zeros(len(real), bool)
    covered = np.zeros(len(real), bool)
    ball_counts = 0
    for start, distances in _distance_chunks(fake.values, real.values):  # (fakes, reals)
        stop = start + len(distances)
        inside_real[start:stop] = (distances <= real_radii[None, :]).any(axis=1)
        inside_fake |= (distances <= fake_radii[start:stop, None]).any(axis=0)
        in_density_balls = distances <= density_radii[None, :]
        ball_counts += int(in_density_balls.sum())
        covered |= in_density_balls.any(axis=0)
    protocol = {
        "metric": "precision_recall",
        **feature_protocol(real, fake),
        "k": k,
        "density_k": density_k,
        "distance": "euclidean",
    }
    return PrecisionRecallResult(
        precision=float(inside_real.mean()),
        recall=float(inside_fake.mean()),
        density=float(ball_counts / (density_k * len(fake))),
        coverage=float(covered.mean()),
        protocol=protocol,
    )


def nearest_neighbours(real, fake, extractor=None, k=1, batch_size=256, verbose="auto"):
    """For each generated sample, its `k` nearest real (training) samples and distances.

    The memorisation check GAN papers show: put each fake next to its nearest training
    images; near-zero distances mean copies. Distances are Euclidean in pixel space by
    default (`extractor=None`: images flattened), or in an extractor's feature space.

    Args:
        real: The training samples: images (array, tensor or `tf.data.Dataset`), a
            `Features`, or feature vectors.
        fake: Generated samples, in the same form.
        extractor: `None` (default: raw values, flattened) or a feature extractor; see
            `fid`.
        k: Neighbours per sample (default 1).
        batch_size: Images per forward pass of the extractor (default 256).
        verbose: Progress bar while extracting features (default `"auto"`).

    Returns:
        A `NearestNeighboursResult` with `indices` and `distances` of shape `(n_fake, k)`.

    Example:
    >>> import numpy as np
    >>> real = np.array([[0.0, 0.0], [5.0, 5.0], [9.0, 0.0]])
    >>> result = nearest_neighbours(real, np.array([[4.0, 5.0], [9.0, 0.0]]))
    >>> result.indices[:, 0].tolist(), result.distances[:, 0].tolist()
    ([1, 2], [1.0, 0.0])
    """
    real, fake = paired_features(real, fake, extractor, batch_size, verbose)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 < k <= len(real):
        raise ValueError(f"`k` must be an integer in [1, {len(real)}]. Received: k={k!r}")
    indices = np.empty((len(fake), k), dtype="int64")
    found = np.empty((len(fake), k))
    for start, distances in _distance_chunks(fake.values, real.values):
        stop = start + len(distances)
        nearest = np.argpartition(distances, k - 1, axis=1)[:, :k]
        near_distances = np.take_along_axis(distances, nearest, axis=1)
        order = np.argsort(near_distances, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(nearest, order, axis=1)
        found[start:stop] = np.take_along_axis(near_distances, order, axis=1)
    protocol = {
        "metric": "nearest_neighbours",
        **feature_protocol(real, fake),
        "space": "raw values, flattened" if real.extractor == "none" else "features",
        "k": int(k),
        "distance": "euclidean",
    }
    return NearestNeighboursResult(indices, found, protocol)

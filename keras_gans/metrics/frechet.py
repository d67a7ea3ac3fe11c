"""Frechet Inception Distance: the Frechet distance between Gaussians fitted to features."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans.metrics.features import feature_protocol, paired_features
from keras_gans.metrics.results import MetricResult

__all__ = ["FrechetDistance", "feature_statistics", "fid", "frechet_distance"]

_SQRTM = "trace of sqrtm(S1 S2) from eigenvalues of S1^1/2 S2 S1^1/2 (symmetric, clipped at 0)"


def feature_statistics(features):
    """Mean and covariance (unbiased, float64) of feature vectors `(n, d)`, n >= 2.

    Example:
    >>> mean, cov = feature_statistics([[0.0, 1.0], [2.0, 3.0]])
    >>> mean.tolist(), cov.tolist()
    ([1.0, 2.0], [[2.0, 2.0], [2.0, 2.0]])
    """
    features = np.asarray(features, dtype="float64")
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError(
            "`features` must have shape (n, d) with n >= 2 to estimate a covariance. "
            f"Received: shape {features.shape}"
        )
    return features.mean(axis=0), np.atleast_2d(np.cov(features, rowvar=False))


def _trace_sqrt_product(sigma1, sigma2):
    """tr(sqrtm(sigma1 @ sigma2)) for symmetric positive semi-definite matrices.

    sigma1 @ sigma2 has the eigenvalues of the symmetric matrix A sigma2 A with
    A = sigma1^(1/2), which are real and >= 0 up to rounding, so the result is real and
    finite even for singular covariances (fewer samples than dimensions).
    """
    values, vectors = np.linalg.eigh(sigma1)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    product = root @ sigma2 @ root
    product = (product + product.T) / 2.0
    return float(np.sqrt(np.clip(np.linalg.eigvalsh(product), 0.0, None)).sum())


def frechet_distance(mean1, cov1, mean2, cov2):
    """The Frechet (2-Wasserstein) distance squared between two Gaussians.

    Formula:
        d^2 = ||m1 - m2||^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)

    The square root is taken of a symmetric matrix through its eigen-decomposition (in
    float64, eigenvalues clipped at 0), so the value is real and finite for near-singular
    covariances, where a general matrix square root of S1 S2 turns complex.

    Args:
        mean1: Mean of the first Gaussian, `(d,)`.
        cov1: Its covariance, `(d, d)`.
        mean2: Mean of the second Gaussian, `(d,)`.
        cov2: Its covariance, `(d, d)`.

    Returns:
        A Python float >= 0 (a negative value from rounding is returned as 0).

    Example:
    >>> import numpy as np
    >>> round(frechet_distance([0, 0], np.eye(2), [3, 4], 4 * np.eye(2)), 6)
    27.0

    Reference:
        Dowson & Landau, "The Frechet distance between multivariate normal distributions",
        Journal of Multivariate Analysis, 1982.
    """
    mean1, mean2 = (np.asarray(m, dtype="float64").ravel() for m in (mean1, mean2))
    cov1, cov2 = (np.atleast_2d(np.asarray(c, dtype="float64")) for c in (cov1, cov2))
    d = mean1.shape[0]
    for name, value in (("mean2", mean2), ("cov1", cov1), ("cov2", cov2)):
        expected = (d,) if name == "mean2" else (d, d)
        if value.shape != expected:
            raise ValueError(
                f"`{name}` must have shape {expected} to match mean1. Received: {value.shape}"
            )
    diff = mean1 - mean2
    trace = np.trace(cov1) + np.trace(cov2) - 2.0 * _trace_sqrt_product(cov1, cov2)
    return max(float(diff @ diff + trace), 0.0)


def fid(real, fake, extractor="inception-v3", batch_size=256, verbose="auto"):
    """Frechet Inception Distance between real and generated samples (lower is better).

    Gaussians are fitted (float64 mean and unbiased covariance) to the features of each set
    and compared with `frechet_distance`. FID depends on the sample counts (it is biased
    upwards for small n), the extractor and the resizing: compare scores only under one
    protocol, which the result records.

    Formula:
        FID = ||mu_r - mu_f||^2 + tr(S_r + S_f - 2 (S_r^1/2 S_f S_r^1/2)^1/2)

    Args:
        real: Real images in [-1, 1] (array, tensor or `tf.data.Dataset`), a `Features`,
            or feature vectors `(n, d)` when `extractor=None`.
        fake: Generated samples, in the same form.
        extractor: A registered extractor name (default `"inception-v3"`), a `keras.Model`,
            a callable, a `FeatureExtractor`, or `None` when `real` and `fake` are features.
        batch_size: Images per forward pass of the extractor (default 256).
        verbose: Progress bar while extracting features (default `"auto"`).

    Returns:
        A `MetricResult` named `"fid"` with its protocol.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 4))
    >>> round(fid(x, x, extractor=None).value, 6)
    0.0
    >>> fid(x, x + 1.0, extractor=None).protocol["n_fake"]
    500

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017.
    """
    real, fake = paired_features(real, fake, extractor, batch_size, verbose)
    value = frechet_distance(*feature_statistics(real.values), *feature_statistics(fake.values))
    protocol = {"metric": "fid", **feature_protocol(real, fake), "sqrtm": _SQRTM}
    return MetricResult("fid", value, protocol=protocol)


@keras.saving.register_keras_serializable(package="keras_gans")
class FrechetDistance(keras.metrics.Metric):
    """Streaming Frechet distance between two sets of feature vectors fed in batches.

    `update_state(real, fake)` adds each batch to float64 sums per set: the count, the sum
    of the vectors and the sum of their outer products. `result()` turns them into the
    mean and unbiased covariance and returns `frechet_distance` of the two Gaussians
    (clipped at 0), so after seeing every feature it equals `fid(real, fake,
    extractor=None)` for any batching. Either argument may be `None` to update one side
    only (e.g. the real statistics once, then fakes each evaluation after `reset_fake()`).

    The sums are additive, so under `tf.distribute` each replica adds its own batches and
    reading the metric sums the replicas (Keras's `"sum"` aggregation): the result is that
    of the global batch. The covariance is the difference `(sum x x^T - n m m^T) / (n - 1)`;
    in float64 it keeps about `16 - log10(|m|^2 / variance)` significant digits, which for
    network features (means and spreads of one order) is all of them.

    Formula:
        d^2 = ||m_r - m_f||^2 + tr(S_r) + tr(S_f) - 2 tr((S_r^1/2 S_f S_r^1/2)^1/2),
        m = sum x / n, S = (sum x x^T - n m m^T) / (n - 1)

    Args:
        feature_dim: The size of the feature vectors.
        name: The metric name (default `"frechet_distance"`).
        dtype: The accumulator dtype (default `"float64"`).

    Example:
    >>> import numpy as np
    >>> metric = FrechetDistance(feature_dim=2)
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(400, 2)), rng.normal(size=(400, 2)) + [3.0, 4.0]
    >>> for start in range(0, 400, 100):
    ...     metric.update_state(real[start:start + 100], fake[start:start + 100])
    >>> bool(abs(float(metric.result()) - fid(real, fake, extractor=None).value) < 1e-9)
    True

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017.
    """

    def __init__(self, feature_dim, name="frechet_distance", dtype="float64"):
        super().__init__(name=name, dtype=dtype)
        if isinstance(feature_dim, bool) or not isinstance(feature_dim, (int, np.integer)):
            raise ValueError(f"`feature_dim` must be a positive integer. Received: {feature_dim!r}")
        if feature_dim <= 0:
            raise ValueError(
                f"`feature_dim` must be a positive integer. Received: feature_dim={feature_dim}"
            )
        self.feature_dim = int(feature_dim)
        self._state = {}
        for side in ("real", "fake"):
            self._state[side] = (
                self.add_variable((), initializer="zeros", name=f"{side}_count", dtype=dtype),
                self.add_variable(
                    (self.feature_dim,), initializer="zeros", name=f"{side}_sum", dtype=dtype
                ),
                self.add_variable(
                    (self.feature_dim, self.feature_dim),
                    initializer="zeros",
                    name=f"{side}_products",
                    dtype=dtype,
                ),
            )

    def _add(self, side, batch):
        count, total, products = self._state[side]
        batch = ops.reshape(ops.cast(batch, self.dtype), (-1, self.feature_dim))
        count.assign(count + ops.cast(ops.shape(batch)[0], self.dtype))
        total.assign(total + ops.sum(batch, axis=0))
        products.assign(products + ops.matmul(ops.transpose(batch), batch))

    def update_state(self, real=None, fake=None):
        """Adds a batch of real and/or fake feature vectors `(batch, feature_dim)`; an
        empty batch changes nothing."""
        if real is not None:
            self._add("real", real)
        if fake is not None:
            self._add("fake", fake)

    def reset_fake(self):
        """Forgets the fake statistics and keeps the real ones."""
        for variable in self._state["fake"]:
            variable.assign(ops.zeros(variable.shape, self.dtype))

    def _check_counts(self):
        """Raises when, known now (eager execution), either set has fewer than 2 vectors."""
        counts = {}
        for side, (count, _, _) in self._state.items():
            try:
                counts[side] = int(ops.convert_to_numpy(count))
            except (NotImplementedError, TypeError, ValueError, AttributeError):
                return  # traced: the result is NaN instead
        if min(counts.values()) < 2:
            raise ValueError(
                "FrechetDistance needs at least 2 real and 2 fake feature vectors to "
                f"estimate covariances. Received: {counts['real']} real and "
                f"{counts['fake']} fake (pass them to `update_state(real, fake)`)"
            )

    def result(self):
        self._check_counts()
        stats, enough = {}, True
        for side, (count, total, products) in self._state.items():
            mean = total / ops.maximum(count, 1.0)
            scatter = products - ops.outer(total, mean)
            scatter = (scatter + ops.transpose(scatter)) / 2.0
            stats[side] = (mean, scatter / ops.maximum(count - 1.0, 1.0))
            enough = ops.logical_and(enough, count >= 2.0)
        (mean_r, cov_r), (mean_f, cov_f) = stats["real"], stats["fake"]
        values, vectors = ops.eigh(cov_r)
        root = ops.matmul(vectors * ops.sqrt(ops.relu(values)), ops.transpose(vectors))
        product = ops.matmul(ops.matmul(root, cov_f), root)
        product = (product + ops.transpose(product)) / 2.0
        trace_sqrt = ops.sum(ops.sqrt(ops.relu(ops.eigh(product)[0])))
        diff = mean_r - mean_f
        value = ops.sum(diff * diff) + ops.trace(cov_r) + ops.trace(cov_f) - 2.0 * trace_sqrt
        value = ops.maximum(value, 0.0)  # as `frechet_distance`: rounding never goes below 0
        return ops.where(enough, value, ops.cast(float("nan"), self.dtype))

    def get_config(self):
        return {"feature_dim": self.feature_dim, "name": self.name, "dtype": self.dtype}

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

    `update_state(real, fake)` merges each batch into float64 running means and centred
    scatter matrices (Chan et al.'s parallel update, stable for any batch sizes); `result()`
    is `frechet_distance` of the two fitted Gaussians, so after seeing every feature it
    equals `fid(real, fake, extractor=None)`. Either argument may be `None` to update one
    side only (e.g. the real statistics once, then fakes each evaluation after
    `reset_fake()`).

    Formula:
        d^2 = ||m_r - m_f||^2 + tr(S_r) + tr(S_f) - 2 tr((S_r^1/2 S_f S_r^1/2)^1/2)

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
        Equilibrium", NeurIPS 2017; Chan, Golub & LeVeque, "Updating formulae and a
        pairwise algorithm for computing sample variances", 1979.
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
                    (self.feature_dim,), initializer="zeros", name=f"{side}_mean", dtype=dtype
                ),
                self.add_variable(
                    (self.feature_dim, self.feature_dim),
                    initializer="zeros",
                    name=f"{side}_scatter",
                    dtype=dtype,
                ),
            )

    def _merge(self, side, batch):
        count, mean, scatter = self._state[side]
        batch = ops.reshape(ops.cast(batch, self.dtype), (-1, self.feature_dim))
        n_b = ops.cast(ops.shape(batch)[0], self.dtype)
        mean_b = ops.mean(batch, axis=0)
        centred = batch - mean_b
        total = count + n_b
        delta = mean_b - mean
        mean.assign(mean + delta * (n_b / total))
        scatter.assign(
            scatter
            + ops.matmul(ops.transpose(centred), centred)
            + ops.outer(delta, delta) * (count * n_b / total)
        )
        count.assign(total)

    def update_state(self, real=None, fake=None):
        """Adds a batch of real and/or fake feature vectors `(batch, feature_dim)`."""
        if real is not None:
            self._merge("real", real)
        if fake is not None:
            self._merge("fake", fake)

    def reset_fake(self):
        """Forgets the fake statistics and keeps the real ones."""
        for variable in self._state["fake"]:
            variable.assign(ops.zeros(variable.shape, self.dtype))

    def result(self):
        stats = {}
        for side, (count, mean, scatter) in self._state.items():
            stats[side] = (mean, scatter / ops.maximum(count - 1.0, 1.0))
        (mean_r, cov_r), (mean_f, cov_f) = stats["real"], stats["fake"]
        values, vectors = ops.eigh(cov_r)
        root = ops.matmul(vectors * ops.sqrt(ops.relu(values)), ops.transpose(vectors))
        product = ops.matmul(ops.matmul(root, cov_f), root)
        product = (product + ops.transpose(product)) / 2.0
        trace_sqrt = ops.sum(ops.sqrt(ops.relu(ops.eigh(product)[0])))
        diff = mean_r - mean_f
        return ops.sum(diff * diff) + ops.trace(cov_r) + ops.trace(cov_f) - 2.0 * trace_sqrt

    def get_config(self):
        return {"feature_dim": self.feature_dim, "name": self.name, "dtype": self.dtype}

"""GAN evaluation metrics: FID, KID, Inception Score, SWD, MS-SSIM, precision/recall.

Every metric is a function with one calling convention, `metric(real, fake,
extractor=...)`, where `real` and `fake` are images in [-1, 1] (NumPy arrays, tensors or
`tf.data` datasets) or, with `extractor=None`, feature vectors; each returns a small result
object holding the value(s) and the `protocol` that makes them comparable (sample counts,
extractor, resizing, subsets...). `FrechetDistance` is the streaming `keras.metrics.Metric`
version of FID.

Feature extractors are plugins of the entry-point group `keras_gans.feature_extractors`:
`names()` lists them from metadata; built-ins are `inception-v3` (pool_3, 2048-d) and
`inception-v3-logits` (weights from a local file; never downloaded), and `digits` /
`digits-logits`, a small classifier shipped with the package so every metric runs offline.
Any `keras.Model` or callable also works as `extractor=`.

This package imports no training code (`keras_gans.models`) and no export runtime.
"""

from keras_gans.metrics.digits_classifier import load_digits_classifier, train_digits_classifier
from keras_gans.metrics.features import (
    FeatureExtractor,
    Features,
    extract_features,
    registry,
    resolve_extractor,
)
from keras_gans.metrics.frechet import FrechetDistance, feature_statistics, fid, frechet_distance
from keras_gans.metrics.inception_score import inception_score
from keras_gans.metrics.kernel import kid
from keras_gans.metrics.manifold import nearest_neighbours, precision_recall
from keras_gans.metrics.ms_ssim import ms_ssim, ms_ssim_diversity
from keras_gans.metrics.results import MetricResult, NearestNeighboursResult, PrecisionRecallResult
from keras_gans.metrics.sliced_wasserstein import sliced_wasserstein, sliced_wasserstein_distance
from keras_gans.registry import normalize_name

names = registry.names
get = registry.get
describe = registry.describe
register = registry.register
refresh = registry.refresh

__all__ = [
    "FeatureExtractor",
    "Features",
    "FrechetDistance",
    "MetricResult",
    "NearestNeighboursResult",
    "PrecisionRecallResult",
    "describe",
    "extract_features",
    "feature_statistics",
    "fid",
    "frechet_distance",
    "get",
    "inception_score",
    "kid",
    "load_digits_classifier",
    "ms_ssim",
    "ms_ssim_diversity",
    "names",
    "nearest_neighbours",
    "normalize_name",
    "precision_recall",
    "refresh",
    "register",
    "registry",
    "resolve_extractor",
    "sliced_wasserstein",
    "sliced_wasserstein_distance",
    "train_digits_classifier",
]

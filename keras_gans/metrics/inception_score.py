"""Inception Score: exp(E_x KL(p(y|x) || p(y))) of a classifier's predictions on fakes."""

from __future__ import annotations

import numpy as np

from keras_gans.metrics.features import (
    FeatureExtractor,
    extract_features,
    feature_protocol,
    resolve_extractor,
)
from keras_gans.metrics.results import MetricResult

__all__ = ["inception_score", "score_from_probabilities", "split_bounds"]


def _softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def score_from_probabilities(probabilities):
    """exp(E_x KL(p(y|x) || p(y))) for class probabilities `(n, classes)` (0 log 0 = 0).

    Example:
    >>> import numpy as np
    >>> round(score_from_probabilities(np.eye(4)), 6)  # confident, classes uniform
    4.0
    >>> round(score_from_probabilities(np.full((5, 4), 0.25)), 6)  # no confidence
    1.0
    """
    p = np.asarray(probabilities, dtype="float64")
    marginal = p.mean(axis=0, keepdims=True)
    positive = p > 0
    log_ratio = np.log(np.where(positive, p, 1.0)) - np.log(np.where(positive, marginal, 1.0))
    kl = np.where(positive, p * log_ratio, 0.0).sum(axis=1)
    return float(np.exp(kl.mean()))


def _logits_extractor(extractor):
    if extractor is None:
        return None
    if isinstance(extractor, (str, FeatureExtractor)):
        resolved = resolve_extractor(extractor)
        if resolved.outputs != "logits":
            raise ValueError(
                "`extractor` must give class logits for the Inception Score. Received: "
                f"extractor={resolved.name!r}, which gives features; use e.g. "
                "'inception-v3-logits' or 'digits-logits'."
            )
        return resolved
    return FeatureExtractor(extractor, outputs="logits")


def split_bounds(n, splits):
    """The `(start, stop)` of each of `splits` parts of `n` samples, as Salimans et al. cut.

    Part `i` is `[i * n // splits, (i + 1) * n // splits)`: with a remainder, the later
    parts are the longer ones, as in the authors' `inception_score.py`.

    Example:
    >>> split_bounds(11, 10)[-2:]
    [(8, 9), (9, 11)]
    """
    return [(i * n // splits, (i + 1) * n // splits) for i in range(splits)]


def inception_score(
    fake,
    extractor="inception-v3-logits",
    splits=10,
    from_logits=True,
    batch_size=256,
    verbose="auto",
):
    """Inception Score of generated samples: mean and std over `splits` (higher is better).

    The samples are cut, in order, into `splits` parts; each part's score is
    exp(mean KL(p(y|x) || p(y))) with p(y) that part's mean prediction. It is 1 when every
    prediction is the same and the class count when predictions are confident and the
    classes equally frequent. It needs a classifier: no real data is used.

    Formula:
        IS = exp(E_x KL(p(y|x) || p(y))),  p(y) = E_x p(y|x)

    Args:
        fake: Generated images in [-1, 1] (array, tensor or `tf.data.Dataset`), or, with
            `extractor=None`, class logits (or probabilities, see `from_logits`) `(n, k)`.
        extractor: A classifier giving logits: a registered name (default
            `"inception-v3-logits"`; `"digits-logits"` for 8x8 digits), a `keras.Model` or
            callable (its outputs are taken as logits), or `None`.
        splits: Number of parts (default 10, as in Salimans et al.). Part `i` holds
            samples `i * n // splits` up to `(i + 1) * n // splits`, the boundaries of
            the authors' released code (openai/improved-gan), so the score matches theirs
            when `n` is not a multiple of `splits` (NumPy's `array_split` would put the
            remainder in the first parts instead; see `split_bounds`).
        from_logits: Whether the classifier outputs (or given arrays) are logits (default
            `True`) rather than probabilities. Outputs that are all non-negative with every
            row summing to 1 (to 1e-3) are refused with `True`: they are probabilities (a
            classifier ending in softmax, such as `keras.applications.InceptionV3` by
            default), and a second softmax would flatten them (one-hot predictions over
            1,000 classes scored 1.001 instead of 1,000); pass `from_logits=False`.
        batch_size: Images per forward pass of the classifier (default 256).
        verbose: Progress bar while classifying (default `"auto"`).

    Returns:
        A `MetricResult` named `"inception_score"` with `std` over splits and its protocol.

    Example:
    >>> import numpy as np
    >>> logits = 50.0 * np.eye(10)[np.arange(100) % 10]
    >>> round(inception_score(logits, extractor=None, splits=10).value, 4)
    10.0

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    if isinstance(splits, bool) or not isinstance(splits, (int, np.integer)) or splits <= 0:
        raise ValueError(f"`splits` must be a positive integer. Received: splits={splits!r}")
    predictions = extract_features(fake, _logits_extractor(extractor), batch_size, verbose, "fake")
    if len(predictions) < splits:
        raise ValueError(
            f"`fake` must hold at least `splits` samples. Received: {len(predictions)} samples "
            f"and splits={splits}"
        )
    values = predictions.values
    sums = values.sum(axis=1)
    if from_logits:
        if values.min() >= 0 and np.allclose(sums, 1.0, rtol=0.0, atol=1e-3):
            raise ValueError(
                "`from_logits` must be False for class probabilities: every row of the "
                "classifier's outputs is non-negative and sums to 1 (a final softmax, as in "
                "keras.applications.InceptionV3), and a second softmax would flatten them. "
                f"Received: from_logits=True, row sums in [{sums.min():.4g}, {sums.max():.4g}]"
            )
        probabilities = _softmax(values)
    else:
        if values.min() < 0 or not np.allclose(sums, 1.0, atol=1e-4):
            raise ValueError(
                "With from_logits=False, each row must be class probabilities summing to 1. "
                f"Received: row sums in [{sums.min():.4g}, {sums.max():.4g}], minimum "
                f"{values.min():.4g}"
            )
        probabilities = values
    scores = np.array(
        [score_from_probabilities(probabilities[a:b]) for a, b in split_bounds(len(values), splits)]
    )
    protocol = {
        "metric": "inception_score",
        **feature_protocol(None, predictions),
        "classes": predictions.feature_dim,
        "splits": int(splits),
        "from_logits": bool(from_logits),
    }
    protocol.pop("feature_dim")
    return MetricResult("inception_score", float(scores.mean()), float(scores.std()), protocol)

"""KID and Inception Score against closed forms and constructed cases."""

import numpy as np
import pytest

from keras_gans import metrics
from keras_gans.metrics.kernel import polynomial_mmd2


def test_polynomial_mmd2_matches_a_hand_computed_case():
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[1.0, 1.0], [-1.0, 0.0]])
    k = lambda a, b: (a @ b / 2 + 1) ** 3  # noqa: E731
    expected = (
        (k(x[0], x[1]) + k(x[1], x[0])) / 2
        + (k(y[0], y[1]) + k(y[1], y[0])) / 2
        - 2 * np.mean([k(a, b) for a in x for b in y])
    )
    assert polynomial_mmd2(x, y) == pytest.approx(expected, rel=1e-12)


def test_kid_is_zero_in_expectation_for_one_distribution_and_positive_otherwise():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(2000, 16))
    same = rng.normal(size=(2000, 16))
    shifted = rng.normal(size=(2000, 16)) + 0.3
    null = metrics.kid(real, same, extractor=None, subsets=50, subset_size=500)
    alt = metrics.kid(real, shifted, extractor=None, subsets=50, subset_size=500)
    # The estimator is unbiased: the mean over subsets sits within its standard error of 0.
    assert abs(null.value) < 3 * null.std / np.sqrt(50) + 1e-4
    assert alt.value > 10 * alt.std / np.sqrt(50) and alt.value > 50 * abs(null.value)
    assert null.protocol["subsets"] == 50 and null.protocol["subset_size"] == 500


def test_kid_caps_the_subset_size_and_is_reproducible():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(30, 3))
    first = metrics.kid(x, y, extractor=None, subsets=5, seed=3)
    assert first.protocol["subset_size"] == 30
    assert metrics.kid(x, y, extractor=None, subsets=5, seed=3).value == first.value


def test_inception_score_is_one_for_constant_predictions():
    logits = np.tile(np.random.default_rng(0).normal(size=(1, 7)), (100, 1))
    result = metrics.inception_score(logits, extractor=None, splits=5)
    assert result.value == pytest.approx(1.0, abs=1e-12) and result.std == pytest.approx(0.0)


def test_inception_score_is_the_class_count_for_confident_uniform_predictions():
    probabilities = np.eye(10)[np.arange(200) % 10]
    result = metrics.inception_score(probabilities, extractor=None, splits=4, from_logits=False)
    assert result.value == pytest.approx(10.0, abs=1e-12)
    assert result.protocol["classes"] == 10 and result.protocol["splits"] == 4
    # Logits: softmax of confident scores approaches the same value.
    logits = 40.0 * probabilities
    assert metrics.inception_score(logits, extractor=None, splits=4).value == pytest.approx(10.0)


def test_inception_score_of_half_confident_predictions_matches_hand_computation():
    # Two classes; each sample puts 0.75 on its class. p(y) = (0.5, 0.5):
    # KL = 0.75 log(1.5) + 0.25 log(0.5) for every sample.
    probabilities = np.array([[0.75, 0.25], [0.25, 0.75]] * 10)
    expected = np.exp(0.75 * np.log(1.5) + 0.25 * np.log(0.5))
    value = metrics.inception_score(probabilities, extractor=None, splits=1, from_logits=False)
    assert value.value == pytest.approx(expected, rel=1e-12)


def test_inception_score_rejects_a_feature_extractor_and_bad_probabilities():
    with pytest.raises(ValueError, match="digits-logits"):
        metrics.inception_score(np.zeros((20, 8, 8, 1), "float32"), extractor="digits")
    with pytest.raises(ValueError, match="summing to 1"):
        metrics.inception_score(np.ones((20, 3)), extractor=None, from_logits=False)
    with pytest.raises(ValueError, match="at least `splits`"):
        metrics.inception_score(np.ones((5, 3)), extractor=None, splits=10)


def test_inception_score_refuses_probabilities_taken_as_logits():
    # One-hot predictions over 1,000 classes: IS 1,000; softmaxed again it was 1.001.
    probabilities = np.eye(1000)[np.arange(2000) % 1000]
    with pytest.raises(ValueError, match="`from_logits` must be False .* from_logits=True"):
        metrics.inception_score(probabilities, extractor=None)
    value = metrics.inception_score(probabilities, None, splits=1, from_logits=False).value
    assert value == pytest.approx(1000.0)
    # Through a classifier ending in softmax (keras.applications.InceptionV3's default).
    import keras

    classifier = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(5, "softmax")]
    )
    images = np.random.default_rng(0).uniform(-1, 1, size=(20, 8, 8, 1)).astype("float32")
    with pytest.raises(ValueError, match="from_logits"):
        metrics.inception_score(images, classifier, splits=2, verbose=0)
    metrics.inception_score(images, classifier, splits=2, from_logits=False, verbose=0)
    # Logits that happen to be non-negative but do not sum to 1 are taken as logits.
    assert metrics.inception_score(probabilities * 2.0, extractor=None).value > 1.0


def test_inception_score_with_the_digits_classifier_on_real_digits():
    from keras_gans.datasets import load_digits

    x, _ = load_digits()
    result = metrics.inception_score(x, extractor="digits-logits", verbose=0)
    # Real digits: confident, ten nearly balanced classes.
    assert 8.5 < result.value <= 10.0
    assert result.protocol["extractor"] == "digits-logits"
    # A Keras classifier as `extractor=` is taken to give logits: the same score.
    model = metrics.load_digits_classifier()
    assert metrics.inception_score(x, model, verbose=0).value == pytest.approx(result.value)
    noise = np.zeros((500, 8, 8, 1), "float32")  # one constant image: one prediction
    assert metrics.inception_score(noise, "digits-logits", verbose=0).value == pytest.approx(1.0)


def test_kid_of_whole_sets_is_one_estimate_equal_to_every_reordered_draw():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(40, 5)), rng.normal(size=(40, 5)) + 0.3
    result = metrics.kid(real, fake, extractor=None, subsets=7, subset_size=1000)
    order = rng.permutation(40)
    assert result.std == 0.0
    assert result.value == pytest.approx(polynomial_mmd2(real[order], fake[order[::-1]]))


def test_kid_from_shared_kernels_equals_the_per_subset_computation(monkeypatch):
    from keras_gans.metrics import kernel

    rng = np.random.default_rng(4)
    real, fake = rng.normal(size=(60, 6)), rng.normal(size=(50, 6)) * 1.2
    shared = metrics.kid(real, fake, extractor=None, subsets=9, subset_size=20, seed=2)
    monkeypatch.setattr(kernel, "_SHARED_KERNELS_UP_TO", 10)
    direct = metrics.kid(real, fake, extractor=None, subsets=9, subset_size=20, seed=2)
    assert shared.value == pytest.approx(direct.value, rel=1e-10)
    assert shared.std == pytest.approx(direct.std, rel=1e-8)

"""FID against closed forms: analytic Frechet distances, identities, singular covariances."""

import keras
import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf

from keras_gans import metrics
from keras_gans.metrics.frechet import FrechetDistance, _trace_sqrt_product
from tests.distribution import two_cpu_strategy


def _random_spd(rng, d, rank=None):
    factor = rng.normal(size=(d, rank or d))
    return factor @ factor.T / d + (0 if rank else 0.1) * np.eye(d)


def test_frechet_distance_of_diagonal_gaussians_matches_the_closed_form():
    mean1, mean2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.0])
    var1, var2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    # Diagonal covariances commute: d^2 = |m1 - m2|^2 + sum (sqrt(v1) - sqrt(v2))^2.
    expected = 1.0 + 0.0 + 4.0 + (1 - 3) ** 2 + (2 - 1) ** 2 + 0.0
    value = metrics.frechet_distance(mean1, np.diag(var1), mean2, np.diag(var2))
    assert value == pytest.approx(expected, abs=1e-12)


def test_trace_sqrt_matches_scipy_sqrtm_on_general_covariances():
    rng = np.random.default_rng(0)
    sigma1, sigma2 = _random_spd(rng, 20), _random_spd(rng, 20)
    reference = np.trace(scipy.linalg.sqrtm(sigma1 @ sigma2)).real
    assert _trace_sqrt_product(sigma1, sigma2) == pytest.approx(reference, rel=1e-9)


def test_fid_of_two_gaussian_samples_approaches_the_analytic_distance():
    rng = np.random.default_rng(1)
    d = 4
    mean1, mean2 = np.zeros(d), np.array([1.0, -0.5, 0.0, 2.0])
    cov1, cov2 = _random_spd(rng, d), _random_spd(rng, d)
    analytic = metrics.frechet_distance(mean1, cov1, mean2, cov2)
    n = 200_000
    x = rng.multivariate_normal(mean1, cov1, size=n)
    y = rng.multivariate_normal(mean2, cov2, size=n)
    result = metrics.fid(x, y, extractor=None)
    assert result.value == pytest.approx(analytic, rel=0.01)
    assert result.protocol["n_real"] == n and result.protocol["extractor"] == "none"


def test_fid_of_a_set_with_itself_is_zero_even_with_singular_covariance():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 64))  # 50 samples in 64-d: rank-deficient covariance
    assert metrics.fid(x, x, extractor=None).value == pytest.approx(0.0, abs=1e-8)
    y = rng.normal(size=(50, 64)) + 0.5
    value = metrics.fid(x, y, extractor=None).value
    assert np.isfinite(value) and value > 0


def test_near_singular_covariances_give_a_real_finite_value():
    rng = np.random.default_rng(3)
    sigma1, sigma2 = _random_spd(rng, 30, rank=5), _random_spd(rng, 30, rank=5)
    value = metrics.frechet_distance(np.zeros(30), sigma1, np.zeros(30), sigma2)
    assert isinstance(value, float) and np.isfinite(value) and value >= 0
    # A general matrix square root of the rank-5 product picks up imaginary parts here;
    # the symmetric route agrees with its real part.
    root = scipy.linalg.sqrtm(sigma1 @ sigma2)
    reference = np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(root).real
    assert value == pytest.approx(reference, rel=1e-6)


def test_fid_is_stable_to_input_dtype_and_batch_size():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(300, 16)), rng.normal(size=(300, 16)) + 0.3
    reference = metrics.fid(x, y, extractor=None).value
    low = metrics.fid(x.astype("float32"), y.astype("float32"), extractor=None).value
    assert low == pytest.approx(reference, rel=1e-5)
    # Through an extractor (a Keras model) the batch size must not matter.
    net = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    images = rng.uniform(-1, 1, size=(2, 300, 4, 4, 1)).astype("float32")
    by_batch = [
        metrics.fid(images[0], images[1], extractor=net, batch_size=b, verbose=0).value
        for b in (7, 64, 300)
    ]
    assert by_batch == pytest.approx([by_batch[0]] * 3, rel=1e-6)


def test_fid_result_serialises_to_json_with_its_protocol():
    import json

    x = np.random.default_rng(5).normal(size=(20, 3))
    data = json.loads(json.dumps(metrics.fid(x, x + 1, extractor=None).to_dict()))
    assert data["metric"] == "fid" and data["value"] == pytest.approx(3.0, abs=1e-9)
    assert data["protocol"]["dtype"] == "float64" and data["protocol"]["feature_dim"] == 3


def test_streaming_frechet_distance_matches_fid_for_any_batching():
    rng = np.random.default_rng(6)
    real, fake = rng.normal(size=(257, 5)), 2.0 * rng.normal(size=(190, 5)) + 1.0
    expected = metrics.fid(real, fake, extractor=None).value
    metric = FrechetDistance(feature_dim=5)
    for start in range(0, 257, 100):
        metric.update_state(real=real[start : start + 100])
    for start in range(0, 190, 33):
        metric.update_state(fake=fake[start : start + 33].astype("float32"))
    assert float(metric.result()) == pytest.approx(expected, rel=1e-9)
    metric.reset_fake()
    metric.update_state(fake=real)
    assert float(metric.result()) == pytest.approx(0.0, abs=1e-9)
    metric.reset_state()
    assert float(metric.variables[0].numpy()) == 0.0


def test_streaming_frechet_distance_under_mirrored_strategy_equals_fid():
    # Each replica adds its own half of every batch; reading the metric sums the replicas
    # (Keras's "sum" aggregation of metric variables). Running means summed on read gave
    # 6.74 here against 4.28.
    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 3)) + 10.0
    fake = rng.normal(size=(400, 3)) * 2 + 10.5
    expected = metrics.fid(real, fake, extractor=None).value
    strategy = two_cpu_strategy(reduce_to_one_device=True)
    assert strategy.num_replicas_in_sync == 2
    with strategy.scope():
        metric = FrechetDistance(feature_dim=3)

    @tf.function
    def step(r, f):
        strategy.run(metric.update_state, args=(r, f))

    dataset = tf.data.Dataset.from_tensor_slices((real, fake)).batch(70)  # 5 x 70 + 50
    for r, f in strategy.experimental_distribute_dataset(dataset):
        step(r, f)
    assert float(metric.result()) == pytest.approx(expected, rel=1e-9)
    metric.reset_fake()
    assert float(metric.variables[0].numpy()) == 400.0  # the real count, summed
    with pytest.raises(ValueError, match="Received: 400 real and 0 fake"):
        metric.result()


def test_streaming_frechet_distance_ignores_empty_batches():
    rng = np.random.default_rng(1)
    real, fake = rng.normal(size=(60, 4)), rng.normal(size=(50, 4)) + 1.0
    metric = FrechetDistance(feature_dim=4)
    metric.update_state(real[:0], fake[:0])  # 0 / 0 made the running mean NaN for good
    metric.update_state(real, fake)
    metric.update_state(np.zeros((0, 4)), None)
    expected = metrics.fid(real, fake, extractor=None).value
    assert float(metric.result()) == pytest.approx(expected, rel=1e-9)


def test_streaming_frechet_distance_needs_two_vectors_per_set_and_clips_at_zero():
    x = np.random.default_rng(0).normal(size=(50, 8)) * 3 + 1
    metric = FrechetDistance(feature_dim=8)
    metric.update_state(real=x)
    message = "at least 2 real and 2 fake .* Received: 50 real and 0 fake"
    with pytest.raises(ValueError, match=message):
        metric.result()
    assert np.isnan(float(tf.function(metric.result)()))  # traced: no error to raise
    metric.update_state(fake=x[:1])
    with pytest.raises(ValueError, match="Received: 50 real and 1 fake"):
        metric.result()
    metric.reset_fake()
    # Identical sets: rounding took the streaming value below 0 (-5.7e-14 here); like
    # `frechet_distance`, the metric clips it.
    metric.update_state(fake=x)
    assert 0.0 <= float(metric.result()) < 1e-9


def test_streaming_frechet_distance_serialises():
    metric = FrechetDistance(feature_dim=7, name="fd")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric))
    assert isinstance(restored, FrechetDistance)
    assert (restored.feature_dim, restored.name, restored.dtype) == (7, "fd", "float64")


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: metrics.fid(np.zeros((1, 3)), np.zeros((5, 3)), extractor=None), "n >= 2"),
        (lambda: metrics.fid(np.zeros((5, 3)), np.zeros((5, 4)), extractor=None), "one extractor"),
        (lambda: metrics.fid(np.zeros(5), np.zeros(5), extractor=None), "shape \\(n, d\\)"),
        (lambda: FrechetDistance(feature_dim=0), "feature_dim"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()

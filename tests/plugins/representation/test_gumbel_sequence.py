"""The Gumbel-softmax layer (Jang et al. 2017) and the sequence GAN (`gumbel-sequence`).

The layer's maths (simplex outputs, the tau -> 0 limit against softmax frequencies, the
straight-through gradient, the annealing schedule), the bracket language against brute
force, and the model through the conformance suite, exact resumption, export and a short
training run that raises the fraction of valid sequences.
"""

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops
from keras_gans_representation import bracket_language as bl
from keras_gans_representation.gumbel_sequence import GumbelSequence
from keras_gans_representation.gumbel_sequence_model import GumbelSequenceModel
from keras_gans_representation.gumbel_softmax import (
    GumbelSoftmax,
    annealed_temperature,
    gumbel_softmax,
)

import keras_gans
import keras_gans.testing as kgt
from keras_gans.models.step import gradient
from tests.distribution import two_cpu_strategy


def batches(x, batch_size):
    """A dataset without tf.data autotuning, which stalls every short `fit` call."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return tf.data.Dataset.from_tensor_slices(x).batch(batch_size).with_options(options)


LOGITS = np.array([0.5, -1.0, 1.5, 0.0], dtype="float32")
PROBABILITIES = np.exp(LOGITS) / np.exp(LOGITS).sum()


def tolerance(p, n):
    """4.5 standard errors of a frequency estimated from n draws (about 1e-5 per check)."""
    return 4.5 * np.sqrt(p * (1 - p) / n)


# ---------------------------------------------------------------------------------- layer
@pytest.mark.parametrize("temperature", [0.1, 1.0, 5.0])
def test_samples_lie_on_the_simplex(temperature):
    y = ops.convert_to_numpy(gumbel_softmax(np.tile(LOGITS, (500, 1)), temperature, seed=0))
    assert y.shape == (500, 4) and y.min() >= 0.0
    np.testing.assert_allclose(y.sum(axis=1), 1.0, atol=1e-5)


def test_as_tau_goes_to_zero_samples_are_one_hot_with_softmax_frequencies():
    n = 20000
    gaps = []  # mean distance of a sample from the nearest vertex, 1 - max(y)
    for temperature in (1.0, 0.1, 0.01):
        y = ops.convert_to_numpy(gumbel_softmax(np.tile(LOGITS, (n, 1)), temperature, seed=1))
        gaps.append(float(np.mean(1.0 - y.max(axis=1))))
    # The gap shrinks about as fast as tau: 10x smaller tau, about 10x closer to one-hot.
    assert gaps[0] > 0.2 and gaps[1] < 0.2 * gaps[0] and gaps[2] < 0.2 * gaps[1] < 0.01, gaps
    frequencies = np.bincount(y.argmax(axis=1), minlength=4) / n
    assert np.all(np.abs(frequencies - PROBABILITIES) < tolerance(PROBABILITIES, n))


def test_straight_through_is_one_hot_forward_and_soft_backward():
    weights = np.array([[1.0, -2.0, 0.5, 3.0]], dtype="float32")
    logits = ops.convert_to_tensor(np.tile(LOGITS, (8, 1)))
    hard = GumbelSoftmax(temperature=0.7, hard=True, seed=3)
    soft = GumbelSoftmax(temperature=0.7, hard=False, seed=3)  # the same noise
    forward = ops.convert_to_numpy(hard(logits, training=True))
    # y + (one_hot - y): one-hot up to rounding.
    np.testing.assert_allclose(forward, np.eye(4)[forward.argmax(axis=1)], atol=1e-6)
    relaxed = ops.convert_to_numpy(soft(logits, training=True))
    np.testing.assert_array_equal(forward.argmax(axis=1), relaxed.argmax(axis=1))
    grads = []
    for layer in (GumbelSoftmax(0.7, hard=True, seed=4), GumbelSoftmax(0.7, hard=False, seed=4)):
        grads.append(gradient(lambda x, f=layer: ops.sum(f(x, training=True) * weights), logits))
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), ops.convert_to_numpy(grads[1]))
    assert np.abs(ops.convert_to_numpy(grads[0])).max() > 0.01


def test_inference_draws_exact_samples_or_the_argmax():
    n = 20000
    logits = ops.convert_to_tensor(np.tile(LOGITS, (n, 1)))
    sampled = ops.convert_to_numpy(GumbelSoftmax(temperature=3.0, seed=5)(logits))
    assert set(np.unique(sampled)) == {0.0, 1.0}
    frequencies = sampled.mean(axis=0)  # Gumbel-max: exact at any temperature
    assert np.all(np.abs(frequencies - PROBABILITIES) < tolerance(PROBABILITIES, n))
    greedy = ops.convert_to_numpy(GumbelSoftmax(inference="argmax")(logits[:3]))
    np.testing.assert_array_equal(greedy, np.tile([0.0, 0.0, 1.0, 0.0], (3, 1)))


def test_under_two_replicas_each_draws_its_own_gumbel_noise():
    strategy = two_cpu_strategy()
    with strategy.scope():
        layer = GumbelSoftmax(temperature=1.0, seed=0)
    logits = tf.zeros((4, 50))

    @tf.function
    def draw():
        return layer(logits, training=True), layer(logits)  # relaxed; Gumbel-max one-hot

    relaxed, one_hot = (strategy.experimental_local_results(t) for t in strategy.run(draw))
    assert not np.allclose(relaxed[0].numpy(), relaxed[1].numpy())
    assert not np.array_equal(one_hot[0].numpy(), one_hot[1].numpy())


def test_annealing_schedule_by_hand_and_config():
    # tau(t) = max(0.5, 2 exp(-0.001 * 100 floor(t / 100))).
    for step, expected in [(0, 2.0), (99, 2.0), (100, 2 * np.exp(-0.1)), (2000, 0.5)]:
        value = annealed_temperature(step, 2.0, 0.5, 1e-3, every=100)
        assert float(value) == pytest.approx(max(0.5, expected), rel=1e-6)
    layer = GumbelSoftmax(2.0, min_temperature=0.5, anneal_rate=1e-3, anneal_every=100)
    layer.anneal(250)
    assert float(layer.tau) == pytest.approx(2 * np.exp(-0.2), rel=1e-6)
    copy = GumbelSoftmax.from_config(layer.get_config())
    assert copy.get_config() == layer.get_config() and float(copy.tau) == 2.0
    for kwargs, message in [
        ({"temperature": 0}, r"`temperature` must be a positive finite number.*temperature=0"),
        ({"inference": "mode"}, r"`inference` must be one of \('sample', 'argmax'\)"),
        ({"temperature": 0.5, "min_temperature": 1.0}, r"at most `temperature` \(0.5\)"),
        ({"anneal_every": 0}, r"`anneal_every` must be a positive integer"),
        (
            {"anneal_rate": 1e-2},
            r"`min_temperature` must be a positive number when `anneal_rate` > 0.*"
            r"min_temperature=None, anneal_rate=0.01",
        ),
    ]:
        with pytest.raises(ValueError, match=message):
            GumbelSoftmax(**kwargs)
    with pytest.raises(ValueError, match="`min_temperature` must be a positive number when"):
        GumbelSequence(min_temperature=None)  # the default anneal_rate is 1e-4
    constant = GumbelSoftmax(min_temperature=None, anneal_rate=0.0)  # no schedule, no floor
    assert float(constant.anneal(10**6)) == 1.0
    assert GumbelSequence(min_temperature=None, anneal_rate=0.0).min_temperature is None
    with pytest.raises(TypeError, match=r"`hard` must be a bool.*hard='yes'"):
        GumbelSoftmax(hard="yes")


# ---------------------------------------------------------------------------------- language
def test_bracket_language_against_brute_force():
    length, kinds = 6, 2
    everything = np.array(list(itertools.product(range(5), repeat=length)))
    valid = [row for row in everything if bl.is_valid(row, kinds)]
    assert len(valid) == bl.count_valid(length, kinds) == 2 + 8 + 40
    assert bl.base_rate(length, kinds) == pytest.approx(50 / 5**6)
    assert {"()....", "([])..", "[]()[]"} <= set(bl.decode(valid))
    for string, ok in [("([])..", True), ("([)]..", False), ("()(...", False), ("().()", False)]:
        assert bl.is_valid(bl.encode([string], length=6)[0]) is ok, string
    samples = bl.sample_sequences(300, length=length, kinds=kinds, seed=0)
    assert bl.validity(samples) == 1.0 and bl.validity(bl.one_hot(samples)) == 1.0
    lengths = np.bincount((samples != bl.END).sum(axis=1), minlength=7)
    assert lengths[[2, 4, 6]].min() > 70  # pair counts 1..3 drawn uniformly
    assert bl.diversity(bl.encode(["()....", "()....", "[]....", "((...."])) == 0.5
    with pytest.raises(ValueError, match=r"`kinds` must be at most 4. Received: kinds=5"):
        bl.vocabulary(5)


# ---------------------------------------------------------------------------------- model
def tiny(**kwargs):
    keywords = dict(
        sequence_length=4, vocabulary_size=3, latent_dim=4, units=8, discriminator_units=8
    )
    return {**keywords, **kwargs}


def test_architecture_errors_and_defaults():
    arch = GumbelSequence()
    assert (arch.sequence_length, arch.vocabulary_size, arch.hard) == (12, 5, True)
    assert arch.model_class is GumbelSequenceModel
    with pytest.raises(ValueError, match=r"`vocabulary_size` must be at least 2.*=1"):
        GumbelSequence(vocabulary_size=1)
    with pytest.raises(ValueError, match=r"`anneal_rate` must be a non-negative number"):
        GumbelSequence(anneal_rate=-1.0)


def test_passes_the_conformance_suite(tmp_path):
    checked = kgt.run_all("gumbel-sequence", tmp_path=tmp_path, **tiny(sequence_length=2))
    assert checked == ("architectures",)


def test_save_load_gives_identical_samples_and_resumes_exactly(tmp_path):
    x = bl.one_hot(bl.sample_sequences(16, length=4, kinds=1, seed=0), kinds=1)

    def model():
        keras.utils.set_random_seed(0)
        arch = tiny(anneal_rate=0.05, anneal_every=1, min_temperature=0.2)
        gan = keras_gans.GANModel.from_architecture("gumbel-sequence", **arch, seed=0)
        gan.compile("adam", "adam", run_eagerly=True)  # eager: same maths, no tracing time
        return gan

    def train(gan, steps):
        gan.fit(batches(x, 16), epochs=steps, verbose=0, shuffle=False)

    # One step, save, load, one more step == two uninterrupted steps: every weight, the
    # temperature, each optimizer's moments and every random stream must carry over.
    straight, interrupted = model(), model()
    train(straight, 2)
    train(interrupted, 1)
    interrupted.save(tmp_path / "seq.keras")
    loaded = keras_gans.load_model(tmp_path / "seq.keras")
    assert type(loaded) is GumbelSequenceModel
    np.testing.assert_array_equal(loaded.generate(6, seed=2), interrupted.generate(6, seed=2))
    loaded.run_eagerly = True  # not part of the compile config; the maths is the same
    train(loaded, 1)
    layer = loaded.generator.get_layer("gumbel_softmax")
    assert float(layer.tau) == pytest.approx(np.exp(-0.05 * 2), rel=1e-6)
    for a, b in zip(straight.variables, loaded.variables, strict=True):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b), a.path)
    for which in ("d_optimizer", "g_optimizer"):
        pairs = zip(
            getattr(straight, which).variables, getattr(loaded, which).variables, strict=True
        )
        for a, b in pairs:
            np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))


def test_seeded_generation_is_reproducible_and_leaves_the_training_stream_alone():
    gan = keras_gans.GANModel.from_architecture("gumbel-sequence", **tiny(), seed=0)
    stream = gan.generator.get_layer("gumbel_softmax").seed_generator.state
    before = ops.convert_to_numpy(stream).copy()
    first, second = gan.generate(64, seed=7), gan.generate(64, seed=7)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, gan.generate(64, seed=8))
    np.testing.assert_array_equal(ops.convert_to_numpy(stream), before)
    assert set(np.unique(first)) == {0.0, 1.0} and np.all(first.sum(axis=-1) == 1.0)


def test_training_raises_the_fraction_of_valid_sequences():
    length, kinds = 6, 1
    x = bl.one_hot(bl.sample_sequences(1024, length=length, kinds=kinds, seed=0), kinds=kinds)
    keras.utils.set_random_seed(0)
    gan = keras_gans.GANModel.from_architecture(
        "gumbel-sequence",
        **tiny(sequence_length=length, units=32, discriminator_units=32, latent_dim=8),
        seed=0,
    )
    gan.compile(keras.optimizers.Adam(2e-3, beta_1=0.5), keras.optimizers.Adam(2e-3, beta_1=0.5))
    before = bl.validity(gan.generate(500, seed=1), kinds)
    gan.fit(batches(x, 32), epochs=3, verbose=0, shuffle=False)
    after = gan.generate(500, seed=1)
    base = bl.base_rate(length, kinds)  # 8 / 729
    assert before < 0.1 and bl.validity(after, kinds) > max(0.3, 10 * base), bl.decode(after[:8])
    assert bl.diversity(after, kinds) > 0.005  # more than one distinct valid sequence


def test_the_generator_exports_with_its_token_noise_as_inputs(tmp_path):
    gan = keras_gans.GANModel.from_architecture("gumbel-sequence", **tiny(), seed=0)
    result = keras_gans.export.export(gan, tmp_path / "generator.onnx", format="onnx")
    assert result.verification.passed and result.verification.max_abs_diff == 0.0
    names = [spec["name"] for spec in result.metadata["inputs"]]
    assert names[0] == "z" and len(names) == 1 + 4  # one Gumbel draw per position

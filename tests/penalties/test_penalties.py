"""Penalties against closed forms on critics whose input gradient is known exactly."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import penalties
from keras_gans.penalties import PenaltyContext


def make_context(critic, real, fake, recorded=None):
    real = tf.constant(real, "float32")
    fake = tf.constant(fake, "float32")

    def input_gradient(x):
        if recorded is not None:
            recorded.append(x.numpy())
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(critic(x))
        return tape.gradient(total, x)

    return PenaltyContext(
        real,
        fake,
        None,
        critic(real),
        critic(fake),
        critic,
        input_gradient,
        keras.random.SeedGenerator(0),
    )


W = np.array([1.0, 2.0, 2.0], "float32")  # ||w|| = 3


def linear(x):
    return tf.reduce_sum(x * W, axis=-1, keepdims=True) + 0.5


def quadratic(x):
    return 0.5 * tf.reduce_sum(tf.square(tf.reshape(x, (tf.shape(x)[0], -1))), axis=1)


RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(6, 3)).astype("float32")
FAKE = RNG.normal(size=(6, 3)).astype("float32")


def test_gradient_penalty_of_a_linear_critic_is_closed_form():
    # grad_x D = w everywhere, so the penalty is lambda (||w|| - 1)^2 = 10 * 4.
    value = penalties.GradientPenalty(weight=10.0)(make_context(linear, REAL, FAKE))
    assert float(value) == pytest.approx(40.0, rel=1e-5)


def test_gradient_penalty_interpolates_with_one_uniform_weight_per_example():
    real = np.ones((64, 4, 4, 1), "float32")
    fake = np.zeros_like(real)
    recorded = []
    penalties.GradientPenalty().compute(make_context(quadratic, real, fake, recorded))
    alphas = recorded[0]  # x_hat = alpha * 1 + (1 - alpha) * 0
    per_example = alphas.reshape(64, -1)
    assert np.allclose(per_example, per_example[:, :1]), "alpha must be constant in an example"
    assert per_example.min() >= 0.0 and per_example.max() <= 1.0
    assert per_example[:, 0].std() > 0.15, "alpha must vary across examples (U(0,1): std 0.29)"


def test_gradient_penalty_is_finite_where_the_gradient_vanishes():
    # D(x) = v * sum(x) with v = 0: grad_x D = 0, where sqrt(sum g^2) has an infinite
    # derivative; the epsilon under the root keeps the weight gradient finite.
    v = tf.Variable(0.0)

    def critic(x):
        return v * tf.reduce_sum(x, axis=-1, keepdims=True)

    for epsilon, finite in [(1e-12, True), (0.0, False)]:
        penalty = penalties.GradientPenalty(weight=1.0, epsilon=epsilon)
        with tf.GradientTape() as tape:
            value = penalty(make_context(critic, REAL, FAKE))
        gradient = tape.gradient(value, v).numpy()
        assert float(value) == pytest.approx(1.0, rel=1e-5)  # (0 - 1)^2
        assert bool(np.isfinite(gradient)) is finite


def test_r1_and_r2_are_half_gamma_times_squared_gradient_norm():
    # Quadratic critic: grad_x D(x) = x, so R1 = gamma/2 mean ||x_real||^2.
    context = make_context(quadratic, REAL, FAKE)
    r1 = penalties.R1Penalty(gamma=4.0)(context)
    r2 = penalties.R2Penalty(gamma=4.0)(context)
    assert float(r1) == pytest.approx(2.0 * np.mean(np.sum(REAL**2, axis=1)), rel=1e-5)
    assert float(r2) == pytest.approx(2.0 * np.mean(np.sum(FAKE**2, axis=1)), rel=1e-5)


def test_dragan_perturbs_within_half_a_standard_deviation_of_the_data():
    recorded = []
    value = penalties.DRAGANPenalty(weight=10.0)(make_context(linear, REAL, FAKE, recorded))
    assert float(value) == pytest.approx(40.0, rel=1e-5)  # linear critic: same closed form
    delta = recorded[0] - REAL
    assert delta.min() >= 0.0 and delta.max() <= 0.5 * REAL.std() + 1e-6
    assert delta.max() > 0.0


def test_weight_clipping_bounds_every_weight():
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    critic.set_weights([10 * w + 1 for w in critic.get_weights()])
    penalties.WeightClipping(0.05)(critic.trainable_variables)
    for weight in critic.get_weights():
        assert np.abs(weight).max() == pytest.approx(0.05)


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: penalties.GradientPenalty(weight=-1.0), "weight"),
        (lambda: penalties.R1Penalty(gamma="big"), "gamma"),
        (lambda: penalties.WeightClipping(0.0), "clip_value"),
        (lambda: penalties.GradientPenalty(name="a/b"), "name"),
    ],
)
def test_bad_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_penalties_are_registered_by_entry_point():
    assert {"gradient-penalty", "dragan", "r1", "r2"} <= set(penalties.names())
    assert isinstance(penalties.get("r1", gamma=1.0), penalties.R1Penalty)

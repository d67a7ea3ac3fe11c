"""Penalties against closed forms on critics whose input gradient is known exactly."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import penalties
from keras_gans.steps import Player, StepContext


def make_context(critic, real, fake, recorded=None):
    """A discriminator player's context whose network is `critic`; `recorded` collects the
    inputs the critic is run on (the points where a penalty takes input gradients)."""

    def network(x, training):
        if recorded is not None:
            recorded.append(np.array(x))
        return critic(x)

    return StepContext.of(real, fake, network, seed_generator=keras.random.SeedGenerator(0))


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


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: penalties.GradientPenalty(weight=10.0, **kw),
        lambda **kw: penalties.DRAGANPenalty(weight=10.0, **kw),
    ],
    ids=["gp", "dragan"],
)
def test_gradient_penalty_forms_differ_by_the_squared_target(make):
    # ||grad D|| = ||w|| = 3 everywhere: difference (3 - 2)^2 = 1, ratio (3/2 - 1)^2 = 0.25.
    difference = make(target=2.0)
    ratio = make(target=2.0, form="ratio")
    assert difference.get_config()["form"] == "difference"
    assert ratio.get_config()["form"] == "ratio"
    assert float(difference(make_context(linear, REAL, FAKE))) == pytest.approx(10.0, rel=1e-5)
    assert float(ratio(make_context(linear, REAL, FAKE))) == pytest.approx(2.5, rel=1e-5)
    assert float(make(form="ratio")(make_context(linear, REAL, FAKE))) == pytest.approx(
        40.0, rel=1e-5
    )  # target 1: both forms are WGAN-GP's


def test_a_penalty_is_a_discriminator_term_logged_under_its_name():
    penalty = penalties.R1Penalty(gamma=4.0, name="r1_real")
    assert penalty.roles == ("discriminator",)
    assert penalty.metric_names == ("d_penalty/r1_real",)
    context = make_context(quadratic, REAL, FAKE)
    expected = 2.0 * np.mean(np.sum(REAL**2, axis=1))
    assert float(penalty.terms(context.player, context)) == pytest.approx(expected, rel=1e-5)


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


def test_weight_clipping_clips_the_discriminator_player_after_its_update():
    def network(seed):
        dense = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(3.0))
        return keras.Sequential([keras.Input((3,)), dense], name=f"net{seed}")

    critic, generator = network(0), network(1)
    optimizer = keras.optimizers.SGD()
    d = Player("discriminator", "discriminator", (critic,), optimizer)
    g = Player("generator", "generator", (generator,), optimizer)
    clipping = penalties.WeightClipping(0.05)
    assert clipping.metric_names == ()  # no term, nothing to log
    context = make_context(linear, REAL, FAKE)
    assert clipping.terms(d, context) is None
    assert clipping.update(g, context.replace(player=g)) is None
    assert np.abs(generator.get_weights()[0]).max() == pytest.approx(3.0)
    assert clipping.update(d, context.replace(player=d)) is None
    assert np.abs(critic.get_weights()[0]).max() == pytest.approx(0.05)


def test_bad_form_is_rejected():
    with pytest.raises(ValueError, match="form"):
        penalties.GradientPenalty(form="squared")
    with pytest.raises(ValueError, match="target"):
        penalties.DRAGANPenalty(target=0.0, form="ratio")


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

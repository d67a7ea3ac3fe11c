"""One train step of every built-in objective against hand-computed gradients.

The discriminator is linear, `D(x) = x . w + b`, and the generator emits one learned point
`c` whatever its latent input (zero kernel), so every gradient has a closed form:
`dL/dw = sum_i dL/dr_i x_i + dL/df_i c`, `dL/db = sum_i dL/dr_i + dL/df_i` and
`dL_G/dc = sum_i dL_G/df_i w`. The derivatives of each objective with respect to the scores
come from its formula written here in NumPy (float64, central differences), independent of
the library's implementation. Plain SGD with learning rate 1 turns each gradient into the
weight change.
"""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans import losses as L
from keras_gans import penalties as P


def softplus(x):
    return np.logaddexp(0.0, x)


def relu(x):
    return np.maximum(x, 0.0)


def mean(x):
    return np.mean(x)


# (loss object, discriminator objective (r, f) -> scalar, generator objective (r, f) -> scalar)
OBJECTIVES = {
    "minimax": (
        L.Minimax(),
        lambda r, f: mean(softplus(-r)) + mean(softplus(f)),
        lambda r, f: -mean(softplus(f)),
    ),
    "non-saturating": (
        L.NonSaturating(),
        lambda r, f: mean(softplus(-r)) + mean(softplus(f)),
        lambda r, f: mean(softplus(-f)),
    ),
    "non-saturating-smoothed": (
        L.NonSaturating(label_smoothing=0.1),
        # one-sided: the real targets are 0.9, the fake ones stay 0 (Salimans et al. 2016)
        lambda r, f: mean(0.9 * softplus(-r) + 0.1 * softplus(r)) + mean(softplus(f)),
        lambda r, f: mean(softplus(-f)),
    ),
    "least-squares": (
        L.LeastSquares(),
        lambda r, f: 0.5 * mean((r - 1) ** 2) + 0.5 * mean(f**2),
        lambda r, f: 0.5 * mean((f - 1) ** 2),
    ),
    "hinge": (
        L.Hinge(),
        lambda r, f: mean(relu(1 - r)) + mean(relu(1 + f)),
        lambda r, f: -mean(f),
    ),
    "wasserstein": (
        L.Wasserstein(),
        lambda r, f: mean(f) - mean(r),
        lambda r, f: -mean(f),
    ),
    "relativistic-average": (
        L.RelativisticAverage(),
        lambda r, f: mean(softplus(-(r - mean(f)))) + mean(softplus(f - mean(r))),
        lambda r, f: mean(softplus(-(f - mean(r)))) + mean(softplus(r - mean(f))),
    ),
    "relativistic-average-least-squares": (
        L.RelativisticAverageLeastSquares(),
        lambda r, f: mean((r - mean(f) - 1) ** 2) + mean((f - mean(r) + 1) ** 2),
        lambda r, f: mean((f - mean(r) - 1) ** 2) + mean((r - mean(f) + 1) ** 2),
    ),
    "relativistic-average-hinge": (
        L.RelativisticAverageHinge(),
        lambda r, f: mean(relu(1 - (r - mean(f)))) + mean(relu(1 + (f - mean(r)))),
        lambda r, f: mean(relu(1 - (f - mean(r)))) + mean(relu(1 + (r - mean(f)))),
    ),
    "ebgan": (  # energy E = -score, margin 1
        L.EBGAN(margin=1.0),
        lambda r, f: mean(-r) + mean(relu(1 - (-f))),
        lambda r, f: mean(-f),
    ),
    "began": (  # k_0 = 0: the discriminator minimises L(x) = -mean(r)
        L.BEGAN(),
        lambda r, f: mean(-r),
        lambda r, f: mean(-f),
    ),
}


def score_gradients(objective, r, f, h=1e-6):
    """`(dL/dr, dL/df)` by central differences in float64."""
    grads = []
    for which in (0, 1):
        values = [r.astype("float64"), f.astype("float64")]
        grad = np.zeros_like(values[which])
        for i in range(values[which].size):
            up = [v.copy() for v in values]
            down = [v.copy() for v in values]
            up[which].flat[i] += h
            down[which].flat[i] -= h
            grad.flat[i] = (objective(*up) - objective(*down)) / (2 * h)
        grads.append(grad)
    return grads


def linear_gan(w, b, c):
    generator = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(2, kernel_initializer="zeros", bias_initializer="zeros"),
        ]
    )
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator.set_weights([w.reshape(2, 1), np.array([b])])
    generator.set_weights([np.zeros((3, 2)), c])
    return keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)


def one_step(loss, x, w, b, c):
    gan = linear_gan(w, b, c)
    gan.compile(keras.optimizers.SGD(1.0), keras.optimizers.SGD(1.0), loss=loss)
    gan.fit(x, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    (w1, b1), (_, c1) = gan.discriminator.get_weights(), gan.generator.get_weights()
    return w1.ravel(), float(b1[0]), c1


def expected_step(d_objective, g_objective, x, w, b, c, extra_d=None):
    n = len(x)
    fake = np.tile(c, (n, 1))
    dr, df = score_gradients(d_objective, x @ w + b, fake @ w + b)
    grad_w = x.T @ dr + fake.T @ df
    grad_b = dr.sum() + df.sum()
    if extra_d is not None:
        grad_w = grad_w + extra_d(w)
    w1, b1 = w - grad_w, b - grad_b
    dr, df = score_gradients(g_objective, x @ w1 + b1, fake @ w1 + b1)
    c1 = c - df.sum() * w1
    return w1, b1, c1


DATA = np.random.default_rng(0).normal(size=(6, 2)).astype("float32")
W, B, C = np.array([0.3, -0.2]), 0.1, np.array([0.5, -1.0])


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_one_step_of_each_objective_matches_hand_computed_gradients(name):
    loss, d_objective, g_objective = OBJECTIVES[name]
    w1, b1, c1 = one_step(loss, DATA, W, B, C)
    ew, eb, ec = expected_step(d_objective, g_objective, DATA.astype("float64"), W, B, C)
    np.testing.assert_allclose(w1, ew, atol=2e-5)
    assert b1 == pytest.approx(eb, abs=2e-5)
    np.testing.assert_allclose(c1, ec, atol=2e-5)


def test_the_objectives_cover_every_builtin_objective_class():
    covered = {type(loss) for loss, _, _ in OBJECTIVES.values()}
    for name in keras_gans.losses.names():
        loss = keras_gans.losses.get(name)
        base = type(loss).__mro__[1] if type(loss) not in covered else type(loss)
        assert type(loss) in covered or base in covered, name


def norm_penalty_gradient(weight, target, form):
    """d/dw of weight * (||w|| - t)^2 (or (||w||/t - 1)^2): a linear critic's input gradient
    is w at every point, so the interpolates and perturbations do not matter."""

    def gradient(w):
        norm = np.linalg.norm(w)
        if form == "ratio":
            return weight * 2 * (norm / target - 1) / target * w / norm
        return weight * 2 * (norm - target) * w / norm

    return gradient


@pytest.mark.parametrize(
    ("penalty", "extra"),
    [
        (P.GradientPenalty(10.0), norm_penalty_gradient(10.0, 1.0, "difference")),
        (P.GradientPenalty(2.0, target=3.0), norm_penalty_gradient(2.0, 3.0, "difference")),
        (
            P.GradientPenalty(2.0, target=3.0, form="ratio"),
            norm_penalty_gradient(2.0, 3.0, "ratio"),
        ),
        (P.DRAGANPenalty(5.0), norm_penalty_gradient(5.0, 1.0, "difference")),
        (P.R1Penalty(gamma=4.0), lambda w: 4.0 * w),
        (P.R2Penalty(gamma=4.0), lambda w: 4.0 * w),
    ],
    ids=["gp", "gp-target", "gp-ratio", "dragan", "r1", "r2"],
)
def test_penalties_add_their_hand_computed_gradients(penalty, extra):
    _, d_objective, g_objective = OBJECTIVES["wasserstein"]
    loss = L.Wasserstein(penalties=[penalty])
    w1, b1, c1 = one_step(loss, DATA, W, B, C)
    ew, eb, ec = expected_step(d_objective, g_objective, DATA.astype("float64"), W, B, C, extra)
    np.testing.assert_allclose(w1, ew, atol=2e-5)
    np.testing.assert_allclose(c1, ec, atol=2e-5)


def test_weight_clipping_projects_after_the_update():
    _, d_objective, g_objective = OBJECTIVES["wasserstein"]
    w1, b1, _ = one_step(L.WGAN(clip_value=0.05), DATA, W, B, C)
    ew, eb, _ = expected_step(d_objective, g_objective, DATA.astype("float64"), W, B, C)
    np.testing.assert_allclose(w1, np.clip(ew, -0.05, 0.05), atol=1e-6)
    assert b1 == pytest.approx(np.clip(eb, -0.05, 0.05), abs=1e-6)


def test_input_gradient_treats_its_points_as_constants():
    """A penalty's points may depend on trained variables (DANN's features): only the
    discriminator gets the penalty's gradient. D(x) = w * tanh(x) is smooth, so
    ||dD/dx||^2 = w^2 (1 - tanh(x)^2)^2 depends on x and would reach `v` otherwise."""
    import tensorflow as tf

    from keras_gans.steps import StepContext

    v = tf.Variable([[0.3], [-0.7]])
    w = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        points = 1.5 * v
        ctx = StepContext.of(points, points, lambda x, training: w * tf.tanh(x))
        penalty = tf.reduce_sum(ctx.input_gradient(points) ** 2)
    assert tape.gradient(penalty, v) is None
    x = 1.5 * np.array([0.3, -0.7])
    expected = np.sum(2 * 2.0 * (1 - np.tanh(x) ** 2) ** 2)  # d/dw of w^2 (1 - tanh^2)^2
    np.testing.assert_allclose(tape.gradient(penalty, w).numpy(), expected, rtol=1e-5)

"""BEGAN's proportional control of `k_t` and its convergence measure, step by step.

Several real train steps (d_steps=1, SGD) with a linear discriminator `D(x) = x . w + b`
and a generator that emits one learned point `c` whatever its latent input (its input is
zeroed), so that `L(x) = -mean(D(x))` and `L(G(z)) = -D(c)` are known in closed form. A
NumPy re-implementation of Berthelot et al. (2017), section 3.4, gives every step's
`k_t`, `M_global` and weights:

    L_D = L(x) - k_t L(G(z)),  L_G = L(G(z)),
    k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1),
    M_global = L(x) + |gamma L(x) - L(G(z))|,

with `L(x)` and `L(G(z))` measured by the discriminator of step `t`, before its update.
"""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans import losses as L

GAMMA, LAMBDA_K, LEARNING_RATE = 0.5, 0.4, 0.1
W, B, C = np.array([0.3, -0.2]), 0.1, np.array([0.5, -1.0])
DATA = np.random.default_rng(0).normal(loc=1.0, size=(8, 2)).astype("float32")


def linear_gan():
    generator = keras.Sequential(
        [keras.Input((3,)), keras.layers.Rescaling(0.0), keras.layers.Dense(2)]
    )
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator.set_weights([W.reshape(2, 1), np.array([B])])
    generator.set_weights([np.zeros((3, 2)), C])
    return keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)


def expected_steps(steps, initial_k):
    """NumPy, float64: the logged `k_t` and `M_global` of each step, and the last `k`."""
    x = DATA.astype("float64")
    w, b, c, k = W.copy(), B, C.copy(), initial_k
    logged_k, logged_m = [], []
    for _ in range(steps):
        real_loss = -np.mean(x @ w + b)  # L(x)
        fake_loss = -(c @ w + b)  # L(G(z)): every fake is c
        logged_k.append(k)
        logged_m.append(real_loss + abs(GAMMA * real_loss - fake_loss))
        # Discriminator: minimise L(x) - k_t L(G(z)) (the fake is a constant here).
        grad_w = -x.mean(axis=0) + k * c
        grad_b = -1.0 + k
        w, b = w - LEARNING_RATE * grad_w, b - LEARNING_RATE * grad_b
        k = float(np.clip(k + LAMBDA_K * (GAMMA * real_loss - fake_loss), 0.0, 1.0))
        # Generator: minimise L(G(z)) = -(c . w + b) with the updated discriminator.
        c = c + LEARNING_RATE * w
    return np.array(logged_k), np.array(logged_m), k


@pytest.mark.parametrize(("initial_k", "clipped"), [(0.0, False), (0.9, True)])
def test_k_and_convergence_follow_the_papers_recursion_step_by_step(initial_k, clipped):
    steps = 6
    loss = L.BEGAN(gamma=GAMMA, lambda_k=LAMBDA_K, initial_k=initial_k)
    gan = linear_gan()
    sgd = keras.optimizers.SGD
    gan.compile(sgd(LEARNING_RATE), sgd(LEARNING_RATE), loss=loss, d_steps=1)
    history = gan.fit(
        DATA, batch_size=len(DATA), epochs=steps, shuffle=False, verbose=0
    ).history  # one train step per epoch: each logged value is one step's
    expected_k, expected_m, final_k = expected_steps(steps, initial_k)
    np.testing.assert_allclose(history["began/k"], expected_k, atol=1e-5)
    np.testing.assert_allclose(history["began/convergence"], expected_m, atol=1e-5)
    assert float(loss.k.numpy()) == pytest.approx(final_k, abs=1e-5)
    # The recursion is exercised: k moves (and, from 0.9, is clipped at 1 on the way).
    assert len(set(np.round(expected_k, 6))) >= 4
    assert (1.0 in expected_k) == clipped

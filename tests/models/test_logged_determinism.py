"""Logged epoch means are the same in every run that trains the same weights.

GAN-CLS logs two values that share a summand (the real pairs' loss is in `d_loss` and in
`d_term/matching_aware`). Without `keras_gans.models.step.logged`, Grappler folded each
tracker's `total + (a + b)` into one `AddN(total, a, b)` whose order of addition depends
on which op released the shared buffer first, so identical fits logged means one or two
float32 ulps apart (the weights were always identical).
"""

import keras
import numpy as np
import tensorflow as tf

import keras_gans
from keras_gans.datasets import load_digits
from keras_gans.models import step


def _repeated_fits(rounds):
    x, y = load_digits()
    gan = keras_gans.GANModel.from_architecture(
        "gan-cls", image_shape=(8, 8, 1), latent_dim=16, num_classes=10, seed=0
    )
    gan.compile()
    gan.fit(x[:64], y[:64], batch_size=64, epochs=1, verbose=0)  # builds every variable
    state = [*gan.variables, *gan.d_optimizer.variables, *gan.g_optimizer.variables]
    start = [v.numpy() for v in state]
    logs, weights = set(), set()
    for _ in range(rounds):
        for variable, value in zip(state, start, strict=True):
            variable.assign(value)
        history = gan.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0).history
        logs.add(tuple((name, values[0]) for name, values in sorted(history.items())))
        weights.add(b"".join(w.tobytes() for w in gan.get_weights()))
    return logs, weights


def test_identical_fits_log_identical_means():
    logs, weights = _repeated_fits(rounds=4)
    assert len(weights) == 1
    assert len(logs) == 1, sorted(logs)


def test_logged_leaves_values_unchanged():
    assert step.logged(1.5) == 1.5
    value = keras.ops.convert_to_tensor(np.float32(2.0**-24))
    assert step.logged(value) is value  # eager: nothing to guard against
    traced = tf.function(step.logged).get_concrete_function(value)
    assert "Snapshot" in [op.type for op in traced.graph.get_operations()]
    assert float(traced(value)) == 2.0**-24

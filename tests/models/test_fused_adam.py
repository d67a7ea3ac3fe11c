"""The fused Adam update: the same training as `keras.optimizers.Adam.apply`, or a fallback."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import fused_adam


def _network_and_optimizer(**adam_kwargs):
    keras.utils.set_random_seed(0)
    network = keras.Sequential([keras.Input((5,)), keras.layers.Dense(7), keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam(**adam_kwargs)
    optimizer.build(network.trainable_variables)
    return network, optimizer


def _gradients(network, steps):
    rng = np.random.default_rng(1)
    return [
        [
            tf.constant(rng.normal(size=v.shape).astype("float32"))
            for v in network.trainable_variables
        ]
        for _ in range(steps)
    ]


def _ops(function, grads):
    graph_def = function.get_concrete_function(grads).graph.as_graph_def()
    return {node.op for node in graph_def.node}


@pytest.mark.parametrize(
    "learning_rate",
    [2e-4, keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=2, decay_rate=0.5)],
    ids=["constant", "schedule"],
)
def test_fused_update_trains_like_keras_adam(learning_rate):
    keras_net, keras_adam = _network_and_optimizer(learning_rate=learning_rate, beta_1=0.5)
    fused_net, fused_adam_opt = _network_and_optimizer(learning_rate=learning_rate, beta_1=0.5)
    reference = tf.function(lambda g: keras_adam.apply(g, keras_net.trainable_variables))
    fused = tf.function(
        lambda g: fused_adam.apply(fused_adam_opt, g, fused_net.trainable_variables)
    )
    grads = _gradients(keras_net, steps=5)
    assert "ResourceApplyAdam" in _ops(fused, grads[0])
    for g in grads:
        reference(g)
        fused(g)
    assert int(fused_adam_opt.iterations) == int(keras_adam.iterations) == 5
    for expected, got in zip(
        keras_net.trainable_variables + keras_adam.variables,
        fused_net.trainable_variables + fused_adam_opt.variables,
        strict=True,
    ):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5, atol=1e-7)
    # The weights moved: the comparison above is not between two untouched copies.
    untouched, _ = _network_and_optimizer(learning_rate=learning_rate)
    moved = np.abs(np.asarray(fused_net.trainable_variables[0]) - untouched.get_weights()[0])
    assert moved.max() > 1e-4


@pytest.mark.parametrize(
    "adam_kwargs",
    [{"clipnorm": 1.0}, {"weight_decay": 0.01}, {"amsgrad": True}, {"use_ema": True}],
    ids=["clipnorm", "weight_decay", "amsgrad", "use_ema"],
)
def test_other_adam_options_use_keras_own_update(adam_kwargs):
    network, optimizer = _network_and_optimizer(**adam_kwargs)
    grads = _gradients(network, steps=1)[0]
    assert not fused_adam.fusable(optimizer, grads, network.trainable_variables)
    function = tf.function(lambda g: fused_adam.apply(optimizer, g, network.trainable_variables))
    assert "ResourceApplyAdam" not in _ops(function, grads)
    function(grads)
    assert int(optimizer.iterations) == 1


def test_other_optimizers_and_constrained_variables_are_not_fused():
    keras.utils.set_random_seed(0)
    network = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, kernel_constraint=keras.constraints.NonNeg())]
    )
    grads = _gradients(network, steps=1)[0]
    adam = keras.optimizers.Adam()
    adam.build(network.trainable_variables)
    assert not fused_adam.fusable(adam, grads, network.trainable_variables)
    sgd = keras.optimizers.SGD()
    sgd.build(network.trainable_variables)
    assert not fused_adam.fusable(sgd, grads, network.trainable_variables[1:])
    fused_adam.apply(adam, grads, network.trainable_variables)  # Keras applies the constraint
    assert np.all(np.asarray(network.trainable_variables[0]) >= 0)


def test_float64_variables_take_keras_update_exactly():
    # Keras rounds Adam's constants through float32; a fused float64 update differed by
    # about 1e-7 after one step, so float64 goes through `optimizer.apply`.
    keras.utils.set_random_seed(0)
    weights = [keras.Variable(np.linspace(-1.0, 1.0, 6).reshape(2, 3), dtype="float64")]
    twins = [keras.Variable(w.numpy(), dtype="float64") for w in weights]
    fused, plain = keras.optimizers.Adam(0.1), keras.optimizers.Adam(0.1)
    fused.build(weights)
    plain.build(twins)
    grads = [tf.constant(np.arange(6.0).reshape(2, 3) - 2.5, tf.float64)]
    assert not fused_adam.fusable(fused, grads, weights)
    for _ in range(3):
        fused_adam.apply(fused, grads, weights)
        plain.apply(grads, twins)
    np.testing.assert_array_equal(weights[0].numpy(), twins[0].numpy())

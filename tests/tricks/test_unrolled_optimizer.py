"""The unrolled GAN unrolls the discriminator's own optimizer (Metz et al. 2017)."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import tricks
from keras_gans.testing import tiny_gan
from keras_gans.tricks.unrolled import OptimizerRule, _safe_sqrt, _slot_lists

OPTIMIZERS = {
    "adam": lambda: keras.optimizers.Adam(0.01),
    "amsgrad": lambda: keras.optimizers.Adam(0.01, beta_1=0.5, amsgrad=True),
    "adamw": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.1),
    "adam-clipnorm": lambda: keras.optimizers.Adam(0.01, clipnorm=0.5),
    "adam-schedule": lambda: keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=1, decay_rate=0.5)
    ),
    "sgd": lambda: keras.optimizers.SGD(0.1),
    "nesterov": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
}


MINUS_ONE = keras.initializers.Constant(-1.0)


def random_gradients(variables, rng):
    return [rng.normal(size=v.shape).astype("float32") for v in variables]


def values(variables):
    return [keras.ops.convert_to_numpy(v) for v in variables]


def warmed(optimizer, network, rng):
    """Two real updates, so that the optimizer's moments and counter are not zero."""
    optimizer.build(network.trainable_variables)
    for _ in range(2):
        optimizer.apply(random_gradients(network.trainable_variables, rng))
    return optimizer


@pytest.mark.parametrize("kind", sorted(OPTIMIZERS))
def test_the_functional_update_equals_the_optimizers_own_update(kind):
    rng = np.random.default_rng(0)
    network = tiny_gan().discriminator
    optimizer = warmed(OPTIMIZERS[kind](), network, rng)
    # The reference: a copy of the network and of the optimizer's state, updated for real.
    twin = keras.models.clone_model(network)
    twin.set_weights(network.get_weights())
    twin_optimizer = type(optimizer).from_config(optimizer.get_config())
    twin_optimizer.build(twin.trainable_variables)
    for mine, theirs in zip(twin_optimizer.variables, optimizer.variables, strict=True):
        mine.assign(theirs)
    before = values(network.weights), values(optimizer.variables)

    rule = OptimizerRule(optimizer, network.trainable_variables)
    weights, state = values(network.trainable_variables), rule.initial_state()
    for _ in range(3):  # three steps: the counter and the bias corrections advance
        gradients = random_gradients(network.trainable_variables, rng)
        weights, state = rule.step(weights, gradients, state)
        twin_optimizer.apply(gradients, twin.trainable_variables)

    for mine, theirs in zip(weights, twin.trainable_variables, strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-6, atol=1e-6)
    iterations, slots = state
    assert int(iterations) == int(twin_optimizer.iterations) == 5
    lists = _slot_lists(twin_optimizer)  # m, v, v_hat (Adam) or m (SGD), per variable
    for variable, per_variable in zip(twin.trainable_variables, slots, strict=True):
        index = twin_optimizer._get_variable_index(variable)
        for slot, reference in zip(per_variable, lists, strict=True):
            assert (slot is None) == (reference is None)
            if slot is not None:
                np.testing.assert_allclose(slot, reference[index].numpy(), rtol=1e-6, atol=1e-6)
    # The real network and optimizer are untouched.
    for old, new in zip(before[0], network.weights, strict=True):
        np.testing.assert_array_equal(old, new.numpy())
    for old, new in zip(before[1], optimizer.variables, strict=True):
        np.testing.assert_array_equal(old, new.numpy())


def compiled_gan(trick, d_optimizer=None, seed=3):
    gan = tiny_gan(seed=seed)
    gan.compile(
        d_optimizer or keras.optimizers.Adam(0.01), keras.optimizers.SGD(1.0), tricks=[trick]
    )
    warmed(gan.d_optimizer, gan.discriminator, np.random.default_rng(1))
    return gan


def generator_gradient(gan, trick):
    """The generator's gradient through `trick` (eager, one generator update's view)."""
    x = np.random.default_rng(2).normal(size=(16, 2)).astype("float32")
    _, generator = gan.players()
    with tf.GradientTape() as tape:
        (ctx,) = gan.contexts(generator, (x, None), True)
        ahead = ctx.replace(inputs=trick.transform(ctx.inputs, ctx))
        loss = gan.adversarial_loss.generator_objective(ahead)
    gradients = tape.gradient(loss, gan.generator.trainable_variables)
    return np.concatenate([np.ravel(g) for g in gradients])


def test_the_generators_gradient_depends_on_the_update_rule_and_the_order():
    def gradient(**kwargs):
        trick = tricks.UnrolledDiscriminator(steps=3, learning_rate=0.05, **kwargs)
        return generator_gradient(compiled_gan(trick), trick)

    adam, adam_first = gradient(), gradient(second_order=False)
    sgd, sgd_first = gradient(update_rule="sgd"), gradient(update_rule="sgd", second_order=False)
    for g in (adam, adam_first, sgd, sgd_first):
        assert np.all(np.isfinite(g)) and np.linalg.norm(g) > 0
    scale = np.linalg.norm(adam)
    assert np.linalg.norm(adam - sgd) > 1e-2 * scale  # the optimizer's update, not SGD's
    assert np.linalg.norm(adam - adam_first) > 1e-3 * scale  # through the Adam update
    assert np.linalg.norm(sgd - sgd_first) > 1e-4 * np.linalg.norm(sgd)


def test_unrolling_leaves_the_discriminator_and_its_optimizer_untouched():
    trick = tricks.UnrolledDiscriminator(steps=3, learning_rate=0.05)
    gan = compiled_gan(trick, keras.optimizers.Adam(0.01, amsgrad=True))
    optimizer_before = values(gan.d_optimizer.variables)
    weights_before = values(gan.discriminator.weights)
    assert int(gan.d_optimizer.iterations) == 2
    generator_gradient(gan, trick)
    for old, new in zip(optimizer_before, gan.d_optimizer.variables, strict=True):
        np.testing.assert_array_equal(old, new.numpy())  # iterations, m, v, v_hat
    for old, new in zip(weights_before, gan.discriminator.weights, strict=True):
        np.testing.assert_array_equal(old, new.numpy())


def test_in_training_only_the_discriminators_own_update_moves_its_state():
    # The discriminator's own steps have a zero learning rate; the unrolled ones do not.
    trick = tricks.UnrolledDiscriminator(steps=2, learning_rate=0.1)
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(0.0), keras.optimizers.Adam(1e-3), tricks=[trick])
    before = values(gan.discriminator.weights)
    gan.fit(np.ones((32, 2), "float32"), batch_size=16, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 2  # two discriminator updates, no more
    for old, new in zip(before, gan.discriminator.weights, strict=True):
        np.testing.assert_array_equal(old, new.numpy())


def test_the_config_round_trips_and_old_configs_keep_plain_gradient_descent():
    trick = tricks.UnrolledDiscriminator(steps=3, second_order=False, update_rule="sgd")
    config = trick.get_config()
    assert config["update_rule"] == "sgd" and config["learning_rate"] is None
    restored = keras.saving.deserialize_keras_object(
        json.loads(json.dumps(keras.saving.serialize_keras_object(trick))), safe_mode=True
    )
    assert type(restored) is type(trick) and restored.get_config() == config
    assert tricks.UnrolledDiscriminator().get_config()["update_rule"] == "optimizer"

    # A model saved before `update_rule` existed: its unrolling stays gradient descent.
    gan = tiny_gan()
    gan.compile(tricks=[tricks.UnrolledDiscriminator(steps=2, learning_rate=1e-3)])
    saved = json.loads(json.dumps(gan.get_compile_config()))
    for entry in saved["tricks"]:
        entry["config"].pop("update_rule")
    old = tiny_gan()
    old.compile_from_config(saved)
    (unrolled,) = old.tricks
    assert unrolled.update_rule == "sgd" and unrolled.learning_rate == 1e-3


def test_a_model_trains_with_the_unrolled_optimizer_without_nan():
    # A dead ReLU branch: its weights never get a gradient, so Adam's `v` stays 0 there,
    # where sqrt(v) has no derivative: the second-order path must stay finite.
    inputs = keras.Input((2,))
    dead = keras.layers.Dense(4, "relu", kernel_initializer="zeros", bias_initializer=MINUS_ONE)
    hidden = dead(inputs)  # pre-activation -1 everywhere: a dead ReLU
    outputs = keras.layers.Add()([keras.layers.Dense(1)(hidden), keras.layers.Dense(1)(inputs)])
    discriminator = keras.Model(inputs, outputs)
    gan = keras_gans.GANModel(tiny_gan().generator, discriminator, latent_dim=4, seed=0)
    trick = tricks.UnrolledDiscriminator(steps=2)
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-3), tricks=[trick])
    data = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    history = gan.fit(data, batch_size=16, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    for weight in gan.generator.weights + gan.discriminator.weights:
        assert np.all(np.isfinite(weight.numpy()))


def test_the_moments_square_root_has_a_finite_gradient_at_zero():
    x = tf.Variable([0.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        safe = keras.ops.sum(_safe_sqrt(keras.ops.square(x)))
        plain = keras.ops.sum(keras.ops.sqrt(keras.ops.square(x)))
    np.testing.assert_array_equal(safe, plain)
    np.testing.assert_array_equal(tape.gradient(safe, x), [0.0, 1.0])
    assert np.isnan(tape.gradient(plain, x)[0])  # what the guard avoids


def test_a_loss_scale_optimizer_unrolls_its_inner_optimizer():
    inner = keras.optimizers.Adam(0.01)
    trick = tricks.UnrolledDiscriminator(steps=2)
    gan = compiled_gan(trick, keras.optimizers.LossScaleOptimizer(inner))
    assert trick._rule.optimizer is inner
    assert np.all(np.isfinite(generator_gradient(gan, trick)))


def test_an_optimizer_that_cannot_be_unrolled_is_named():
    with pytest.raises(ValueError, match="RMSprop.*update_rule='sgd'"):
        compiled_gan(tricks.UnrolledDiscriminator(), keras.optimizers.RMSprop())
    wrapped = keras.optimizers.LossScaleOptimizer(keras.optimizers.RMSprop())
    with pytest.raises(ValueError, match="RMSprop"):
        compiled_gan(tricks.UnrolledDiscriminator(), wrapped)
    compiled_gan(tricks.UnrolledDiscriminator(update_rule="sgd"), keras.optimizers.RMSprop())
    with pytest.raises(ValueError, match="update_rule"):
        tricks.UnrolledDiscriminator(update_rule="adam")
    with pytest.raises(ValueError, match="learning_rate"):
        tricks.UnrolledDiscriminator(learning_rate=0)

"""DANN: the gradient-reversal layer, the schedules, the one-step update, saving and resuming."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras_gans_representation._dann_schedules import DANNLearningRate, annealed_learning_rate
from keras_gans_representation.dann_model import DANNModel
from keras_gans_representation.gradient_reversal import (
    GradientReversal,
    adaptation_factor,
    reverse_gradient,
)

import keras_gans
import keras_gans.testing as kgt


def tiny(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    keywords = {"data_shape": (3,), "num_classes": 2, "latent_dim": 4, "hidden_units": ()}
    return keras_gans.GANModel.from_architecture(
        "dann", seed=seed, **{**keywords, "domain_units": (), **kwargs}
    )


def toy(seed=0, n=960):
    """Source: both features predict the class. Target: feature 0 moved to 4, uninformative."""
    rng = np.random.default_rng(seed)
    ys, yt = rng.integers(0, 2, n), rng.integers(0, 2, n)
    xs = np.stack([(2 * ys - 1) + rng.normal(0, 0.3, n), (2 * ys - 1) + rng.normal(0, 0.5, n)], 1)
    xt = np.stack([4 + rng.normal(0, 0.3, n), (2 * yt - 1) + rng.normal(0, 0.5, n)], 1)
    return xs.astype("float32"), ys, xt.astype("float32"), yt


# ----------------------------------------------------------------------- the maths
def test_gradient_reversal_is_the_identity_forward_and_minus_lambda_backward():
    x = tf.constant([[1.0, -2.0, 3.0]])
    upstream = tf.constant([[0.5, 2.0, -1.0]])
    layer = GradientReversal(scale=0.3)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = layer(x)
        y_override = layer(x, scale=tf.constant(2.0))
        y_loss = tf.reduce_sum(y * upstream)
        override_loss = tf.reduce_sum(y_override * upstream)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    # d(sum(R(x) * u)) / dx = -lambda * u
    np.testing.assert_allclose(tape.gradient(y_loss, x).numpy(), [[-0.15, -0.6, 0.3]], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(override_loss, x).numpy(), [[-1.0, -4.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        zero = tf.reduce_sum(reverse_gradient(x, 0.0) * upstream)
    np.testing.assert_array_equal(tape.gradient(zero, x).numpy(), [[0.0, 0.0, 0.0]])
    assert GradientReversal.from_config(layer.get_config()).scale == 0.3
    with pytest.raises(ValueError, match="`scale` must be a non-negative number"):
        GradientReversal(scale=-1)


def test_schedules_match_the_paper():
    for p in (0.0, 0.25, 1.0):
        expected = 2.0 / (1.0 + math.exp(-10.0 * p)) - 1.0
        assert float(adaptation_factor(p)) == pytest.approx(expected, abs=1e-6)
        assert float(annealed_learning_rate(p)) == pytest.approx(0.01 / (1 + 10 * p) ** 0.75)
    assert float(adaptation_factor(3.0)) == pytest.approx(2.0 / (1.0 + math.exp(-10.0)) - 1.0)
    schedule = DANNLearningRate(0.02, schedule_steps=50, alpha=5.0, beta=0.5)
    assert float(schedule(25)) == pytest.approx(0.02 / (1 + 5 * 0.5) ** 0.5)
    assert float(schedule(500)) == pytest.approx(0.02 / 6**0.5)
    assert DANNLearningRate.from_config(schedule.get_config()).get_config() == schedule.get_config()


def test_one_step_is_one_sgd_step_on_label_loss_plus_reversed_domain_loss():
    """theta_f -= mu (dL_y - lambda dL_d), theta_y -= mu dL_y, theta_d -= mu dL_d."""
    model = tiny()
    model.compile(optimizer=keras.optimizers.SGD(0.5), schedule_steps=10)
    model.d_optimizer.iterations.assign(3)
    rng = np.random.default_rng(0)
    xs, xt = rng.normal(size=(2, 5, 3)).astype("float32")
    ys = np.array([0, 1, 1, 0, 1])
    weight = 2.0 / (1.0 + math.exp(-10.0 * 0.3)) - 1.0
    assert float(model.adaptation_weight()) == pytest.approx(weight)
    f, c, d = model.feature_extractor, model.label_predictor, model.domain_classifier
    with tf.GradientTape(persistent=True) as tape:
        fs, ft = f(xs), f(xt)
        label = tf.reduce_mean(
            keras.losses.sparse_categorical_crossentropy(ys, c(fs), from_logits=True)
        )
        domain = tf.reduce_mean(tf.nn.softplus(-d(fs))) + tf.reduce_mean(tf.nn.softplus(d(ft)))
    grads = [
        a - weight * b
        for a, b in zip(
            tape.gradient(label, f.trainable_variables),
            tape.gradient(domain, f.trainable_variables),
            strict=True,
        )
    ]
    grads += tape.gradient(label, c.trainable_variables)
    grads += tape.gradient(domain, d.trainable_variables)
    variables = f.trainable_variables + c.trainable_variables + d.trainable_variables
    expected = [v.numpy() - 0.5 * g.numpy() for v, g in zip(variables, grads, strict=True)]
    logs = model.fit(tf.data.Dataset.from_tensors(((xs, xt), ys)), verbose=0).history
    for want, variable in zip(expected, variables, strict=True):
        np.testing.assert_allclose(variable.numpy(), want, atol=1e-6)
    assert logs["d_loss"][0] == pytest.approx(float(domain), rel=1e-5)
    assert logs["d_term/label"][0] == pytest.approx(float(label), rel=1e-5)
    assert logs["dann/lambda"][0] == pytest.approx(weight, rel=1e-5)


def test_gradient_penalties_see_the_domain_classifier_itself():
    """R1 is computed on G_d, not on G_d(R(f)): no factor -lambda in the gradient."""
    from keras_gans.losses import Minimax
    from keras_gans.penalties.zero_centered import R1Penalty

    rng = np.random.default_rng(0)
    xs, xt = rng.normal(size=(2, 5, 3)).astype("float32")
    ys = np.array([0, 1, 1, 0, 1])
    for iterations in (0, 3):  # lambda = 0 at step 0, about 0.905 at step 3 of 10
        model = tiny()
        model.compile(loss=Minimax(penalties=[R1Penalty(10.0)]), schedule_steps=10)
        model.d_optimizer.iterations.assign(iterations)
        # G_d is one Dense layer (domain_units=()): its input gradient is its kernel for
        # every sample, and R1 = gamma / 2 * ||w||^2.
        kernel = model.domain_classifier.get_layer("score").kernel.numpy()[:, 0]
        batch = ((tf.constant(xs), tf.constant(xt)), tf.constant(ys, "int32"))
        (ctx,) = model.contexts(model._players[0], batch, True)
        for samples in (ctx.real, ctx.fake):
            np.testing.assert_allclose(
                ctx.input_gradient(samples).numpy(), np.tile(kernel, (5, 1)), rtol=1e-6
            )
        logs = model.fit(tf.data.Dataset.from_tensors(batch), verbose=0).history
        assert logs["d_penalty/r1"][0] == pytest.approx(5.0 * np.sum(kernel**2), rel=1e-5)


# ----------------------------------------------------------------------- training
def test_adaptation_raises_target_accuracy_on_a_shifted_toy_problem():
    xs, ys, xt, yt = toy()
    accuracies = {}
    for max_lambda in (0.0, 3.0):
        model = tiny(data_shape=(2,), latent_dim=8, domain_units=(16,))
        model.compile(
            optimizer=keras.optimizers.Adam(5e-3), schedule_steps=100, max_lambda=max_lambda
        )
        model.fit((xs, xt), ys, batch_size=64, epochs=30, shuffle=False, verbose=0)
        accuracies[max_lambda] = (
            np.mean(model.classify(xs).argmax(1) == ys),
            np.mean(model.classify(xt).argmax(1) == yt),
        )
    (source_only, target_only), (source_dann, target_dann) = accuracies.values()
    assert source_only > 0.95 and target_only < 0.7, accuracies
    assert source_dann > 0.9 and target_dann > 0.85, accuracies


# ----------------------------------------------------------------------- saving
def test_conformance_of_the_architecture():
    kgt.check_architecture(keras_gans.architectures.get("dann", latent_dim=8, filters=(4,)))


def test_save_load_and_resume_are_exact(tmp_path):
    rng = np.random.default_rng(1)
    xs, xt = rng.normal(size=(48, 3)).astype("float32"), rng.normal(size=(40, 3)).astype("float32")
    ys = rng.integers(0, 2, 48)

    def fit(model, epochs):
        model.fit((xs, xt), ys, batch_size=16, epochs=epochs, shuffle=False, verbose=0)

    straight = tiny(seed=3)
    straight.compile(schedule_steps=5)
    fit(straight, 2)
    resumed = tiny(seed=3)
    resumed.compile(schedule_steps=5)
    fit(resumed, 1)
    resumed.save(tmp_path / "dann.keras")
    resumed = keras_gans.load_model(tmp_path / "dann.keras")
    assert type(resumed) is DANNModel and resumed.schedule_steps == 5
    assert resumed.d_optimizer is resumed.g_optimizer
    assert isinstance(resumed.d_optimizer._learning_rate, DANNLearningRate)
    assert int(resumed.optimizer_steps) == 3
    fit(resumed, 1)
    assert int(resumed.optimizer_steps) == int(straight.optimizer_steps) == 6
    logs = resumed.evaluate((xs, xt), ys, batch_size=16, verbose=0, return_dict=True)
    assert {"d_loss", "d_term/label"} <= set(logs) and int(resumed.optimizer_steps) == 6
    # The progress continues: lambda at step 6 of 5 is the end of the schedule.
    assert float(resumed.adaptation_weight()) == pytest.approx(2 / (1 + math.exp(-10)) - 1)
    for a, b in zip(straight.weights, resumed.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(straight.d_optimizer.variables, resumed.d_optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(resumed.classify(xs), straight.predict(xs, verbose=0))


def test_classifier_exports_with_parity(tmp_path):
    from keras_gans.export import export

    model = tiny(data_shape=(8, 8, 1), num_classes=10, latent_dim=8, filters=(4,))
    result = export(model.classifier, tmp_path / "classifier.onnx", format="onnx")
    assert result.verification.passed, result.verification


def test_exporting_the_model_exports_the_classifier_that_predict_runs(tmp_path):
    import onnxruntime

    from keras_gans.export import export

    model = tiny(data_shape=(6,), num_classes=3, latent_dim=8)
    result = export(model, tmp_path / "dann.onnx", format="onnx")
    assert result.verification.passed, result.verification
    assert result.metadata["network"] == "classifier"
    x = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    session = onnxruntime.InferenceSession(str(result.path), providers=["CPUExecutionProvider"])
    (name,) = [i.name for i in session.get_inputs()]
    (probabilities,) = session.run(None, {name: x})
    np.testing.assert_allclose(probabilities, model.predict(x, verbose=0), atol=1e-5)


# ----------------------------------------------------------------------- bad input
def test_bad_input_is_named():
    model = tiny()
    model.compile()
    x = np.zeros((4, 3), "float32")
    with pytest.raises(ValueError, match=r"`x` must be a pair \(x_source, x_target\)"):
        model.fit(x, np.zeros(4, int))
    with pytest.raises(ValueError, match=r"`y` must hold one integer class id"):
        model.fit((x, x), np.zeros(3, int))
    with pytest.raises(ValueError, match=r"`y` must be class ids in \[0, 2\)"):
        model.fit((x, x), np.full(4, 2))
    with pytest.raises(ValueError, match=r"`x\[1\] \(x_target\)` must be an array of samples"):
        model.fit((x, np.zeros((4, 5))), np.zeros(4, int))
    with pytest.raises(ValueError, match="`ema_decay` must be None"):
        tiny(ema_decay=0.99)
    with pytest.raises(ValueError, match="`num_classes` must be an integer >= 2"):
        keras_gans.architectures.get("dann", num_classes=1)
    with pytest.raises(NotImplementedError, match="does not generate"):
        model.generate(2)
    arch = keras_gans.architectures.get("dann", data_shape=(3,), latent_dim=4)
    with pytest.raises(ValueError, match="`label_predictor` must take the feature extractor"):
        DANNModel(arch.build_generator(), arch.build_discriminator(), model.classifier)

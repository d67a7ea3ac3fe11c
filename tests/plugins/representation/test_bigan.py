"""BiGAN / ALI: the objectives, the Gaussian encoder, training, saving, resuming, the CLI."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras_gans_representation.bigan_model import BiGANModel

import keras_gans
import keras_gans.testing as kgt
import keras_gans_cli
from keras_gans.models import step


def tiny(seed=0, loss="non-saturating", learning_rate=2e-3, **kwargs):
    keras.utils.set_random_seed(seed)
    keywords = {"data_shape": (2,), "latent_dim": 2, "hidden_units": (16,), "dropout": 0.0}
    keywords["output_activation"] = "linear"
    gan = keras_gans.GANModel.from_architecture("bigan", seed=seed, **{**keywords, **kwargs})
    optimizers = [keras.optimizers.Adam(learning_rate, beta_1=0.5) for _ in range(2)]
    gan.compile(*optimizers, loss=loss)
    return gan


def two_modes(n=256, seed=0):
    """Points around (-3, 0) and (3, 0), and which of the two each one is near."""
    rng = np.random.default_rng(seed)
    mode = rng.integers(0, 2, n)
    x = np.stack([6.0 * mode - 3.0, np.zeros(n)], 1) + rng.normal(0, 0.3, (n, 2))
    return x.astype("float32"), mode


def logged(gan, player, x, seed):
    """The values `step.evaluate` logs for `player` on `x`, with latents drawn from `seed`."""
    for tracker in gan.metrics:
        tracker.reset_state()
    gan.seed_generator = keras.random.SeedGenerator(seed)
    step.evaluate(gan, player, (x, None))
    return {m.name: float(m.result()) for m in gan.metrics}


# ----------------------------------------------------------------------- the maths
@pytest.mark.parametrize("loss", ["non-saturating", "minimax"])
def test_the_objectives_are_the_papers(loss):
    """D separates (x, E(x)) from (G(z), z); G and E play together against it."""
    gan = tiny(loss=loss)
    x, _ = two_modes(16)
    discriminator, generator = gan._players
    gan.seed_generator = keras.random.SeedGenerator(5)
    z = gan.contexts(generator, (x, None), False)[0].latent
    real = gan.discriminator([tf.constant(x), gan.encoder(x)]).numpy()  # D(x, E(x))
    fake = gan.discriminator([gan.generator(z), z]).numpy()  # D(G(z), z)
    softplus = tf.nn.softplus
    d_loss = float(tf.reduce_mean(softplus(-real)) + tf.reduce_mean(softplus(fake)))
    assert logged(gan, discriminator, x, 5)["d_loss"] == pytest.approx(d_loss, rel=1e-5)
    g_loss = logged(gan, generator, x, 5)["g_loss"]
    if loss == "non-saturating":  # inverted labels: -log D(G(z), z) - log(1 - D(x, E(x)))
        expected = float(tf.reduce_mean(softplus(-fake)) + tf.reduce_mean(softplus(real)))
        assert g_loss == pytest.approx(expected, rel=1e-5)
    else:  # the generator and encoder minimise V = -d_loss
        assert g_loss == pytest.approx(-d_loss, rel=1e-5)


def test_pairs_and_the_gaussian_encoder():
    gan = tiny(encoder_distribution="gaussian")
    assert gan.stochastic_encoder and gan.encoder.output_shape == (None, 4)
    x, _ = two_modes(5)
    z = np.arange(10, dtype="float32").reshape(5, 2)
    back_x, back_z = gan.unpack(gan.pack(x, z))
    np.testing.assert_array_equal(back_x, x)
    np.testing.assert_array_equal(back_z, z)
    out = gan.encoder(x).numpy()
    mean, log_sigma = out[:, :2], out[:, 2:]
    np.testing.assert_allclose(gan.encode(x), mean, rtol=1e-6)
    gan.seed_generator = keras.random.SeedGenerator(3)
    sampled = gan._code(x, False, sample=True).numpy()
    noise = keras.random.normal((5, 2), seed=keras.random.SeedGenerator(3)).numpy()
    np.testing.assert_allclose(sampled, mean + np.exp(log_sigma) * noise, rtol=1e-5)


# ----------------------------------------------------------------------- training
def test_training_makes_the_encoder_invert_the_generator():
    """Reconstructions G(E(x)) land in the mode of x: about half before, nearly all after."""
    x, mode = two_modes(2048)
    gan = tiny(seed=1, latent_dim=1, learning_rate=5e-3)

    def agreement():
        return np.mean((gan.reconstruct(x)[:, 0] > 0) == (mode == 1))

    before = agreement()
    gan.fit(x, batch_size=64, epochs=10, verbose=0)
    after = agreement()
    assert before < 0.75 and after > 0.95, (before, after)


# ----------------------------------------------------------------------- saving
def test_passes_the_conformance_suite(tmp_path):
    checked = kgt.run_all(
        "bigan", tmp_path=tmp_path, data_shape=(2,), latent_dim=2, hidden_units=(8,)
    )
    assert checked == ("architectures",)


@pytest.mark.slow  # 6-9 s; slow tier keeps the default under 15 min
def test_save_load_and_resume_are_exact(tmp_path):
    x, _ = two_modes(96, seed=2)

    def fit(gan, epochs):
        gan.fit(x, batch_size=32, epochs=epochs, shuffle=False, verbose=0)

    straight = tiny(seed=4, dropout=0.2, encoder_distribution="gaussian")
    fit(straight, 2)
    resumed = tiny(seed=4, dropout=0.2, encoder_distribution="gaussian")
    fit(resumed, 1)
    resumed.save(tmp_path / "bigan.keras")
    loaded = keras_gans.load_model(tmp_path / "bigan.keras")
    assert type(loaded) is BiGANModel and loaded.stochastic_encoder
    np.testing.assert_array_equal(loaded.encode(x), resumed.encode(x))
    np.testing.assert_array_equal(loaded.reconstruct(x), resumed.reconstruct(x))
    fit(loaded, 1)
    for a, b in zip(straight.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=a.path)
    for name in ("d_optimizer", "g_optimizer"):
        pairs = zip(getattr(straight, name).variables, getattr(loaded, name).variables, strict=True)
        for a, b in pairs:
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=name)


@pytest.mark.slow  # 6-9 s; slow tier keeps the default under 15 min
def test_the_command_line_trains_samples_and_exports(tmp_path):
    from keras_gans.export import export

    run = tmp_path / "run"
    tiny_run = [
        "--arch-arg", "base_filters=4", "--arch-arg", "hidden_units=(8,)",
        "--latent-dim", "4", "--batch-size", "32", "--steps-per-epoch", "2",
        "--samples", "4", "--verbose", "0",
    ]  # fmt: skip
    train = ["train", "--arch", "bigan", "--data", "digits", "--epochs", "2", "--run-dir"]
    assert keras_gans_cli.main([*train, str(run), *tiny_run]) == 0
    assert keras_gans_cli.main(["sample", str(run), "--out", str(tmp_path / "s.png")]) == 0
    onnx = tmp_path / "generator.onnx"
    assert keras_gans_cli.main(["export", str(run), "--format", "onnx", "--out", str(onnx)]) == 0
    assert (tmp_path / "s.png").is_file() and onnx.is_file()
    gan = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    assert type(gan) is BiGANModel and int(gan.g_optimizer.iterations) == 4
    result = export(gan.encoder, tmp_path / "encoder.onnx", format="onnx")
    assert result.verification.passed and result.verification.max_abs_diff < 1e-4


# ----------------------------------------------------------------------- bad input
def test_bad_input_is_named():
    arch = keras_gans.architectures.get("bigan", data_shape=(2,), latent_dim=2, hidden_units=(4,))
    g, d, e = arch.build_generator(), arch.build_discriminator(), arch.build_encoder()
    with pytest.raises(ValueError, match="`num_classes` must be None"):
        BiGANModel(g, d, e, latent_dim=2, num_classes=3)
    with pytest.raises(ValueError, match=r"`discriminator` must take \[x, z\]"):
        BiGANModel(g, e, e, latent_dim=2)
    with pytest.raises(ValueError, match="`encoder` must return"):
        BiGANModel(g, d, keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)]), 2)
    with pytest.raises(ValueError, match="`encoder_distribution` must be one of"):
        keras_gans.architectures.get("bigan", encoder_distribution="laplace")
    with pytest.raises(ValueError, match="`convolutional=True` needs an image shape"):
        keras_gans.architectures.get("bigan", data_shape=(2,), convolutional=True)
    with pytest.raises(ValueError, match=r"`x` must be samples of shape \(n, 2\)"):
        tiny().encode(np.zeros((3, 5)))

"""Saving to `.keras` and loading with safe_mode on: identical outputs, training resumes."""

import subprocess
import sys

import keras
import numpy as np

import keras_gans
from keras_gans.datasets import load_digits


def small_conditional_dcgan():
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=16, num_classes=10, base_filters=8, seed=0
    )
    gan.compile(
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss={"name": "wgan-gp", "gp_weight": 5.0},
        d_steps=2,
    )
    return gan


def test_round_trip_keeps_outputs_optimizer_state_and_compile_config(tmp_path):
    x, y = load_digits()
    x, y = x[:128], y[:128]
    gan = small_conditional_dcgan()
    gan.fit(x, y, batch_size=32, epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)

    loaded = keras.saving.load_model(path)  # safe_mode defaults to True
    labels = np.arange(10) % 10
    np.testing.assert_array_equal(
        loaded.generate(10, labels=labels, seed=7), gan.generate(10, labels=labels, seed=7)
    )
    assert isinstance(loaded.adversarial_loss, keras_gans.losses.WGANGP)
    assert loaded.adversarial_loss.gp_weight == 5.0 and loaded.d_steps == 2
    assert float(loaded.g_optimizer.learning_rate) == np.float32(1e-3)
    assert int(loaded.d_optimizer.iterations) == int(gan.d_optimizer.iterations) == 8
    for a, b in zip(loaded.d_optimizer.variables, gan.d_optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))

    # Training resumes from the restored optimizer state, identically to the original.
    loaded.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert int(loaded.d_optimizer.iterations) == 16
    assert int(loaded.g_optimizer.iterations) == 8


def test_a_fresh_process_loads_after_import_keras_gans_alone(tmp_path):
    gan = small_conditional_dcgan()
    path = tmp_path / "gan.keras"
    gan.save(path)
    expected = gan.generate(3, labels=[1, 2, 3], seed=5)
    np.save(tmp_path / "expected.npy", expected)
    script = (
        "import sys, numpy as np, keras, keras_gans\n"
        f"m = keras.saving.load_model(r'{path}')\n"
        f"e = np.load(r'{tmp_path / 'expected.npy'}')\n"
        "sys.exit(0 if np.array_equal(m.generate(3, labels=[1, 2, 3], seed=5), e) else 3)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def _noisy_dropout_gan():
    """A GAN whose step draws from the latent sampler, a dropout layer and instance noise."""
    generator = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    )
    discriminator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8), keras.layers.Dropout(0.5), keras.layers.Dense(1)]
    )
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)
    gan.compile(loss="non-saturating", tricks=[keras_gans.tricks.InstanceNoise(0.1)])
    return gan


def test_save_and_resume_is_exact_because_every_random_stream_is_saved(tmp_path):
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    uninterrupted = _noisy_dropout_gan()
    uninterrupted.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)
    uninterrupted.save(tmp_path / "gan.keras")
    uninterrupted.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)

    resumed = keras_gans.load_model(tmp_path / "gan.keras")
    resumed.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(uninterrupted.weights, resumed.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # The latent sampler and the dropout layer continue where they were, not from their seeds.
    streams = [s.state.numpy() for s in resumed._random_streams()]
    assert len(streams) == 2 and all(s[1] > 0 for s in streams)

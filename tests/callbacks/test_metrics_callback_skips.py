"""`GANMetricsCallback` does not evaluate an epoch that diverged or that a signal cut
short: `NaNGuard` reports the divergence instead of a ValueError about NaN fakes."""

import os
import signal

import keras
import numpy as np

import keras_gans
from keras_gans.callbacks import GANCheckpoint, GANMetricsCallback, NaNGuard
from keras_gans.datasets import load_digits


def _gan():
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=8, base_filters=8, seed=0
    )
    gan.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    return gan


def test_a_diverged_epoch_is_left_to_nan_guard():
    x, _ = load_digits()
    data = x[:192].copy()
    data[100] = np.nan  # batch 2 of 3
    guard = NaNGuard(verbose=False)
    metrics = GANMetricsCallback(x[:64], extractor="digits", n_samples=64)
    history = _gan().fit(
        data, batch_size=64, epochs=2, verbose=0, shuffle=False, callbacks=[guard, metrics]
    )
    assert guard.triggered and "epoch 1" in guard.message
    assert not any(key.startswith("val_") for key in history.history)
    assert metrics.last_results == {}


class _Term(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 0:
            os.kill(os.getpid(), signal.SIGTERM)


def test_an_epoch_stopped_by_a_signal_is_not_evaluated(tmp_path):
    x, _ = load_digits()
    metrics = GANMetricsCallback(x[:64], extractor="digits", n_samples=64)
    checkpoint = GANCheckpoint(tmp_path, stop_on_signal=True)
    _gan().fit(
        x[:192], batch_size=64, epochs=2, verbose=0, callbacks=[_Term(), checkpoint, metrics]
    )
    assert checkpoint.stopped_by == "SIGTERM"
    assert metrics.last_results == {}

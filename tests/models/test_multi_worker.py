"""MultiWorkerMirroredStrategy: two worker processes on localhost train exactly as one device.

The workers run `multi_worker_task.py` with a `TF_CONFIG` naming both. As in
test_distributed.py the generator ignores z, so both sides see identical fakes and the
comparison is exact, while the discriminator's update depends on every real example of the
global batch (a per-worker mean not divided by the worker count fails it).
"""

import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from tests.models.test_distributed import build_pair

DATA = np.random.default_rng(0).normal(size=(48, 2)).astype("float32")
EPOCHS, GLOBAL_BATCH = 2, 16


def train(strategy, data):
    """Builds the pair under `strategy`, fits 2 epochs of 3 global batches; returns weights
    and the history."""
    with strategy.scope():
        generator, discriminator = build_pair()
        gan = keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)
        gan.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5), loss="non-saturating")
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(GLOBAL_BATCH)
    history = gan.fit(dataset, epochs=EPOCHS, verbose=0, shuffle=False)
    weights = gan.discriminator.get_weights() + gan.generator.get_weights()
    return weights, history.history


LABELS = np.arange(48) % 3


def conditional_gan():
    return keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=3, hidden_units=(8,), num_classes=3, seed=0
    )


def train_conditional(strategy, data):
    """A label-conditioned `mlp` GAN fitted on `(points, labels)` under `strategy`, as a user's
    script writes it (no build call before `fit`); returns weights and the history."""
    with strategy.scope():
        gan = conditional_gan()
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), loss="non-saturating")
    dataset = tf.data.Dataset.from_tensor_slices((data, LABELS)).batch(GLOBAL_BATCH)
    history = gan.fit(dataset, epochs=EPOCHS, verbose=0, shuffle=False)
    weights = gan.discriminator.get_weights() + gan.generator.get_weights()
    return weights, history.history


def train_dann(strategy, data):
    """DANN, whose own train and test steps must return `replica_logs`, fitted and evaluated
    under `strategy` on `((source, target), labels)`; returns weights and the history."""
    with strategy.scope():
        model = keras_gans.GANModel.from_architecture(
            "dann", data_shape=(2,), num_classes=3, latent_dim=4, hidden_units=(), seed=0
        )
        model.compile(optimizer=keras.optimizers.SGD(0.1), schedule_steps=6)
    dataset = tf.data.Dataset.from_tensor_slices(((data, data + 1.0), LABELS))
    history = model.fit(dataset.batch(GLOBAL_BATCH), epochs=EPOCHS, verbose=0).history
    evaluated = model.evaluate(dataset.batch(GLOBAL_BATCH), verbose=0, return_dict=True)
    history.update({f"val_{key}": [value] for key, value in evaluated.items()})
    return model.get_weights(), history


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _run_two_workers(folder, *mode):
    ports = ",".join(map(str, _free_ports(2)))
    script = os.path.join(os.path.dirname(__file__), "multi_worker_task.py")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    workers = [
        subprocess.Popen(
            [sys.executable, script, str(i), ports, str(folder), *mode],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-3000:]
    return [np.load(folder / f"worker{index}.npz") for index in range(2)]


@pytest.mark.slow
def test_two_workers_on_localhost_match_one_device(tmp_path):
    _run_two_workers(tmp_path)
    single_weights, single_history = train(tf.distribute.get_strategy(), DATA)
    initial = build_pair()[1].get_weights()
    assert max(np.abs(a - b).max() for a, b in zip(single_weights[:4], initial, strict=True)) > 0.05
    for index in range(2):
        result = np.load(tmp_path / f"worker{index}.npz")
        assert int(result["replicas"]) == 2
        for i, want in enumerate(single_weights):
            np.testing.assert_allclose(result[f"w{i}"], want, rtol=1e-5, atol=1e-6)
        # The logged values are the global batch's means, as on one device.
        for key, values in single_history.items():
            np.testing.assert_allclose(result[f"log_{key}"], values, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_two_workers_train_a_conditional_gan_from_a_plain_script(tmp_path):
    # Keras 3.15 builds a model under this strategy from the first batch reduced across the
    # replicas, which fails for an (images, labels) batch; GANModel builds from a local part.
    first, second = _run_two_workers(tmp_path, "conditional")
    assert int(first["replicas"]) == int(second["replicas"]) == 2
    gan = conditional_gan()
    initial = gan.discriminator.get_weights() + gan.generator.get_weights()
    moved = 0.0
    for i in range(len([k for k in first.files if k.startswith("w")])):
        np.testing.assert_allclose(first[f"w{i}"], second[f"w{i}"], rtol=1e-6, atol=1e-7)
        moved = max(moved, np.abs(first[f"w{i}"] - initial[i]).max())
    assert moved > 1e-3  # both workers trained, in step
    assert np.isfinite(first["log_d_loss"]).all() and len(first["log_d_loss"]) == EPOCHS


@pytest.mark.slow
def test_two_workers_train_and_evaluate_dann(tmp_path):
    # DANN has its own train_step and test_step: their logs must go through replica_logs
    # (scalar logs fail the cross-worker reduction, tensorflow/tensorflow#72388).
    first, second = _run_two_workers(tmp_path, "dann")
    assert int(first["replicas"]) == int(second["replicas"]) == 2
    for i in range(len([k for k in first.files if k.startswith("w")])):
        np.testing.assert_allclose(first[f"w{i}"], second[f"w{i}"], rtol=1e-6, atol=1e-7)
    assert first["log_d_loss"].shape == (EPOCHS,) and first["log_val_d_loss"].shape == (1,)
    assert np.isfinite(first["log_d_loss"]).all() and np.isfinite(first["log_val_d_loss"]).all()

"""`WorkerBackupAndRestore`: only whole, finite epochs are backed up."""

import os
import signal

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.callbacks import GANCheckpoint, NaNGuard
from keras_gans.callbacks.backup import WorkerBackupAndRestore, backup_epoch
from keras_gans.testing import tiny_gan

STEPS = 4  # 64 points, batch 16


def _compiled_gan():
    gan = tiny_gan(seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def _dataset():
    points = tf.random.stateless_normal((64, 2), seed=(1, 2))
    return tf.data.Dataset.from_tensor_slices(points).batch(16)


def _networks(model):
    weights = model.generator.weights + model.discriminator.weights
    return [keras.ops.convert_to_numpy(v) for v in weights]


class _At(keras.callbacks.Callback):
    """Acts before global batch `at` (1-based): sends SIGTERM after it, sets `stop_training`
    after it, or makes it diverge (a NaN discriminator weight); records epoch-end weights."""

    def __init__(self, at, action):
        super().__init__()
        self.at, self.action, self.seen, self.epochs = at, action, 0, {}

    def on_train_batch_begin(self, batch, logs=None):
        if self.seen + 1 == self.at and self.action == "nan":
            kernel = self.model.discriminator.weights[0]
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at and self.action == "signal":
            os.kill(os.getpid(), signal.SIGTERM)
        if self.seen == self.at and self.action == "stop":
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epochs[epoch + 1] = _networks(self.model)


@pytest.mark.parametrize(
    "action, at, backed_up",
    [
        ("signal", STEPS + 2, 1),  # stopped inside epoch 2
        ("stop", STEPS + 2, 1),
        ("nan", STEPS + 2, 1),
        ("nan", 2 * STEPS, 1),  # epoch 2 ran to its end, with NaN losses
        ("stop", 2 * STEPS, 2),  # stopped after the last batch of epoch 2: a whole epoch
    ],
)
def test_only_whole_finite_epochs_are_backed_up(tmp_path, action, at, backed_up):
    gan, event = _compiled_gan(), _At(at, action)
    folder = tmp_path / "backup"
    callbacks = [
        NaNGuard(verbose=False),
        event,
        GANCheckpoint(tmp_path / "checkpoints", stop_on_signal=True),
        WorkerBackupAndRestore(folder, delete_checkpoint=False),
    ]
    gan.fit(_dataset(), epochs=3, shuffle=False, verbose=0, callbacks=callbacks)
    assert gan.g_optimizer.iterations.numpy() == at
    assert backup_epoch(folder) == backed_up
    assert sorted(os.listdir(folder)) == [
        f"epoch-{backed_up:04d}.weights.h5",
        "training_metadata.json",
    ]

    restored = _compiled_gan()
    restore = WorkerBackupAndRestore(folder, delete_checkpoint=False)
    restore.set_model(restored)
    restore.on_train_begin()
    for got, want in zip(_networks(restored), event.epochs[backed_up], strict=True):
        np.testing.assert_array_equal(got, want)


def test_both_files_of_a_backup_reach_the_disk_before_the_commit_and_leftovers_go(
    tmp_path, monkeypatch
):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / ".epoch-0009.weights.k2j4h5g6.h5").write_bytes(b"left by a kill")
    synced, real_fsync = [], os.fsync

    def fsync(descriptor):
        synced.append(os.fstat(descriptor).st_ino)
        return real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    backup = WorkerBackupAndRestore(folder, delete_checkpoint=False)
    _compiled_gan().fit(_dataset(), epochs=1, shuffle=False, verbose=0, callbacks=[backup])
    monkeypatch.undo()
    assert sorted(os.listdir(folder)) == ["epoch-0001.weights.h5", "training_metadata.json"]
    # A rename keeps the inode: the files synced are the ones now in place.
    for name in os.listdir(folder):
        assert os.stat(folder / name).st_ino in synced, name

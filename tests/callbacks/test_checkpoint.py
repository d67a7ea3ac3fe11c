"""`GANCheckpoint`: what it deletes beside its commits, and what it commits when another
callback stops `fit` partway through an epoch."""

import json
import os
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.callbacks import GANCheckpoint, resumable_fit
from keras_gans.testing import tiny_gan


def _compiled_gan():
    gan = tiny_gan(seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def _leftover(folder, target):
    """A temporary file as a commit killed mid-write leaves it (`replace_atomically`)."""
    stem, suffix = os.path.splitext(target)
    handle, path = tempfile.mkstemp(prefix=f".{stem}.", suffix=suffix, dir=folder)
    os.close(handle)
    return os.path.basename(path)


def test_a_commit_removes_only_its_own_leftovers_and_leaves_foreign_entries(tmp_path):
    # An export staging its files beside the checkpoints: a folder, and a plain file.
    (tmp_path / ".latest.onnx.partial-99999-abc").mkdir()
    (tmp_path / ".latest.onnx.partial-99999-abc" / "model.onnx").write_bytes(b"onnx")
    (tmp_path / ".latest.tflite.partial-99999-abc").write_bytes(b"tflite")
    (tmp_path / ".state.notes").write_text("mine")
    (tmp_path / "epoch-0007.keras").mkdir()  # not a file this callback could have written
    ours = [
        _leftover(tmp_path, name)
        for name in ("latest.keras", "best.keras", "state.json", "epoch-0003.keras")
    ]
    ours.append(_leftover(tmp_path, "step-0002-000004.keras"))
    (tmp_path / "step-0002-000004.keras").write_bytes(b"uncommitted")
    foreign = {p.name for p in tmp_path.iterdir()} - set(ours) - {"step-0002-000004.keras"}

    gan = _compiled_gan()
    points = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    gan.fit(points, batch_size=32, epochs=1, verbose=0, callbacks=[GANCheckpoint(tmp_path)])

    left = {p.name for p in tmp_path.iterdir()}
    assert left == foreign | {"epoch-0001.keras", "latest.keras", "state.json"}
    assert (tmp_path / ".latest.onnx.partial-99999-abc" / "model.onnx").read_bytes() == b"onnx"


STEPS, EPOCHS = 5, 3  # 80 points, batch 16


def _make_dataset():
    points = tf.random.stateless_normal((80, 2), seed=(3, 4))
    return tf.data.Dataset.from_tensor_slices(points).shuffle(80, seed=7).batch(16)


def _weights(model):
    return [keras.ops.convert_to_numpy(v) for v in model.weights]


class _StopAt(keras.callbacks.Callback):
    """Sets `stop_training` after global batch `at` (as EarlyStopping-like callbacks do)."""

    def __init__(self, at):
        super().__init__()
        self.at, self.seen = at, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            self.model.stop_training = True


@pytest.fixture(scope="module")
def uninterrupted():
    keras.utils.set_random_seed(0)
    gan = _compiled_gan()
    resumable_fit(gan, _make_dataset, EPOCHS, [], verbose=0)
    return _weights(gan)


@pytest.mark.parametrize("stop_after, first", [(3, True), (8, False), (10, True)])
def test_a_stop_by_another_callback_commits_the_steps_done_and_resumes_exactly(
    tmp_path, uninterrupted, stop_after, first
):
    keras.utils.set_random_seed(0)
    gan, stopper, checkpoint = _compiled_gan(), _StopAt(stop_after), GANCheckpoint(tmp_path)
    callbacks = [stopper, checkpoint] if first else [checkpoint, stopper]
    resumable_fit(gan, _make_dataset, EPOCHS, callbacks, verbose=0)
    state = json.loads((tmp_path / "state.json").read_text())
    epoch, batch = divmod(stop_after, STEPS)
    assert (state["epoch"], state.get("batch", 0)) == (epoch, batch)
    resumed = keras_gans.load_model(tmp_path / state["checkpoint"])
    assert resumed.g_optimizer.iterations.numpy() == stop_after

    keras.utils.set_random_seed(0)
    resumable_fit(resumed, _make_dataset, EPOCHS, [GANCheckpoint(tmp_path)], state=state, verbose=0)
    assert resumed.g_optimizer.iterations.numpy() == EPOCHS * STEPS
    for got, want in zip(_weights(resumed), uninterrupted, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)

"""`GANCheckpoint`: what it deletes beside its commits."""

import os
import tempfile

import keras
import numpy as np

from keras_gans.callbacks import GANCheckpoint
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

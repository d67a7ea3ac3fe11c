"""`SampleGrid`'s stored latent batch: written whole or not at all, and checked on reading."""

import numpy as np
import pytest

from keras_gans.callbacks import SampleGrid
from keras_gans.testing import tiny_gan

N, LATENT_DIM = 16, 4  # tiny_gan's latent size


class _Killed(BaseException):
    """Stands for a SIGKILL in the middle of writing the file."""


def _grid(folder):
    grid = SampleGrid(folder, n=N, seed=3)
    grid.set_model(tiny_gan(seed=0))
    return grid


def test_a_kill_while_writing_the_latents_leaves_no_file_and_the_restart_draws_them_again(
    tmp_path, monkeypatch
):
    whole = _grid(tmp_path / "whole")
    whole.on_train_begin()
    real_save = np.save

    def dying_save(file, array, *args, **kwargs):
        half = b"\x93NUMPY" + array.tobytes()[: array.nbytes // 2]
        if hasattr(file, "write"):
            file.write(half)
        else:
            with open(file, "wb") as handle:
                handle.write(half)
        raise _Killed("killed while writing")

    monkeypatch.setattr(np, "save", dying_save)
    with pytest.raises(_Killed):
        _grid(tmp_path / "killed").on_train_begin()
    monkeypatch.setattr(np, "save", real_save)
    assert not (tmp_path / "killed" / "latents.npy").exists()

    restarted = _grid(tmp_path / "killed")
    restarted.on_train_begin()
    np.testing.assert_array_equal(restarted.latents, whole.latents)
    np.testing.assert_array_equal(np.load(tmp_path / "killed" / "latents.npy"), whole.latents)


def _archive(path):
    with open(path, "wb") as file:  # np.savez would append ".npz" to the name
        np.savez(file, z=np.ones((N, LATENT_DIM), "float32"))


def _truncated(path):
    np.save(path, np.ones((N, LATENT_DIM), "float32"))
    path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize(
    "store, match",
    [
        (_truncated, r"is not a readable NumPy array \(ValueError"),
        (lambda path: path.write_bytes(b""), r"is not a readable NumPy array \(EOFError"),
        (
            lambda path: np.save(path, np.ones((N, LATENT_DIM), "int32")),
            "must hold floating-point latents. Received: dtype int32",
        ),
        (_archive, r"must hold one array of latents. Received: an archive of the arrays \['z'\]"),
        (lambda path: np.save(path, np.ones((N, 3), "float32")), r"needs \(16, 4\)"),
    ],
    ids=["truncated", "empty", "integers", "archive", "another-shape"],
)
def test_a_stored_latent_file_that_cannot_serve_is_named_with_what_is_wrong(tmp_path, store, match):
    store(tmp_path / "latents.npy")
    with pytest.raises(ValueError, match=match) as caught:
        _grid(tmp_path).on_train_begin()
    assert "latents.npy" in str(caught.value) and "delete the file" in str(caught.value)


def test_stored_float64_latents_are_taken_as_float32(tmp_path):
    stored = np.random.default_rng(0).normal(size=(N, LATENT_DIM))
    np.save(tmp_path / "latents.npy", stored)
    grid = _grid(tmp_path)
    grid.on_train_begin()
    assert grid.latents.dtype == np.float32
    np.testing.assert_array_equal(grid.latents, stored.astype("float32"))

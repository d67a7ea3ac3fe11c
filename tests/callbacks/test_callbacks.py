"""Callbacks: atomic checkpoints, NaN guard, sample grids, loss plots, ETA, run directories."""

import csv
import glob
import json
import os

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.callbacks import (
    GANCheckpoint,
    LossPlot,
    NaNGuard,
    RunDirectory,
    SampleGrid,
    TimeRemaining,
    atomic_save,
)
from keras_gans.callbacks import progress as progress_module
from keras_gans.testing import tiny_gan


def _compiled_gan(seed=0):
    gan = tiny_gan(seed=seed)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def _points(n=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")


def test_atomic_save_failure_keeps_previous_file_and_leaves_no_temporary(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    target = tmp_path / "model.keras"
    atomic_save(model, target)
    before = target.read_bytes()

    class CrashError(RuntimeError):
        pass

    def half_write(path):
        with open(path, "wb") as file:
            file.write(b"PK\x03\x04 half a zip")
        raise CrashError("killed mid-write")

    model.save = half_write
    with pytest.raises(CrashError):
        atomic_save(model, target)
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]
    assert keras.saving.load_model(target).count_params() == 3


def test_atomic_save_rejects_other_suffixes(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="must end in '.keras'"):
        atomic_save(model, tmp_path / "model.h5")


def test_checkpoint_keeps_best_by_monitor_and_skips_non_finite_epochs(tmp_path):
    gan = _compiled_gan()
    checkpoint = GANCheckpoint(tmp_path, monitor="g_loss", mode="min")
    checkpoint.set_model(gan)
    checkpoint.set_params({"epochs": 4})
    checkpoint.on_train_begin()
    checkpoint.on_epoch_end(0, {"g_loss": 1.0, "d_loss": 1.3})
    best_bytes = (tmp_path / "best.keras").read_bytes()
    checkpoint.on_epoch_end(1, {"g_loss": 2.0, "d_loss": 1.3})  # worse: best unchanged
    assert (tmp_path / "best.keras").read_bytes() == best_bytes
    state = json.loads((tmp_path / "state.json").read_text())
    assert (state["epoch"], state["best"]) == (2, 1.0)
    checkpoint.on_epoch_end(2, {"g_loss": float("nan"), "d_loss": 1.3})  # never saved
    assert json.loads((tmp_path / "state.json").read_text())["epoch"] == 2
    assert checkpoint.skipped_epochs == [3]
    checkpoint.on_epoch_end(3, {"g_loss": 0.5, "d_loss": 1.3})
    assert json.loads((tmp_path / "state.json").read_text())["best"] == 0.5

    resumed = GANCheckpoint(tmp_path, monitor="g_loss")
    resumed.set_model(gan)
    resumed.on_train_begin()
    assert resumed.best == 0.5


def test_checkpoint_names_a_missing_monitor(tmp_path):
    gan = _compiled_gan()
    fit = {"batch_size": 32, "epochs": 1, "verbose": 0}
    with pytest.raises(KeyError, match="g_los"):
        gan.fit(_points(), callbacks=[GANCheckpoint(tmp_path, monitor="g_los")], **fit)
    # A validation value may be missing on epochs that are not evaluated: only latest.
    gan.fit(_points(), callbacks=[GANCheckpoint(tmp_path, monitor="val_kid")], **fit)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "epoch-0001.keras",
        "latest.keras",
        "state.json",
    ]


class _Killed(BaseException):
    """Stands for a SIGKILL at one instant of a save."""


def _kill_at(monkeypatch, name, after_calls=0):
    from keras_gans.callbacks import checkpoint as module

    real, calls = getattr(module, name), []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) > after_calls:
            raise _Killed(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, dying)


@pytest.mark.parametrize("instant", ["before the commit", "after the commit"])
def test_a_kill_at_any_instant_of_a_save_leaves_a_state_naming_the_model_it_describes(
    tmp_path, monkeypatch, instant
):
    from keras_gans.callbacks import RunDirectory

    run = RunDirectory.create(tmp_path / "run", {"epochs": 3})
    gan = _compiled_gan()
    checkpoint = GANCheckpoint(run.checkpoint_dir, monitor="g_loss")
    checkpoint.set_model(gan)
    checkpoint.set_params({"epochs": 3})
    checkpoint.on_train_begin()
    checkpoint.on_epoch_end(0, {"g_loss": 1.0})
    first = [keras.ops.convert_to_numpy(w) for w in gan.weights]
    gan.fit(_points(), batch_size=32, epochs=1, verbose=0)  # epoch 2 changes the weights
    if instant == "before the commit":  # the model file is written, state.json is not
        _kill_at(monkeypatch, "atomic_write_text")
    else:  # state.json is committed, latest.keras not yet pointed at the new file
        _kill_at(monkeypatch, "_link_atomically")
    with pytest.raises(_Killed):
        checkpoint.on_epoch_end(1, {"g_loss": 0.5})
    monkeypatch.undo()
    state = run.read_state()
    latest = keras_gans.load_model(run.checkpoint("latest"))
    if instant == "before the commit":
        assert state["epoch"] == 1 and run.checkpoint("latest").name == "latest.keras"
        for saved, expected in zip(latest.weights, first, strict=True):
            np.testing.assert_array_equal(keras.ops.convert_to_numpy(saved), expected)
    else:
        assert state["epoch"] == 2 and run.checkpoint("latest").name == "epoch-0002.keras"
        for saved, expected in zip(latest.weights, gan.weights, strict=True):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(saved), keras.ops.convert_to_numpy(expected)
            )
    # The next run's checkpoint drops what the kill left uncommitted.
    again = GANCheckpoint(run.checkpoint_dir, monitor="g_loss")
    again.set_model(gan)
    again.on_train_begin()
    committed = {state["checkpoint"], state["best_checkpoint"]}
    assert {p.name for p in run.checkpoint_dir.glob("epoch-*.keras")} == committed


@pytest.mark.parametrize("bad", [{"mode": "up"}, {"every_n_epochs": 0}])
def test_checkpoint_rejects_bad_arguments(tmp_path, bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        GANCheckpoint(tmp_path, **bad)


def test_nan_guard_stops_at_first_bad_step_and_last_good_checkpoint_survives(tmp_path):
    gan = _compiled_gan()
    run = RunDirectory.create(tmp_path / "run", {})
    callbacks = run.callbacks(progress=False, tensorboard=False)
    gan.fit(_points(), batch_size=32, epochs=1, verbose=0, callbacks=callbacks)
    good = run.checkpoint("latest").read_bytes()

    poisoned = _points(128)
    poisoned[40:] = np.nan  # the second batch of 32 brings the first NaN
    callbacks = run.callbacks(progress=False, tensorboard=False)
    gan.fit(
        poisoned,
        batch_size=32,
        epochs=3,
        initial_epoch=1,
        verbose=0,
        shuffle=False,
        callbacks=callbacks,
    )
    guard = callbacks[0]
    assert isinstance(guard, NaNGuard) and guard.triggered
    assert "epoch 2, step 4 (batch 2 of the epoch)" in guard.message  # 2 steps per epoch
    assert "d_loss=nan" in guard.message
    assert gan.g_optimizer.iterations.numpy() == 4
    assert run.checkpoint("latest").read_bytes() == good
    assert run.read_state()["epoch"] == 1


def test_sample_grid_reuses_stored_latents_and_draws_one_row_per_class(tmp_path):
    import keras_gans

    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=8, num_classes=3, base_filters=4, seed=0
    )
    gan.compile("adam", "adam")
    grid = SampleGrid(tmp_path, n=7, scale=1, tensorboard_dir=tmp_path / "tb")
    grid.set_model(gan)
    grid.on_train_begin()
    grid.on_epoch_end(0)
    grid.on_train_end()
    latents = np.load(tmp_path / "latents.npy")
    assert latents.shape == (6, 8)  # 7 rounded down to 2 per class, 3 classes
    from PIL import Image

    picture = np.asarray(Image.open(tmp_path / "epoch_0001.png"))
    assert picture.shape == (3 * 8 + 2, 2 * 8 + 1)  # 3 rows (classes) x 2 columns, padding 1
    assert glob.glob(str(tmp_path / "tb" / "events.out.tfevents.*"))

    again = SampleGrid(tmp_path, n=7, seed=123, scale=1)  # another seed: the file wins
    again.set_model(gan)
    again.on_train_begin()
    np.testing.assert_array_equal(again.latents, latents)
    again.write(tmp_path / "again.png")
    assert (tmp_path / "again.png").read_bytes() == (tmp_path / "epoch_0001.png").read_bytes()


def test_sample_grid_rejects_stored_latents_of_another_model(tmp_path):
    np.save(tmp_path / "latents.npy", np.zeros((16, 99), "float32"))
    grid = SampleGrid(tmp_path, n=16)
    grid.set_model(_compiled_gan())
    with pytest.raises(ValueError, match=r"needs \(16, 4\)"):
        grid.on_train_begin()


def test_loss_plot_continues_from_csv(tmp_path):
    csv_path = tmp_path / "metrics.csv"
    csv_path.write_text("epoch,d_loss,g_loss,d_real\n0,1.5,0.5,0.1\n1,1.4,0.6,0.2\n")
    plot = LossPlot(tmp_path / "losses.png", csv_path=csv_path)
    plot.on_train_begin()
    plot.on_epoch_end(2, {"d_loss": 1.3, "g_loss": 0.7, "d_real": 0.3})
    assert plot.history == {"d_loss": [1.5, 1.4, 1.3], "g_loss": [0.5, 0.6, 0.7]}
    assert (tmp_path / "losses.png").stat().st_size > 0


def test_time_remaining_extrapolates_mean_epoch_time(monkeypatch):
    clock = iter([100.0, 100.0, 110.0, 130.0])
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: next(clock))
    lines = []

    class Stream:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    eta = TimeRemaining(stream=Stream())
    eta.set_params({"epochs": 10})
    eta.on_train_begin()
    eta.on_epoch_begin(0)
    eta.on_epoch_end(0)  # 10 s for one epoch, 9 left
    assert eta.remaining == pytest.approx(90.0)
    eta.on_epoch_begin(1)
    eta.on_epoch_end(1)  # 30 s for two, 8 left
    assert eta.remaining == pytest.approx(120.0)
    assert "epoch 2/10 · 15.0 s/epoch · ~2m 00s left" in "".join(lines)


def test_run_directory_refuses_to_overwrite_and_trims_rows_after_the_checkpoint(tmp_path):
    run = RunDirectory.create(tmp_path / "run", {"epochs": 3})
    with pytest.raises(FileExistsError, match="already holds a run"):
        RunDirectory.create(tmp_path / "run", {"epochs": 9})
    assert run.read_config() == {"epochs": 3}
    with pytest.raises(FileNotFoundError, match="has no committed checkpoint yet"):
        run.checkpoint("latest")
    with pytest.raises(FileNotFoundError, match="keeps no best.keras.*--checkpoint latest"):
        run.checkpoint("best")
    run.metrics_path.write_text("epoch,d_loss\n0,1.0\n1,0.9\n2,0.8\n")
    run.trim_metrics(2)
    with open(run.metrics_path, newline="") as file:
        assert list(csv.reader(file)) == [["epoch", "d_loss"], ["0", "1.0"], ["1", "0.9"]]
    with pytest.raises(FileNotFoundError, match="no config.json"):
        RunDirectory(tmp_path).read_config()


def test_atomic_writes_get_the_mode_open_would_give(tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    saved = atomic_save(model, tmp_path / "model.keras")
    assert saved.stat().st_mode & 0o777 == 0o666 & ~mask
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert saved.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777

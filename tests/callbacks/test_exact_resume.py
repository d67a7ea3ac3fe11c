"""Step-level checkpoints, stop on a signal, and `resumable_fit`: a run stopped at any step
and resumed from its last commit ends with the weights and the logged rows of an
uninterrupted run."""

import json
import os
import signal

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.callbacks import (
    GANCheckpoint,
    RunDirectory,
    StopSignals,
    data_position,
    resumable_fit,
)
from keras_gans.testing import tiny_gan

STEPS = 5  # 80 points, batch 16
EPOCHS = 3


def _make_dataset():
    points = tf.random.stateless_normal((80, 2), seed=(3, 4))
    return tf.data.Dataset.from_tensor_slices(points).shuffle(80, seed=7).batch(16)


def _fresh_gan():
    gan = tiny_gan(seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


class _Log(keras.callbacks.Callback):
    """Records every epoch's logs and every batch's first data value."""

    def __init__(self):
        super().__init__()
        self.epochs = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epochs[epoch] = {k: float(v) for k, v in (logs or {}).items()}


class _SignalAt(keras.callbacks.Callback):
    """Sends `signum` to this process after global batch `at` (a kill a user would send)."""

    def __init__(self, at, signum=signal.SIGTERM):
        super().__init__()
        self.at, self.signum, self.seen = at, signum, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), self.signum)


def _weights(model):
    return [
        keras.ops.convert_to_numpy(v) for v in model.generator.weights + model.discriminator.weights
    ]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole")
    keras.utils.set_random_seed(0)
    gan, log = _fresh_gan(), _Log()
    checkpoint = GANCheckpoint(folder, every_n_steps=2)
    resumable_fit(gan, _make_dataset, EPOCHS, [log, checkpoint], verbose=0)
    return _weights(gan), log.epochs, gan.g_optimizer.iterations.numpy()


@pytest.mark.parametrize("stop_after", [1, 4, 5, 7, 13])
def test_a_signal_at_any_step_commits_and_the_resume_matches_an_uninterrupted_run(
    tmp_path, uninterrupted, stop_after
):
    keras.utils.set_random_seed(0)
    gan, log = _fresh_gan(), _Log()
    checkpoint = GANCheckpoint(tmp_path, stop_on_signal=True)
    resumable_fit(gan, _make_dataset, EPOCHS, [log, _SignalAt(stop_after), checkpoint], verbose=0)
    assert checkpoint.stopped_by == "SIGTERM"
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["epoch"] * STEPS + state.get("batch", 0) == stop_after
    assert (tmp_path / state["checkpoint"]).is_file()

    keras.utils.set_random_seed(0)
    resumed = keras_gans.load_model(tmp_path / state["checkpoint"])
    assert resumed.g_optimizer.iterations.numpy() == stop_after
    log2 = _Log()
    resumable_fit(
        resumed, _make_dataset, EPOCHS, [log2, GANCheckpoint(tmp_path)], state=state, verbose=0
    )
    weights, epochs, iterations = uninterrupted
    assert resumed.g_optimizer.iterations.numpy() == iterations == EPOCHS * STEPS
    for got, want in zip(_weights(resumed), weights, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    # The epoch under way at the stop logs the mean over all its batches, as if never stopped.
    for epoch, logs in log2.epochs.items():
        for key, value in logs.items():
            assert value == pytest.approx(epochs[epoch][key], abs=1e-6), (epoch, key)


def test_every_n_steps_commits_inside_epochs_and_keeps_only_the_committed_file(tmp_path):
    gan = _fresh_gan()
    checkpoint = GANCheckpoint(tmp_path, every_n_steps=2)
    resumable_fit(gan, _make_dataset, 1, [checkpoint, _SignalAt(10**6)], verbose=0)
    assert sorted(os.listdir(tmp_path)) == ["epoch-0001.keras", "latest.keras", "state.json"]
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["epoch"] == 1 and "batch" not in state and "trackers" not in state


def test_a_mid_epoch_state_holds_the_running_means_of_the_epoch(tmp_path):
    gan = _fresh_gan()
    checkpoint = GANCheckpoint(tmp_path, stop_on_signal=True)
    resumable_fit(gan, _make_dataset, 2, [_SignalAt(3), checkpoint], verbose=0)
    state = json.loads((tmp_path / "state.json").read_text())
    assert (state["epoch"], state["batch"]) == (0, 3)
    assert state["checkpoint"] == "step-0001-000003.keras"
    total, count = state["trackers"]["g_loss"]
    assert count == 3 and total / count == pytest.approx(state["logs"]["g_loss"], rel=1e-6)


def test_data_position_replays_passes_without_reading_them():
    whole, per_pass = data_position(_make_dataset, 0)
    first = [b.numpy() for b in whole.take(3 * STEPS)]
    assert per_pass == STEPS
    for start in (0, 3, STEPS, 2 * STEPS + 1):
        later, _ = data_position(_make_dataset, start)
        got = [b.numpy() for b in later.take(3 * STEPS - start)]
        for a, b in zip(got, first[start:], strict=True):
            np.testing.assert_array_equal(a, b)


def test_data_position_and_resumable_fit_reject_what_they_cannot_resume():
    infinite = lambda: _make_dataset().repeat()  # noqa: E731
    with pytest.raises(ValueError, match="finite tf.data.Dataset"):
        data_position(infinite, 0)
    with pytest.raises(ValueError, match="global_step"):
        data_position(_make_dataset, -1)
    with pytest.raises(ValueError, match="batch 9 of epoch 1, but an epoch has only 5"):
        resumable_fit(_fresh_gan(), _make_dataset, 2, [], state={"epoch": 0, "batch": 9})


def test_stop_signals_second_signal_interrupts_at_once():
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN in a job started in the background
    with StopSignals() as signals:
        os.kill(os.getpid(), signal.SIGINT)
        assert signals.received == "SIGINT" and signals.exit_code == 130
        with pytest.raises(KeyboardInterrupt, match="second SIGTERM"):
            os.kill(os.getpid(), signal.SIGTERM)
    assert StopSignals.current() is None
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"every_n_steps": 0}, "every_n_steps"),
        ({"every_n_steps": 2.5}, "every_n_steps"),
        ({"stop_on_signal": "yes"}, "stop_on_signal"),
    ],
)
def test_checkpoint_rejects_bad_step_arguments(tmp_path, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        GANCheckpoint(tmp_path, **kwargs)


@pytest.mark.parametrize(
    "state, match",
    [
        ({"epoch": 0}, "'epoch' must be a whole number >= 1"),
        ({"epoch": 0, "batch": -2}, "'batch' must be a whole number >= 0"),
        ({"epoch": 1, "batch": "3"}, "'batch'"),
    ],
)
def test_run_directory_validates_the_step_in_state(tmp_path, state, match):
    run = RunDirectory.create(tmp_path / "run", {"epochs": 2})
    run.checkpoint_dir.mkdir()
    run.state_path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match=match):
        run.read_state()
    run.state_path.write_text(json.dumps({"epoch": 0, "batch": 4}))
    assert run.read_state()["batch"] == 4


def test_the_fit_finishing_a_resumed_epoch_reports_the_runs_real_length(tmp_path):
    gan = _fresh_gan()
    checkpoint = GANCheckpoint(tmp_path, stop_on_signal=True)
    resumable_fit(gan, _make_dataset, EPOCHS, [_SignalAt(2), checkpoint], verbose=0)
    state = json.loads((tmp_path / "state.json").read_text())
    seen = []

    class Length(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, self.params["epochs"]))

    resumed = keras_gans.load_model(tmp_path / state["checkpoint"])
    resumable_fit(resumed, _make_dataset, EPOCHS, [Length()], state=state, verbose=0)
    assert seen == [(0, EPOCHS), (1, EPOCHS), (2, EPOCHS)]

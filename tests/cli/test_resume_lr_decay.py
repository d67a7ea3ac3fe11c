"""`keras-gans train --resume --epochs N` on a run with `--lr-decay-epochs`: the decay keeps
covering the last epochs while it has not begun, and a run already decaying is refused."""

import json
import os
import signal

import keras
import numpy as np
import pytest

import keras_gans_cli
import keras_gans_cli.train as train_command
from keras_gans_cli._common import CommandError
from keras_gans_cli.train_resume import check_epochs_change
from tests.cli.conftest import TINY

ARGS = [*TINY, "--lr-decay-epochs", "1", "--no-tensorboard"]


def test_the_decay_start_decides_by_hand():
    config = {"lr_decay_epochs": 2, "epochs": 8}  # recorded 5: the decay began at epoch 4
    assert check_epochs_change(config, 5, {"epoch": 3}) is True  # constant so far
    assert check_epochs_change(config, 5, None) is True
    assert check_epochs_change({**config, "epochs": 5}, 5, {"epoch": 4}) is False  # unchanged
    assert check_epochs_change({**config, "lr_decay_epochs": None}, 5, {"epoch": 4}) is False
    for state in ({"epoch": 3, "batch": 1}, {"epoch": 4}):
        with pytest.raises(CommandError, match=r"from epoch 4 of 5.*Received: --epochs 8"):
            check_epochs_change(config, 5, state)


class _TermAfterFirstEpoch(keras.callbacks.Callback):
    """Sends this process SIGTERM at the end of epoch 1, as a user stopping the run."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            os.kill(os.getpid(), signal.SIGTERM)


@pytest.mark.slow  # 8 s: three training runs
def test_raising_epochs_before_the_decay_equals_the_longer_run(tmp_path, monkeypatch, capsys):
    stopped, whole = tmp_path / "stopped", tmp_path / "whole"
    original = train_command.eval_callbacks
    with monkeypatch.context() as patch:
        patch.setattr(
            train_command, "eval_callbacks", lambda *a: [*original(*a), _TermAfterFirstEpoch()]
        )
        keras_gans_cli.main(["train", *ARGS, "--epochs", "3", "--run-dir", str(stopped)])
    assert json.loads((stopped / "checkpoints" / "state.json").read_text())["epoch"] == 1
    # Epoch 1 of 3 trained at the constant rate; the decay (epoch 3) has not begun.
    assert keras_gans_cli.main(["train", "--resume", str(stopped), "--epochs", "4"]) == 0
    assert keras_gans_cli.main(["train", *ARGS, "--epochs", "4", "--run-dir", str(whole)]) == 0
    resumed, uninterrupted = (
        keras.saving.load_model(run / "checkpoints" / "latest.keras") for run in (stopped, whole)
    )
    for optimizer in (resumed.g_optimizer, resumed.d_optimizer):
        schedule = optimizer.get_config()["learning_rate"]["config"]
        assert schedule["constant_steps"] == 9  # epochs 1-3 at 3 updates each
    for a, b in zip(resumed.get_weights(), uninterrupted.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    # Finished, it has decayed to zero: a longer run is refused and nothing changes.
    before = (stopped / "checkpoints" / "state.json").read_text()
    capsys.readouterr()
    assert keras_gans_cli.main(["train", "--resume", str(stopped), "--epochs", "6"]) == 1
    assert "--epochs cannot change this run" in capsys.readouterr().err
    assert (stopped / "checkpoints" / "state.json").read_text() == before
    assert json.loads((stopped / "config.json").read_text())["epochs"] == 4

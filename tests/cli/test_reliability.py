"""A run directory's reliability: one writer, validated state files, honest stop messages."""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

import keras_gans_cli
from keras_gans.callbacks import RunDirectory, RunLock, RunLockedError, run_lock
from tests.cli.conftest import TINY


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_a_second_writer_is_refused_naming_the_holder_and_a_dead_holder_blocks_nothing(
    run_copy, capsys
):
    with RunLock(run_copy):
        assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "3"]) == 1
        line = _error_line(capsys)
        assert f"in use by process {os.getpid()}" in line and ".lock" in line
    rows = (run_copy / "metrics.csv").read_text().splitlines()
    assert len(rows) == 3  # header + 2 epochs: the refused resume wrote nothing

    # A holder killed with SIGKILL leaves .lock behind; the OS released the lock with it.
    # The holder loads run_lock.py alone (it imports only os and pathlib): no TensorFlow.
    code = (
        "import importlib.util as u, sys, time; s = u.spec_from_file_location('l', sys.argv[2]); "
        "m = u.module_from_spec(s); s.loader.exec_module(m); m.RunLock(sys.argv[1]).acquire(); "
        "print('held', flush=True); time.sleep(60)"
    )
    module = run_lock.__file__
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(run_copy), module], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(RunLockedError, match=f"process {holder.pid}"):
        RunLock(run_copy).acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert (run_copy / ".lock").exists()
    with RunLock(run_copy) as lock:
        assert (run_copy / ".lock").read_text() == str(os.getpid()) and lock is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "state.json' is corrupt (JSONDecodeError"),
        ("[1, 2]", "state.json' is corrupt: expected a JSON object"),
        ('{"epoch": 0}', "'epoch' must be a whole number >= 1"),
        ('{"epoch": "2"}', "'epoch' must be a whole number >= 1"),
        ('{"monitor": "g_loss"}', "received None"),
    ],
)
def test_a_bad_state_file_is_one_line_and_loses_nothing(run_copy, capsys, content, message):
    (run_copy / "checkpoints" / "state.json").write_text(content)
    metrics = (run_copy / "metrics.csv").read_text()
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "3"]) == 1
    assert message in _error_line(capsys)
    assert (run_copy / "metrics.csv").read_text() == metrics


def test_a_corrupt_config_and_a_corrupt_checkpoint_are_named_and_best_is_offered(run_copy, capsys):
    config = (run_copy / "config.json").read_text()
    (run_copy / "config.json").write_text(config[:40])
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "3"]) == 1
    assert "config.json' is corrupt (JSONDecodeError" in _error_line(capsys)
    (run_copy / "config.json").write_text(config)

    folder = run_copy / "checkpoints"
    state = json.loads((folder / "state.json").read_text())
    committed, best = folder / state["checkpoint"], folder / "best.keras"
    intact = committed.read_bytes()
    best.unlink()  # best.keras its own intact file (here it may be the latest epoch's)
    best.write_bytes(intact)
    for path in (committed, folder / "latest.keras"):  # copytree made them two files
        path.write_bytes(intact[:1000])  # truncated in place
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "3"]) == 1
    line = _error_line(capsys)
    assert f"Could not load {str(committed)!r}" in line and "best.keras' is intact" in line
    assert "--checkpoint best" in line
    assert json.loads((run_copy / "checkpoints" / "state.json").read_text())["epoch"] == 2


def test_reading_state_validates_it_in_python_too(tmp_path):
    run = RunDirectory.create(tmp_path / "run", {"epochs": 1})
    assert run.read_state() is None
    run.checkpoint_dir.mkdir()
    run.state_path.write_text('{"epoch": true}')
    with pytest.raises(ValueError, match=r"'epoch' must be a whole number >= 1.*True"):
        run.read_state()


def test_a_nan_at_the_first_step_says_there_is_no_checkpoint(tmp_path, capsys):
    run_dir = tmp_path / "run"
    argv = ["train", *TINY, "--epochs", "2", "--d-lr", "1e38", "--g-lr", "1e38"]
    assert keras_gans_cli.main([*argv, "--run-dir", str(run_dir), "--no-tensorboard"]) == 1
    err = capsys.readouterr().err
    assert "non-finite loss at epoch 1" in err
    assert "no checkpoint had been committed, so there is nothing to resume" in err
    assert "last good checkpoint is kept" not in err
    assert not (run_dir / "checkpoints" / "latest.keras").exists()
    assert not list((run_dir / "samples").glob("epoch_*.png"))  # no grid of NaN pixels


def test_a_rebuilt_run_keeps_the_architecture_it_was_created_with(run_copy, capsys):
    # A run with no committed checkpoint (or restarted from its multi-worker backup) is
    # rebuilt from config.json. Here base_filters=4 was not a flag but, as far as the run
    # knows, the default when it was created; today's default (64) must not leak in.
    import keras_gans

    original = keras_gans.load_model(run_copy / "checkpoints" / "latest.keras")
    config = json.loads((run_copy / "config.json").read_text())
    assert config["resolved"]["arch_config"]["base_filters"] == 4
    config["arch_args"] = {}
    (run_copy / "config.json").write_text(json.dumps(config))
    shutil.rmtree(run_copy / "checkpoints")  # killed before its first commit
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "1"]) == 0
    assert "has no committed checkpoint" in capsys.readouterr().out
    rebuilt = keras_gans.load_model(run_copy / "checkpoints" / "latest.keras")
    for network in ("generator", "discriminator"):
        shapes = [w.shape for w in getattr(rebuilt, network).weights]
        assert shapes == [w.shape for w in getattr(original, network).weights], network

    # A keyword the plugin no longer takes cannot be put back: one line naming it.
    config["resolved"]["arch_config"]["retired_option"] = 3
    (run_copy / "config.json").write_text(json.dumps(config))
    shutil.rmtree(run_copy / "checkpoints")
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "1"]) == 1
    line = _error_line(capsys)
    assert "created with retired_option = 3" in line and "cannot rebuild" in line

"""`keras-gans train`: the run directory, dry runs, resuming (also after a kill), bad input."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans_cli
from tests.cli.conftest import TINY


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def _tree(path):
    return sorted(
        (os.path.relpath(os.path.join(root, name), path), os.path.getsize(os.path.join(root, name)))
        for root, _, names in os.walk(path)
        for name in names
    )


def test_run_directory_holds_config_checkpoints_samples_metrics_plot_and_tensorboard(trained_run):
    config = json.loads((trained_run / "config.json").read_text())
    assert config["arch"] == "dcgan" and config["data"] == "digits" and config["epochs"] == 2
    assert config["arch_args"] == {"base_filters": 4}
    assert config["resolved"]["data_shape"] == [8, 8, 1]
    assert config["resolved"]["num_classes"] == 10  # digits are labelled: conditional
    assert config["resolved"]["loss"]["class_name"] == "NonSaturating"
    for name in ("latest.keras", "best.keras", "state.json"):
        assert (trained_run / "checkpoints" / name).exists()
    assert sorted(p.name for p in (trained_run / "samples").iterdir()) == [
        "epoch_0001.png",
        "epoch_0002.png",
        "latents.npy",
    ]
    with open(trained_run / "metrics.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows] == ["0", "1"]
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(rows[0])
    assert (trained_run / "losses.png").stat().st_size > 0
    events = [p for p in (trained_run / "tensorboard").rglob("events.out.tfevents.*")]
    assert {p.parent.name for p in events} >= {"train", "samples"}

    model = keras.saving.load_model(trained_run / "checkpoints" / "latest.keras")
    assert isinstance(model, keras_gans.GANModel) and model.conditional
    assert int(model.g_optimizer.iterations.numpy()) == 6  # 2 epochs x 3 updates


def test_dry_run_prints_configuration_and_summaries_and_writes_nothing(tmp_path, capsys):
    code = keras_gans_cli.main(
        ["train", *TINY, "--dry-run", "--loss", "hinge", "--run-dir", str(tmp_path / "x")]
    )
    out = capsys.readouterr().out
    assert code == 0
    config = json.loads(out[: out.index("\n}\n") + 2])
    assert config["loss"] == "hinge" and config["resolved"]["loss"]["class_name"] == "Hinge"
    assert "Total params" in out and out.count("Total params") == 2
    assert not (tmp_path / "x").exists()


def test_resolution_resizes_the_data_and_adam_settings_resolve_into_the_config(tmp_path, capsys):
    argv = ["train", *TINY, "--dry-run", "--resolution", "16", "--g-lr", "1e-4"]
    assert keras_gans_cli.main([*argv, "--run-dir", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    config = json.loads(out[: out.index("\n}\n") + 2])
    assert config["image_size"] == 16 and config["resolved"]["data_shape"] == [16, 16, 1]
    # Flags given win; the rest are DCGAN's (the dcgan architecture names no settings).
    assert (config["d_lr"], config["g_lr"], config["beta1"], config["beta2"]) == (
        2e-4,
        1e-4,
        0.5,
        0.999,
    )


def test_resume_continues_epoch_optimizer_state_and_sample_latents(run_copy, capsys):
    latents = np.load(run_copy / "samples" / "latents.npy")
    before = keras.saving.load_model(run_copy / "checkpoints" / "latest.keras")
    code = keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "4"])
    assert code == 0
    assert "resuming" in capsys.readouterr().out
    after = keras.saving.load_model(run_copy / "checkpoints" / "latest.keras")
    assert int(after.g_optimizer.iterations.numpy()) == 12
    assert int(after.d_optimizer.iterations.numpy()) == 12
    np.testing.assert_array_equal(np.load(run_copy / "samples" / "latents.npy"), latents)
    assert json.loads((run_copy / "config.json").read_text())["epochs"] == 4
    with open(run_copy / "metrics.csv", newline="") as file:
        assert [row["epoch"] for row in csv.DictReader(file)] == ["0", "1", "2", "3"]
    assert (run_copy / "samples" / "epoch_0004.png").exists()
    # Adam moments continued rather than restarting from zero.
    moments = [v for v in after.g_optimizer.variables if "momentum" in v.path]
    assert moments and any(np.abs(v.numpy()).sum() > 0 for v in moments)
    assert not np.allclose(before.generator.get_weights()[0], after.generator.get_weights()[0])


def test_by_default_best_keras_follows_kid_on_digits(tmp_path, capsys):
    argv = [a for a in TINY if a not in ("--monitor", "g_loss")]
    run_dir = tmp_path / "run"
    assert keras_gans_cli.main(["train", *argv, "--epochs", "2", "--run-dir", str(run_dir)]) == 0
    assert "best.keras: the lowest val_kid" in capsys.readouterr().out
    config = json.loads((run_dir / "config.json").read_text())
    assert (config["monitor"], config["eval"], config["eval_every"]) == ("val_kid", "kid", 5)
    with open(run_dir / "metrics.csv", newline="") as file:
        kids = [row["val_kid"] for row in csv.DictReader(file)]
    assert kids[0] == "" and float(kids[1]) > 0  # every 5 epochs, and after the last
    state = json.loads((run_dir / "checkpoints" / "state.json").read_text())
    assert state["monitor"] == "val_kid" and state["best"] == pytest.approx(float(kids[1]))
    assert (run_dir / "checkpoints" / "best.keras").exists()


def test_without_a_quality_metric_no_best_keras_is_kept(tmp_path, capsys):
    run_dir = tmp_path / "run"
    argv = ["--data", "ring", "--arch", "mlp", "--steps-per-epoch", "3", "--samples", "10"]
    argv += ["--verbose", "0", "--epochs", "1", "--run-dir", str(run_dir)]
    assert keras_gans_cli.main(["train", *argv]) == 0
    assert "best.keras: not kept" in capsys.readouterr().out
    assert not (run_dir / "checkpoints" / "best.keras").exists()
    assert keras_gans_cli.main(["sample", str(run_dir), "--checkpoint", "best"]) == 1
    assert "keeps no best.keras" in capsys.readouterr().err


def test_resume_removes_what_a_kill_inside_an_atomic_write_left(run_copy):
    # replace_atomically names its temporary `.<stem>.<8 random><suffix>`; a SIGKILL
    # between writing and renaming leaves it. Files the run does not write stay.
    left = [
        run_copy / ".metrics.k3j_9xq2.csv",
        run_copy / ".config.a1b2c3d4.json",
        run_copy / ".losses.zz99yy88.png",
        run_copy / "samples" / ".latents.q1w2e3r4.npy",
        run_copy / "samples" / ".epoch_0003.mnbvcxz1.png",
    ]
    kept = [run_copy / ".metrics.notes.csv", run_copy / ".mine.a1b2c3d4.csv"]
    for path in (*left, *kept):
        path.write_text("partial")
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--epochs", "3"]) == 0
    assert [p.name for p in left if p.exists()] == []
    assert all(p.read_text() == "partial" for p in kept)


def test_resume_of_a_finished_run_is_a_no_op(run_copy, capsys):
    before = _tree(run_copy)
    assert keras_gans_cli.main(["train", "--resume", str(run_copy)]) == 0
    assert "has finished: it trained 2 epochs and --epochs is 2" in capsys.readouterr().out
    assert _tree(run_copy) == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "/no/such/folder"], "--data /no/such/folder"),
        (["--arch", "dcgna"], "Unknown architecture 'dcgna'"),
        (["--loss", "wgan-gpp"], "Unknown loss 'wgan-gpp'"),
        (["--arch-arg", "base_filter=4"], "--arch-arg base_filter: not a keyword of DCGAN"),
        (["--batch-size", "30", "--d-steps", "4"], "--batch-size must be divisible by --d-steps"),
        (["--monitor", "val_kid"], "--monitor"),
        (["--conditional", "yes", "--data", "ring"], "needs labelled data"),
        (["--data", ""], "--data must not be empty"),
        (["--arch", " "], "--arch must not be empty"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(tmp_path, capsys, argv, message):
    flags = [*TINY, "--epochs", "1", *argv, "--run-dir", str(tmp_path / "run")]
    code = keras_gans_cli.main(["train", *flags])
    assert code == 1
    line = _error_line(capsys)
    assert line.startswith("keras-gans train: error: ") and message in line
    assert "Traceback" not in line


def test_bad_data_folders_are_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no images here")
    assert keras_gans_cli.main(["train", *TINY, "--data", str(empty)]) == 1
    assert "no images" in _error_line(capsys).lower()

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    assert keras_gans_cli.main(["train", *TINY, "--data", str(broken)]) == 1
    assert "a.png" in _error_line(capsys)


def test_existing_run_is_never_overwritten(run_copy, capsys):
    before = _tree(run_copy)
    assert keras_gans_cli.main(["train", *TINY, "--run-dir", str(run_copy)]) == 1
    assert "already holds a run" in _error_line(capsys)
    assert _tree(run_copy) == before


def test_resume_rejects_changed_flags_and_foreign_checkpoints(run_copy, capsys):
    before = _tree(run_copy)
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--arch", "mlp"]) == 1
    assert "--arch cannot be changed when resuming" in _error_line(capsys)
    assert keras_gans_cli.main(["train", "--resume", str(run_copy), "--no-tensorboard"]) == 1
    assert "--no-tensorboard cannot be changed when resuming" in _error_line(capsys)

    config = json.loads((run_copy / "config.json").read_text())
    config["arch"], config["epochs"] = "mlp", 3
    (run_copy / "config.json").write_text(json.dumps(config))
    before = _tree(run_copy)
    assert keras_gans_cli.main(["train", "--resume", str(run_copy)]) == 1
    assert "from another architecture" in _error_line(capsys)
    assert _tree(run_copy) == before

    assert keras_gans_cli.main(["train", "--resume", str(run_copy / "samples")]) == 1
    assert "no config.json" in _error_line(capsys)


def _cli(*argv, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "keras_gans_cli", *argv], capture_output=True, text=True, **kwargs
    )


def test_command_line_errors_print_exactly_one_line_without_tensorflow_noise(tmp_path):
    result = _cli("train", "--batch-size", "-3")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "keras-gans train: error: argument --batch-size: expected a positive integer, "
        "received -3 (see keras-gans train --help)"
    ]
    result = _cli("train", "--data", str(tmp_path / "missing"), "--run-dir", str(tmp_path / "r"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "missing" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.slow  # trains for 14-41 s: the slow tier keeps the default under 15 min
def test_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    run_dir = tmp_path / "run"
    state = run_dir / "checkpoints" / "state.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "keras_gans_cli", "train", *TINY, "--epochs", "200",
         "--no-tensorboard", "--run-dir", str(run_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline:
        if state.exists() and json.loads(state.read_text())["epoch"] >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = json.loads(state.read_text())["epoch"]
    assert 2 <= killed_at < 200
    # A kill during a write may leave that write's temporary file, never a torn target.
    keras.saving.load_model(run_dir / "checkpoints" / "latest.keras")

    result = _cli("train", "--resume", str(run_dir), "--epochs", str(killed_at + 2))
    assert result.returncode == 0, result.stderr
    assert f"resuming {run_dir} at epoch {killed_at + 1}" in result.stdout
    assert json.loads(state.read_text())["epoch"] == killed_at + 2
    with open(run_dir / "metrics.csv", newline="") as file:
        epochs = [int(row["epoch"]) for row in csv.DictReader(file)]
    assert epochs == list(range(killed_at + 2))
    model = keras.saving.load_model(run_dir / "checkpoints" / "latest.keras")
    assert int(model.g_optimizer.iterations.numpy()) == 3 * (killed_at + 2)
    assert not [p for p in (run_dir / "checkpoints").iterdir() if p.name.startswith(".")]


def test_eval_logs_kid_and_chooses_the_best_checkpoint_by_it(tmp_path):
    run_dir = tmp_path / "run"
    argv = ["train", *TINY, "--epochs", "2", "--eval", "kid", "--eval-samples", "64",
            "--monitor", "val_kid", "--no-tensorboard", "--run-dir", str(run_dir)]  # fmt: skip
    assert keras_gans_cli.main(argv) == 0
    with open(run_dir / "metrics.csv", newline="") as file:
        kids = [float(row["val_kid"]) for row in csv.DictReader(file)]
    state = json.loads((run_dir / "checkpoints" / "state.json").read_text())
    assert len(kids) == 2 and state["monitor"] == "val_kid"
    assert state["best"] == pytest.approx(min(kids))
    assert (run_dir / "checkpoints" / "best.keras").exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--eval", "fid,isc"], "--eval takes fid, kid and precision_recall"),
        (["--eval", "fid", "--eval-extractor", "no-such"], "--eval-extractor no-such"),
        (["--ema-decay", "1.5"], "--ema-decay must be in (0, 1)"),
    ],
)
def test_bad_evaluation_flags_are_one_line(tmp_path, capsys, argv, message):
    code = keras_gans_cli.main(["train", *TINY, *argv, "--run-dir", str(tmp_path / "run")])
    assert code == 1
    assert message in _error_line(capsys)
    assert not (tmp_path / "run").exists()

"""`keras-gans train --strategy multi-worker`: two worker processes on localhost.

The comparison run is `--strategy mirrored` over two logical CPU devices in one process: the
same two replicas, each with its half of every global batch, its own latents (the sampler
offsets each replica's seed) and its own BatchNorm statistics. A `--strategy none` run sees
the same global batches but normalises them as one batch of 64 and draws other latents, so
its weights differ (by 0.015 here); two workers and two local replicas agree exactly.
"""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import keras_gans_cli
from tests.models.test_multi_worker import _free_ports

#: The tiny run: 3 epochs of 29 global batches of 64 digits (the last one 5).
FLAGS = [
    "--data", "digits",
    "--epochs", "3",
    "--batch-size", "64",
    "--samples", "16",
    "--no-tensorboard",
    "--seed", "0",
    "--arch-arg", "base_filters=8",
    "--monitor", "g_loss",  # no KID evaluation: it would only slow the test down
    "--verbose", "2",
]  # fmt: skip
UPDATES = 3 * 29
#: Configures two logical CPU devices, then runs the command line (for `--strategy mirrored`).
TWO_CPUS = (
    "import sys, tensorflow as tf; "
    "cpu = tf.config.list_physical_devices('CPU')[0]; "
    "tf.config.set_logical_device_configuration("
    "cpu, [tf.config.LogicalDeviceConfiguration()] * 2); "
    "import keras_gans_cli; sys.exit(keras_gans_cli.main(sys.argv[1:]))"
)
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def start_workers(run_dir, tmp_path, extra=()):
    """Starts both workers, each in a folder of its own that is also its TMPDIR."""
    ports = _free_ports(2)
    cluster = {"worker": [f"localhost:{port}" for port in ports]}
    workers = []
    for index in range(2):
        folder = tmp_path / f"worker{index}"
        folder.mkdir(exist_ok=True)
        tf_config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        env = {**ENV, "TF_CONFIG": json.dumps(tf_config), "TMPDIR": str(folder)}
        command = [sys.executable, "-m", "keras_gans_cli", "train", *FLAGS, *extra]
        command += ["--strategy", "multi-worker", "--run-dir", str(run_dir)]
        log = open(folder / "log.txt", "a")  # noqa: SIM115 - closed by finish()
        workers.append(
            subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        )
        workers[-1].log = log
    return workers


def finish(workers, timeout=240):
    codes = []
    for worker in workers:
        try:
            codes.append(worker.wait(timeout=timeout))
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.log.close()
    return codes


def logs(tmp_path):
    return "\n".join((tmp_path / f"worker{i}" / "log.txt").read_text()[-2000:] for i in range(2))


def final_model(run_dir):
    import keras_gans

    return keras_gans.load_model(run_dir / "checkpoints" / "latest.keras")


def weights(model):
    return model.generator.get_weights() + model.discriminator.get_weights()


@pytest.fixture(scope="module")
def mirrored_run(tmp_path_factory):
    """The same run in one process, over two logical CPU devices (two replicas)."""
    run_dir = tmp_path_factory.mktemp("mirrored") / "run"
    command = [sys.executable, "-c", TWO_CPUS, "train", *FLAGS, "--strategy", "mirrored"]
    done = subprocess.run(
        [*command, "--run-dir", str(run_dir)], env=ENV, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 replicas" in done.stdout
    return final_model(run_dir)


@pytest.mark.slow
def test_two_workers_write_only_the_chiefs_run_and_match_two_local_replicas(tmp_path, mirrored_run):
    run_dir = tmp_path / "run"
    codes = finish(start_workers(run_dir, tmp_path))
    assert codes == [0, 0], logs(tmp_path)
    written = {p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*")}
    assert {"config.json", "metrics.csv", "checkpoints/latest.keras"} <= written
    assert "checkpoints/state.json" in written and "samples/epoch_0003.png" in written
    assert not any(name.startswith("backup") for name in written)  # deleted at the end
    # Worker 1 left nothing behind: its scratch run (in its TMPDIR) is gone.
    assert sorted(os.listdir(tmp_path / "worker1")) == ["log.txt"]
    assert json.loads((run_dir / "config.json").read_text())["strategy"] == "multi-worker"
    model = final_model(run_dir)
    assert int(model.g_optimizer.iterations) == UPDATES
    assert int(mirrored_run.g_optimizer.iterations) == UPDATES
    for got, want in zip(weights(model), weights(mirrored_run), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def _wait_for(path, workers, timeout=180):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert all(w.poll() is None for w in workers), "a worker exited before the backup"
        assert time.monotonic() < deadline, f"no {path} after {timeout} s"
        time.sleep(0.05)


def _kill_the_job(workers):
    workers[1].send_signal(signal.SIGKILL)
    workers[1].wait()
    try:  # the chief cannot go on alone; a cluster manager would now restart the job
        workers[0].wait(timeout=10)
    except subprocess.TimeoutExpired:
        workers[0].send_signal(signal.SIGKILL)
    finish(workers)


def _assert_ends_as_if_uninterrupted(run_dir, mirrored_run):
    """All updates, the uninterrupted run's weights, one metrics row per epoch, no backup."""
    model = final_model(run_dir)
    assert int(model.g_optimizer.iterations) == UPDATES
    for got, want in zip(weights(model), weights(mirrored_run), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)
    rows = (run_dir / "metrics.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["0", "1", "2"]
    assert not (run_dir / "backup").exists()


@pytest.mark.slow
def test_a_killed_worker_restarts_from_the_backup_and_ends_as_if_uninterrupted(
    tmp_path, mirrored_run
):
    run_dir = tmp_path / "run"
    workers = start_workers(run_dir, tmp_path)
    _wait_for(run_dir / "backup" / "training_metadata.json", workers)
    _kill_the_job(workers)
    backup = json.loads((run_dir / "backup" / "training_metadata.json").read_text())
    assert 1 <= backup["epoch"] < 3  # killed mid-training
    codes = finish(start_workers(run_dir, tmp_path))
    assert codes == [0, 0], logs(tmp_path)
    assert f"from its backup at epoch {backup['epoch'] + 1}" in logs(tmp_path)
    _assert_ends_as_if_uninterrupted(run_dir, mirrored_run)


@pytest.mark.slow
def test_a_job_killed_after_a_step_commit_resumes_from_it_not_from_the_older_backup(
    tmp_path, mirrored_run
):
    run_dir, steps = tmp_path / "run", ["--checkpoint-steps", "4"]
    workers = start_workers(run_dir, tmp_path, steps)
    _wait_for(run_dir / "backup" / "training_metadata.json", workers)
    state_path = run_dir / "checkpoints" / "state.json"
    deadline = time.monotonic() + 120
    while not json.loads(state_path.read_text()).get("batch"):  # a commit inside epoch 2
        assert all(w.poll() is None for w in workers) and time.monotonic() < deadline
        time.sleep(0.02)
    _kill_the_job(workers)
    backup = json.loads((run_dir / "backup" / "training_metadata.json").read_text())
    state = json.loads(state_path.read_text())
    assert (state["epoch"], state.get("batch") or 0) > (backup["epoch"], 0), (state, backup)
    codes = finish(start_workers(run_dir, tmp_path, steps))
    assert codes == [0, 0], logs(tmp_path)
    text = logs(tmp_path)
    assert "from its backup" not in text
    if state.get("batch"):
        assert f"at epoch {state['epoch'] + 1} of 3 after its batch {state['batch']}" in text
    _assert_ends_as_if_uninterrupted(run_dir, mirrored_run)


@pytest.mark.parametrize(
    ("tf_config", "needle"),
    [
        (None, "TF_CONFIG, which is not set"),
        ("{cluster", "TF_CONFIG must be JSON"),
        ('{"cluster": {"worker": []}, "task": {"type": "worker", "index": 0}}', "cluster.worker"),
        ('{"cluster": {"worker": ["localhost:1"]}, "task": {"index": 3}}', "task must name"),
    ],
)
def test_a_missing_or_malformed_tf_config_is_one_error_line(
    tf_config, needle, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    if tf_config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", tf_config)
    argv = ["train", "--strategy", "multi-worker", "--run-dir", "run"]
    assert keras_gans_cli.main(argv) == 1
    error = capsys.readouterr().err
    assert needle in error and "TF_CONFIG" in error and "Expected JSON" in error
    assert os.listdir(tmp_path) == []


def test_multi_worker_needs_a_run_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    tf_config = {"cluster": {"worker": ["localhost:1"]}, "task": {"type": "worker", "index": 0}}
    monkeypatch.setenv("TF_CONFIG", json.dumps(tf_config))
    assert keras_gans_cli.main(["train", "--strategy", "multi-worker"]) == 1
    assert "--run-dir" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_the_backup_is_restored_only_when_it_holds_more_training_than_the_last_commit(
    tmp_path,
):
    from keras_gans_cli import train_strategy

    folder = tmp_path / train_strategy.BACKUP
    folder.mkdir()
    (folder / "epoch-0002.weights.h5").write_bytes(b"weights")
    (folder / "training_metadata.json").write_text(
        json.dumps({"epoch": 2, "weights": "epoch-0002.weights.h5"})
    )
    choose = train_strategy.backup_epoch
    assert choose(tmp_path, None) == 2  # nothing committed
    assert choose(tmp_path, {"epoch": 1, "batch": 20}) == 2  # inside epoch 2: older
    assert choose(tmp_path, {"epoch": 2}) == 2  # the same epochs: the backup, as before
    assert choose(tmp_path, {"epoch": 2, "batch": 4}) is None  # a step commit in epoch 3
    assert choose(tmp_path, {"epoch": 3}) is None  # committed before the backup was
    assert choose(tmp_path / "elsewhere", None) is None  # no backup

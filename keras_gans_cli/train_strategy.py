"""`keras-gans train --strategy`: one device, every local device, or several workers.

Under `--strategy multi-worker` every worker runs the same command with its own `TF_CONFIG`;
only the chief writes the run directory. The other workers run the same callbacks into a
scratch folder of their own (deleted when they exit), so that every collective operation a
save or a metric read may start is joined by all workers, as TensorFlow's multi-worker Keras
tutorial does. Every worker restores from the chief's backup (`WorkerBackupAndRestore`) when
the job is started again after a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from keras_gans_cli._common import CommandError, jsonable

#: The `--strategy` choices.
STRATEGIES = ("none", "mirrored", "multi-worker")
#: Where a run keeps the multi-worker backup that a restarted job restores.
BACKUP = "backup"
_EXAMPLE = (
    '{"cluster": {"worker": ["host0:12345", "host1:12345"]}, '
    '"task": {"type": "worker", "index": 0}}'
)


def read_tf_config(environ=None):
    """The `TF_CONFIG` of this worker as a dict, checked: a `cluster` with a non-empty
    `worker` list of "host:port" addresses (and at most one `chief`), and a `task` naming
    one of them."""
    text = (os.environ if environ is None else environ).get("TF_CONFIG", "")
    expected = f"Expected JSON such as {_EXAMPLE}"
    if not text.strip():
        raise CommandError(
            "--strategy multi-worker reads the cluster from the environment variable "
            f"TF_CONFIG, which is not set. {expected}. Received: TF_CONFIG unset"
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"TF_CONFIG must be JSON ({error}). {expected}. Received: TF_CONFIG={text!r}"
        ) from None
    cluster = value.get("cluster") if isinstance(value, dict) else None
    task = value.get("task") if isinstance(value, dict) else None
    workers = cluster.get("worker") if isinstance(cluster, dict) else None
    if not isinstance(workers, list) or not workers or not all(_address(w) for w in workers):
        raise CommandError(
            "TF_CONFIG must name the workers as a non-empty list of 'host:port' addresses in "
            f"cluster.worker. {expected}. Received: TF_CONFIG={text!r}"
        )
    chief = cluster.get("chief", [])
    if not isinstance(chief, list) or len(chief) > 1 or not all(_address(c) for c in chief):
        raise CommandError(
            f"TF_CONFIG's cluster.chief must be a list of one 'host:port' address. "
            f"Received: TF_CONFIG={text!r}"
        )
    kind = task.get("type") if isinstance(task, dict) else None
    index = task.get("index") if isinstance(task, dict) else None
    members = {"worker": workers, "chief": chief}.get(kind, [])
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(members):
        raise CommandError(
            "TF_CONFIG's task must name this process: type 'worker' (or 'chief') and an index "
            f"into that list of cluster. {expected}. Received: TF_CONFIG={text!r}"
        )
    return value


def _address(text):
    host, colon, port = str(text).rpartition(":") if isinstance(text, str) else ("", "", "")
    return bool(host and colon and port.isdigit())


def is_chief(tf_config):
    """Whether this task writes the run: the `chief` task, else worker 0 (TensorFlow's rule)."""
    kind, index = tf_config["task"]["type"], tf_config["task"]["index"]
    if kind == "chief":
        return True
    return kind == "worker" and index == 0 and not tf_config["cluster"].get("chief")


def check(config, args):
    """The flag checks of a strategy, before TensorFlow is imported."""
    if config["strategy"] != "multi-worker":
        return
    read_tf_config()
    if getattr(args, "run_dir", None) is None and getattr(args, "resume", None) is None:
        raise CommandError(
            "--strategy multi-worker needs --run-dir (or --resume): every worker must name "
            "the same folder, on storage they all see. Received: no --run-dir"
        )


class Worker:
    """This process's part in the run: its strategy, and whether it writes the run directory.

    Args:
        name: A `STRATEGIES` name.
    """

    def __init__(self, name):
        if name not in STRATEGIES:
            raise CommandError(
                f"--strategy must be one of {', '.join(STRATEGIES)}. Received: {name}"
            )
        self.name = name
        self.chief = name != "multi-worker" or is_chief(read_tf_config())
        self.strategy = _make_strategy(name)
        self.restore_backup = True
        self._scratch = None

    def scope(self):
        """The strategy's scope (models are built and compiled in it), or a no-op."""
        return contextlib.nullcontext() if self.strategy is None else self.strategy.scope()

    def describe(self):
        if self.strategy is None:
            return None
        replicas = self.strategy.num_replicas_in_sync
        role = "" if self.chief else "; this worker writes only to a scratch folder"
        plural = "s share" if replicas != 1 else " takes"
        return f"--strategy {self.name}: {replicas} replica{plural} each global batch{role}"

    def run_directory(self, run, config):
        """`run` for the chief; for the other workers, a scratch `RunDirectory` of their own."""
        if self.chief:
            return run
        from keras_gans.callbacks import RunDirectory

        self._scratch = tempfile.mkdtemp(prefix="keras-gans-worker-")
        return RunDirectory.create(Path(self._scratch) / "run", config)

    def locked(self, run, lock):
        """The run's lock for the chief (`lock(run)`), nothing for the other workers."""
        return lock(run) if self.chief else contextlib.nullcontext()

    def backup(self, run_path, scratch_path):
        """The backup callbacks under multi-worker (none otherwise); they restore the backup
        unless `restore_backup` was set to `False` (the run resumes from a later commit)."""
        if self.name != "multi-worker":
            return []
        from keras_gans.callbacks.backup import WorkerBackupAndRestore

        backup_dir = Path(run_path) / BACKUP
        write_dir = backup_dir if self.chief else Path(scratch_path) / BACKUP
        # Deleted by `finish` once the run is complete, not at the end of each `fit`.
        backup = WorkerBackupAndRestore(
            backup_dir, write_dir=write_dir, delete_checkpoint=False, restore=self.restore_backup
        )
        return [backup]

    def finish(self, run_path, code):
        """After training: the chief deletes the backup of a run that completed (`code` 0)."""
        if self.name == "multi-worker" and self.chief and code == 0:
            shutil.rmtree(Path(run_path) / BACKUP, ignore_errors=True)
        return code

    def close(self):
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _make_strategy(name):
    if name == "none":
        return None
    import tensorflow as tf

    if name == "multi-worker":
        return tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    # Every GPU; without one, every logical CPU device (one, unless a program configured more).
    if tf.config.list_logical_devices("GPU"):
        return tf.distribute.MirroredStrategy()
    return tf.distribute.MirroredStrategy([d.name for d in tf.config.list_logical_devices("CPU")])


def backup_epoch(run_path, state=None):
    """The epochs held by the run's multi-worker backup, or `None` when it has none or when
    the run's last commit `state` (its state.json) holds more training (a later epoch end,
    or a batch inside the epoch after the backup's); with the same epochs, the backup.

    Both are written at each epoch end (the commit first); a run with `--checkpoint-steps`
    also commits mid-epoch, so a job killed in epoch N + 1 after a step commit resumes from
    that commit, not from the backup of epoch N. Every worker reads the same two files
    before training, so all make the same choice.
    """
    from keras_gans.callbacks.backup import backup_epoch as read

    try:
        epoch = read(Path(run_path) / BACKUP)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if epoch is None or state is None:
        return epoch
    return None if (state["epoch"], state.get("batch") or 0) > (epoch, 0) else epoch


def check_same_flags(given, config, run_dir):
    """A restarted multi-worker job must be the command that started the run."""
    changed = sorted(key for key, value in given.items() if config.get(key) != value)
    changed = [key for key in changed if key not in ("strategy", "epochs")]
    if changed:
        flags = ", ".join(f"--{key.replace('_', '-')}" for key in changed)
        raise CommandError(
            f"--run-dir {str(run_dir)!r} holds a run with other settings ({flags} differ from "
            "its config.json): a restarted multi-worker job must repeat the command that "
            "started it. Choose a new --run-dir, or --resume it."
        )


def pinned_arch_args(keras_gans, config, kwargs):
    """`kwargs` with the architecture keywords the run was created with put back.

    A run restarted from its multi-worker backup (or one with no committed checkpoint) is
    rebuilt from config.json, not loaded from a `.keras` file: the weights it restores only
    fit the networks the run began with. Keywords a later version of the plugin defaults
    differently (TAC-GAN's `spectral_normalization`, say) are taken from the architecture's
    configuration recorded at creation (`resolved.arch_config`), so the rebuild is the same
    model; a keyword added since (absent from the record) takes the value the plugin names
    in `legacy_keywords`. A keyword that was recorded only as text (an object) or that the
    plugin no longer takes cannot be put back: that is an error naming it.
    """
    recorded = (config.get("resolved") or {}).get("arch_config")
    if not recorded:  # a run from before config.json recorded it
        return kwargs
    try:
        arch = keras_gans.architectures.get(config["arch"], **kwargs)
    except (TypeError, ValueError) as error:
        raise CommandError(f"--arch {config['arch']}: {error}") from None
    current = jsonable(arch.get_config())
    changed = {key: value for key, value in recorded.items() if current.get(key, ...) != value}
    # A keyword the plugin added since the run was created: the value that rebuilds it.
    for key, value in getattr(arch, "legacy_keywords", {}).items():
        if key not in recorded and key in current and current[key] != value:
            changed[key] = value
    lost = sorted(
        key
        for key, value in changed.items()
        if key not in current or (isinstance(value, str) and not isinstance(current[key], str))
    )
    if lost:
        raise CommandError(
            f"{config['arch']}: the run was created with {', '.join(lost)} = "
            f"{', '.join(repr(recorded[key]) for key in lost)} (config.json), which this "
            f"version of the plugin cannot rebuild: install the versions that created it "
            f"(keras-gans {config['resolved'].get('keras_gans_version', 'unknown')})."
        )
    return {**kwargs, **changed}

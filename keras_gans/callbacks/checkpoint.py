"""Atomic checkpoints: a crash mid-write never leaves a corrupt or half-written file, and a
checkpoint and the state that describes it are committed together."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import keras

from keras_gans._files import remove_temporaries, replace_atomically
from keras_gans.callbacks.signals import StopSignals

__all__ = ["GANCheckpoint", "atomic_save", "atomic_write_text"]


#: The files a commit writes: the model files, and `latest.keras`, `best.keras`, `state.json`.
_MODEL = re.compile(r"(?:epoch-\d{4,}|step-\d{4,}-\d{6,})\.keras")
_COMMITTED = re.compile(rf"latest\.keras|best\.keras|state\.json|{_MODEL.pattern}")


def _link_atomically(source, path):
    """Points `path` at the file `source` (a hard link, else a copy), replacing it atomically."""
    import shutil

    def write(tmp):
        os.remove(tmp)
        try:
            os.link(source, tmp)
        except OSError:  # no hard links on this file system
            shutil.copyfile(source, tmp)

    return replace_atomically(write, path)


def atomic_save(model, path):
    """Saves `model` to the `.keras` file `path` atomically (temporary file + rename).

    Args:
        model: A `keras.Model`.
        path: The target `.keras` file; its folder is created if needed.

    Returns:
        The path written, as a `Path`.

    Example:
    >>> import keras, tempfile, os
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> folder = tempfile.mkdtemp()
    >>> path = atomic_save(model, os.path.join(folder, "model.keras"))
    >>> sorted(os.listdir(folder))
    ['model.keras']
    """
    if Path(path).suffix != ".keras":
        raise ValueError(f"`path` must end in '.keras'. Received: path={str(path)!r}")
    return replace_atomically(model.save, path)


def atomic_write_text(text, path):
    """Writes `text` to `path` atomically (temporary file + rename); returns the path."""

    def write(tmp):
        Path(tmp).write_text(text, encoding="utf-8")

    return replace_atomically(write, path)


class GANCheckpoint(keras.callbacks.Callback):
    """Saves the latest and the best model after each epoch (and every N steps), atomically.

    Unlike `keras.callbacks.ModelCheckpoint`, every file is written to a temporary name and
    renamed into place, so a crash or a kill during the write leaves the previous checkpoint
    intact. An epoch whose logged values are not finite (see `NaNGuard`) is never saved.

    A checkpoint is committed in one step: the model (weights, optimizer state, EMA, the
    model's random-number state) goes to its own file (`epoch-NNNN.keras` at an epoch end,
    `step-NNNN-BBBBBB.keras` after batch BBBBBB of epoch NNNN), then `state.json` (the epochs
    completed, the batches done in the epoch under way, the files of the latest and the best
    checkpoint, the best value, and, inside an epoch, the running means behind the epoch's
    logged values) is renamed into place: that rename is the commit. A kill before it leaves
    the previous state naming the previous files, which are deleted only after it; so the
    state never describes a model it does not name. `latest.keras` and `best.keras` are then
    pointed at the committed files (hard links), for people and tools;
    `RunDirectory.checkpoint()` reads the committed one. `keras_gans.callbacks.resumable_fit`
    resumes from it at the exact step.

    Args:
        directory: Folder receiving `latest.keras`, `best.keras` and `state.json`.
        monitor: The logged value that defines "best" (e.g. `"val_kid"`, `"g_loss"`;
            default `None`: only `latest.keras` is written). A `val_` value may be missing
            on some epochs (metrics computed every few epochs); those epochs only update
            `latest.keras`. Any other missing value is a `KeyError`.
        mode: `"min"` (default) or `"max"`: whether a lower or higher `monitor` is better.
        every_n_epochs: Save every this many epochs (default 1); the last epoch is always
            saved.
        every_n_steps: Also commit a checkpoint every this many steps inside an epoch
            (default `None`: at epoch ends only), so a kill loses at most that many steps;
            Keras' `BackupAndRestore(save_freq=N)` is the convention followed.
        stop_on_signal: Turn the first SIGINT (Ctrl-C) or SIGTERM during `fit` into a clean
            stop: the step under way finishes, a checkpoint is committed, `fit` returns and
            `stopped_by` names the signal (default `False`; see `StopSignals`). A second
            signal stops at once.

    Example:
    >>> import keras_gans, tempfile, os
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan()
    >>> gan.compile("adam", "adam")
    >>> folder = tempfile.mkdtemp()
    >>> x = keras.random.normal((64, 2), seed=0)
    >>> _ = gan.fit(x, batch_size=32, epochs=2, verbose=0,
    ...             callbacks=[GANCheckpoint(folder, monitor="g_loss")])
    >>> sorted(os.listdir(folder))
    ['best.keras', 'epoch-0002.keras', 'latest.keras', 'state.json']
    """

    def __init__(
        self,
        directory,
        monitor=None,
        mode="min",
        every_n_epochs=1,
        every_n_steps=None,
        stop_on_signal=False,
    ):
        super().__init__()
        if mode not in ("min", "max"):
            raise ValueError(f"`mode` must be 'min' or 'max'. Received: mode={mode!r}")
        for name, value in (("every_n_epochs", every_n_epochs), ("every_n_steps", every_n_steps)):
            if value is None and name == "every_n_steps":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        if not isinstance(stop_on_signal, bool):
            raise TypeError(
                f"`stop_on_signal` must be True or False. Received: stop_on_signal="
                f"{stop_on_signal!r}"
            )
        self.directory = Path(directory)
        self.monitor = monitor
        self.mode = mode
        self.every_n_epochs = every_n_epochs
        self.every_n_steps = every_n_steps
        self.stop_on_signal = stop_on_signal
        self.best = None
        self.skipped_epochs = []
        self.stopped_by = None
        self.stopped_at = None
        self._batch_offset, self._trackers_to_restore = 0, None
        self._signals = self._active_signals = None
        self._progress = EpochProgress()

    @property
    def latest_path(self):
        return self.directory / "latest.keras"

    @property
    def best_path(self):
        return self.directory / "best.keras"

    @property
    def state_path(self):
        return self.directory / "state.json"

    def resume_inside_epoch(self, state):
        """Continues the epoch that `state` (a mid-epoch commit) stopped in.

        The next `fit` must start at epoch `state["epoch"]` and see only that epoch's
        remaining batches; the batch numbers and the epoch's running means then carry on
        from the commit. `resumable_fit` calls this.
        """
        self._batch_offset = int(state.get("batch", 0))
        self._trackers_to_restore = state.get("trackers") if self._batch_offset else None

    def on_train_begin(self, logs=None):
        self.best, self._files = None, {}
        self.stopped_by = self.stopped_at = None
        if self.state_path.exists():  # resuming: keep the best value seen before
            state = json.loads(self.state_path.read_text())
            if state.get("monitor") == self.monitor:
                self.best = state.get("best")
            self._files = {k: state[k] for k in ("checkpoint", "best_checkpoint") if state.get(k)}
        self._remove_uncommitted()
        self._epochs = self.params.get("epochs") if self.params else None
        self._steps_since_commit = 0
        if self._signals is not None:  # left entered by a `fit` of ours that raised
            self._signals.__exit__(None, None, None)
        self._signals = StopSignals.for_caller("fit") if self.stop_on_signal else None
        self._active_signals = self._signals.__enter__() if self._signals else None

    def on_train_end(self, logs=None):
        if self._signals is not None:
            self._signals.__exit__(None, None, None)
            self._signals = self._active_signals = None

    def _remove_uncommitted(self):
        """Drops what a killed commit left: its temporary files and uncommitted model files.

        Only the names this callback writes are touched, and only regular files: others
        (an export staging `.latest.onnx.partial-...` beside the checkpoints) are left alone.
        """
        remove_temporaries(self.directory, _COMMITTED.fullmatch)  # replace_atomically's
        kept = set(self._files.values())
        for entry in self.directory.glob("*"):
            stale = _MODEL.fullmatch(entry.name) and entry.name not in kept
            if stale and entry.is_file() and not entry.is_symlink():
                entry.unlink(missing_ok=True)

    def _improved(self, value):
        if self.best is None:
            return True
        return value < self.best if self.mode == "min" else value > self.best

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._progress.begin()
        if self._trackers_to_restore:
            _restore_trackers(self.model, self._trackers_to_restore)
            self._trackers_to_restore = None

    def on_train_batch_end(self, batch, logs=None):
        done = self._batch_offset + batch + 1  # batches of this epoch done, resumed ones too
        self._steps_since_commit += self._progress.batch_end(batch)
        signals = self._active_signals
        stop = signals.received if signals is not None else None
        steps = (self.params or {}).get("steps")
        last = steps is not None and batch + 1 >= steps
        if stop:
            self.stopped_by, self.stopped_at = stop, (self._epoch, done)
            self.model.stop_training = True
        if last:
            return  # the epoch end commits
        due = self.every_n_steps is not None and self._steps_since_commit >= self.every_n_steps
        if due or stop:
            self._commit(self._epoch, done, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if not self._progress.reached_end(self.model, self.params):
            # Stopped partway (a signal, NaNGuard, any callback): a step checkpoint holds
            # the batches done, unless one was committed at that batch already.
            ran = self._progress.last_batch + 1
            if ran and self._steps_since_commit:
                self._commit(epoch, self._batch_offset + ran, logs)
            return
        self._batch_offset = 0
        last = self._epochs is not None and epoch + 1 >= self._epochs
        if (epoch + 1) % self.every_n_epochs and not last and not self.model.stop_training:
            return
        if not finite_logs(logs):
            self.skipped_epochs.append(epoch + 1)
            return
        if self.monitor is not None and self.monitor not in logs:
            if not self.monitor.startswith("val_"):
                # Validation values may be computed every few epochs only (e.g. val_kid);
                # a training value is logged every epoch, so its absence is a typo.
                raise KeyError(
                    f"`monitor` {self.monitor!r} is not among the logged values "
                    f"{sorted(logs)}. Received: monitor={self.monitor!r}"
                )
        self._commit(epoch + 1, 0, logs)

    def _commit(self, epochs_done, batch, logs):
        """Writes the model file, then commits `state.json` naming it (see the class doc)."""
        if batch and not finite_logs(logs):
            return
        name = (
            f"step-{epochs_done + 1:04d}-{batch:06d}.keras"
            if batch
            else (f"epoch-{epochs_done:04d}.keras")
        )
        atomic_save(self.model, self.directory / name)
        files, best = {**self._files, "checkpoint": name}, self.best
        if not batch and self.monitor in logs and self._improved(float(logs[self.monitor])):
            files["best_checkpoint"], best = name, float(logs[self.monitor])
        state = {"epoch": epochs_done, **files, "monitor": self.monitor, "mode": self.mode}
        state["best"] = best
        if batch:
            state["batch"] = batch
            state["trackers"] = _tracker_states(self.model)
        state["logs"] = {k: float(v) for k, v in logs.items() if _is_number(v)}
        atomic_write_text(json.dumps(state, indent=2), self.state_path)  # the commit
        self._files, self.best, self._steps_since_commit = files, best, 0
        _link_atomically(self.directory / name, self.latest_path)
        if files.get("best_checkpoint") == name:
            _link_atomically(self.directory / name, self.best_path)
        self._remove_uncommitted()


class EpochProgress:
    """Follows the batches of the epoch under way, to tell at its end whether it was whole.

    Keras calls `on_epoch_end` also when a callback sets `model.stop_training` partway
    through the epoch (a signal, `NaNGuard`); a callback that commits whole epochs must not
    count such an epoch as done. Call `begin` at each epoch start and `batch_end` after each
    batch; `reached_end` then says whether the epoch ran to its last batch.

    Example:
    >>> progress = EpochProgress(); progress.begin()
    >>> progress.batch_end(0), progress.batch_end(2)  # batches run (steps_per_execution)
    (1, 2)
    >>> import types; stopped = types.SimpleNamespace(stop_training=True)
    >>> progress.reached_end(stopped, {"steps": 4}), progress.reached_end(stopped, {"steps": 3})
    (False, True)
    """

    def __init__(self):
        self.last_batch = -1

    def begin(self):
        self.last_batch = -1

    def batch_end(self, batch):
        """Records that batch `batch` (0-based) ended; returns the batches run since the last."""
        ran, self.last_batch = batch - self.last_batch, batch
        return ran

    def reached_end(self, model, params):
        """Whether the epoch ran to its end, given the model and `fit`'s callback `params`.

        An epoch ends early only when `model.stop_training` is set; it then counts as whole
        if its last batch ran (`params["steps"]` known). With the number of batches unknown
        it counts as stopped partway: a stop set by an earlier callback's `on_epoch_end`
        (e.g. `EarlyStopping`) cannot be told apart from a stop inside the epoch.
        """
        if not getattr(model, "stop_training", False):
            return True  # the epoch ran its steps, or its data ran out
        steps = (params or {}).get("steps")
        return steps is not None and self.last_batch + 1 >= steps


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, (str, bytes))


def finite_logs(logs):
    """Whether every numeric value in `logs` is finite."""
    return all(math.isfinite(float(v)) for v in logs.values() if _is_number(v))


def _tracker_states(model):
    """The variables of the model's metric trackers (running sums and counts), by name."""
    return {
        m.name: [keras.ops.convert_to_numpy(v).tolist() for v in m.variables] for m in model.metrics
    }


def _restore_trackers(model, states):
    for metric in model.metrics:
        values = states.get(metric.name)
        if values is None or len(values) != len(metric.variables):
            continue
        for variable, value in zip(metric.variables, values, strict=True):
            variable.assign(value)

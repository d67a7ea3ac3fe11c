"""`WorkerBackupAndRestore`: Keras' `BackupAndRestore` for workers that share one backup."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import keras

from keras_gans._files import replace_atomically
from keras_gans.callbacks.checkpoint import EpochProgress, atomic_write_text, finite_logs

__all__ = ["WorkerBackupAndRestore", "backup_epoch"]

#: The file naming the committed backup (the epochs it holds and its weights file).
METADATA = "training_metadata.json"


class WorkerBackupAndRestore(keras.callbacks.BackupAndRestore):
    """Backs up the training state at each epoch end; every worker restores the chief's.

    Under `tf.distribute.MultiWorkerMirroredStrategy` a worker that fails takes the whole
    job down; the job is then started again, and this callback puts back the weights (both
    networks, both optimizers, the latent sampler's state) of the last epoch it backed up.
    Keras' own `BackupAndRestore` reads and writes one folder from every worker, in place;
    here every worker reads `backup_dir` (which must be on storage all workers see), only
    the chief writes to it, and the other workers write their identical backups to their
    own `write_dir`, as every worker must take part in a save (the TensorFlow multi-worker
    tutorial's convention). A backup is committed atomically: the weights go to a new file
    named after the epoch, then `training_metadata.json` naming it is renamed into place,
    so a kill at any instant leaves the previous backup whole. An epoch that `fit` stopped
    partway (a signal, `NaNGuard`) or whose logged values are not finite is not backed up:
    the previous backup stays the one to restore.

    Unlike Keras' callback, this one does not move `fit`'s first epoch: the caller reads
    `backup_epoch(backup_dir)` before `fit` and starts there (the data stream must be
    positioned too, see `keras_gans.callbacks.resumable_fit`). It restores at the first
    `fit` it takes part in only.

    Args:
        backup_dir: The backup every worker restores from (the chief writes it).
        write_dir: Where this worker writes its backups (default `None`: `backup_dir`, for
            the chief or a single process).
        delete_checkpoint: Delete `write_dir` when `fit` ends without error (default
            `True`), as Keras' callback does.
        restore: Restore the backup at the first `fit` (default `True`); `False` when the
            caller resumes from a later checkpoint of its own (the callback then only
            writes backups).

    Example:
    >>> import tempfile, os, keras
    >>> from keras_gans.testing import tiny_gan
    >>> folder = os.path.join(tempfile.mkdtemp(), "backup")
    >>> gan = tiny_gan(); gan.compile("adam", "adam")
    >>> backup = WorkerBackupAndRestore(folder, delete_checkpoint=False)
    >>> _ = gan.fit(keras.random.normal((64, 2)), batch_size=32, epochs=2, verbose=0,
    ...             callbacks=[backup])
    >>> backup_epoch(folder), sorted(os.listdir(folder))
    (2, ['epoch-0002.weights.h5', 'training_metadata.json'])
    """

    def __init__(self, backup_dir, write_dir=None, delete_checkpoint=True, restore=True):
        super().__init__(str(backup_dir), save_freq="epoch", delete_checkpoint=delete_checkpoint)
        self.write_dir = str(backup_dir if write_dir is None else write_dir)
        self._restored = not restore
        self._progress = EpochProgress()

    def on_train_begin(self, logs=None):
        if not self._restored:  # once: a later `fit` (a resumed epoch's rest) goes on as is
            self._restored = True
            self._load_model()

    def on_epoch_begin(self, epoch, logs=None):
        self._progress.begin()

    def on_train_batch_end(self, batch, logs=None):
        self._progress.batch_end(batch)
        super().on_train_batch_end(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if not self._progress.reached_end(self.model, self.params) or not finite_logs(logs or {}):
            return  # stopped partway or diverged: not a finished epoch to restart after
        super().on_epoch_end(epoch, logs)

    def _load_model(self):
        metadata = _read_metadata(self.backup_dir)
        if metadata is None:
            return
        self.model.load_weights(os.path.join(self.backup_dir, metadata["weights"]))

    def _save_model(self):
        folder = Path(self.write_dir)
        name = f"epoch-{self._current_epoch:04d}.weights.h5"
        # Both files are written to temporary names, flushed to disk and renamed.
        replace_atomically(self._save_weights, folder / name)
        metadata = {"epoch": self._current_epoch, "weights": name}
        atomic_write_text(json.dumps(metadata), folder / METADATA)  # the commit
        for old in folder.glob("*epoch-*.h5"):  # older backups, and what a kill left
            if old.name != name and old.is_file() and not old.is_symlink():
                old.unlink(missing_ok=True)

    def _save_weights(self, path):
        staged = f"{path}.weights.h5"  # `save_weights` wants this suffix
        try:
            self.model.save_weights(staged, overwrite=True)
            os.replace(staged, path)
        finally:
            if os.path.exists(staged):
                os.remove(staged)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            shutil.rmtree(self.write_dir, ignore_errors=True)


def _read_metadata(folder):
    path = Path(folder) / METADATA
    if not path.is_file():
        return None
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
        epoch, weights = metadata["epoch"], metadata["weights"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(
            f"{str(path)!r} is corrupt ({type(error).__name__}: {error}): expected JSON with "
            "'epoch' and 'weights'. Delete the backup folder to restart from the last "
            "committed checkpoint."
        ) from None
    if not (Path(folder) / weights).is_file() or not isinstance(epoch, int) or epoch < 1:
        raise ValueError(
            f"{str(path)!r} names the weights {weights!r} at epoch {epoch!r}, which are not "
            "there. Delete the backup folder to restart from the last committed checkpoint."
        )
    return metadata


def backup_epoch(backup_dir):
    """The epochs completed in the backup in `backup_dir`, or `None` when there is none."""
    metadata = _read_metadata(backup_dir)
    return None if metadata is None else metadata["epoch"]

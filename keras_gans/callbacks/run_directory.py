"""`RunDirectory`: one folder holding everything a training run leaves behind."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import keras

from keras_gans._files import remove_temporaries
from keras_gans.callbacks.checkpoint import GANCheckpoint, atomic_write_text
from keras_gans.callbacks.loss_plot import LossPlot
from keras_gans.callbacks.metrics_csv import MetricsCSV
from keras_gans.callbacks.nan_guard import NaNGuard
from keras_gans.callbacks.progress import TimeRemaining
from keras_gans.callbacks.run_lock import RunLock
from keras_gans.callbacks.sample_grid import SampleGrid

__all__ = ["RunDirectory"]

#: What `SampleGrid` writes in `samples/`.
_SAMPLE_FILE = re.compile(r"latents\.npy|epoch_\d+\.png")


class RunDirectory:
    """The layout of a training run's folder, and the callbacks that fill it.

    ```
    runs/NAME/
      config.json            the resolved configuration (what `keras-gans train` ran)
      checkpoints/state.json, epoch-NNNN.keras   committed together (GANCheckpoint;
                             step-NNNN-BBBBBB.keras for a commit inside an epoch)
      checkpoints/latest.keras, best.keras       links to the committed files
      samples/epoch_0001.png ... and latents.npy   one grid per epoch from fixed latents
      metrics.csv            every logged value per epoch
      losses.png             the loss curves, redrawn each epoch
      tensorboard/           scalars and sample grids for TensorBoard
      .lock                  the PID of the process writing the run (`lock()`)
    ```

    Args:
        path: The run's folder (created by `create`, or existing).

    Example:
    >>> import tempfile, os, keras
    >>> from keras_gans.testing import tiny_gan
    >>> run = RunDirectory.create(os.path.join(tempfile.mkdtemp(), "demo"), {"epochs": 2})
    >>> gan = tiny_gan(); gan.compile("adam", "adam")
    >>> _ = gan.fit(keras.random.normal((64, 2)), batch_size=32, epochs=2, verbose=0,
    ...             callbacks=run.callbacks(monitor="g_loss", progress=False))
    >>> sorted(os.listdir(run.path))
    ['checkpoints', 'config.json', 'losses.png', 'metrics.csv', 'samples', 'tensorboard']
    >>> run.read_state()["epoch"], run.checkpoint("best").name
    (2, 'best.keras')
    """

    def __init__(self, path):
        self.path = Path(path)

    # ------------------------------------------------------------------ layout
    @property
    def config_path(self):
        return self.path / "config.json"

    @property
    def checkpoint_dir(self):
        return self.path / "checkpoints"

    @property
    def state_path(self):
        return self.checkpoint_dir / "state.json"

    @property
    def samples_dir(self):
        return self.path / "samples"

    @property
    def metrics_path(self):
        return self.path / "metrics.csv"

    @property
    def plot_path(self):
        return self.path / "losses.png"

    @property
    def tensorboard_dir(self):
        return self.path / "tensorboard"

    # ------------------------------------------------------------------ creation and reading
    @classmethod
    def create(cls, path, config):
        """Creates the folder and writes `config.json`; refuses a folder holding a run.

        Raises:
            FileExistsError: when `path` already holds a checkpoint or a config (resume it
                instead, or pick another folder): nothing in it is touched.
        """
        run = cls(path)
        if run.config_path.exists() or run.checkpoint_dir.exists():
            raise FileExistsError(
                f"{str(run.path)!r} already holds a run. Resume it with --resume "
                f"{str(run.path)!r} or choose another run directory."
            )
        if run.path.exists() and not run.path.is_dir():
            raise NotADirectoryError(f"The run directory {str(run.path)!r} is a file.")
        run.path.mkdir(parents=True, exist_ok=True)
        run.write_config(config)
        return run

    def write_config(self, config):
        atomic_write_text(json.dumps(config, indent=2, sort_keys=True), self.config_path)

    def lock(self):
        """A `RunLock` on this folder: `with run.lock(): ...` while writing to it."""
        return RunLock(self.path)

    def read_config(self):
        """The run's `config.json` as a dict.

        Raises:
            FileNotFoundError: there is no config.json.
            ValueError: it is not a JSON object (the message names the file).
        """
        if not self.config_path.exists():
            raise FileNotFoundError(
                f"{str(self.path)!r} is not a run directory: it has no config.json."
            )
        return _read_json_object(self.config_path, "the run's configuration")

    def read_state(self):
        """The last checkpoint's state (`epoch`, `batch`, `monitor`, `best`, `logs`), or `None`.

        `epoch` counts the epochs completed; `batch`, present after a mid-epoch commit, the
        batches done in the next one.

        Raises:
            ValueError: state.json is not valid (not JSON, or an `epoch` or `batch` that is
                not a whole number in range): the message names the file and what to do.
        """
        if not self.state_path.exists():
            return None
        state = _read_json_object(self.state_path, "the last checkpoint's epoch")
        epoch, batch = state.get("epoch"), state.get("batch", 0)
        if not _whole(batch, 0):
            raise ValueError(
                f"{str(self.state_path)!r} is invalid: its 'batch' must be a whole number "
                f">= 0 (the batches done in the epoch under way), received {batch!r}. "
                "Resume from best.keras or start a new run."
            )
        if not _whole(epoch, 0 if batch else 1):
            raise ValueError(
                f"{str(self.state_path)!r} is invalid: its 'epoch' must be a whole number "
                f">= {0 if batch else 1} (the epochs in checkpoints/latest.keras), received "
                f"{epoch!r}. Set it to the epoch of latest.keras (the rows of metrics.csv up "
                "to it), or start a new run."
            )
        return state

    def checkpoint(self, which="latest"):
        """The path of the `"latest"` or `"best"` checkpoint (which must exist).

        That is `checkpoints/<which>.keras` when it is the file `state.json` commits (a hard
        link to it), else the committed `epoch-NNNN.keras` itself (a process killed between
        the commit and the link leaves `latest.keras` one epoch behind the state).
        """
        if which not in ("latest", "best"):
            raise ValueError(f"`which` must be 'latest' or 'best'. Received: which={which!r}")
        path = self.checkpoint_dir / f"{which}.keras"
        state = self.read_state() if self.state_path.exists() else None
        committed = (state or {}).get({"latest": "checkpoint", "best": "best_checkpoint"}[which])
        if committed and (self.checkpoint_dir / committed).is_file():
            committed = self.checkpoint_dir / committed
            if not (path.is_file() and os.path.samefile(path, committed)):
                return committed
        if not path.exists():
            if not self.config_path.exists():
                raise FileNotFoundError(
                    f"{str(self.path)!r} is not a run directory: it has no config.json, and "
                    f"no checkpoint {str(path)!r}."
                )
            if which == "best":
                raise FileNotFoundError(
                    f"{str(self.path)!r} keeps no best.keras: a run keeps one only when it "
                    "measures sample quality (--eval kid, or --monitor). Use --checkpoint "
                    "latest."
                )
            raise FileNotFoundError(
                f"{str(self.path)!r} has no committed checkpoint yet (expected "
                f"{str(path)!r}); `keras-gans train --resume` trains it from its first step."
            )
        return path

    def remove_temporaries(self):
        """Drops the temporary files a kill inside an atomic write left (`.metrics.*.csv`,
        `.config.*.json`, `.losses.*.png`, and in `samples/` `.latents.*.npy` and
        `.epoch_NNNN.*.png`); the run's committed files and anything else stay."""
        own = {self.config_path.name, self.metrics_path.name, self.plot_path.name}
        remove_temporaries(self.path, own.__contains__)
        remove_temporaries(self.samples_dir, _SAMPLE_FILE.fullmatch)

    def trim_metrics(self, epochs_kept):
        """Drops CSV rows of epochs after the last checkpoint (a run killed mid-epoch)."""
        if not self.metrics_path.exists():
            return
        with open(self.metrics_path, newline="") as file:
            rows = list(csv.reader(file))
        if not rows:
            return
        header, body = rows[0], rows[1:]
        kept = [row for row in body if row and int(float(row[0])) < epochs_kept]
        if len(kept) == len(body):
            return
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *kept])
        atomic_write_text(buffer.getvalue(), self.metrics_path)

    # ------------------------------------------------------------------ callbacks
    def callbacks(
        self,
        monitor=None,
        mode="min",
        samples=64,
        sample_seed=0,
        sample_every=1,
        extra=(),
        tensorboard=True,
        progress=True,
        sample_callback=None,
        every_n_steps=None,
        stop_on_signal=False,
        nan_message=True,
    ):
        """The callbacks that fill this folder, in a working order.

        Args:
            monitor: The logged value choosing `best.keras` (default `None`: only latest).
            mode: `"min"` (default) or `"max"` for `monitor`.
            samples: Samples per grid (default 64).
            sample_seed: Seed of the fixed latent batch (default 0).
            sample_every: Write a grid every this many epochs (default 1).
            extra: Callbacks that add logged values (e.g. an FID/KID callback); they run
                before the checkpoint so `monitor` may name their values.
            tensorboard: Also write TensorBoard logs (default `True`).
            progress: Print the estimated time left after each epoch (default `True`).
            sample_callback: The callback writing pictures to `samples_dir` (default
                `None`: a `SampleGrid` from a fixed latent batch; a translation model
                passes a `TranslationGrid`).
            every_n_steps: Also commit a checkpoint every this many steps (default `None`:
                at epoch ends only); see `GANCheckpoint`.
            stop_on_signal: Commit a checkpoint and stop cleanly on SIGINT/SIGTERM (default
                `False`); see `GANCheckpoint`.
            nan_message: Whether `NaNGuard` prints its message (default `True`; the command
                line reports it itself).

        Returns:
            A list: `NaNGuard`, `extra`..., `MetricsCSV`, `LossPlot`, `SampleGrid`,
            `TensorBoard`, `GANCheckpoint`, `TimeRemaining`.
        """
        tensorboard_dir = self.tensorboard_dir if tensorboard else None
        callbacks = [
            NaNGuard(verbose=nan_message),
            *extra,
            MetricsCSV(self.metrics_path),
            LossPlot(self.plot_path, csv_path=self.metrics_path),
            sample_callback
            or SampleGrid(
                self.samples_dir,
                n=samples,
                seed=sample_seed,
                every_n_epochs=sample_every,
                tensorboard_dir=None if tensorboard_dir is None else tensorboard_dir / "samples",
            ),
        ]
        if tensorboard:
            callbacks.append(keras.callbacks.TensorBoard(str(tensorboard_dir), write_graph=False))
        callbacks.append(
            GANCheckpoint(
                self.checkpoint_dir,
                monitor=monitor,
                mode=mode,
                every_n_steps=every_n_steps,
                stop_on_signal=stop_on_signal,
            )
        )
        if progress:
            callbacks.append(TimeRemaining())
        return callbacks


def _whole(value, least):
    return not isinstance(value, bool) and isinstance(value, int) and value >= least


def _read_json_object(path, holds):
    """A JSON object read from `path`, or a `ValueError` naming the file and what it holds."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"{str(path)!r} is corrupt ({type(error).__name__}: {error}); it holds "
            f"{holds}. Restore it from a backup or start a new run."
        ) from None
    if not isinstance(value, dict):
        raise ValueError(
            f"{str(path)!r} is corrupt: expected a JSON object ({holds}), received a "
            f"{type(value).__name__}."
        )
    return value

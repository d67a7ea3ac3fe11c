"""`SampleGrid`: a picture of generated samples from one fixed latent batch per epoch."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from keras_gans._files import replace_atomically
from keras_gans.callbacks.checkpoint import finite_logs
from keras_gans.images import save_image_grid, scatter_plot
from keras_gans.latents import generate_from_latents

__all__ = ["SampleGrid"]


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG of samples from a fixed latent batch every `every_n_epochs` epochs.

    The latent batch is drawn once and stored as `latents.npy` in `directory`, so a resumed
    run (or any later run pointed at the same folder) draws the very same latents and its
    grids stay comparable epoch to epoch. Images (`(h, w, 1 or 3)` samples in [-1, 1]) are
    tiled into a grid; 2-D points are drawn as a scatter plot. Uses the EMA generator when
    the model has one. With `tensorboard_dir`, the grid is also logged as a TensorBoard image.

    Args:
        directory: Folder receiving `epoch_0001.png`, ... and `latents.npy`.
        n: Number of samples (default 64; for conditional models with `labels=None`, rounded
            so each class gets a row).
        seed: Seed of the latent batch (default 0).
        labels: For conditional models, one label per sample (default `None`: one row per
            class `0 .. num_classes-1`).
        every_n_epochs: Write every this many epochs (default 1).
        scale: Integer enlargement of the picture (default 4).
        tensorboard_dir: Optional folder for TensorBoard image summaries (default `None`).

    Example:
    >>> import tempfile, os, keras
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan(); gan.compile("adam", "adam")
    >>> folder = tempfile.mkdtemp()
    >>> _ = gan.fit(keras.random.normal((32, 2)), batch_size=32, epochs=1, verbose=0,
    ...             callbacks=[SampleGrid(folder, n=16)])
    >>> sorted(os.listdir(folder))
    ['epoch_0001.png', 'latents.npy']
    """

    def __init__(
        self, directory, n=64, seed=0, labels=None, every_n_epochs=1, scale=4, tensorboard_dir=None
    ):
        super().__init__()
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"`n` must be a positive integer. Received: n={n!r}")
        if not isinstance(every_n_epochs, int) or every_n_epochs < 1:
            raise ValueError(
                f"`every_n_epochs` must be a positive integer. Received: every_n_epochs="
                f"{every_n_epochs!r}"
            )
        if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
            raise ValueError(f"`scale` must be a positive integer. Received: scale={scale!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"`seed` must be None or an integer >= 0. Received: seed={seed!r}")
        self.directory = Path(directory)
        self.n = n
        self.seed = seed
        self.labels = labels
        self.every_n_epochs = every_n_epochs
        self.scale = scale
        self.tensorboard_dir = tensorboard_dir
        self.latents = None
        self._writer = None
        self.last_path = None

    def _prepare(self):
        model = self.model
        labels = self.labels
        rows = None
        if model.conditional and labels is None:
            if model.num_classes is None:
                raise ValueError(
                    "This GAN is conditional without `num_classes`: give `SampleGrid` the "
                    "`labels` to draw. Received: labels=None"
                )
            per_class = max(1, self.n // model.num_classes)
            labels = np.repeat(np.arange(model.num_classes), per_class)
            rows = model.num_classes
        n = self.n if labels is None else len(labels)
        latents_path = self.directory / "latents.npy"
        if latents_path.exists():
            latents = _read_latents(latents_path, (n, model.latent_dim))
        else:
            latents = np.asarray(model.sample_latent(n, seed=self.seed), dtype="float32")
            _write_latents(latents, latents_path)  # whole or absent, even after a kill
        self.latents, self._labels, self._rows = latents, labels, rows

    def on_train_begin(self, logs=None):
        self._prepare()
        if self.tensorboard_dir is not None:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(str(self.tensorboard_dir))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        if not finite_logs(logs or {}):
            return  # a diverged epoch (NaNGuard stops the run): no grid of NaN pixels
        self.last_path = self.write(self.directory / f"epoch_{epoch + 1:04d}.png", step=epoch + 1)

    def write(self, path, step=None):
        """Generates from the fixed latents and writes the picture to `path`; returns it."""
        if self.latents is None:
            self._prepare()
        samples = generate_from_latents(self.model, self.latents, self._labels)
        if samples.ndim == 2 and samples.shape[1] == 2:
            scatter_plot(samples, path)
        elif samples.ndim == 4 and samples.shape[-1] in (1, 3):
            save_image_grid(samples, path, rows=self._rows, scale=self.scale)
        else:
            raise ValueError(
                "`SampleGrid` draws images (n, h, w, 1 or 3) or 2-D points (n, 2). Received: "
                f"samples of shape {samples.shape}"
            )
        if self._writer is not None:
            self._log_image(path, step)
        return path

    def _log_image(self, path, step):
        import tensorflow as tf
        from PIL import Image

        picture = np.asarray(Image.open(path).convert("RGB"))[None]
        with self._writer.as_default():
            tf.summary.image("samples", picture, step=step or 0)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _write_latents(latents, path):
    def write(tmp):
        with open(tmp, "wb") as file:
            np.save(file, latents)

    replace_atomically(write, path)


def _read_latents(path, shape):
    """The latent batch stored at `path`, checked to be `shape` floating-point numbers."""
    fix = "Use another `directory`, or delete the file to draw the batch again."
    try:
        latents = np.load(path, allow_pickle=False)
    except (OSError, EOFError, ValueError) as error:
        raise ValueError(
            f"{str(path)!r} is not a readable NumPy array ({type(error).__name__}: {error}); "
            f"expected the {shape} latent batch of an earlier run. {fix}"
        ) from None
    if not isinstance(latents, np.ndarray):
        latents.close()
        raise ValueError(
            f"{str(path)!r} must hold one array of latents. Received: an archive of the "
            f"arrays {sorted(latents.files)}. {fix}"
        )
    if not np.issubdtype(latents.dtype, np.floating):
        raise ValueError(
            f"{str(path)!r} must hold floating-point latents. Received: dtype "
            f"{latents.dtype}. {fix}"
        )
    if latents.shape != shape:
        raise ValueError(
            f"{str(path)!r} holds latents of shape {latents.shape}, but this model needs "
            f"{shape}. {fix}"
        )
    return latents.astype("float32", copy=False)

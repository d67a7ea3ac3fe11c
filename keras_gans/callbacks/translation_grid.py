"""`TranslationGrid`: a picture of a translation model's outputs on fixed inputs per epoch."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from keras_gans import checks
from keras_gans.images import save_image_grid

__all__ = ["TranslationGrid"]


def _rgb(images):
    images = np.asarray(images, "float32")
    return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images


class TranslationGrid(keras.callbacks.Callback):
    """Writes a PNG of inputs, their translations and (when paired) the targets per epoch.

    The grid has one row per picture kind: `a`, `translate(a, "a2b")`, then `b` when given;
    for models with a `"b2a"` direction (CycleGAN) and `b` given, also
    `translate(b, "b2a")`. The same fixed images every epoch, so grids compare across
    epochs and a resumed run.

    Args:
        directory: Folder receiving `epoch_0001.png`, ...
        a: Fixed domain-A images `(n, h, w, c)` in [-1, 1].
        b: Domain-B images `(n, h, w, c)`: the targets of `a` (paired) or any B images,
            as many as `a` and of its height and width (default `None`).
        every_n_epochs: Write every this many epochs (default 1).
        scale: Positive integer enlargement of the picture (default 4).

    Example:
    >>> import tempfile, numpy as np
    >>> class Negate(keras.Model):
    ...     directions = ("a2b",)
    ...     def translate(self, images, direction="a2b"):
    ...         return -images
    >>> grid = TranslationGrid(tempfile.mkdtemp(), np.zeros((4, 8, 8, 1)))
    >>> grid.set_model(Negate())
    >>> grid.write(grid.directory / "x.png").name
    'x.png'
    """

    def __init__(self, directory, a, b=None, every_n_epochs=1, scale=4):
        super().__init__()
        self.a = self._images(a, "a")
        self.b = None if b is None else self._images(b, "b")
        if self.b is not None and self.b.shape[:3] != self.a.shape[:3]:
            raise ValueError(
                "`b` must hold as many images as `a`, of the same height and width (each "
                "grid row holds one kind of picture). Received: a of shape "
                f"{self.a.shape}, b of shape {self.b.shape}"
            )
        self.directory = Path(directory)
        self.every_n_epochs = checks.positive_int(every_n_epochs, "every_n_epochs")
        self.scale = checks.positive_int(scale, "scale")
        self.last_path = None

    @staticmethod
    def _images(images, argument):
        images = np.asarray(images, "float32")
        if images.ndim != 4 or images.shape[-1] not in (1, 3) or not len(images):
            raise ValueError(
                f"`{argument}` must be a non-empty batch of images (n, h, w, 1 or 3). "
                f"Received: shape {images.shape}"
            )
        return images

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        self.last_path = self.write(self.directory / f"epoch_{epoch + 1:04d}.png")

    def write(self, path):
        """Translates the fixed images and writes the grid to `path`; returns it."""
        rows = [self.a, self.model.translate(self.a, direction="a2b")]
        if self.b is not None:
            rows.append(self.b)
            if "b2a" in getattr(self.model, "directions", ()):
                rows.append(self.model.translate(self.b, direction="b2a"))
        colour = any(np.shape(r)[-1] == 3 for r in rows)
        rows = [_rgb(r) if colour else np.asarray(r, "float32") for r in rows]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_image_grid(np.concatenate(rows), path, rows=len(rows), scale=self.scale)
        return path

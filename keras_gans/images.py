"""PNG pictures of samples and training: image grids, loss curves, 2-D scatter plots.

NumPy and Pillow only. `save_image_grid` tiles generated images into one PNG (the sample
callbacks and `keras-gans sample` use it); `plot_curves` draws metric curves (`LossPlot`);
`scatter_plot` draws 2-D samples over reference points (2-D datasets).
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path

import numpy as np

from keras_gans import checks
from keras_gans._files import replace_atomically

__all__ = ["image_grid", "plot_curves", "save_image_grid", "scatter_plot"]


def _save(image, path):
    """Writes the PIL `image` to `path` (its folder made if missing) atomically; returns `path`.

    A kill mid-write leaves the previous picture, never a truncated PNG. The format follows
    the suffix (`.png`, `.jpg`, ...); a path without a suffix Pillow knows gets a PNG.
    """
    from PIL import Image

    kind = Image.registered_extensions().get(Path(path).suffix.lower(), "PNG")
    replace_atomically(lambda tmp: image.save(tmp, format=kind), path)
    return path


def _value_range(value_range):
    try:
        low, high = value_range
    except (TypeError, ValueError):
        low = high = None
    real = [isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (low, high)]
    if not all(real) or not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(
            "`value_range` must be a pair (low, high) of finite numbers with low < high. "
            f"Received: value_range={value_range!r}"
        )
    return float(low), float(high)


def image_grid(images, rows=None, value_range=(-1.0, 1.0), padding=1):
    """Tiles a batch of images into one uint8 array.

    Args:
        images: Array of shape `(n, height, width, channels)` with 1 or 3 channels.
        rows: Number of rows, a positive integer (default: as square as possible).
        value_range: The `(low, high)` range of `images`, mapped to 0..255, values outside
            it clipped (default `(-1, 1)`, a tanh generator's range). NaN is drawn as
            `low` (black).
        padding: Pixels between tiles, an integer >= 0 (default 1).

    Returns:
        A uint8 array of shape `(H, W, channels)`.

    Example:
    >>> import numpy as np
    >>> image_grid(np.zeros((6, 4, 4, 1)), rows=2, padding=0).shape
    (8, 12, 1)
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"`images` must have shape (n, height, width, 1 or 3). Received: shape {images.shape}"
        )
    n, height, width, channels = images.shape
    rows = max(1, math.isqrt(n)) if rows is None else checks.positive_int(rows, "rows")
    padding = checks.non_negative_int(padding, "padding")
    low, high = _value_range(value_range)
    cols = max(1, math.ceil(n / rows))
    scaled = np.nan_to_num((images - low) / (high - low), nan=0.0, posinf=1.0, neginf=0.0)
    pixels = np.clip(scaled, 0.0, 1.0) * 255.0
    grid = np.zeros(
        (rows * height + (rows - 1) * padding, cols * width + (cols - 1) * padding, channels),
        dtype="uint8",
    )
    for index in range(n):
        r, c = divmod(index, cols)
        top, left = r * (height + padding), c * (width + padding)
        grid[top : top + height, left : left + width] = pixels[index].round().astype("uint8")
    return grid


def save_image_grid(images, path, rows=None, value_range=(-1.0, 1.0), scale=1, padding=1):
    """Writes `image_grid(images, ...)` to a PNG, enlarged `scale` times (nearest neighbour).

    Args:
        images: Array of shape `(n, height, width, channels)`.
        path: The output file, a PNG unless its suffix names another format Pillow writes
            (a path without a suffix gets a PNG); its folder is created if missing, and the
            file is replaced atomically (a kill mid-write leaves the previous picture).
        rows: Number of rows, a positive integer (default: as square as possible).
        value_range: The range of `images`, low < high (default `(-1, 1)`).
        scale: Positive integer enlargement factor (default 1).
        padding: Pixels between tiles before enlargement, an integer >= 0 (default 1).

    Returns:
        The path written.
    """
    from PIL import Image

    scale = checks.positive_int(scale, "scale")
    grid = image_grid(images, rows=rows, value_range=value_range, padding=padding)
    grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    return _save(Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid), path)


_COLOURS = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
]


def _ticks(low, high, count=5):
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def plot_curves(series, path, title="", size=(640, 400), xlabel="epoch"):
    """Draws one line per named series (e.g. `d_loss`, `g_loss` per epoch) into a PNG.

    Args:
        series: Mapping name -> sequence of values (non-finite values are skipped).
        path: The PNG to write.
        title: Title drawn at the top (default none).
        size: `(width, height)` in pixels (default `(640, 400)`).
        xlabel: Label of the x axis (default `"epoch"`).

    Returns:
        The path written.

    Example:
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "losses.png")
    >>> _ = plot_curves({"d_loss": [1.4, 1.2, 1.3], "g_loss": [0.7, 0.9, 0.8]}, path)
    >>> from PIL import Image
    >>> Image.open(path).size
    (640, 400)
    """
    from PIL import Image, ImageDraw

    width, height = size
    left, right, top, bottom = 60, 130, 30, 40
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    values = [float(v) for ys in series.values() for v in ys if math.isfinite(float(v))]
    longest = max((len(ys) for ys in series.values()), default=0)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    x_span = max(longest - 1, 1)

    def to_pixel(i, v):
        x = left + (width - left - right) * i / x_span
        y = top + (height - top - bottom) * (high - v) / (high - low)
        return x, y

    draw.rectangle([left, top, width - right, height - bottom], outline="black")
    for v in _ticks(low, high):
        _, y = to_pixel(0, v)
        draw.line([left - 4, y, left, y], fill="black")
        draw.text((4, y - 6), f"{v:.3g}", fill="black")
    for i in sorted({0, x_span // 2, x_span}):
        x, _ = to_pixel(i, low)
        draw.line([x, height - bottom, x, height - bottom + 4], fill="black")
        draw.text((x - 6, height - bottom + 6), str(i + 1), fill="black")
    draw.text(((width - right) // 2, height - 16), xlabel, fill="black")
    if title:
        draw.text((left, 8), title, fill="black")
    for index, (name, ys) in enumerate(series.items()):
        colour = _COLOURS[index % len(_COLOURS)]
        points = [to_pixel(i, float(v)) for i, v in enumerate(ys) if math.isfinite(float(v))]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        elif points:
            x, y = points[0]
            draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=colour)
        draw.line(
            [width - right + 10, top + 14 * index + 6, width - right + 28, top + 14 * index + 6],
            fill=colour,
            width=2,
        )
        draw.text((width - right + 32, top + 14 * index), name, fill="black")
    return _save(image, path)


def scatter_plot(points, path, reference=None, size=400, limit=None):
    """Draws 2-D points (e.g. samples of a Gaussian-mixture GAN) into a square PNG.

    Args:
        points: Array of shape `(n, 2)`, drawn in blue.
        path: The PNG to write.
        reference: Optional `(m, 2)` array (e.g. the mixture's modes or real data), drawn
            in orange beneath the points (default `None`).
        size: Width and height in pixels (default 400).
        limit: Half-width of the square view (default: fitted to the data).

    Returns:
        The path written.

    Example:
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "points.png")
    >>> _ = scatter_plot(np.random.default_rng(0).normal(size=(100, 2)), path)
    >>> os.path.getsize(path) > 0
    True
    """
    from PIL import Image, ImageDraw

    points = np.asarray(points, dtype="float64")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"`points` must have shape (n, 2). Received: shape {points.shape}")
    everything = points if reference is None else np.concatenate([points, reference])
    finite = everything[np.isfinite(everything).all(axis=1)]
    limit = limit or (float(np.abs(finite).max()) * 1.1 if len(finite) else 1.0) or 1.0
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)

    def dots(array, colour, radius):
        for x, y in array:
            if not (math.isfinite(x) and math.isfinite(y)):
                continue
            px = (x + limit) / (2 * limit) * (size - 1)
            py = (limit - y) / (2 * limit) * (size - 1)
            draw.ellipse([px - radius, py - radius, px + radius, py + radius], fill=colour)

    if reference is not None:
        dots(np.asarray(reference, dtype="float64"), (255, 127, 14), 3)
    dots(points, (31, 119, 180), 1)
    return _save(image, path)

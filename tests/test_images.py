"""Image grids: tile placement, value mapping and the PNG written."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from keras_gans.images import image_grid, save_image_grid


def test_tiles_are_placed_row_major_with_values_mapped_to_bytes():
    images = np.stack([np.full((2, 2, 1), v, "float32") for v in (-1.0, 0.0, 1.0)])
    grid = image_grid(images, rows=1, padding=1)
    assert grid.shape == (2, 8, 1) and grid.dtype == np.uint8
    assert grid[0, 0, 0] == 0 and grid[0, 3, 0] == 128 and grid[0, 6, 0] == 255
    assert grid[0, 2, 0] == 0  # padding column


def test_png_is_written_enlarged(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, size=(4, 3, 3, 3)).astype("float32")
    path = save_image_grid(images, tmp_path / "grid.png", rows=2, scale=2, padding=0)
    with Image.open(path) as picture:
        assert picture.size == (12, 12) and picture.mode == "RGB"
        np.testing.assert_array_equal(
            np.asarray(picture)[::2, ::2], image_grid(images, 2, padding=0)
        )


def test_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match="images"):
        image_grid(np.zeros((2, 4, 4)))


def test_png_goes_into_a_new_folder_and_a_killed_write_keeps_the_old_picture(tmp_path, monkeypatch):
    black = np.full((1, 2, 2, 1), -1.0, "float32")
    path = save_image_grid(black, tmp_path / "new" / "deeper" / "grid.png", padding=0)
    with Image.open(path) as picture:
        assert np.asarray(picture).max() == 0

    def dies_mid_write(self, target, *args, **kwargs):
        Path(target).write_bytes(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(Image.Image, "save", dies_mid_write)
    with pytest.raises(KeyboardInterrupt):
        save_image_grid(-black, path, padding=0)
    monkeypatch.undo()
    with Image.open(path) as picture:  # still the black picture, whole
        assert np.asarray(picture).max() == 0
    assert [p.name for p in path.parent.iterdir()] == ["grid.png"]  # no temporary left

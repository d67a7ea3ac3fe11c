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


def test_a_path_without_a_known_suffix_gets_a_png(tmp_path):
    images = np.zeros((4, 4, 4, 1))
    for name in ("grid", "grid.data"):
        path = save_image_grid(images, tmp_path / name)
        assert Image.open(path).format == "PNG"
    assert Image.open(save_image_grid(images, tmp_path / "grid.JPG")).format == "JPEG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid", "grid.JPG", "grid.data"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rows": -1}, "`rows` must be a positive integer"),
        ({"rows": 0}, "`rows` must be a positive integer"),
        ({"rows": 2.0}, "`rows`"),
        ({"padding": -1}, "`padding` must be a non-negative integer"),
        ({"value_range": (0, 0)}, "`value_range` must be a pair"),
        ({"value_range": (1, -1)}, "low < high"),
        ({"value_range": (0, float("nan"))}, "`value_range`"),
        ({"value_range": 1}, "`value_range`"),
    ],
)
def test_grid_arguments_are_checked(kwargs, match):
    with pytest.raises(ValueError, match=match):
        image_grid(np.zeros((4, 4, 4, 1)), **kwargs)


def test_scale_is_checked_and_numpy_integers_are_taken(tmp_path):
    with pytest.raises(ValueError, match="`scale` must be a positive integer"):
        save_image_grid(np.zeros((4, 4, 4, 1)), tmp_path / "x.png", scale=0)
    path = save_image_grid(
        np.zeros((4, 4, 4, 1)), tmp_path / "x.png", rows=np.int64(2), scale=np.int32(2)
    )
    assert Image.open(path).size == (18, 18)


def test_non_finite_pixels_are_drawn_without_warnings(recwarn):
    images = np.array([np.nan, np.inf, -np.inf, 1.0]).reshape(1, 2, 2, 1)
    grid = image_grid(images, padding=0)
    assert grid.ravel().tolist() == [0, 255, 0, 255]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]

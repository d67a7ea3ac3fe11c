"""`load`: the `--data` resolver from names and paths to DataSource pipelines."""

import keras
import numpy as np
import pytest

from keras_gans.datasets import DataSource, load, load_digits, names
from keras_gans.testing import tiny_gan

from .helpers import disc, mnist_arrays, save, write_idx_folder, write_mnist_npz


def _first(source):
    return next(iter(source.dataset))


def test_names_are_the_documented_builtins():
    assert names() == ["digits", "mnist", "fashion-mnist", "ring", "grid"]


def test_digits_labels_sizes_and_unlabelled():
    source = load("digits", batch_size=100, seed=0)
    assert isinstance(source, DataSource)
    assert (source.shape, source.num_classes, source.num_examples) == ((8, 8, 1), 10, 1797)
    assert source.class_names == tuple("0123456789") and source.num_batches == 18
    assert "1,797 images" in source.description and "in [-1, 1]" in source.description
    x, y = _first(source)
    assert x.shape == (100, 8, 8, 1) and y.dtype.name == "int32"
    up = load("Digits", image_size=16, batch_size=1797, shuffle=False)
    np.testing.assert_array_equal(_first(up)[0].numpy(), load_digits(16)[0])  # exact upscale
    odd = load("digits", image_size=28, labels=False, batch_size=8)
    assert odd.shape == (28, 28, 1) and odd.num_classes is None
    assert _first(odd).shape == (8, 28, 28, 1)  # x only


def test_mnist_names_read_the_cache_and_resize_in_the_pipeline(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(FileNotFoundError, match="mnist.npz"):
        load("mnist")
    arrays = mnist_arrays(n_train=6, n_test=4)
    write_mnist_npz(tmp_path / "keras" / "datasets" / "mnist.npz", arrays)
    source = load("mnist", batch_size=6, shuffle=False)
    assert source.shape == (28, 28, 1) and source.num_classes == 10
    x, y = _first(source)
    np.testing.assert_allclose(x.numpy()[..., 0], arrays[0] / 127.5 - 1.0, atol=1e-6)
    assert y.numpy().tolist() == arrays[1].tolist()
    assert "MNIST train split" in source.description and "mnist.npz" in source.metadata["origin"]
    folder = write_idx_folder(tmp_path / "fashion", arrays)
    fashion = load("fashion_mnist", path=folder, split="test", image_size=32, batch_size=2)
    assert fashion.shape == (32, 32, 1) and fashion.num_examples == 4
    assert fashion.class_names[9] == "Ankle boot"
    assert _first(fashion)[0].shape == (2, 32, 32, 1)


def test_mixtures_with_options_and_seed():
    ring = load("ring", n=500, batch_size=100, seed=1)
    assert (ring.shape, ring.num_classes, ring.num_batches) == ((2,), None, 5)
    points = np.concatenate(list(ring.dataset.as_numpy_iterator()))
    radii = np.linalg.norm(points, axis=1)
    assert points.shape == (500, 2) and abs(radii.mean() - 2.0) < 0.01
    assert ring.metadata["centres"].shape == (8, 2)
    same = load("ring", n=500, batch_size=100, seed=1)
    np.testing.assert_array_equal(_first(same).numpy(), points[:100])  # same first epoch
    grid = load("grid", side=3, std=0.01, batch_size=64)
    assert grid.num_examples == 10_000 and grid.metadata["centres"].shape == (9, 2)
    assert "3x3 grid" in grid.description
    with pytest.raises(ValueError, match="`image_size` does not apply to 2-D points"):
        load("ring", image_size=8)
    with pytest.raises(TypeError, match="unexpected option.*channels; it takes: n, modes"):
        load("ring", channels=3)


def test_folder_paths_stream_images(tmp_path):
    for name, level in [("a", 0), ("b", 255)]:
        for i in range(3):
            save(disc(level, (10, 10), background=level), tmp_path / "imgs" / name / f"{i}.png")
    source = load(str(tmp_path / "imgs"), image_size=8, batch_size=4, seed=0)
    assert source.class_names == ("a", "b") and source.shape == (8, 8, 3)
    x, y = _first(source)
    np.testing.assert_allclose(x.numpy().mean(axis=(1, 2, 3)), 2.0 * y.numpy() - 1.0, atol=1e-5)
    default = load(tmp_path / "imgs", labels=False, channels=1)  # a Path; default 64x64
    assert default.shape == (64, 64, 1) and default.num_classes is None
    assert _first(default).shape == (6, 64, 64, 1)


def test_npz_paths_with_x_y_or_keras_keys(tmp_path):
    arrays = mnist_arrays(n_train=6, n_test=4)
    keras_format = load(write_mnist_npz(tmp_path / "m.npz", arrays), batch_size=6, shuffle=False)
    assert keras_format.shape == (28, 28, 1) and keras_format.num_classes == 6  # ids 0-5 seen
    x, y = _first(keras_format)
    np.testing.assert_allclose(x.numpy()[..., 0], arrays[0] / 127.5 - 1.0, atol=1e-6)
    vectors = np.random.default_rng(0).normal(size=(50, 3)).astype("float32")
    np.savez(tmp_path / "v.npz", x=vectors)
    source = load(str(tmp_path / "v.npz"), batch_size=50, shuffle=False)
    assert source.shape == (3,) and source.num_classes is None
    np.testing.assert_array_equal(_first(source).numpy(), vectors)  # floats kept as they are
    np.savez(tmp_path / "rgb.npz", x=np.zeros((4, 6, 6, 3), "uint8"), y=np.array([0, 2, 2, 1]))
    rgb = load(str(tmp_path / "rgb.npz"), image_size=12, batch_size=4)
    assert rgb.shape == (12, 12, 3) and rgb.num_classes == 3
    np.testing.assert_allclose(_first(rgb)[0].numpy(), -1.0)


def test_npz_problems_are_named(tmp_path):
    np.savez(tmp_path / "nox.npz", images=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="must hold an array named x or x_train.*images"):
        load(str(tmp_path / "nox.npz"))
    np.savez(tmp_path / "badlabels.npz", x=np.zeros((3, 2)), y=np.array([0.5, 1.0, 2.0]))
    with pytest.raises(ValueError, match="labels must be integer class ids"):
        load(str(tmp_path / "badlabels.npz"))
    assert load(str(tmp_path / "badlabels.npz"), labels=False).num_classes is None
    np.savez(tmp_path / "big.npz", x=np.full((2, 4, 4, 1), 255.0, "float32"))
    with pytest.warns(UserWarning, match=r"span \[255, 255\], not \[-1, 1\]"):
        load(str(tmp_path / "big.npz"))
    with pytest.raises(ValueError, match="`image_size` applies to images"):
        load(str(tmp_path / "badlabels.npz"), image_size=8, labels=False)


def test_unknown_names_and_missing_paths(tmp_path, monkeypatch):
    with pytest.raises(ValueError) as info:
        load("cifar10")
    assert str(info.value).startswith(
        "Unknown dataset 'cifar10': `data` must be one of digits, mnist, fashion-mnist, ring, "
        "grid, or the path of a folder of images or of a .npz file"
    )
    with pytest.raises(FileNotFoundError, match=f"Data folder or file not found: {tmp_path}/x"):
        load(str(tmp_path / "x"))
    with pytest.raises(FileNotFoundError, match="not found: missing.npz"):
        load("missing.npz")
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(ValueError, match=r"a folder of images or a .npz file.*\(a .txt file\)"):
        load(str(tmp_path / "notes.txt"))
    monkeypatch.chdir(tmp_path)
    save(disc(3), tmp_path / "mnist" / "0.png")
    assert load("./mnist").num_examples == 1  # an explicit path, not the dataset name
    with pytest.raises(TypeError, match="`data` must be a dataset name or a path"):
        load(5)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        load("digits", batch_size=-8)
    with pytest.raises(TypeError, match=r"load\('digits'\) got unexpected option\(s\) split"):
        load("digits", split="test")


def test_a_gan_trains_on_a_resolved_pipeline():
    source = load("ring", n=256, batch_size=64, seed=0, drop_remainder=True)
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    history = gan.fit(source.dataset, epochs=2, verbose=0, shuffle=False)
    assert len(history.history["d_loss"]) == 2
    assert np.isfinite(history.history["g_loss"]).all()

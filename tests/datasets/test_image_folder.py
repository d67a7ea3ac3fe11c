"""`load_image_folder`: procedurally drawn PNG/JPEG folders, streamed through tf.data."""

import os

import numpy as np
import pytest

from keras_gans.datasets import check_image_file, load_image_folder

from .helpers import disc, flat_image, save


def _epoch(source):
    """All images (and labels, if any) of one pass, as NumPy arrays."""
    batches = list(source.dataset.as_numpy_iterator())
    if source.num_classes is None:
        return np.concatenate(batches), None
    return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])


@pytest.fixture
def classes(tmp_path):
    """Three class folders with mixed formats and letter cases, one nested level deeper;
    each class has its own grey level (0, 100, 255) so labels can be checked from pixels."""
    root = tmp_path / "classes"
    levels = {"bird": 0, "cat": 100, "dog": 255}
    for name, level in levels.items():
        save(disc(level, (12, 12), background=level), root / name / "a.png")
        save(disc(level, (16, 10), background=level), root / name / "b.PNG")
        save(disc(level, (9, 9), background=level), root / name / "deeper" / "c.Jpeg")
    (root / "dog" / "notes.txt").write_text("not an image")
    return root, levels


def test_class_subfolders_become_sorted_labels(classes):
    root, levels = classes
    source = load_image_folder(root, image_size=8, batch_size=4, seed=1)
    assert source.class_names == ("bird", "cat", "dog") and source.num_classes == 3
    assert source.num_examples == 9 and source.shape == (8, 8, 3)
    assert "3 classes (bird, cat, dog)" in source.description
    images, labels = _epoch(source)
    assert images.shape == (9, 8, 8, 3) and images.dtype == np.float32
    assert labels.dtype == np.int32 and sorted(labels.tolist()) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    expected = np.array([levels[n] for n in source.class_names]) / 127.5 - 1.0
    np.testing.assert_allclose(images.mean(axis=(1, 2, 3)), expected[labels], atol=0.02)
    assert images.min() >= -1.0 and images.max() <= 1.0


def test_flat_folder_single_subfolder_and_labels_none_are_unlabelled(tmp_path, classes):
    flat = tmp_path / "flat"
    for i in range(3):
        save(disc(200), flat / f"{i}.jpg")
    nested = tmp_path / "celeba" / "img_align_celeba"
    for i in range(2):
        save(disc(200), nested / f"{i}.png")
    for root, count in [(flat, 3), (tmp_path / "celeba", 2)]:
        source = load_image_folder(root, image_size=(6, 4), batch_size=2)
        assert source.num_classes is None and source.class_names is None
        images, _ = _epoch(source)
        assert images.shape == (count, 6, 4, 3)
    source = load_image_folder(classes[0], labels=None, image_size=4)
    assert source.num_classes is None and _epoch(source)[0].shape == (9, 4, 4, 3)


def test_pixels_are_scaled_exactly_and_channels_converted(tmp_path):
    pixels = np.zeros((4, 6, 3), "uint8")
    pixels[0, :3] = [[0, 51, 255], [255, 51, 0], [10, 20, 30]]
    save(pixels, tmp_path / "rgb" / "x.png")
    source = load_image_folder(tmp_path / "rgb", image_size=(4, 6), shuffle=False)
    image = _epoch(source)[0][0]
    np.testing.assert_allclose(image, pixels / 127.5 - 1.0, atol=1e-6)
    gray = load_image_folder(tmp_path / "rgb", image_size=(4, 6), channels=1)
    assert gray.shape == (4, 6, 1) and _epoch(gray)[0].shape == (1, 4, 6, 1)
    save(np.full((5, 5), 255, "uint8"), tmp_path / "gray" / "g.png")  # 1-channel PNG
    rgba = np.dstack([np.full((5, 5, 3), 51, "uint8"), np.zeros((5, 5), "uint8")])
    save(rgba, tmp_path / "gray" / "h.png")  # alpha is dropped
    images, _ = _epoch(load_image_folder(tmp_path / "gray", image_size=5, shuffle=False))
    np.testing.assert_allclose(images[0], 1.0)
    np.testing.assert_allclose(images[1], -0.6, atol=1e-6)


def test_resizing_and_center_cropping(tmp_path):
    pixels = np.zeros((8, 16, 3), "uint8")
    pixels[:, 4:12] = 255  # a white centre square between black side bands
    save(pixels, tmp_path / "wide" / "w.png")
    area = _epoch(load_image_folder(tmp_path / "wide", image_size=(4, 8), interpolation="area"))
    expected = pixels[::2, ::2] / 127.5 - 1.0  # 2x2 blocks are constant
    np.testing.assert_allclose(area[0][0], expected, atol=1e-5)
    cropped = load_image_folder(tmp_path / "wide", image_size=4, crop_to_aspect_ratio=True)
    np.testing.assert_allclose(_epoch(cropped)[0], 1.0, atol=1e-5)  # only the centre remains
    stretched = _epoch(load_image_folder(tmp_path / "wide", image_size=4))[0][0]
    assert stretched[:, [0, 3]].max() < -0.5 < 0.5 < stretched[:, [1, 2]].min()  # bands kept
    big = _epoch(load_image_folder(tmp_path / "wide", image_size=32, interpolation="bicubic"))
    assert big[0].shape == (1, 32, 32, 3) and big[0].min() >= -1.0 and big[0].max() <= 1.0


def test_streams_a_folder_larger_than_one_batch(tmp_path):
    for i in range(10):
        save(flat_image(i * 20), tmp_path / "many" / f"{i:02d}.png")
    source = load_image_folder(tmp_path / "many", image_size=8, batch_size=4, seed=5)
    assert source.num_batches == 3

    def order(s):
        return [round((v + 1) * 127.5 / 20) for v in _epoch(s)[0][:, 0, 0, 0]]

    first, second = order(source), order(source)
    assert sorted(first) == list(range(10)) == sorted(second) and first != second
    again = load_image_folder(tmp_path / "many", image_size=8, batch_size=4, seed=5)
    assert [order(again), order(again)] == [first, second]  # the seed fixes every epoch
    assert [len(b) for b in source.dataset.as_numpy_iterator()] == [4, 4, 2]
    unshuffled = load_image_folder(tmp_path / "many", image_size=8, batch_size=4, shuffle=False)
    assert order(unshuffled) == list(range(10))
    # Files are read when iterated, not when the pipeline is built: a change on disk shows.
    save(flat_image(255), tmp_path / "many" / "00.png")
    assert _epoch(unshuffled)[0][0].min() == 1.0
    dropped = load_image_folder(tmp_path / "many", image_size=8, batch_size=4, drop_remainder=True)
    assert [len(b) for b in dropped.dataset.as_numpy_iterator()] == [4, 4]


def test_missing_folder_file_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"Image folder not found: {tmp_path / 'none'}"):
        load_image_folder(tmp_path / "none")
    (tmp_path / "file.png").write_bytes(b"x")
    with pytest.raises(ValueError, match="must be a folder of images.*file.png"):
        load_image_folder(tmp_path / "file.png")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"No images found in .*empty: .*\.png, \.jpg, \.jpeg"):
        load_image_folder(tmp_path / "empty")
    save(disc(9), tmp_path / "others" / "a.gif")
    (tmp_path / "others" / ".hidden.png").write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"It holds 1 other file\(s\), e.g. .*a.gif"):
        load_image_folder(tmp_path / "others")


def test_hidden_files_and_folders_are_ignored(tmp_path):
    save(disc(50), tmp_path / "data" / "a.png")
    (tmp_path / "data" / "._a.png").write_bytes(b"macOS metadata, not an image")
    (tmp_path / "data" / ".cache").mkdir()
    (tmp_path / "data" / ".cache" / "b.png").write_bytes(b"")
    assert load_image_folder(tmp_path / "data").num_examples == 1


def _write_broken(folder):
    save(disc(10), folder / "ok.png")
    save(disc(10), folder / "ok.jpg")
    (folder / "text.png").write_text("hello")
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "cut.png").write_bytes((folder / "ok.png").read_bytes()[:-20])
    (folder / "cut.jpg").write_bytes((folder / "ok.jpg").read_bytes()[:-20])


def test_check_image_file_reasons(tmp_path):
    _write_broken(tmp_path)
    reasons = {p.name: check_image_file(p) for p in tmp_path.iterdir()}
    assert reasons == {
        "ok.png": None,
        "ok.jpg": None,
        "text.png": "not a PNG or JPEG file",
        "empty.jpg": "empty file",
        "cut.png": "truncated PNG (no IEND chunk at the end)",
        "cut.jpg": "truncated JPEG (no end-of-image marker)",
    }


def test_unreadable_files_fail_by_name_or_are_skipped_with_a_warning(tmp_path):
    _write_broken(tmp_path / "mixed")
    with pytest.raises(ValueError) as info:
        load_image_folder(tmp_path / "mixed")
    message = str(info.value)
    assert message.startswith("4 of 6 image file(s) in ")
    for name in ("text.png", "empty.jpg", "cut.png", "cut.jpg"):
        assert name in message
    assert "on_invalid='skip'" in message and "\n" not in message
    with pytest.warns(UserWarning, match="Skipped 4 of 6 image file"):
        source = load_image_folder(tmp_path / "mixed", image_size=8, on_invalid="skip")
    assert source.num_examples == 2 and len(source.metadata["skipped"]) == 4
    assert _epoch(source)[0].shape == (2, 8, 8, 3)  # the pipeline never sees a broken file
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.png").write_text("no")
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="No decodable images"):
        load_image_folder(tmp_path / "bad", on_invalid="skip")


def test_loose_images_next_to_class_folders_are_ambiguous(classes):
    root, _ = classes
    save(disc(1), root / "stray.png")
    with pytest.raises(ValueError, match="1 image.*stray.png.*labels=None"):
        load_image_folder(root)
    assert load_image_folder(root, labels=None).num_examples == 10


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": -1}, ValueError, "`batch_size` must be a positive integer"),
        ({"batch_size": 20, "drop_remainder": True}, ValueError, r"number of images \(9\)"),
        ({"channels": 2}, ValueError, "`channels` must be 1 or 3. Received: channels=2"),
        ({"image_size": (0, 4)}, ValueError, r"`image_size` must be .*Received: image_size"),
        ({"labels": "yes"}, ValueError, "`labels` must be 'inferred' or None"),
        ({"interpolation": "linear"}, ValueError, "`interpolation` must be one of"),
        ({"on_invalid": "ignore"}, ValueError, r"`on_invalid` must be one of \('error', 'skip'\)"),
        ({"seed": "0"}, ValueError, "`seed` must be None or an integer"),
        ({"shuffle": 1}, TypeError, "`shuffle` must be True or False"),
    ],
)
def test_bad_arguments(classes, kwargs, error, match):
    with pytest.raises(error, match=match):
        load_image_folder(classes[0], **kwargs)
    with pytest.raises(TypeError, match="`path` must be the path of a folder"):
        load_image_folder(None)


def test_symlinked_class_folders_are_followed(tmp_path, classes):
    root, _ = classes
    linked = tmp_path / "linked"
    linked.mkdir()
    for name in ("bird", "dog"):
        os.symlink(root / name, linked / name)
    source = load_image_folder(linked, image_size=4)
    assert source.class_names == ("bird", "dog") and source.num_examples == 6
    os.symlink(linked, root / "bird" / "loop")  # a cycle: each folder is listed once per class
    assert load_image_folder(linked, image_size=4).num_examples == 9  # bird/loop/dog: 3 more


def test_cmyk_jpeg_and_grey_sources_decode_to_one_channel(tmp_path):
    from PIL import Image

    rgb = disc(200, (10, 10), background=30)
    rgb[..., 0] = 90  # colour, so the grey conversion has work to do
    (tmp_path / "cmyk").mkdir()
    Image.fromarray(rgb).convert("CMYK").save(tmp_path / "cmyk" / "c.jpg", quality=100)
    for channels in (1, 3):
        images, _ = _epoch(load_image_folder(tmp_path / "cmyk", image_size=10, channels=channels))
        assert images.shape == (1, 10, 10, channels)
        assert images.min() >= -1.0 and images.max() <= 1.0 and images.std() > 0.1
    grey = np.arange(25, dtype="uint8").reshape(5, 5) * 10
    save(grey, tmp_path / "grey" / "a.png")  # 1-channel
    Image.fromarray(grey).convert("LA").save(tmp_path / "grey" / "b.png")
    Image.fromarray(grey).convert("P").save(tmp_path / "grey" / "c.png")  # palette
    folder = load_image_folder(tmp_path / "grey", image_size=5, channels=1, shuffle=False)
    for image in _epoch(folder)[0]:  # grey values come out exactly, whatever the mode
        np.testing.assert_allclose(image[..., 0], grey / 127.5 - 1.0, atol=1e-6)


def test_rgb_to_one_channel_uses_luma_weights(tmp_path):
    pixels = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [40, 40, 40]]], "uint8")
    save(pixels, tmp_path / "rgb" / "x.png")
    image = _epoch(load_image_folder(tmp_path / "rgb", image_size=(1, 4), channels=1))[0][0]
    expected = np.round(np.array([0.299, 0.587, 0.114, 40 / 255]) * 255) / 127.5 - 1.0
    np.testing.assert_allclose(image[0, :, 0], expected, atol=1e-6)

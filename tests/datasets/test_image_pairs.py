"""`load_pairs` and the digits translation tasks: alignment, splits, errors."""

import numpy as np
import pytest
from PIL import Image

from keras_gans.datasets import load_pairs, read_images, translation_task
from keras_gans.datasets.translation_tasks import _split_indices


def _write(folder, name, array):
    folder.mkdir(exist_ok=True)
    Image.fromarray(array).save(folder / name)


@pytest.fixture
def folders(tmp_path):
    rng = np.random.default_rng(0)
    for i in range(6):
        x = rng.integers(0, 256, (12, 16), dtype=np.uint8)
        _write(tmp_path / "a", f"{i}.png", x)
        _write(tmp_path / "b", f"{i}.png", np.stack([255 - x] * 3, -1))  # colour negative
        _write(tmp_path / "s", f"{i}.png", np.concatenate([x, 255 - x], axis=1))
    return tmp_path


def test_pairs_stay_aligned_through_jitter_and_mirroring(folders):
    # b is a's negative: any misaligned crop or flip breaks a + b == 0.
    source = load_pairs(folders / "a", folders / "b", batch_size=3, seed=4)
    assert source.shape == (12, 16, 1) and source.metadata["target_shape"] == (12, 16, 3)
    for a, b in source.dataset:
        np.testing.assert_allclose(a.numpy() + b.numpy(), 0.0, atol=1e-5)
    plain = load_pairs(folders / "a", folders / "b", jitter=False, mirror=False, shuffle=False)
    a, _ = next(iter(plain.dataset))
    jittered = next(iter(load_pairs(folders / "a", folders / "b", shuffle=False, seed=4).dataset))
    assert not np.allclose(a.numpy(), jittered[0].numpy())  # the augmentation did something


def test_side_by_side_images_split_into_left_and_right(folders):
    source = load_pairs(folders / "s", jitter=False, mirror=False, shuffle=False, batch_size=6)
    a, b = next(iter(source.dataset))
    assert a.shape == (6, 12, 16, 1) and source.metadata["kind"] == "side-by-side"
    np.testing.assert_allclose(a.numpy() + b.numpy(), 0.0, atol=1e-5)


def test_unpaired_epoch_is_one_pass_over_the_larger_domain(folders):
    for i in range(6, 10):
        _write(folders / "b", f"{i}.png", np.zeros((12, 16, 3), np.uint8))
    source = load_pairs(folders / "a", folders / "b", paired=False, batch_size=4, seed=0)
    assert source.num_examples == 10
    assert sum(int(a.shape[0]) for a, _ in source.dataset) == 10


def test_same_seed_same_batches(folders):
    def first(seed):
        return next(iter(load_pairs(folders / "a", folders / "b", seed=seed).dataset))[0].numpy()

    np.testing.assert_array_equal(first(3), first(3))


def test_unmatched_names_are_listed(folders):
    (folders / "b" / "2.png").unlink()
    with pytest.raises(ValueError, match=r"Only in .*a: \['2'\]"):
        load_pairs(folders / "a", folders / "b")
    with pytest.raises(ValueError, match="Unpaired data needs two folders"):
        load_pairs(folders / "s", paired=False)
    with pytest.raises(FileNotFoundError, match="`target` must be a folder"):
        load_pairs(folders / "a", folders / "missing")


def test_task_splits_are_disjoint_and_ground_truth_is_deterministic():
    train_a, train_b = _split_indices(1797, "train-a"), _split_indices(1797, "train-b")
    test = _split_indices(1797, "test")
    assert not set(train_a) & set(train_b) and not set(test) & (set(train_a) | set(train_b))
    assert len(train_a) + len(train_b) + len(test) == 1797
    a, b, labels = translation_task("digits-deblur", image_size=16, split="test")
    again = translation_task("digits-deblur", image_size=16, split="test")[1]
    np.testing.assert_array_equal(b, again)
    # Blurring lowers the total variation of every image.
    tv = lambda x: np.abs(np.diff(x, axis=1)).sum(axis=(1, 2, 3))  # noqa: E731
    assert (tv(a) < tv(b)).all()
    with pytest.raises(ValueError, match="`name` must be a translation task"):
        translation_task("digits-colour")


def test_read_images_keeps_relative_names(folders):
    names, images = read_images(folders / "a", 8, 1)
    assert names == [f"{i}.png" for i in range(6)] and images.shape == (6, 8, 8, 1)
    assert -1.0 <= images.min() and images.max() <= 1.0


def test_swap_exchanges_the_domains(folders):
    plain = load_pairs(folders / "a", folders / "b", jitter=False, mirror=False, shuffle=False)
    swapped = load_pairs(
        folders / "a", folders / "b", jitter=False, mirror=False, shuffle=False, swap=True
    )
    assert swapped.shape == (12, 16, 3) and swapped.metadata["target_shape"] == (12, 16, 1)
    (a, b), (b2, a2) = next(iter(plain.dataset)), next(iter(swapped.dataset))
    np.testing.assert_array_equal(a.numpy(), a2.numpy())
    np.testing.assert_array_equal(b.numpy(), b2.numpy())


def test_a_cmyk_jpeg_pair_decodes_to_one_channel(tmp_path):
    rng = np.random.default_rng(1)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        rgb = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
        Image.fromarray(rgb).convert("CMYK").save(tmp_path / name / "0.jpg", quality=100)
    source = load_pairs(tmp_path / "a", tmp_path / "b", channels=1, jitter=False, mirror=False)
    a, b = next(iter(source.dataset))
    assert a.shape == (1, 8, 8, 1) and b.shape == (1, 8, 8, 1)
    assert -1.0 <= float(np.min(a)) and float(np.max(b)) <= 1.0


@pytest.mark.parametrize("channels", [True, 3.0, "3", (1, 2), (1, 3, 3), 0])
def test_channels_must_be_1_or_3(folders, channels):
    with pytest.raises(ValueError, match="`channels` must be 1, 3 or a"):
        load_pairs(folders / "a", folders / "b", channels=channels)


def test_channels_of_a_task_and_of_read_images(folders):
    with pytest.raises(ValueError, match="grey images .* must be None or 1"):
        load_pairs("digits-edges", channels=3)
    assert load_pairs("digits-edges", channels=np.int64(1)).shape == (32, 32, 1)
    source = load_pairs(folders / "a", folders / "b", channels=np.int64(3))
    assert source.shape == (12, 16, 3)
    for bad in (True, 3.0):
        with pytest.raises(ValueError, match="`channels` must be 1 or 3"):
            read_images(folders / "a", 8, bad)

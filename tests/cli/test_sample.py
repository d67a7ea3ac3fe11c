"""`keras-gans sample`: grids, single images, labels, truncation, latent walks, bad input."""

import json
import shutil

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gans
import keras_gans_cli
from keras_gans.latents import interpolate, slerp, truncated_normal
from keras_gans_cli._common import training_batch_size

from .conftest import TINY


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_grid_has_one_tile_per_sample(trained_run, tmp_path, capsys):
    out = tmp_path / "grid.png"
    argv = ["sample", str(trained_run), "--n", "12", "--rows", "3", "--scale", "1"]
    assert keras_gans_cli.main([*argv, "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert Image.open(out).size == (4 * 8 + 3, 3 * 8 + 2)  # 3 rows x 4 columns of 8x8 + padding


def test_same_seed_same_picture_and_labels_pick_the_class(trained_run, tmp_path):
    paths = [tmp_path / f"{name}.png" for name in ("a", "b", "c")]
    base = ["sample", str(trained_run), "--n", "6", "--labels", "3"]
    keras_gans_cli.main([*base, "--seed", "1", "--out", str(paths[0])])
    keras_gans_cli.main([*base, "--seed", "1", "--out", str(paths[1])])
    keras_gans_cli.main([*base, "--seed", "1", "--labels", "4", "--out", str(paths[2])])
    a, b, c = (np.asarray(Image.open(p)) for p in paths)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_individual_files_and_best_checkpoint(trained_run, tmp_path):
    folder = tmp_path / "single"
    argv = ["sample", str(trained_run), "--checkpoint", "best", "--n", "5", "--scale", "2"]
    assert keras_gans_cli.main([*argv, "--out", str(tmp_path / "g.png"), "--individual",
                                str(folder)]) == 0  # fmt: skip
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"sample_{i:04d}.png" for i in range(5)]
    assert Image.open(folder / files[0]).size == (16, 16)


def test_latent_walks_as_strip_and_gif(trained_run, tmp_path):
    strip, gif = tmp_path / "walk.png", tmp_path / "walk.gif"
    argv = ["sample", str(trained_run), "--interpolate", "slerp", "--seeds", "1,2,3",
            "--steps", "4", "--labels", "7", "--scale", "1"]  # fmt: skip
    assert keras_gans_cli.main([*argv, "--out", str(strip)]) == 0
    assert Image.open(strip).size == (9 * 8 + 8, 8)  # (3 - 1) * 4 + 1 frames in one row
    assert keras_gans_cli.main([*argv, "--out", str(gif)]) == 0
    animation = Image.open(gif)
    assert animation.n_frames == 9 and animation.size == (8, 8)


def test_truncation_runs_for_a_normal_prior(trained_run, tmp_path):
    out = tmp_path / "t.png"
    argv = ["sample", str(trained_run), "--truncation", "0.5", "--out", str(out)]
    assert keras_gans_cli.main(argv) == 0 and out.exists()


def test_standing_statistics_change_the_samples_not_the_checkpoint(trained_run, tmp_path, capsys):
    checkpoint = trained_run / "checkpoints" / "latest.keras"
    before = checkpoint.read_bytes()
    paths = [tmp_path / "moving.png", tmp_path / "standing.png"]
    argv = ["sample", str(trained_run), "--n", "8", "--scale", "1"]
    assert keras_gans_cli.main([*argv, "--out", str(paths[0])]) == 0
    assert keras_gans_cli.main([*argv, "--standing-statistics", "3", "--out", str(paths[1])]) == 0
    assert "3 batches of 32" in capsys.readouterr().out  # the run's --batch-size 32
    moving, standing = (np.asarray(Image.open(p)) for p in paths)
    assert moving.shape == standing.shape and not np.array_equal(moving, standing)
    assert checkpoint.read_bytes() == before
    bare = shutil.copy(checkpoint, tmp_path / "bare.keras")  # no run, no config: 64
    argv = ["sample", str(bare), "--n", "8", "--standing-statistics", "1"]
    assert keras_gans_cli.main([*argv, "--out", str(tmp_path / "b.png")]) == 0
    assert "1 batch of 64" in capsys.readouterr().out


def test_the_training_batch_is_the_runs_batch_over_d_steps(tmp_path):
    checkpoint = tmp_path / "run" / "checkpoints" / "latest.keras"
    checkpoint.parent.mkdir(parents=True)
    config = tmp_path / "run" / "config.json"
    for written, expected in [
        ({"batch_size": 320, "d_steps": 5}, 64),  # each update's slice
        ({"batch_size": 48}, 48),
        ({"batch_size": "64"}, None),
        ({"epochs": 3}, None),
    ]:
        config.write_text(json.dumps(written))
        assert training_batch_size(checkpoint) == expected, written
    config.write_text("{not json")
    assert training_batch_size(checkpoint) is None
    assert training_batch_size(tmp_path / "elsewhere.keras") is None


def test_an_ema_generator_with_batch_norm_gets_a_hint(tmp_path, capsys):
    run = tmp_path / "ema"
    train = ["train", *TINY, "--epochs", "1", "--ema-decay", "0.9", "--run-dir", str(run)]
    assert keras_gans_cli.main(train) == 0
    capsys.readouterr()
    argv = ["sample", str(run), "--n", "4", "--out", str(tmp_path / "s.png")]
    assert keras_gans_cli.main(argv) == 0
    assert "add --standing-statistics 100" in capsys.readouterr().err
    assert keras_gans_cli.main([*argv, "--standing-statistics", "2"]) == 0
    assert "--standing-statistics" not in capsys.readouterr().err


def test_ema_start_reaches_the_saved_model(tmp_path):
    run = tmp_path / "late"
    train = ["train", *TINY, "--epochs", "1", "--ema-decay", "0.9", "--ema-start", "2"]
    assert keras_gans_cli.main([*train, "--run-dir", str(run)]) == 0
    model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    updates = int(model.g_optimizer.iterations.numpy())
    assert model.ema_start == 2 and int(model.ema_updates.numpy()) == updates == 3


def test_no_hint_without_an_ema_generator(trained_run, tmp_path, capsys):
    argv = ["sample", str(trained_run), "--n", "4", "--out", str(tmp_path / "s.png")]
    assert keras_gans_cli.main(argv) == 0
    assert "standing" not in capsys.readouterr().err


def test_checkpoint_file_works_too(trained_run, tmp_path):
    out = tmp_path / "f.png"
    checkpoint = trained_run / "checkpoints" / "latest.keras"
    assert keras_gans_cli.main(["sample", str(checkpoint), "--out", str(out)]) == 0


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--labels", "12"], "class ids in [0, 10)"),
        (["--labels", "a,b"], "--labels must be comma-separated"),
        (["--labels", "1,2,3"], "one class id or one per sample (16)"),
        (["--out", "grid.jpg"], "--out must end in .png or .gif"),
        (["--out", "walk.gif"], "add --interpolate"),
        (["--interpolate", "linear", "--seeds", "4"], "at least two seeds"),
        (["--truncation-psi", "0.7"], "--truncation-psi needs a model with a w-space"),
        (["--noise", "random"], "--noise needs a model with noise inputs"),
        (["--noise", "random", "--class-sweep"], "use --noise const or none"),
    ],
)
def test_bad_sample_input_is_one_line(trained_run, tmp_path, capsys, extra, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert keras_gans_cli.main(["sample", str(trained_run), *extra]) == 1
    assert message in _error_line(capsys)


def test_bad_sources_are_one_line(tmp_path, capsys):
    assert keras_gans_cli.main(["sample", str(tmp_path / "nothing.keras")]) == 1
    assert "no such file or directory" in _error_line(capsys)
    assert keras_gans_cli.main(["sample", str(tmp_path)]) == 1
    assert "not a run directory" in _error_line(capsys)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    plain.save(tmp_path / "plain.keras")
    assert keras_gans_cli.main(["sample", str(tmp_path / "plain.keras")]) == 1
    assert "not a keras_gans.GANModel" in _error_line(capsys)


def test_interpolation_maths():
    z0, z1 = np.array([3.0, 0.0]), np.array([0.0, 3.0])
    middle = slerp(z0, z1, 0.5)
    assert np.linalg.norm(middle) == pytest.approx(3.0, rel=1e-6)  # stays on the sphere
    path = interpolate(np.stack([z0, z1]), steps=4, method="linear")
    np.testing.assert_allclose(path[:, 0], [3.0, 2.25, 1.5, 0.75, 0.0])
    z = truncated_normal(500, 4, threshold=0.3, seed=0)
    assert np.abs(z).max() <= 0.3 and np.abs(z).mean() > 0.1

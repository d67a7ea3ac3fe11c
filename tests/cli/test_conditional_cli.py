"""`keras-gans train --arch acgan|infogan|gan-cls` and `keras-gans sample --class-sweep`."""

import json

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gans_cli

from .conftest import TINY


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_class_sweep_has_one_row_per_class(trained_run, tmp_path, capsys):
    out = tmp_path / "sweep.png"
    argv = ["sample", str(trained_run), "--class-sweep", "3", "--scale", "1", "--out", str(out)]
    assert keras_gans_cli.main(argv) == 0
    assert "10 rows x 3 columns" in capsys.readouterr().out
    assert Image.open(out).size == (3 * 8 + 2, 10 * 8 + 9)
    picked = tmp_path / "picked.png"
    argv = ["sample", str(trained_run), "--class-sweep", "--labels", "2,5", "--scale", "1"]
    assert keras_gans_cli.main([*argv, "--out", str(picked)]) == 0
    pixels = np.asarray(Image.open(picked))
    assert pixels.shape[:2] == (2 * 8 + 1, 8 * 8 + 7)  # two rows of the default 8 columns
    full = np.asarray(Image.open(out))
    # Rows are classes 2 and 5 with the same column latents (seed 0) as the full sweep.
    np.testing.assert_array_equal(pixels[:8, :8], full[2 * 9 : 2 * 9 + 8, :8])


def test_class_sweep_bad_input(trained_run, tmp_path, capsys):
    base = ["sample", str(trained_run), "--class-sweep", "--out"]
    assert keras_gans_cli.main([*base, str(tmp_path / "a.png"), "--interpolate", "linear"]) == 1
    assert "--class-sweep writes a .png grid" in _error_line(capsys)
    assert keras_gans_cli.main([*base, str(tmp_path / "b.png"), "--labels", "11"]) == 1
    assert "class ids in [0, 10)" in _error_line(capsys)


@pytest.mark.parametrize(
    "arch, extra, trick",
    [
        ("acgan", [], "auxiliary_classifier"),
        ("infogan", ["--latent-dim", "16"], "mutual_information"),
        ("gan-cls", ["--arch-arg", "projection_dim=4"], "matching_aware"),
    ],
)
def test_train_builds_the_architecture_with_its_terms(arch, extra, trick, tmp_path):
    run_dir = tmp_path / arch
    argv = ["train", "--arch", arch, *TINY, *extra, "--epochs", "1", "--run-dir", str(run_dir)]
    assert keras_gans_cli.main(argv) == 0
    header = (run_dir / "metrics.csv").read_text().splitlines()[0]
    assert f"d_term/{trick}" in header
    model = keras.saving.load_model(run_dir / "checkpoints" / "latest.keras")
    assert [t.name for t in model.tricks] == [trick]
    config = json.loads((run_dir / "config.json").read_text())
    assert config["arch"] == arch
    if arch == "infogan":  # unsupervised: a code sweep stands in for the class sweep
        out = tmp_path / "codes.png"
        argv = ["sample", str(run_dir), "--class-sweep", "2", "--scale", "1", "--out", str(out)]
        assert keras_gans_cli.main(argv) == 0
        assert Image.open(out).size == (2 * 8 + 1, 10 * 8 + 9)

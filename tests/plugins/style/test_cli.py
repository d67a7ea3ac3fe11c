"""The command line of every keras-gans-style family: train on digits, sample, export ONNX.

Issue 17's acceptance path, run as a user would: `keras-gans train --arch NAME --data
digits --epochs 2`, `keras-gans sample RUN`, `keras-gans export RUN --format onnx`, with
networks made tiny through `--arch-arg` so each family takes seconds. The architectures'
own sizes default to fit the data (the bundled 8x8 digits; 10 classes where a family
takes `num_classes`).
"""

import json

import numpy as np
import onnxruntime
import pytest
from PIL import Image

import keras_gans
import keras_gans_cli
from keras_gans.images import image_grid

TINY = ["--batch-size", "16", "--steps-per-epoch", "2", "--samples", "10", "--verbose", "0"]

#: The --arch-arg values that make each family small.
SMALL = {
    "lapgan": ["coarse_units=(16,)", "coarse_discriminator_units=(16,)", "filters=8",
               "discriminator_filters=8"],
    "stackgan": ["generator_filters=16", "stage_two_filters=8", "discriminator_filters=4",
                 "projection_dim=8", "stage_one_steps=2"],
    "progan": ["fmap_base=64", "fmap_max=8", "fade_images=32", "stable_images=32"],
    "stylegan": ["filters=8", "mapping_layers=2"],
    "stylegan2": ["filters=8", "mapping_layers=2"],
    "sagan": ["base_filters=8"],
    "biggan": ["base_filters=8", "shared_dim=8"],
    "tac-gan": ["base_filters=4", "embedding_dim=8"],
}  # fmt: skip

#: Families that condition on the digits' labels (the CLI passes num_classes=10).
LABELLED = {"stackgan", "biggan", "tac-gan", "lapgan", "sagan"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SMALL))
def test_train_sample_and_export_from_the_command_line(name, tmp_path):
    run = tmp_path / "run"
    argv = ["train", "--arch", name, "--data", "digits", "--epochs", "2", *TINY]
    for value in SMALL[name]:
        argv += ["--arch-arg", value]
    assert keras_gans_cli.main([*argv, "--latent-dim", "8", "--run-dir", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["resolved"]["data_shape"] == [8, 8, 1]
    rows = (run / "metrics.csv").read_text().strip().splitlines()
    assert len(rows) == 3  # header + 2 epochs

    grid = tmp_path / "grid.png"
    assert keras_gans_cli.main(["sample", str(run), "--n", "10", "--out", str(grid)]) == 0
    assert Image.open(grid).size[0] > 8

    onnx_path = tmp_path / "generator.onnx"
    argv = ["export", str(run), "--format", "onnx", "--out", str(onnx_path)]
    assert keras_gans_cli.main(argv) == 0
    model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    conditional = bool(model.conditional)
    assert conditional == (name in LABELLED and config["resolved"]["num_classes"] == 10)
    session = onnxruntime.InferenceSession(str(onnx_path))
    feeds = {"z": np.random.default_rng(0).normal(size=(3, 8)).astype("float32")}
    if conditional:
        feeds["labels"] = np.array([[1], [4], [7]], dtype="int32")
    names = [i.name for i in session.get_inputs()]
    for extra in set(names) - set(feeds):  # lifted noise inputs: fed zeros
        shape = [
            3 if d is None or isinstance(d, str) else d
            for d in session.get_inputs()[names.index(extra)].shape
        ]
        feeds[extra] = np.zeros(shape, "float32")
    (images,) = session.run(None, {k: v for k, v in feeds.items() if k in names})
    assert images.shape == (3, 8, 8, 1) and np.isfinite(images).all()


@pytest.mark.slow
def test_truncation_psi_and_noise_inputs_in_sample_and_export(tmp_path, capsys):
    run = tmp_path / "run"
    argv = ["train", "--arch", "stylegan2", "--data", "digits", "--epochs", "1", *TINY]
    for value in SMALL["stylegan2"]:
        argv += ["--arch-arg", value]
    assert keras_gans_cli.main([*argv, "--latent-dim", "8", "--run-dir", str(run)]) == 0
    model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    z = np.random.default_rng(1).normal(size=(4, 8)).astype("float32")
    truncated = np.asarray(model.sampler(truncation_psi=0.5)(z))
    assert not np.allclose(truncated, np.asarray(model.generator(z)))

    grids = [tmp_path / f"{name}.png" for name in ("plain", "psi")]
    assert keras_gans_cli.main(["sample", str(run), "--n", "4", "--out", str(grids[0])]) == 0
    argv = ["sample", str(run), "--n", "4", "--out", str(grids[1]), "--truncation-psi", "0.5"]
    assert keras_gans_cli.main(argv) == 0
    assert not np.array_equal(np.asarray(Image.open(grids[0])), np.asarray(Image.open(grids[1])))

    # --noise: the grid's pixels are the model's own `generate` / `sampler` images.
    seeded = np.asarray(model.sample_latent(4, seed=3))
    for noise, images in (
        ("random", model.generate(4, seed=3, noise="random")),
        ("none", np.asarray(model.sampler(noise="none")(seeded))),
    ):
        out = tmp_path / f"noise_{noise}.png"
        argv = ["sample", str(run), "--n", "4", "--seed", "3", "--out", str(out)]
        assert keras_gans_cli.main([*argv, "--noise", noise, "--scale", "1"]) == 0
        grid = np.asarray(Image.open(out), dtype="float32")
        expected = image_grid(images).astype("float32")
        np.testing.assert_allclose(grid.reshape(expected.shape), expected, atol=1)
    assert not np.array_equal(images, model.generate(4, seed=3))  # "none" is not "const"

    scores = {}
    for noise in ("const", "random"):
        out = tmp_path / f"{noise}.json"
        argv = ["evaluate", str(run), "--n", "40", "--metrics", "fid", "--noise", noise]
        assert keras_gans_cli.main([*argv, "--extractor", "none", "--json", str(out)]) == 0
        report = json.loads(out.read_text())
        assert report["noise"] == noise
        scores[noise] = report["results"]["fid"]["value"]
    assert scores["const"] != scores["random"]  # the trained noise strengths reach the pixels

    path = tmp_path / "psi.onnx"
    argv = ["export", str(run), "--format", "onnx", "--out", str(path), "--truncation-psi", "0.5"]
    assert keras_gans_cli.main(argv) == 0
    (images,) = onnxruntime.InferenceSession(str(path)).run(None, {"z": z})
    np.testing.assert_allclose(images, truncated, atol=1e-4)

    path = tmp_path / "noise.onnx"
    argv = ["export", str(run), "--format", "onnx", "--out", str(path), "--noise-inputs"]
    assert keras_gans_cli.main(argv) == 0
    session = onnxruntime.InferenceSession(str(path))
    noise = [i for i in session.get_inputs() if i.name.startswith("noise_")]
    assert noise  # one input per noise layer, fed by the client
    feeds = {"z": z}
    for item in noise:
        feeds[item.name] = np.zeros([4, *item.shape[1:]], "float32")
    (quiet,) = session.run(None, feeds)
    feeds = {k: v + 1.0 if k.startswith("noise_") else v for k, v in feeds.items()}
    (noisy,) = session.run(None, feeds)
    assert quiet.shape == (4, 8, 8, 1) and not np.allclose(quiet, noisy)

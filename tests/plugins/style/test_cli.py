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

"""The first-party `keras-gans-examples` distribution (`plugins/keras-gans-examples`).

It proves the plugin-distribution layout: an architecture that the core does not know,
declared only by its distribution's entry point, is discovered, builds, trains and passes
the public conformance suite. The README's install command installs it editable.
"""

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import keras_gans
import keras_gans.testing as kgt
import keras_gans_cli as cli

DISTRIBUTION = "keras-gans-examples"
SOURCE = Path(__file__).resolve().parents[2] / "plugins" / DISTRIBUTION

try:
    importlib.metadata.distribution(DISTRIBUTION)
except importlib.metadata.PackageNotFoundError:
    pytest.fail(
        f"{DISTRIBUTION} is not installed: install the checkout as README.md says "
        f"(it includes `-e ./plugins/{DISTRIBUTION}`).",
        pytrace=False,
    )


def test_discovered_through_its_entry_point_without_being_imported():
    script = (
        "import sys, keras_gans\n"
        "info = keras_gans.architectures.describe('residual-mlp')\n"
        "print(info.distribution, info.value)\n"
        "sys.exit(1 if 'keras_gans_examples' in sys.modules else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert result.stdout.split() == [DISTRIBUTION, "keras_gans_examples.residual_mlp:ResidualMLP"]
    installed = importlib.metadata.distribution(DISTRIBUTION)
    assert [e.name for e in installed.entry_points] == ["residual-mlp"]


def test_builds_any_data_shape_and_rejects_bad_keywords():
    arch = keras_gans.architectures.get("residual-mlp", data_shape=(4, 4, 1), latent_dim=8)
    assert arch.build_generator().output_shape == (None, 4, 4, 1)
    assert arch.build_discriminator().output_shape == (None, 1)
    with pytest.raises(ValueError, match=r"`blocks` must be a positive integer.*blocks=0"):
        keras_gans.architectures.get("residual-mlp", blocks=0)
    # A fractional side is refused, not truncated to a smaller network.
    with pytest.raises(ValueError, match=r"`data_shape` must be a non-empty tuple.*2\.5"):
        keras_gans.architectures.get("residual-mlp", data_shape=(2.5,))
    shape = keras_gans.architectures.get("residual-mlp", data_shape=(np.int64(3),)).data_shape
    assert shape == (3,) and type(shape[0]) is int


def test_trains_a_step():
    gan = keras_gans.GANModel.from_architecture(
        "residual-mlp", data_shape=(2,), latent_dim=4, units=16, blocks=1, seed=0
    )
    gan.compile(loss="non-saturating")
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    history = gan.fit(x, batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][-1]) and np.isfinite(history["g_loss"][-1])


@pytest.mark.parametrize("num_classes", [None, 3])
def test_passes_the_conformance_suite(tmp_path, num_classes):
    checked = kgt.run_all(
        "residual-mlp", tmp_path=tmp_path, latent_dim=4, units=8, blocks=1, num_classes=num_classes
    )
    assert checked == ("architectures",)


def test_the_cli_fills_its_shape_and_latent_keywords(tmp_path):
    run = tmp_path / "run"
    code = cli.main(
        [
            "train",
            "--arch", "residual-mlp",
            "--data", "ring",
            "--arch-arg", "units=8",
            "--latent-dim", "4",
            "--batch-size", "64",
            "--epochs", "1",
            "--steps-per-epoch", "2",
            "--samples", "4",
            "--no-tensorboard",
            "--run-dir", str(run),
        ]
    )  # fmt: skip
    assert code == 0
    config = json.loads((run / "config.json").read_text())
    assert (config["arch"], config["latent_dim"]) == ("residual-mlp", 4)
    assert (run / "checkpoints" / "latest.keras").is_file()

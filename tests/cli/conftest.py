"""A tiny trained run directory shared by the CLI tests (copy it before changing it)."""

import shutil

import pytest

import keras_gans_cli

#: Flags of a run that trains in seconds: 3 generator updates per epoch, tiny networks, and
#: best.keras by g_loss (the default measures KID every 5 epochs and at the last one: see
#: test_train.py::test_by_default_best_keras_follows_kid_on_digits).
TINY = [
    "--monitor", "g_loss",
    "--arch-arg", "base_filters=4",
    "--latent-dim", "8",
    "--batch-size", "32",
    "--steps-per-epoch", "3",
    "--samples", "10",
    "--verbose", "0",
]  # fmt: skip


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """A 2-epoch conditional DCGAN run on the bundled digits."""
    run_dir = tmp_path_factory.mktemp("cli") / "run"
    code = keras_gans_cli.main(["train", *TINY, "--epochs", "2", "--run-dir", str(run_dir)])
    assert code == 0
    return run_dir


@pytest.fixture
def run_copy(trained_run, tmp_path):
    """A private copy of `trained_run`."""
    return shutil.copytree(trained_run, tmp_path / "run")

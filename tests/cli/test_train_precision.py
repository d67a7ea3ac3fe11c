"""`keras-gans train --precision`: the networks' dtype policy, recorded, kept on resume."""

import json

import keras
import pytest

import keras_gans
import keras_gans_cli
from tests.cli.conftest import TINY
from tests.dtype_policy import global_policy


def policies(network):
    """The dtype policies of the layers holding weights (a loaded functional wrapper takes
    the process's policy; its layers keep their own)."""
    return {layer.dtype_policy.name for layer in network.layers if layer.weights}


def train(run_dir, *flags):
    return keras_gans_cli.main(["train", *TINY, "--run-dir", str(run_dir), *flags])


@pytest.mark.slow  # 7 s: a bfloat16 run and its resume
def test_bfloat16_run_records_its_policy_and_resumes_in_it(tmp_path):
    run = tmp_path / "bf16"
    assert train(run, "--epochs", "1", "--precision", "mixed_bfloat16") == 0
    assert json.loads((run / "config.json").read_text())["precision"] == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == "float32"  # the process policy is restored
    model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    assert policies(model.generator) == {"mixed_bfloat16"}
    assert "mixed_bfloat16" in policies(model.discriminator)  # its score layer is float32
    assert not isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert keras_gans_cli.main(["train", "--resume", str(run), "--epochs", "2"]) == 0
    resumed = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    assert policies(resumed.generator) == {"mixed_bfloat16"}
    assert int(resumed.g_optimizer.iterations) == 6  # 3 steps per epoch, 2 epochs
    # The run exports: the mixed network goes out in float32, verified against Keras.
    out = tmp_path / "g.tflite"
    assert keras_gans_cli.main(["export", str(run), "--format", "tflite", "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_float16_run_resumes_with_both_loss_scales_and_adam_state(tmp_path):
    run = tmp_path / "fp16"
    assert train(run, "--epochs", "1", "--precision", "mixed_float16") == 0
    assert keras_gans_cli.main(["train", "--resume", str(run), "--epochs", "2"]) == 0
    with global_policy("mixed_float16"):  # as the run trains (any policy loads it)
        model = keras_gans.load_model(run / "checkpoints" / "latest.keras")
    assert policies(model.generator) == {"mixed_float16"}
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        # Resumed with its state: 6 updates in all (a fresh optimizer would count 3).
        assert int(optimizer.iterations) == 6


def test_default_is_float32_and_a_bad_precision_names_the_flag(tmp_path, capsys):
    with pytest.raises(SystemExit) as error:
        train(tmp_path / "bad", "--precision", "float16")
    assert error.value.code == 2
    message = capsys.readouterr().err
    assert "--precision" in message and "'float16'" in message
    assert not (tmp_path / "bad").exists()
    args = keras_gans_cli.build_parser().parse_args(["train"])
    from keras_gans_cli.train_flags import resolve_config

    assert resolve_config(args)["precision"] == "float32"

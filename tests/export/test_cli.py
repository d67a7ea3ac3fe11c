"""`keras-gans export`: written path, size and verification on stdout; bad input is one line
on stderr, a non-zero exit status, and nothing written."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gans_cli as cli

from .conftest import keras_output, run_onnx, run_tflite, sample_batch


@pytest.fixture(scope="module")
def checkpoints(gans, tmp_path_factory):
    folder = tmp_path_factory.mktemp("checkpoints")
    gans["cdcgan"].save(folder / "cgan.keras")
    gans["dcgan"].discriminator.save(folder / "discriminator.keras")
    gans["dcgan"].generator.save(folder / "generator.keras")
    return folder


def _error_line(capsys):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("keras-gans export: error: ")
    return lines[0]


def test_tflite_with_quantisation_and_uint8(checkpoints, gans, tmp_path, capsys):
    out = tmp_path / "g.tflite"
    args = ["export", str(checkpoints / "cgan.keras"), "--format", "tflite", "--out", str(out)]
    code = cli.main([*args, "--quantize", "float16", "--output", "uint8"])
    stdout = capsys.readouterr().out.splitlines()
    assert code == 0
    assert stdout[0] == f"wrote {out} (tflite, {out.stat().st_size:,} bytes)"
    assert stdout[1].startswith("verified with ai-edge-litert")
    assert stdout[2] == f"metadata: {out}.json"
    metadata = json.loads((tmp_path / "g.tflite.json").read_text())
    assert metadata["quantization"] == "float16" and metadata["output"] == "uint8"
    assert metadata["source_checkpoint"] == str(checkpoints / "cgan.keras")

    batch = sample_batch(4, 16, 10)
    pixels = run_tflite(out, batch)["images"]
    expected = np.round((keras_output(gans["cdcgan"].generator, batch) + 1) * 127.5)
    assert pixels.dtype == np.uint8 and np.abs(pixels - expected).max() <= 2


def test_default_out_is_beside_the_checkpoint(checkpoints, capsys):
    assert cli.main(["export", str(checkpoints / "cgan.keras"), "--format", "onnx"]) == 0
    assert f"wrote {checkpoints / 'cgan.onnx'} (onnx, " in capsys.readouterr().out
    assert (checkpoints / "cgan.onnx.json").exists()


def test_a_bare_generator_file_and_saved_model(checkpoints, tmp_path, capsys):
    out = tmp_path / "sm"
    args = ["export", str(checkpoints / "generator.keras"), "--format", "saved_model"]
    assert cli.main([*args, "--out", str(out), "--batch-size", "2"]) == 0
    assert f"metadata: {out / 'assets' / 'keras_gans_export.json'}" in capsys.readouterr().out
    assert json.loads((out / "assets" / "keras_gans_export.json").read_text())["batch_size"] == 2


def test_no_verify(checkpoints, tmp_path, capsys):
    args = ["export", str(checkpoints / "cgan.keras"), "--format", "onnx", "--no-verify"]
    assert cli.main([*args, "--out", str(tmp_path / "g.onnx")]) == 0
    assert "not verified (--no-verify)" in capsys.readouterr().out


def test_run_directory(tmp_path, capsys):
    from keras_gans.callbacks.run_directory import RunDirectory
    from keras_gans.testing import tiny_gan

    run = RunDirectory.create(tmp_path / "run", {"epochs": 1})
    gan = tiny_gan()
    gan.compile("adam", "adam")
    points = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    gan.fit(points, batch_size=32, epochs=1, verbose=0, callbacks=run.callbacks(progress=False))
    assert cli.main(["export", str(run.path), "--format", "onnx"]) == 0
    out = run.checkpoint("latest").with_suffix(".onnx")
    assert f"wrote {out} (onnx, " in capsys.readouterr().out
    z = np.zeros((3, 4), "float32")
    expected = keras.saving.load_model(run.checkpoint("latest")).generator(z)
    np.testing.assert_allclose(run_onnx(out, {"z": z})["samples"], expected, atol=1e-5)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "pmml"], "--format must be one of the installed exporters: onnx, "),
        (["--format", "onnx", "--quantize", "int8"], "--quantize applies to --format tflite"),
        (["--format", "onnx", "--out", "{tmp}/missing/g.onnx"], "/missing' does not exist"),
        (["--format", "onnx", "--out", "{tmp}/file/g.onnx"], "/file' is not a folder"),
        (["--format", "onnx", "--truncation-psi", "0.5"], "needs a model with a w-space"),
    ],
)
def test_bad_flags(checkpoints, tmp_path, capsys, extra, message):
    (tmp_path / "file").write_text("not a folder")
    extra = [arg.format(tmp=tmp_path) for arg in extra]
    assert cli.main(["export", str(checkpoints / "cgan.keras"), *extra]) == 1
    assert message in _error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_missing_checkpoint(tmp_path, capsys):
    assert cli.main(["export", str(tmp_path / "nope.keras"), "--format", "onnx"]) == 1
    assert "no such file or directory" in _error_line(capsys)


def test_a_discriminator_is_one_clear_line_and_nothing_written(checkpoints, tmp_path, capsys):
    out = tmp_path / "d.onnx"
    args = ["export", str(checkpoints / "discriminator.keras"), "--format", "onnx"]
    assert cli.main([*args, "--out", str(out)]) == 1
    assert "looks like a discriminator, not a generator" in _error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_fails_fast_without_tensorflow(tmp_path):
    script = (
        "import sys, keras_gans_cli\n"
        "code = keras_gans_cli.main(sys.argv[1:])\n"
        "assert 'tensorflow' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    args = ["export", str(tmp_path / "gan.keras"), "--format", "caffe"]
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, result.stderr
    assert (
        result.stderr.strip().splitlines()
        == [
            "keras-gans export: error: --format must be one of the installed exporters: "
            "onnx, saved-model, tflite. Received: 'caffe'"
        ]
        or "Received: 'caffe'" in result.stderr
    )

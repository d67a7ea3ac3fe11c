"""Exporters are plugins: a separately installed distribution adds a format; the built-ins
are registered the same way; importing and listing load no export runtime."""

import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import keras_gans_cli as cli
from keras_gans import export as kx

from .conftest import keras_output, sample_batch

PLUGIN_SOURCE = Path(__file__).parents[1] / "third_party_plugin"
DISTRIBUTION = "keras-gans-example-plugin"
PACKAGE = "keras_gans_example_plugin"
HEAVY = ("tf2onnx", "onnx", "onnxruntime", "ai_edge_litert")


def _pip(*args):
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"


def _forget_plugin_modules():
    for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def example_plugin(tmp_path_factory):
    """Installs `keras-gans-example-plugin` (non-editable, offline when possible)."""
    try:
        importlib.metadata.distribution(DISTRIBUTION)
        already_installed = True
    except importlib.metadata.PackageNotFoundError:
        already_installed = False
    source = tmp_path_factory.mktemp("example_plugin") / "source"
    shutil.copytree(
        PLUGIN_SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    offline = (
        ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    )
    _pip("install", "--quiet", "--no-deps", *offline, str(source))
    _forget_plugin_modules()
    kx.refresh()
    yield DISTRIBUTION
    if not already_installed:
        _pip("uninstall", "--quiet", "--yes", DISTRIBUTION)
    _forget_plugin_modules()
    kx.refresh()


def test_builtin_exporters_are_entry_points():
    assert {"onnx", "saved-model", "tflite"} <= set(kx.names())
    for name, cls in (
        ("saved-model", "SavedModelExporter"),
        ("onnx", "ONNXExporter"),
        ("tflite", "TFLiteExporter"),
    ):
        info = kx.describe(name)
        assert info.distribution == "keras-gans-export"
        assert info.value.endswith(f"_exporter:{cls}")
        assert isinstance(kx.get(name), kx.Exporter)


def test_installed_exporter_is_discovered_and_used(example_plugin, tmp_path, gans):
    assert "keras-file" in kx.names()
    info = kx.describe("keras-file")
    assert (info.distribution, info.version) == (DISTRIBUTION, "0.1.0")
    assert PACKAGE not in sys.modules  # listed from metadata, not imported

    gan = gans["cdcgan"]
    result = kx.export(gan, tmp_path / "generator.keras", format="keras-file")
    assert result.format == "keras-file" and result.verification.passed
    assert result.metadata["exporter"] == f"{PACKAGE}.keras_file_exporter:KerasFileExporter"
    assert (tmp_path / "generator.keras.json").exists()

    import keras

    generator = keras.saving.load_model(result.path)
    batch = sample_batch(3, 16, 10)
    np.testing.assert_allclose(
        keras_output(generator, batch), keras_output(gan.generator, batch), atol=1e-6
    )
    # The plugin's own checks run before anything is written.
    with pytest.raises(ValueError, match="cannot bake in output='uint8'"):
        kx.export(gan, tmp_path / "u8.keras", format="keras-file", output="uint8")
    assert not (tmp_path / "u8.keras").exists()


def test_installed_exporter_through_the_command_line(example_plugin, tmp_path, gans, capsys):
    gans["dcgan"].save(tmp_path / "gan.keras")
    code = cli.main(
        [
            "export",
            str(tmp_path / "gan.keras"),
            "--format",
            "keras_file",
            "--out",
            str(tmp_path / "g.keras"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert "verified with keras" in capsys.readouterr().out
    assert (tmp_path / "g.keras").exists()


def test_exporters_are_listed_by_the_command_line(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "exporters:" in out
    for name in ("onnx", "saved-model", "tflite"):
        assert f"  {name} " in out


def test_importing_and_listing_load_no_export_runtime():
    script = (
        "import sys, keras_gans.export as kx\n"
        "names = kx.names()\n"
        "infos = kx.describe(load=True)\n"
        "exporters = [kx.get(name) for name in ('onnx', 'tflite', 'saved-model')]\n"
        "assert {'onnx', 'saved-model', 'tflite'} <= set(names), names\n"
        "assert all(info.error is None for info in infos), infos\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(heavy)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]

"""`keras_gans.export` forwards to the `keras-gans-export` distribution (`keras_gans_export`):
lazily, every public name, and with a clear error when that distribution is missing."""

import subprocess
import sys
from pathlib import Path

import pytest

import keras_gans
import keras_gans_cli as cli
from keras_gans import export as kx
from tests import benchmark_modules

SHIM = Path(keras_gans.__file__).parent / "export.py"


def _fresh_shim():
    """A new copy of the forwarding module, with nothing cached yet."""
    return benchmark_modules.load_file(SHIM, "fresh_keras_gans_export_shim")


def test_every_public_name_is_the_implementation_s():
    import keras_gans_export

    assert sorted(kx.__all__) == sorted(keras_gans_export.__all__)
    for name in kx.__all__:
        assert getattr(kx, name) is getattr(keras_gans_export, name), name
    assert set(kx.__all__) <= set(dir(kx))


def test_the_exporters_registry_lives_in_the_export_distribution():
    registry = keras_gans.registry.registry_for("keras_gans.exporters")
    assert registry is kx.registry
    assert registry.group == "keras_gans.exporters" and registry.base_class is kx.Exporter
    assert type(kx.get("onnx")).__module__ == "keras_gans_export.onnx_exporter"


def test_unknown_and_private_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="has no attribute 'to_pytorch'. Its names: "):
        kx.to_pytorch  # noqa: B018
    with pytest.raises(AttributeError):
        kx.__wrapped__  # noqa: B018 - never imports the implementation


def test_missing_distribution_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras_gans_export", None)  # as if not installed
    shim = _fresh_shim()
    with pytest.raises(ImportError, match=r"pip install keras-gans-export .*pip install -e \./exp"):
        shim.export  # noqa: B018


def test_command_line_without_exporters_is_one_line(monkeypatch, capsys):
    from keras_gans_cli import export as export_command

    monkeypatch.setattr(export_command, "_installed_formats", lambda: [])
    assert cli.main(["export", "run", "--format", "onnx"]) != 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "pip install keras-gans-export" in lines[0], lines


def test_importing_keras_gans_imports_no_exporter_code():
    script = (
        "import sys, keras_gans\n"
        "import keras_gans.export\n"
        "loaded = [m for m in sys.modules if m.startswith('keras_gans_export')]\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]

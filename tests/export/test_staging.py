"""`staging.commit`: a failed rename leaves the previous artifact and its metadata as they were."""

import json
import os
from pathlib import Path

import pytest

from keras_gans import export as kx
from keras_gans_export import staging

_REAL_REPLACE = os.replace


def _fail_renames_of(monkeypatch, is_artifact):
    """Makes `os.replace(src, dst)` raise for the sources `is_artifact(Path(src))` accepts."""

    def replace(src, dst):
        if is_artifact(Path(src)):
            raise OSError("injected: the artifact rename failed")
        return _REAL_REPLACE(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def _write_artifact(path, content, directory):
    if directory:
        path.mkdir()
        (path / "saved_model.pb").write_text(content)
    else:
        path.write_text(content)


def _read_artifact(path, directory):
    return (path / "saved_model.pb").read_text() if directory else path.read_text()


@pytest.mark.parametrize("directory", [False, True], ids=["file", "directory"])
def test_a_failed_artifact_rename_keeps_the_previous_artifact_and_metadata(
    tmp_path, monkeypatch, directory
):
    target, metadata_target = tmp_path / "g.out", tmp_path / "g.out.json"
    _write_artifact(target, "old artifact", directory)
    metadata_target.write_text('{"version": "old"}')
    with staging.staging_directory(target) as stage:
        staged, staged_metadata = stage / target.name, stage / metadata_target.name
        _write_artifact(staged, "new artifact", directory)
        staged_metadata.write_text('{"version": "new"}')
        _fail_renames_of(monkeypatch, lambda src: src == staged)
        with pytest.raises(OSError, match="injected"):
            staging.commit(stage, staged, target, staged_metadata, metadata_target)
    assert _read_artifact(target, directory) == "old artifact"
    assert json.loads(metadata_target.read_text()) == {"version": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.out", "g.out.json"]


def test_a_failed_first_export_leaves_no_metadata(tmp_path, monkeypatch):
    target, metadata_target = tmp_path / "g.out", tmp_path / "g.out.json"
    with staging.staging_directory(target) as stage:
        staged, staged_metadata = stage / target.name, stage / metadata_target.name
        staged.write_text("new artifact")
        staged_metadata.write_text("{}")
        _fail_renames_of(monkeypatch, lambda src: src == staged)
        with pytest.raises(OSError, match="injected"):
            staging.commit(stage, staged, target, staged_metadata, metadata_target)
    assert list(tmp_path.iterdir()) == []


def test_an_export_whose_rename_fails_keeps_the_previous_export_replaceable(
    gans, tmp_path, monkeypatch
):
    target = tmp_path / "g.onnx"
    previous = kx.to_onnx(gans["mlp"], target)
    artifact, metadata = target.read_bytes(), previous.metadata_path.read_text()

    _fail_renames_of(
        monkeypatch, lambda src: src.name == "g.onnx" and src.parent.name.startswith(".g.onnx.")
    )
    with pytest.raises(OSError, match="injected"):
        kx.to_onnx(gans["dcgan"], target)
    assert target.read_bytes() == artifact
    assert previous.metadata_path.read_text() == metadata
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.onnx", "g.onnx.json"]

    monkeypatch.setattr(os, "replace", _REAL_REPLACE)
    result = kx.to_onnx(gans["dcgan"], target)  # its own artifact: replaced, not refused
    assert result.metadata["outputs"][0]["name"] == "images"


@pytest.mark.parametrize("name", ["previous", "previous-metadata", "g"])
def test_a_directory_artifact_of_any_name_replaces_the_previous_one(tmp_path, name):
    target, metadata_target = tmp_path / name, tmp_path / f"{name}.json"
    _write_artifact(target, "old artifact", directory=True)
    metadata_target.write_text('{"version": "old"}')
    with staging.staging_directory(target) as stage:
        staged, staged_metadata = stage / target.name, stage / metadata_target.name
        _write_artifact(staged, "new artifact", directory=True)
        staged_metadata.write_text('{"version": "new"}')
        staging.commit(stage, staged, target, staged_metadata, metadata_target)
    assert _read_artifact(target, directory=True) == "new artifact"
    assert json.loads(metadata_target.read_text()) == {"version": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, f"{name}.json"])

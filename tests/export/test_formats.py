"""Every built-in format, on an MLP, a DCGAN and a conditional DCGAN: written, verified, run.

Each artifact is run here with its own runtime on a batch of 3 (the verification batch has
8, or 10 for the 10 classes, so the dynamic batch dimension is exercised) and compared with
the Keras generator.
"""

import json

import numpy as np
import pytest

from keras_gans import __version__
from keras_gans import export as kx

from .conftest import RUNNERS, SUFFIXES, keras_output, sample_batch

CASES = [
    ("mlp", 8, None, "samples", (3, 2)),
    ("dcgan", 16, None, "images", (3, 8, 8, 1)),
    ("cdcgan", 16, 10, "images", (3, 8, 8, 1)),
]


def _metadata(result, fmt):
    if fmt == "saved_model":
        assert result.metadata_path == result.path / "assets" / "keras_gans_export.json"
    else:
        assert result.metadata_path.name == result.path.name + ".json"
    return json.loads(result.metadata_path.read_text())


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
@pytest.mark.parametrize(("kind", "latent_dim", "num_classes", "output", "shape"), CASES)
def test_export_runs_in_its_runtime_and_matches_keras(
    gans, tmp_path, fmt, kind, latent_dim, num_classes, output, shape
):
    gan = gans[kind]
    result = kx.export(gan, tmp_path / f"generator{SUFFIXES[fmt]}", format=fmt)

    assert result.path.exists() and result.size_bytes > 0
    assert result.verification.passed
    assert result.verification.batch_size == (10 if num_classes else 8)  # every class
    assert result.verification.max_abs_diff <= 1e-4
    # Nothing but the artifact (and its metadata file) is left in the directory.
    expected = {result.path.name} | (
        {result.path.name + ".json"} if fmt != "saved_model" else set()
    )
    assert {p.name for p in tmp_path.iterdir()} == expected

    metadata = _metadata(result, fmt)
    assert metadata == json.loads(json.dumps(result.metadata))
    assert metadata["format"] == fmt.replace("_", "-")
    assert metadata["keras_gans_version"] == __version__
    assert metadata["latent_dim"] == latent_dim and metadata["num_classes"] == num_classes
    assert metadata["latent_distribution"] == "normal"
    assert metadata["network"] == "generator"
    assert metadata["verification"]["passed"] is True
    names = [entry["name"] for entry in metadata["inputs"]]
    assert names == (["z", "labels"] if num_classes else ["z"])
    assert metadata["outputs"][0]["name"] == output
    assert metadata["layout"] == ("NHWC" if output == "images" else None)
    if kind != "mlp":  # tanh output
        assert metadata["output_range"] == [-1.0, 1.0]

    if fmt == "onnx":  # the dynamic batch dimension has a name
        import onnx

        graph = onnx.load(str(result.path)).graph
        for value in [*graph.input, *graph.output]:
            assert value.type.tensor_type.shape.dim[0].dim_param == "batch"

    batch = sample_batch(3, latent_dim, num_classes)
    actual = RUNNERS[fmt](result.path, batch)[output]
    assert actual.shape == shape and actual.dtype == np.float32
    np.testing.assert_allclose(actual, keras_output(gan.generator, batch), atol=2e-5)


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
def test_uint8_output_gives_pixels(gans, tmp_path, fmt):
    gan = gans["cdcgan"]
    result = kx.export(gan, tmp_path / f"g{SUFFIXES[fmt]}", format=fmt, output="uint8")
    assert result.metadata["output"] == "uint8"
    assert result.metadata["outputs"][0]["dtype"] == "uint8"
    assert result.metadata["output_range"] == [0, 255]
    assert result.metadata["generator_output_range"] == [-1.0, 1.0]

    batch = sample_batch(5, 16, 10)
    pixels = RUNNERS[fmt](result.path, batch)["images"]
    assert pixels.dtype == np.uint8 and pixels.shape == (5, 8, 8, 1)
    # Hand mapping of the Keras output: [-1, 1] -> [0, 255], rounded.
    expected = np.round((keras_output(gan.generator, batch) + 1.0) * 127.5)
    assert np.abs(pixels.astype(float) - expected).max() <= 1.0

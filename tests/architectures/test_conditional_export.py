"""Generators of the conditional architectures export with a verified signature."""

import pytest

import keras_gans
from keras_gans.export import export


@pytest.mark.parametrize(
    "name, keywords, inputs",
    [
        ("gan-cls", {"embedding_dim": 5, "projection_dim": 4}, ["z", "labels"]),
        ("infogan", {"latent_dim": 16}, ["z"]),
    ],
)
def test_generator_exports_to_onnx_and_matches_keras(name, keywords, inputs, tmp_path):
    shape = {"image_shape": (8, 8, 1), "latent_dim": 4, "base_filters": 4, **keywords}
    gan = keras_gans.GANModel.from_architecture(name, **shape)
    result = export(gan, tmp_path / "generator.onnx", format="onnx")
    assert result.verification.passed
    assert [item["name"] for item in result.metadata["inputs"]] == inputs
    if name == "gan-cls":  # an embedding condition: float vectors of the embedding width
        labels = result.metadata["inputs"][1]
        assert labels["dtype"] == "float32" and labels["shape"] == [None, 5]

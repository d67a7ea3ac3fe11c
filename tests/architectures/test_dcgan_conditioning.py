"""`dcgan`'s conditioning options: projection discriminator, conditional batch norm."""

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans.testing as kgt

TINY = {"image_shape": (8, 8, 1), "latent_dim": 4, "num_classes": 3, "base_filters": 4}


def layer_types(network):
    return [type(layer).__name__ for layer in network.layers]


def test_default_conditioning_is_unchanged():
    arch = keras_gans.architectures.get("dcgan", **TINY)
    assert arch.conditioning == "label-map" and arch.generator_conditioning == "concat"
    d_types = layer_types(arch.build_discriminator())
    assert "ProjectionHead" not in d_types and d_types.count("Embedding") == 1
    assert "ConditionalBatchNormalization" not in layer_types(arch.build_generator())


def test_projection_discriminator_scores_through_the_class_embedding():
    arch = keras_gans.architectures.get("dcgan", **TINY, conditioning="projection")
    discriminator = arch.build_discriminator()
    types = layer_types(discriminator)
    assert types[-1] == "ProjectionHead" and "Embedding" not in types  # no input label map
    x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    head = discriminator.get_layer("score")
    features = head.input[0]
    phi = keras.Model(discriminator.inputs, features)([x, np.zeros((2, 1), "int32")]).numpy()
    scores = [discriminator([x, np.full((2, 1), c)]).numpy() for c in range(3)]
    embeddings = head.embeddings.numpy()
    for c in range(1, 3):  # only the projection term depends on the class
        expected = (phi * (embeddings[c] - embeddings[0])).sum(1, keepdims=True)
        np.testing.assert_allclose(scores[c] - scores[0], expected, rtol=1e-4, atol=1e-5)


def test_conditional_batch_norm_generator_is_conditioned_only_through_the_norms():
    arch = keras_gans.architectures.get("dcgan", **TINY, generator_conditioning="cbn")
    generator = arch.build_generator()
    types = layer_types(generator)
    assert "BatchNormalization" not in types and "Embedding" not in types
    assert types.count("ConditionalBatchNormalization") >= 1
    cbn = [lay for lay in generator.layers if type(lay).__name__ == "ConditionalBatchNormalization"]
    cbn[0].beta.assign(np.array([np.zeros(cbn[0].beta.shape[1]), np.ones(cbn[0].beta.shape[1]),
                                 np.zeros(cbn[0].beta.shape[1])], "float32"))  # fmt: skip
    z = np.random.default_rng(1).normal(size=(2, 4)).astype("float32")
    same = [generator([z, np.full((2, 1), c)], training=False).numpy() for c in (0, 2)]
    np.testing.assert_allclose(same[0], same[1], atol=1e-6)  # classes 0 and 2: equal shifts
    shifted = generator([z, np.full((2, 1), 1)], training=False).numpy()
    assert np.abs(shifted - same[0]).max() > 1e-3


@pytest.mark.parametrize(
    "options", [{"conditioning": "projection", "generator_conditioning": "cbn"}]
)
def test_options_pass_the_conformance_suite(options, tmp_path):
    assert kgt.run_all("dcgan", tmp_path=tmp_path, **TINY, **options) == ("architectures",)


def test_bad_conditioning_options_are_clear_errors():
    with pytest.raises(ValueError, match="conditioning.*label-map.*projection"):
        keras_gans.architectures.get("dcgan", **TINY, conditioning="concat")
    with pytest.raises(ValueError, match="generator_conditioning"):
        keras_gans.architectures.get("dcgan", **TINY, generator_conditioning="film")
    unconditional = {k: v for k, v in TINY.items() if k != "num_classes"}
    with pytest.raises(ValueError, match="needs `num_classes`"):
        keras_gans.architectures.get("dcgan", **unconditional, conditioning="projection")
    with pytest.raises(ValueError, match="packing"):
        keras_gans.architectures.get("dcgan", **TINY, conditioning="projection", packing=2)

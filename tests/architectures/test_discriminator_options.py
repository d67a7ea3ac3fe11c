"""The stabilising discriminator options of `mlp` and `dcgan`, and the `autoencoder` pair."""

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans.testing as kgt

OPTIONS = {
    "spectral_normalization": True,
    "minibatch_kernels": 4,
    "minibatch_stddev": 2,
    "packing": 2,
}


def kinds(network):
    return [type(layer).__name__ for layer in network.layers]


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("mlp", {"data_shape": (2,), "latent_dim": 4, "hidden_units": (8, 8)}),
        ("dcgan", {"image_shape": (8, 8, 1), "latent_dim": 4, "base_filters": 4}),
    ],
)
def test_spectral_normalization_wraps_every_weight_layer(name, kwargs):
    plain = keras_gans.architectures.get(name, **kwargs).build_discriminator()
    normalized = keras_gans.architectures.get(
        name, spectral_normalization=True, **kwargs
    ).build_discriminator()
    weighted = [k for k in kinds(plain) if k in ("Dense", "Conv2D")]
    assert weighted and kinds(normalized).count("SpectralNormalization") == len(weighted)
    assert not {"Dense", "Conv2D"} & set(kinds(normalized))
    wrapped = [lay for lay in normalized.layers if type(lay).__name__ == "SpectralNormalization"]
    kernel = wrapped[0].layer.kernel
    x = np.random.default_rng(0).normal(size=(4, *normalized.input_shape[1:])).astype("float32")
    for _ in range(10):  # one power iteration per training call rescales the kernel
        normalized(x, training=True)
    matrix = kernel.numpy().reshape(-1, kernel.shape[-1])
    assert np.linalg.norm(matrix, 2) == pytest.approx(1.0, abs=0.05)
    assert normalized.output.dtype == "float32"


def test_discriminator_options_add_their_layers_and_keep_the_defaults():
    arch = keras_gans.architectures.get(
        "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,), **OPTIONS
    )
    names = kinds(arch.build_discriminator())
    for layer in ("Packing", "MinibatchDiscrimination", "MinibatchStandardDeviation"):
        assert layer in names
    assert arch.get_config()["packing"] == 2
    default = keras_gans.architectures.get("mlp", data_shape=(2,), latent_dim=4)
    assert default.get_config()["packing"] == 1 and not default.spectral_normalization
    assert "Packing" not in kinds(default.build_discriminator())


@pytest.mark.parametrize(
    "name, kwargs",
    [
        pytest.param(
            "mlp",
            {"data_shape": (2,), "latent_dim": 4, "hidden_units": (8,), **OPTIONS},
            marks=pytest.mark.slow,  # the dcgan case covers the same options, conditional
        ),
        (
            "dcgan",
            {
                "image_shape": (8, 8, 1),
                "latent_dim": 4,
                "base_filters": 4,
                "num_classes": 3,
                **OPTIONS,
            },
        ),
        (
            "autoencoder",
            {"data_shape": (2,), "latent_dim": 4, "hidden_units": (8,), "code_dim": 3},
        ),
    ],
    ids=["mlp-options", "dcgan-conditional-options", "autoencoder"],
)
def test_architectures_with_options_conform(name, kwargs, tmp_path):
    assert kgt.run_all(name, kind="architectures", tmp_path=tmp_path, **kwargs) == (
        "architectures",
    )


def test_packed_discriminator_scores_packs():
    arch = keras_gans.architectures.get(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, packing=4
    )
    assert arch.build_discriminator()(np.zeros((8, 8, 8, 1), "float32")).shape == (2, 1)


def test_autoencoder_discriminator_scores_reconstruction_and_exposes_the_code():
    arch = keras_gans.architectures.get(
        "autoencoder", data_shape=(3,), latent_dim=4, hidden_units=(8,), code_dim=2, energy_power=1
    )
    discriminator = arch.build_discriminator()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    out = discriminator(x)
    assert sorted(out) == ["embedding", "score"] and out["embedding"].shape == (5, 2)
    encoder_decoder = keras.Model(discriminator.input, discriminator.layers[-3].output)
    reconstruction = encoder_decoder(x).numpy()
    np.testing.assert_allclose(
        out["score"].numpy()[:, 0], -np.abs(x - reconstruction).mean(1), rtol=1e-5
    )


@pytest.mark.parametrize(
    "bad", [{"packing": 0}, {"minibatch_kernels": -1}, {"spectral_normalization": "yes"}]
)
def test_bad_discriminator_options_are_rejected(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        keras_gans.architectures.get("mlp", data_shape=(2,), **bad)


def head_errors(discriminator, seed=0):
    """Each output head's largest error against a float64 `features @ W + b`."""
    heads = [lay for lay in discriminator.layers if lay.name in discriminator.output_names]
    rng, errors = np.random.default_rng(seed), {}
    for head in heads:
        dense = getattr(head, "layer", head)
        features = rng.normal(size=(4, dense.kernel.shape[0])).astype("float32") * 3
        scores = np.asarray(head(features, training=False), "float64")
        exact = features.astype("float64") @ np.asarray(dense.kernel) + np.asarray(dense.bias)
        errors[head.name] = float(np.abs(scores - exact).max())
    return errors


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("dcgan", {}),
        ("acgan", {"num_classes": 3}),
        ("infogan", {"categorical_codes": (3,), "continuous_codes": 1, "shared_units": 8}),
    ],
)
def test_spectrally_normalised_heads_score_in_float32_under_mixed_precision(
    name, kwargs, mixed_policy
):
    # SpectralNormalization runs its inner layer under that layer's own policy: a policy-
    # default Dense inside a float32 wrapper scored in float16 (errors near 1e-3).
    arch = keras_gans.architectures.get(
        name, image_shape=(8, 8, 1), latent_dim=8, base_filters=4, **kwargs,
        spectral_normalization=True,
    )  # fmt: skip
    errors = head_errors(arch.build_discriminator())
    assert errors and max(errors.values()) < 1e-5, errors

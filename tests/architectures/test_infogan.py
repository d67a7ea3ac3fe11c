"""The `infogan` plugin: conformance, the codes it learns, fixing codes in `generate`."""

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets import load_digits
from keras_gans.latents import InfoGANLatent, code_sweep, generate_from_latents

TINY = {"image_shape": (8, 8, 1), "latent_dim": 16, "base_filters": 4}


def test_passes_the_conformance_suite(tmp_path):
    assert kgt.run_all("infogan", tmp_path=tmp_path, **TINY) == ("architectures",)


def test_from_architecture_sets_the_structured_prior_and_the_information_term():
    gan = keras_gans.GANModel.from_architecture(
        "infogan", **TINY, categorical_codes=(4, 3), continuous_codes=1
    )
    gan.compile()
    prior = gan.latent_distribution
    assert isinstance(prior, InfoGANLatent) and prior.categorical_codes == (4, 3)
    assert [type(t).__name__ for t in gan.tricks] == ["MutualInformation"]
    outputs = gan.discriminator(np.zeros((2, 8, 8, 1), "float32"))
    assert outputs["categorical_logits"].shape == (2, 7)
    assert outputs["continuous_mean"].shape == (2, 1)
    assert not gan.conditional  # unsupervised: labels never reach the networks


def test_score_and_q_share_a_fully_connected_layer_as_in_the_paper():
    # Chen et al. 2016, appendix C.1: D ends with FC 1024 + BN + leaky ReLU, which Q shares.
    arch = keras_gans.architectures.get("infogan", **TINY)
    assert arch.shared_units == 1024
    layer = arch.build_discriminator().get_layer("shared_hidden")
    assert layer.units == 1024
    plain = keras_gans.architectures.get("infogan", **TINY, shared_units=0)
    names = [layer.name for layer in plain.build_discriminator().layers]
    assert "shared_hidden" not in names
    with pytest.raises(ValueError, match="shared_units"):
        keras_gans.architectures.get("infogan", **TINY, shared_units=-1)


def test_training_makes_the_code_recoverable_from_the_samples():
    x, _ = load_digits()
    keras.utils.set_random_seed(0)  # the initial weights too, whatever ran before
    gan = keras_gans.GANModel.from_architecture(
        "infogan", image_shape=(8, 8, 1), latent_dim=16, base_filters=8, seed=0
    )
    keras.utils.set_random_seed(0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    codes = np.arange(200) % 10
    latents = gan.latent_distribution.with_codes(200, 16, categorical=codes, seed=2)

    def q_accuracy():
        logits = gan.discriminator(gan.generate(200, latents=latents))["categorical_logits"]
        return float((logits.numpy().argmax(1) == codes).mean())

    before = q_accuracy()
    history = gan.fit(x, batch_size=64, epochs=2, verbose=0).history
    assert history["g_term/mutual_information"][-1] < history["g_term/mutual_information"][0]
    assert before < 0.4 and q_accuracy() > 0.8  # chance 0.1; 1.0 after these 2 epochs


def test_generate_can_fix_the_codes_and_a_sweep_changes_only_the_code():
    gan = keras_gans.GANModel.from_architecture("infogan", **TINY, seed=0)
    prior = gan.latent_distribution
    z = prior.with_codes(3, 16, categorical=[1, 1, 7], continuous=0.0, seed=4)
    images = gan.generate(3, latents=z)
    np.testing.assert_allclose(generate_from_latents(gan, z), images, atol=1e-6)
    samples, values = code_sweep(gan, columns=2, seed=5)
    assert samples.shape == (20, 8, 8, 1) and values.tolist() == list(range(10))
    # Rows differ only in the code: the same latents with code 3 give row 3.
    columns = np.asarray(gan.sample_latent(2, seed=5))
    np.testing.assert_allclose(
        samples[6:8], gan.generate(2, latents=prior.set_codes(columns, categorical=3)), atol=1e-6
    )
    sweep, values = code_sweep(gan, continuous=True, code=1, columns=2, seed=5)
    assert sweep.shape == (10, 8, 8, 1) and values.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="`code` must index one of the 2 continuous codes"):
        code_sweep(gan, code=2, continuous=True)


def test_bad_keywords_are_clear_errors():
    with pytest.raises(ValueError, match="at least one noise entry"):
        keras_gans.architectures.get("infogan", image_shape=(8, 8, 1), latent_dim=12)
    with pytest.raises(ValueError, match="at least one code"):
        keras_gans.architectures.get(
            "infogan", image_shape=(8, 8, 1), categorical_codes=(), continuous_codes=0
        )
    with pytest.raises(ValueError, match="code_sweep needs"):
        code_sweep(kgt.tiny_gan())

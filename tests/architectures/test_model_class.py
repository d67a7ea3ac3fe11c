"""`Architecture.model_class`: a family with more networks builds its own GANModel subclass."""

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans.testing
from keras_gans.architectures.mlp import MLP
from keras_gans.models.validation import check_model_class


class EncoderGAN(keras_gans.GANModel):
    """A GANModel that also owns an encoder network (kept as an attribute)."""

    def __init__(self, generator, discriminator, encoder, latent_dim, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.encoder = encoder


class EncoderMLP(MLP):
    """The `mlp` architecture plus an encoder from data to `z`."""

    model_class = EncoderGAN

    def build_networks(self):
        encoder = keras.Sequential(
            [keras.Input(self.data_shape), keras.layers.Dense(self.latent_dim)], name="encoder"
        )
        return {**super().build_networks(), "encoder": encoder}


@pytest.fixture
def encoder_mlp():
    registry = keras_gans.architectures.registry
    registry.register("encoder-mlp", EncoderMLP)
    yield
    registry.unregister("encoder-mlp")


def test_from_architecture_builds_the_family_model_with_every_network(encoder_mlp):
    gan = keras_gans.GANModel.from_architecture(
        "encoder-mlp", data_shape=(2,), latent_dim=3, hidden_units=(8,), seed=1
    )
    assert type(gan) is EncoderGAN
    assert gan.encoder(np.zeros((4, 2), "float32")).shape == (4, 3)
    assert gan.latent_dim == 3 and gan.seed == 1
    # Called on the family's own class, the same model; a plain architecture keeps `cls`.
    assert type(EncoderGAN.from_architecture("encoder-mlp", data_shape=(2,))) is EncoderGAN
    plain = keras_gans.GANModel.from_architecture("mlp", data_shape=(2,), hidden_units=(8,))
    assert type(plain) is keras_gans.GANModel


def test_the_conformance_suite_checks_a_family_architecture(encoder_mlp):
    arch = keras_gans.architectures.get("encoder-mlp", data_shape=(2,), latent_dim=3)
    keras_gans.testing.check_architecture(arch)

    class Broken(EncoderMLP):
        def build_networks(self):
            return {"generator": self.build_generator(), "encoder": None}

    with pytest.raises(AssertionError, match="at least 'generator' and 'discriminator'"):
        keras_gans.testing.check_architecture(Broken(data_shape=(2,)))


def test_check_model_class_picks_the_more_derived_class_or_names_both():
    gan = keras_gans.GANModel
    assert check_model_class(None, gan, "x") is gan
    assert check_model_class(EncoderGAN, gan, "x") is EncoderGAN

    class Special(EncoderGAN):
        pass

    assert check_model_class(EncoderGAN, Special, "x") is Special

    class Other(keras_gans.GANModel):
        pass

    with pytest.raises(TypeError, match="trains with EncoderGAN, which is not a Other"):
        check_model_class(EncoderGAN, Other, "encoder-mlp")
    with pytest.raises(TypeError, match="expected a GANModel subclass"):
        check_model_class("EncoderGAN", gan, "encoder-mlp")


def test_load_model_rejects_a_file_that_is_not_a_keras_archive(tmp_path):
    path = tmp_path / "broken.keras"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"`filepath` must be a \.keras file.*broken\.keras"):
        keras_gans.load_model(path)


def test_load_model_round_trips_a_gan(tmp_path):
    gan = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=3, hidden_units=(8,), seed=0
    )
    gan.compile(loss="hinge")
    gan.save(tmp_path / "gan.keras")
    loaded = keras_gans.load_model(tmp_path / "gan.keras")
    np.testing.assert_array_equal(loaded.generate(5, seed=2), gan.generate(5, seed=2))
    assert loaded.adversarial_loss.get_config() == gan.adversarial_loss.get_config()


def test_default_optimizers_take_the_papers_settings_and_fill_the_rest_from_dcgan():
    class TTURMLP(MLP):
        optimizer_defaults = {"d_lr": 4e-4, "g_lr": 1e-4, "beta1": 0.0}

    d_opt, g_opt = TTURMLP(data_shape=(2,), latent_dim=4).default_optimizers()
    assert float(d_opt.learning_rate) == pytest.approx(4e-4)
    assert float(g_opt.learning_rate) == pytest.approx(1e-4)
    assert (d_opt.beta_1, d_opt.beta_2, g_opt.beta_1) == (0.0, 0.999, 0.0)
    plain_d, _ = MLP(data_shape=(2,), latent_dim=4).default_optimizers()
    assert (float(plain_d.learning_rate), plain_d.beta_1) == (pytest.approx(2e-4), 0.5)
    assert d_opt is not plain_d and MLP.optimizer_defaults == {}

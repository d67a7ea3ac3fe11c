"""The adversarial autoencoder (`aae`): its priors, its two phases, saving, export and CLI."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras_gans_representation.aae import AAE
from keras_gans_representation.aae_model import AAEModel
from keras_gans_representation.aae_reconstruction import reconstruction_error
from keras_gans_representation.gaussian_mixture_prior import GaussianMixturePrior
from keras_gans_representation.swiss_roll_prior import SwissRollPrior

import keras_gans
import keras_gans.testing as kgt
import keras_gans_cli
from keras_gans.datasets import load_digits
from keras_gans.metrics import sliced_wasserstein_distance

TINY = {"latent_dim": 2, "hidden_units": (8,), "discriminator_units": (8,)}


def tiny_model(seed=0, data_shape=(3,), prior="normal", **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gans.GANModel.from_architecture(
        "aae",
        data_shape=data_shape,
        output_activation="linear",
        prior=prior,
        seed=seed,
        **{**TINY, **kwargs},
    )


def sgd_compile(model, learning_rate=0.1):
    model.compile(
        keras.optimizers.SGD(learning_rate),
        keras.optimizers.SGD(learning_rate),
        ae_optimizer=keras.optimizers.SGD(learning_rate),
    )


# ----------------------------------------------------------------------------- priors
def test_mixture_components_sit_on_the_circle_with_their_two_spreads():
    prior = GaussianMixturePrior(components=8, radius=3.0, radial_std=0.4, tangential_std=0.1)
    z = prior.sample(40_000, 3, seed=1).numpy()
    angles = np.arctan2(z[:, 1], z[:, 0]) % (2 * math.pi)
    component = np.round(angles / (2 * math.pi / 8)).astype(int) % 8
    np.testing.assert_allclose(np.bincount(component, minlength=8) / len(z), 1 / 8, atol=0.01)
    chosen = z[component == 2]  # centred at (0, 3): radial axis is y, tangent is -x
    np.testing.assert_allclose(chosen[:, :2].mean(0), [0.0, 3.0], atol=0.02)
    np.testing.assert_allclose(chosen.std(0), [0.1, 0.4, 0.1], rtol=0.05)
    narrow = GaussianMixturePrior(components=8, radius=3.0, radial_std=1e-4, tangential_std=1e-4)
    drawn = narrow.sample_components(np.array([0, 3]), 2, seed=0).numpy()
    half = 3.0 / math.sqrt(2.0)
    np.testing.assert_allclose(drawn, [[3.0, 0.0], [-half, half]], atol=1e-3)  # 2 pi k / 8


def test_swiss_roll_points_lie_on_the_spiral_evenly_along_its_length():
    prior = SwissRollPrior(turns=1.25, radius=2.0, noise_std=0.0)
    z = prior.sample(20_000, 2, seed=3).numpy()
    s = np.linalg.norm(z, axis=1) / 2.0  # position along the roll
    expected = np.stack([np.cos(2 * np.pi * 1.25 * s), np.sin(2 * np.pi * 1.25 * s)], 1)
    np.testing.assert_allclose(z, 2.0 * s[:, None] * expected, atol=1e-4)
    assert s.mean() == pytest.approx(2 / 3, abs=0.01)  # density 2s on (0, 1]
    noisy = SwissRollPrior(noise_std=0.3).sample(20_000, 2, seed=3).numpy()
    clean = SwissRollPrior(noise_std=0.0).sample(20_000, 2, seed=3).numpy()
    assert np.std(noisy - clean) == pytest.approx(0.3, rel=0.03)


@pytest.mark.parametrize(
    "prior", [GaussianMixturePrior(components=3, radius=2.0), SwissRollPrior(turns=2.0)]
)
def test_priors_are_seeded_and_serialise(prior):
    np.testing.assert_array_equal(prior.sample(5, 2, seed=4), prior.sample(5, 2, seed=4))
    assert not np.array_equal(prior.sample(5, 2, seed=4), prior.sample(5, 2, seed=5))
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(prior))
    assert type(restored) is type(prior) and restored.get_config() == prior.get_config()


def test_bad_priors_and_arguments_are_clear_errors():
    with pytest.raises(ValueError, match=r"`latent_dim` must be 2.*latent_dim=3"):
        AAE(latent_dim=3, prior="swiss-roll")
    with pytest.raises(ValueError, match=r"`latent_dim` must be an integer >= 2.*latent_dim=1"):
        AAE(latent_dim=1, prior="gaussian-mixture")
    with pytest.raises(ValueError, match=r"`prior` must be one of .*prior='cauchy'"):
        AAE(prior="cauchy")
    with pytest.raises(ValueError, match=r"`components` must be a positive integer"):
        GaussianMixturePrior(components=0)
    with pytest.raises(ValueError, match=r"`output_activation` must be one of"):
        AAE(output_activation="relu")
    networks = AAE(data_shape=(3,), **TINY).build_networks()
    with pytest.raises(ValueError, match=r"`num_classes` must be None.*num_classes=10"):
        AAEModel(**networks, latent_dim=2, num_classes=10)
    with pytest.raises(ValueError, match=r"encoder output \(2,\), discriminator input"):
        AAEModel(**networks, latent_dim=3)
    other = AAE(data_shape=(4,), **TINY).build_generator()
    with pytest.raises(ValueError, match=r"decoder output \(4,\), encoder input \(3,\)"):
        AAEModel(**{**networks, "generator": other}, latent_dim=2)
    model = AAEModel(**networks, latent_dim=2)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match=r"`ae_optimizer` must be its own optimizer"):
        model.compile("adam", shared, ae_optimizer=shared)


def test_the_architecture_selects_and_stores_the_prior():
    arch = AAE(latent_dim=2, prior=GaussianMixturePrior(components=5))
    assert arch.default_latent_distribution().components == 5
    assert AAE.from_config(arch.get_config()).default_latent_distribution().components == 5
    gan = tiny_model(prior="swiss-roll")
    assert isinstance(gan.latent_distribution, SwissRollPrior)


# ----------------------------------------------------------------------------- the game
def test_the_reconstruction_phase_is_plain_gradient_descent_on_the_reconstruction_error():
    """The decoder changes only in the reconstruction phase: one SGD step on the MSE."""
    model = tiny_model()
    sgd_compile(model)
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    variables = model.encoder.trainable_variables + model.generator.trainable_variables
    with tf.GradientTape() as tape:
        loss = reconstruction_error(x, model.generator(model.encoder(x)))
    gradients = tape.gradient(loss, variables)
    expected = [
        v.numpy() - 0.1 * g.numpy()
        for v, g in zip(model.generator.trainable_variables, gradients[-4:], strict=True)
    ]
    history = model.fit(x, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    assert history["ae_loss"][0] == pytest.approx(float(loss), rel=1e-6)
    for variable, value in zip(model.generator.trainable_variables, expected, strict=True):
        np.testing.assert_allclose(variable.numpy(), value, rtol=1e-5, atol=1e-6)
    assert [int(o.iterations) for o in (model.ae_optimizer, model.d_optimizer)] == [1, 1]
    assert int(model.g_optimizer.iterations) == 1


def test_regularisation_phase_scores_prior_samples_against_codes():
    """Evaluated objectives equal the non-saturating loss on D(prior) and D(Enc(x))."""
    model = tiny_model(prior=GaussianMixturePrior(components=4))
    model.compile("adam", "adam", loss="non-saturating", d_steps=2)
    x = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    model.seed_generator = keras.random.SeedGenerator(11)
    logs = model.evaluate(x, batch_size=6, verbose=0, return_dict=True)
    prior = model.latent_distribution.sample(6, 2, seed=keras.random.SeedGenerator(11)).numpy()
    d_real = model.discriminator(prior).numpy()
    d_fake = model.discriminator(model.encode(x)).numpy()

    def softplus(t):
        return np.log1p(np.exp(t))

    assert logs["d_loss"] == pytest.approx(softplus(-d_real).mean() + softplus(d_fake).mean())
    assert logs["d_real"] == pytest.approx(d_real.mean(), rel=1e-5)
    assert logs["ae_loss"] == pytest.approx(np.mean((model.reconstruct(x) - x) ** 2), rel=1e-5)
    assert sorted(logs) == ["ae_loss", "d_fake", "d_loss", "d_real", "g_loss"]
    updates = model.schedule(np.tile(x, (2, 1)), None)  # d_steps=2: two slices of 6
    assert [(p.name, int(b.shape[0])) for p, b in updates] == [
        ("autoencoder", 12),
        ("discriminator", 6),
        ("discriminator", 6),
        ("generator", 6),
    ]


# ----------------------------------------------------------------------------- one trained model
DIGITS = {"data_shape": (8, 8, 1), "hidden_units": (64,), "discriminator_units": (64,)}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The conformance suite's checks on one model, which the tests below reuse.

    `keras_gans.testing.run_all("aae", ...)` is `check_architecture`, `check_fit` and
    `check_save_load`; they run here one by one (with the same defaults: Adam(1e-3, 0.5),
    the default loss, one epoch each) so that the trained model and its reloaded copy can
    also be checked for exact resumption and trained on (each fresh train step costs a
    graph trace). `check_save_load` saves, reloads with `keras_gans.load_model` and
    trains the reloaded model one more epoch; the original then trains the same epoch.
    """
    x = load_digits()[0][:512]
    arch = AAE(latent_dim=2, prior="gaussian-mixture", **DIGITS)
    model = tiny_model(seed=1, prior="gaussian-mixture", ema_decay=0.9, **DIGITS)
    prior = model.sample_latent(512, seed=7).numpy()
    start = {
        "swd": sliced_wasserstein_distance(model.encode(x), prior),
        "mse": np.mean((model.reconstruct(x) - x) ** 2),
    }
    kgt.check_architecture(arch)
    trained = kgt.check_fit(model, x, batch_size=64)
    loaded = kgt.check_save_load(trained, tmp_path_factory.mktemp("aae"), x, batch_size=64)
    trained.fit(x, batch_size=64, epochs=1, shuffle=False, verbose=0)
    return {"x": x, "prior": prior, "start": start, "trained": trained, "loaded": loaded}


def test_passes_the_conformance_suite(suite):
    assert type(suite["loaded"]) is AAEModel
    assert isinstance(suite["loaded"].latent_distribution, GaussianMixturePrior)
    assert suite["loaded"].ema_generator is not None


def test_save_load_and_resume_exactly(suite):
    """One epoch, save, load, one more == two epochs without saving (every variable,
    the EMA decoder and the three optimizers' slots included)."""
    trained, loaded = suite["trained"], suite["loaded"]
    for a, b in zip(trained.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("ae_optimizer", "d_optimizer", "g_optimizer"):
        old, new = getattr(trained, name).variables, getattr(loaded, name).variables
        assert len(old) == len(new) > 1 and int(old[0].numpy()) == 16
        for a, b in zip(old, new, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")


def test_exports_the_encoder_with_parity(tmp_path):
    pytest.importorskip("tf2onnx")
    model = tiny_model(data_shape=(8, 8, 1))
    result = keras_gans.export.export(model.encoder, tmp_path / "encoder.onnx", format="onnx")
    assert result.verification.passed


# ----------------------------------------------------------------------------- training
def test_training_matches_the_aggregate_code_to_the_prior(suite):
    """On digits, the codes' sliced Wasserstein distance to a ring of 10 Gaussians more
    than halves in 40 epochs (2.4 -> 0.4-0.8 between epochs 32 and 48; the benchmark
    measures it against a plain autoencoder)."""
    model, x, prior = suite["trained"], suite["x"], suite["prior"]
    model.fit(x, batch_size=64, epochs=38, verbose=0)
    after = sliced_wasserstein_distance(model.encode(x), prior)
    assert after < suite["start"]["swd"] / 2, (suite["start"], after)
    assert np.mean((model.reconstruct(x) - x) ** 2) < suite["start"]["mse"] / 2


def test_the_command_line_trains_samples_and_exports_the_decoder(tmp_path):
    pytest.importorskip("tf2onnx")
    run = tmp_path / "run"
    code = keras_gans_cli.main(
        [
            "train", "--arch", "aae", "--data", "digits", "--epochs", "1",
            "--steps-per-epoch", "2", "--batch-size", "32", "--latent-dim", "2",
            "--arch-arg", "hidden_units=(8,)", "--arch-arg", "discriminator_units=(8,)",
            "--arch-arg", "prior='gaussian-mixture'", "--samples", "4", "--no-tensorboard",
            "--verbose", "0", "--run-dir", str(run),
        ]
    )  # fmt: skip
    assert code == 0
    assert keras_gans_cli.main(["sample", str(run), "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 0
    out = tmp_path / "decoder.onnx"
    assert keras_gans_cli.main(["export", str(run), "--format", "onnx", "--out", str(out)]) == 0
    assert out.stat().st_size > 0

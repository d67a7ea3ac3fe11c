"""VAE-GAN (`vae-gan`): its terms, its three players, saving, export and the CLI."""

import keras
import numpy as np
import pytest
from keras_gans_representation.vae_feature_reconstruction import (
    VAEFeatureReconstruction,
    feature_reconstruction_loss,
)
from keras_gans_representation.vae_gan import VAEGAN
from keras_gans_representation.vae_gan_model import VAEGANModel
from keras_gans_representation.vae_kl_divergence import gaussian_kl_divergence

import keras_gans
import keras_gans.testing as kgt
import keras_gans_cli
from keras_gans.datasets import load_digits
from keras_gans.metrics import fid
from keras_gans.models import step

TINY = {"latent_dim": 4, "filters": (4,), "dense_units": 8}


def tiny_model(seed=0, gamma=0.5, **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gans.GANModel.from_architecture(
        "vae-gan", seed=seed, gamma=gamma, **{**TINY, **kwargs}
    )


def digits(n=32):
    return load_digits()[0][:n]


# ----------------------------------------------------------------------------- the maths
def test_kl_divergence_matches_its_closed_form():
    rng = np.random.default_rng(0)
    mean, log_variance = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    variance = np.exp(log_variance)
    # KL(N(m, s^2) || N(0, 1)) = log(1 / s) + (s^2 + m^2) / 2 - 1/2, summed over dimensions.
    expected = np.mean(np.sum(-0.5 * log_variance + (variance + mean**2) / 2 - 0.5, axis=1))
    assert float(gaussian_kl_divergence(mean, log_variance)) == pytest.approx(expected, rel=1e-5)
    assert float(gaussian_kl_divergence(np.zeros((2, 3)), np.zeros((2, 3)))) == 0.0


def test_feature_reconstruction_is_half_the_summed_squared_error_per_example():
    a = np.arange(24, dtype="float32").reshape(2, 2, 3, 2)
    b = a + np.array([1.0, 2.0], "float32")[:, None, None, None]
    # Example 0 differs by 1 in 12 features, example 1 by 2: (12 / 2 + 48 / 2) / 2.
    assert float(feature_reconstruction_loss(a, b)) == pytest.approx(15.0)


# ----------------------------------------------------------------------------- networks
def test_networks_follow_the_papers_layout():
    networks = VAEGAN(image_shape=(16, 16, 3), latent_dim=6, filters=(4, 8, 16)).build_networks()
    assert networks["generator"].output_shape == (None, 16, 16, 3)
    encoder, discriminator = networks["encoder"].output, networks["discriminator"].output
    assert {k: tuple(v.shape) for k, v in encoder.items()} == {
        "mean": (None, 6),
        "log_variance": (None, 6),
    }
    assert {k: tuple(v.shape) for k, v in discriminator.items()} == {
        "score": (None, 1),
        "features": (None, 2, 2, 16),  # the last convolution's output
    }
    convolutions = [
        layer for layer in networks["encoder"].layers if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [(c.filters, c.kernel_size, c.strides) for c in convolutions] == [
        (f, (5, 5), (2, 2)) for f in (4, 8, 16)
    ]


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match=r"divisible by 2 \*\* len\(filters\) = 8.*\(12, 12, 1\)"):
        VAEGAN(image_shape=(12, 12, 1), filters=(4, 8, 16))
    with pytest.raises(ValueError, match=r"`image_shape` must be 3 positive integers"):
        VAEGAN(image_shape=(8, 8))
    with pytest.raises(ValueError, match=r"`gamma` must be a non-negative number.*gamma=-1"):
        VAEGAN(gamma=-1)
    networks = VAEGAN(**TINY).build_networks()
    with pytest.raises(ValueError, match=r"'mean' and 'log_variance'.*latent_dim=5"):
        VAEGANModel(**networks, latent_dim=5)
    with pytest.raises(ValueError, match=r"`num_classes` must be None"):
        VAEGANModel(**networks, latent_dim=4, num_classes=10)
    for prior in ("uniform", keras_gans.latents.UniformLatent()):
        with pytest.raises(ValueError, match=r"`latent_distribution` must be 'normal'.*N\(0, I\)"):
            VAEGANModel(**networks, latent_dim=4, latent_distribution=prior)
    normal = VAEGANModel(
        **networks, latent_dim=4, latent_distribution=keras_gans.latents.NormalLatent()
    )
    assert normal.generate(2).shape == (2, 8, 8, 1)


# ----------------------------------------------------------------------------- the game
def test_each_network_gets_its_own_objective():
    """Encoder: KL + Dis_l, no GAN term; decoder: gamma Dis_l + GAN; D: GAN only."""
    model = tiny_model(gamma=0.5)
    model.compile("adam", "adam")
    discriminator, encoder, generator = model._players
    assert [p.networks for p in model._players] == [
        (model.discriminator,),
        (model.encoder,),
        (model.generator,),
    ]
    names = {p.name: [n for n in model._trackers if n.startswith(p.prefix + "_")] for p in
             model._players}  # fmt: skip
    assert sorted(names["encoder"]) == ["e_term/dis_l", "e_term/kl"]
    assert sorted(names["generator"]) == ["g_loss", "g_term/dis_l"]
    assert sorted(names["discriminator"]) == ["d_fake", "d_loss", "d_real"]
    x = digits(8)
    values = {}
    for player in (encoder, generator):
        # The same noise for both players: x~ is the same, so Dis_l differs only by gamma.
        model.seed_generator = keras.random.SeedGenerator(3)
        for tracker in model.metrics:
            tracker.reset_state()
        step.evaluate(model, player, x)
        values.update({m.name: float(m.result()) for m in model.metrics if m.count > 0})
    assert values["g_term/dis_l"] == pytest.approx(0.5 * values["e_term/dis_l"], rel=1e-5)
    mean, log_variance = model.posterior(x)
    assert values["e_term/kl"] == pytest.approx(float(gaussian_kl_divergence(mean, log_variance)))
    # Dis_l by hand: the discriminator's features of [x~; x] in one batch.
    model.seed_generator = keras.random.SeedGenerator(3)
    ctx = model.contexts(encoder, x, False)[0]
    features = model.discriminator(np.concatenate([ctx.extras["reconstruction"], x]))["features"]
    expected = 0.5 * np.sum((features[8:] - features[:8]) ** 2, axis=(1, 2, 3)).mean()
    assert values["e_term/dis_l"] == pytest.approx(expected, rel=1e-4)


def test_the_discriminator_sees_reconstructions_and_prior_samples_as_fakes():
    model = tiny_model()
    model.compile("adam", "adam", loss="non-saturating", d_steps=2)
    discriminator = model._players[0]
    ctx = model.contexts(discriminator, digits(6), False)[0]
    assert tuple(ctx.real.shape) == (6, 8, 8, 1) and tuple(ctx.fake.shape) == (12, 8, 8, 1)
    np.testing.assert_allclose(ctx.fake[6:], model.generator(ctx.latent), atol=1e-6)
    updates = model.schedule(digits(8), None)  # d_steps=2: two slices of 4, then E and G
    assert [(p.name, int(b.shape[0])) for p, b in updates] == [
        ("discriminator", 4),
        ("discriminator", 4),
        ("encoder", 4),
        ("generator", 4),
    ]
    np.testing.assert_array_equal(updates[2][1], updates[1][1])  # E and G on the last slice


def test_a_replaced_gamma_reaches_the_decoder_only():
    model = tiny_model()
    model.compile("adam", "adam", tricks=[VAEFeatureReconstruction(gamma=0.0)])
    terms = [p for p in model.pieces if isinstance(p, VAEFeatureReconstruction)]
    assert [t.gamma for t in terms] == [0.0]


# ----------------------------------------------------------------------------- one trained model
SMALL = {"latent_dim": 8, "filters": (8,), "dense_units": 32, "gamma": 0.1}


def digits_fid(model, x):
    return fid(x, model.generate(256, seed=0), extractor="digits", verbose=0).value


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The conformance suite's checks on one model, which the tests below reuse.

    `keras_gans.testing.run_all("vae-gan", ...)` is `check_architecture`, `check_fit` and
    `check_save_load`; they run here one by one (with the same defaults: Adam(1e-3, 0.5),
    the default loss, one epoch each) so that the trained model and its reloaded copy can
    also be checked for exact resumption and trained on (each fresh train step costs a
    graph trace). `check_save_load` saves, reloads with `keras_gans.load_model` and
    trains the reloaded model one more epoch; the original then trains the same epoch.
    """
    x = digits(256)
    model = tiny_model(seed=1, **SMALL)
    start = digits_fid(model, x)
    kgt.check_architecture(VAEGAN(**SMALL))
    first = x[:64]  # two steps of 32 per check
    trained = kgt.check_fit(model, first, batch_size=32)
    folder = tmp_path_factory.mktemp("vae_gan")
    loaded = kgt.check_save_load(trained, folder, first, batch_size=32)
    trained.fit(first, batch_size=32, epochs=1, shuffle=False, verbose=0)
    return {"x": x, "start": start, "trained": trained, "loaded": loaded}


def test_passes_the_conformance_suite(suite):
    assert type(suite["loaded"]) is VAEGANModel
    assert [t.gamma for t in suite["loaded"].architecture_tricks[1:]] == [0.1]


def test_save_load_and_resume_exactly(suite):
    """One epoch, save, load, one more == two epochs without saving (every variable,
    batch-norm statistics and the three optimizers' slots included)."""
    trained, loaded = suite["trained"], suite["loaded"]
    x = suite["x"][:8]
    np.testing.assert_array_equal(loaded.encode(x), trained.encode(x))
    for a, b in zip(trained.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("d_optimizer", "e_optimizer", "g_optimizer"):
        old, new = getattr(trained, name).variables, getattr(loaded, name).variables
        assert len(old) == len(new) > 1 and int(old[0].numpy()) == 4
        for a, b in zip(old, new, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")


def test_exports_the_encoders_mean_with_parity(tmp_path):
    pytest.importorskip("tf2onnx")
    model = tiny_model()
    mean = keras.Model(model.encoder.input, model.encoder.output["mean"])
    result = keras_gans.export.export(mean, tmp_path / "encoder.onnx", format="onnx")
    assert result.verification.passed


# ----------------------------------------------------------------------------- training
@pytest.mark.slow  # 4-5 s of training; the benchmark measures the same quantity at length
def test_training_improves_the_samples_fid(suite):
    """FID (digits features) of 256 prior samples falls from ~163 to ~110 in 116 steps of
    32 digits (the benchmark trains the default networks longer, against a plain VAE)."""
    model, x = suite["trained"], suite["x"]
    model.fit(x, batch_size=32, epochs=14, verbose=0)
    after = digits_fid(model, x)
    assert after < 0.8 * suite["start"], (suite["start"], after)


@pytest.mark.slow  # 7 s; slow tier keeps the default under 15 min
def test_the_command_line_trains_samples_and_exports_the_decoder(tmp_path):
    pytest.importorskip("tf2onnx")
    run = tmp_path / "run"
    code = keras_gans_cli.main(
        [
            "train", "--arch", "vae-gan", "--data", "digits", "--epochs", "1",
            "--steps-per-epoch", "2", "--batch-size", "16", "--latent-dim", "4",
            "--arch-arg", "filters=(4,)", "--arch-arg", "dense_units=8",
            "--arch-arg", "gamma=0.1", "--samples", "4", "--no-tensorboard",
            "--verbose", "0", "--run-dir", str(run),
        ]
    )  # fmt: skip
    assert code == 0
    assert keras_gans_cli.main(["sample", str(run), "--out", str(tmp_path / "s.png")]) == 0
    out = tmp_path / "decoder.onnx"
    assert keras_gans_cli.main(["export", str(run), "--format", "onnx", "--out", str(out)]) == 0
    assert out.stat().st_size > 0

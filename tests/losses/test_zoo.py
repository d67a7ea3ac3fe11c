"""Relativistic, energy-based and wrapper losses against hand-computed values."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans import losses
from keras_gans.losses import functions as F
from keras_gans.steps import StepContext
from keras_gans.testing import check_loss, tiny_gan

R = np.array([[1.0], [3.0]], "float32")  # mean 2
G = np.array([[-1.0], [0.0]], "float32")  # mean -0.5


def scores_context(real_output, fake_output, **kwargs):
    """A context whose discriminator outputs are the given scores: the samples are the
    scores and the network is the identity."""
    return StepContext.of(real_output, fake_output, lambda x, training: x, **kwargs)


def softplus(x):
    return np.log1p(np.exp(x))


def test_relativistic_average_losses_match_hand_computation():
    real_rel, fake_rel = R - G.mean(), G - R.mean()  # [[1.5],[3.5]], [[-3],[-2]]
    d = softplus(-real_rel).mean() + softplus(fake_rel).mean()
    g = softplus(-fake_rel).mean() + softplus(real_rel).mean()
    assert float(F.relativistic_average_discriminator_loss(R, G)) == pytest.approx(d, rel=1e-6)
    assert float(F.relativistic_average_generator_loss(G, R)) == pytest.approx(g, rel=1e-6)
    ls_d = ((real_rel - 1) ** 2).mean() + ((fake_rel + 1) ** 2).mean()  # (0.25+6.25)/2+(4+1)/2
    assert float(F.relativistic_average_least_squares_discriminator_loss(R, G)) == pytest.approx(
        5.75
    ) and ls_d == pytest.approx(5.75)
    ls_g = ((fake_rel - 1) ** 2).mean() + ((real_rel + 1) ** 2).mean()
    assert float(F.relativistic_average_least_squares_generator_loss(G, R)) == pytest.approx(ls_g)
    hinge_d = np.maximum(0, 1 - real_rel).mean() + np.maximum(0, 1 + fake_rel).mean()
    assert float(F.relativistic_average_hinge_discriminator_loss(R, G)) == pytest.approx(hinge_d)
    hinge_g = np.maximum(0, 1 - fake_rel).mean() + np.maximum(0, 1 + real_rel).mean()
    assert float(F.relativistic_average_hinge_generator_loss(G, R)) == pytest.approx(hinge_g)


def test_relativistic_generator_objective_reads_the_real_scores():
    loss = losses.RelativisticAverage()
    context = scores_context(R, G, player="generator")
    expected = float(F.relativistic_average_generator_loss(G, R))
    assert float(loss.generator_objective(context)) == pytest.approx(expected)
    assert float(loss.terms(context.player, context)) == pytest.approx(expected)
    with pytest.raises(ValueError, match="real_output"):
        loss.generator_loss(G)


def test_generator_step_runs_the_discriminator_on_real_data_only_for_relativistic_losses():
    def count_calls(loss):
        gan = tiny_gan()
        calls = []
        original = gan.discriminator.call

        def counting(*args, **kwargs):
            calls.append(1)
            return original(*args, **kwargs)

        gan.discriminator.call = counting
        gan.compile("adam", "adam", loss=loss, run_eagerly=True)
        gan.fit(np.zeros((8, 2), "float32"), batch_size=8, epochs=1, verbose=0)
        return len(calls)

    # D step: real + fake; G step: fake (+ real for the relativistic loss).
    assert count_calls("non-saturating") == 3
    assert count_calls("relativistic-average") == 4


def test_ebgan_margin_and_generator_energy():
    # energies E = -score: real 0.5, fakes 0.25 and 3 with margin 2.
    real, fake = np.array([[-0.5]], "float32"), np.array([[-0.25], [-3.0]], "float32")
    expected = 0.5 + (max(0, 2 - 0.25) + max(0, 2 - 3.0)) / 2
    assert float(losses.EBGAN(margin=2.0).discriminator_loss(real, fake)) == pytest.approx(expected)
    assert float(losses.EBGAN().generator_loss(fake)) == pytest.approx((0.25 + 3.0) / 2)


def test_pulling_away_term_is_hand_computed():
    from keras_gans.tricks import pulling_away_term

    s = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], "float32")
    unit = s / np.linalg.norm(s, axis=1, keepdims=True)
    cosine = unit @ unit.T
    expected = (np.sum(cosine**2) - 3) / (3 * 2)  # (0.5 + 0.5 + 0 ) * 2 / 6
    assert float(pulling_away_term(s)) == pytest.approx(expected, rel=1e-5)
    assert expected == pytest.approx(1 / 3)


def test_ebgan_pt_adds_the_pulling_away_term_to_the_generator():
    gan = keras_gans.GANModel.from_architecture(
        "autoencoder", data_shape=(2,), latent_dim=4, hidden_units=(8,), code_dim=3, seed=0
    )
    gan.compile("adam", "adam", loss=losses.EBGAN(margin=1.0, pt_weight=0.1))
    history = gan.fit(np.zeros((32, 2), "float32"), batch_size=16, epochs=1, verbose=0).history
    assert 0.0 <= history["g_term/pulling_away"][-1] <= 0.1


def test_began_k_update_and_convergence_are_hand_computed():
    real, fake = np.array([[-2.0], [-4.0]], "float32"), np.array([[-1.0]], "float32")
    # L(x) = 3, L(G(z)) = 1: k <- 0.2 + 0.01 * (0.5 * 3 - 1) = 0.205; M = 3 + |1.5 - 1|.
    assert float(F.began_k_update(0.2, real, fake, 0.5, 0.01)) == pytest.approx(0.205)
    assert float(F.began_k_update(0.999, real, fake, 0.5, 1.0)) == 1.0  # clipped
    assert float(F.began_convergence(real, fake, 0.5)) == pytest.approx(3.5)
    assert float(F.began_discriminator_loss(real, fake, 0.25)) == pytest.approx(3 - 0.25)


def test_began_updates_k_in_training_logs_it_and_resumes_it_after_loading(tmp_path):
    gan = tiny_gan()
    loss = losses.BEGAN(gamma=0.5, lambda_k=0.1, initial_k=0.3)
    gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0), loss=loss)  # frozen
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    history = gan.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False).history
    assert history["began/k"][-1] == pytest.approx(0.3)  # logged before the update
    # The frozen networks give L(x); d_loss = L(x) - k L(G(z)) gives the fakes' L(G(z)).
    real_loss = float(-gan.discriminator(x).numpy().mean())
    fake_loss = (real_loss - history["d_loss"][-1]) / 0.3
    expected_k = 0.3 + 0.1 * (0.5 * real_loss - fake_loss)
    assert float(loss.k.numpy()) == pytest.approx(expected_k, abs=1e-5)
    assert history["began/convergence"][-1] == pytest.approx(
        real_loss + abs(0.5 * real_loss - fake_loss), abs=1e-5
    )
    gan.save(tmp_path / "began.keras")
    loaded = keras.saving.load_model(tmp_path / "began.keras")
    assert float(loaded.adversarial_loss.k.numpy()) == pytest.approx(expected_k, abs=1e-5)


def test_began_k_update_matches_the_step_it_follows():
    loss = losses.BEGAN(gamma=0.5, lambda_k=0.1, initial_k=0.3)
    gan = tiny_gan()
    gan.compile("adam", "adam", loss=loss)
    context = scores_context(np.array([[-2.0], [-4.0]]), np.array([[-1.0]]))
    assert loss.reports == ("began/k", "began/convergence")
    assert float(loss.terms(context.player, context)) == pytest.approx(3 - 0.3 * 1)
    generator = context.replace(player="generator")
    assert loss.update(generator.player, generator) is None  # k follows D's steps only
    assert float(loss.k.numpy()) == pytest.approx(0.3)
    logs = loss.update(context.player, context)
    assert sorted(logs) == ["began/convergence", "began/k"]
    assert float(logs["began/k"]) == pytest.approx(0.3)  # the k of the step it follows
    assert float(logs["began/convergence"]) == pytest.approx(3 + abs(1.5 - 1.0))
    assert float(loss.k.numpy()) == pytest.approx(0.3 + 0.1 * (1.5 - 1.0))


def test_noisy_labels_swap_real_and_fake_scores_of_flipped_pairs():
    real = np.full((400, 1), 3.0, "float32")
    fake = np.full((400, 1), -3.0, "float32")
    context = scores_context(real, fake, seed_generator=keras.random.SeedGenerator(0))
    clean = float(losses.Hinge().discriminator_loss(real, fake))  # 0: both margins met
    noisy = float(
        losses.NoisyLabels("hinge", flip_probability=0.25).discriminator_objective(context)
    )
    # A flipped pair costs relu(1 + 3) twice: the loss is 8 * (fraction flipped).
    assert clean == 0.0
    assert noisy / 8.0 == pytest.approx(0.25, abs=0.06)


def test_weighted_loss_scales_each_objective():
    loss = losses.WeightedLoss("hinge", discriminator_weight=2.0, generator_weight=0.0)
    context = scores_context(R, G)
    assert float(loss.discriminator_objective(context)) == pytest.approx(
        2 * float(F.hinge_discriminator_loss(R, G))
    )
    assert float(loss.generator_objective(context.replace(player="generator"))) == 0.0


@pytest.mark.parametrize(
    "loss",
    [
        losses.NoisyLabels(losses.NonSaturating(label_smoothing=0.1), flip_probability=0.1),
        losses.WeightedLoss("wgan-gp", generator_weight=0.5),
        losses.EBGAN(margin=2.0, pt_weight=0.1),
        losses.BEGAN(gamma=0.7),
    ],
    ids=repr,
)
def test_configured_zoo_losses_conform(loss):
    check_loss(loss)


def test_new_losses_are_registered():
    names = set(losses.names())
    assert {"ebgan", "began", "relativistic-average"} <= names
    assert isinstance(losses.get("relativistic-average"), losses.RelativisticAverage)


@pytest.mark.parametrize("bad", [{"gamma": 0.0}, {"lambda_k": -1.0}, {"initial_k": 2.0}])
def test_began_rejects_bad_arguments(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        losses.BEGAN(**bad)


def test_noisy_labels_rejects_bad_probability():
    with pytest.raises(ValueError, match="flip_probability"):
        losses.NoisyLabels(flip_probability=0.7)

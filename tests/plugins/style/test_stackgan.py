"""StackGAN: conditioning augmentation's maths, the two stages, the schedule, save/resume."""

import keras
import numpy as np
import pytest
from keras_gans_style.conditioning_augmentation import (
    ConditioningAugmentation,
    kl_divergence,
    reparameterize,
)
from keras_gans_style.conditioning_augmentation_kl import ConditioningAugmentationKL
from keras_gans_style.stackgan import StackGAN, default_stage_one_size

import keras_gans
from keras_gans.steps import StepContext

SMALL = {
    "image_shape": (8, 8, 1),
    "latent_dim": 16,
    "projection_dim": 8,
    "generator_filters": 16,
    "stage_two_filters": 8,
    "discriminator_filters": 4,
}


# ------------------------------------------------------------------ conditioning augmentation
def test_kl_divergence_by_hand():
    # 0.5 * sum(mu^2 + sigma^2 - 1 - log sigma^2): mu = (1, -2), log sigma^2 = (0, log 4).
    mean = np.array([[1.0, -2.0]], "float32")
    log_var = np.array([[0.0, np.log(4.0)]], "float32")
    expected = 0.5 * ((1 + 1 - 1 - 0) + (4 + 4 - 1 - np.log(4.0)))
    np.testing.assert_allclose(kl_divergence(mean, log_var), [expected], rtol=1e-6)
    assert float(kl_divergence(np.zeros((1, 3)), np.zeros((1, 3)))[0]) == 0.0


def test_reparameterised_sample_by_hand():
    c = reparameterize([[1.0, 0.0]], [[np.log(9.0), 0.0]], [[0.5, -1.0]])
    np.testing.assert_allclose(c, [[1.0 + 3.0 * 0.5, -1.0]], rtol=1e-6)


def test_layer_splits_one_dense_into_mean_and_log_variance():
    layer = ConditioningAugmentation(2)
    embedding = np.array([[1.0, 2.0, 3.0]], "float32")
    epsilon = np.array([[0.3, -0.7]], "float32")
    c_hat, mean, log_var = (np.asarray(t) for t in layer([embedding, epsilon]))
    kernel, bias = (np.asarray(w) for w in layer.statistics.weights)
    statistics = embedding @ kernel + bias
    np.testing.assert_allclose(mean, statistics[:, :2], rtol=1e-6)
    np.testing.assert_allclose(log_var, statistics[:, 2:], rtol=1e-6)
    np.testing.assert_allclose(c_hat, mean + np.exp(0.5 * log_var) * epsilon, rtol=1e-5)
    assert ConditioningAugmentation.from_config(layer.get_config()).units == 2
    with pytest.raises(ValueError, match="units"):
        ConditioningAugmentation(0)


def test_kl_piece_is_the_weighted_batch_mean():
    extras = {"ca_mean": [[1.0, 1.0], [0.0, 0.0]], "ca_log_variance": [[0.0, 0.0], [0.0, 0.0]]}
    ctx = StepContext.of([[0.0]], [[0.0]], player="generator", extras=extras)
    piece = ConditioningAugmentationKL(weight=2.0)
    assert float(piece.terms(ctx.player, ctx)) == pytest.approx(2.0 * (1.0 + 0.0) / 2)
    assert piece.metric_names == ("g_term/kl",)
    with pytest.raises(ValueError, match="ca_mean"):
        piece.terms(ctx.player, StepContext.of([[0.0]], [[0.0]], player="generator"))


def test_kl_piece_mean_reduction_divides_by_the_dimensions_as_the_authors_code():
    # KL of N(mu, sigma^2) per dimension: 0.5 * (mu^2 + sigma^2 - 1 - log sigma^2).
    # Example 1: mu = (2, 0), sigma^2 = (1, e) -> 0.5 * (4 + 0) + 0.5 * (e - 1 - 1) = 2.359;
    # example 2: zeros -> 0. Mean over 2 dims and the batch: 2.359 / 2 / 2; times 2.0.
    extras = {
        "ca_mean": [[2.0, 0.0], [0.0, 0.0]],
        "ca_log_variance": [[0.0, 1.0], [0.0, 0.0]],
    }
    ctx = StepContext.of([[0.0]], [[0.0]], player="generator", extras=extras)
    per_example = 2.0 + 0.5 * (np.e - 2.0)
    summed = ConditioningAugmentationKL(weight=1.0, reduction="sum")
    averaged = ConditioningAugmentationKL(weight=2.0, reduction="mean")
    assert float(summed.terms(ctx.player, ctx)) == pytest.approx(per_example / 2, rel=1e-6)
    assert float(averaged.terms(ctx.player, ctx)) == pytest.approx(
        2.0 * per_example / 2 / 2, rel=1e-6
    )
    again = ConditioningAugmentationKL.from_config(averaged.get_config())
    assert (again.weight, again.reduction) == (2.0, "mean")
    # a piece saved before `reduction` existed reads back as the divergence itself
    old = {k: v for k, v in averaged.get_config().items() if k != "reduction"}
    assert ConditioningAugmentationKL.from_config(old).reduction == "sum"
    with pytest.raises(ValueError, match="reduction"):
        ConditioningAugmentationKL(reduction="max")


def test_the_architecture_defaults_to_the_authors_kl_and_passes_it_on():
    arch = StackGAN(image_shape=(16, 16, 1), latent_dim=64, num_classes=10)
    kl = [t for t in arch.default_tricks() if isinstance(t, ConditioningAugmentationKL)][0]
    assert (kl.weight, kl.reduction) == (2.0, "mean")
    literal = StackGAN(
        image_shape=(16, 16, 1), latent_dim=64, num_classes=10, kl_weight=1.0, kl_reduction="sum"
    )
    kl = [t for t in literal.default_tricks() if isinstance(t, ConditioningAugmentationKL)][0]
    assert (kl.weight, kl.reduction) == (1.0, "sum")
    assert StackGAN.from_config(literal.get_config()).kl_reduction == "sum"
    with pytest.raises(ValueError, match="kl_reduction"):
        StackGAN(num_classes=10, kl_reduction="none")


# ------------------------------------------------------------------ the architecture
def test_stage_sizes_and_latent_layout():
    assert [default_stage_one_size(s) for s in (8, 16, 32, 64, 256)] == [4, 8, 8, 16, 64]
    paper = StackGAN()
    assert paper.latent_sizes() == (100, 128, 128) and paper.stage_one_shape() == (64, 64, 3)
    arch = StackGAN(image_shape=(32, 32, 1), latent_dim=64, num_classes=10)
    assert arch.latent_sizes() == (32, 16, 16) and arch.embedding_dim is None
    assert arch.stage_one_shape() == (8, 8, 1)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="image_shape"):
        StackGAN(image_shape=(28, 28, 1))
    with pytest.raises(ValueError, match="embedding_dim"):
        StackGAN(embedding_dim=None)
    with pytest.raises(ValueError, match="latent_dim"):
        StackGAN(latent_dim=8, condition_dim=4)
    with pytest.raises(ValueError, match="stage_one_size"):
        StackGAN(image_shape=(16, 16, 1), stage_one_size=16)
    with pytest.raises(ValueError, match="stage_one_steps"):
        StackGAN(stage_one_steps=-1)
    with pytest.raises(ValueError, match=r"`stage` must be one of .*Received: stage='stage_three'"):
        StackGAN().build_stage_discriminator("stage_three")


@pytest.fixture(scope="module")
def model():
    return keras_gans.GANModel.from_architecture("stackgan", seed=0, embedding_dim=6, **SMALL)


def test_generator_is_stage_two_on_stage_one(model):
    latent = keras.ops.convert_to_tensor(np.random.default_rng(0).normal(size=(3, 16)), "float32")
    condition = keras.ops.convert_to_tensor(np.random.default_rng(1).normal(size=(3, 6)), "float32")
    one = model.stage_network("stage_one_generator")
    two = model.stage_network("stage_two_generator")
    low = one([latent[:, :8], latent[:, 8:12], condition], training=False)[0]
    expected = two([low, latent[:, 12:], condition], training=False)[0]
    got = model.generator([latent, condition], training=False)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert tuple(low.shape) == (3, 4, 4, 1) and tuple(got.shape) == (3, 8, 8, 1)
    # The discriminators: Stage-II on the images, Stage-I on them area-downsampled.
    x = keras.ops.convert_to_tensor(np.random.default_rng(2).uniform(-1, 1, (3, 8, 8, 1)))
    x = keras.ops.cast(x, "float32")
    scores = model.discriminator([x, condition], training=False)
    small = keras.ops.average_pool(x, 2, strides=2)
    stage_one = model.stage_network("stage_one_discriminator")([small, condition], training=False)
    np.testing.assert_allclose(scores["stage_one"], stage_one, atol=1e-5)


def test_stage_one_views_downsample_the_real_images(model):
    model.compile("adam", "adam")
    assert model.stage == 1 and [p.networks[0].name for p in model._players] == [
        "stage_one_discriminator",
        "stage_one_generator",
    ]
    names = sorted(piece.name for piece in model.tricks)
    assert names == ["kl", "matching_aware", "stackgan_schedule"]
    x = keras.ops.cast(np.random.default_rng(2).uniform(-1, 1, (4, 8, 8, 1)), "float32")
    y = keras.ops.cast(np.random.default_rng(3).normal(size=(4, 6)), "float32")
    (view,) = model.contexts(model._players[1], (x, y), training=False)
    np.testing.assert_allclose(view.real, keras.ops.average_pool(x, 2, strides=2), atol=1e-6)
    assert tuple(view.fake.shape) == (4, 4, 4, 1)
    assert tuple(view.extras["ca_mean"].shape) == (4, 4)


# ------------------------------------------------------------------ training (slow)
@pytest.mark.slow
def test_conformance_suite_with_class_ids(tmp_path):
    import keras_gans.testing as kgt

    kinds = kgt.run_all("stackgan", tmp_path=tmp_path, num_classes=10, **SMALL)
    assert kinds == ("architectures",)


def test_pieces_see_the_generator_updates_of_the_whole_run():
    # StepContext.iteration is "generator updates so far" (InstanceNoise anneals on it):
    # in Stage-II, Stage-I's 3 plus Stage-II's own 5, not the discriminator's count.
    gan = keras_gans.GANModel.from_architecture(
        "stackgan", seed=0, num_classes=10, stage_one_steps=3, **SMALL
    )
    gan.compile()
    x, y = keras_gans.datasets.load_digits()
    batch = (keras.ops.convert_to_tensor(x[:4]), keras.ops.convert_to_tensor(y[:4]))
    gan.d_optimizer.iterations.assign(2)
    gan.g_optimizer.iterations.assign(2)
    assert int(gan.contexts(gan._players[0], batch, True)[0].iteration) == 2
    gan.g_optimizer.iterations.assign(3)
    gan.sync_stage()
    gan.stage_two_d_optimizer.iterations.assign(7)
    gan.stage_two_g_optimizer.iterations.assign(5)
    for player in gan._players:
        assert int(gan.contexts(player, batch, True)[0].iteration) == 8


@pytest.mark.slow
def test_stage_switch_and_resume_are_exact(tmp_path):
    """Stage-I for 3 updates, then Stage-II with its own optimizers; resuming at the
    switch (save after 3 updates, load, 5 more) equals 8 updates straight."""
    x, y = keras_gans.datasets.load_digits()
    x, y = x[:64], y[:64]

    def make():
        gan = keras_gans.GANModel.from_architecture(
            "stackgan", seed=3, num_classes=10, ema_decay=0.9, stage_one_steps=3, **SMALL
        )
        gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, 0.5))
        return gan

    keras.utils.set_random_seed(1)
    straight = make()
    history = straight.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    assert history["stage"] == [1.25]  # 3 Stage-I updates, then 1 of Stage-II
    frozen = [np.asarray(w) for w in straight.stage_network("stage_one_generator").weights]
    history = straight.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    assert history["stage"] == [2.0]
    assert int(straight.g_optimizer.iterations) == 3
    assert int(straight.stage_two_g_optimizer.iterations) == 5
    assert straight._players[1].networks == (straight.stage_network("stage_two_generator"),)
    # Stage-I (weights and batch-norm statistics) stayed fixed during Stage-II.
    for a, b in zip(frozen, straight.stage_network("stage_one_generator").weights, strict=True):
        np.testing.assert_array_equal(a, np.asarray(b))

    keras.utils.set_random_seed(1)
    first = make()
    first.fit(x[:48], y[:48], batch_size=16, epochs=1, shuffle=False, verbose=0)
    first.save(tmp_path / "stackgan.keras")
    resumed = keras_gans.load_model(tmp_path / "stackgan.keras")
    assert resumed.stage == 2
    order = np.r_[48:64, 0:64]
    resumed.fit(x[order], y[order], batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(straight.weights, resumed.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    for name in ("stage_two_d_optimizer", "stage_two_g_optimizer", "g_optimizer"):
        for a, b in zip(
            getattr(straight, name).variables, getattr(resumed, name).variables, strict=True
        ):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.slow
def test_stage_one_learns_each_class_mean():
    """Stage-I's per-class mean image approaches the real (downsampled) class means."""
    x, y = keras_gans.datasets.load_digits()
    small = keras.ops.convert_to_numpy(keras.ops.average_pool(x, 2, strides=2))
    real_means = np.stack([small[y == c].mean(0) for c in range(10)])
    keras.utils.set_random_seed(0)
    gan = keras_gans.GANModel.from_architecture(
        "stackgan", seed=0, num_classes=10, stage_one_steps=10_000, **SMALL
    )
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, 0.5))
    labels = np.arange(300) % 10

    def class_mean_error():
        low, _ = gan.stage_images(300, labels, seed=1)
        means = np.stack([low[labels == c].mean(0) for c in range(10)])
        return float(np.mean((means - real_means) ** 2))

    before = class_mean_error()
    gan.fit(x, y, batch_size=64, epochs=3, verbose=0)
    after = class_mean_error()
    assert after < 0.8 * before, (before, after)

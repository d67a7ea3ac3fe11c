"""Each trick changes what it should: pools, averages, unrolling, noise, augmentation."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import tricks
from keras_gans.steps import DiscriminatorInputs, StepContext
from keras_gans.testing import check_trick, tiny_gan


def compiled(trick_list, loss="non-saturating", gan=None, **kwargs):
    gan = gan or tiny_gan()
    gan.compile(
        keras.optimizers.Adam(1e-3),
        keras.optimizers.Adam(1e-3),
        loss=loss,
        tricks=trick_list,
        **kwargs,
    )
    return gan


# ------------------------------------------------------------------ image pool
def test_image_pool_fills_then_returns_past_samples_with_the_stated_probability():
    pool = tricks.ImagePool(size=64, probability=0.5)
    compiled([pool])
    seed = keras.random.SeedGenerator(0)
    first = np.full((64, 2), -1.0, "float32")
    np.testing.assert_array_equal(pool.query(first, seed), first)  # filling: new ones pass
    assert pool.filled == 64
    returned_old = []
    for step in range(20):
        batch = np.full((64, 2), float(step), "float32")
        shown = pool.query(batch, seed).numpy()
        returned_old.append(np.mean(shown[:, 0] != step))
    # Each sample is exchanged for a stored one with probability 0.5 (1,280 draws).
    assert np.mean(returned_old) == pytest.approx(0.5, abs=0.05)
    stored = pool.buffer.numpy()[:64, 0]
    assert set(np.unique(stored)) <= set(range(-1, 20)) and stored.max() >= 17


def test_image_pool_with_probability_zero_passes_everything_through():
    pool = tricks.ImagePool(size=4, probability=0.0)
    compiled([pool])
    seed = keras.random.SeedGenerator(0)
    for step in range(3):
        batch = np.full((4, 2), float(step), "float32")
        np.testing.assert_array_equal(pool.query(batch, seed), batch)


def test_image_pool_swaps_the_fakes_of_discriminator_updates_only():
    pool = tricks.ImagePool(size=4, probability=1.0)
    compiled([pool])
    real = np.zeros((4, 2), "float32")
    seed = keras.random.SeedGenerator(0)

    def network(x, training):
        return x[:, :1]

    def context(value, player):
        fake = np.full((4, 2), value, "float32")
        return StepContext.of(real, fake, network, player=player, seed_generator=seed)

    first = context(1.0, "discriminator")
    filled = pool.transform(first.inputs, first)  # filling: the new fakes pass through
    np.testing.assert_array_equal(filled.fake, first.fake)
    assert pool.filled == 4
    generator = context(2.0, "generator")
    assert pool.transform(generator.inputs, generator) is generator.inputs  # fresh fakes
    np.testing.assert_array_equal(pool.buffer.numpy()[:4], first.fake)  # pool untouched
    second = context(3.0, "discriminator")
    swapped = pool.transform(second.inputs, second)  # full, probability 1: all exchanged
    assert isinstance(swapped, DiscriminatorInputs)
    np.testing.assert_array_equal(swapped.fake, first.fake)
    np.testing.assert_array_equal(swapped.real, real)
    assert swapped.network is network


def test_image_pool_changes_the_discriminators_fakes_in_training():
    pool = tricks.ImagePool(size=8, probability=1.0)
    gan = compiled([pool])
    gan.fit(np.zeros((32, 2), "float32"), batch_size=8, epochs=1, verbose=0)
    assert pool.filled == 8
    assert np.abs(pool.buffer.numpy()[:8]).sum() > 0


def test_image_pool_rejects_conditional_models():
    gan = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,), num_classes=3
    )
    with pytest.raises(ValueError, match="unconditional"):
        compiled([tricks.ImagePool()], gan=gan)


# ------------------------------------------------------------------ historical averaging
def test_historical_averaging_is_zero_at_the_running_mean_and_tracks_it():
    averaging = tricks.HistoricalAveraging(weight=1.0)
    gan = compiled([averaging])
    assert float(averaging.penalty("discriminator")) == 0.0  # starts at the weights
    history = [[w.numpy() for w in gan.discriminator.trainable_weights]]
    for _ in range(3):
        gan.fit(np.ones((8, 2), "float32"), batch_size=8, epochs=1, verbose=0)
        history.append([w.numpy() for w in gan.discriminator.trainable_weights])
    expected = [np.mean([h[i] for h in history], axis=0) for i in range(len(history[0]))]
    for average, value in zip(averaging._averages["discriminator"], expected, strict=True):
        np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-6)
    squared = sum(np.sum((w - m) ** 2) for w, m in zip(history[-1], expected, strict=True))
    assert float(averaging.penalty("discriminator")) == pytest.approx(squared, rel=1e-4)
    for weight, value in zip(gan.discriminator.trainable_weights, expected, strict=True):
        weight.assign(value)  # at the running mean, the penalty vanishes
    assert float(averaging.penalty("discriminator")) == pytest.approx(0.0, abs=1e-10)


def test_historical_averaging_logs_a_term_per_network():
    gan = compiled([tricks.HistoricalAveraging(weight=0.5, networks=["generator"])])
    history = gan.fit(np.ones((16, 2), "float32"), batch_size=8, epochs=1, verbose=0).history
    assert "g_term/historical_averaging" in history
    assert "d_term/historical_averaging" not in history
    assert history["g_term/historical_averaging"][-1] > 0


# ------------------------------------------------------------------ unrolled GAN
@pytest.mark.parametrize("second_order", [True, False])
def test_unrolled_update_leaves_the_discriminators_weights_untouched(second_order):
    gan = tiny_gan()
    gan.compile(
        keras.optimizers.SGD(0.0),  # the discriminator's own update changes nothing
        keras.optimizers.SGD(0.1),
        tricks=[tricks.UnrolledDiscriminator(3, learning_rate=0.5, second_order=second_order)],
    )
    before = [w.numpy() for w in gan.discriminator.weights]
    g_before = [w.numpy() for w in gan.generator.weights]
    gan.fit(np.ones((16, 2), "float32"), batch_size=16, epochs=1, verbose=0)
    for old, new in zip(before, gan.discriminator.weights, strict=True):
        np.testing.assert_array_equal(old, new.numpy())
    assert any(
        not np.allclose(a, b.numpy()) for a, b in zip(g_before, gan.generator.weights, strict=True)
    )


def test_unrolled_transform_swaps_the_network_of_generator_updates_only():
    unrolled = tricks.UnrolledDiscriminator(2, learning_rate=1.0)
    gan = compiled([unrolled])
    discriminator, generator = gan.players()
    x = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    before = [w.numpy() for w in gan.discriminator.weights]
    (d_context,) = gan.contexts(discriminator, (x, None), True)
    assert unrolled.transform(d_context.inputs, d_context) is d_context.inputs
    (g_context,) = gan.contexts(generator, (x, None), True)
    inputs = unrolled.transform(g_context.inputs, g_context)
    assert inputs.network is not g_context.inputs.network
    np.testing.assert_array_equal(inputs.real, g_context.real)
    np.testing.assert_array_equal(inputs.fake, g_context.fake)
    # The generator is scored by the discriminator two steps ahead, not by its weights.
    ahead = g_context.replace(inputs=inputs)
    assert not np.allclose(ahead.fake_output, g_context.fake_output, atol=1e-6)
    for old, new in zip(before, gan.discriminator.weights, strict=True):
        np.testing.assert_array_equal(old, new.numpy())


@pytest.mark.parametrize("noise_first", [True, False])
def test_unrolled_steps_see_the_other_pieces_transforms(monkeypatch, noise_first):
    # The unrolled copy must be trained on what the discriminator is shown: with instance
    # noise, noisy reals against noisy fresh fakes (it saw noisy reals against clean fakes).
    noise = tricks.InstanceNoise(stddev=10.0)
    unrolled = tricks.UnrolledDiscriminator(2, learning_rate=0.1, update_rule="sgd")
    gan = compiled([noise, unrolled] if noise_first else [unrolled, noise])
    loss = gan.adversarial_loss
    objective, seen = loss.discriminator_objective, []

    def spy(ctx):
        seen.append((float(np.std(ctx.real)), float(np.std(ctx.fake))))
        return objective(ctx)

    monkeypatch.setattr(loss, "discriminator_objective", spy)
    _, generator = gan.players()
    x = np.random.default_rng(0).normal(size=(256, 2)).astype("float32") * 0.1
    (context,) = gan.contexts(generator, (x, None), True)
    clean_fake = float(np.std(context.fake))
    assert clean_fake < 2.0
    for piece in gan.pieces:
        context = context.replace(inputs=piece.transform(context.inputs, context))
    assert len(seen) == 2  # one objective per unrolled step
    for real_std, fake_std in seen:
        assert real_std == pytest.approx(10.0, rel=0.15)
        assert fake_std == pytest.approx(10.0, rel=0.15)
    # The pieces' own transforms of the generator's update still apply once.
    assert float(np.std(context.fake)) == pytest.approx(10.0, rel=0.15)


def test_unrolling_changes_the_generators_gradient_and_second_order_matters():
    def generator_step(trick_list):
        gan = tiny_gan(seed=3)
        gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(1.0), tricks=trick_list)
        start = [w.numpy() for w in gan.generator.weights]
        gan.fit(np.full((16, 2), 2.0, "float32"), batch_size=16, epochs=1, verbose=0)
        return np.concatenate(
            [(w.numpy() - s).ravel() for w, s in zip(gan.generator.weights, start, strict=True)]
        )

    plain = generator_step([])
    first = generator_step([tricks.UnrolledDiscriminator(5, 1.0, second_order=False)])
    second = generator_step([tricks.UnrolledDiscriminator(5, 1.0, second_order=True)])
    assert not np.allclose(plain, first, atol=1e-6)
    assert not np.allclose(first, second, atol=1e-6)


# ------------------------------------------------------------------ instance noise
def test_instance_noise_schedule_and_magnitude():
    noise = tricks.InstanceNoise(stddev=0.4, decay_steps=100)
    seed = keras.random.SeedGenerator(0)
    zeros = np.zeros((4000, 2), "float32")
    for step, expected in ((0, 0.4), (25, 0.3), (100, 0.0), (500, 0.0)):
        for player in ("discriminator", "generator"):  # both updates see the noise
            context = StepContext.of(
                zeros, zeros, player=player, iteration=step, seed_generator=seed
            )
            inputs = noise.transform(context.inputs, context)
            real, fake = inputs.real.numpy(), inputs.fake.numpy()
            assert float(np.std(real)) == pytest.approx(expected, abs=0.02)
            assert not np.array_equal(real, fake) or expected == 0.0  # independent noise
            assert inputs.network is context.inputs.network


def test_instance_noise_follows_the_generator_updates_in_training():
    noise = tricks.InstanceNoise(stddev=1.0, decay_steps=2)
    recorded = []

    class Probe(tricks.Trick):
        roles = ("discriminator",)

        def terms(self, player, context):
            recorded.append(float(np.std(context.real.numpy() - context.raw_real.numpy())))
            return None

    gan = compiled([noise, Probe(name="probe")], run_eagerly=True)
    gan.fit(np.zeros((1024, 2), "float32"), batch_size=256, epochs=1, verbose=0)
    assert recorded[0] == pytest.approx(1.0, abs=0.1)
    assert recorded[1] == pytest.approx(0.5, abs=0.06)
    assert recorded[2] == recorded[3] == 0.0


# ------------------------------------------------------------------ DiffAugment
def images(seed=0, n=6):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 8, 8, 3)).astype("float32")


def test_diff_augment_applies_one_transformation_to_real_and_fake_per_call():
    augment = tricks.DiffAugment()
    x = images()
    context = StepContext.of(x, x, seed_generator=keras.random.SeedGenerator(1))
    first = augment.transform(context.inputs, context)
    np.testing.assert_array_equal(first.real, first.fake)  # same parameters for both
    assert not np.allclose(first.real, x)
    second = augment.transform(context.inputs, context)
    assert not np.allclose(first.real, second.real)  # fresh parameters each call
    other = augment.transform(context.inputs.replace(fake=-x), context)
    assert not np.allclose(other.real, other.fake)


def test_diff_augment_primitives_are_exact():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    shifted = tricks.translate(x, [1], [-1]).numpy()[0, :, :, 0]
    expected = np.zeros((4, 4))
    expected[1:, :3] = x[0, :3, 1:, 0]
    np.testing.assert_array_equal(shifted, expected)
    cut = tricks.cutout(np.ones((1, 4, 4, 1), "float32"), [2], [2], 2).numpy()[0, :, :, 0]
    assert cut[1:3, 1:3].sum() == 0 and cut.sum() == 12


def test_diff_augment_is_differentiable():
    x = tf.constant(images())
    with tf.GradientTape() as tape:
        tape.watch(x)
        context = StepContext.of(x, x, seed_generator=keras.random.SeedGenerator(0))
        out = tricks.DiffAugment().transform(context.inputs, context)
        total = tf.reduce_sum(out.fake**2)
    gradient = tape.gradient(total, x)
    assert gradient is not None and np.abs(gradient.numpy()).sum() > 0


def test_diff_augment_trains_an_image_gan_and_rejects_vectors():
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, seed=0
    )
    check_trick(tricks.DiffAugment(policy=["translation", "cutout"]), gan, seed=0)
    with pytest.raises(ValueError, match="height, width, channels"):
        compiled([tricks.DiffAugment()]).fit(
            np.zeros((8, 2), "float32"), batch_size=8, epochs=1, verbose=0
        )


# ------------------------------------------------------------------ feature matching
def test_feature_matching_value_is_hand_computed():
    gan = tiny_gan()
    matching = tricks.FeatureMatching(weight=2.0)
    gan.compile("adam", "adam", tricks=[matching])
    real = np.random.default_rng(0).normal(size=(5, 2)).astype("float32")
    fake = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    kernel, bias = gan.discriminator.layers[0].get_weights()

    def hidden(x):  # Dense(8) then LeakyReLU(0.2): the input of the last layer
        h = x @ kernel + bias
        return np.where(h > 0, h, 0.2 * h)

    expected = 2.0 * np.sum((hidden(real).mean(0) - hidden(fake).mean(0)) ** 2)
    context = StepContext.of(
        real, fake, lambda inputs, training: gan.discriminator(inputs), player="generator"
    )
    assert matching.roles == ("generator",)
    assert float(matching.terms(context.player, context)) == pytest.approx(expected, rel=1e-5)


def test_feature_matching_alone_trains_the_generator():
    gan = tiny_gan()
    gan.compile(
        "adam",
        "adam",
        loss=keras_gans.losses.WeightedLoss("non-saturating", generator_weight=0.0),
        tricks=[tricks.FeatureMatching(layer=gan.discriminator.layers[0].name)],
    )
    before = [w.numpy() for w in gan.generator.weights]
    history = gan.fit(np.ones((16, 2), "float32"), batch_size=8, epochs=1, verbose=0).history
    assert history["g_loss"][-1] == 0.0 and history["g_term/feature_matching"][-1] > 0
    assert any(
        not np.allclose(a, b.numpy()) for a, b in zip(before, gan.generator.weights, strict=True)
    )


def test_feature_matching_needs_a_known_layer():
    with pytest.raises(ValueError, match="layer"):
        compiled([tricks.FeatureMatching(layer="nope")])


# ------------------------------------------------------------------ TTUR, conformance
def test_ttur_gives_the_discriminator_the_faster_learning_rate():
    d_optimizer, g_optimizer = tricks.ttur_optimizers(3e-4, 1e-4)
    assert float(d_optimizer.learning_rate) == pytest.approx(3e-4)
    assert float(g_optimizer.learning_rate) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="g_learning_rate"):
        tricks.ttur_optimizers(g_learning_rate=0)
    # NaN passed the old `value <= 0` check and trained nothing but NaN.
    with pytest.raises(ValueError, match="`d_learning_rate` must be a positive finite number"):
        tricks.ttur_optimizers(d_learning_rate=float("nan"))


@pytest.mark.parametrize(
    "trick",
    [
        tricks.ImagePool(size=8),
        tricks.HistoricalAveraging(weight=0.01),
        # Their behaviour is tested above and their config round trip in test_hooks.py.
        pytest.param(tricks.InstanceNoise(0.1, decay_steps=50), marks=pytest.mark.slow),
        pytest.param(tricks.FeatureMatching(weight=0.5), marks=pytest.mark.slow),
        pytest.param(tricks.UnrolledDiscriminator(steps=2), marks=pytest.mark.slow),
    ],
    ids=lambda t: type(t).__name__,
)
def test_tricks_conform_and_reload(trick, tmp_path):
    check_trick(trick, tmp_path=tmp_path)


def test_bad_trick_arguments_are_rejected():
    with pytest.raises(ValueError, match="size"):
        tricks.ImagePool(size=0)
    with pytest.raises(ValueError, match="probability"):
        tricks.ImagePool(probability=1.5)
    with pytest.raises(ValueError, match="networks"):
        tricks.HistoricalAveraging(networks=["critic"])
    with pytest.raises(ValueError, match="steps"):
        tricks.UnrolledDiscriminator(steps=0)
    with pytest.raises(ValueError, match="decay_steps"):
        tricks.InstanceNoise(decay_steps=-1)
    with pytest.raises(ValueError, match="policy"):
        tricks.DiffAugment(policy=["rotation"])
    with pytest.raises(TypeError, match="tricks"):
        compiled(["noise"])
    with pytest.raises(ValueError, match="unique"):
        compiled([tricks.InstanceNoise(), tricks.InstanceNoise()])

"""ProGAN (`progan`): equalised LR, fade-in, the growth schedule, drift, save/resume, training."""

import json
import math

import keras
import numpy as np
import pytest
from keras_gans_style.drift_penalty import DriftPenalty, drift_penalty_term
from keras_gans_style.equalized_conv2d import EqualizedConv2D
from keras_gans_style.equalized_dense import EqualizedDense
from keras_gans_style.fade_in import FadeIn
from keras_gans_style.growth_schedule import GrowthSchedule
from keras_gans_style.progan import ProGAN
from keras_gans_style.progan_model import ProGANModel, fade_layers

import keras_gans
import keras_gans.testing as kgt
from keras_gans.layers import MinibatchStandardDeviation
from keras_gans.steps import StepContext

TINY = {"latent_dim": 4, "fmap_base": 64, "fmap_max": 4}


def tiny_model(image_shape=(8, 8, 1), seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    arguments = {**TINY, "fade_images": 64, "stable_images": 32, **kwargs}
    return keras_gans.GANModel.from_architecture(
        "progan", image_shape=image_shape, seed=seed, **arguments
    )


def pool(x, factor):
    """Box downscale by `factor`, by hand."""
    n, h, w, c = x.shape
    return x.reshape(n, h // factor, factor, w // factor, factor, c).mean(axis=(2, 4))


def up(x, factor):
    return x.repeat(factor, axis=1).repeat(factor, axis=2)


# ----------------------------------------------------------------------------- layers
def test_every_layer_has_the_equalised_learning_rate():
    """Stored weights are N(0, 1); each layer scales them by gain / sqrt(fan_in)."""
    arch = ProGAN(image_shape=(16, 16, 1), latent_dim=32, fmap_base=256, fmap_max=16)
    networks = arch.build_networks()
    kernels, seen = [], 0
    for network in (networks["generator"], networks["discriminator"]):
        for layer in network.layers:
            if isinstance(layer, EqualizedConv2D):
                fan_in = layer.kernel_size**2 * layer.kernel.shape[2]
            elif isinstance(layer, EqualizedDense):
                fan_in = layer.kernel.shape[0]
            else:
                continue
            rgb = layer.name.startswith("to_rgb") or layer.name == "score"
            gain = 1.0 if rgb else math.sqrt(2.0)
            if layer.name == "dense_4x4" and network is networks["generator"]:
                gain = math.sqrt(2.0) / 4  # the paper's "conv 4x4" on a 1x1 input
            assert layer.scale == pytest.approx(gain / math.sqrt(fan_in)), layer.name
            np.testing.assert_array_equal(np.asarray(layer.bias), 0.0)
            kernels.append(np.asarray(layer.kernel).ravel())
            seen += 1
    # G: dense, conv 4x4, 2 convs x 2 levels, 3 to-RGB; D: 3 from-RGB, 4 convs, conv, 2 dense.
    assert seen == 9 + 10
    weights = np.concatenate(kernels)
    assert weights.size > 10_000
    assert np.mean(weights) == pytest.approx(0.0, abs=0.03)
    assert np.std(weights) == pytest.approx(1.0, abs=0.03)


def test_fade_in_blends_linearly_and_exactly_at_the_ends():
    rng = np.random.default_rng(0)
    old, new = rng.normal(size=(2, 2, 3, 3, 2)).astype("float32")
    layer = FadeIn(level=2)
    for alpha, expected in ((0.0, old), (1.0, new), (0.25, 0.75 * old + 0.25 * new)):
        layer([old, new]) if not layer.built else None
        layer.alpha.assign(alpha)
        out = np.asarray(layer([old, new]))
        if alpha in (0.0, 1.0):
            np.testing.assert_array_equal(out, expected)
        else:
            np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert layer.get_config()["level"] == 2 and not layer.trainable_weights


def test_the_generator_output_is_the_upsampled_old_path_the_new_block_or_their_mix():
    generator = ProGAN(image_shape=(8, 8, 1), **TINY).build_generator()
    parts = keras.Model(
        generator.inputs,
        [generator.get_layer("upsample_rgb_8x8").output, generator.get_layer("to_rgb_8x8").output],
    )
    z = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    old, new = (np.asarray(t) for t in parts(z))
    assert not np.allclose(old, new)
    fade = generator.get_layer("fade_in_8x8")
    for alpha, expected in ((0.0, old), (1.0, new), (0.25, 0.75 * old + 0.25 * new)):
        fade.alpha.assign(alpha)
        np.testing.assert_allclose(np.asarray(generator(z)), expected, rtol=1e-5, atol=1e-6)


def test_the_critic_fades_from_the_pooled_input_to_the_new_block():
    critic = ProGAN(image_shape=(8, 8, 1), **TINY).build_discriminator()
    x = np.random.default_rng(2).uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32")
    coarse = up(pool(x, 2), 2)  # same 4x4 average pool, different 8x8 detail
    fade = critic.get_layer("fade_in_8x8")
    # alpha = 0: only the old from-RGB path of the 2x average-pooled image counts.
    np.testing.assert_allclose(np.asarray(critic(x)), np.asarray(critic(coarse)), rtol=1e-5)
    fade.alpha.assign(1.0)
    assert not np.allclose(np.asarray(critic(x)), np.asarray(critic(coarse)))


def test_minibatch_stddev_of_the_core_is_progans_form_by_hand():
    """Groups of 4 (example i in group i mod (batch / 4), as ProGAN's reshape); the
    population std of each feature over the group, averaged to one appended channel."""
    x = np.zeros((8, 1, 1, 2), "float32")
    x[0::2, 0, 0, 0] = [1.0, 3.0, 5.0, 7.0]  # group 0 (even examples): std sqrt(5)
    x[1::2, 0, 0, 1] = [2.0, 2.0, 2.0, 2.0]  # group 1: no variation
    out = np.asarray(MinibatchStandardDeviation(group_size=4)(x))
    assert out.shape == (8, 1, 1, 3)
    tiny = math.sqrt(1e-8)
    np.testing.assert_allclose(out[0::2, 0, 0, 2], (math.sqrt(5.0) + tiny) / 2, rtol=1e-5)
    np.testing.assert_allclose(out[1::2, 0, 0, 2], tiny, rtol=1e-3)


def test_drift_term_by_hand():
    assert float(drift_penalty_term([[1.0], [-2.0], [3.0]])) == pytest.approx(14 / 3)
    real = np.array([[1.0], [-2.0], [3.0]], "float32")
    ctx = StepContext.of(real, np.zeros((3, 1), "float32"), lambda x, training: 2.0 * x)
    # D(x) = 2x: scores 2, -4, 6 -> 0.001 * (4 + 16 + 36) / 3
    assert float(DriftPenalty()(ctx)) == pytest.approx(0.001 * 56 / 3, rel=1e-6)
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(DriftPenalty(0.01, name="d2"))
    )
    assert (restored.weight, restored.name) == (0.01, "d2")


# ----------------------------------------------------------------------------- schedule
def test_the_schedule_at_hand_computed_image_counts():
    schedule = GrowthSchedule(num_levels=4, fade_images=100, stable_images=200)
    # 4x4 stable [0, 200), 8x8 fades [200, 300), stable [300, 500), 16x16 fades [500, 600)...
    expected = {0: 0, 199: 0, 200: 0, 250: 0.5, 300: 1, 499: 1, 525: 1.25, 575: 1.75, 600: 2,
                850: 2.5, 900: 3, 1_000_000: 3}  # fmt: skip
    for n, level in expected.items():
        assert float(schedule.level(n)) == pytest.approx(level), n
    assert [float(a) for a in schedule.alphas(1.25)] == [1.0, 0.25, 0.0]
    assert schedule.describe(525) == {"level": 1.25, "resolution": 16, "alpha": 0.25}
    assert schedule.describe(499) == {"level": 1.0, "resolution": 8, "alpha": 1.0}
    assert schedule.resolutions == (4, 8, 16, 32) and schedule.growth_images == 900
    abrupt = GrowthSchedule(3, fade_images=0, stable_images=100)
    assert [float(abrupt.level(n)) for n in (99, 100, 250)] == [0.0, 1.0, 2.0]
    no_rest = GrowthSchedule(3, fade_images=100, stable_images=0)
    assert [float(no_rest.level(n)) for n in (50, 150, 400)] == [0.5, 1.5, 2.0]
    restored = keras.saving.deserialize_keras_object(
        json.loads(json.dumps(keras.saving.serialize_keras_object(schedule)))
    )
    assert restored.get_config() == schedule.get_config()


def test_reals_are_downscaled_to_the_stage_and_blended_during_the_fade():
    x = np.random.default_rng(3).normal(size=(2, 16, 16, 1)).astype("float32")
    schedule = GrowthSchedule(num_levels=3)

    def reals(level):
        return np.asarray(schedule.reals(x, schedule.alphas(level)))

    np.testing.assert_allclose(reals(0.0), up(pool(x, 4), 4), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(reals(1.0), up(pool(x, 2), 2), rtol=1e-5, atol=1e-6)
    mix = 0.75 * up(pool(x, 2), 2) + 0.25 * x  # 16x16 fading in with alpha 0.25
    np.testing.assert_allclose(reals(1.25), mix, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(reals(2.0), x)


def test_the_generator_outputs_the_full_size_at_every_stage():
    model = tiny_model(image_shape=(16, 16, 1), ema_decay=0.9, fade_images=100, stable_images=100)
    for images, block in ((0, 4), (99, 4), (200, 2), (350, None), (400, 1)):  # EMA: at 0
        model.set_images_seen(images)
        for network in (model.generator, model.ema_generator)[: 1 if images else 2]:
            out = np.asarray(network(np.ones((2, 4), "float32")))
            assert out.shape == (2, 16, 16, 1)
            if block is not None:  # the current stage, nearest-upsampled to 16x16
                np.testing.assert_array_equal(out, up(out[:, ::block, ::block], block))
        if block is None:  # mid-fade: neither the 8x8 output nor the 16x16 one alone
            assert not np.array_equal(out, up(out[:, ::2, ::2], 2))
    assert model.generate(3, seed=0).shape == (3, 16, 16, 1)


def test_bad_arguments_are_clear_errors():
    for shape in ((12, 12, 1), (4, 4, 1), (8, 16, 1), (8, 8), (8.7, 8.2, 1), ("8", "8", "1")):
        with pytest.raises(ValueError, match=r"`image_shape` must be .*Received: image_shape="):
            ProGAN(image_shape=shape)
    with pytest.raises(ValueError, match="`fade_images` must be a non-negative int"):
        ProGAN(image_shape=(8, 8, 1), fade_images=-1)
    with pytest.raises(ValueError, match="cannot both be 0"):
        GrowthSchedule(2, fade_images=0, stable_images=0)
    with pytest.raises(ValueError, match="`fmap_max` must be a positive int"):
        ProGAN(fmap_max=0)
    networks = ProGAN(image_shape=(8, 8, 1), **TINY).build_networks()
    with pytest.raises(ValueError, match="`num_classes` must be None"):
        ProGANModel(**networks, latent_dim=4, num_classes=10)
    with pytest.raises(ValueError, match=r"num_levels=3, but the model's networks have 2"):
        ProGANModel(**networks, latent_dim=4).compile(tricks=[GrowthSchedule(3)])
    with pytest.raises(ValueError, match="must hold one FadeIn layer per level"):
        ProGANModel(keras.Sequential([keras.Input((4,)), keras.layers.Dense(64)]),
                    networks["discriminator"], 4)  # fmt: skip
    model = ProGANModel(**networks, latent_dim=4)
    with pytest.raises(ValueError, match="`images_seen` must be a non-negative int"):
        model.set_images_seen(-1)


def test_config_and_paper_defaults():
    arch = ProGAN(image_shape=(8, 8, 1))
    config = json.loads(json.dumps(arch.get_config()))
    assert ProGAN.from_config(config).get_config() == arch.get_config()
    assert config["fade_images"] == config["stable_images"] == 3000
    assert ProGAN.default_loss == "wgan-gp"
    assert [type(t).__name__ for t in arch.default_tricks()] == ["DriftPenalty", "GrowthSchedule"]
    assert ProGAN.optimizer_defaults == {"d_lr": 1e-3, "g_lr": 1e-3, "beta1": 0.0, "beta2": 0.99}
    d_optimizer, g_optimizer = arch.default_optimizers()
    for optimizer in (d_optimizer, g_optimizer):
        assert (float(optimizer.learning_rate), optimizer.beta_1, optimizer.beta_2) == (
            pytest.approx(1e-3), 0.0, 0.99)  # fmt: skip


# ----------------------------------------------------------------------------- training
def compile_paper(model):
    d_optimizer, g_optimizer = ProGAN().default_optimizers()
    model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss="wgan-gp")
    return model


@pytest.mark.slow
def test_stage_and_alpha_survive_save_and_resume_exactly_mid_fade(tmp_path):
    """4 steps of 16 (the 4th at 48 images: the 8x8 fade is a quarter done), save, load,
    2 more steps == 6 steps without saving: every variable (images seen, level, fade
    weights in G, D and the EMA generator, both optimizers)."""
    x = np.random.default_rng(0).uniform(-1, 1, size=(64, 8, 8, 1)).astype("float32")
    model = compile_paper(tiny_model(ema_decay=0.9))
    history = model.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert (model.images_seen, model.level, model.resolution, model.alpha) == (64, 0.25, 8, 0.25)
    assert set(history.history) >= {"progan/resolution", "progan/alpha", "d_penalty/drift"}
    # Logged after each step, epoch means: levels 0, 0, 0, 0.25 -> alphas 1, 1, 1, .25
    assert history.history["progan/alpha"][0] == pytest.approx(3.25 / 4)
    path = tmp_path / "progan.keras"
    model.save(path)
    loaded = keras_gans.load_model(path)
    assert type(loaded) is ProGANModel and loaded.growth.get_config() == model.growth.get_config()
    assert loaded.growth.fade_images == 64
    assert (loaded.images_seen, loaded.level, loaded.alpha) == (64, 0.25, 0.25)
    for network in loaded._networks():
        assert [float(f.alpha.numpy()) for f in fade_layers(network)] == [0.25]
    np.testing.assert_array_equal(model.generate(4, seed=3), loaded.generate(4, seed=3))
    for m in (model, loaded):
        m.fit(x[:32], batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert (loaded.images_seen, loaded.level) == (96, 0.75)  # the step at 80 images
    for a, b in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("d_optimizer", "g_optimizer"):
        for a, b in zip(getattr(model, name).variables, getattr(loaded, name).variables,
                        strict=True):  # fmt: skip
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")


@pytest.mark.slow
def test_passes_the_conformance_suite(tmp_path):
    kinds = kgt.run_all("progan", tmp_path=tmp_path, image_shape=(8, 8, 1), **TINY)
    assert kinds == ("architectures",)


@pytest.mark.slow
def test_training_grows_and_moves_samples_towards_the_digits():
    """On the bundled 8x8 digits, 6 epochs of 32 steps of 32 grow 4 -> 8 and cut the sliced
    Wasserstein distance of samples to the digits with the EMA generator (0.79 -> 0.28
    in one run; halving is asserted)."""
    from keras_gans.datasets import load_digits
    from keras_gans.metrics import sliced_wasserstein_distance

    x = load_digits()[0][:1024]
    model = compile_paper(
        tiny_model(
            latent_dim=16,
            fmap_base=128,
            fmap_max=16,
            fade_images=640,
            stable_images=640,
            ema_decay=0.99,
        )  # fmt: skip
    )

    def swd():
        fake = model.generate(512, seed=1).reshape(512, -1)
        return sliced_wasserstein_distance(fake, x[:512].reshape(512, -1), directions=128)

    before = swd()
    history = model.fit(x, batch_size=32, epochs=6, shuffle=False, verbose=0)
    after = swd()
    assert model.resolution == 8 and model.alpha == 1.0
    assert 4.0 < history.history["progan/resolution"][0] < 8.0  # an epoch mean: it grew
    assert after < before / 2, (before, after)

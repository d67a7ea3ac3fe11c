"""pix2pix: the U-Net, the objective's maths, inference mode, training, saving, resuming."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras_gans_image2image.l1_reconstruction import L1Reconstruction, l1_reconstruction_loss
from keras_gans_image2image.pix2pix_model import Pix2PixModel
from keras_gans_image2image.replica_dropout import ReplicaDropout
from keras_gans_image2image.unet import build_unet_generator, unet_levels

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets.translation_tasks import translation_task
from keras_gans.losses import WeightedLoss
from keras_gans.models import step
from tests.distribution import two_cpu_strategy

TINY = {"image_shape": (16, 16, 1), "base_filters": 4, "discriminator_filters": 4, "depth": 2}


def tiny(seed=0, eager=False, loss="non-saturating", learning_rate=2e-4, **kwargs):
    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture("pix2pix", seed=seed, **{**TINY, **kwargs})
    optimizers = [keras.optimizers.Adam(learning_rate, beta_1=0.5) for _ in range(2)]
    # run_eagerly: a step or two costs less than tracing the train step
    model.compile(*optimizers, loss=loss, run_eagerly=eager)
    return model


@pytest.fixture(scope="module")
def edges():
    a, b, _ = translation_task("digits-edges", image_size=16, split="train")
    test_a, test_b, _ = translation_task("digits-edges", image_size=16, split="test")
    return a, b, test_a, test_b


def logged(model, player, a, b):
    for tracker in model.metrics:
        tracker.reset_state()
    step.evaluate(model, player, (a, b))
    return {m.name: float(m.result()) for m in model.metrics}


# ----------------------------------------------------------------------- the maths
def test_l1_term_by_hand():
    assert float(l1_reconstruction_loss([[0.5, -1.0]], [[0.0, 1.0]])) == pytest.approx(1.25)
    ctx = keras_gans.steps.StepContext.of([[1.0, 1.0]], [[0.0, 3.0]], player="generator")
    assert float(L1Reconstruction(weight=10.0).terms(ctx.player, ctx)) == pytest.approx(15.0)


def test_objectives_are_the_papers(edges):
    """D: half the cross-entropy of (a, b) vs (a, G(a)); G: -log D(G(a), a) + 100 L1."""
    model = tiny()
    a, b = tf.constant(edges[0][:8]), tf.constant(edges[1][:8])
    discriminator, generator = model._players
    fake = model.generator(a, training=False)
    real_logits = model.discriminator([b, a], training=False)
    fake_logits = model.discriminator([fake, a], training=False)
    softplus = tf.nn.softplus
    d_loss = 0.5 * float(
        tf.reduce_mean(softplus(-real_logits)) + tf.reduce_mean(softplus(fake_logits))
    )
    assert logged(model, discriminator, a, b)["d_loss"] == pytest.approx(d_loss, rel=1e-5)
    logs = logged(model, generator, a, b)
    assert logs["g_loss"] == pytest.approx(float(tf.reduce_mean(softplus(-fake_logits))), rel=1e-5)
    l1 = 100 * float(np.mean(np.abs(b.numpy() - fake.numpy())))
    assert logs["g_term/l1"] == pytest.approx(l1, rel=1e-5)
    baseline = tiny(loss=WeightedLoss("non-saturating", generator_weight=0.0))
    assert logged(baseline, baseline._players[1], a, b)["g_loss"] == 0.0


# ----------------------------------------------------------------------- networks
def test_unet_depth_skips_and_dropout():
    assert [unet_levels(s, s) for s in (2, 32, 256, 1024)] == [1, 5, 8, 8]
    assert unet_levels(256, 256, depth=3) == 3 and unet_levels(24, 40) == 3
    g = build_unet_generator((32, 32, 2), 3, base_filters=4, max_filters=16)
    assert g.get_layer("encoder_lrelu_4").output.shape == (None, 1, 1, 16)  # 1x1 bottleneck
    assert [layer.name for layer in g.layers if "dropout" in layer.name] == [
        "decoder_dropout_3", "decoder_dropout_2", "decoder_dropout_1"
    ]  # fmt: skip
    assert g.get_layer("skip_0").output.shape == (None, 16, 16, 8)  # decoder + encoder block 0
    assert g.get_layer("encoder_conv_0").use_bias and not g.get_layer("decoder_conv_0").use_bias
    with pytest.raises(ValueError, match="divisible by 2"):
        build_unet_generator((15, 16, 1), 1)
    arch = keras_gans.architectures.get("pix2pix", image_shape=(256, 256, 3))
    patch = arch.build_discriminator().get_layer("patch_gan")
    assert patch.output_shape == (None, 30, 30, 1)  # the 70x70 PatchGAN at 256
    assert arch.build_generator().count_params() > 54e6  # the paper's U-Net (~54.4M)


def test_translation_is_inference_mode_and_dropout_is_the_noise(edges):
    model = tiny()
    a = edges[0][:4]
    first, second = model.translate(a), model.translate(a, batch_size=3)
    np.testing.assert_allclose(first, second, atol=1e-4)  # batch size only
    np.testing.assert_allclose(first, model.generator(a, training=False), atol=1e-4)
    noisy = [model.generator(a, training=True).numpy() for _ in range(2)]  # 1 dropout block
    assert np.abs(noisy[0] - noisy[1]).max() > 1e-3
    translator = model.translator()
    np.testing.assert_allclose(translator(a, training=True), first, atol=1e-4)
    dynamic = model.translator(dynamic_size=True)
    assert dynamic.input_shape == (None, None, None, 1)
    np.testing.assert_allclose(dynamic(a), first, atol=1e-4)
    assert dynamic(np.tile(a, (1, 2, 3, 1))).shape == (4, 32, 48, 1)  # multiples of 2**depth


def test_dropout_masks_differ_between_replicas_and_the_layer_saves(tmp_path):
    """Under a two-replica MirroredStrategy (two logical CPUs, tests/conftest.py) the
    decoder's dropout draws a mask per replica: the same input on both replicas gives two
    different outputs (a mirrored stream gave identical ones). The layer saves and loads."""
    strategy = two_cpu_strategy()
    with strategy.scope():
        model = tiny()
    generator = model.generator

    @tf.function
    def step():
        return strategy.run(lambda: generator(tf.ones((1, 16, 16, 1)), training=True))

    first, second = (t.numpy() for t in strategy.experimental_local_results(step()))
    assert np.abs(first - second).max() > 1e-3
    assert isinstance(generator.get_layer("decoder_dropout_0"), ReplicaDropout)

    layer = ReplicaDropout(0.25, seed=4, name="drop")
    ones = np.ones((4, 64), "float32")
    kept = layer(ones, training=True).numpy()
    assert 0 < np.mean(kept == 0) < 0.5  # about a quarter dropped
    np.testing.assert_allclose(kept[kept != 0], 1 / 0.75, rtol=1e-6)  # the rest rescaled
    np.testing.assert_array_equal(layer(ones), ones)
    with pytest.raises(ValueError, match=r"`rate` must be a number in \[0.0, 1.0\)"):
        ReplicaDropout(1.0)
    model.save(tmp_path / "p2p.keras")
    loaded = keras_gans.load_model(tmp_path / "p2p.keras")
    restored = loaded.generator.get_layer("decoder_dropout_0")
    original = generator.get_layer("decoder_dropout_0")
    assert isinstance(restored, ReplicaDropout) and restored.get_config() == original.get_config()
    np.testing.assert_array_equal(
        restored.seed_generator.state.numpy(), original.seed_generator.state.numpy()
    )
    x = np.ones((2, 16, 16, 1), "float32")
    np.testing.assert_array_equal(loaded.translate(x), model.translate(x))


# ----------------------------------------------------------------------- training
def test_training_beats_the_identity_baseline(edges):
    a, b, test_a, test_b = edges
    model = tiny(learning_rate=2e-3, base_filters=8, discriminator_filters=8, depth=3)
    identity = np.mean(np.abs(test_a - test_b))
    before = np.mean(np.abs(model.translate(test_a) - test_b))
    model.fit(a[:512], b[:512], batch_size=32, epochs=2, verbose=0)
    after = np.mean(np.abs(model.translate(test_a) - test_b))
    assert after < 0.8 * identity and after < 0.65 * before, (identity, before, after)


def test_conformance_checks_that_fit_a_paired_family(edges):
    kgt.check_architecture(keras_gans.architectures.get("pix2pix", **TINY))
    model = kgt.check_fit("pix2pix", edges[0][:32], labels=edges[1][:32], **TINY)
    assert isinstance(model, Pix2PixModel)


# ----------------------------------------------------------------------- saving
def test_save_load_and_resume_are_exact(tmp_path, edges):
    a, b = edges[0][:32], edges[1][:32]

    def fit(model, epochs):
        model.fit(a, b, batch_size=16, epochs=epochs, shuffle=False, verbose=0)

    straight = tiny(seed=3, eager=True)
    fit(straight, 2)
    resumed = tiny(seed=3, eager=True)
    fit(resumed, 1)
    resumed.save(tmp_path / "pix2pix.keras")
    loaded = keras_gans.load_model(tmp_path / "pix2pix.keras")
    assert type(loaded) is Pix2PixModel and loaded.discriminator_loss_weight == 0.5
    assert loaded.architecture_tricks[0].weight == 100.0
    np.testing.assert_array_equal(loaded.translate(a), resumed.translate(a))
    loaded.run_eagerly = True  # as the two it is compared with (not in the compile config)
    fit(loaded, 1)
    for x, y in zip(straight.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=x.path)
    for name in ("d_optimizer", "g_optimizer"):
        pairs = zip(getattr(straight, name).variables, getattr(loaded, name).variables, strict=True)
        for x, y in pairs:
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=name)


def test_fit_takes_the_pair_as_one_tuple_as_cyclegan_does(edges):
    a, b = edges[0][:16], edges[1][:16]
    as_two, as_tuple = tiny(seed=5, eager=True), tiny(seed=5, eager=True)
    as_two.fit(a, b, batch_size=8, epochs=1, shuffle=False, verbose=0)
    as_tuple.fit((a, b), batch_size=8, epochs=1, shuffle=False, verbose=0)
    for x, y in zip(as_two.weights, as_tuple.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=x.path)
    as_tuple.train_on_batch((a[:8], b[:8]))  # the pair as x alone, batch by batch too
    with pytest.raises(ValueError, match=r"must hold the same number of images.*16 and 8"):
        as_tuple.fit((a, b[:8]), batch_size=8, verbose=0)


# ----------------------------------------------------------------------- bad input
def test_bad_input_is_named(edges):
    model = tiny()
    with pytest.raises(ValueError, match=r"`images` must be a batch of domain A images"):
        model.translate(np.zeros((2, 8, 8, 1)))
    with pytest.raises(ValueError, match="`direction` must be one of"):
        model.translate(edges[0][:2], direction="b2a")
    with pytest.raises(ValueError, match="trains on pairs"):
        model.fit(edges[0][:4], batch_size=2)
    with pytest.raises(TypeError, match="translate"):
        model.generate(2)
    with pytest.raises(ValueError, match="`num_classes` must be None"):
        Pix2PixModel(model.generator, model.discriminator, num_classes=3)
    with pytest.raises(ValueError, match=r"`discriminator` must take \[b, a\]"):
        Pix2PixModel(model.generator, model.generator)
    with pytest.raises(ValueError, match="`dropout` must be in"):
        keras_gans.architectures.get("pix2pix", dropout=1.0)
    with pytest.raises(ValueError, match="`image_shape` must be 3 positive integers"):
        keras_gans.architectures.get("pix2pix", image_shape=(16, 16))

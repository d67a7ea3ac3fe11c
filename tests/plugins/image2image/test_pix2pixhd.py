"""pix2pixHD: networks, multi-scale LSGAN + feature matching maths, stages, saving, resuming."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras_gans_image2image.discriminator_feature_matching import (
    discriminator_feature_matching_loss,
)
from keras_gans_image2image.pix2pixhd_model import Pix2PixHDModel
from keras_gans_image2image.pix2pixhd_networks import (
    build_multiscale_discriminator,
    default_global_downsampling,
    default_num_scales,
)
from keras_gans_image2image.reflection_padding import ReflectionPadding2D

import keras_gans
from keras_gans.datasets.translation_tasks import translation_task
from keras_gans.models import step

TINY = {
    "image_shape": (16, 16, 1),
    "base_filters": 2,
    "global_blocks": 1,
    "local_blocks": 1,
    "discriminator_filters": 2,
}


def tiny(seed=0, eager=False, learning_rate=2e-4, stage=None, **kwargs):
    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture("pix2pixhd", seed=seed, **{**TINY, **kwargs})
    optimizers = [keras.optimizers.Adam(learning_rate, beta_1=0.5) for _ in range(2)]
    # run_eagerly: a step or two costs less than tracing the train step
    model.compile(*optimizers, loss="least-squares", run_eagerly=eager)
    if stage is not None:
        model.set_stage(stage)
    return model


@pytest.fixture(scope="module")
def edges():
    a, b, _ = translation_task("digits-edges", image_size=16, split="train")
    test_a, test_b, _ = translation_task("digits-edges", image_size=16, split="test")
    return a, b, test_a, test_b


def logged(model, player, a, b):
    for tracker in model.metrics:
        tracker.reset_state()
    step.evaluate(model, player, (tf.constant(a), tf.constant(b)))
    return {m.name: float(m.result()) for m in model.metrics}


# ----------------------------------------------------------------------- networks
def test_reflection_padding_and_adaptive_sizes():
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    padded = ReflectionPadding2D(1)(x)[0, :, :, 0].numpy()
    np.testing.assert_array_equal(padded[0], [4, 3, 4, 5, 4])  # mirrors row 1, not row 0
    assert ReflectionPadding2D(2).compute_output_shape((None, None, 5, 3)) == (None, None, 9, 3)
    assert default_global_downsampling(1024, 2048) == 4  # the paper's G1 at 1024x512
    assert default_num_scales(2048, 3) == 3 and default_num_scales(16, 1) == 2
    arch = keras_gans.architectures.get("pix2pixhd", image_shape=(256, 256, 3))
    assert (arch.global_levels, arch.layers_per_patch, arch.scales) == (4, 3, 3)
    g = keras_gans.architectures.get("pix2pixhd", image_shape=(64, 32, 1), **{
        k: v for k, v in TINY.items() if k != "image_shape"}).build_generator()  # fmt: skip
    assert g.get_layer("global_features").output.shape == (None, 32, 16, 4)  # 2 x base
    assert g.get_layer("global_res_0_add").output.shape == (None, 8, 4, 16)  # 2 halvings
    assert g.get_layer("local_down_conv").output.shape == (None, 32, 16, 4)


def test_multiscale_discriminator_scales_and_features():
    d = build_multiscale_discriminator(1, 2, num_scales=3, patch_layers=1, base_filters=2)
    outputs = d([tf.zeros((2, 32, 32, 1)), tf.zeros((2, 32, 32, 2))])
    assert [tuple(outputs[f"scale_{k}"]["score"].shape) for k in range(3)] == [
        (2, 14, 14, 1), (2, 6, 6, 1), (2, 2, 2, 1)
    ]  # fmt: skip
    assert sorted(outputs["scale_0"]) == ["feature_0", "feature_1", "score"]
    assert all(
        isinstance(layer, keras.layers.GroupNormalization)
        for layer in d.get_layer("scale_0").layers[-1].layers
        if "norm" in layer.name
    )


# ----------------------------------------------------------------------- the maths
def test_feature_matching_by_hand():
    real = [np.ones((2, 2, 2, 1)), np.full((2, 1, 1, 3), 2.0)]
    fake = [np.zeros((2, 2, 2, 1)), np.zeros((2, 1, 1, 3))]
    assert float(discriminator_feature_matching_loss(real, fake)) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="same layers"):
        discriminator_feature_matching_loss(real, fake[:1])


def test_objectives_sum_the_scales_and_average_feature_matching(edges):
    model = tiny()
    a, b = tf.constant(edges[0][:4]), tf.constant(edges[1][:4])
    fake = model.generator(a, training=False)
    d_loss = g_loss = fm = 0.0
    for k in range(model.num_scales):
        scale = model.discriminator.get_layer(f"scale_{k}")
        real_out, fake_out = scale([b, a]), scale([fake, a])
        d_loss += 0.5 * np.mean((real_out["score"] - 1) ** 2) + 0.5 * np.mean(
            fake_out["score"] ** 2
        )
        g_loss += 0.5 * np.mean((fake_out["score"] - 1) ** 2)
        layers = sorted(key for key in real_out if key != "score")
        fm += sum(np.mean(np.abs(real_out[key] - fake_out[key])) for key in layers)
    discriminator, generator = model._players
    assert model.num_scales == 2
    assert logged(model, discriminator, a, b)["d_loss"] == pytest.approx(d_loss, rel=1e-5)
    logs = logged(model, generator, a, b)
    assert logs["g_loss"] == pytest.approx(g_loss, rel=1e-5)
    # lambda = 10 in the paper's units is 5 against the halved LSGAN term; mean of 2 scales
    assert logs["g_term/feature_matching"] == pytest.approx(5 * fm / 2, rel=1e-5)


# ----------------------------------------------------------------------- stages
def test_each_stage_trains_its_own_part(edges):
    a, b = edges[0][:16], edges[1][:16]
    model = tiny(learning_rate=1e-2, eager=True)

    def snapshot(network):
        return {layer.name: [w.numpy().copy() for w in layer.weights] for layer in network.layers}

    def moved(network, before):
        return {
            layer.name
            for layer in network.layers
            if any(
                not np.array_equal(w, o)
                for w, o in zip(layer.weights, before[layer.name], strict=True)
            )
        }

    def changed(stage):
        model.set_stage(stage)
        generator, head = snapshot(model.generator), snapshot(model.global_head)
        discriminator = snapshot(model.discriminator)
        model.fit(a, b, batch_size=16, epochs=1, verbose=0)
        parts = {name.split("_")[0] for name in moved(model.generator, generator)}
        return (
            parts,
            bool(moved(model.global_head, head)),
            moved(model.discriminator, discriminator),
        )

    both = {"scale_0", "scale_1"}
    assert changed("global") == ({"global"}, True, {"scale_0"})  # at 8x8 one scale fits
    assert changed("local") == ({"local"}, False, both)
    assert changed("joint") == ({"global", "local"}, False, both)
    assert int(model.g_optimizer.iterations) == 3


@pytest.mark.slow  # trains for 14-41 s: the slow tier keeps the default under 15 min
def test_coarse_to_fine_training_beats_the_identity_baseline(edges):
    a, b, test_a, test_b = edges
    model = tiny(learning_rate=2e-3, base_filters=4, discriminator_filters=4)
    identity = np.mean(np.abs(test_a - test_b))
    for stage in ("global", "joint"):
        model.set_stage(stage)
        model.fit(a[:512], b[:512], batch_size=32, epochs=1, verbose=0)
    after = np.mean(np.abs(model.translate(test_a) - test_b))
    assert after < 0.8 * identity, (identity, after)
    dynamic = model.translator(dynamic_size=True)
    np.testing.assert_allclose(dynamic(test_a[:2]), model.translate(test_a[:2]), atol=1e-5)
    assert dynamic(np.tile(test_a[:2], (1, 2, 1, 1))).shape == (2, 32, 16, 1)


# ----------------------------------------------------------------------- saving
@pytest.mark.slow  # 8 s; pix2pix's twin stays in the default tier
def test_save_load_and_resume_are_exact(tmp_path, edges):
    a, b = edges[0][:32], edges[1][:32]

    def fit(model, epochs):
        model.fit(a, b, batch_size=16, epochs=epochs, shuffle=False, verbose=0)

    straight = tiny(seed=2, eager=True, stage="local")
    fit(straight, 2)
    resumed = tiny(seed=2, eager=True, stage="local")
    fit(resumed, 1)
    resumed.save(tmp_path / "hd.keras")
    loaded = keras_gans.load_model(tmp_path / "hd.keras")
    assert type(loaded) is Pix2PixHDModel and loaded.stage == "local"
    assert loaded.architecture_tricks[0].weight == 5.0
    np.testing.assert_array_equal(loaded.translate(a), resumed.translate(a))
    loaded.run_eagerly = True  # as the two it is compared with (not in the compile config)
    fit(loaded, 1)
    for x, y in zip(straight.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=x.path)
    for name in ("d_optimizer", "g_optimizer"):
        pairs = zip(getattr(straight, name).variables, getattr(loaded, name).variables, strict=True)
        for x, y in pairs:
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=name)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="multiples of 2"):
        keras_gans.architectures.get("pix2pixhd", image_shape=(18, 18, 1))
    with pytest.raises(ValueError, match="`stage` must be one of"):
        tiny().set_stage("fine")
    with pytest.raises(ValueError, match="`global_blocks` must be a non-negative integer"):
        keras_gans.architectures.get("pix2pixhd", global_blocks=-1)

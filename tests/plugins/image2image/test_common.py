"""What every translation family shares: refused options, the data they accept."""

import numpy as np
import pytest

import keras_gans
from keras_gans.tricks import ImagePool

TINY = {
    "pix2pix": {"base_filters": 4, "discriminator_filters": 4, "depth": 2},
    "pix2pixhd": {"base_filters": 2, "global_blocks": 1, "local_blocks": 1,
                  "discriminator_filters": 2},
    "cyclegan": {"filters": 4, "discriminator_filters": 4, "num_residual_blocks": 1,
                 "num_downsamplings": 1},
    "cogan": {"latent_dim": 4, "base_filters": 4, "max_filters": 8,
              "discriminator_filters": (4, 4), "discriminator_units": 8},
    "simgan": {"filters": 4, "residual_blocks": 1, "discriminator_filters": (4, 4, 4, 4)},
}  # fmt: skip


def tiny(family, **kwargs):
    model = keras_gans.GANModel.from_architecture(
        family, image_shape=(16, 16, 1), seed=0, **TINY[family], **kwargs
    )
    model.compile("adam", "adam")
    return model


def images(n, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 16, 16, 1)).astype("float32")


@pytest.mark.parametrize("family", ["cyclegan", "cogan", "simgan"])
def test_ema_is_refused_by_enable_ema_and_the_callback_so_saved_configs_load(family):
    """`enable_ema` (which the `EMAGenerator` callback calls with `start=`) raises as the
    constructor does: a model without an EMA generator must not save `ema_decay`."""
    model = tiny(family)
    with pytest.raises(ValueError, match=r"`ema_decay` must be None.*ema_decay=0.9"):
        model.enable_ema(0.9)
    x = images(4)
    callback = keras_gans.callbacks.EMAGenerator(0.9, start=2)
    with pytest.raises(ValueError, match=r"`ema_decay` must be None"):
        model.fit(x, x, batch_size=2, epochs=1, verbose=0, callbacks=[callback])
    assert model.ema_generator is None and model.get_config()["ema_decay"] is None


@pytest.mark.parametrize("family", ["pix2pix", "pix2pixhd"])
def test_paired_translation_runs_the_ema_generator_unless_told_not_to(family):
    model = tiny(family, ema_decay=0.5)
    rng = np.random.default_rng(1)
    for variable in model.generator.trainable_variables:  # the EMA copy keeps the old ones
        variable.assign(variable.numpy() + rng.normal(0, 0.2, variable.shape).astype("float32"))
    x = images(3)
    ema = model.ema_generator(x, training=False).numpy()
    plain = model.generator(x, training=False).numpy()
    assert np.abs(ema - plain).max() > 1e-3
    np.testing.assert_allclose(model.translate(x), ema, atol=1e-6)
    np.testing.assert_allclose(model.translate(x, use_ema=False), plain, atol=1e-6)
    np.testing.assert_allclose(model.translator()(x).numpy(), ema, atol=1e-6)
    np.testing.assert_allclose(model.translator(use_ema=False)(x).numpy(), plain, atol=1e-6)
    dynamic = model.translator(dynamic_size=True)
    np.testing.assert_allclose(dynamic(x).numpy(), ema, atol=1e-6)
    with pytest.raises(TypeError, match=r"`use_ema` must be True or False.*use_ema='yes'"):
        model.translate(x, use_ema="yes")
    without = tiny(family)  # no EMA: use_ema=True falls back to the generator
    np.testing.assert_allclose(
        without.translate(x), without.generator(x, training=False).numpy(), atol=1e-6
    )


def test_export_traces_the_ema_translator_unless_use_ema_is_false(tmp_path):
    """`export(model, use_ema=...)` reaches pix2pix's translator; before, the exporter
    called `translator(direction)`, whose default is the EMA copy, whatever use_ema said."""
    import onnxruntime

    from keras_gans_export import export

    model = tiny("pix2pix", ema_decay=0.5)
    rng = np.random.default_rng(2)
    for variable in model.generator.trainable_variables:
        variable.assign(variable.numpy() + rng.normal(0, 0.2, variable.shape).astype("float32"))
    x = images(2)
    for use_ema, network in ((True, model.ema_generator), (False, model.generator)):
        path = tmp_path / f"ema_{use_ema}.onnx"
        export(model, path, format="onnx", use_ema=use_ema)
        session = onnxruntime.InferenceSession(str(path))
        (served,) = session.run(None, {session.get_inputs()[0].name: x})
        np.testing.assert_allclose(served, network(x, training=False).numpy(), atol=1e-5)


@pytest.mark.parametrize("family", sorted(TINY))
def test_integer_images_are_refused_as_the_core_refuses_integer_real_data(family):
    """uint8 images in [0, 255] were cast to float32 and trained on (and translated)
    silently."""
    model = tiny(family)
    pixels = np.random.default_rng(0).integers(0, 256, (4, 16, 16, 1)).astype("uint8")
    with pytest.raises(TypeError, match=r"must be floating point.*Received: a of dtype uint8"):
        model.fit(pixels, images(4), batch_size=4, epochs=1, verbose=0)
    with pytest.raises(TypeError, match=r"must be floating point.*Received: b of dtype int32"):
        model.fit(images(4), pixels.astype("int32"), batch_size=4, epochs=1, verbose=0)
    quick = {"steps": 1} if family == "cogan" else {}  # CoGAN translates by inversion
    with pytest.raises(TypeError, match=r"must be floating point.*images of dtype uint8"):
        model.translate(pixels, **quick)
    assert model.translate(images(2), **quick).dtype == np.float32


@pytest.mark.parametrize("family", ["pix2pix", "pix2pixhd"])
def test_paired_models_refuse_an_image_pool_of_fakes_without_their_inputs(family):
    model = tiny(family)
    pool = ImagePool(4, probability=1.0)
    with pytest.raises(ValueError, match=r"scores \(image, input\) pairs.*mismatched.*ImagePool"):
        model.compile("adam", "adam", tricks=[pool])
    model.compile("adam", "adam", tricks=[])
    assert not any(isinstance(t, ImagePool) for t in model.tricks)


@pytest.mark.slow  # 9 s for pix2pixHD's traced fit
@pytest.mark.parametrize("family", ["pix2pix", "pix2pixhd"])
def test_paired_models_refuse_a_static_batch_not_divisible_by_d_steps(family):
    """A dataset batch of 3 with `d_steps=2` trained on two slices of 1 and dropped the
    third pair; `GANModel` refuses it at trace time."""
    import tensorflow as tf

    model = tiny(family)
    model.compile("adam", "adam", d_steps=2)
    x = images(6)
    batches = tf.data.Dataset.from_tensor_slices((x, x)).batch(3, drop_remainder=True)
    with pytest.raises(ValueError, match=r"divisible by `d_steps`.*d_steps=2.*batch size 3"):
        model.fit(batches, epochs=1, shuffle=False, verbose=0)
    model.fit(batches.unbatch().batch(2), epochs=1, shuffle=False, verbose=0)

"""SAGAN (`sagan`): the self-attention layer's maths, the networks, saving, resuming, training."""

import json

import keras
import numpy as np
import pytest
from keras_gans_style.sagan import SAGAN
from keras_gans_style.self_attention import SelfAttention

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets import load_digits
from keras_gans.layers import ConditionalBatchNormalization, ProjectionHead

TINY = {"image_shape": (8, 8, 1), "latent_dim": 8, "base_filters": 4}


def _softmax(a):
    e = np.exp(a - a.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# ----------------------------------------------------------------------------- the layer
def test_self_attention_matches_the_papers_equations_by_hand():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 2, 3, 8)).astype("float32")  # N = 6 positions, C = 8
    layer = SelfAttention(key_ratio=4, value_ratio=2)
    layer.build(x.shape)
    assert (layer.key_channels, layer.value_channels) == (2, 4)
    wq, wk = rng.normal(size=(8, 2)), rng.normal(size=(8, 2))
    wv, wo = rng.normal(size=(8, 4)), rng.normal(size=(4, 8))
    for conv, w in ((layer.query, wq), (layer.key, wk), (layer.value, wv), (layer.output_conv, wo)):
        conv.kernel.assign(w[None, None].astype("float32"))
    layer.gamma.assign(0.5)
    flat = x.reshape(2, 6, 8).astype("float64")
    beta = _softmax((flat @ wq) @ (flat @ wk).transpose(0, 2, 1))  # beta[b, j, i]
    expected = flat + 0.5 * ((beta @ (flat @ wv)) @ wo)
    got_beta, _ = layer.attention(x)
    np.testing.assert_allclose(got_beta, beta, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.sum(got_beta, -1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(layer(x), expected.reshape(x.shape), rtol=1e-4, atol=1e-4)


def test_self_attention_starts_as_the_identity_and_learns_its_gate():
    x = np.random.default_rng(1).normal(size=(3, 4, 4, 16)).astype("float32")
    layer = SelfAttention(spectral_normalization=True)
    np.testing.assert_array_equal(layer(x, training=True), x)  # gamma = 0
    assert float(layer.gamma.numpy()) == 0.0 and layer.gamma.trainable
    assert isinstance(layer.query, keras.layers.SpectralNormalization)
    # Keras' spectral norm: one power iteration per training call. Its convergence rate is
    # the ratio of the two largest singular values; 25 calls left up to 0.016 of error over
    # six weight seeds, 60 calls 1.3e-4.
    for _ in range(60):
        layer(x, training=True)
    for conv in (layer.query, layer.key, layer.value, layer.output_conv):
        kernel = conv.layer.kernel.numpy()
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert sigma == pytest.approx(1.0, abs=5e-3), conv.name


def test_self_attention_config_and_bad_input():
    layer = SelfAttention(key_ratio=4, value_ratio=8, spectral_normalization=True, name="att")
    restored = SelfAttention.from_config(json.loads(json.dumps(layer.get_config())))
    assert (restored.key_ratio, restored.value_ratio, restored.spectral_normalization) == (
        4,
        8,
        True,
    )
    with pytest.raises(ValueError, match="`key_ratio` must be a positive integer.*key_ratio=0"):
        SelfAttention(key_ratio=0)
    with pytest.raises(ValueError, match="spectral_normalization='yes'"):
        SelfAttention(spectral_normalization="yes")
    with pytest.raises(ValueError, match=r"channels-last feature maps.*\(None, 16\)"):
        SelfAttention().build((None, 16))


# ----------------------------------------------------------------------------- networks
def _all_layers(model):
    return list(model._flatten_layers(include_self=False, recursive=True))


def _unnormalised(model):
    """The convolutions and dense layers of `model` not wrapped in spectral norm."""
    layers = _all_layers(model)
    wrapped = {
        id(lay.layer) for lay in layers if isinstance(lay, keras.layers.SpectralNormalization)
    }
    weighted = (keras.layers.Conv2D, keras.layers.Dense)
    return [lay.name for lay in layers if isinstance(lay, weighted) and id(lay) not in wrapped]


@pytest.mark.parametrize(("side", "attention"), [(8, 4), (16, 8), (32, 8), (64, 16)])
def test_attention_sits_at_a_quarter_of_the_side_at_least_8_in_both_networks(side, attention):
    arch = SAGAN(image_shape=(side, side, 1), latent_dim=8, base_filters=2)
    assert arch.attention_resolution == attention
    if side > 16:
        return  # building the larger networks adds nothing the smaller ones do not check
    generator, discriminator = arch.build_generator(), arch.build_discriminator()
    assert generator.get_layer("g_attention").output.shape[1:3] == (attention, attention)
    assert discriminator.get_layer("d_attention").output.shape[1:3] == (attention, attention)
    assert generator.output_shape == (None, side, side, 1)
    assert discriminator.output_shape == (None, 1)


def test_spectral_norm_wraps_every_layer_of_both_networks_and_widths_double():
    arch = SAGAN(image_shape=(16, 16, 3), latent_dim=8, num_classes=3, base_filters=2)
    generator, discriminator = arch.build_generator(), arch.build_discriminator()
    assert _unnormalised(generator) == [] and _unnormalised(discriminator) == []
    head = discriminator.get_layer("score")
    assert isinstance(head, ProjectionHead) and head.spectral_normalization
    assert any(isinstance(lay, ConditionalBatchNormalization) for lay in generator.layers)
    assert [t.name for t in generator.inputs] == ["z", "labels"]
    # widths: base_filters * 2**k, k doublings from the image side (16 -> 2, 8 -> 4, 4 -> 8)
    assert generator.get_layer("g_reshape").output.shape[-1] == 8
    assert generator.get_layer("g_block0_add").output.shape[1:] == (8, 8, 4)
    assert generator.get_layer("g_block1_add").output.shape[1:] == (16, 16, 2)
    assert discriminator.get_layer("d_block0_add").output.shape[1:] == (8, 8, 4)


def test_architecture_defaults_config_and_errors():
    arch = SAGAN(**TINY)
    assert SAGAN.default_loss == "hinge" and arch.num_classes is None
    config = json.loads(json.dumps(arch.get_config()))
    assert SAGAN.from_config(config).get_config() == arch.get_config()
    d_optimizer, g_optimizer = arch.default_optimizers()
    assert float(d_optimizer.learning_rate) == pytest.approx(4e-4)
    assert float(g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert (float(d_optimizer.beta_1), float(g_optimizer.beta_2)) == (0.0, 0.9)
    with pytest.raises(ValueError, match=r"`image_shape` must be.*image_shape=\(12, 12, 1\)"):
        SAGAN(image_shape=(12, 12, 1))
    with pytest.raises(ValueError, match=r"`image_shape` must be.*image_shape=\(8.7, 8.2, 1\)"):
        SAGAN(image_shape=(8.7, 8.2, 1))  # refused, not truncated to (8, 8, 1)
    with pytest.raises(ValueError, match=r"`attention_resolution` must be None or one of \[4\]"):
        SAGAN(image_shape=(8, 8, 1), attention_resolution=8)
    with pytest.raises(ValueError, match="`num_classes` must be None.*num_classes=1"):
        SAGAN(num_classes=1)
    with pytest.raises(ValueError, match="`base_filters` must be a positive integer"):
        SAGAN(base_filters=0)


# ----------------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """`keras_gans.testing.run_all`'s checks (`check_architecture`, `check_fit`,
    `check_save_load` with resumed training) one by one on a class-conditional SAGAN with
    an EMA generator and the paper's optimizers, so that the trained model and its
    reloaded copy can be compared (each check costs a train-step trace, the slow part)."""
    x, y = load_digits()
    x, y = x[:64], y[:64]
    keras.utils.set_random_seed(0)
    model = keras_gans.GANModel.from_architecture(
        "sagan", num_classes=10, seed=0, ema_decay=0.9, **TINY
    )
    model.compile(*SAGAN(**TINY).default_optimizers(), loss="hinge")
    kgt.check_architecture(SAGAN(num_classes=10, **TINY))
    trained = kgt.check_fit(model, x, labels=y, batch_size=32)
    loaded = kgt.check_save_load(
        trained, tmp_path_factory.mktemp("sagan"), x, labels=y, batch_size=32
    )
    trained.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    return {"trained": trained, "loaded": loaded}


@pytest.mark.slow
def test_save_load_and_resume_exactly(suite):
    """One epoch, save, load, one more == two epochs without saving (every variable, the
    EMA generator, the spectral norms' vectors and both optimizers' slots)."""
    trained, loaded = suite["trained"], suite["loaded"]
    assert loaded.ema_generator is not None
    for a, b in zip(trained.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("d_optimizer", "g_optimizer"):
        old, new = getattr(trained, name).variables, getattr(loaded, name).variables
        assert len(old) == len(new) > 1 and int(old[0].numpy()) == 4
        for a, b in zip(old, new, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")
    labels = np.arange(6) % 10
    np.testing.assert_array_equal(
        trained.generate(6, labels=labels, seed=3), loaded.generate(6, labels=labels, seed=3)
    )


@pytest.mark.slow
def test_training_on_digits_more_than_halves_the_fid():
    """Unconditional, 8x8 digits, TTUR-style Adam(beta_1=0, beta_2=0.9) at 1e-3 for both
    players (a short test; the paper's 4e-4 / 1e-4 are slower to start): the digits FID
    of 500 samples falls from 103 at initialisation to ~46 in 6 epochs (seed 1)."""
    x, _ = load_digits()
    keras.utils.set_random_seed(1)
    model = keras_gans.GANModel.from_architecture(
        "sagan", image_shape=(8, 8, 1), latent_dim=16, base_filters=8, seed=1
    )
    model.compile(
        keras.optimizers.Adam(1e-3, 0.0, 0.9), keras.optimizers.Adam(1e-3, 0.0, 0.9), loss="hinge"
    )

    def fid():
        fake = model.generate(500, seed=5)
        return keras_gans.metrics.fid(x, fake, extractor="digits", verbose=0).value

    before = fid()
    model.fit(x, batch_size=64, epochs=6, shuffle=True, verbose=0)
    after = fid()
    assert after < 0.6 * before, (before, after)

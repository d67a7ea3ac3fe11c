"""Shared checks of the two style-based families (used by test_stylegan*.py).

`trained_suite(name)` trains one tiny model on digits and runs the conformance suite's
save/load check on it; the family modules assert on what it returns.
"""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.datasets import load_digits
from keras_gans.tricks import DiffAugment

TINY = {"image_shape": (8, 8, 1), "latent_dim": 8, "filters": 8, "mapping_layers": 2}


def adam():
    """The papers' Adam (beta_1 0, beta_2 0.99), at the StyleGAN2 learning rate."""
    return keras.optimizers.Adam(2e-3, beta_1=0.0, beta_2=0.99)


def tiny_model(name, seed=0, **overrides):
    keras.utils.set_random_seed(seed)
    return keras_gans.GANModel.from_architecture(name, seed=seed, **{**TINY, **overrides})


def measure(model, x, seed=0):
    """FID (digits features, 500 samples) and the mean absolute gap between the mean
    generated and the mean real digit."""
    fake = model.generate(500, seed=seed)
    fid = keras_gans.metrics.fid(x, fake, extractor="digits", verbose=0).value
    return {"fid": fid, "mean_gap": float(np.abs(fake.mean(0) - x.mean(0)).mean())}


def trained_suite(name, tmp_path, epochs):
    """Trains `epochs` epochs on 512 digits (batch 32), saves, reloads with
    `keras_gans.load_model`, then trains both the original and the reload one more epoch
    on 64 digits (eagerly: a second graph trace of the train step would cost more than
    the whole training); returns what the tests read.

    This is `keras_gans.testing.check_save_load` without its graph-mode resumed `fit`.
    """
    x = load_digits()[0][:512]
    # Mixing on (the default from 64x64 up), so the resume check covers its crossovers.
    model = tiny_model(name, ema_decay=0.9, style_mixing=0.9)
    model.compile(adam(), adam())
    before = measure(model, x)
    model.fit(x, batch_size=32, epochs=epochs, shuffle=False, verbose=0)
    after = measure(model, x)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras_gans.load_model(path)
    np.testing.assert_array_equal(model.generate(4, seed=0), loaded.generate(4, seed=0))
    for network in (model, loaded):
        network.run_eagerly = True
        network.make_train_function(force=True)
        network.fit(x[:64], batch_size=32, epochs=1, shuffle=False, verbose=0)
    return {"x": x, "model": model, "loaded": loaded, "before": before, "after": after}


def check_resumed_exactly(model, loaded):
    """Every weight (noise constants, w_avg, EMA copy, path-length mean) and every
    optimizer variable agree between the resumed and the uninterrupted run."""
    assert len(model.weights) == len(loaded.weights)
    for a, b in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for which in ("d_optimizer", "g_optimizer"):
        old, new = getattr(model, which).variables, getattr(loaded, which).variables
        assert len(old) == len(new) > 1
        for a, b in zip(old, new, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{which} {a.path}")


def check_same_samples(model, loaded):
    """`generate` (also truncated), the const-noise sampler and explicit noise agree."""
    for psi in (1.0, 0.5):
        np.testing.assert_array_equal(
            model.generate(4, seed=3, truncation_psi=psi),
            loaded.generate(4, seed=3, truncation_psi=psi),
        )
    w_avg = model.part("truncation").w_avg.numpy()
    assert np.any(w_avg != 0)  # tracked during training
    np.testing.assert_array_equal(w_avg, loaded.part("truncation").w_avg.numpy())
    z = np.random.default_rng(0).normal(size=(2, model.latent_dim)).astype("float32")
    noise = [np.ones((2, *s), "float32") for s in model.part("synthesis").noise_shapes]
    a = model.sampler(noise="inputs")([z, *noise])
    b = loaded.sampler(noise="inputs")([z, *noise])
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def check_truncation_and_noise(model):
    """psi=0 gives one image (w_avg's); const noise is deterministic and equals explicit
    inputs holding the stored maps; random noise varies."""
    flat = model.generate(4, seed=1, truncation_psi=0.0)
    np.testing.assert_allclose(flat, np.broadcast_to(flat[:1], flat.shape), atol=1e-6)
    z = model.sample_latent(3, seed=2).numpy()
    synthesis = model.part("synthesis", use_ema=True)
    consts = [np.repeat(layer.noise_const.numpy(), 3, axis=0) for layer in synthesis.noises]
    explicit = model.sampler(noise="inputs")([z, *consts]).numpy()
    np.testing.assert_allclose(model.sampler()(z).numpy(), explicit, atol=1e-6)
    np.testing.assert_allclose(model.generate(3, latents=z), explicit, atol=1e-6)
    random = model.sampler(noise="random")
    assert not np.allclose(random(z).numpy(), random(z).numpy())


def check_augmentation_reaches_both_inputs(name):
    """With `augment=...` (or compile(tricks=[DiffAugment(...)])) the discriminator sees
    augmented real AND fake images in both players' updates."""
    model = tiny_model(name, augment="translation")
    model.compile(adam(), adam())
    assert any(isinstance(p, DiffAugment) for p in model.pieces)
    x = load_digits()[0][:16]
    from keras_gans.models.step import _transformed

    for player in model._players:
        (ctx,) = model.contexts(player, (x, None), True)
        shown = _transformed(model.pieces, ctx)
        assert not np.allclose(shown.real.numpy(), ctx.real.numpy())
        assert not np.allclose(shown.fake.numpy(), ctx.fake.numpy())


def check_bad_input(arch_class):
    for shape in ((12, 12, 1), (8.7, 8.2, 1), ("8", "8", "1")):
        with pytest.raises(ValueError, match="`image_shape` must be"):
            arch_class(image_shape=shape)
    assert arch_class(image_shape=np.array([8, 8, 1])).image_shape == (8, 8, 1)
    with pytest.raises(ValueError, match="`filters` must be"):
        arch_class(filters=0)
    with pytest.raises(ValueError, match="`probability` must be"):
        arch_class(style_mixing=2.0)
    with pytest.raises(ValueError, match="`policy` must be"):
        arch_class(augment="zoom")

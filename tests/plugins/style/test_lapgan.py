"""LAPGAN: the Laplacian pyramid's maths, the pyramid networks, the game, save/resume."""

import keras
import numpy as np
import pytest
from keras_gans_style.lapgan import LAPGAN, default_num_levels
from keras_gans_style.laplacian_pyramid import (
    build_laplacian_pyramid,
    collapse_laplacian_pyramid,
    downsample,
    gaussian_pyramid,
    upsample,
)

import keras_gans

SMALL = {
    "image_shape": (8, 8, 1),
    "latent_dim": 16,
    "coarse_units": (32,),
    "coarse_discriminator_units": (32,),
    "filters": 8,
    "discriminator_filters": 8,
}


def images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


# ------------------------------------------------------------------ the pyramid's maths
def test_pyramid_reconstruction_is_exact():
    x = images((4, 32, 32, 3))
    pyramid = build_laplacian_pyramid(x, 4)
    assert [tuple(p.shape[1:]) for p in pyramid] == [(4, 4, 3), (8, 8, 3), (16, 16, 3), (32, 32, 3)]
    assert float(np.abs(collapse_laplacian_pyramid(pyramid) - x).max()) < 1e-6


def test_downsample_is_2x2_average_pooling():
    x = np.array([[1.0, 3.0, 0.0, 2.0], [5.0, 7.0, 4.0, 6.0]], "float32").reshape(1, 2, 4, 1)
    assert downsample(x).numpy().reshape(-1).tolist() == [4.0, 3.0]
    y = images((2, 8, 8, 3))
    layer = keras.layers.AveragePooling2D(2)(y)
    np.testing.assert_array_equal(downsample(y), layer)


def test_upsample_is_bilinear_with_half_pixel_centres():
    # [[0, 4], [8, 12]]: along each axis [a, b] -> [a, 3a/4 + b/4, a/4 + 3b/4, b].
    x = np.array([[0.0, 4.0], [8.0, 12.0]], "float32").reshape(1, 2, 2, 1)
    row = lambda a, b: [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b]  # noqa: E731
    top, bottom = row(0.0, 4.0), row(8.0, 12.0)
    expected = np.array([row(t, b) for t, b in zip(top, bottom, strict=True)]).T
    np.testing.assert_allclose(upsample(x)[0, :, :, 0], expected, atol=1e-6)
    y = images((2, 4, 4, 3))
    layer = keras.layers.UpSampling2D(2, interpolation="bilinear")(y)
    np.testing.assert_array_equal(upsample(y), layer)


def test_bands_are_the_residuals_of_the_gaussian_pyramid():
    x = images((2, 16, 16, 1))
    gaussians = gaussian_pyramid(x, 3)
    bands = build_laplacian_pyramid(x, 3)
    np.testing.assert_array_equal(bands[0], gaussians[0])
    np.testing.assert_allclose(bands[2], x - upsample(downsample(x)), atol=1e-6)
    # A constant image has no band-pass content.
    flat = build_laplacian_pyramid(np.full((1, 8, 8, 1), 0.3, "float32"), 2)
    assert float(np.abs(flat[1]).max()) < 1e-6


def test_pyramid_bad_input():
    with pytest.raises(ValueError, match="divisible by 4"):
        build_laplacian_pyramid(np.zeros((1, 6, 6, 1)), 3)
    with pytest.raises(ValueError, match="num_levels"):
        build_laplacian_pyramid(np.zeros((1, 8, 8, 1)), 0)
    with pytest.raises(ValueError, match="twice the side"):
        collapse_laplacian_pyramid([np.zeros((1, 2, 2, 1)), np.zeros((1, 8, 8, 1))])


# ------------------------------------------------------------------ the architecture
def test_levels_follow_the_image_size():
    assert [default_num_levels(s) for s in (8, 16, 32, 64)] == [2, 2, 3, 4]
    arch = LAPGAN(image_shape=(32, 32, 3), latent_dim=64)
    assert arch.levels == 3
    assert [arch.level_shape(k) for k in range(3)] == [(8, 8, 3), (16, 16, 3), (32, 32, 3)]
    assert arch.latent_sizes() == [32, 16, 16]
    assert arch.default_latent_distribution() == "uniform"
    d_optimizer, g_optimizer = arch.default_optimizers()  # Adam 1e-3, beta_1 0.5 (docstring)
    for optimizer in (d_optimizer, g_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(1e-3)
        assert optimizer.beta_1 == pytest.approx(0.5)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="num_levels"):
        LAPGAN(image_shape=(8, 8, 1), num_levels=1)
    with pytest.raises(ValueError, match="image_shape"):
        LAPGAN(image_shape=(10, 10, 1), num_levels=3)
    with pytest.raises(ValueError, match="latent_dim"):
        LAPGAN(image_shape=(32, 32, 1), latent_dim=4, level_latent_dim=2)
    with pytest.raises(ValueError, match="coarse_units"):
        LAPGAN(coarse_units=(0,))
    with pytest.raises(ValueError, match="coarse_dropout"):
        LAPGAN(coarse_dropout=1.0)


@pytest.fixture(scope="module")
def conditional_model():
    return keras_gans.GANModel.from_architecture("lapgan", seed=0, num_classes=3, **SMALL)


def test_generator_samples_the_pyramid_coarse_to_fine(conditional_model):
    """The exported generator is the whole pyramid: G_0, then u(image) + G_1(z_1, u(image))."""
    model = conditional_model
    z = keras.ops.convert_to_tensor(images((5, 16), seed=1))
    labels = keras.ops.convert_to_tensor(np.array([[0], [1], [2], [0], [1]], "int32"))
    coarse = model.level_generator(0)([z[:, :8], labels], training=False)
    low = upsample(coarse)
    band = model.level_generator(1)([z[:, 8:], low, labels], training=False)
    expected = np.clip(low + band, -1.0, 1.0)
    got = model.generator([z, labels], training=False)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert got.shape == (5, 8, 8, 1) and float(np.abs(got).max()) <= 1.0


def test_discriminator_scores_each_level_of_the_image_pyramid(conditional_model):
    model = conditional_model
    x = keras.ops.convert_to_tensor(images((4, 8, 8, 1)))
    labels = keras.ops.convert_to_tensor(np.array([[0], [1], [2], [1]], "int32"))
    coarse, band = build_laplacian_pyramid(x, 2)
    out = model.discriminator([x, labels], training=False)
    level_0 = model.level_discriminator(0)([coarse, labels], training=False)
    level_1 = model.level_discriminator(1)([band, upsample(coarse), labels], training=False)
    np.testing.assert_allclose(out["level_0"], level_0, atol=1e-5)
    np.testing.assert_allclose(out["level_1"], level_1, atol=1e-5)
    np.testing.assert_allclose(out["score"], (level_0 + level_1) / 2, atol=1e-5)


def test_each_level_discriminator_sees_real_pairs_from_the_real_pyramid(conditional_model):
    model = conditional_model
    model.compile("adam", "adam")
    x = keras.ops.convert_to_tensor(images((4, 8, 8, 1)))
    labels = keras.ops.convert_to_tensor(np.array([[0], [1], [2], [1]], "int32"))
    views = model.contexts(model._players[0], (x, labels), training=False)
    coarse, band = build_laplacian_pyramid(x, 2)
    assert [v.extras["level"] for v in views] == [0, 1]
    np.testing.assert_array_equal(views[0].real, coarse)
    np.testing.assert_allclose(views[1].real[..., :1], band, atol=1e-6)
    np.testing.assert_allclose(views[1].real[..., 1:], upsample(coarse), atol=1e-6)
    # Fake pairs carry the same (real) low-pass image: G_1 is conditioned on it.
    np.testing.assert_allclose(views[1].fake[..., 1:], upsample(coarse), atol=1e-6)
    players = {p.name: [n.name for n in p.networks] for p in model._players}
    assert players == {
        "discriminator": ["level_0_discriminator", "level_1_discriminator"],
        "generator": ["level_0_generator", "level_1_generator"],
    }


# ------------------------------------------------------------------ training (slow)
@pytest.mark.slow
def test_conformance_suite(tmp_path):
    import keras_gans.testing as kgt

    assert kgt.run_all("lapgan", tmp_path=tmp_path, **SMALL) == ("architectures",)


@pytest.mark.slow
def test_resume_is_exact_with_ema_and_labels(tmp_path):
    x, y = keras_gans.datasets.load_digits()
    x, y = x[:64], y[:64]

    def make():
        gan = keras_gans.GANModel.from_architecture(
            "lapgan", seed=3, num_classes=10, ema_decay=0.9, **SMALL
        )
        gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, 0.5))
        return gan

    keras.utils.set_random_seed(1)
    straight = make()
    straight.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    keras.utils.set_random_seed(1)
    first = make()
    first.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    first.save(tmp_path / "lapgan.keras")
    resumed = keras_gans.load_model(tmp_path / "lapgan.keras")
    np.testing.assert_array_equal(
        resumed.generate(6, seed=0, labels=np.arange(6)),
        first.generate(6, seed=0, labels=np.arange(6)),
    )
    resumed.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    assert len(straight.weights) == len(resumed.weights)
    for a, b in zip(straight.weights, resumed.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.slow
def test_training_lowers_the_fid_of_digits():
    from keras_gans import metrics

    x, _ = keras_gans.datasets.load_digits()
    keras.utils.set_random_seed(0)
    arch = {**SMALL, "coarse_units": (64,), "coarse_discriminator_units": (64,), "filters": 16}
    gan = keras_gans.GANModel.from_architecture("lapgan", seed=0, **arch)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, 0.5))

    def fid():
        return metrics.fid(x[:500], gan.generate(500, seed=1), extractor="digits", verbose=0).value

    before = fid()
    gan.fit(x, batch_size=64, epochs=8, verbose=0)
    after = fid()
    assert after < 0.6 * before, (before, after)

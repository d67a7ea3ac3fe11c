"""mixed_bfloat16: float32 variables, bfloat16 compute, finite training, no loss scaling."""

import keras
import numpy as np

import keras_gans


def make_digits_gan():
    """The CLI's default digits model, small: a label-conditioned DCGAN on 8x8x1 images."""
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=16, num_classes=10, base_filters=16, seed=0
    )
    gan.compile(keras.optimizers.Adam(2e-4, 0.5), keras.optimizers.Adam(2e-4, 0.5))
    return gan


def digits(n=64):
    x, y = keras_gans.datasets.load_digits()
    return x[:n], y[:n]


def test_bfloat16_trains_float32_variables_without_loss_scaling(bfloat16_policy):
    gan = make_digits_gan()
    # bfloat16 has float32's exponent range: gradients do not underflow, so no loss scale.
    assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert not isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    conv = next(layer for layer in gan.generator.layers if layer.weights)
    assert conv.compute_dtype == "bfloat16" and conv.variable_dtype == "float32"
    before = gan.generator.get_weights()
    x, y = digits()
    history = gan.fit(x, y, batch_size=32, epochs=2, verbose=0).history
    assert all(np.isfinite(values).all() for values in history.values())
    assert int(gan.d_optimizer.iterations) == 4 and int(gan.g_optimizer.iterations) == 4
    for network in (gan.generator, gan.discriminator):
        assert {w.dtype for w in network.weights} == {"float32"}
    changed = [
        not np.array_equal(a, b) for a, b in zip(gan.generator.get_weights(), before, strict=True)
    ]
    assert any(changed)
    samples = gan.generate(8, seed=1, labels=np.arange(8))
    assert samples.dtype == np.float32 and np.isfinite(samples).all()


def test_bfloat16_model_round_trips_and_keeps_training(bfloat16_policy, tmp_path):
    gan = make_digits_gan()
    x, y = digits()
    gan.fit(x, y, batch_size=32, epochs=1, verbose=0)
    gan.save(tmp_path / "bfloat16.keras")
    loaded = keras_gans.load_model(tmp_path / "bfloat16.keras")
    assert loaded.generator.dtype_policy.name == "mixed_bfloat16"
    assert not isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    labels = np.arange(6) % 10
    np.testing.assert_array_equal(
        loaded.generate(6, seed=2, labels=labels), gan.generate(6, seed=2, labels=labels)
    )
    history = loaded.fit(x, y, batch_size=32, epochs=1, verbose=0).history
    assert all(np.isfinite(values).all() for values in history.values())
    assert int(loaded.g_optimizer.iterations) == 4  # resumed from the saved 2 updates

"""mixed_float16: both optimizers loss-scaled, float32 penalties, non-finite steps skipped."""

import keras
import numpy as np

import keras_gans
from tests.dtype_policy import global_policy


def make_gan(loss="wgan-gp"):
    gan = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=8, hidden_units=(16,), seed=0
    )
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), loss=loss)
    return gan


def test_both_optimizers_are_loss_scaled_and_training_is_finite(mixed_policy):
    gan = make_gan()
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert gan.generator.layers[1].compute_dtype == "float16"
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    history = gan.fit(x, batch_size=32, epochs=2, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    # Every step either applied an update or was skipped with the loss scale halved.
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        halvings = np.log2(optimizer.initial_scale / float(optimizer.dynamic_scale))
        assert int(optimizer.iterations) >= 1
        assert int(optimizer.iterations) + halvings == 4
    assert all(w.dtype == "float32" for w in gan.discriminator.trainable_weights)


def test_a_non_finite_step_is_skipped_for_both_networks(mixed_policy):
    def run(x):
        gan = keras_gans.GANModel.from_architecture(
            "mlp", data_shape=(2,), latent_dim=8, hidden_units=(16,), seed=0
        )
        # A small initial scale: the generator's own gradients never overflow here.
        scaled = [
            keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(1e-3), initial_scale=2.0)
            for _ in range(2)
        ]
        gan.compile(*scaled, loss="non-saturating")
        before = gan.discriminator.get_weights(), gan.generator.get_weights()
        gan.fit(x, batch_size=32, epochs=1, verbose=0)
        after = gan.discriminator.get_weights(), gan.generator.get_weights()
        changed = [
            any(not np.array_equal(a, b) for a, b in zip(new, old, strict=True))
            for new, old in zip(after, before, strict=True)
        ]
        return changed, gan

    (d_changed, g_changed), gan = run(np.ones((32, 2), "float32"))
    assert d_changed and g_changed  # control: a finite step updates both
    (d_changed, g_changed), gan = run(np.full((32, 2), np.inf, "float32"))
    assert not d_changed and not g_changed
    assert float(gan.d_optimizer.dynamic_scale) == 1.0  # halved by the overflow
    assert float(gan.g_optimizer.dynamic_scale) == 1.0  # the generator skipped and halved too


def test_mixed_precision_model_round_trips_with_its_loss_scale(mixed_policy, tmp_path):
    gan = make_gan()
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    gan.fit(x, batch_size=32, epochs=1, verbose=0)
    gan.save(tmp_path / "mixed.keras")
    loaded = keras.saving.load_model(tmp_path / "mixed.keras")
    assert isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert float(loaded.d_optimizer.dynamic_scale) == float(gan.d_optimizer.dynamic_scale)
    np.testing.assert_array_equal(loaded.generate(4, seed=2), gan.generate(4, seed=2))
    loaded.fit(x, batch_size=32, epochs=1, verbose=0)


def test_mixed_float16_file_loaded_in_a_float32_process_keeps_its_optimizer_state(tmp_path):
    with global_policy("mixed_float16"):
        gan = make_gan()
        # Eight steps: an overflowing step is skipped (the scale halves), so two steps could
        # both be skipped and leave nothing to compare; eight leave room for the scale to come down.
        x = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")
        gan.fit(x, batch_size=32, epochs=1, verbose=0)
        gan.save(tmp_path / "mixed.keras")
    loaded = keras_gans.load_model(tmp_path / "mixed.keras")  # under float32 now
    assert isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(loaded.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert int(loaded.d_optimizer.iterations) == int(gan.d_optimizer.iterations) > 0
    for ours, theirs in zip(loaded.d_optimizer.variables, gan.d_optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))

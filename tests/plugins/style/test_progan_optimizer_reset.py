"""ProGAN's optimizer reset at each stage: `RestartableAdam` and `reset_optimizers=True`."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras_gans_style.growth_schedule import GrowthSchedule
from keras_gans_style.progan import ProGAN
from keras_gans_style.restartable_adam import RestartableAdam

import keras_gans
import keras_gans.testing as kgt
import keras_gans_cli

GRADIENTS = [np.array([0.5, -2.0], "float32"), np.array([1.5, 0.25], "float32"),
             np.array([-1.0, 3.0], "float32"), np.array([2.0, -0.5], "float32")]  # fmt: skip


def run(optimizer, gradients, variable=None):
    """`variable` (a new one at 0 by default) after each update of `optimizer`."""
    variable = keras.Variable(np.zeros(2, "float32")) if variable is None else variable
    path = []
    for gradient in gradients:
        optimizer.apply([gradient], [variable])
        path.append(variable.numpy().copy())
    return variable, path


def adam_by_hand(gradients, lr, beta_1, beta_2, epsilon=1e-7, start=(0.0, 0.0)):
    """Kingma & Ba's algorithm 1 with Keras's epsilon placement (on the uncorrected v)."""
    w, m, v, path = np.array(start, "float64"), 0.0, 0.0, []
    for t, g in enumerate(gradients, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (np.sqrt(v) + epsilon)
        path.append(w.copy())
    return path


@pytest.mark.parametrize("betas", [(0.0, 0.99), (0.5, 0.999)])
def test_before_a_restart_it_is_kerass_adam_update_for_update(betas):
    _, ours = run(RestartableAdam(0.01, *betas), GRADIENTS)
    _, keras_path = run(keras.optimizers.Adam(0.01, *betas), GRADIENTS)
    np.testing.assert_array_equal(np.array(ours), np.array(keras_path))
    np.testing.assert_allclose(ours, adam_by_hand(GRADIENTS, 0.01, *betas), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("betas", [(0.0, 0.99), (0.5, 0.999)])
def test_after_a_restart_the_updates_are_a_fresh_adams_while_iterations_count_on(betas):
    adam = RestartableAdam(0.01, *betas)
    variable, _ = run(adam, GRADIENTS[:3])
    adam.restart()
    start = tuple(variable.numpy())
    assert all(not np.any(s.numpy()) for s in [*adam._momentums, *adam._velocities])
    _, after = run(adam, GRADIENTS, variable)
    expected = adam_by_hand(GRADIENTS, 0.01, *betas, start=start)
    np.testing.assert_allclose(after, expected, rtol=1e-4, atol=1e-6)
    assert (int(adam.iterations), int(adam.restart_iteration)) == (7, 3)


def test_late_in_training_zeroed_moments_alone_would_step_ten_times_too_far():
    """ProGAN's Adam (beta_1 0, beta_2 0.99) at update 1,001: with the moments zeroed,
    Keras's Adam has no bias correction left, so its step is lr * g / sqrt(0.01 g^2) =
    10 lr; after `restart()` it is a first Adam step again, lr."""
    steps = {}
    for name, adam in (("plain", keras.optimizers.Adam(0.01, 0.0, 0.99)),
                       ("restart", RestartableAdam(0.01, 0.0, 0.99))):  # fmt: skip
        variable, _ = run(adam, GRADIENTS[:3])
        adam.iterations.assign(1000)
        if name == "restart":
            adam.restart()
        else:
            for slot in [*adam._momentums, *adam._velocities]:
                slot.assign(np.zeros(slot.shape, "float32"))
        before = variable.numpy().copy()
        adam.apply([GRADIENTS[3]], [variable])
        steps[name] = np.abs(variable.numpy() - before)
    np.testing.assert_allclose(steps["plain"], 0.1, rtol=1e-4)
    np.testing.assert_allclose(steps["restart"], 0.01, rtol=1e-4)


def test_stage_changes_are_the_fade_ins_starts_and_ends():
    cases = {(0.0, 0.0): False, (0.0, 0.25): True, (0.25, 0.75): False, (0.75, 1.0): True,
             (1.0, 1.0): False, (1.0, 1.5): True, (1.5, 2.0): True}  # fmt: skip
    for (old, new), changed in cases.items():
        assert bool(GrowthSchedule.stage_changed(old, new)) is changed, (old, new)


def tiny(reset=True, **kwargs):
    keras.utils.set_random_seed(0)
    model = keras_gans.GANModel.from_architecture(
        "progan", image_shape=(8, 8, 1), latent_dim=4, fmap_base=64, fmap_max=4,
        fade_images=64, stable_images=64, reset_optimizers=reset, seed=0, **kwargs,
    )  # fmt: skip
    return model


@pytest.mark.slow  # 13 s: ProGAN through two stage changes
def test_training_restarts_both_optimizers_when_a_fade_in_starts_and_ends(tmp_path):
    """Steps of 32 images, stable 64 and fade 64: the levels before steps 0..5 are 0, 0, 0,
    0.5 (the fade starts: restart at iteration 3), 1.0 (it ends: restart at 4), 1.0."""
    x = np.random.default_rng(0).uniform(-1, 1, size=(192, 8, 8, 1)).astype("float32")
    model = tiny()
    model.compile(*ProGAN(reset_optimizers=True).default_optimizers(), loss="wgan-gp")
    model.fit(x[:128], batch_size=32, epochs=1, shuffle=False, verbose=0)
    restarts = [int(o.restart_iteration) for o in (model.d_optimizer, model.g_optimizer)]
    assert restarts == [3, 3] and model.level == 0.5
    model.save(tmp_path / "m.keras")
    loaded = keras_gans.load_model(tmp_path / "m.keras")
    assert type(loaded.g_optimizer) is RestartableAdam and loaded.growth.reset_optimizers
    for m in (model, loaded):
        m.fit(x[128:], batch_size=32, epochs=1, shuffle=False, verbose=0)
        assert [int(o.restart_iteration) for o in (m.d_optimizer, m.g_optimizer)] == [4, 4]
        assert int(m.g_optimizer.iterations) == 6 and m.level == 1.0
    for a, b in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


@pytest.mark.slow  # 19 s: the slow tier keeps the default suite under 15 min
def test_under_mirrored_strategy_every_replica_restarts_alike():
    """Two logical CPUs (tests/conftest.py), global batch 32: the same restarts as on one
    device, and both replicas hold the same moments and counters afterwards."""
    devices = [d.name for d in tf.config.list_logical_devices("CPU")[:2]]
    x = np.random.default_rng(0).uniform(-1, 1, size=(192, 8, 8, 1)).astype("float32")
    # Reducing to one device (not collective ops), as tests/models/test_ema.py explains:
    # collective instance keys of several strategies in one test process can clash.
    strategy = tf.distribute.MirroredStrategy(
        devices, cross_device_ops=tf.distribute.ReductionToOneDevice()
    )
    with strategy.scope():
        model = tiny()
        model.compile(*ProGAN(reset_optimizers=True).default_optimizers(), loss="wgan-gp")
    model.fit(x, batch_size=32, epochs=1, shuffle=False, verbose=0)
    for optimizer in (model.d_optimizer, model.g_optimizer):
        for variable in optimizer.variables:
            first, *others = [v.numpy() for v in variable.value.values]
            for other in others:
                np.testing.assert_array_equal(first, other, err_msg=variable.path)
        assert int(optimizer.restart_iteration.value.values[0].numpy()) == 4
    assert model.level == 1.0


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="reset_optimizers` must be a bool.*'yes'"):
        ProGAN(reset_optimizers="yes")
    model = tiny()
    plain = keras.optimizers.Adam(1e-3, 0.0, 0.99)
    with pytest.raises(ValueError, match="`d_optimizer` must be a RestartableAdam.*Received: Adam"):
        model.compile(plain, RestartableAdam(1e-3), loss="wgan-gp")
    with pytest.raises(RuntimeError, match="built"):
        RestartableAdam().restart()


def test_without_reset_the_optimizers_stay_kerass_adam():
    assert [type(o) for o in ProGAN().default_optimizers()] == [keras.optimizers.Adam] * 2
    assert ProGAN().get_config()["reset_optimizers"] is False


@pytest.mark.slow
def test_the_command_line_builds_restarting_optimizers(tmp_path):
    run_dir = tmp_path / "run"
    argv = ["train", "--arch", "progan", "--data", "digits", "--epochs", "2", "--batch-size",
            "16", "--steps-per-epoch", "2", "--latent-dim", "8", "--verbose", "0",
            "--run-dir", str(run_dir)]  # fmt: skip
    for value in ("fmap_base=64", "fmap_max=8", "fade_images=32", "stable_images=32",
                  "reset_optimizers=True"):  # fmt: skip
        argv += ["--arch-arg", value]
    assert keras_gans_cli.main(argv) == 0
    assert json.loads((run_dir / "config.json").read_text())["arch_args"]["reset_optimizers"]
    model = keras_gans.load_model(run_dir / "checkpoints" / "latest.keras")
    # 16 images a step: levels 0, 0, 0 (32 images: the fade's first), 0.5 -> restart at 3
    assert [int(o.restart_iteration) for o in (model.d_optimizer, model.g_optimizer)] == [3, 3]


@pytest.mark.slow
def test_passes_the_conformance_suite_with_the_reset(tmp_path):
    """The suite compiles with the architecture's `make_optimizers` (RestartableAdam here)
    and trains two steps of 16 (the second starts the 8x8 fade: a restart), then checks
    that save and load resume exactly."""
    kinds = kgt.run_all(
        "progan", tmp_path=tmp_path, image_shape=(8, 8, 1), latent_dim=4, fmap_base=64,
        fmap_max=4, fade_images=16, stable_images=8, reset_optimizers=True,
    )  # fmt: skip
    assert kinds == ("architectures",)

"""CycleGAN (`cyclegan`): its networks, its objective, its pools and schedule, saving, training."""

import keras
import numpy as np
import pytest
from keras_gans_image2image.cycle_consistency import CycleConsistency, cycle_consistency_loss
from keras_gans_image2image.cyclegan import CycleGAN
from keras_gans_image2image.cyclegan_model import CycleGANModel
from keras_gans_image2image.domain_image_pools import DomainImagePools
from keras_gans_image2image.identity_mapping import IdentityMapping, identity_mapping_loss
from keras_gans_image2image.reflection_padding import ReflectionPadding2D
from keras_gans_image2image.resnet_generator import build_resnet_generator

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets.translation_tasks import translation_task
from keras_gans.models import step
from keras_gans.steps import StepContext
from keras_gans.tricks import ImagePool, LinearDecay

TINY = {
    "filters": 4,
    "discriminator_filters": 4,
    "pool_size": 6,
    "num_residual_blocks": 1,
    "num_downsamplings": 1,
}


def tiny_model(seed=0, image_shape=(16, 16, 1), **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gans.GANModel.from_architecture(
        "cyclegan", image_shape=image_shape, seed=seed, **{**TINY, **kwargs}
    )


def images(n, shape=(16, 16, 1), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")


# ----------------------------------------------------------------------------- layers
def test_reflection_padding_mirrors_without_repeating_the_edge_on_any_size():
    x = images(2, (5, 7, 3))
    expected = np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect")
    np.testing.assert_array_equal(ReflectionPadding2D(2)(x).numpy(), expected)
    inputs = keras.Input((None, None, 3))
    assert ReflectionPadding2D(3)(inputs).shape == (None, None, None, 3)
    copy = ReflectionPadding2D.from_config(ReflectionPadding2D(3).get_config())
    assert copy.padding == 3
    with pytest.raises(ValueError, match=r"`padding` must be a positive integer.*padding=0"):
        ReflectionPadding2D(0)


def _convolutions(model):
    kinds = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


@pytest.mark.parametrize("side, blocks", [(128, 6), (256, 9)])
def test_generator_is_the_papers_c7s1_d_d_r_u_u_c7s1(side, blocks):
    """Appendix 7.2: c7s1-64, d128, d256, R256 x 6 (128) or x 9 (256), u128, u64, c7s1-3."""
    g = build_resnet_generator((side, side, 3), filters=2)
    convs = _convolutions(g)
    layout = [(type(c).__name__, c.kernel_size[0], c.strides[0], c.filters) for c in convs]
    expected = [("Conv2D", 7, 1, 2), ("Conv2D", 3, 2, 4), ("Conv2D", 3, 2, 8)]
    expected += [("Conv2D", 3, 1, 8)] * (2 * blocks)
    expected += [("Conv2DTranspose", 3, 2, 4), ("Conv2DTranspose", 3, 2, 2), ("Conv2D", 7, 1, 3)]
    assert layout == expected
    norms = [la for la in g.layers if isinstance(la, keras.layers.GroupNormalization)]
    assert len(norms) == len(convs) - 1  # instance norm: one group per channel
    assert all(n.groups == n.input.shape[-1] for n in norms)
    pads = [la.padding for la in g.layers if isinstance(la, ReflectionPadding2D)]
    assert pads == [3] + [1] * (2 * blocks) + [3]
    assert g.layers[-1].activation is keras.activations.tanh


def test_instance_norm_makes_each_translation_independent_of_its_batch():
    g = build_resnet_generator((16, 16, 1), filters=4, num_residual_blocks=1)
    x = images(4)
    together = g(x, training=True).numpy()
    alone = np.concatenate([g(x[i : i + 1], training=True).numpy() for i in range(4)])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert np.abs(together).max() <= 1.0


def test_small_images_scale_the_depth():
    arch = CycleGAN(image_shape=(8, 8, 1), filters=4)
    assert (arch.num_downsamplings, arch.num_residual_blocks, arch.discriminator_layers) == (
        1,
        2,
        1,
    )
    assert CycleGAN(image_shape=(64, 48, 1), filters=4).num_residual_blocks == 2  # smaller side
    assert build_resnet_generator((8, 8, 2), filters=2).output_shape == (None, 8, 8, 2)


# ----------------------------------------------------------------------------- schedule
def test_linear_decay_is_constant_then_linear_to_zero_and_serialises():
    schedule = LinearDecay(1e-3, constant_steps=10, decay_steps=4)
    values = [float(schedule(t)) for t in (0, 9, 10, 11, 12, 13, 14, 100)]
    np.testing.assert_allclose(values, [1e-3, 1e-3, 1e-3, 7.5e-4, 5e-4, 2.5e-4, 0, 0], atol=1e-9)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert isinstance(restored, LinearDecay) and restored.get_config() == schedule.get_config()
    paper = LinearDecay.from_epochs(2e-4, epochs=200, decay_epochs=100, steps_per_epoch=3)
    assert (paper.constant_steps, paper.decay_steps) == (300, 300)
    with pytest.raises(ValueError, match=r"`decay_epochs` must be at most `epochs`"):
        LinearDecay.from_epochs(2e-4, epochs=10, decay_epochs=20, steps_per_epoch=1)
    with pytest.raises(ValueError, match=r"`constant_steps` must be a non-negative integer"):
        LinearDecay(constant_steps=-1)


# ----------------------------------------------------------------------------- losses
def test_cycle_and_identity_losses_are_mean_absolute_errors():
    a = np.array([[[[0.0], [1.0]], [[-1.0], [0.5]]]], "float32")
    b = np.array([[[[0.5], [1.0]], [[0.0], [0.5]]]], "float32")
    assert float(cycle_consistency_loss(a, b)) == pytest.approx((0.5 + 0 + 1 + 0) / 4)
    assert float(identity_mapping_loss(b, a)) == pytest.approx(0.375)
    ctx = StepContext.of(a, b, player="generator", extras={"source": a, "reconstruction": b})
    assert float(CycleConsistency(weight=4.0).terms(None, ctx)) == pytest.approx(1.5)
    with pytest.raises(ValueError, match=r"extras\['target'\]"):
        IdentityMapping().terms(None, ctx)


def test_the_objectives_are_the_papers_least_squares_cycle_and_identity_terms():
    """Each logged objective, recomputed by hand from the four networks.

    Discriminators: 0.5 (mean (D(real) - 1)^2 + mean D(fake)^2), the paper's "divided by
    2". Generator: 0.5 sum over directions of mean (D(fake) - 1)^2, plus half of
    lambda = 10 times both cycle errors and half of 0.5 lambda times both identity errors.
    """
    model = tiny_model()
    model.compile(loss="least-squares")
    a, b = images(3, seed=1), images(3, seed=2)
    g, f = model.generator, model.generator_b2a
    d_a, d_b = model.discriminator_a, model.discriminator
    fake_b, fake_a = g(a).numpy(), f(b).numpy()

    def mse(x, target):
        return np.mean((np.asarray(x) - target) ** 2)

    def mae(x, y):
        return np.mean(np.abs(np.asarray(x) - y))

    expected = {
        "d_a_loss": 0.5 * mse(d_a(a), 1) + 0.5 * mse(d_a(fake_a), 0),
        "d_b_loss": 0.5 * mse(d_b(b), 1) + 0.5 * mse(d_b(fake_b), 0),
        "g_loss": 0.5 * mse(d_b(fake_b), 1) + 0.5 * mse(d_a(fake_a), 1),
        "g_term/cycle_consistency": 5.0 * (mae(f(fake_b), a) + mae(g(fake_a), b)),
        "g_term/identity_mapping": 2.5 * (mae(g(b), b) + mae(f(a), a)),
        "d_a_fake": np.mean(d_a(fake_a)),
    }
    for player, batch in model.schedule(a, b, training=False):
        step.evaluate(model, player, batch)
    logs = {name: float(t.result()) for name, t in model._trackers.items()}
    for name, value in expected.items():
        assert logs[name] == pytest.approx(value, rel=1e-5), name
    paper = 2 * logs["g_loss"] + 10 * (logs["g_term/cycle_consistency"] / 5.0)
    paper += 5 * (logs["g_term/identity_mapping"] / 2.5)
    total = logs["g_loss"] + logs["g_term/cycle_consistency"] + logs["g_term/identity_mapping"]
    assert total == pytest.approx(paper / 2, rel=1e-6)  # half the paper's objective


def test_each_discriminator_has_its_own_pool_of_its_own_domain():
    model = tiny_model(image_shape=(16, 16, 1), target_channels=3)
    model.compile()
    pools = next(p for p in model.pieces if isinstance(p, DomainImagePools))
    # 1 -> 3 channels: no identity term (G(b) cannot be compared with b).
    assert "g_term/identity_mapping" not in [m.name for m in model.metrics]
    assert {name: pool.buffer.shape for name, pool in pools.pools.items()} == {
        "d_a": (7, 16, 16, 1),
        "d_b": (7, 16, 16, 3),
    }
    d_a = model._players[0]
    ctx = model.contexts(d_a, (images(4), images(4, (16, 16, 3))), True)[0]
    shown = pools.transform(ctx.inputs, ctx)
    np.testing.assert_array_equal(shown.fake, ctx.fake)  # filling: passed through
    assert (pools.filled("d_a"), pools.filled("d_b")) == (4, 0)
    np.testing.assert_array_equal(pools.pools["d_a"].buffer.numpy()[:4], ctx.fake)
    with pytest.raises(ValueError, match=r"DomainImagePools"):
        model.compile(tricks=[ImagePool(50)])


# ----------------------------------------------------------------------------- contract
def test_architecture_contract_and_errors():
    arch = CycleGAN(image_shape=(16, 16, 1), **TINY)
    kgt.check_architecture(arch)
    assert arch.get_config()["identity_weight"] == 5.0
    with pytest.raises(ValueError, match=r"`identity_weight` must be 0 .*identity_weight=5"):
        CycleGAN(image_shape=(16, 16, 1), target_channels=3, identity_weight=5)
    with pytest.raises(ValueError, match=r"`pool_size` must be a non-negative integer"):
        CycleGAN(pool_size=-1)
    networks = arch.build_networks()
    with pytest.raises(ValueError, match=r"`num_classes` must be None.*num_classes=10"):
        CycleGANModel(**networks, num_classes=10)
    wrong = CycleGAN(image_shape=(8, 8, 1), **TINY).build_networks()["generator_b2a"]
    with pytest.raises(ValueError, match=r"`generator_b2a` must output images"):
        CycleGANModel(**{**networks, "generator_b2a": wrong})
    model = CycleGANModel(**networks)
    model.compile()
    with pytest.raises(ValueError, match=r"`direction` must be one of .*direction='a2a'"):
        model.translate(images(1), direction="a2a")
    with pytest.raises(ValueError, match=r"`images` must be a batch of shape \(n, 16, 16, 1\)"):
        model.translate(images(1, (8, 8, 1)))
    with pytest.raises(ValueError, match=r"trains on two domains.*x only"):
        model.fit(images(4), batch_size=2, verbose=0)
    with pytest.raises(TypeError, match=r"use translate"):
        model.generate(2)


# ----------------------------------------------------------------------------- one trained model
def paper_adam():
    return keras.optimizers.Adam(LinearDecay(2e-3, constant_steps=2, decay_steps=100), beta_1=0.5)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Digits to edges at 16x16 from unpaired halves: 4 steps, save and load; then the
    model and its reloaded copy each train the same 4 steps more (two graph traces, the
    bulk of this file's time)."""
    a, _, _ = translation_task("digits-edges", image_size=16, split="train-a")
    _, b, _ = translation_task("digits-edges", image_size=16, split="train-b")
    test_a, test_b, _ = translation_task("digits-edges", image_size=16, split="test")
    model = tiny_model(seed=3)
    model.compile(paper_adam(), paper_adam(), d_a_optimizer=paper_adam())
    start = model.translate(test_a)
    start_cycle = np.mean(np.abs(model.translate(start, "b2a") - test_a))
    model.fit(a[:32], b[:32], batch_size=8, epochs=1, shuffle=False, verbose=0)
    path = tmp_path_factory.mktemp("cyclegan") / "cyclegan.keras"
    model.save(path)
    loaded = keras_gans.load_model(path)
    saved = {"a2b": model.translate(test_a[:8]), "b2a": model.translate(test_b[:8], "b2a")}
    reloaded = {"a2b": loaded.translate(test_a[:8]), "b2a": loaded.translate(test_b[:8], "b2a")}
    for m in (model, loaded):
        m.fit(a[32:64], b[32:64], batch_size=8, epochs=1, shuffle=False, verbose=0)
    return {
        "model": model,
        "loaded": loaded,
        "data": (a, b, test_a, test_b),
        "start": start,
        "start_cycle": start_cycle,
        "saved": saved,
        "reloaded": reloaded,
    }


@pytest.mark.slow  # shares a model trained in 19 s; slow tier keeps the default under 15 min
def test_save_load_gives_identical_translations_and_resumes_exactly(trained):
    """4 steps, save, load, 4 more == 8 steps: every weight (both pools included), the
    three optimizers' state and their learning-rate schedules."""
    model, loaded = trained["model"], trained["loaded"]
    assert type(loaded) is CycleGANModel and loaded.directions == ("a2b", "b2a")
    for direction in ("a2b", "b2a"):
        np.testing.assert_array_equal(trained["saved"][direction], trained["reloaded"][direction])
    assert len(model.weights) == len(loaded.weights)
    for a, b in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    assert any("image_pool_d_a" in w.path for w in loaded.weights)
    for name in ("d_a_optimizer", "d_optimizer", "g_optimizer"):
        old, new = getattr(model, name), getattr(loaded, name)
        assert int(new.iterations) == 8
        for x, y in zip(old.variables, new.variables, strict=True):
            np.testing.assert_array_equal(x.numpy(), y.numpy(), err_msg=f"{name} {x.path}")
        # The schedule continued: 2 constant steps, then 6 of the 100 decaying ones.
        assert isinstance(new._learning_rate, LinearDecay)
        assert float(new.learning_rate) == pytest.approx(2e-3 * (1 - 6 / 100))


@pytest.mark.slow  # shares a model trained in 19 s; slow tier keeps the default under 15 min
def test_the_translators_share_weights_and_take_other_sizes(trained):
    model = trained["model"]
    _, _, test_a, test_b = trained["data"]
    fixed = model.translator("b2a")
    np.testing.assert_allclose(fixed(test_b[:4]).numpy(), model.translate(test_b[:4], "b2a"))
    dynamic = model.translator("a2b", dynamic_size=True)
    assert dynamic.input_shape == (None, None, None, 1) and dynamic.name == "cyclegan_a2b"
    np.testing.assert_allclose(dynamic(test_a[:4]).numpy(), model.translate(test_a[:4]), atol=1e-6)
    assert dynamic(images(2, (24, 32, 1))).shape == (2, 24, 32, 1)


@pytest.mark.slow  # shares a model trained in 19 s; slow tier keeps the default under 15 min
def test_unpaired_training_learns_the_translation(trained):
    """32 more steps on 256 + 256 unpaired digits (a few seconds): on the 359 test digits the
    edge maps `G(a)` are closer to the ground truth than the input itself is (the
    identity baseline), and `F(G(a))` is back near `a` (cycle error below half its start).
    The benchmark measures both directions at 32x32."""
    model = trained["model"]
    a, b, test_a, test_b = trained["data"]
    start_cycle = trained["start_cycle"]
    model.fit(a[:256], b[:256], batch_size=8, epochs=1, verbose=0)
    fake_b = model.translate(test_a)
    error = np.mean(np.abs(fake_b - test_b))
    identity = np.mean(np.abs(test_a - test_b))
    start = np.mean(np.abs(trained["start"] - test_b))
    cycle = np.mean(np.abs(model.translate(fake_b, "b2a") - test_a))
    assert error < identity < start, (error, identity, start)
    assert cycle < start_cycle / 2, (cycle, start_cycle)

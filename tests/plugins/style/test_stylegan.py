"""StyleGAN: architecture, R1 and style mixing defaults, save/load, exact resume, training."""

import numpy as np
import pytest
from keras_gans_style.adaptive_instance_normalization import AdaptiveInstanceNormalization
from keras_gans_style.lazy_regularization import LazyRegularization
from keras_gans_style.stylegan import (
    StyleGAN,
    default_mapping_lr_multiplier,
    default_style_mixing,
)
from keras_gans_style.stylegan2 import StyleGAN2
from keras_gans_style.stylegan_model import StyleGANModel

from keras_gans.penalties import R1Penalty
from tests.plugins.style.test_style_suite import (
    TINY,
    check_augmentation_reaches_both_inputs,
    check_bad_input,
    check_resumed_exactly,
    check_same_samples,
    check_truncation_and_noise,
    trained_suite,
)


def test_architecture_defaults_follow_the_paper():
    arch = StyleGAN(**TINY)
    mixing, r1 = arch.default_tricks()
    assert mixing.probability == 0.0  # off at 32x32 and below (StyleGAN2-ADA's CIFAR-10)
    assert [default_style_mixing(side) for side in (8, 32, 64, 1024)] == [0, 0, 0.9, 0.9]
    assert StyleGAN(**{**TINY, "image_shape": (64, 64, 1)}).style_mixing == 0.9
    assert StyleGAN(style_mixing=0.5, **TINY).default_tricks()[0].probability == 0.5
    assert isinstance(r1, R1Penalty) and r1.gamma == pytest.approx(10 * (8 / 1024) ** 2)
    lazy = StyleGAN(r1_interval=16, r1_gamma=1.0, **TINY).default_tricks()[1]
    assert isinstance(lazy, LazyRegularization) and lazy.regularizer.gamma == 1.0
    assert StyleGAN.from_config(arch.get_config()).get_config() == arch.get_config()
    generator = arch.build_generator()
    synthesis = generator.get_layer("synthesis")
    assert synthesis.num_ws == 4 and len(synthesis.noises) == 4
    assert all(isinstance(a, AdaptiveInstanceNormalization) for a in synthesis.adains)
    assert generator.get_layer("mapping").count_params() == 2 * (8 * 8 + 8)
    names = {layer.name for layer in arch.build_discriminator().layers}
    assert "minibatch_stddev" in names and not any(n.startswith("residual") for n in names)


@pytest.mark.parametrize("arch_class", [StyleGAN, StyleGAN2])
def test_mapping_lr_multiplier_reaches_the_mapping_and_the_config(arch_class):
    """The stored mapping kernels are N(0, 1 / m^2) (m the multiplier), so their spread
    tells which multiplier the built mapping took; the config round-trips it."""
    spreads = {}
    for multiplier in (0.01, 0.5):
        arch = arch_class(mapping_lr_multiplier=multiplier, **TINY)
        assert arch_class.from_config(arch.get_config()).mapping_lr_multiplier == multiplier
        mapping = arch.build_generator().get_layer("mapping")
        kernels = [w for w in mapping.weights if w.path.endswith("kernel")]
        spreads[multiplier] = float(np.std(np.concatenate([np.ravel(k) for k in kernels])))
    assert spreads[0.01] == pytest.approx(100.0, rel=0.2)  # the paper's default
    assert spreads[0.5] == pytest.approx(2.0, rel=0.2)
    with pytest.raises(ValueError, match="mapping_lr_multiplier"):
        arch_class(mapping_lr_multiplier=0, **TINY)
    assert [default_mapping_lr_multiplier(side) for side in (8, 32, 64, 1024)] == [1, 1, 0.01, 0.01]
    small = 1.0 if arch_class is StyleGAN else 0.01  # StyleGAN2 keeps the paper's at any size
    assert arch_class(**TINY).mapping_lr_multiplier == small
    assert arch_class(mapping_lr_multiplier=None, **TINY).mapping_lr_multiplier == small
    assert arch_class(**{**TINY, "image_shape": (64, 64, 1)}).mapping_lr_multiplier == 0.01


def test_a_run_recorded_before_the_mapping_multiplier_is_rebuilt_with_the_papers():
    """`keras-gans train --resume` from a backup rebuilds the networks from config.json: a
    run recorded before `mapping_lr_multiplier` existed had 0.01 at every size, and must
    not get today's 1.0 (its restored mapping weights would then be 100 times too large)."""
    import keras_gans
    from keras_gans_cli.train_strategy import pinned_arch_args

    kwargs = {**TINY, "image_shape": [8, 8, 1]}
    recorded = StyleGAN(**TINY).get_config()
    recorded.pop("mapping_lr_multiplier")
    config = {"arch": "stylegan", "resolved": {"arch_config": recorded}}
    rebuilt = pinned_arch_args(keras_gans, config, kwargs)
    assert rebuilt["mapping_lr_multiplier"] == 0.01
    assert StyleGAN(**rebuilt).build_generator().get_layer("mapping").count_params() > 0
    recorded["mapping_lr_multiplier"] = 1.0  # recorded: today's default stays
    assert "mapping_lr_multiplier" not in pinned_arch_args(keras_gans, config, kwargs)


def test_works_at_32x32():
    arch = StyleGAN(image_shape=(32, 32, 1), latent_dim=8, filters=4, mapping_layers=1)
    model = StyleGANModel(**arch.build_networks(), latent_dim=8, seed=0)
    assert model.generate(2, seed=0).shape == (2, 32, 32, 1)
    assert model.num_ws == 8


def test_bad_input_is_named():
    check_bad_input(StyleGAN)
    with pytest.raises(ValueError, match="`truncation_psi` must be"):
        StyleGANModel(**StyleGAN(**TINY).build_networks(), latent_dim=8).generate(
            2, truncation_psi="0.5"
        )
    with pytest.raises(ValueError, match="`noise` must be one of"):
        StyleGANModel(**StyleGAN(**TINY).build_networks(), latent_dim=8).sampler(noise="fixed")


@pytest.mark.parametrize("arch_class", [StyleGAN, StyleGAN2])
def test_generate_with_random_noise_draws_fresh_per_sample_maps(arch_class):
    """`noise="random"`: sample i's maps come from the stream (seed, 1, i), whatever the
    batch size; the images equal the explicit-noise sampler fed those maps by hand."""
    arch = arch_class(image_shape=(8, 8, 1), latent_dim=8, filters=4, mapping_layers=1)
    model = StyleGANModel(**arch.build_networks(), latent_dim=8, seed=0)
    for weight in model.generator.weights:  # strengths start at zero: make noise show
        if weight.path.endswith("strength"):
            weight.assign(np.full(weight.shape, 0.5, "float32"))
    images = model.generate(5, seed=3, noise="random", truncation_psi=0.7)
    shapes = model.part("synthesis").noise_shapes
    streams = [np.random.default_rng([3, 1, i]) for i in range(5)]
    maps = [np.stack([r.standard_normal(s) for r in streams]).astype("float32") for s in shapes]
    z = np.asarray(model.sample_latent(5, seed=3))
    by_hand = model.sampler(0.7, noise="inputs")([z, *maps])
    np.testing.assert_allclose(images, np.asarray(by_hand), atol=1e-6)
    again = model.generate(5, seed=3, noise="random", truncation_psi=0.7, batch_size=2)
    # The same maps in smaller batches: equal up to float rounding (a batch's size can change
    # the kernels' summation order); other maps would move pixels by ~0.1.
    np.testing.assert_allclose(images, again, atol=1e-5)
    const = model.generate(5, seed=3, truncation_psi=0.7)
    assert np.abs(images - const).max() > 0.05  # the noise reaches the pixels
    assert np.abs(images[0] - images[1]).max() > 0
    unseeded = model.generate(5, noise="random")
    assert unseeded.shape == (5, 8, 8, 1) and np.isfinite(unseeded).all()
    with pytest.raises(ValueError, match="`noise` must be one of"):
        model.generate(2, noise="inputs")


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return trained_suite("stylegan", tmp_path_factory.mktemp("stylegan"), epochs=6)


@pytest.mark.slow
def test_training_moves_samples_towards_the_digits(suite):
    """6 epochs (96 updates) on 512 digits at 8x8: the mean generated digit gets much
    closer to the mean real one (seen: 0.75 -> 0.41 mean absolute gap). (FID does not
    show it this early: the untrained AdaIN network's smooth blobs score a low 63.)"""
    before, after = suite["before"]["mean_gap"], suite["after"]["mean_gap"]
    assert after < 0.75 * before, (suite["before"], suite["after"])


@pytest.mark.slow
def test_save_load_gives_identical_samples_and_resumes_exactly(suite):
    assert type(suite["loaded"]) is StyleGANModel
    check_resumed_exactly(suite["model"], suite["loaded"])
    check_same_samples(suite["model"], suite["loaded"])
    assert suite["model"].history.history["d_penalty/r1"][-1] > 0


@pytest.mark.slow
def test_truncation_and_noise(suite):
    check_truncation_and_noise(suite["model"])


@pytest.mark.slow
def test_augmentation_reaches_real_and_fake():
    check_augmentation_reaches_both_inputs("stylegan")


@pytest.mark.parametrize("family", [StyleGAN, StyleGAN2])
def test_both_families_bring_the_papers_adam(family):
    d_optimizer, g_optimizer = family(image_shape=(8, 8, 1), latent_dim=8).default_optimizers()
    for optimizer in (d_optimizer, g_optimizer):
        settings = (
            float(optimizer.learning_rate),
            optimizer.beta_1,
            optimizer.beta_2,
            optimizer.epsilon,
        )
        assert settings == pytest.approx((2e-3, 0.0, 0.99, 1e-8), rel=1e-6, abs=0)

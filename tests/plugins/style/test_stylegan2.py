"""StyleGAN2: architecture, lazy regularisers, save/load, exact resume, training."""

import pytest
from keras_gans_style.lazy_regularization import LazyRegularization
from keras_gans_style.path_length_penalty import PathLengthPenalty
from keras_gans_style.stylegan2 import StyleGAN2
from keras_gans_style.stylegan_model import StyleGANModel

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
    arch = StyleGAN2(**TINY)
    mixing, r1, path_length = arch.default_tricks()
    assert mixing.probability == 0.0  # `default_style_mixing`: off at 8x8
    assert isinstance(r1, LazyRegularization) and r1.interval == 16
    assert r1.regularizer.gamma == pytest.approx(10 * (8 / 1024) ** 2)
    assert path_length.interval == 4 and isinstance(path_length.regularizer, PathLengthPenalty)
    assert (path_length.regularizer.weight, path_length.regularizer.decay) == (2.0, 0.01)
    assert path_length.regularizer.batch_shrink == 2
    assert StyleGAN2.from_config(arch.get_config()).get_config() == arch.get_config()
    names = {layer.name for layer in arch.build_discriminator().layers}
    assert "residual_8" in names and "minibatch_stddev" in names
    assert [t.name for t in StyleGAN2(pl_weight=0, **TINY).default_tricks()] == [
        "style_mixing",
        "r1",
    ]


def test_bad_input_is_named():
    check_bad_input(StyleGAN2)
    with pytest.raises(ValueError, match="`pl_interval` must be"):
        StyleGAN2(pl_interval=0)
    with pytest.raises(ValueError, match="StyleGANModel is unconditional"):
        StyleGANModel(**StyleGAN2(**TINY).build_networks(), latent_dim=8, num_classes=10)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return trained_suite("stylegan2", tmp_path_factory.mktemp("stylegan2"), epochs=4)


@pytest.mark.slow
def test_training_improves_the_digit_fid(suite):
    """4 epochs (64 updates) on 512 digits at 8x8: FID (digits features, 500 samples)
    drops well below the initial generator's (seen: 135 -> 77)."""
    before, after = suite["before"]["fid"], suite["after"]["fid"]
    assert after < 0.7 * before, (suite["before"], suite["after"])


@pytest.mark.slow
def test_save_load_gives_identical_samples_and_resumes_exactly(suite):
    assert type(suite["loaded"]) is StyleGANModel
    assert suite["loaded"].ema_generator is not None
    check_resumed_exactly(suite["model"], suite["loaded"])
    check_same_samples(suite["model"], suite["loaded"])
    names = {t.name for t in suite["loaded"].tricks}
    assert {"style_mixing", "r1", "path_length"} <= names


@pytest.mark.slow
def test_lazy_terms_were_applied_and_logged(suite):
    history = suite["model"].history.history
    assert history["g_penalty/path_length"][-1] > 0  # update 64 is a path-length step
    assert "d_penalty/r1" in history
    pl_mean = [v for v in suite["model"].weights if "pl_mean" in v.path]
    assert len(pl_mean) == 1 and float(pl_mean[0].numpy()) > 0


@pytest.mark.slow
def test_truncation_and_noise(suite):
    check_truncation_and_noise(suite["model"])


@pytest.mark.slow
def test_augmentation_reaches_real_and_fake():
    check_augmentation_reaches_both_inputs("stylegan2")

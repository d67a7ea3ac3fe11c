"""Every built-in loss, penalty and architecture passes the public conformance suite."""

import pytest

import keras_gans.testing as kgt
from keras_gans import architectures, losses, penalties
from keras_gans.losses import WGANGP, LeastSquares, Minimax, NonSaturating, Wasserstein
from keras_gans.penalties import GradientPenalty, R1Penalty, R2Penalty, WeightClipping


def _builtin(registry):
    """The names the keras-gans distribution itself registers (not third-party plugins)."""
    return [n for n in registry.names() if registry.describe(n).distribution == "keras-gans"]


def test_every_kind_has_builtins():
    assert set(_builtin(losses)) >= {"hinge", "non-saturating", "wgan-gp"}
    assert set(_builtin(penalties)) >= {"gradient-penalty", "r1"}
    assert set(_builtin(architectures)) >= {"dcgan", "mlp"}


@pytest.mark.parametrize("name", _builtin(losses))
def test_builtin_loss_conforms(name, tmp_path):
    assert kgt.run_all(name, kind="losses", tmp_path=tmp_path) == ("losses",)


@pytest.mark.parametrize("name", _builtin(penalties))
def test_builtin_penalty_conforms(name, tmp_path):
    assert kgt.run_all(name, kind="penalties", tmp_path=tmp_path) == ("penalties",)


@pytest.mark.parametrize(
    "loss",
    [
        Minimax(label_smoothing=0.1),
        NonSaturating(label_smoothing=0.1, penalties=[R1Penalty(gamma=1.0)]),
        LeastSquares(real_target=1.0, fake_target=-1.0, generator_target=0.0),
        Wasserstein(penalties=[GradientPenalty(5.0), R2Penalty(0.5)]),
        Wasserstein(constraints=[WeightClipping(0.1)]),
        WGANGP(gp_weight=5.0),
    ],
    ids=repr,
)
def test_configured_loss_conforms(loss):
    kgt.check_loss(loss)


@pytest.mark.parametrize(
    "penalty",
    [GradientPenalty(weight=1.0, target=0.0), R1Penalty(gamma=0.5, name="r1_small")],
    ids=repr,
)
def test_configured_penalty_conforms(penalty):
    kgt.check_penalty(penalty)


ARCHITECTURES = {
    "mlp-points": ("mlp", {"data_shape": (2,), "latent_dim": 4, "hidden_units": (8,)}),
    "mlp-images": (
        "mlp",
        {
            "data_shape": (8, 8, 1),
            "latent_dim": 4,
            "hidden_units": (8,),
            "output_activation": "tanh",
        },
    ),
    "dcgan": ("dcgan", {"image_shape": (8, 8, 1), "latent_dim": 8, "base_filters": 4}),
    "dcgan-conditional": (
        "dcgan",
        {"image_shape": (8, 8, 1), "latent_dim": 8, "base_filters": 4, "num_classes": 10},
    ),
}


@pytest.mark.parametrize("case", sorted(ARCHITECTURES))
def test_builtin_architecture_conforms(case, tmp_path):
    name, kwargs = ARCHITECTURES[case]
    assert kgt.run_all(name, kind="architectures", tmp_path=tmp_path, **kwargs) == (
        "architectures",
    )


def test_check_fit_counts_discriminator_steps(tmp_path):
    gan = kgt.check_fit(
        "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,), d_steps=2, batch_size=8
    )
    assert gan.d_steps == 2
    assert kgt.check_save_load(gan, tmp_path, batch_size=8).d_steps == 2


def test_run_all_on_a_translation_plugin_asks_for_both_domains(tmp_path):
    import numpy as np

    tiny = {"image_shape": (16, 16, 1), "base_filters": 4, "discriminator_filters": 4, "depth": 2}
    with pytest.raises(AssertionError, match=r"pass the A images as `data=`.*data and labels=None"):
        kgt.run_all("pix2pix", tmp_path=tmp_path, **tiny)
    a = np.zeros((16, 16, 16, 1), "float32")
    with pytest.raises(AssertionError, match="B images as `labels=`.*Received: labels=None"):
        kgt.check_fit("pix2pix", a, **tiny)

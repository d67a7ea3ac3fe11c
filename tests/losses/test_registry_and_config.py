"""The loss registry, resolution of `compile(loss=...)` and serialisation."""

import keras
import pytest

from keras_gans import losses, penalties
from keras_gans.registry import UnknownPluginError

BUILT_IN = {
    "minimax",
    "non-saturating",
    "least-squares",
    "wasserstein",
    "wgan-gp",
    "dragan",
    "hinge",
}


def test_the_seven_losses_come_from_entry_point_metadata():
    assert BUILT_IN <= set(losses.names())
    for name in BUILT_IN:
        info = losses.describe(name)
        assert info.distribution == "keras-gans"
        assert info.group == "keras_gans.losses"


def test_lookup_normalises_case_and_underscores():
    assert isinstance(losses.get("WGAN_GP"), losses.WGANGP)
    assert isinstance(losses.get("Non_Saturating"), losses.NonSaturating)


def test_unknown_loss_lists_installed_ones():
    with pytest.raises(UnknownPluginError) as error:
        losses.get("wgan-gq")
    message = str(error.value)
    assert "wgan-gq" in message and "wgan-gp" in message and "hinge" in message


def test_named_losses_are_compositions():
    wgan_gp = losses.get("wgan-gp")
    assert isinstance(wgan_gp, losses.Wasserstein)
    assert [type(p) for p in wgan_gp.penalties] == [penalties.GradientPenalty]
    assert wgan_gp.penalties[0].weight == 10.0
    wgan = losses.get("wasserstein")
    assert [type(c) for c in wgan.constraints] == [penalties.WeightClipping]
    assert wgan.constraints[0].clip_value == 0.01
    dragan = losses.get("dragan")
    assert isinstance(dragan, losses.NonSaturating)
    assert [p.weight for p in dragan.penalties] == [10.0]


@pytest.mark.parametrize(
    "identifier, expected",
    [
        ("hinge", losses.Hinge),
        ({"name": "wgan-gp", "gp_weight": 5.0}, losses.WGANGP),
        (losses.LeastSquares(), losses.LeastSquares),
        (keras.saving.serialize_keras_object(losses.DRAGAN(penalty_weight=3.0)), losses.DRAGAN),
    ],
)
def test_resolve_accepts_names_dicts_and_objects(identifier, expected):
    assert isinstance(losses.resolve(identifier), expected)


def test_resolve_rejects_other_types():
    with pytest.raises(TypeError, match="loss"):
        losses.resolve(3)
    with pytest.raises(ValueError, match="name"):
        losses.resolve({"gp_weight": 5.0})


def test_custom_composition_round_trips_through_keras_serialisation():
    loss = losses.Hinge(penalties=[penalties.R1Penalty(gamma=2.0)])
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert isinstance(restored, losses.Hinge)
    assert restored.get_config() == loss.get_config()
    assert isinstance(restored.penalties[0], penalties.R1Penalty)
    assert restored.penalties[0].gamma == 2.0


def test_duplicate_penalty_names_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        losses.Wasserstein(penalties=[penalties.GradientPenalty(), penalties.GradientPenalty()])


def test_non_penalty_items_are_rejected():
    with pytest.raises(TypeError, match="penalties"):
        losses.Wasserstein(penalties=["gp"])

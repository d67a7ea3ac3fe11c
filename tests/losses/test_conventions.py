"""Conventions that differ between references, pinned to the paper each one follows."""

import keras
import numpy as np
import pytest

from keras_gans.losses import functions as F
from keras_gans.metrics.inception_score import inception_score, split_bounds
from keras_gans.penalties import gradient_penalty_term


@pytest.mark.parametrize("s", [0.0, 0.1, 0.25])
def test_one_sided_smoothing_s_is_keras_bce_smoothing_two_s_on_the_real_term(s):
    """Salimans et al.'s target 1 - s equals Keras' (and TF-GAN's) smoothing 2 s, which pulls
    the targets towards 1/2: 1 * (1 - 2s) + 0.5 * 2s = 1 - s."""
    real = np.array([[-2.0], [0.3], [1.5]], "float32")
    fake = np.array([[5.0], [-1.0], [0.0]], "float32")
    ours = float(F.minimax_discriminator_loss(real, fake, label_smoothing=s))
    bce = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=2 * s)
    plain = keras.losses.BinaryCrossentropy(from_logits=True)
    reference = float(bce(np.ones_like(real), real)) + float(plain(np.zeros_like(fake), fake))
    assert ours == pytest.approx(reference, rel=1e-5)


def test_gradient_penalty_forms_differ_by_the_target_squared():
    norms = np.array([0.5, 2.0, 7.0], "float32")
    for target in (1.0, 3.0, 750.0):
        difference = float(gradient_penalty_term(norms, target, "difference"))
        ratio = float(gradient_penalty_term(norms, target, "ratio"))
        assert difference == pytest.approx(np.mean((norms - target) ** 2), rel=1e-6)
        assert ratio == pytest.approx(difference / target**2, rel=1e-5)
    with pytest.raises(ValueError, match="form"):
        gradient_penalty_term(norms, 1.0, "squared")


def test_inception_score_cuts_parts_where_the_reference_code_does():
    """n = 3, 2 parts: the reference cuts [0, 1) and [1, 3); array_split would cut [0, 2)."""
    assert split_bounds(3, 2) == [(0, 1), (1, 3)]
    logits = 60.0 * np.eye(2)[[0, 1, 1]]  # confident: class 0, then class 1 twice
    # Each reference part holds one class only: IS = 1 in both (array_split: 2 and 1).
    assert inception_score(logits, extractor=None, splits=2).value == pytest.approx(1.0)
    assert [b - a for a, b in split_bounds(11, 10)] == [1] * 9 + [2]

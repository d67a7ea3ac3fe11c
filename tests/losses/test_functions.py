"""Loss values against numbers computed by hand from the papers' formulas."""

import math

import numpy as np
import pytest

from keras_gans import losses
from keras_gans.losses import functions as F


def softplus(t):
    return math.log1p(math.exp(t))


REAL = [2.0, -0.5]
FAKE = [-1.0, 0.25]


def mean(values):
    return sum(values) / len(values)


def test_minimax_discriminator_is_binary_cross_entropy():
    expected = mean([-math.log(1 / (1 + math.exp(-r))) for r in REAL]) + mean(
        [-math.log(1 - 1 / (1 + math.exp(-f))) for f in FAKE]
    )
    assert float(F.minimax_discriminator_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-6)


def test_one_sided_label_smoothing_moves_only_the_real_target():
    s = 0.1
    real = mean([(1 - s) * softplus(-r) + s * softplus(r) for r in REAL])
    fake = mean([softplus(f) for f in FAKE])
    value = F.minimax_discriminator_loss(REAL, FAKE, label_smoothing=s)
    assert float(value) == pytest.approx(real + fake, rel=1e-6)
    # Smoothing changes the loss, and only through the real term.
    assert float(value) != pytest.approx(float(F.minimax_discriminator_loss(REAL, FAKE)))
    smoothed = losses.NonSaturating(label_smoothing=s).discriminator_loss(REAL, FAKE)
    assert float(smoothed) == pytest.approx(real + fake, rel=1e-6)


def test_generator_losses():
    assert float(F.minimax_generator_loss(FAKE)) == pytest.approx(
        mean([math.log(1 - 1 / (1 + math.exp(-f))) for f in FAKE]), rel=1e-6
    )
    assert float(F.non_saturating_generator_loss(FAKE)) == pytest.approx(
        mean([-math.log(1 / (1 + math.exp(-f))) for f in FAKE]), rel=1e-6
    )


def test_least_squares():
    d = 0.5 * mean([(r - 1) ** 2 for r in REAL]) + 0.5 * mean([f**2 for f in FAKE])
    assert float(F.least_squares_discriminator_loss(REAL, FAKE)) == pytest.approx(d)
    g = 0.5 * mean([(f - 1) ** 2 for f in FAKE])
    assert float(F.least_squares_generator_loss(FAKE)) == pytest.approx(g)
    custom = losses.LeastSquares(real_target=1.0, fake_target=-1.0, generator_target=0.0)
    d = 0.5 * mean([(r - 1) ** 2 for r in REAL]) + 0.5 * mean([(f + 1) ** 2 for f in FAKE])
    assert float(custom.discriminator_loss(REAL, FAKE)) == pytest.approx(d)
    assert float(custom.generator_loss(FAKE)) == pytest.approx(0.5 * mean([f**2 for f in FAKE]))


def test_wasserstein_and_hinge():
    assert float(F.wasserstein_discriminator_loss(REAL, FAKE)) == pytest.approx(
        mean(FAKE) - mean(REAL)
    )
    assert float(F.wasserstein_generator_loss(FAKE)) == pytest.approx(-mean(FAKE))
    hinge = mean([max(0, 1 - r) for r in REAL]) + mean([max(0, 1 + f) for f in FAKE])
    assert float(F.hinge_discriminator_loss(REAL, FAKE)) == pytest.approx(hinge)
    assert float(F.hinge_generator_loss(FAKE)) == pytest.approx(-mean(FAKE))


def test_patch_outputs_are_averaged_over_every_axis():
    real = np.arange(16, dtype="float32").reshape(2, 2, 2, 2) / 8.0
    fake = -real
    flat = F.hinge_discriminator_loss(real.ravel(), fake.ravel())
    assert float(F.hinge_discriminator_loss(real, fake)) == pytest.approx(float(flat))


def test_large_logits_stay_finite():
    value = F.minimax_discriminator_loss([100.0], [-100.0])
    assert np.isfinite(float(value)) and float(value) == pytest.approx(0.0, abs=1e-6)
    assert float(F.non_saturating_generator_loss([-100.0])) == pytest.approx(100.0)


@pytest.mark.parametrize("smoothing", [-0.1, 1.0, "0.1", True])
def test_bad_label_smoothing_is_rejected(smoothing):
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.NonSaturating(label_smoothing=smoothing)

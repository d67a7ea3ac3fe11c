"""Named losses that are compositions of an objective and a regulariser."""

from __future__ import annotations

import keras

from keras_gans.checks import non_negative
from keras_gans.losses.adversarial import NonSaturating, Wasserstein
from keras_gans.penalties import DRAGANPenalty, GradientPenalty, WeightClipping

__all__ = ["DRAGAN", "WGAN", "WGANGP"]


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(Wasserstein):
    """Wasserstein GAN: the Wasserstein objective plus critic weight clipping.

    Registered as `wasserstein`. Equivalent to
    `Wasserstein(constraints=[WeightClipping(clip_value)])`. The paper pairs it with
    RMSprop (lr 5e-5) and 5 critic steps per generator step (`d_steps=5`).

    Formula:
        critic: `mean(f) - mean(r)`, then `w <- clip(w, -c, c)`; generator: `-mean(f)`.

    Args:
        clip_value: `c` (default 0.01).
        name: Default `"wgan"`.

    Example:
    >>> WGAN().constraints
    [WeightClipping(clip_value=0.01)]

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks", ICML 2017,
        Algorithm 1.
    """

    def __init__(self, clip_value=0.01, name="wgan"):
        self.clip_value = clip_value
        super().__init__(constraints=[WeightClipping(clip_value)], name=name)

    def get_config(self):
        return {"clip_value": self.clip_value, "name": self.name}


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(Wasserstein):
    """WGAN-GP: the Wasserstein objective plus the two-sided gradient penalty.

    Registered as `wgan-gp`. Equivalent to
    `Wasserstein(penalties=[GradientPenalty(gp_weight)])`. The paper uses Adam
    (lr 1e-4, beta_1 0, beta_2 0.9) and `d_steps=5`, and no batch normalisation in the
    critic (the penalty is per example).

    Formula:
        critic: `mean(f) - mean(r) + lambda mean((||grad D(x_hat)|| - 1)^2)`;
        generator: `-mean(f)`.

    Args:
        gp_weight: lambda (default 10).
        name: Default `"wgan_gp"`.

    Example:
    >>> WGANGP().penalties
    [GradientPenalty(weight=10.0, name='gp', target=1.0, epsilon=1e-12, form='difference')]

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """

    def __init__(self, gp_weight=10.0, name="wgan_gp"):
        self.gp_weight = non_negative(gp_weight, "gp_weight")
        super().__init__(penalties=[GradientPenalty(weight=gp_weight)], name=name)

    def get_config(self):
        return {"gp_weight": self.gp_weight, "name": self.name}


@keras.saving.register_keras_serializable(package="keras_gans")
class DRAGAN(NonSaturating):
    """DRAGAN: the non-saturating GAN objective plus the DRAGAN perturbation penalty.

    Registered as `dragan`. Equivalent to
    `NonSaturating(penalties=[DRAGANPenalty(penalty_weight)])`.

    Formula:
        discriminator: `mean(softplus(r) - r) + mean(softplus(f))
        + lambda mean((||grad D(x + alpha delta)|| - 1)^2)`; generator: `mean(softplus(-f))`.

    Args:
        penalty_weight: lambda (default 10).
        perturbation_scale: The noise scale in units of the data's standard deviation
            (default 0.5).
        name: Default `"dragan"`.

    Example:
    >>> [p.name for p in DRAGAN().penalties]
    ['dragan']

    Reference:
        Kodali et al., "On Convergence and Stability of GANs", 2017.
    """

    def __init__(self, penalty_weight=10.0, perturbation_scale=0.5, name="dragan"):
        self.penalty_weight = non_negative(penalty_weight, "penalty_weight")
        self.perturbation_scale = non_negative(perturbation_scale, "perturbation_scale")
        penalty = DRAGANPenalty(weight=penalty_weight, perturbation_scale=perturbation_scale)
        super().__init__(penalties=[penalty], name=name)

    def get_config(self):
        return {
            "penalty_weight": self.penalty_weight,
            "perturbation_scale": self.perturbation_scale,
            "name": self.name,
        }

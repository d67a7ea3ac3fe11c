"""Energy-based losses for autoencoder discriminators: EBGAN and BEGAN.

Both expect a discriminator whose score is the *negative* reconstruction energy of its
input (the `autoencoder` architecture's discriminator, or any network ending in
`keras_gans.layers.ReconstructionScore`), so that, as everywhere in keras-gans, a higher
score means "more real".
"""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, number_in
from keras_gans.losses import functions as F
from keras_gans.losses.base import AdversarialLoss
from keras_gans.steps.piece import PieceState
from keras_gans.tricks.feature_matching import PullingAway

__all__ = ["BEGAN", "EBGAN"]


@keras.saving.register_keras_serializable(package="keras_gans")
class EBGAN(AdversarialLoss):
    """Energy-based GAN: the discriminator assigns low energy to data, high to fakes.

    Registered as `ebgan`. With `pt_weight > 0` it brings the pulling-away term
    (`keras_gans.tricks.PullingAway`, EBGAN-PT), which needs the discriminator to return a
    dict with an `"embedding"` entry (the `autoencoder` architecture does).

    Formula (energy `E = -score`):
        discriminator: `mean(E(x)) + mean(max(0, m - E(G(z))))`;
        generator: `mean(E(G(z))) + pt_weight * PT(embeddings of G(z))`.

    Args:
        margin: `m` (default 1; the paper tunes it per dataset).
        pt_weight: Weight of the pulling-away term (default 0: plain EBGAN; the paper used
            0.1 for EBGAN-PT).
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"ebgan"`.

    Example:
    >>> float(EBGAN(margin=2.0).discriminator_loss([-0.5], [-3.0]))
    0.5
    >>> [trick.name for trick in EBGAN(pt_weight=0.1).tricks]
    ['pulling_away']

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017.
    """

    def __init__(self, margin=1.0, pt_weight=0.0, penalties=None, constraints=None, name="ebgan"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)
        self.margin = non_negative(margin, "margin")
        self.pt_weight = non_negative(pt_weight, "pt_weight")
        self._tricks = [PullingAway(weight=self.pt_weight)] if self.pt_weight > 0 else []

    def discriminator_loss(self, real_output, fake_output):
        return F.ebgan_discriminator_loss(real_output, fake_output, self.margin)

    def generator_loss(self, fake_output):
        return F.ebgan_generator_loss(fake_output)

    @property
    def tricks(self):
        return list(self._tricks)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin, "pt_weight": self.pt_weight}


@keras.saving.register_keras_serializable(package="keras_gans")
class BEGAN(AdversarialLoss):
    """Boundary equilibrium GAN: an autoencoder discriminator with a balanced fake term.

    Registered as `began`. The weight `k_t` of the fake term is a state variable (saved
    with the model, so a resumed run continues it), updated after every discriminator
    update by proportional control towards `E L(G(z)) = gamma E L(x)`. It is logged as
    `began/k` (its value before the update), and the convergence measure `M_global` as
    `began/convergence`, both by the loss's `update`.

    Which batch each quantity uses: `L(x)` is the mean over the discriminator update's real
    minibatch and `L(G(z))` the mean over that update's generated batch (fresh latents,
    the generator before its own update); in the `k` update and in `M_global` both are
    the discriminator's scores from before its optimizer step, so they are the step-`t`
    values of the paper's equations, and the discriminator's loss of step `t` uses `k_t`.
    The paper's simultaneous update measures `L(G(z))` on the generator's batch `z_G`;
    with alternating updates the generator's batch is only scored after the
    discriminator's step, so the discriminator's batch (from the same distribution, at
    the same parameters) stands in for it. A test checks the logged `k_t`, `M_global`
    and the final `k` against a NumPy re-implementation of the recursion, step by step.

    Formula (reconstruction loss `L = -score`):
        discriminator: `L(x) - k_t L(G(z))`; generator: `L(G(z))`;
        `k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1)`;
        `M_global = L(x) + |gamma L(x) - L(G(z))|`.

    Args:
        gamma: The diversity ratio `gamma` in (0, 1] (default 0.5).
        lambda_k: The proportional gain `lambda_k` (default 0.001, as in the paper).
        initial_k: `k_0` in [0, 1] (default 0, as in the paper).
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"began"`.

    Example:
    >>> loss = BEGAN()
    >>> float(loss.discriminator_loss([-1.0], [-2.0]))  # k_0 = 0: L(x)
    1.0
    >>> loss.metric_names
    ('d_loss', 'g_loss', 'began/k', 'began/convergence')

    Reference:
        Berthelot et al., "BEGAN: Boundary Equilibrium Generative Adversarial Networks",
        2017, sections 3.3-3.4.
    """

    def __init__(
        self,
        gamma=0.5,
        lambda_k=0.001,
        initial_k=0.0,
        penalties=None,
        constraints=None,
        name="began",
    ):
        super().__init__(penalties=penalties, constraints=constraints, name=name)
        self.gamma = number_in(gamma, "gamma", 0.0, 1.0, low_open=True)
        self.lambda_k = non_negative(lambda_k, "lambda_k")
        self.initial_k = number_in(initial_k, "initial_k", 0.0, 1.0)
        self.k = None

    reports = property(lambda self: (f"{self.name}/k", f"{self.name}/convergence"))

    def build(self, model):
        self.state = PieceState(name=f"{self.name}_state")
        self.k = self.state.variable("k", initializer=keras.initializers.Constant(self.initial_k))

    def _k(self):
        return self.initial_k if self.k is None else ops.convert_to_tensor(self.k)

    def discriminator_loss(self, real_output, fake_output):
        return F.began_discriminator_loss(real_output, fake_output, self._k())

    def generator_loss(self, fake_output):
        return F.ebgan_generator_loss(fake_output)

    def update(self, player, ctx):
        if player.role != "discriminator":
            return None
        if self.k is None:
            raise ValueError("BEGAN needs `build(model)` before training (GANModel.compile).")
        real = ops.stop_gradient(ctx.real_output)
        fake = ops.stop_gradient(ctx.fake_output)
        k = ops.cast(ops.convert_to_tensor(self.k), "float32")
        convergence = F.began_convergence(real, fake, self.gamma)
        self.k.assign(F.began_k_update(self.k, real, fake, self.gamma, self.lambda_k))
        return {f"{self.name}/k": k, f"{self.name}/convergence": convergence}

    def get_config(self):
        return {
            **super().get_config(),
            "gamma": self.gamma,
            "lambda_k": self.lambda_k,
            "initial_k": self.initial_k,
        }

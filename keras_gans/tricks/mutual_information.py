"""InfoGAN's mutual-information term: the codes must be recoverable from the samples."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.tricks.base import Trick

__all__ = ["MutualInformation", "categorical_code_loss", "gaussian_code_loss"]


def _float(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def categorical_code_loss(logits, codes):
    """Cross-entropy of `Q(c | x)`'s logits against one-hot categorical codes.

    Formula:
        `-mean_i sum_k c_ik log softmax(logits_i)_k`: minus the log-likelihood part of the
        mutual-information lower bound `L_I = H(c) + E[log Q(c | G(z, c))]`.

    Args:
        logits: `(batch, k)` raw scores of the Q head.
        codes: `(batch, k)` one-hot codes the samples were generated with.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> import math
    >>> loss = categorical_code_loss([[0.0, 0.0]], [[1.0, 0.0]])
    >>> round(float(loss), 4) == round(math.log(2), 4)
    True

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information
        Maximizing Generative Adversarial Nets", NeurIPS 2016, section 5.
    """
    log_q = ops.log_softmax(_float(logits), axis=-1)
    return -ops.mean(ops.sum(_float(codes) * log_q, axis=-1))


def gaussian_code_loss(mean, codes, log_std=None):
    """Negative log-likelihood of continuous codes under a factored Gaussian `Q(c | x)`.

    Formula:
        `mean_i sum_j [log s_ij + (c_ij - mu_ij)^2 / (2 s_ij^2) + log(2 pi) / 2]`, with
        `s = exp(log_std)` (unit variance when `log_std` is `None`).

    Args:
        mean: `(batch, m)` predicted means `mu`.
        codes: `(batch, m)` codes the samples were generated with.
        log_std: `(batch, m)` predicted log standard deviations (default `None`: 0).

    Returns:
        A float32 scalar tensor.

    Example:
    >>> import math
    >>> loss = gaussian_code_loss([[0.0]], [[1.0]])
    >>> round(float(loss), 4) == round(0.5 + 0.5 * math.log(2 * math.pi), 4)
    True

    Reference:
        Chen et al., "InfoGAN", NeurIPS 2016, section 5 (a factored Gaussian for
        continuous codes).
    """
    mean, codes = _float(mean), _float(codes)
    log_std = ops.zeros_like(mean) if log_std is None else _float(log_std)
    z = (codes - mean) * ops.exp(-log_std)
    nll = log_std + 0.5 * ops.square(z) + 0.5 * math.log(2.0 * math.pi)
    return ops.mean(ops.sum(nll, axis=-1))


@keras.saving.register_keras_serializable(package="keras_gans")
class MutualInformation(Trick):
    """InfoGAN's variational mutual-information term, added to both players' objectives.

    The model's latent prior must be a `keras_gans.latents.InfoGANLatent` (the
    `infogan` architecture sets it): the generator input holds noise and codes `c`. The
    discriminator returns a dict with its `"score"` and the Q network's heads, which share
    its body: `categorical_head` (the logits of every categorical code, concatenated) and
    `continuous_head` (the means of the continuous codes; an optional
    `"<continuous_head>_log_std"` head makes the Gaussian's scale learned, unit otherwise).
    On every update the term is the negative log-likelihood of the codes of the generated
    batch (`StepContext.latent`) under Q: the discriminator's update trains Q (and the
    shared body), the generator's update makes its codes recoverable.

    Formula:
        `weight * (sum_codes CE(Q_cat(G(z, c)), c_cat) + continuous_weight *
        NLL(c_cont | Q_cont(G(z, c))))`, which is `-weight * L_I` up to the constant
        `H(c)`; logged as `d_term/<name>` and `g_term/<name>`.

    Args:
        weight: `lambda` of the paper, scaling the whole term (default 1.0).
        continuous_weight: Relative weight of the continuous codes' term (default 0.1;
            the paper uses a smaller lambda for continuous codes so that the term stays
            on the scale of the GAN objective).
        categorical_head: The discriminator output with the categorical logits (default
            `"categorical_logits"`).
        continuous_head: The discriminator output with the continuous means (default
            `"continuous_mean"`).
        name: Logged as `d_term/<name>`, `g_term/<name>` (default `"mutual_information"`).

    Example:
    >>> MutualInformation().metric_names
    ('d_term/mutual_information', 'g_term/mutual_information')

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information
        Maximizing Generative Adversarial Nets", NeurIPS 2016.
    """

    def __init__(
        self,
        weight=1.0,
        continuous_weight=0.1,
        categorical_head="categorical_logits",
        continuous_head="continuous_mean",
        name="mutual_information",
    ):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")
        self.continuous_weight = non_negative(continuous_weight, "continuous_weight")
        for argument, value in (
            ("categorical_head", categorical_head),
            ("continuous_head", continuous_head),
        ):
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f"`{argument}` must be a non-empty string. Received: {argument}={value!r}"
                )
        self.categorical_head = categorical_head
        self.continuous_head = continuous_head
        self.codes = None

    def build(self, model):
        from keras_gans import latents
        from keras_gans.latents import InfoGANLatent

        prior = latents.resolve(model.latent_distribution)
        if not isinstance(prior, InfoGANLatent):
            raise ValueError(
                "MutualInformation needs a GANModel whose `latent_distribution` is a "
                "keras_gans.latents.InfoGANLatent (the codes it recovers). Received: "
                f"latent_distribution={model.latent_distribution!r}"
            )
        self.codes = prior

    def _head(self, heads, name):
        if name not in heads:
            raise ValueError(
                f"MutualInformation needs a discriminator that returns a dict with a {name!r} "
                f"entry (the Q head) next to 'score'. Received heads: {sorted(heads)}"
            )
        return heads[name]

    def information_loss(self, ctx):
        """The unweighted term on the context's generated batch (see the class formula)."""
        if self.codes is None:
            raise ValueError("MutualInformation needs `build(model)` first (GANModel.compile).")
        parts = self.codes.split(ctx.latent)
        heads = ctx.fake_heads
        total = ops.zeros((), "float32")
        if parts["categorical"]:
            logits = self._head(heads, self.categorical_head)
            start = 0
            for codes in parts["categorical"]:
                width = codes.shape[-1]
                total = total + categorical_code_loss(logits[:, start : start + width], codes)
                start += width
        if parts["continuous"] is not None:
            mean = self._head(heads, self.continuous_head)
            log_std = heads.get(f"{self.continuous_head}_log_std")
            nll = gaussian_code_loss(mean, parts["continuous"], log_std)
            total = total + self.continuous_weight * nll
        return total

    def terms(self, player, ctx):
        return self.weight * self.information_loss(ctx)

    def get_config(self):
        return {
            **super().get_config(),
            "weight": self.weight,
            "continuous_weight": self.continuous_weight,
            "categorical_head": self.categorical_head,
            "continuous_head": self.continuous_head,
        }

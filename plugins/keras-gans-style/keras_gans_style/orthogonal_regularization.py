"""BigGAN's orthogonal regularisation of the generator's weights (off-diagonal form)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps import Piece

__all__ = ["OrthogonalRegularization", "off_diagonal_orthogonality"]


def off_diagonal_orthogonality(kernel):
    """The squared Frobenius norm of the off-diagonal part of a kernel's filter Gram matrix.

    The kernel is reshaped to `W` of shape `(fan_in, filters)` (a Dense kernel as it is; a
    convolution's `(kh, kw, in, out)` to `(kh * kw * in, out)`), so `W^T W` holds the inner
    products of the filters, as in BigGAN's implementation (which penalises `W W^T` of
    PyTorch's `(out, fan_in)` weights). Only the off-diagonal entries count: filters are
    pushed towards orthogonality without constraining their norms.

    Formula:
        `||W^T W * (1 - I)||_F^2 = sum_{a != b} (w_a . w_b)^2`, `w_a` the filters.

    Args:
        kernel: A weight tensor of rank >= 2 whose last axis indexes the filters.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(off_diagonal_orthogonality([[1.0, 1.0], [0.0, 1.0]]))  # w_a . w_b = 1, twice
    2.0
    >>> float(off_diagonal_orthogonality([[3.0, 0.0], [0.0, -2.0]]))  # orthogonal filters
    0.0

    Reference:
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019, section 3.1 (equation 3).
    """
    kernel = ops.cast(ops.convert_to_tensor(kernel), "float32")
    filters = kernel.shape[-1]
    matrix = ops.reshape(kernel, (-1, filters))
    gram = ops.matmul(ops.transpose(matrix), matrix)
    off_diagonal = gram * (1.0 - ops.eye(filters, dtype="float32"))
    return ops.sum(ops.square(off_diagonal))


@keras.saving.register_keras_serializable(package="keras_gans_style")
class OrthogonalRegularization(Piece):
    """Adds BigGAN's orthogonal regulariser of the generator's weights to its objective.

    Every trainable weight of the generator player's networks with rank >= 2 (dense and
    convolution kernels, including the linear layers that make the conditional batch
    norms' gains and biases) contributes `off_diagonal_orthogonality(W)`, except weights
    whose path contains one of `exclude` (by default BigGAN's shared class embedding, which
    its implementation leaves out too). Logged as `g_term/<name>`. The term is the paper's
    equation 3 as written, whose gradient is `4 beta (W^T W * (1 - I)) W`; BigGAN's code adds
    `2 strength (W^T W * (1 - I)) W` to the gradients directly, half as much, so `beta` here
    acts as twice the code's strength: `beta=5e-5` gives the code's update at its 1e-4.

    Formula:
        `R_beta(G) = beta * sum_W ||W^T W * (1 - I)||_F^2`.

    Args:
        beta: The coefficient (default 1e-4, the paper's).
        exclude: Substrings of the paths of weights left out (default
            `("shared_embedding",)`).
        name: Logged as `g_term/<name>` (default `"orthogonal"`).

    Example:
    >>> OrthogonalRegularization().metric_names
    ('g_term/orthogonal',)

    Reference:
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019, section 3.1; Brock et al., "Neural Photo Editing with
        Introspective Adversarial Networks", ICLR 2017 (the original regulariser).
    """

    roles = ("generator",)

    def __init__(self, beta=1e-4, exclude=("shared_embedding",), name="orthogonal"):
        super().__init__(name=name)
        self.beta = non_negative(beta, "beta")
        if isinstance(exclude, str) or not all(isinstance(e, str) and e for e in exclude):
            raise ValueError(
                "`exclude` must be a list of non-empty strings (parts of weight paths). "
                f"Received: exclude={exclude!r}"
            )
        self.exclude = tuple(exclude)

    def regularized_weights(self, player):
        """The weights of `player` that the term covers."""
        return [
            v
            for v in player.trainable_variables
            if len(v.shape) >= 2 and not any(part in v.path for part in self.exclude)
        ]

    def terms(self, player, ctx):
        weights = self.regularized_weights(player)
        if not weights:
            return None
        return self.beta * ops.sum(ops.stack([off_diagonal_orthogonality(w) for w in weights]))

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "exclude": list(self.exclude)}

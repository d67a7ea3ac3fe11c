"""`Orthogonality`: the piece that keeps a linear map close to orthogonal after each step."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import number_in
from keras_gans.steps import Piece

__all__ = ["Orthogonality", "orthogonality_update"]


def orthogonality_update(kernel, beta=0.01):
    """One step of the update that pulls a square matrix towards the orthogonal manifold.

    Formula:
        `W <- (1 + beta) W - beta (W W^T) W`. An orthogonal `W` is a fixed point; for a
        singular value `s` of `W` the step gives `(1 + beta) s - beta s^3`, which moves
        `s` towards 1 for small `beta`. The formula is the same in the row convention
        (`W` a Keras kernel, `W^T` the paper's map).

    Args:
        kernel: A `(dim, dim)` matrix.
        beta: The step size (default 0.01, as in the paper).

    Returns:
        The updated matrix, same dtype.

    Example:
    >>> w = orthogonality_update([[2.0, 0.0], [0.0, 1.0]], beta=0.01)
    >>> [round(float(v), 4) for v in ops.convert_to_numpy(w).diagonal()]
    [1.94, 1.0]

    Reference:
        Conneau et al., "Word Translation Without Parallel Data", ICLR 2018, section 3.3
        (orthogonality); Cisse et al., "Parseval Networks", ICML 2017.
    """
    kernel = ops.convert_to_tensor(kernel)
    gram = ops.matmul(kernel, ops.transpose(kernel))
    return (1.0 + beta) * kernel - beta * ops.matmul(gram, kernel)


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class Orthogonality(Piece):
    """Applies `orthogonality_update` to the generator's map after every generator update.

    The generator must be a linear map with a single square weight matrix (the
    `EmbeddingAlignment` map: a bias-free `Dense` layer). The paper alternates this update
    with the map's SGD step, keeping the map close to orthogonal: it then preserves dot
    products and distances, so the source space is only rotated.

    Args:
        beta: The step size, in (0, 1) (default 0.01).
        name: Default `"orthogonality"`.

    Example:
    >>> Orthogonality(beta=0.001).beta
    0.001

    Reference:
        Conneau et al., "Word Translation Without Parallel Data", ICLR 2018, section 3.3.
    """

    def __init__(self, beta=0.01, name="orthogonality"):
        super().__init__(name=name)
        self.beta = number_in(beta, "beta", 0.0, 1.0, low_open=True, high_open=True)
        self._kernel = None

    def build(self, model):
        weights = model.generator.trainable_weights
        shape = tuple(weights[0].shape) if len(weights) == 1 else ()
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(
                "Orthogonality needs a generator whose only trainable weight is a square "
                "matrix (a bias-free Dense map). Received: generator weights "
                f"{[tuple(w.shape) for w in weights]}"
            )
        self._kernel = weights[0]

    def update(self, player, ctx):
        if player.role == "generator":
            self._kernel.assign(orthogonality_update(self._kernel, self.beta))

    def get_config(self):
        return {"beta": self.beta, "name": self.name}

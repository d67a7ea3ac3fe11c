"""GAN-CLS's matching-aware discriminator: real samples with the wrong condition are fake."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.tricks.base import Trick

__all__ = ["MatchingAware", "mismatched_conditions"]


def mismatched_conditions(condition, seed=None, num_classes=None):
    """Pairs every example of a batch with a condition that is not its own.

    Class ids get a uniformly drawn *different* class: `(y + u) mod num_classes` with `u`
    uniform in `[1, num_classes)`. Other conditions (embedding vectors) are taken from
    another row of the batch: row `i` gets row `(i + s) mod batch`, with one shift `s`
    drawn uniformly in `[1, batch)` per call (a batch of one keeps its row).

    Args:
        condition: Class ids `(batch,)` / `(batch, 1)` (integers) or vectors
            `(batch, ...)`.
        seed: An int, a `keras.random.SeedGenerator` or `None` (default).
        num_classes: The class count, required for integer class ids (default `None`).

    Returns:
        A tensor like `condition`.

    Example:
    >>> import numpy as np
    >>> labels = np.array([[0], [1], [2], [3]], "int32")
    >>> wrong = mismatched_conditions(labels, seed=0, num_classes=4).numpy()
    >>> bool((wrong != labels).all()), bool(((0 <= wrong) & (wrong < 4)).all())
    (True, True)
    >>> vectors = np.eye(3, dtype="float32")
    >>> sorted(mismatched_conditions(vectors, seed=0).numpy().argmax(1).tolist())
    [0, 1, 2]

    Reference:
        Reed et al., "Generative Adversarial Text to Image Synthesis", ICML 2016,
        Algorithm 1 (the mismatched text `t^`).
    """
    condition = ops.convert_to_tensor(condition)
    if "int" in str(condition.dtype):
        if num_classes is None or num_classes < 2:
            raise ValueError(
                "Mismatching class ids needs `num_classes` >= 2 (the model's class count). "
                f"Received: num_classes={num_classes!r}"
            )
        offset = keras.random.randint(
            ops.shape(condition), 1, num_classes, seed=seed, dtype=condition.dtype
        )
        return (condition + offset) % num_classes
    batch = ops.shape(condition)[0]
    shift = keras.random.randint((), 1, ops.maximum(batch, 2), seed=seed, dtype="int32")
    rows = (ops.arange(batch, dtype="int32") + shift) % batch
    return ops.take(condition, rows, axis=0)


@keras.saving.register_keras_serializable(package="keras_gans")
class MatchingAware(Trick):
    """The matching-aware discriminator of GAN-CLS: (real, wrong condition) counts as fake.

    Beside real samples with their condition (real) and generated samples with it (fake),
    the discriminator sees real samples paired with a mismatched condition
    (`mismatched_conditions`) and learns to score them as fake, so it must judge whether
    a sample matches its condition, not only whether it looks real. This term adds the
    adversarial loss's discriminator objective with the mismatched pairs in the fake
    role. With `weight=1` and a loss that is a real term plus a fake term (every built-in
    loss but the relativistic ones), the discriminator minimises `L_real + L_fake +
    L_real + L_wrong`, twice the objective of Reed et al.'s Algorithm 1
    (`log s_r + (log(1 - s_w) + log(1 - s_f)) / 2`): the same gradients up to a factor
    two. Adam's update (up to its epsilon) ignores that factor only while it scales the
    whole objective. Penalties and other discriminator terms are not doubled: with a
    gradient penalty the objective is `2 L_Reed + lambda * GP`, so the penalty weighs half
    as much against the adversarial terms as in the paper's `L_Reed + lambda * GP`; pass
    `2 * lambda` to keep that balance. With SGD the factor also doubles the adversarial
    step. The generator's objective is unchanged.

    The model must be conditional (both networks take the condition); class ids need the
    model's `num_classes`, embeddings need nothing more.

    Formula:
        `weight * L_D(D(x, h), D(x, h^))`, with `L_D(real, fake)` the adversarial loss's
        discriminator term and `h^` the mismatched conditions; logged as `d_term/<name>`.

    Args:
        weight: The term's coefficient (default 1.0).
        name: Logged as `d_term/<name>` (default `"matching_aware"`).

    Example:
    >>> MatchingAware().metric_names
    ('d_term/matching_aware',)

    Reference:
        Reed et al., "Generative Adversarial Text to Image Synthesis", ICML 2016,
        section 4.2 and Algorithm 1.
    """

    def __init__(self, weight=1.0, name="matching_aware"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")
        self.loss = None
        self.num_classes = None

    def build(self, model):
        if not model.conditional:
            raise ValueError(
                "MatchingAware needs a conditional GANModel (both networks take the "
                f"condition). Received: an unconditional model {model.name!r}."
            )
        self.loss = model.adversarial_loss
        self.num_classes = model.num_classes

    roles = ("discriminator",)

    def terms(self, player, ctx):
        if self.loss is None:
            raise ValueError("MatchingAware needs `build(model)` first (GANModel.compile).")
        if ctx.condition is None:
            raise ValueError(
                "MatchingAware needs conditions: train with `fit(x, y)` or a dataset of "
                "(x, y) pairs."
            )
        wrong = mismatched_conditions(ctx.condition, ctx.seed_generator, self.num_classes)
        wrong_output = ctx.discriminate(ctx.real, condition=wrong)
        return self.weight * self.loss.discriminator_loss(ctx.real_output, wrong_output)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}

"""ACGAN's auxiliary classifier: both players also want the class to be recognisable."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.tricks.base import Trick

__all__ = ["AuxiliaryClassifier", "auxiliary_classification_loss"]


def auxiliary_classification_loss(class_logits, labels):
    """Mean cross-entropy of class logits against integer class ids.

    Formula:
        `-mean_i log softmax(class_logits_i)[labels_i]`.

    Args:
        class_logits: Raw class scores, shape `(batch, num_classes)`.
        labels: Class ids, shape `(batch,)` or `(batch, 1)`.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> import math
    >>> loss = auxiliary_classification_loss([[0.0, 0.0], [2.0, 0.0]], [[1], [0]])
    >>> round(float(loss), 4) == round((math.log(2) + math.log(1 + math.exp(-2))) / 2, 4)
    True

    Reference:
        Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs",
        ICML 2017, equation 3.
    """
    logits = ops.cast(ops.convert_to_tensor(class_logits), "float32")
    ids = ops.reshape(ops.cast(ops.convert_to_tensor(labels), "int32"), (-1,))
    losses = ops.sparse_categorical_crossentropy(ids, logits, from_logits=True)
    return ops.mean(losses)


@keras.saving.register_keras_serializable(package="keras_gans")
class AuxiliaryClassifier(Trick):
    """The ACGAN class term, added to both players' objectives with a weight.

    The discriminator returns a dict with its adversarial `"score"` and class logits
    (under `head`, default `"class_logits"`; the `acgan` architecture builds one). The
    discriminator learns to classify real samples and generated ones by the label each
    was made for; the generator learns to make samples the classifier assigns to their
    label. The labels are the model's condition (`StepContext.condition`): the real
    minibatch's class ids, which `GANModel` also gives to the generated minibatch.

    Formula:
        `L_C = CE(C(x), y) + CE(C(G(z, y)), y)`; the discriminator adds `weight * L_C`
        (logged as `d_term/<name>`), the generator `weight * CE(C(G(z, y)), y)`
        (logged as `g_term/<name>`), i.e. both maximise the log-likelihood of the right
        class, as in equation 3 of the paper.

    Args:
        weight: The term's coefficient in both objectives (default 1.0).
        head: The discriminator output holding the class logits (default
            `"class_logits"`).
        name: Logged as `d_term/<name>`, `g_term/<name>` (default
            `"auxiliary_classifier"`).

    Example:
    >>> AuxiliaryClassifier(weight=0.5).metric_names
    ('d_term/auxiliary_classifier', 'g_term/auxiliary_classifier')

    Reference:
        Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs",
        ICML 2017.
    """

    def __init__(self, weight=1.0, head="class_logits", name="auxiliary_classifier"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")
        if not isinstance(head, str) or not head:
            raise ValueError(f"`head` must be a non-empty string. Received: head={head!r}")
        self.head = head

    def build(self, model):
        if not model.conditional:
            raise ValueError(
                "AuxiliaryClassifier needs a label-conditioned GANModel (the labels are the "
                "classifier's targets). Received: an unconditional model "
                f"{model.name!r}."
            )

    def _logits(self, heads):
        if self.head not in heads:
            raise ValueError(
                f"AuxiliaryClassifier needs a discriminator that returns a dict with a "
                f"{self.head!r} entry (class logits) next to 'score'. Received heads: "
                f"{sorted(heads)}"
            )
        return heads[self.head]

    def _labels(self, ctx):
        if ctx.condition is None:
            raise ValueError(
                "AuxiliaryClassifier needs class labels: train with `fit(x, y)` or a "
                "dataset of (x, y) pairs."
            )
        return ctx.condition

    def terms(self, player, ctx):
        labels = self._labels(ctx)
        fake = auxiliary_classification_loss(self._logits(ctx.fake_heads), labels)
        if player.role == "generator":
            return self.weight * fake
        real = auxiliary_classification_loss(self._logits(ctx.real_heads), labels)
        return self.weight * (real + fake)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight, "head": self.head}

"""SimGAN's self-regularisation: the refined image stays close to its input."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, one_of
from keras_gans.steps import Piece

__all__ = ["SelfRegularization", "digits_feature_map", "self_regularization_loss"]

SPACES = ("pixels", "features")
#: The layer of the bundled digits classifier whose output is the feature map psi.
FEATURE_LAYER = "conv_2"


def self_regularization_loss(inputs, refined, features=None):
    """The mean absolute difference between `psi(refined)` and `psi(inputs)`.

    Formula:
        `mean |psi(R(x)) - psi(x)|` over the batch and every value of `psi`, with `psi`
        the identity (`features=None`) or `features`.

    Args:
        inputs: The refiner's inputs `x`, `(batch, h, w, c)`.
        refined: Its outputs `R(x)`, the same shape (for `features=None`).
        features: A function image batch -> feature batch, or `None` (default: pixels).

    Returns:
        A float32 scalar tensor.

    Example:
    >>> x = [[[[0.0], [1.0]]]]            # one 1x2 image
    >>> r = [[[[0.5], [-1.0]]]]
    >>> float(self_regularization_loss(x, r))  # (0.5 + 2.0) / 2
    1.25
    >>> float(self_regularization_loss(x, r, features=lambda t: 2.0 * t))
    2.5

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017, equation (4) (there a sum; here a mean, so the
        weight does not depend on the image size).
    """
    inputs = ops.cast(ops.convert_to_tensor(inputs), "float32")
    refined = ops.cast(ops.convert_to_tensor(refined), "float32")
    if features is not None:
        inputs, refined = features(inputs), features(refined)
    return ops.mean(ops.abs(refined - inputs))


def digits_feature_map():
    """`psi` of "feature loss + GAN" offline: the digits classifier's last conv features.

    Images are averaged to grey, area-downsampled to 8x8 (average pooling when the sides
    are multiples of 8, else antialiased bilinear resizing) and passed through the
    bundled digits classifier (`keras_gans.metrics.load_digits_classifier()`) up to its
    last convolution, `conv_2` (4x4x32, after ReLU): a fixed, pretrained, spatial feature
    map, as VGG-16's relu4_2 is for photos in CycleGAN's comparison.

    Returns:
        A function `(batch, h, w, c)` images in [-1, 1] -> `(batch, 4, 4, 32)` features.

    Example:
    >>> import numpy as np
    >>> digits_feature_map()(np.zeros((2, 16, 16, 1), "float32")).shape
    TensorShape([2, 4, 4, 32])
    """
    from keras_gans.metrics import load_digits_classifier

    classifier = load_digits_classifier()
    network = keras.Model(classifier.input, classifier.get_layer(FEATURE_LAYER).output)
    network.trainable = False

    def psi(images):
        grey = ops.mean(images, axis=-1, keepdims=True)
        height, width = grey.shape[1], grey.shape[2]
        if height % 8 == 0 and width % 8 == 0:
            pool = (height // 8, width // 8)
            small = ops.average_pool(grey, pool, strides=pool, padding="valid")
        else:
            small = ops.image.resize(grey, (8, 8), interpolation="bilinear", antialias=True)
        return network(small, training=False)

    return psi


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class SelfRegularization(Piece):
    """The refiner's self-regularisation term: `weight * mean |psi(R(x)) - psi(x)|`.

    Added to the `generator` player's objective (logged as `g_term/<name>`). The model
    puts the refiner's input and output in the context's `extras` (`"input"`,
    `"refined"`); contexts without them add nothing.

    - `space="pixels"`: `psi` is the identity, SimGAN's setting (the refined image keeps
      the annotations of the synthetic one because it stays close to it pixel by pixel);
      A and B must have the same channels.
    - `space="features"`: "feature loss + GAN" of CycleGAN's comparison, the distance
      between deep features of input and output. The paper's VGG-16 cannot be
      downloaded here; the fixed network is the bundled digits classifier up to its
      last convolution (`digits_feature_map`): pretrained, so its features mean
      something (digit strokes), which a random network's would not.

    Formula:
        `L_reg = weight * mean |psi(R(x)) - psi(x)|`.

    Args:
        weight: `lambda` (default 1.0).
        space: `"pixels"` (default) or `"features"`.
        name: Logged as `g_term/<name>` (default `"self_regularization"`).

    Example:
    >>> SelfRegularization(weight=0.5).metric_names
    ('g_term/self_regularization',)

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017, section 2.1, equation (4); Zhu et al., ICCV
        2017, section 5.1.2 ("feature loss + GAN").
    """

    roles = ("generator",)

    def __init__(self, weight=1.0, space="pixels", name="self_regularization"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")
        self.space = one_of(space, "space", SPACES)
        self.features = None

    def build(self, model):
        if self.space == "features":
            self.features = digits_feature_map()
            return
        source = tuple(model.generator.inputs[0].shape[1:])
        target = tuple(model.generator.outputs[0].shape[1:])
        if source[-1] != target[-1]:
            raise ValueError(
                "Self-regularisation in pixels compares the refined image with its input: "
                "both domains need the same channels (use space='features' otherwise). "
                f"Received: input {source}, output {target}"
            )

    def terms(self, player, ctx):
        if "refined" not in ctx.extras:
            return None
        loss = self_regularization_loss(ctx.extras["input"], ctx.extras["refined"], self.features)
        return self.weight * loss

    def get_config(self):
        return {**super().get_config(), "weight": self.weight, "space": self.space}

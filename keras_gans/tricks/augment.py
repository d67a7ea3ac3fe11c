"""Transforms of the discriminator's inputs: instance noise and differentiable augmentation.

Both are applied to real and generated samples alike, in the discriminator update and in
the generator update (where they stay differentiable, so the generator learns through
them). They are off in `evaluate`.
"""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, positive_int, positive_number
from keras_gans.tricks.base import Trick

__all__ = [
    "DiffAugment",
    "InstanceNoise",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_saturation",
    "cutout",
    "instance_noise_stddev",
    "translate",
]


def instance_noise_stddev(step, stddev, decay_steps=None):
    """The standard deviation of instance noise after `step` generator updates.

    Formula:
        `stddev * max(0, 1 - step / decay_steps)` (linear annealing to zero), or `stddev`
        when `decay_steps` is `None`.

    Args:
        step: Generator updates done so far (a number or a scalar tensor).
        stddev: The initial standard deviation.
        decay_steps: Updates until the noise vanishes (default `None`: constant).

    Returns:
        A float32 scalar tensor.

    Example:
    >>> [round(float(instance_noise_stddev(s, 0.2, decay_steps=100)), 6) for s in (0, 50, 100, 150)]
    [0.2, 0.1, 0.0, 0.0]

    Reference:
        Sønderby et al., "Amortised MAP Inference for Image Super-resolution", ICLR 2017;
        Arjovsky & Bottou, "Towards Principled Methods for Training Generative Adversarial
        Networks", ICLR 2017.
    """
    step = ops.cast(ops.convert_to_tensor(step), "float32")
    if decay_steps is None:
        return ops.cast(stddev, "float32") + 0.0 * step
    return stddev * ops.maximum(0.0, 1.0 - step / float(decay_steps))


@keras.saving.register_keras_serializable(package="keras_gans")
class InstanceNoise(Trick):
    """Adds Gaussian noise to every discriminator input, annealed to zero over training.

    Real and generated samples get independent noise `N(0, sigma_t^2)` in both updates, so
    the two distributions overlap and the discriminator cannot separate them perfectly
    early on; `sigma_t` decays linearly with the number of generator updates (which is
    saved with the optimizer, so a resumed run continues the schedule).

    Formula:
        `x <- x + sigma_t * eps`, `eps ~ N(0, I)`,
        `sigma_t = stddev * max(0, 1 - t / decay_steps)`.

    Args:
        stddev: The initial noise standard deviation, in data units (default 0.1).
        decay_steps: Generator updates until the noise vanishes (default `None`:
            constant noise).
        name: Default `"instance_noise"`.

    Example:
    >>> import keras, numpy as np
    >>> from keras_gans.steps import StepContext
    >>> noise = InstanceNoise(stddev=0.5, decay_steps=10)
    >>> ctx = StepContext.of(np.zeros((4, 2)), np.zeros((4, 2)), iteration=5,
    ...                      seed_generator=keras.random.SeedGenerator(0))
    >>> inputs = noise.transform(ctx.inputs, ctx)
    >>> bool(np.any(inputs.real.numpy() != inputs.fake.numpy()))
    True

    Reference:
        Sønderby et al., "Amortised MAP Inference for Image Super-resolution", ICLR 2017
        (appendix C, instance noise); Arjovsky & Bottou, "Towards Principled Methods for
        Training Generative Adversarial Networks", ICLR 2017.
    """

    def __init__(self, stddev=0.1, decay_steps=None, name="instance_noise"):
        super().__init__(name=name)
        self.stddev = non_negative(stddev, "stddev")
        if decay_steps is not None:
            decay_steps = positive_int(decay_steps, "decay_steps")
        self.decay_steps = decay_steps

    def transform(self, inputs, ctx):
        step = 0 if ctx.iteration is None else ctx.iteration
        sigma = instance_noise_stddev(step, self.stddev, self.decay_steps)
        real, fake = [
            t + sigma * keras.random.normal(ops.shape(t), seed=ctx.seed_generator)
            for t in (inputs.real, inputs.fake)
        ]
        return inputs.replace(real=real, fake=fake)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "decay_steps": self.decay_steps}


# ---------------------------------------------------------------------- DiffAugment
def _per_example(values, rank):
    return ops.reshape(values, (-1,) + (1,) * (rank - 1))


def adjust_brightness(images, shift):
    """Adds `shift[i]` to every pixel of image `i` (DiffAugment's brightness).

    Example:
    >>> import numpy as np
    >>> float(adjust_brightness(np.zeros((1, 2, 2, 1), "float32"), [0.25])[0, 0, 0, 0])
    0.25
    """
    return images + _per_example(ops.convert_to_tensor(shift, "float32"), 4)


def adjust_saturation(images, factor):
    """Scales each pixel's deviation from its channel mean by `factor[i]`.

    Example:
    >>> import numpy as np
    >>> x = np.array([[[[0.0, 1.0]]]], "float32")
    >>> adjust_saturation(x, [2.0]).numpy().ravel().tolist()
    [-0.5, 1.5]
    """
    mean = ops.mean(images, axis=-1, keepdims=True)
    return (images - mean) * _per_example(ops.convert_to_tensor(factor, "float32"), 4) + mean


def adjust_contrast(images, factor):
    """Scales each image's deviation from its mean (over pixels and channels) by `factor[i]`.

    Example:
    >>> import numpy as np
    >>> x = np.array([[[[0.0]], [[1.0]]]], "float32")
    >>> adjust_contrast(x, [0.5]).numpy().ravel().tolist()
    [0.25, 0.75]
    """
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * _per_example(ops.convert_to_tensor(factor, "float32"), 4) + mean


def _shift_matrix(shift, size):
    """One-hot `(n, size, size)` matrices `S[i, a, b] = 1 if b == a - shift[i]`."""
    target = ops.reshape(ops.arange(size), (1, size, 1))
    source = ops.reshape(ops.arange(size), (1, 1, size))
    shift = ops.reshape(ops.cast(shift, "int32"), (-1, 1, 1))
    return ops.cast(ops.equal(source, target - shift), "float32")


def translate(images, dy, dx):
    """Shifts image `i` by `dy[i]` rows and `dx[i]` columns, filling with zeros.

    Written as products with one-hot shift matrices, so it is differentiable in `images`.

    Example:
    >>> import numpy as np
    >>> x = np.arange(3, dtype="float32").reshape(1, 1, 3, 1)
    >>> translate(x, [0], [1]).numpy().ravel().tolist()
    [0.0, 0.0, 1.0]
    """
    height, width = images.shape[1], images.shape[2]
    rows = _shift_matrix(dy, height)
    columns = _shift_matrix(dx, width)
    images = ops.einsum("nhk,nkwc->nhwc", rows, images)
    return ops.einsum("nwk,nhkc->nhwc", columns, images)


def cutout(images, cy, cx, size):
    """Zeroes a `size x size` square of image `i` starting `size // 2` above-left of
    `(cy[i], cx[i])` (clipped at the borders).

    Example:
    >>> import numpy as np
    >>> cutout(np.ones((1, 3, 3, 1), "float32"), [0], [0], 2).numpy()[0, :, :, 0].tolist()
    [[0.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    height, width = images.shape[1], images.shape[2]
    top = ops.reshape(ops.cast(cy, "int32") - size // 2, (-1, 1, 1))
    left = ops.reshape(ops.cast(cx, "int32") - size // 2, (-1, 1, 1))
    rows = ops.reshape(ops.arange(height), (1, height, 1))
    columns = ops.reshape(ops.arange(width), (1, 1, width))
    inside = ops.logical_and(
        ops.logical_and(rows >= top, rows < top + size),
        ops.logical_and(columns >= left, columns < left + size),
    )
    keep = 1.0 - ops.cast(inside, "float32")
    return images * ops.expand_dims(keep, -1)


_POLICIES = ("color", "translation", "cutout")


@keras.saving.register_keras_serializable(package="keras_gans")
class DiffAugment(Trick):
    """Differentiable augmentation of every discriminator input (DiffAugment).

    Each call draws one set of random parameters per example index and applies it to
    every tensor it transforms, so real and generated images are augmented identically in
    distribution (example `i` of each batch gets the same transformation) and the
    discriminator never sees unaugmented images. The augmentations are differentiable
    (`keras.ops` arithmetic and one-hot shift matrices), so the generator is trained
    through them. For images of shape `(batch, height, width, channels)`.

    Formula (per example, with `u ~ U(0, 1)`):
        `color`: brightness `x + (u - 0.5)`, saturation `(x - mean_c x) 2u + mean_c x`,
        contrast `(x - mean x)(u + 0.5) + mean x`;
        `translation`: shift by up to `round(translation_ratio * side)` pixels per axis,
        zero fill; `cutout`: zero a square of side `round(cutout_ratio * side)` at a
        uniformly random centre.

    Args:
        policy: The augmentations, in order, from `("color", "translation", "cutout")`
            (default all three, as in the paper's best setting).
        translation_ratio: Largest shift as a fraction of the side (default 0.125).
        cutout_ratio: Cutout side as a fraction of the image side (default 0.5).
        name: Default `"diff_augment"`.

    Example:
    >>> import keras, numpy as np
    >>> from keras_gans.steps import StepContext
    >>> images = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    >>> ctx = StepContext.of(images, images, seed_generator=keras.random.SeedGenerator(0))
    >>> inputs = DiffAugment().transform(ctx.inputs, ctx)
    >>> np.array_equal(inputs.real, inputs.fake), np.allclose(inputs.real, images)
    (True, False)

    Reference:
        Zhao et al., "Differentiable Augmentation for Data-Efficient GAN Training",
        NeurIPS 2020.
    """

    def __init__(
        self,
        policy=_POLICIES,
        translation_ratio=0.125,
        cutout_ratio=0.5,
        name="diff_augment",
    ):
        super().__init__(name=name)
        policy = (policy,) if isinstance(policy, str) else tuple(policy)
        if not policy or any(p not in _POLICIES for p in policy):
            raise ValueError(
                f"`policy` must be a non-empty sequence of {_POLICIES}. Received: policy={policy!r}"
            )
        self.policy = policy
        self.translation_ratio = positive_number(translation_ratio, "translation_ratio")
        self.cutout_ratio = positive_number(cutout_ratio, "cutout_ratio")
        if self.cutout_ratio > 1:
            raise ValueError(
                f"`cutout_ratio` must be at most 1. Received: cutout_ratio={cutout_ratio!r}"
            )

    def transform(self, inputs, ctx):
        tensors = [inputs.real, inputs.fake]
        images = tensors[0]
        if len(images.shape) != 4 or None in tuple(images.shape[1:]):
            raise ValueError(
                "DiffAugment transforms images of shape (batch, height, width, channels) "
                f"with a known size. Received: discriminator inputs of shape {images.shape}"
            )
        n, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
        seed = ctx.seed_generator
        for kind in self.policy:
            if kind == "color":
                u = keras.random.uniform((3, n), seed=seed)
                tensors = [adjust_brightness(t, u[0] - 0.5) for t in tensors]
                tensors = [adjust_saturation(t, 2.0 * u[1]) for t in tensors]
                tensors = [adjust_contrast(t, u[2] + 0.5) for t in tensors]
            elif kind == "translation":
                sy = int(height * self.translation_ratio + 0.5)
                sx = int(width * self.translation_ratio + 0.5)
                dy = keras.random.randint((n,), -sy, sy + 1, seed=seed)
                dx = keras.random.randint((n,), -sx, sx + 1, seed=seed)
                tensors = [translate(t, dy, dx) for t in tensors]
            else:
                size = int(min(height, width) * self.cutout_ratio + 0.5)
                cy = keras.random.randint((n,), 0, height, seed=seed)
                cx = keras.random.randint((n,), 0, width, seed=seed)
                tensors = [cutout(t, cy, cx, size) for t in tensors]
        return inputs.replace(real=tensors[0], fake=tensors[1])

    def get_config(self):
        return {
            **super().get_config(),
            "policy": self.policy,
            "translation_ratio": self.translation_ratio,
            "cutout_ratio": self.cutout_ratio,
        }

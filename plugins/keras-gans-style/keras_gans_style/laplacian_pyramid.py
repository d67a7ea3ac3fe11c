"""The Laplacian pyramid of LAPGAN: its two operators, building it and collapsing it.

LAPGAN (Denton et al. 2015) writes an image `I` as a low-pass image plus band-pass residuals,
one per octave. With a downsampling operator `d` and an upsampling operator `u`, the
Gaussian pyramid is `I_K = I` (finest) and `I_{k-1} = d(I_k)`; the Laplacian pyramid is the
coarsest image `I_0` and the residuals `h_k = I_k - u(I_{k-1})`, and collapsing it,
`I_k = u(I_{k-1}) + h_k`, gives the image back exactly (in exact arithmetic, for any `d`
and `u`; in float32 to ~1e-7).

Here (and in LAPGAN's networks, which use the same operators as Keras layers):

- `d` is 2x2 average pooling (`keras.layers.AveragePooling2D(2)`): a box blur and
  decimation by two;
- `u` is bilinear upsampling by two with half-pixel centres
  (`keras.layers.UpSampling2D(2, interpolation="bilinear")`): along each axis
  `[a, b] -> [a, 0.75 a + 0.25 b, 0.25 a + 0.75 b, b]`.

Lists are ordered coarse to fine, the order LAPGAN samples in.
"""

from __future__ import annotations

from keras import ops

__all__ = [
    "build_laplacian_pyramid",
    "collapse_laplacian_pyramid",
    "downsample",
    "gaussian_pyramid",
    "upsample",
]


def _check_images(images, num_levels):
    images = ops.convert_to_tensor(images)
    if len(images.shape) != 4:
        raise ValueError(
            "`images` must be a batch of shape (batch, height, width, channels). "
            f"Received: images of shape {tuple(images.shape)}"
        )
    if isinstance(num_levels, bool) or not isinstance(num_levels, int) or num_levels < 1:
        raise ValueError(
            f"`num_levels` must be a positive integer. Received: num_levels={num_levels!r}"
        )
    factor = 2 ** (num_levels - 1)
    height, width = images.shape[1], images.shape[2]
    if height is not None and width is not None and (height % factor or width % factor):
        raise ValueError(
            f"A pyramid of {num_levels} levels needs sides divisible by {factor}. "
            f"Received: images of shape {tuple(images.shape)}"
        )
    return images


def downsample(images):
    """`d`: 2x2 average pooling, `(n, h, w, c)` -> `(n, h / 2, w / 2, c)`.

    Args:
        images: A batch `(n, h, w, c)` with even sides.

    Returns:
        The downsampled batch.

    Example:
    >>> import numpy as np
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> downsample(x)[0, :, :, 0].numpy().tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    return ops.average_pool(images, pool_size=2, strides=2, padding="valid")


def upsample(images):
    """`u`: bilinear upsampling by two (half-pixel centres, edges clamped).

    The same computation as `keras.layers.UpSampling2D(2, interpolation="bilinear")`.

    Args:
        images: A batch `(n, h, w, c)`.

    Returns:
        The batch `(n, 2 h, 2 w, c)`.

    Example:
    >>> import numpy as np
    >>> x = np.array([0.0, 4.0], "float32").reshape(1, 1, 2, 1)
    >>> upsample(x)[0, 0, :, 0].numpy().tolist()
    [0.0, 1.0, 3.0, 4.0]
    """
    images = ops.convert_to_tensor(images)
    shape = ops.shape(images)
    return ops.image.resize(
        images,
        (shape[1] * 2, shape[2] * 2),
        interpolation="bilinear",
        data_format="channels_last",
    )


def gaussian_pyramid(images, num_levels):
    """The Gaussian pyramid `[I_0, ..., I_{K-1}]`, coarse to fine (`I_{K-1}` = `images`).

    Args:
        images: A batch `(n, h, w, c)` whose sides are divisible by `2 ** (num_levels - 1)`.
        num_levels: `K`, the number of levels.

    Returns:
        A list of `num_levels` batches, the first `2 ** (K - 1)` times smaller.

    Example:
    >>> import numpy as np
    >>> [tuple(g.shape) for g in gaussian_pyramid(np.zeros((2, 8, 8, 1)), 3)]
    [(2, 2, 2, 1), (2, 4, 4, 1), (2, 8, 8, 1)]
    """
    levels = [_check_images(images, num_levels)]
    for _ in range(num_levels - 1):
        levels.insert(0, downsample(levels[0]))
    return levels


def build_laplacian_pyramid(images, num_levels):
    """The Laplacian pyramid `[I_0, h_1, ..., h_{K-1}]` of `images`, coarse to fine.

    `I_0` is the coarsest Gaussian level (the low-pass image); `h_k = I_k - u(I_{k-1})` is
    the band-pass residual at level `k`, of `I_k`'s size.

    Args:
        images: A batch `(n, h, w, c)` whose sides are divisible by `2 ** (num_levels - 1)`.
        num_levels: `K`, the number of levels (1: `[images]`).

    Returns:
        A list of `num_levels` batches.

    Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 3)).astype("float32")
    >>> pyramid = build_laplacian_pyramid(x, 3)
    >>> [tuple(p.shape[1:3]) for p in pyramid]
    [(2, 2), (4, 4), (8, 8)]
    >>> float(np.abs(collapse_laplacian_pyramid(pyramid) - x).max()) < 1e-6
    True

    Reference:
        Burt & Adelson, "The Laplacian Pyramid as a Compact Image Code", IEEE Trans.
        Communications 1983; Denton, Chintala, Szlam & Fergus, "Deep Generative Image
        Models using a Laplacian Pyramid of Adversarial Networks", NeurIPS 2015, eq. 3.
    """
    gaussians = gaussian_pyramid(images, num_levels)
    pairs = zip(gaussians[:-1], gaussians[1:], strict=True)
    bands = [fine - upsample(coarse) for coarse, fine in pairs]
    return [gaussians[0], *bands]


def collapse_laplacian_pyramid(pyramid):
    """The image of a Laplacian pyramid: `I_k = u(I_{k-1}) + h_k`, from `I_0` up.

    Args:
        pyramid: `[I_0, h_1, ..., h_{K-1}]`, coarse to fine, each level twice the side of
            the one before.

    Returns:
        The finest image `I_{K-1}`.

    Example:
    >>> import numpy as np
    >>> coarse, band = np.ones((1, 1, 1, 1)), np.full((1, 2, 2, 1), 0.5)
    >>> collapse_laplacian_pyramid([coarse, band])[0, :, :, 0].numpy().tolist()
    [[1.5, 1.5], [1.5, 1.5]]

    Reference:
        Denton et al., NeurIPS 2015, eq. 4.
    """
    if not isinstance(pyramid, (list, tuple)) or not pyramid:
        raise ValueError(
            "`pyramid` must be a non-empty list [I_0, h_1, ...] (coarse to fine). "
            f"Received: pyramid={pyramid!r}"
        )
    image = ops.convert_to_tensor(pyramid[0])
    for k, band in enumerate(pyramid[1:], start=1):
        band = ops.convert_to_tensor(band)
        expected = (2 * image.shape[1], 2 * image.shape[2])
        if tuple(band.shape[1:3]) != expected:
            raise ValueError(
                f"Level {k} of `pyramid` must be twice the side of level {k - 1}: "
                f"{expected}. Received: level {k} of shape {tuple(band.shape)}"
            )
        image = upsample(image) + ops.cast(band, image.dtype)
    return image

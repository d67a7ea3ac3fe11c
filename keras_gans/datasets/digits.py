"""scikit-learn's 1,797 bundled 8x8 handwritten digits, ready for a tanh generator."""

from __future__ import annotations


def load_digits(image_size=8):
    """Loads the bundled digits as float32 images in [-1, 1] and integer labels.

    The data ships inside scikit-learn, so it works offline.

    Args:
        image_size: Side of the returned images, a positive integer (default 8, the native
            size). Multiples of 8 are upscaled exactly (nearest neighbour, e.g. 16 or 32);
            any other side is resized bilinearly (antialiased when shrinking), as
            `keras_gans.datasets.load("digits", image_size=...)` does, e.g. 28 to stand in
            for MNIST's size.

    Returns:
        `(x, y)`: `x` of shape `(1797, image_size, image_size, 1)`, float32 in [-1, 1];
        `y` of shape `(1797,)`, int32 class ids 0-9.

    Example:
    >>> x, y = load_digits()
    >>> x.shape, float(x.min()), float(x.max()), int(y.max())
    ((1797, 8, 8, 1), -1.0, 1.0, 9)
    >>> load_digits(image_size=28)[0].shape
    (1797, 28, 28, 1)
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    if isinstance(image_size, bool) or not isinstance(image_size, int) or image_size <= 0:
        raise ValueError(
            f"`image_size` must be a positive integer. Received: image_size={image_size!r}"
        )
    bunch = _sklearn_digits()
    images = bunch.images.astype("float32") / 16.0 * 2.0 - 1.0  # pixel values are 0..16
    if image_size % 8 == 0:
        factor = image_size // 8
        images = images.repeat(factor, axis=1).repeat(factor, axis=2)[..., None]
    else:
        import numpy as np

        from keras_gans.datasets.pipeline import resize_images

        size = (image_size, image_size)
        images = np.asarray(resize_images(images[..., None], size), dtype="float32")
    return images, bunch.target.astype("int32")

"""scikit-learn's 1,797 bundled 8x8 handwritten digits, ready for a tanh generator."""

from __future__ import annotations


def load_digits(image_size=8):
    """Loads the bundled digits as float32 images in [-1, 1] and integer labels.

    The data ships inside scikit-learn, so it works offline.

    Args:
        image_size: Side of the returned images: 8 (default, the native size) or a multiple
            of 8 (nearest-neighbour upscaling, e.g. 16 or 32).

    Returns:
        `(x, y)`: `x` of shape `(1797, image_size, image_size, 1)`, float32 in [-1, 1];
        `y` of shape `(1797,)`, int32 class ids 0-9.

    Example:
    >>> x, y = load_digits()
    >>> x.shape, float(x.min()), float(x.max()), int(y.max())
    ((1797, 8, 8, 1), -1.0, 1.0, 9)
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    if isinstance(image_size, bool) or not isinstance(image_size, int) or image_size % 8:
        raise ValueError(
            f"`image_size` must be a positive multiple of 8. Received: image_size={image_size!r}"
        )
    bunch = _sklearn_digits()
    images = bunch.images.astype("float32") / 16.0 * 2.0 - 1.0  # pixel values are 0..16
    factor = image_size // 8
    images = images.repeat(factor, axis=1).repeat(factor, axis=2)
    return images[..., None], bunch.target.astype("int32")

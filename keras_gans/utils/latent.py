"""Latent-space tools: truncated priors, interpolation, and generating from given latents."""

from __future__ import annotations

import numpy as np

__all__ = ["generate_from_latents", "interpolate", "lerp", "slerp", "truncated_normal"]


def truncated_normal(n, latent_dim, threshold, seed=None):
    """Draws `n` latent vectors from N(0, I) with every entry resampled until |z| <= threshold.

    The truncation trick (Brock et al. 2019) trades diversity for fidelity: smaller
    thresholds give more typical samples. Only meaningful for a normal prior.

    Args:
        n: Number of vectors.
        latent_dim: Size of each vector.
        threshold: Positive truncation threshold.
        seed: NumPy seed (default `None`).

    Returns:
        A float32 array of shape `(n, latent_dim)`.

    Example:
    >>> z = truncated_normal(1000, 8, threshold=0.5, seed=0)
    >>> z.shape, bool(abs(z).max() <= 0.5)
    ((1000, 8), True)

    Reference:
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High Fidelity Natural Image
        Synthesis", ICLR 2019, section 3.1.
    """
    if not threshold > 0:
        raise ValueError(f"`threshold` must be positive. Received: threshold={threshold!r}")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, latent_dim))
    outside = np.abs(z) > threshold
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > threshold
    return z.astype("float32")


def lerp(z0, z1, t):
    """Linear interpolation `(1 - t) z0 + t z1` for scalar or per-row `t`.

    Example:
    >>> lerp(np.zeros(2), np.ones(2), 0.25).tolist()
    [0.25, 0.25]
    """
    t = np.asarray(t, dtype="float64")[..., None]
    return ((1.0 - t) * np.asarray(z0) + t * np.asarray(z1)).astype("float32")


def slerp(z0, z1, t):
    """Spherical linear interpolation between two latent vectors (White 2016).

    Follows the great circle between `z0` and `z1`, so intermediate points keep the norm
    typical of a Gaussian prior instead of passing near the origin as `lerp` does. Falls back
    to `lerp` for (anti)parallel vectors.

    Formula:
        slerp(z0, z1; t) = sin((1-t)w)/sin(w) z0 + sin(t w)/sin(w) z1,
        w = arccos(z0.z1 / (|z0| |z1|))

    Example:
    >>> z = slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.5)
    >>> [round(float(v), 4) for v in z]
    [0.7071, 0.7071]

    Reference:
        White, "Sampling Generative Networks", arXiv:1609.04468, 2016.
    """
    z0, z1 = np.asarray(z0, dtype="float64"), np.asarray(z1, dtype="float64")
    t = np.asarray(t, dtype="float64")[..., None]
    cosine = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cosine, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(z0, z1, t[..., 0])
    return ((np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)).astype(
        "float32"
    )


def interpolate(latents, steps, method="slerp"):
    """Walks through a sequence of latent vectors, `steps` points per segment.

    Args:
        latents: Array of shape `(k, latent_dim)`, `k >= 2` key points.
        steps: Points per segment including its start (the final key point is appended).
        method: `"slerp"` (default) or `"linear"`.

    Returns:
        A float32 array of shape `((k - 1) * steps + 1, latent_dim)`.

    Example:
    >>> interpolate(np.eye(3), steps=4, method="linear").shape
    (9, 3)
    """
    latents = np.asarray(latents, dtype="float32")
    if latents.ndim != 2 or len(latents) < 2:
        raise ValueError(
            "`latents` must have shape (k >= 2, latent_dim). "
            f"Received: shape {tuple(latents.shape)}"
        )
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"`steps` must be a positive integer. Received: steps={steps!r}")
    functions = {"slerp": slerp, "linear": lerp}
    if method not in functions:
        raise ValueError(f"`method` must be 'slerp' or 'linear'. Received: method={method!r}")
    t = np.arange(steps) / steps
    path = [functions[method](a, b, t) for a, b in zip(latents[:-1], latents[1:], strict=True)]
    return np.concatenate([*path, latents[-1:]], axis=0)


def generate_from_latents(model, latents, labels=None, batch_size=256):
    """Runs a `GANModel`'s generator (its EMA copy when it has one) on given latents.

    Args:
        model: A `keras_gans.GANModel`.
        latents: Array of shape `(n, latent_dim)`.
        labels: For conditional models, one label per latent or a single one for all.
        batch_size: Latents per generator call (default 256).

    Returns:
        A NumPy array of `n` samples in the generator's output range.

    Example:
    >>> from keras_gans.testing import tiny_gan
    >>> generate_from_latents(tiny_gan(), np.zeros((3, 4))).shape
    (3, 2)
    """
    from keras import ops

    latents = np.asarray(latents, dtype="float32")
    if latents.ndim != 2 or latents.shape[1] != model.latent_dim:
        raise ValueError(
            f"`latents` must have shape (n, {model.latent_dim}). "
            f"Received: shape {tuple(latents.shape)}"
        )
    condition = model._check_labels(labels, len(latents))
    network = getattr(model, "ema_generator", None) or model.generator
    outputs = []
    for start in range(0, len(latents), batch_size):
        z = ops.convert_to_tensor(latents[start : start + batch_size])
        inputs = z if condition is None else [z, ops.convert_to_tensor(condition[start:][: len(z)])]
        outputs.append(ops.convert_to_numpy(network(inputs, training=False)))
    return np.concatenate(outputs, axis=0)

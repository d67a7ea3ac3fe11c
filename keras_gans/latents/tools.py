"""Latent-space tools: truncated priors, interpolation, vector arithmetic, sweeps, generating."""

from __future__ import annotations

import math
import numbers

import numpy as np

from keras_gans.checks import number_in
from keras_gans.checks import positive_int as check_positive_int
from keras_gans.latents.infogan_latent import InfoGANLatent
from keras_gans.latents.priors import resolve

__all__ = [
    "class_sweep",
    "code_sweep",
    "generate_from_latents",
    "interpolate",
    "latent_arithmetic",
    "lerp",
    "slerp",
    "truncated_normal",
]


def truncated_normal(n, latent_dim, threshold, seed=None):
    """Draws `n` latent vectors from N(0, I) truncated entry-wise to [-threshold, threshold].

    Sampled in closed form (inverse CDF of the truncated normal: `u` uniform on
    `[Phi(-t), Phi(t)]`, `z = Phi^-1(u)`), so the time does not grow as the threshold
    shrinks, where resampling until every |z| <= t would run for ever. The truncation trick
    (Brock et al. 2019) trades diversity for fidelity: smaller thresholds give more typical
    samples. Only meaningful for a normal prior.

    Args:
        n: Number of vectors.
        latent_dim: Size of each vector.
        threshold: Positive, finite truncation threshold.
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
    from scipy.special import ndtr, ndtri

    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float, np.integer, np.floating))
        or not 0 < threshold < np.inf
    ):
        raise ValueError(
            f"`threshold` must be a positive, finite number. Received: threshold={threshold!r}"
        )
    n = check_positive_int(n, "n")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    low, high = ndtr(-float(threshold)), ndtr(float(threshold))
    u = np.random.default_rng(seed).uniform(low, high, size=(n, latent_dim))
    return np.clip(ndtri(u), -threshold, threshold).astype("float32")


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
    to `lerp` where the great circle is undefined: for (anti)parallel vectors and when
    either vector is zero (e.g. a walk from the mean latent `z = 0`).

    Formula:
        slerp(z0, z1; t) = sin((1-t)w)/sin(w) z0 + sin(t w)/sin(w) z1,
        w = arccos(z0.z1 / (|z0| |z1|))

    Args:
        z0: The start, one latent vector of shape `(latent_dim,)`.
        z1: The end, of the same shape (for a batch of pairs, call `slerp` per pair).
        t: A scalar or a 1-D array of positions, 0 at `z0` and 1 at `z1`.

    Returns:
        A float32 array: `(latent_dim,)` for a scalar `t`, else `(len(t), latent_dim)`.

    Example:
    >>> z = slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.5)
    >>> [round(float(v), 4) for v in z]
    [0.7071, 0.7071]

    Reference:
        White, "Sampling Generative Networks", arXiv:1609.04468, 2016.
    """
    z0, z1 = np.asarray(z0, dtype="float64"), np.asarray(z1, dtype="float64")
    if z0.ndim != 1 or z0.shape != z1.shape or not len(z0):
        raise ValueError(
            "`z0` and `z1` must be two latent vectors of the same shape (latent_dim,); for a "
            f"batch of pairs call slerp once per pair. Received: shapes {z0.shape} and {z1.shape}"
        )
    t = np.asarray(t, dtype="float64")[..., None]
    norms = np.linalg.norm(z0) * np.linalg.norm(z1)
    if not norms > 1e-12:  # a zero vector has no direction: no great circle
        return lerp(z0, z1, t[..., 0])
    omega = np.arccos(np.clip(np.dot(z0, z1) / norms, -1.0, 1.0))
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
    steps = check_positive_int(steps, "steps")
    functions = {"slerp": slerp, "linear": lerp}
    if method not in functions:
        raise ValueError(f"`method` must be 'slerp' or 'linear'. Received: method={method!r}")
    t = np.arange(steps) / steps
    path = [functions[method](a, b, t) for a, b in zip(latents[:-1], latents[1:], strict=True)]
    return np.concatenate([*path, latents[-1:]], axis=0)


def generate_from_latents(model, latents, labels=None, batch_size=256, network=None):
    """Runs a `GANModel`'s generator (its EMA copy when it has one) on given latents.

    Args:
        model: A `keras_gans.GANModel`.
        latents: Array of shape `(n, latent_dim)`.
        labels: For conditional models, one label per latent or a single one for all.
        batch_size: Latents per generator call (default 256).
        network: The network to run, with the generator's inputs (default `None`: the EMA
            generator, else the generator), e.g. a StyleGAN's `sampler(truncation_psi=0.7)`.

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
    batch_size = check_positive_int(batch_size, "batch_size")
    condition = model._check_labels(labels, len(latents))
    network = network or getattr(model, "ema_generator", None) or model.generator
    outputs = []
    for start in range(0, len(latents), batch_size):
        z = ops.convert_to_tensor(latents[start : start + batch_size])
        inputs = z if condition is None else [z, ops.convert_to_tensor(condition[start:][: len(z)])]
        outputs.append(ops.convert_to_numpy(network(inputs, training=False)))
    return np.concatenate(outputs, axis=0)


def _groups(groups, argument):
    """Means of each group: `groups` is one `(k, d)` or `(d,)` array-like, or a list of them."""
    try:
        array = np.asarray(groups, dtype="float64")
    except (TypeError, ValueError):  # ragged: a list of groups of different sizes
        array = None
    if array is not None and array.ndim <= 2:
        groups = [array] if array.size else []  # one group, or none
    means = []
    for group in groups:
        try:
            group = np.atleast_2d(np.asarray(group, dtype="float64"))
        except (TypeError, ValueError):
            group = np.zeros((0, 0))
        if group.ndim != 2 or 0 in group.shape:
            raise ValueError(
                f"Every group of `{argument}` must be a (k, latent_dim) array of k >= 1 "
                f"latents. Received: shape {tuple(group.shape)}"
            )
        means.append(group.mean(axis=0))
    return means


def latent_arithmetic(plus, minus=(), n=1, noise=0.0, seed=None):
    """Vector arithmetic on averaged latent vectors (Radford et al. 2015, section 6.3).

    Each group of latents (e.g. three samples that show "smiling woman") is averaged
    first, which the paper found far more stable than arithmetic on single vectors; the
    result is the sum of the `plus` means minus the sum of the `minus` means. `plus` and
    `minus` are read alike, whatever their container (NumPy array or nested list): a
    `(k, latent_dim)` array-like is one group, a list of such arrays is several (write
    `[[v1], [v2]]` for two single-vector groups: `[v1, v2]` is one group of two). `n > 1`
    returns the result plus `n - 1` jittered copies with uniform noise in
    `[-noise, noise]`, as the paper shows beside each result.

    Formula:
        `z = sum_i mean(plus_i) - sum_j mean(minus_j)`; rows `2..n`: `z + U(-noise, noise)`.

    Args:
        plus: The groups added: one group (a `(k, latent_dim)` array-like) or a list of
            groups, each `(k, latent_dim)` (or one `(latent_dim,)` vector).
        minus: The groups subtracted, read as `plus` (default none).
        n: Rows returned (default 1).
        noise: Half-width of the uniform jitter of rows `2..n` (default 0.0; the paper
            used 0.25).
        seed: NumPy seed of the jitter (default `None`).

    Returns:
        A float32 array of shape `(n, latent_dim)`; row 0 is the exact result.

    Example:
    >>> smiling_woman = [[2.0, 0.0], [4.0, 0.0]]  # mean (3, 0)
    >>> neutral_woman, neutral_man = [[1.0, 0.0]], [[1.0, 1.0]]
    >>> latent_arithmetic([smiling_woman, neutral_man], [neutral_woman]).tolist()
    [[3.0, 1.0]]

    Reference:
        Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016, section 6.3.
    """
    positive, negative = _groups(plus, "plus"), _groups(minus, "minus")
    if not positive:
        raise ValueError(f"`plus` must hold at least one group of latents. Received: plus={plus!r}")
    sizes = {len(m) for m in positive + negative}
    if len(sizes) != 1:
        raise ValueError(
            f"Every group must have the same latent size. Received sizes: {sorted(sizes)}"
        )
    n = check_positive_int(n, "n")
    noise = number_in(noise, "noise", 0, math.inf, high_open=True)
    result = sum(positive) - sum(negative, np.zeros_like(positive[0]))
    rows = np.repeat(result[None], n, axis=0)
    if n > 1 and noise > 0:
        rows[1:] += np.random.default_rng(seed).uniform(-noise, noise, size=rows[1:].shape)
    return rows.astype("float32")


def _column_latents(model, columns, seed, latents):
    if latents is not None:
        latents = np.asarray(latents, dtype="float32")
        if latents.ndim != 2 or latents.shape[1] != model.latent_dim:
            raise ValueError(
                f"`latents` must have shape (columns, {model.latent_dim}). "
                f"Received: shape {tuple(latents.shape)}"
            )
        return latents
    columns = check_positive_int(columns, "columns")
    return np.asarray(model.sample_latent(columns, seed=seed), dtype="float32")


def class_sweep(model, columns=8, seed=None, classes=None, latents=None, network=None):
    """A class-sweep grid of a label-conditioned model: one row per class, one latent per column.

    Every row uses the same latents, so a column shows what the class changes while
    everything `z` controls (style, thickness, slant) stays.

    Args:
        model: A conditional `keras_gans.GANModel` with class-id labels.
        columns: Latents (columns) per row (default 8).
        seed: Seed of the latents (default `None`).
        classes: The class ids of the rows (default `None`: `range(model.num_classes)`).
        latents: Explicit `(columns, latent_dim)` latents (default `None`: drawn).
        network: The network to run (default `None`: see `generate_from_latents`).

    Returns:
        `(samples, classes)`: samples of shape `(rows * columns, ...)` in row-major order
        (save them with `keras_gans.images.save_image_grid(samples, path, rows=rows)`), and
        the class id of each row.

    Example:
    >>> import keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "dcgan", image_shape=(8, 8, 1), latent_dim=4, num_classes=3, base_filters=4)
    >>> samples, classes = class_sweep(gan, columns=2, seed=0)
    >>> samples.shape, classes.tolist()
    ((6, 8, 8, 1), [0, 1, 2])
    """
    if not model.conditional:
        raise ValueError(
            "class_sweep needs a label-conditioned GANModel (for InfoGAN's unsupervised "
            f"categories use code_sweep). Received: the unconditional model {model.name!r}"
        )
    if classes is None:
        if model.num_classes is None:
            raise ValueError(
                "The model does not know its number of classes: pass `classes`. "
                "Received: classes=None"
            )
        classes = range(model.num_classes)
    classes = np.asarray(list(classes))
    if classes.ndim != 1 or len(classes) == 0 or not np.issubdtype(classes.dtype, np.integer):
        raise ValueError(f"`classes` must be a non-empty list of class ids. Received: {classes!r}")
    z = _column_latents(model, columns, seed, latents)
    labels = np.repeat(classes, len(z)).astype("int32")
    samples = generate_from_latents(model, np.tile(z, (len(classes), 1)), labels, network=network)
    return samples, classes


def code_sweep(
    model, code=0, values=None, columns=8, seed=None, continuous=False, latents=None, network=None
):
    """A sweep of one InfoGAN code: one row per code value, one latent per column.

    Each column keeps its noise and its other codes; only the swept code changes along
    the column, so one row per category of a categorical code shows what it captured
    (digit identity on MNIST in the paper).

    Args:
        model: A `keras_gans.GANModel` with a `keras_gans.latents.InfoGANLatent`
            prior.
        code: Index of the swept code among the categorical (or continuous) codes
            (default 0).
        values: The code values of the rows (default `None`: every category, or five
            values evenly spaced over the prior's range for a continuous code).
        columns: Latents (columns) per row (default 8).
        seed: Seed of the latents (default `None`).
        continuous: Sweep continuous code `code` instead of a categorical one (default
            `False`).
        latents: Explicit `(columns, latent_dim)` latents (default `None`: drawn).
        network: The network to run (default `None`: see `generate_from_latents`).

    Returns:
        `(samples, values)`: samples of shape `(rows * columns, ...)` in row-major order,
        and the code value of each row.

    Example:
    >>> import keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "infogan", image_shape=(8, 8, 1), latent_dim=16, base_filters=4)
    >>> samples, values = code_sweep(gan, columns=2, seed=0)
    >>> samples.shape, values.tolist()[:3]
    ((20, 8, 8, 1), [0, 1, 2])
    """
    prior = resolve(model.latent_distribution)
    if not isinstance(prior, InfoGANLatent):
        raise ValueError(
            "code_sweep needs a model whose latent_distribution is an InfoGANLatent. "
            f"Received: latent_distribution={model.latent_distribution!r}"
        )
    count = prior.continuous_codes if continuous else len(prior.categorical_codes)
    if isinstance(code, bool) or not isinstance(code, numbers.Integral) or not 0 <= code < count:
        kind = "continuous" if continuous else "categorical"
        raise ValueError(
            f"`code` must index one of the {count} {kind} codes. Received: code={code!r}"
        )
    if values is None:
        if continuous:
            bound = prior.continuous_range
            values = np.linspace(-bound, bound, 5)
        else:
            values = np.arange(prior.categorical_codes[code])
    values = np.asarray(list(values))
    z = _column_latents(model, columns, seed, latents)
    rows = []
    for value in values:
        chosen = {code: value}
        if continuous:
            rows.append(prior.set_codes(z, continuous=chosen))
        else:
            rows.append(prior.set_codes(z, categorical=chosen))
    samples = generate_from_latents(model, np.concatenate(rows, axis=0), network=network)
    return samples, values

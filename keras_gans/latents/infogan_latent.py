"""InfoGAN's structured latent: noise followed by categorical and continuous codes.

`InfoGANLatent` is a `keras_gans.latents.LatentDistribution`: `GANModel` draws the whole
generator input from it, the `MutualInformation` trick reads the codes back from
`StepContext.latent` with `split`, and `with_codes` builds latents whose codes you choose,
e.g. to sweep one code while the noise stays fixed (`keras_gans.latents.code_sweep`).
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
from keras import ops

from keras_gans.checks import one_of, positive_number
from keras_gans.latents.priors import LatentDistribution

__all__ = ["InfoGANLatent"]

_NOISES = ("uniform", "normal")


def _seed(seed):
    """An int seed becomes a `SeedGenerator`, so successive draws of one call differ."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return keras.random.SeedGenerator(int(seed))
    return seed


def _check_index(index, count, argument, value):
    """Refuses a code index that is not an integer in `[0, count)`."""
    if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not 0 <= index < count:
        raise ValueError(
            f"`{argument}` names code {index!r}, but there are {count} {argument} codes (a key "
            f"must be an integer in [0, {count})). Received: {argument}={value!r}"
        )


def _broadcast(values, shape, argument, index, dtype=None):
    """`values` as an array of `shape`, or a `ValueError` naming the argument and the code."""
    try:
        return np.broadcast_to(np.asarray(values, dtype), shape)
    except (TypeError, ValueError):
        which = "" if index is None else f" of code {index}"
        raise ValueError(
            f"`{argument}` values{which} must be numbers that broadcast to {shape}. "
            f"Received: {values!r}"
        ) from None


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGANLatent(LatentDistribution):
    """Noise `z` concatenated with InfoGAN's latent codes `c`, as one generator input.

    Layout of a `(n, latent_dim)` latent: `latent_dim - code_size` noise entries, then one
    one-hot block per categorical code (`k` entries for a code with `k` categories), then
    the continuous codes. Categorical codes are drawn uniformly over their categories,
    continuous codes from U(-continuous_range, continuous_range), as in the paper.

    Args:
        categorical_codes: The number of categories of each categorical code (default
            `(10,)`: one 10-way code, as for MNIST digits in the paper).
        continuous_codes: How many continuous codes (default 2).
        noise: The noise prior, `"uniform"` (default, U(-1, 1) as in the paper) or
            `"normal"`.
        continuous_range: Half-width of the continuous codes' uniform prior (default 1.0).

    Example:
    >>> prior = InfoGANLatent(categorical_codes=(3,), continuous_codes=1)
    >>> z = prior.sample(4, latent_dim=6, seed=0)
    >>> parts = prior.split(z)
    >>> tuple(parts["noise"].shape), tuple(parts["categorical"][0].shape)
    ((4, 2), (4, 3))
    >>> prior.with_codes(2, 6, categorical=2, continuous=0.5, seed=0)[:, 2:].tolist()
    [[0.0, 0.0, 1.0, 0.5], [0.0, 0.0, 1.0, 0.5]]

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information
        Maximizing Generative Adversarial Nets", NeurIPS 2016.
    """

    def __init__(
        self, categorical_codes=(10,), continuous_codes=2, noise="uniform", continuous_range=1.0
    ):
        try:
            codes = tuple(categorical_codes)
        except TypeError:
            codes = None
        if codes is None or any(
            isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 for k in codes
        ):
            raise ValueError(
                "`categorical_codes` must be a sequence of category counts, each an integer "
                f">= 2 (e.g. (10,)), or (). Received: categorical_codes={categorical_codes!r}"
            )
        if (
            isinstance(continuous_codes, bool)
            or not isinstance(continuous_codes, (int, np.integer))
            or continuous_codes < 0
        ):
            raise ValueError(
                "`continuous_codes` must be a non-negative integer. "
                f"Received: continuous_codes={continuous_codes!r}"
            )
        one_of(noise, "noise", _NOISES)
        self.categorical_codes = tuple(int(k) for k in codes)
        self.continuous_codes = int(continuous_codes)
        self.noise = noise
        self.continuous_range = positive_number(continuous_range, "continuous_range")

    @property
    def code_size(self):
        """The number of latent entries the codes take (one-hot blocks + continuous)."""
        return sum(self.categorical_codes) + self.continuous_codes

    def noise_dim(self, latent_dim):
        """The number of noise entries in a latent of size `latent_dim`."""
        return latent_dim - self.code_size

    def check(self, latent_dim):
        if self.noise_dim(latent_dim) < 1:
            raise ValueError(
                f"`latent_dim` must exceed the size of the InfoGAN codes ({self.code_size}: "
                f"categorical {list(self.categorical_codes)} one-hot, {self.continuous_codes} "
                f"continuous) by at least one noise entry. Received: latent_dim={latent_dim}"
            )

    def sample(self, n, latent_dim, seed=None):
        self.check(latent_dim)
        seed = _seed(seed)
        shape = (n, self.noise_dim(latent_dim))
        if self.noise == "uniform":
            parts = [keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=seed)]
        else:
            parts = [keras.random.normal(shape, seed=seed)]
        for categories in self.categorical_codes:
            ids = keras.random.randint((n,), 0, categories, seed=seed)
            parts.append(ops.one_hot(ids, categories, dtype="float32"))
        if self.continuous_codes:
            bound = self.continuous_range
            parts.append(
                keras.random.uniform(
                    (n, self.continuous_codes), minval=-bound, maxval=bound, seed=seed
                )
            )
        return ops.concatenate(parts, axis=-1)

    def split(self, latent):
        """Splits latents into their parts.

        Args:
            latent: A `(n, latent_dim)` tensor or array drawn from this distribution.

        Returns:
            A dict: `"noise"`, `"categorical"` (a list of one-hot blocks, one per
            categorical code) and `"continuous"` (`(n, continuous_codes)`, or `None`).
        """
        width = latent.shape[-1]
        if width is not None and width <= self.code_size:
            raise ValueError(
                f"`latent` must have more than the {self.code_size} entries of the codes (the "
                f"noise comes first). Received: latent of shape {tuple(latent.shape)}"
            )
        start = width - self.code_size
        parts = {"noise": latent[:, :start], "categorical": [], "continuous": None}
        for categories in self.categorical_codes:
            parts["categorical"].append(latent[:, start : start + categories])
            start += categories
        if self.continuous_codes:
            parts["continuous"] = latent[:, start:]
        return parts

    def with_codes(self, n, latent_dim, categorical=None, continuous=None, seed=None):
        """Draws `n` latents, then sets chosen codes (the noise and other codes stay drawn).

        Args:
            n: How many latents.
            latent_dim: Their size (the model's `latent_dim`).
            categorical: Categories to fix: a dict `{code_index: ids}` or, for code 0,
                the ids alone; `ids` is one int for all rows or one per row (default
                `None`: all drawn).
            continuous: Continuous values to fix: a dict `{code_index: values}` or an
                array broadcastable to `(n, continuous_codes)` (default `None`: drawn).
            seed: Seed of the drawn parts (default `None`).

        Returns:
            A float32 NumPy array of shape `(n, latent_dim)`.
        """
        latent = self.sample(n, latent_dim, seed=seed)
        return self.set_codes(latent, categorical=categorical, continuous=continuous)

    def set_codes(self, latents, categorical=None, continuous=None):
        """Returns a copy of `latents` with chosen codes set (arguments as in `with_codes`).

        Args:
            latents: A `(n, latent_dim)` array or tensor from this distribution.
            categorical: See `with_codes` (default `None`: unchanged).
            continuous: See `with_codes` (default `None`: unchanged).

        Returns:
            A float32 NumPy array of shape `(n, latent_dim)`.
        """
        latent = np.array(latents, dtype="float32")
        n, latent_dim = latent.shape
        self.check(latent_dim)
        start = self.noise_dim(latent_dim)
        offsets = np.cumsum((0, *self.categorical_codes))
        chosen = {} if categorical is None else categorical
        if not isinstance(chosen, dict):
            chosen = {0: chosen}
        for index, ids in chosen.items():
            _check_index(index, len(self.categorical_codes), "categorical", categorical)
            categories = self.categorical_codes[index]
            ids = _broadcast(ids, (n,), "categorical", index)
            if not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= categories:
                raise ValueError(
                    f"`categorical` ids of code {index} must be integers in [0, {categories}). "
                    f"Received: {np.unique(ids).tolist()[:10]}"
                )
            block = slice(start + offsets[index], start + offsets[index + 1])
            latent[:, block] = np.eye(categories, dtype="float32")[ids]
        if continuous is not None:
            self._set_continuous(latent, continuous, n)
        return latent

    def _set_continuous(self, latent, continuous, n):
        count = self.continuous_codes
        if count == 0:
            raise ValueError(
                "`continuous` was given but this prior has no continuous codes. "
                f"Received: continuous={continuous!r}"
            )
        block = latent[:, latent.shape[1] - count :]
        if isinstance(continuous, dict):
            for index, values in continuous.items():
                _check_index(index, count, "continuous", continuous)
                block[:, index] = _broadcast(values, (n,), "continuous", index, "float32")
        else:
            block[:] = _broadcast(continuous, (n, count), "continuous", None, "float32")

    def get_config(self):
        return {
            "categorical_codes": list(self.categorical_codes),
            "continuous_codes": self.continuous_codes,
            "noise": self.noise,
            "continuous_range": self.continuous_range,
        }

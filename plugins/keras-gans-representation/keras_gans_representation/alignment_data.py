"""Synthetic embedding spaces related by a hidden rotation, and the rows `fit` trains on.

`synthetic_embedding_spaces` builds two "languages" over one set of concepts: the source
embeds each concept as a point of a clustered, anisotropic cloud (a stand-in for the topical
structure of word vectors); the target embeds it as the same point turned by a hidden
random rotation, plus noise. Each language lists its words by a Zipf-like frequency that
it perturbs on its own, so translations have similar but not equal frequency ranks: the
most frequent words of the two languages mostly overlap, yet row `i` of one is rarely the
translation of row `i` of the other.

Example:
>>> spaces = synthetic_embedding_spaces(n_words=100, dim=4, noise=0.0, seed=0)
>>> import numpy as np
>>> bool(np.allclose(spaces.source @ spaces.rotation, spaces.target[spaces.translation],
...                  atol=1e-5))
True
"""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_gans.checks import non_negative, positive_int

__all__ = ["EmbeddingSpaces", "synthetic_embedding_spaces", "unpaired_rows"]


@dataclasses.dataclass(frozen=True)
class EmbeddingSpaces:
    """Two embedding tables and the truth that relates them.

    Attributes:
        source: `(n_words, dim)` float32 source embeddings, most frequent word first.
        target: `(n_words, dim)` float32 target embeddings, most frequent word first.
        translation: `(n_words,)` int64: `target[translation[i]]` translates `source[i]`.
        rotation: `(dim, dim)` float64 orthogonal matrix: `source @ rotation` is the target
            embedding of each source word before noise (row convention, as a Keras kernel).
    """

    source: np.ndarray
    target: np.ndarray
    translation: np.ndarray
    rotation: np.ndarray


def _random_rotation(rng, dim):
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)))
    return q * np.sign(np.diag(r))  # Haar-distributed orthogonal matrix


def synthetic_embedding_spaces(
    n_words=5000, dim=32, noise=0.05, clusters=50, frequency_jitter=0.5, seed=0
):
    """Builds source and target embeddings related by a hidden rotation plus noise.

    Each concept is a point of a mixture of `clusters` Gaussian clusters with Zipf-weighted
    sizes, random centres and random anisotropic shapes, scaled so the mean squared norm is
    1. The target embedding is `concept @ rotation + noise * e`, `e ~ N(0, I / dim)`, so
    `noise` is the noise's norm relative to the signal's. Concept `c` has log-frequency
    `-log(c + 1)`; each language adds `N(0, frequency_jitter^2)` to it and sorts its words
    by the result (most frequent first).

    Args:
        n_words: Words per language (default 5000).
        dim: Embedding size (default 32).
        noise: Relative noise of the target (default 0.05).
        clusters: Mixture components (default 50).
        frequency_jitter: How much each language perturbs the log-frequencies (default
            0.5; 0 gives identical rankings, so row `i` translates row `i`).
        seed: NumPy seed (default 0).

    Returns:
        An `EmbeddingSpaces`.
    """
    n_words, dim = positive_int(n_words, "n_words"), positive_int(dim, "dim")
    clusters = positive_int(clusters, "clusters")
    noise = non_negative(noise, "noise")
    frequency_jitter = non_negative(frequency_jitter, "frequency_jitter")
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, clusters + 1)
    centres = rng.normal(size=(clusters, dim))
    shapes = rng.normal(size=(clusters, dim, dim)) * 0.5 / np.sqrt(dim)
    member = rng.choice(clusters, size=n_words, p=weights / weights.sum())
    offsets = np.einsum("nd,nde->ne", rng.normal(size=(n_words, dim)), shapes[member])
    concepts = centres[member] + offsets
    concepts /= np.sqrt(np.mean(np.sum(concepts**2, axis=1)))
    rotation = _random_rotation(rng, dim)
    translated = concepts @ rotation + noise * rng.normal(size=concepts.shape) / np.sqrt(dim)
    log_frequency = -np.log(np.arange(1, n_words + 1))
    rng.shuffle(log_frequency)  # frequency is unrelated to the cluster a concept is in
    source_order = np.argsort(-(log_frequency + frequency_jitter * rng.normal(size=n_words)))
    target_order = np.argsort(-(log_frequency + frequency_jitter * rng.normal(size=n_words)))
    target_row = np.empty(n_words, dtype="int64")
    target_row[target_order] = np.arange(n_words)
    return EmbeddingSpaces(
        source=concepts[source_order].astype("float32"),
        target=translated[target_order].astype("float32"),
        translation=target_row[source_order],
        rotation=rotation,
    )


def unpaired_rows(source, target, most_frequent=None, seed=0):
    """Stacks independently shuffled source and target rows for `EmbeddingAlignmentModel.fit`.

    The adversarial game needs unrelated minibatches of each language: row `i` of the
    result holds a random source word and a random target word, among the `most_frequent`
    first rows of each table (the paper feeds its discriminator the 50,000 most frequent
    words). `fit`'s per-epoch shuffling then draws minibatches of both languages.

    Args:
        source: `(n_source, dim)` source embeddings, most frequent first.
        target: `(n_target, dim)` target embeddings, most frequent first.
        most_frequent: How many rows of each to use (default `None`: the smaller table's
            size).
        seed: NumPy seed of the two shuffles (default 0).

    Returns:
        A float32 array `(n, 2, dim)`: `[:, 0]` source rows, `[:, 1]` target rows.

    Example:
    >>> rows = unpaired_rows(np.zeros((5, 3)), np.ones((4, 3)))
    >>> rows.shape, float(rows[:, 1].min())
    ((4, 2, 3), 1.0)
    """
    source, target = np.asarray(source, "float32"), np.asarray(target, "float32")
    for name, table in (("source", source), ("target", target)):
        if table.ndim != 2 or not len(table):
            raise ValueError(
                f"`{name}` must be a non-empty 2-D array (words, dim). Received: shape "
                f"{table.shape}"
            )
    if source.shape[1] != target.shape[1]:
        raise ValueError(
            "`source` and `target` must have the same embedding size. Received: "
            f"{source.shape[1]} and {target.shape[1]}"
        )
    n = min(len(source), len(target))
    if most_frequent is not None:
        n = min(n, positive_int(most_frequent, "most_frequent"))
    rng = np.random.default_rng(seed)
    rows = [table[:n][rng.permutation(n)] for table in (source, target)]
    return np.stack(rows, axis=1)

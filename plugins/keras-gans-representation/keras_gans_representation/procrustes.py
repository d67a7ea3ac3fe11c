"""Procrustes refinement, CSLS retrieval and precision@1 for embedding-space alignment.

Row convention throughout: a map is a `(dim, dim)` matrix `W` applied as `source @ W` (the
Keras `Dense` kernel; the paper's `W x` with column vectors is `x @ W.T`). These are
closed-form, host-side computations in float64 NumPy, run between or after `fit` calls.

Example:
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(50, 3))
>>> q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
>>> bool(np.allclose(procrustes(x, x @ q), q))
True

Reference:
    Conneau, Lample, Ranzato, Denoyer & Jégou, "Word Translation Without Parallel Data",
    ICLR 2018: section 2.2 (Procrustes refinement), 2.3 (CSLS), 3.5 (the unsupervised
    validation criterion); Schönemann, "A generalized solution of the orthogonal Procrustes
    problem", Psychometrika 1966.
"""

from __future__ import annotations

import numpy as np

from keras_gans.checks import one_of, positive_int

__all__ = [
    "csls_retrieve",
    "csls_similarities",
    "mean_csls_criterion",
    "mutual_nearest_neighbors",
    "nearest_neighbor_retrieve",
    "precision_at_1",
    "procrustes",
    "procrustes_refinement",
]

_CHUNK = 1024


def _matrix(value, argument):
    array = np.asarray(value, dtype="float64")
    if array.ndim != 2 or not array.size:
        raise ValueError(
            f"`{argument}` must be a non-empty 2-D array (words, dim). Received: shape "
            f"{array.shape}"
        )
    return array


def _same_width(a, b, names):
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`{names[0]}` and `{names[1]}` must have the same embedding size. Received: "
            f"{a.shape[1]} and {b.shape[1]}"
        )


def _unit_rows(x):
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _check_k(k, keys):
    k = positive_int(k, "k")
    if k > len(keys):
        raise ValueError(f"`k` must be at most the number of words ({len(keys)}). Received: k={k}")
    return k


def procrustes(source, target):
    """The orthogonal `W` minimising `||source @ W - target||_F` (rows are aligned pairs).

    Formula:
        `W = U V^T`, where `U S V^T = svd(source^T target)`.

    Args:
        source: `(n, dim)` embeddings.
        target: `(n, dim)` embeddings; row `i` is the translation of `source[i]`.

    Returns:
        A float64 `(dim, dim)` orthogonal matrix.
    """
    source, target = _matrix(source, "source"), _matrix(target, "target")
    if source.shape != target.shape:
        raise ValueError(
            "`source` and `target` must be aligned pairs of the same shape. Received: "
            f"{source.shape} and {target.shape}"
        )
    u, _, vt = np.linalg.svd(source.T @ target)
    return u @ vt


def _mean_top_k(queries, keys, k):
    """Mean cosine similarity of each (unit) query to its `k` nearest (unit) keys."""
    out = np.empty(len(queries))
    for start in range(0, len(queries), _CHUNK):
        similarities = queries[start : start + _CHUNK] @ keys.T
        top = np.partition(similarities, -k, axis=1)[:, -k:]
        out[start : start + _CHUNK] = top.mean(axis=1)
    return out


def csls_similarities(mapped, target, k=10):
    """The full CSLS matrix between mapped source words and target words.

    Formula:
        `CSLS(x, y) = 2 cos(x, y) - r_T(x) - r_S(y)`, where `r_T(x)` is the mean cosine of
        `x` with its `k` nearest targets and `r_S(y)` that of `y` with its `k` nearest
        mapped sources.

    Args:
        mapped: `(n_source, dim)` source embeddings already mapped into the target space.
        target: `(n_target, dim)` target embeddings.
        k: Neighbourhood size (default 10, as in the paper).

    Returns:
        A float64 `(n_source, n_target)` array (memory grows as their product: for large
        vocabularies use `csls_retrieve`).

    Example:
    >>> csls_similarities([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], k=1).tolist()
    [[0.0, -1.0]]
    """
    mapped, target = _unit_rows(_matrix(mapped, "mapped")), _unit_rows(_matrix(target, "target"))
    _same_width(mapped, target, ("mapped", "target"))
    r_target = _mean_top_k(mapped, target, _check_k(k, target))
    r_source = _mean_top_k(target, mapped, _check_k(k, mapped))
    return 2.0 * mapped @ target.T - r_target[:, None] - r_source[None, :]


def csls_retrieve(mapped, target, k=10, queries=None):
    """The CSLS-nearest target word of each query (chunked: any vocabulary size).

    Args:
        mapped: `(n_source, dim)` mapped source embeddings.
        target: `(n_target, dim)` target embeddings.
        k: Neighbourhood size (default 10).
        queries: Source rows to translate (default `None`: all).

    Returns:
        An int64 array: the target row retrieved for each query.

    Example:
    >>> csls_retrieve([[1.0, 0.1], [1.0, -0.1]], [[1.0, 0.0], [0.0, 1.0]], k=1).tolist()
    [0, 0]
    """
    mapped, target = _unit_rows(_matrix(mapped, "mapped")), _unit_rows(_matrix(target, "target"))
    _same_width(mapped, target, ("mapped", "target"))
    r_source = _mean_top_k(target, mapped, _check_k(k, mapped))
    _check_k(k, target)
    rows = np.arange(len(mapped)) if queries is None else np.asarray(queries, "int64")
    best = np.empty(len(rows), dtype="int64")
    for start in range(0, len(rows), _CHUNK):
        # r_T(x) is the same for every target of one query: it does not change the argmax.
        scores = 2.0 * mapped[rows[start : start + _CHUNK]] @ target.T - r_source[None, :]
        best[start : start + _CHUNK] = np.argmax(scores, axis=1)
    return best


def nearest_neighbor_retrieve(mapped, target, queries=None):
    """The cosine-nearest target word of each query (the baseline CSLS improves on).

    Example:
    >>> nearest_neighbor_retrieve([[0.1, 1.0]], [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [1]
    """
    mapped, target = _unit_rows(_matrix(mapped, "mapped")), _unit_rows(_matrix(target, "target"))
    _same_width(mapped, target, ("mapped", "target"))
    rows = np.arange(len(mapped)) if queries is None else np.asarray(queries, "int64")
    best = np.empty(len(rows), dtype="int64")
    for start in range(0, len(rows), _CHUNK):
        best[start : start + _CHUNK] = np.argmax(mapped[rows[start : start + _CHUNK]] @ target.T, 1)
    return best


_RETRIEVERS = ("csls", "nn")


def precision_at_1(mapped, target, translation, queries=None, method="csls", k=10):
    """The fraction of queries whose retrieved target word is their true translation.

    Args:
        mapped: `(n_source, dim)` mapped source embeddings.
        target: `(n_target, dim)` target embeddings.
        translation: `(n_source,)` the true target row of each source row.
        queries: Source rows to evaluate (default `None`: all).
        method: `"csls"` (default) or `"nn"` (cosine nearest neighbour).
        k: CSLS neighbourhood size (default 10).

    Returns:
        A float in [0, 1].

    Example:
    >>> precision_at_1([[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]], [1, 0], k=1)
    1.0
    """
    one_of(method, "method", _RETRIEVERS)
    translation = np.asarray(translation, "int64")
    rows = np.arange(len(translation)) if queries is None else np.asarray(queries, "int64")
    if method == "csls":
        found = csls_retrieve(mapped, target, k=k, queries=rows)
    else:
        found = nearest_neighbor_retrieve(mapped, target, queries=rows)
    return float(np.mean(found == translation[rows]))


def mutual_nearest_neighbors(mapped, target, most_frequent=15000, k=10):
    """A synthetic dictionary: pairs that are each other's CSLS-nearest neighbour.

    Only the `most_frequent` first rows of each table take part (the paper's 15,000).

    Args:
        mapped: `(n_source, dim)` mapped source embeddings, most frequent first.
        target: `(n_target, dim)` target embeddings, most frequent first.
        most_frequent: Rows of each table considered (default 15000).
        k: CSLS neighbourhood size (default 10).

    Returns:
        An int64 array `(pairs, 2)`: `(source row, target row)`.

    Example:
    >>> mutual_nearest_neighbors([[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]], k=1)
    array([[0, 1],
           [1, 0]])
    """
    n = positive_int(most_frequent, "most_frequent")
    mapped, target = _matrix(mapped, "mapped")[:n], _matrix(target, "target")[:n]
    forward = csls_retrieve(mapped, target, k=k)
    backward = csls_retrieve(target, mapped, k=k)
    sources = np.flatnonzero(backward[forward] == np.arange(len(mapped)))
    return np.stack([sources, forward[sources]], axis=1).astype("int64")


def mean_csls_criterion(mapped, target, n_words=10000, k=10):
    """The paper's unsupervised model-selection criterion (higher is better).

    The `n_words` most frequent source words are translated with CSLS; the criterion is
    the mean cosine similarity between each and its translation.

    Args:
        mapped: `(n_source, dim)` mapped source embeddings, most frequent first.
        target: `(n_target, dim)` target embeddings.
        n_words: Source words used (default 10000).
        k: CSLS neighbourhood size (default 10).

    Returns:
        A float.

    Example:
    >>> mean_csls_criterion([[1.0, 0.0], [0.0, 1.0]], [[0.0, 2.0], [3.0, 0.0]], k=1)
    1.0
    """
    mapped = _unit_rows(_matrix(mapped, "mapped"))[: positive_int(n_words, "n_words")]
    target = _unit_rows(_matrix(target, "target"))
    found = csls_retrieve(mapped, target, k=k)
    return float(np.mean(np.sum(mapped * target[found], axis=1)))


def procrustes_refinement(source, target, kernel, iterations=5, most_frequent=15000, k=10):
    """Iterated Procrustes: induce a dictionary with the current map, solve, repeat.

    Each iteration builds the mutual CSLS nearest-neighbour dictionary between
    `source @ kernel` and `target` (among the `most_frequent` words), then replaces the map
    with the Procrustes solution on those pairs.

    Args:
        source: `(n_source, dim)` source embeddings, most frequent first.
        target: `(n_target, dim)` target embeddings, most frequent first.
        kernel: `(dim, dim)` the starting map (e.g. the adversarially trained one).
        iterations: How many rounds (default 5).
        most_frequent: Words of each language used for the dictionary (default 15000).
        k: CSLS neighbourhood size (default 10).

    Returns:
        `(kernel, sizes)`: the refined float64 map and the dictionary size of each round.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 4))
    >>> q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    >>> start = q + 0.1 * rng.normal(size=(4, 4))  # a rough map (e.g. adversarial)
    >>> refined, sizes = procrustes_refinement(x, x @ q, start, iterations=2)
    >>> bool(np.allclose(refined, q)), sizes
    (True, [183, 199])
    """
    source, target = _matrix(source, "source"), _matrix(target, "target")
    kernel = _matrix(kernel, "kernel")
    if kernel.shape != (source.shape[1], target.shape[1]):
        raise ValueError(
            f"`kernel` must have shape {(source.shape[1], target.shape[1])}. Received: "
            f"{kernel.shape}"
        )
    sizes = []
    for _ in range(positive_int(iterations, "iterations")):
        pairs = mutual_nearest_neighbors(source @ kernel, target, most_frequent, k)
        if len(pairs) < source.shape[1]:
            break  # too few pairs to determine a map: keep the last one
        kernel = procrustes(source[pairs[:, 0]], target[pairs[:, 1]])
        sizes.append(len(pairs))
    return kernel, sizes

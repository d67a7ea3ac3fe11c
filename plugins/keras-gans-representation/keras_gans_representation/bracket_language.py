"""A synthetic language for sequence GANs: balanced brackets padded to a fixed length.

A sentence of the Dyck language with `kinds` bracket pairs (`()`, `[]`, ...) is written as
token ids and padded with the end token `.` (id 0) to `length` tokens: `"([])()......"`.
A sequence is *valid* when it is a non-empty, correctly nested and matched bracket string
followed only by end tokens. Validity is checked exactly, the number of valid sequences is
known in closed form (Catalan numbers), so a generator's fraction of valid samples can be
compared with the base rate of uniformly random token sequences.

Example:
>>> ids = sample_sequences(3, length=8, seed=0)
>>> decode(ids)
['[()]()[]', '([]()[])', '()......']
>>> [is_valid(row) for row in ids] == [True] * 3
True
>>> is_valid(encode(["(]......"])[0])
False
"""

from __future__ import annotations

import math

import numpy as np

from keras_gans.checks import positive_int

__all__ = [
    "END",
    "base_rate",
    "count_valid",
    "decode",
    "diversity",
    "encode",
    "is_valid",
    "one_hot",
    "sample_sequences",
    "to_ids",
    "validity",
    "vocabulary",
]

#: The end/padding token's id.
END = 0
_SYMBOLS = ".([{<)]}>"
_MAX_KINDS = 4


def _check_kinds(kinds):
    kinds = positive_int(kinds, "kinds")
    if kinds > _MAX_KINDS:
        raise ValueError(f"`kinds` must be at most {_MAX_KINDS}. Received: kinds={kinds}")
    return kinds


def _check_length(length):
    length = positive_int(length, "length")
    if length < 2:
        raise ValueError(f"`length` must be at least 2. Received: length={length}")
    return length


def vocabulary(kinds=2):
    """The tokens, by id: the end token `.`, then each opening bracket, then each closing one.

    Args:
        kinds: How many bracket pairs (default 2: `()` and `[]`; at most 4).

    Returns:
        A tuple of one-character strings.

    Example:
    >>> vocabulary(2)
    ('.', '(', '[', ')', ']')
    """
    kinds = _check_kinds(kinds)
    return (".", *_SYMBOLS[1 : 1 + kinds], *_SYMBOLS[5 : 5 + kinds])


def to_ids(sequences):
    """Token ids `(n, length)` from ids or from one-hot / relaxed `(n, length, vocab)` rows.

    Example:
    >>> to_ids(np.eye(3)[None]).tolist()
    [[0, 1, 2]]
    """
    array = np.asarray(sequences)
    if array.ndim == 3:
        return np.argmax(array, axis=-1)
    if array.ndim == 1:
        array = array[None]
    if array.ndim != 2:
        raise ValueError(
            "`sequences` must be token ids (n, length) or one-hot rows (n, length, vocab). "
            f"Received: an array of shape {array.shape}"
        )
    return array.astype("int64")


def is_valid(tokens, kinds=2):
    """Whether one sequence of token ids is a non-empty balanced string, then only end tokens.

    Args:
        tokens: A 1-D sequence of token ids (see `vocabulary`).
        kinds: How many bracket pairs (default 2).

    Returns:
        A bool.

    Example:
    >>> is_valid([1, 2, 4, 3, 0, 0]), is_valid([1, 2, 3, 4, 0, 0]), is_valid([0, 0])
    (True, False, False)
    """
    kinds = _check_kinds(kinds)
    stack = []
    ended = False
    for token in (int(t) for t in tokens):
        if token == END:
            if stack:
                return False
            ended = True
        elif ended or not 0 < token <= 2 * kinds:
            return False
        elif token <= kinds:
            stack.append(token)
        elif not stack or stack.pop() != token - kinds:
            return False
    return not stack and len(tokens) > 0 and int(tokens[0]) != END


def validity(sequences, kinds=2):
    """The fraction of valid sequences among ids `(n, L)` or one-hot rows `(n, L, vocab)`.

    Example:
    >>> validity(encode(["()..", "((..", "[]()"]))
    0.6666666666666666
    """
    ids = to_ids(sequences)
    return float(np.mean([is_valid(row, kinds) for row in ids]))


def diversity(sequences, kinds=2):
    """Distinct valid sequences divided by the number of sequences (collapse gives ~0).

    Example:
    >>> diversity(encode(["()..", "()..", "[]..", "((.."]))
    0.5
    """
    ids = to_ids(sequences)
    distinct = {tuple(row) for row in ids.tolist() if is_valid(row, kinds)}
    return len(distinct) / len(ids)


def count_valid(length, kinds=2):
    """How many valid sequences of `length` tokens exist: `sum_m Catalan(m) kinds^m`.

    Args:
        length: The sequence length (at least 2).
        kinds: How many bracket pairs (default 2).

    Returns:
        An int.

    Example:
    >>> count_valid(4, kinds=1), count_valid(12, kinds=2)
    (3, 10066)
    """
    length, kinds = _check_length(length), _check_kinds(kinds)
    pairs = range(1, length // 2 + 1)
    return sum(math.comb(2 * m, m) // (m + 1) * kinds**m for m in pairs)


def base_rate(length, kinds=2):
    """The probability that uniformly random tokens form a valid sequence.

    Example:
    >>> f"{base_rate(12, kinds=2):.3g}"
    '4.12e-05'
    """
    return count_valid(length, kinds) / (2 * _check_kinds(kinds) + 1) ** length


def _paths(length):
    """`paths[r][d]`: the number of +-1 walks of `r` steps from height `d` to 0, never < 0."""
    paths = np.zeros((length + 1, length + 2), dtype=object)
    paths[0][0] = 1
    for r in range(1, length + 1):
        for d in range(0, length + 1):
            paths[r][d] = paths[r - 1][d + 1] + (paths[r - 1][d - 1] if d > 0 else 0)
    return paths


def sample_sequences(n, length=12, kinds=2, seed=0):
    """Draws `n` valid sequences: bracket pairs `m` uniform in `1..length // 2`, then a
    uniformly random balanced string of `m` pairs, each pair's kind uniform.

    Args:
        n: How many sequences.
        length: Tokens per sequence, end tokens included (default 12).
        kinds: How many bracket pairs (default 2).
        seed: NumPy seed (default 0).

    Returns:
        An int64 array of token ids, shape `(n, length)`.
    """
    n, length, kinds = positive_int(n, "n"), _check_length(length), _check_kinds(kinds)
    rng = np.random.default_rng(seed)
    paths = _paths(length)
    out = np.full((n, length), END, dtype="int64")
    for i in range(n):
        steps = 2 * int(rng.integers(1, length // 2 + 1))
        depth, stack = 0, []
        for position in range(steps):
            left = steps - position - 1
            opens = paths[left][depth + 1] / paths[left + 1][depth]
            if rng.random() < opens:
                stack.append(int(rng.integers(1, kinds + 1)))
                out[i, position] = stack[-1]
                depth += 1
            else:
                out[i, position] = stack.pop() + kinds
                depth -= 1
    return out


def encode(strings, length=None, kinds=2):
    """Token ids of bracket strings, padded with end tokens to `length` (default: longest).

    Example:
    >>> encode(["([])"], length=6).tolist()
    [[1, 2, 4, 3, 0, 0]]
    """
    tokens = {symbol: i for i, symbol in enumerate(vocabulary(kinds))}
    strings = list(strings)
    length = length or max(len(s) for s in strings)
    out = np.full((len(strings), length), END, dtype="int64")
    for i, string in enumerate(strings):
        if len(string) > length or any(c not in tokens for c in string):
            raise ValueError(
                f"`strings` must hold at most {length} of the tokens {''.join(tokens)}. "
                f"Received: {string!r}"
            )
        out[i, : len(string)] = [tokens[c] for c in string]
    return out


def decode(sequences, kinds=2):
    """Bracket strings of ids `(n, L)` or one-hot rows `(n, L, vocab)` (end tokens as `.`).

    Example:
    >>> decode([[2, 4, 0, 0]])
    ['[]..']
    """
    symbols = vocabulary(kinds)
    return ["".join(symbols[t] for t in row) for row in to_ids(sequences).tolist()]


def one_hot(ids, kinds=2):
    """Float32 one-hot rows `(n, L, 2 * kinds + 1)` of token ids `(n, L)`.

    Example:
    >>> one_hot([[1, 0]], kinds=1).tolist()
    [[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]]
    """
    return np.eye(2 * _check_kinds(kinds) + 1, dtype="float32")[to_ids(ids)]

"""A small CNN trained on scikit-learn's bundled 8x8 digits, shipped as a weights file.

It makes every metric runnable offline: `digits` (its 64-d penultimate features, for FID,
KID, precision/recall...) and `digits-logits` (its 10 class logits, for the Inception
Score) are registered feature extractors, and `load_digits_classifier()` gives the
classifier itself (e.g. to measure the class accuracy of a conditional GAN's samples).

The shipped weights were produced by `train_digits_classifier(path=WEIGHTS_FILE)`; its
held-out accuracy is measured on `digits_split()`'s test part (20%, stratified, seed 0).
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from keras_gans.metrics.features import FeatureExtractor
from keras_gans.metrics.preprocessing import image_preprocessor

__all__ = [
    "WEIGHTS_FILE",
    "build_digits_classifier",
    "digits_features",
    "digits_logits",
    "digits_split",
    "load_digits_classifier",
    "train_digits_classifier",
]

#: The shipped weights, inside the installed package.
WEIGHTS_FILE = Path(__file__).with_name("digits_classifier.weights.h5")
FEATURE_LAYER = "features"
RESIZING = "none at 8x8; other sizes area-resized to 8x8; RGB averaged to grey"


def build_digits_classifier(seed=0):
    """Builds the (untrained) classifier: 8x8x1 images in [-1, 1] to 10 class logits.

    Three 3x3 convolutions (16, 32 with stride 2, 32 filters), a 64-unit ReLU layer named
    `"features"` (the `digits` extractor's output), dropout 0.3 and a 10-unit linear layer.

    Args:
        seed: Seed of the weight initialisers and dropout (default 0).

    Returns:
        A `keras.Model` named `"digits_classifier"`.

    Example:
    >>> build_digits_classifier().output_shape
    (None, 10)
    """
    layers = keras.layers

    def init(offset):
        return keras.initializers.GlorotUniform(seed=seed + offset)

    inputs = keras.Input((8, 8, 1), name="images")
    x = inputs
    for index, (filters, strides) in enumerate(((16, 1), (32, 2), (32, 1))):
        x = layers.Conv2D(
            filters,
            3,
            strides=strides,
            padding="same",
            activation="relu",
            kernel_initializer=init(index),
            name=f"conv_{index}",
        )(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(64, activation="relu", kernel_initializer=init(3), name=FEATURE_LAYER)(x)
    x = layers.Dropout(0.3, seed=seed, name="dropout")(x)
    logits = layers.Dense(10, kernel_initializer=init(4), name="logits")(x)
    return keras.Model(inputs, logits, name="digits_classifier")


def digits_split(seed=0, test_fraction=0.2):
    """A reproducible stratified split of the 1,797 bundled digits.

    Args:
        seed: Seed of the shuffle (default 0).
        test_fraction: Fraction of every class held out (default 0.2).

    Returns:
        `(train_indices, test_indices)`, sorted integer arrays.

    Example:
    >>> train, test = digits_split()
    >>> len(train), len(test)
    (1438, 359)
    """
    from keras_gans.datasets import load_digits

    _, labels = load_digits()
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        test.extend(members[: int(round(test_fraction * len(members)))])
    test = np.sort(np.asarray(test))
    train = np.setdiff1d(np.arange(len(labels)), test)
    return train, test


def train_digits_classifier(epochs=40, seed=0, path=None, verbose=0):
    """Trains the classifier on `digits_split(seed)`'s training part (reproducibly).

    No global seed is set: the initialisers and dropout are seeded, and the training
    stream is `epochs` NumPy permutations of the training set, each image shifted by a
    random -1, 0 or +1 pixel in each direction (augmentation), fed in order to one `fit`.

    Args:
        epochs: Passes over the training set (default 40).
        seed: Seed of the split, the initialisers and the shuffling (default 0).
        path: Where to save the weights (a `.weights.h5` file), or `None` (default).
        verbose: `fit`'s verbosity (default 0).

    Returns:
        `(model, held_out_accuracy)`.

    Example:
    >>> model, accuracy = train_digits_classifier(epochs=1)
    >>> 0.0 <= accuracy <= 1.0
    True
    """
    from keras_gans.datasets import load_digits

    images, labels = load_digits()
    train, test = digits_split(seed)
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(train) for _ in range(epochs)])
    model = build_digits_classifier(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    stream = _shifted(images[order], rng)
    model.fit(stream, labels[order], batch_size=64, epochs=1, shuffle=False, verbose=verbose)
    accuracy = held_out_accuracy(model, seed)
    if path is not None:
        bare = build_digits_classifier(seed)  # without optimizer state: a smaller file
        bare.set_weights(model.get_weights())
        bare.save_weights(str(path))
    return model, accuracy


def _shifted(images, rng):
    """Each image moved by -1, 0 or +1 pixel along each axis, background (-1) filled in."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=-1.0)
    dy, dx = rng.integers(0, 3, size=(2, len(images)))
    rows = dy[:, None] + np.arange(8)[None, :]
    cols = dx[:, None] + np.arange(8)[None, :]
    index = np.arange(len(images))[:, None, None]
    return padded[index, rows[:, :, None], cols[:, None, :]]


def held_out_accuracy(model, seed=0):
    """The accuracy of `model` (class logits) on `digits_split(seed)`'s held-out digits."""
    from keras_gans.datasets import load_digits

    images, labels = load_digits()
    _, test = digits_split(seed)
    predictions = np.argmax(model.predict(images[test], verbose=0), axis=-1)
    return float(np.mean(predictions == labels[test]))


def load_digits_classifier(path=None):
    """The trained digits classifier: class logits for `(n, 8, 8, 1)` images in [-1, 1].

    An independent classifier trained on the real digits, e.g. to check that a conditional
    GAN draws the class it is asked for.

    Args:
        path: A weights file (default `None`: the shipped `WEIGHTS_FILE`).

    Returns:
        A new `keras.Model` (each call builds its own copy).

    Example:
    >>> from keras_gans.datasets import load_digits
    >>> x, y = load_digits()
    >>> logits = load_digits_classifier().predict(x[:100], verbose=0)
    >>> float((logits.argmax(-1) == y[:100]).mean()) > 0.95
    True
    """
    path = WEIGHTS_FILE if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"`path` must be a digits classifier weights file. Received: path={str(path)!r}"
        )
    model = build_digits_classifier()
    model.load_weights(str(path))
    return model


def _extractor(logits):
    classifier = load_digits_classifier()
    network = (
        classifier
        if logits
        else keras.Model(classifier.input, classifier.get_layer(FEATURE_LAYER).output)
    )
    return FeatureExtractor(
        network,
        name="digits-logits" if logits else "digits",
        preprocess=image_preprocessor(size=8, channels=1, interpolation="area"),
        outputs="logits" if logits else "features",
        resizing=RESIZING,
    )


def digits_features():
    """The shipped digits classifier's 64-d penultimate features (layer `"features"`).

    A small, offline stand-in for InceptionV3 features on 8x8 digit images: FIDs with it
    are comparable only with other `digits` FIDs.

    Returns:
        A `FeatureExtractor` named `"digits"`.

    Example:
    >>> from keras_gans.datasets import load_digits
    >>> x, _ = load_digits()
    >>> digits_features().extract(x[:10], verbose=0).values.shape
    (10, 64)
    """
    return _extractor(logits=False)


def digits_logits():
    """The shipped digits classifier's 10 class logits, for the Inception Score on digits.

    Returns:
        A `FeatureExtractor` named `"digits-logits"` with `outputs="logits"`.

    Example:
    >>> digits_logits().outputs
    'logits'
    """
    return _extractor(logits=True)

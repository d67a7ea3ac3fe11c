"""InceptionV3 feature extractors (`inception-v3`: pool_3, 2048-d; `inception-v3-logits`).

The ImageNet weights are read from a local file, never downloaded: the `weights` argument,
else the environment variable `KERAS_GANS_INCEPTION_WEIGHTS`, else the Keras cache
(`$KERAS_HOME/models/` or `~/.keras/models/`, where `keras.applications.InceptionV3(
weights="imagenet")` saves them on a machine with network access). When none is found a
`FileNotFoundError` says which file to place where.

These are Keras's InceptionV3 weights (1000 ImageNet classes). The reference FID code of
Heusel et al. uses an older TensorFlow Inception graph (1008 classes), so absolute FIDs
computed here are comparable with each other, not with published numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

from keras_gans.metrics.features import FeatureExtractor
from keras_gans.metrics.preprocessing import image_preprocessor

__all__ = [
    "ENV_VAR",
    "NO_TOP_FILE",
    "TOP_FILE",
    "find_weights",
    "inception_v3",
    "inception_v3_logits",
]

#: Environment variable naming a local InceptionV3 weights file.
ENV_VAR = "KERAS_GANS_INCEPTION_WEIGHTS"
#: The Keras cache file names: with the classifier (features and logits), and without it.
TOP_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
NO_TOP_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
INPUT_SIZE = 299
RESIZING = "bilinear to 299x299 (no antialias), grey repeated to 3 channels"


def _cache_dirs():
    homes = []
    if os.environ.get("KERAS_HOME"):
        homes.append(Path(os.environ["KERAS_HOME"]))
    homes += [Path.home() / ".keras", Path("/tmp/.keras")]
    return [home / "models" for home in homes]


def find_weights(weights=None, logits=False):
    """Returns the path of the InceptionV3 weights file to load.

    Looked up in order: `weights`, `$KERAS_GANS_INCEPTION_WEIGHTS`, then the Keras caches
    (`$KERAS_HOME/models`, `~/.keras/models`, `/tmp/.keras/models`), where the file with
    the classifier is preferred and the one without it is accepted for features.

    Args:
        weights: A path to a weights file, or `None` (default) to search.
        logits: Whether the classifier is needed (default `False`); then only the file with
            the classifier (`inception_v3_weights_tf_dim_ordering_tf_kernels.h5`) will do.

    Returns:
        A `pathlib.Path`.

    Raises:
        FileNotFoundError: nothing found; the message names the file and where to put it.

    Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "inception.h5"
    >>> _ = path.write_bytes(b"")
    >>> find_weights(path) == path
    True
    """
    if weights is not None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"`weights` must be an existing InceptionV3 weights file. Received: "
                f"weights={str(weights)!r} (no such file)"
            )
        return path
    if os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR]).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"${ENV_VAR} must name an existing InceptionV3 weights file. "
                f"Received: {ENV_VAR}={str(path)!r} (no such file)"
            )
        return path
    names = (TOP_FILE,) if logits else (TOP_FILE, NO_TOP_FILE)
    searched = [directory / name for directory in _cache_dirs() for name in names]
    for path in searched:
        if path.is_file():
            return path
    wanted = TOP_FILE if logits else f"{TOP_FILE} (or, for features only, {NO_TOP_FILE})"
    raise FileNotFoundError(
        f"No InceptionV3 weights found, and keras-gans never downloads them. Place {wanted} "
        f"in {_cache_dirs()[0]} (the Keras cache), or set ${ENV_VAR} to its path, or pass "
        f"weights=PATH. Get it from {_URL}{TOP_FILE}, or run "
        "keras.applications.InceptionV3(weights='imagenet') once on a machine with network "
        f"access and copy it from ~/.keras/models/. Searched: {', '.join(map(str, searched))}"
    )


def _build(logits, weights_path, with_top):
    """The backbone: pool_3 features or logits; `weights_path=None` gives random weights
    (used by the tests, never by the factories)."""
    import keras

    size = (INPUT_SIZE, INPUT_SIZE, 3)
    if with_top:
        base = keras.applications.InceptionV3(
            include_top=True, weights=None, input_shape=size, classifier_activation=None
        )
        if weights_path is not None:
            base.load_weights(weights_path)
        layer = "predictions" if logits else "avg_pool"
        return keras.Model(base.input, base.get_layer(layer).output, name="inception_v3")
    base = keras.applications.InceptionV3(
        include_top=False, weights=None, input_shape=size, pooling="avg"
    )
    if weights_path is not None:
        base.load_weights(weights_path)
    return base


def _extractor(network, logits):
    return FeatureExtractor(
        network,
        name="inception-v3-logits" if logits else "inception-v3",
        preprocess=image_preprocessor(size=INPUT_SIZE, channels=3),
        outputs="logits" if logits else "features",
        resizing=RESIZING,
    )


def _load(weights, logits):
    path = find_weights(weights, logits=logits)
    orders = (True,) if logits else ((False, True) if "notop" in path.name else (True, False))
    errors = []
    for with_top in orders:
        try:
            return _extractor(_build(logits, str(path), with_top), logits)
        except Exception as error:  # noqa: BLE001 - both layouts are tried, then reported
            errors.append(f"{'with' if with_top else 'without'} classifier: {error}")
    raise ValueError(f"Could not load InceptionV3 weights from {str(path)!r}: " + "; ".join(errors))


def inception_v3(weights=None):
    """InceptionV3 `pool_3` features (2048-d), the standard FID/KID feature space.

    Images in [-1, 1] (already InceptionV3's input range) are clipped, resized bilinearly
    to 299x299 and grey images repeated to 3 channels.

    Args:
        weights: Path of a weights file (default `None`: `$KERAS_GANS_INCEPTION_WEIGHTS`,
            then the Keras cache; see `find_weights`).

    Returns:
        A `FeatureExtractor` named `"inception-v3"`.

    Example:
    >>> try:
    ...     inception_v3(weights="/no/such/inception.h5")
    ... except FileNotFoundError as error:
    ...     print(str(error)[:40])
    `weights` must be an existing InceptionV

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision",
        CVPR 2016; Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to
        a Local Nash Equilibrium", NeurIPS 2017.
    """
    return _load(weights, logits=False)


def inception_v3_logits(weights=None):
    """InceptionV3 ImageNet class logits (1000), for the Inception Score.

    Needs the weights file with the classifier (`inception_v3_weights_tf_dim_ordering_tf_
    kernels.h5`). Preprocessing as in `inception_v3`.

    Args:
        weights: Path of a weights file (default `None`: see `find_weights`).

    Returns:
        A `FeatureExtractor` named `"inception-v3-logits"` with `outputs="logits"`.

    Example:
    >>> try:
    ...     inception_v3_logits(weights="/no/such/inception.h5")
    ... except FileNotFoundError:
    ...     print("weights needed")
    weights needed

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    return _load(weights, logits=True)

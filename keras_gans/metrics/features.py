"""Feature extraction: images in [-1, 1] to feature vectors, in batches, one traced function.

`FeatureExtractor` wraps a `keras.Model` (or any callable) and an optional preprocessing
function (clipping, resizing, grey to RGB). For a Keras network it builds one small
functional model per input shape and runs it with `predict`, so features are extracted in
batches with Keras's progress bar and the predict function is traced once and reused by
every later call (no new graph per evaluation).

Extractors are plugins: the entry-point group `keras_gans.feature_extractors` maps names
(`inception-v3`, `digits`, ...) to factories returning a `FeatureExtractor`.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
from keras import ops

from keras_gans.registry import Registry, normalize_name

__all__ = [
    "FeatureExtractor",
    "Features",
    "extract_features",
    "registry",
    "resolve_extractor",
]


@dataclasses.dataclass(frozen=True)
class Features:
    """Feature vectors of a set of samples and the extractor that produced them.

    Metrics accept a `Features` wherever they accept images, so features computed once
    (e.g. of the real data) can be reused by several metrics and evaluations.

    Attributes:
        values: Float64 array of shape `(n, feature_dim)`.
        extractor: The extractor's name, or `"none"` for features given directly.
        resizing: How images were resized before the extractor (for the protocol).

    Example:
    >>> import numpy as np
    >>> features = Features(np.zeros((4, 3)), extractor="none", resizing="none")
    >>> len(features), features.feature_dim
    (4, 3)
    """

    values: np.ndarray
    extractor: str = "none"
    resizing: str = "none"

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def feature_dim(self) -> int:
        """The size of one feature vector."""
        return int(self.values.shape[1])


class FeatureExtractor:
    """Turns batches of images in [-1, 1] into feature vectors.

    Args:
        network: A `keras.Model` or any callable mapping a batch of (preprocessed) images
            to features or class logits; outputs of rank > 2 are flattened per sample.
        name: The name recorded in every result's protocol (default: the network's `name`,
            or the callable's `__name__`).
        preprocess: Optional function, written with `keras.ops`, applied to each batch of
            images before `network` (e.g. clipping and resizing); default `None`: images are
            passed unchanged.
        outputs: `"features"` (default) or `"logits"` (class scores, as the Inception Score
            needs).
        resizing: A description of the resizing `preprocess` does, for the protocol
            (default `"none"`).

    Example:
    >>> import keras, numpy as np
    >>> net = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    >>> extractor = FeatureExtractor(net, name="pixels")
    >>> extractor.extract(np.zeros((5, 4, 4, 1), "float32"), verbose=0).values.shape
    (5, 16)
    """

    def __init__(self, network, name=None, preprocess=None, outputs="features", resizing="none"):
        if not callable(network):
            raise TypeError(
                "`network` must be a keras.Model or a callable. "
                f"Received: network={network!r} of type {type(network).__name__}"
            )
        if outputs not in ("features", "logits"):
            raise ValueError(
                f'`outputs` must be "features" or "logits". Received: outputs={outputs!r}'
            )
        if preprocess is not None and not callable(preprocess):
            raise TypeError(f"`preprocess` must be callable or None. Received: {preprocess!r}")
        self.network = network
        self.name = name or getattr(network, "name", None) or getattr(network, "__name__", None)
        self.name = self.name or type(network).__name__
        self.preprocess = preprocess
        self.outputs = outputs
        self.resizing = resizing
        self._models = {}

    def __repr__(self) -> str:
        return f"FeatureExtractor(name={self.name!r}, outputs={self.outputs!r})"

    def model_for(self, sample_shape):
        """The Keras model that `extract` runs for images of `sample_shape`, or `None` when
        the network is a plain callable. Built once per shape and cached."""
        if not isinstance(self.network, keras.Model):
            return None
        if self.preprocess is None:
            return self.network
        sample_shape = tuple(int(d) for d in sample_shape)
        if sample_shape not in self._models:
            inputs = keras.Input(sample_shape)
            outputs = self.network(self.preprocess(inputs))
            self._models[sample_shape] = keras.Model(
                inputs, outputs, name=f"{normalize_name(self.name)}-extractor"
            )
        return self._models[sample_shape]

    def extract(self, data, batch_size=256, verbose="auto") -> Features:
        """Extracts the features of every image in `data`.

        Args:
            data: Images in [-1, 1]: a NumPy array or tensor `(n, height, width, channels)`,
                or a `tf.data.Dataset` yielding such images (batched or not), or `(x, y)`
                pairs of them.
            batch_size: Images per forward pass for arrays (default 256); a batched dataset
                keeps its own batches.
            verbose: Keras progress bar: `"auto"` (default), 0 (silent), 1 or 2.

        Returns:
            A `Features` with float64 values of shape `(n, feature_dim)`.
        """
        return self._extract(data, batch_size, verbose, "data")

    def _extract(self, data, batch_size, verbose, name):
        batch_size = _check_batch_size(batch_size)
        data, sample_shape = _image_source(data, batch_size, name)
        model = self.model_for(sample_shape)
        if model is not None:
            values = model.predict(
                data, batch_size=None if _is_dataset(data) else batch_size, verbose=verbose
            )
        else:
            values = self._call_in_batches(data, batch_size, verbose)
        values = np.asarray(values, dtype="float64")
        values = values.reshape(values.shape[0], -1)
        return Features(values, extractor=self.name, resizing=self.resizing)

    def _call_in_batches(self, data, batch_size, verbose):
        batches = (
            (data[i : i + batch_size] for i in range(0, len(data), batch_size))
            if isinstance(data, np.ndarray)
            else (_first(element) for element in data)
        )
        target = len(data) if isinstance(data, np.ndarray) else None
        bar = keras.utils.Progbar(target, verbose=1 if verbose == "auto" else verbose)
        outputs, seen = [], 0
        for batch in batches:
            batch = ops.convert_to_tensor(batch, "float32")
            if self.preprocess is not None:
                batch = self.preprocess(batch)
            out = np.asarray(ops.convert_to_numpy(self.network(batch)))
            outputs.append(out.reshape(out.shape[0], -1))
            seen += out.shape[0]
            if verbose:
                bar.update(seen)
        return np.concatenate(outputs, axis=0)


#: The `keras_gans.feature_extractors` entry-point group.
registry = Registry(
    "keras_gans.feature_extractors", kind="feature extractor", base_class=FeatureExtractor
)
_BUILT = {}


def resolve_extractor(extractor):
    """Returns the `FeatureExtractor` that `extractor` names, wraps or is.

    Args:
        extractor: A registered name (`"inception-v3"`, `"digits"`, ...; built once per
            process and reused), a `FeatureExtractor`, a `keras.Model`, a callable, or
            `None` (returns `None`: the data are features already).

    Returns:
        A `FeatureExtractor`, or `None`.

    Example:
    >>> resolve_extractor("digits").name
    'digits'
    """
    if extractor is None or isinstance(extractor, FeatureExtractor):
        return extractor
    if isinstance(extractor, str):
        key = normalize_name(extractor)
        if key not in _BUILT:
            _BUILT[key] = registry.get(key)
        return _BUILT[key]
    if callable(extractor):
        return FeatureExtractor(extractor)
    raise TypeError(
        "`extractor` must be a registered name, a keras.Model, a callable, a "
        f"FeatureExtractor or None. Received: extractor={extractor!r}"
    )


def _extractor_name(extractor):
    if isinstance(extractor, str):
        return normalize_name(extractor)
    return getattr(extractor, "name", None)


def extract_features(data, extractor, batch_size=256, verbose="auto", name="data") -> Features:
    """Returns the features of `data`, computing them with `extractor` unless they are given.

    Args:
        data: Images in [-1, 1] (array, tensor or `tf.data.Dataset`), or a `Features`, or,
            with `extractor=None`, feature vectors `(n, d)` (inputs of rank > 2 are
            flattened per sample, e.g. raw pixels).
        extractor: See `resolve_extractor`.
        batch_size: Images per forward pass (default 256).
        verbose: Keras progress bar while extracting (default `"auto"`).
        name: The argument name used in error messages (default `"data"`).

    Returns:
        A `Features`.

    Example:
    >>> import numpy as np
    >>> extract_features(np.ones((3, 2, 2, 1)), extractor=None).values.shape
    (3, 4)
    """
    if isinstance(data, Features):
        wanted = _extractor_name(extractor)
        if extractor is not None and wanted != data.extractor:
            raise ValueError(
                f"`{name}` holds features from the extractor '{data.extractor}' but "
                f"extractor={wanted!r} was asked for. Pass extractor=None to use them as given."
            )
        return data
    if extractor is None:
        values = _feature_array(data, name)
        return Features(values, extractor="none", resizing="none")
    return resolve_extractor(extractor)._extract(data, batch_size, verbose, name)


def paired_features(real, fake, extractor, batch_size=256, verbose="auto"):
    """Features of `real` and `fake` from one extractor, checked to be comparable."""
    batch_size = _check_batch_size(batch_size)
    real = extract_features(real, extractor, batch_size, verbose, name="real")
    fake = extract_features(fake, extractor, batch_size, verbose, name="fake")
    for name, features in (("real", real), ("fake", fake)):
        bad = int(np.count_nonzero(~np.isfinite(features.values).all(axis=-1)))
        if bad:
            raise ValueError(
                f"`{name}` must hold finite values (its features too). Received: {bad} of "
                f"{len(features)} {name} samples with NaN or inf"
            )
    if real.extractor != fake.extractor or real.feature_dim != fake.feature_dim:
        raise ValueError(
            "`real` and `fake` must be features of one extractor and size. Received: "
            f"real from '{real.extractor}' ({real.feature_dim}-d), fake from "
            f"'{fake.extractor}' ({fake.feature_dim}-d)."
        )
    return real, fake


def feature_protocol(real: Features | None, fake: Features) -> dict:
    """The protocol keys shared by feature-based metrics."""
    protocol = {}
    if real is not None:
        protocol["n_real"] = len(real)
    protocol["n_fake"] = len(fake)
    protocol.update(
        extractor=fake.extractor,
        feature_dim=fake.feature_dim,
        resizing=fake.resizing,
        dtype="float64",
    )
    return protocol


# --------------------------------------------------------------------------- input helpers
def _check_batch_size(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")
    if batch_size <= 0:
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size}"
        )
    return int(batch_size)


def _is_dataset(data) -> bool:
    return hasattr(data, "element_spec") and hasattr(data, "batch")


def _first(element):
    return element[0] if isinstance(element, (tuple, list)) else element


def _check_float(dtype, name):
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise ValueError(
            f"`{name}` must hold float images in [-1, 1] (the generator's range). Received "
            f"dtype {np.dtype(dtype).name}; for uint8 pixels use x / 127.5 - 1."
        )


def as_array(data, name):
    """`data` (array, tensor, list) as a NumPy array; datasets are read to the end."""
    if _is_dataset(data):
        parts = [np.asarray(_first(element)) for element in data.as_numpy_iterator()]
        if not parts:
            raise ValueError(f"`{name}` must not be empty. Received: an empty dataset")
        if parts[0].ndim in (1, 3):  # unbatched samples (a feature vector or an image)
            return np.stack(parts)
        return np.concatenate(parts, axis=0)
    if ops.is_tensor(data):
        return np.asarray(ops.convert_to_numpy(data))
    if isinstance(data, np.ndarray):
        return data
    try:
        return np.asarray(data)
    except Exception as error:
        raise TypeError(
            f"`{name}` must be an array, a tensor or a tf.data.Dataset. Received: "
            f"{type(data).__name__}"
        ) from error


def as_images(data, name):
    """`data` as an array of float images `(n, height, width, channels)`, in its own float
    dtype (not copied: callers cast only what they use)."""
    images = as_array(data, name)
    if images.ndim != 4:
        raise ValueError(
            f"`{name}` must hold images of shape (n, height, width, channels). Received: "
            f"shape {images.shape}"
        )
    _check_float(images.dtype, name)
    if images.shape[0] == 0:
        raise ValueError(f"`{name}` must not be empty. Received: shape {images.shape}")
    return images


def _feature_array(data, name):
    values = as_array(data, name)
    if values.ndim < 2 or values.shape[0] == 0:
        raise ValueError(
            f"`{name}` must hold feature vectors of shape (n, d) (or samples of higher rank, "
            f"flattened) with n > 0. Received: shape {values.shape}"
        )
    if not np.issubdtype(values.dtype, np.number):
        raise ValueError(f"`{name}` must be numeric. Received: dtype {values.dtype}")
    return values.reshape(values.shape[0], -1).astype("float64")


def _image_source(data, batch_size, name):
    """`(source, sample_shape)`: a float array or a batched dataset of images."""
    if _is_dataset(data):
        spec = _first(data.element_spec)
        shape = tuple(spec.shape)
        if len(shape) == 3:
            data, shape = data.batch(batch_size), (None, *shape)
        if len(shape) != 4 or None in shape[1:]:
            raise ValueError(
                f"`{name}` must yield images of a fixed shape (height, width, channels), "
                f"batched or not. Received: element shape {shape}"
            )
        _check_float(spec.dtype.as_numpy_dtype, name)
        return data, shape[1:]
    images = as_array(data, name)
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(
            f"`{name}` must hold images of shape (n, height, width, channels) with n > 0. "
            f"Received: shape {images.shape}"
        )
    _check_float(images.dtype, name)
    return images.astype("float32", copy=False), images.shape[1:]

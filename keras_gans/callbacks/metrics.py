"""`GANMetricsCallback`: FID, KID, precision/recall of a GAN's samples every N epochs."""

from __future__ import annotations

import keras
import numpy as np

__all__ = ["GANMetricsCallback"]

_METRICS = ("fid", "kid", "precision_recall")


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def _split_real(real_data, labels):
    """`(images_or_features, labels)` from an array, an `(x, y)` tuple, a dataset or a
    `Features`."""
    if isinstance(real_data, tuple) and len(real_data) == 2:
        images, tuple_labels = real_data
        if labels is not None:
            raise ValueError(
                "Give labels either inside `real_data=(x, y)` or as `labels=`, not both."
            )
        return images, np.asarray(tuple_labels)
    if labels is None and hasattr(real_data, "element_spec"):
        spec = real_data.element_spec
        if isinstance(spec, tuple) and len(spec) >= 2:
            parts = [np.asarray(element[1]) for element in real_data.as_numpy_iterator()]
            if parts:
                return real_data, (np.concatenate(parts) if parts[0].ndim else np.stack(parts))
    return real_data, None if labels is None else np.asarray(labels)


class GANMetricsCallback(keras.callbacks.Callback):
    """Logs FID, KID and/or precision/recall of generated samples every `every_n_epochs`.

    At the end of an evaluated epoch it generates `n_samples` fakes with
    `model.generate(n_samples, seed=seed, labels=...)` (the same latents every time, so
    successive scores differ only by the model), extracts their features with the same
    traced function every time, and adds `val_fid`, `val_kid` (and `val_kid_std`),
    `val_precision`, `val_recall`, `val_density`, `val_coverage` to the epoch's `logs`.
    The real features are computed once, when training starts, and cached.

    Keras runs callbacks in list order on one shared `logs` dict, so **put this callback
    before** `ModelCheckpoint(monitor="val_kid", mode="min")`, `EarlyStopping` or
    `CSVLogger` in the `callbacks` list; the progress bar and `History` always run last
    and show the values. On epochs that are not evaluated the keys are absent (a monitor
    then skips that epoch with a warning): align `every_n_epochs` with what monitors it.
    An epoch whose logged losses are NaN or infinite is not evaluated (`NaNGuard` reports
    it), nor one cut short by SIGINT/SIGTERM under `StopSignals` (a run stopping on a
    signal commits its checkpoint without waiting for an evaluation).

    Conditional models need labels for their fakes: they are drawn once (with `seed`)
    from the real labels, given as `real_data=(x, y)`, as `labels=`, or by a dataset
    yielding `(x, y)`.

    Args:
        real_data: Real images in [-1, 1]: an array or tensor, an `(x, y)` tuple, a
            `tf.data.Dataset` (of `x` or `(x, y)`), or a precomputed
            `keras_gans.metrics.Features` from the same extractor.
        metrics: Which of `"fid"`, `"kid"`, `"precision_recall"` (default
            `("fid", "kid")`).
        extractor: Feature extractor: a registered name (default `"inception-v3"`;
            `"digits"` for 8x8 digits), a `keras.Model`, a callable or a
            `FeatureExtractor`.
        every_n_epochs: Evaluate after every this many epochs, and after the last one
            (default 1).
        n_samples: Fakes generated per evaluation (default 1000).
        labels: Class ids of `real_data` for conditional models (default `None`).
        seed: Seed of the latents and of the fake labels (default 0).
        batch_size: Images per forward pass of the extractor and generator (default 256).
        kid_subsets: KID subsets (default 100).
        kid_subset_size: KID subset size, capped by the sample counts (default 1000).
        prefix: Prefix of the log keys (default `"val_"`).
        verbose: Whether to print the values after each evaluation (default 0).

    Example:
    >>> import keras, keras_gans
    >>> from keras_gans.datasets import load_digits
    >>> x, _ = load_digits()
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "dcgan", image_shape=(8, 8, 1), latent_dim=8, base_filters=8, seed=0)
    >>> gan.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    >>> metrics = GANMetricsCallback(x[:200], extractor="digits", n_samples=200)
    >>> history = gan.fit(x[:256], batch_size=64, epochs=1, verbose=0, callbacks=[metrics])
    >>> sorted(k for k in history.history if k.startswith("val_"))
    ['val_fid', 'val_kid', 'val_kid_std']

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017; Binkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """

    def __init__(
        self,
        real_data,
        metrics=("fid", "kid"),
        extractor="inception-v3",
        every_n_epochs=1,
        n_samples=1000,
        labels=None,
        seed=0,
        batch_size=256,
        kid_subsets=100,
        kid_subset_size=1000,
        prefix="val_",
        verbose=0,
    ):
        super().__init__()
        metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        unknown = [name for name in metrics if name not in _METRICS]
        if unknown or not metrics:
            raise ValueError(
                f"`metrics` must be a non-empty subset of {_METRICS}. Received: metrics={metrics!r}"
            )
        self.real_data = real_data
        self.metrics = metrics
        self.extractor = extractor
        self.every_n_epochs = _positive_int(every_n_epochs, "every_n_epochs")
        self.n_samples = _positive_int(n_samples, "n_samples")
        self.labels = labels
        self.seed = seed
        self.batch_size = _positive_int(batch_size, "batch_size")
        self.kid_subsets = _positive_int(kid_subsets, "kid_subsets")
        self.kid_subset_size = _positive_int(kid_subset_size, "kid_subset_size")
        self.prefix = prefix
        self.verbose = verbose
        self.last_results = {}
        self._real_features = None
        self._fake_labels = None
        self._extractor = None

    def _prepare(self):
        """Resolves the extractor and computes the real features once."""
        from keras_gans import metrics

        if self._real_features is not None:
            return
        images, real_labels = _split_real(self.real_data, self.labels)
        if isinstance(images, metrics.Features):
            self._extractor = None
            self._real_features = images
        else:
            self._extractor = metrics.resolve_extractor(self.extractor)
            self._real_features = self._extractor.extract(images, self.batch_size, verbose=0)
        if real_labels is not None:
            rng = np.random.default_rng(self.seed)
            self._fake_labels = rng.choice(real_labels, size=self.n_samples, replace=True)

    def on_train_begin(self, logs=None):
        if not callable(getattr(self.model, "generate", None)):
            raise TypeError(
                "GANMetricsCallback needs a model with `generate(n, seed, labels)`, such as "
                f"keras_gans.GANModel. Received: {type(self.model).__name__}"
            )
        self._prepare()

    def evaluate(self):
        """Generates `n_samples` fakes now and returns `{name: result}` of every metric.

        Returns:
            A dict mapping `"fid"`, `"kid"`, `"precision_recall"` to their result objects
            (each with its `protocol`).
        """
        from keras_gans import metrics

        self._prepare()
        conditional = getattr(self.model, "conditional", False)
        if conditional and self._fake_labels is None:
            raise ValueError(
                "The model is conditional: give the real labels as real_data=(x, y), "
                "labels=, or a dataset of (x, y), so fakes can be labelled like the data."
            )
        # An unconditional model ignores the labels of (x, y) data, as GANModel.fit does.
        labels = self._fake_labels if conditional else None
        fake = self.model.generate(
            self.n_samples, seed=self.seed, labels=labels, batch_size=self.batch_size
        )
        real = self._real_features
        extractor = self._extractor
        if extractor is None:  # precomputed real features: fakes go through the named one
            extractor = metrics.resolve_extractor(self.extractor)
        fake = extractor.extract(fake, self.batch_size, verbose=0)
        results = {}
        if "fid" in self.metrics:
            results["fid"] = metrics.fid(real, fake, extractor=None)
        if "kid" in self.metrics:
            results["kid"] = metrics.kid(
                real,
                fake,
                extractor=None,
                subsets=self.kid_subsets,
                subset_size=self.kid_subset_size,
                seed=self.seed,
            )
        if "precision_recall" in self.metrics:
            results["precision_recall"] = metrics.precision_recall(real, fake, extractor=None)
        self.last_results = results
        return results

    def on_epoch_end(self, epoch, logs=None):
        from keras_gans.callbacks.checkpoint import finite_logs
        from keras_gans.callbacks.signals import StopSignals

        if not finite_logs(logs or {}):
            return  # diverged: NaNGuard reports it; the fakes would only be refused as NaN
        signals = StopSignals.current()
        if signals is not None and signals.received:
            return  # stopping on a signal: the epoch is cut short and the time is short
        last = epoch + 1 >= (self.params or {}).get("epochs", float("inf"))
        if (epoch + 1) % self.every_n_epochs and not last:
            return
        values = {}
        for result in self.evaluate().values():
            values.update({f"{self.prefix}{k}": v for k, v in result.scalars().items()})
        if logs is not None:
            logs.update(values)
        if self.verbose:
            shown = ", ".join(f"{key}={value:.4g}" for key, value in values.items())
            print(f"Epoch {epoch + 1}: {shown}")

    def get_config(self):
        """The constructor arguments that are plain values (not `real_data` or `labels`)."""
        extractor = self.extractor if isinstance(self.extractor, str) else None
        return {
            "metrics": list(self.metrics),
            "extractor": extractor,
            "every_n_epochs": self.every_n_epochs,
            "n_samples": self.n_samples,
            "seed": self.seed,
            "batch_size": self.batch_size,
            "kid_subsets": self.kid_subsets,
            "kid_subset_size": self.kid_subset_size,
            "prefix": self.prefix,
            "verbose": self.verbose,
        }

"""Standing statistics: a generator's batch-norm statistics measured after training."""

from __future__ import annotations

import hashlib

import keras
import numpy as np

from keras_gans.models import validation as check

__all__ = ["standing_statistics", "standing_statistics_record"]

#: Where `standing_statistics` notes what it did, on the measured network (not saved).
_RECORD = "_keras_gans_standing_statistics"


def standing_statistics(model, passes=100, batch_size=64, seed=None, labels=None, use_ema=True):
    """Replaces a generator's batch-norm moving statistics by averages over fresh batches.

    A generator samples with the moving means and variances of its batch norms, an
    exponential average over the last training batches, taken while the weights kept
    moving; an EMA generator (`ema_decay`) even copies them from the live generator, whose
    weights it does not have. This runs the network `passes` times on fresh latents (and
    labels), every layer but the batch norms in inference mode as when sampling, and sets
    each `keras.layers.BatchNormalization`'s moving mean and variance (including those
    inside conditional batch norms) to the mean of its batch means and batch variances
    over the passes: the inference statistics of Ioffe & Szegedy (2015, Algorithm 2; the
    variance without its m/(m-1) factor, as Keras' moving variance) and the "standing
    statistics" BigGAN is sampled with (Brock et al. 2019; `--accumulate_stats` in the
    authors' BigGAN-PyTorch). Nothing else changes; on an error the statistics are left as
    they were. Keep the batch size of training: the batch variances depend on it.

    Args:
        model: A `keras_gans.GANModel`.
        passes: Batches to average over (default 100).
        batch_size: Samples per pass (default 64).
        seed: An int for reproducible latents and labels (default `None`: the model's
            sampler).
        labels: For a conditional model, the conditions the passes draw from (uniformly,
            with replacement): class ids or embeddings, or one for all (default `None`: all
            classes uniformly; an embedding-conditioned model needs them).
        use_ema: Measure `ema_generator` when the model keeps one (default `True`), else
            the generator.

    Returns:
        The number of batch-norm layers updated (0 if the network has none: nothing
        changes).

    Example:
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan()  # a dense generator without batch norm
    >>> standing_statistics(gan, passes=2)
    0
    """
    passes = check.check_positive_int(passes, "passes")
    batch_size = check.check_positive_int(batch_size, "batch_size")
    check.check_seed(seed, allow_generator=False)
    if not isinstance(use_ema, bool):
        raise ValueError(f"`use_ema` must be True or False. Received: use_ema={use_ema!r}")
    pool = _condition_pool(model, labels)
    network = model.ema_generator if use_ema and model.ema_generator is not None else None
    network = network or model.generator
    norms = batch_norm_layers(network)
    for layer in norms:
        if layer.renorm:
            raise ValueError(
                "standing_statistics supports plain batch normalization; layer "
                f"{layer.name!r} uses batch renormalization (renorm=True)."
            )
    if not norms:
        return 0
    saved = [(layer.moving_mean.numpy(), layer.moving_variance.numpy()) for layer in norms]
    latents = keras.random.SeedGenerator(seed) if seed is not None else None
    rng = np.random.default_rng(seed)
    restore = [_measuring(layer) for layer in norms]
    try:
        for i in range(passes):
            for layer in norms:
                # A cumulative mean: after pass i each statistic is the mean of i + 1 batches.
                layer.momentum = i / (i + 1)
            z = model.sample_latent(batch_size, seed=latents)
            condition = None
            if pool is not None:
                condition = keras.ops.convert_to_tensor(
                    pool[rng.integers(0, len(pool), size=batch_size)]
                )
            network(model._generator_inputs(z, condition), training=False)
    except BaseException:
        for layer, (mean, variance) in zip(norms, saved, strict=True):
            layer.moving_mean.assign(mean)
            layer.moving_variance.assign(variance)
        raise
    finally:
        for undo in restore:
            undo()
    record = {"passes": passes, "batch_size": batch_size, "seed": seed, "layers": len(norms)}
    object.__setattr__(network, _RECORD, {**record, "fingerprint": _fingerprint(norms)})
    return len(norms)


def standing_statistics_record(network):
    """What `standing_statistics` last measured for `network`, while its batch norms still
    hold those statistics: `{"passes", "batch_size", "seed", "layers"}`; `None` when it
    never ran on this network (in this process) or when training has moved the statistics
    since. The export metadata records it.

    Example:
    >>> import keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, seed=0)
    >>> standing_statistics(gan, passes=2, batch_size=8, seed=0)
    1
    >>> standing_statistics_record(gan.generator)
    {'passes': 2, 'batch_size': 8, 'seed': 0, 'layers': 1}
    """
    record = getattr(network, _RECORD, None)
    if record is None or record["fingerprint"] != _fingerprint(batch_norm_layers(network)):
        return None
    return {key: value for key, value in record.items() if key != "fingerprint"}


def _fingerprint(norms):
    digest = hashlib.sha256()
    for layer in norms:
        digest.update(layer.moving_mean.numpy().tobytes())
        digest.update(layer.moving_variance.numpy().tobytes())
    return digest.hexdigest()


def batch_norm_layers(network):
    """The `keras.layers.BatchNormalization` layers inside `network`, nested ones included."""
    return [
        layer
        for layer in network._flatten_layers(include_self=False, recursive=True)
        if isinstance(layer, keras.layers.BatchNormalization)
    ]


def _measuring(layer):
    """Makes `layer` normalise with batch statistics (updating its moving ones) even in
    inference mode; returns the function that undoes it."""
    momentum, trainable = layer.momentum, layer.trainable
    call = layer.call

    def measuring_call(inputs, training=None, mask=None):
        return call(inputs, training=True, mask=mask)

    layer.call = measuring_call
    if not trainable:
        layer.trainable = True  # Keras' batch norm ignores `training` when frozen

    def undo():
        del layer.call
        layer.momentum = momentum
        if layer.trainable != trainable:
            layer.trainable = trainable

    return undo


def _condition_pool(model, labels):
    """The conditions the passes draw from, as an array, or `None` (unconditional)."""
    if not model.conditional:
        model._check_labels(labels, 1)  # raises if labels were given
        return None
    if labels is None:
        if not model.num_classes:
            raise ValueError(
                "This GAN is conditioned on embeddings: `labels` must give the conditions "
                "to draw from (an array of embeddings). Received: labels=None"
            )
        return np.arange(model.num_classes, dtype="int32")
    labels = np.asarray(labels)
    shape = model._condition_shape()
    single = labels.ndim == 0 or (
        shape is not None and len(shape) >= 1 and shape[0] is not None and labels.shape == shape
    )
    count = 1 if single else len(labels)
    if count == 0:
        raise ValueError("`labels` must hold at least one condition. Received: 0 labels.")
    return model._check_labels(labels, count)

"""`resumable_fit`: `model.fit` that continues a run at the exact step its checkpoint holds."""

from __future__ import annotations

import keras

__all__ = ["data_position", "resumable_fit"]


class _RunLength(keras.callbacks.Callback):
    """Gives every callback the run's real number of epochs during the `fit` that only
    finishes the resumed epoch (`fit(epochs=e + 1)`), so that "the last epoch" stays the
    run's last (callbacks share one `params` dict; this one runs first)."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_train_begin(self, logs=None):
        self.params["epochs"] = self.epochs


def _cardinality(dataset, name):
    import tensorflow as tf

    count = int(dataset.cardinality())
    if count < 1 or count == int(tf.data.INFINITE_CARDINALITY):
        raise ValueError(
            f"`{name}` must return a finite tf.data.Dataset whose number of batches is known "
            f"(one pass is one epoch). Received: a dataset of cardinality {count} (-1: "
            "infinite, -2: unknown; `dataset.apply(tf.data.experimental.assert_cardinality(n))` "
            "declares it)."
        )
    return count


def data_position(make_dataset, global_step):
    """The stream of batches that `fit` sees from step `global_step` on, built afresh.

    The stream is `make_dataset()` repeated; a shuffle with a fixed seed reshuffles each
    pass in an order that depends only on how many passes were made before. The passes
    already made are replayed by creating (not reading) one iterator each, which draws the
    pass's shuffle seed and reads no data; the rest of the current pass is skipped.

    Args:
        make_dataset: A function of no arguments returning a new finite `tf.data.Dataset`
            that yields the same sequence of passes each time (fixed shuffle seed).
        global_step: Batches already trained on, from the first pass on.

    Returns:
        `(stream, batches_per_pass)`.

    Example:
    >>> import tensorflow as tf
    >>> make = lambda: tf.data.Dataset.range(6).shuffle(6, seed=1).batch(3)
    >>> whole, _ = data_position(make, 0)
    >>> first = [b.numpy().tolist() for b in whole.take(6)]
    >>> later, passes = data_position(make, 3)
    >>> [b.numpy().tolist() for b in later.take(3)] == first[3:], passes
    (True, 2)
    """
    dataset = make_dataset()
    per_pass = _cardinality(dataset, "make_dataset")
    if isinstance(global_step, bool) or not isinstance(global_step, int) or global_step < 0:
        raise ValueError(
            f"`global_step` must be a whole number >= 0. Received: global_step={global_step!r}"
        )
    passes, rest = divmod(global_step, per_pass)
    for _ in range(passes):
        iter(dataset)  # draws that pass's shuffle seed; reads nothing
    stream = dataset.skip(rest).concatenate(dataset.repeat()) if rest else dataset.repeat()
    return stream, per_pass


def resumable_fit(
    model, make_dataset, epochs, callbacks, state=None, steps_per_epoch=None, **fit_kwargs
):
    """Trains `model` to `epochs`, continuing from the commit `state` describes, exactly.

    A kill at any instant loses at most the steps since the last commit of
    `GANCheckpoint` (every epoch, every `every_n_steps` steps, and on SIGINT/SIGTERM with
    `stop_on_signal=True`); calling this again with the model loaded from the committed
    checkpoint and its `state.json` trains on exactly the batches an uninterrupted run
    would have seen next, with the model's random-number state and the epoch's running
    means restored, so it ends with the same weights and the same logged rows. A commit
    inside an epoch is continued by a first `fit` over that epoch's remaining batches.

    Args:
        model: The model (loaded from the committed checkpoint when resuming).
        make_dataset: A function of no arguments returning a new finite `tf.data.Dataset`
            with a fixed shuffle seed (see `data_position`); it is called once per `fit`.
        epochs: The epoch to train to, as in `fit`.
        callbacks: The `fit` callbacks; those with a `resume_inside_epoch(state)` method
            (`GANCheckpoint`, `NaNGuard`) are told where the epoch under way stands.
        state: The committed state (`RunDirectory.read_state()` or the checkpoint folder's
            `state.json`), or `None` (default) to start at step 0.
        steps_per_epoch: Steps per epoch (default `None`: one pass over the data).
        **fit_kwargs: Passed to `fit` (e.g. `verbose`).

    Returns:
        The `History` of the last `fit` run (or `None` when nothing was left to train).

    Example:
    >>> import keras, tensorflow as tf
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan(); gan.compile("adam", "adam")
    >>> make = lambda: tf.data.Dataset.from_tensor_slices(
    ...     tf.random.stateless_normal((64, 2), seed=(0, 1))).shuffle(64, seed=0).batch(32)
    >>> resumable_fit(gan, make, epochs=2, callbacks=[], verbose=0).epoch
    [0, 1]
    """
    fit_kwargs.setdefault("shuffle", False)  # the pipeline shuffles; Keras would warn
    state = state or {}
    epoch, batch = int(state.get("epoch", 0)), int(state.get("batch", 0))
    steps = steps_per_epoch
    if steps is None:
        steps = _cardinality(make_dataset(), "make_dataset")
    if batch >= steps:
        raise ValueError(
            f"The checkpoint is at batch {batch} of epoch {epoch + 1}, but an epoch has only "
            f"{steps} steps: `steps_per_epoch` or the data changed since it was written."
        )
    history = None
    if batch:
        for callback in callbacks:  # GANCheckpoint, NaNGuard: count batches from the commit
            if callable(getattr(callback, "resume_inside_epoch", None)):
                callback.resume_inside_epoch(state)
        stream, _ = data_position(make_dataset, epoch * steps + batch)
        history = model.fit(
            stream,
            epochs=epoch + 1,
            initial_epoch=epoch,
            steps_per_epoch=steps - batch,
            callbacks=[_RunLength(epochs), *callbacks],
            **fit_kwargs,
        )
        if model.stop_training:
            return history
        epoch += 1
    if epoch >= epochs:
        return history
    stream, _ = data_position(make_dataset, epoch * steps)
    return model.fit(
        stream,
        epochs=epochs,
        initial_epoch=epoch,
        steps_per_epoch=steps,
        callbacks=callbacks,
        **fit_kwargs,
    )

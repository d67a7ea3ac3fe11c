"""`EMAGenerator`: keep an exponential moving average of a GAN's generator from any script."""

from __future__ import annotations

import keras

from keras_gans.checks import non_negative_int

__all__ = ["EMAGenerator"]


class EMAGenerator(keras.callbacks.Callback):
    """Attaches an exponential moving average of the generator to a `GANModel` at `fit`.

    At the start of training it calls `model.enable_ema(decay)` under the model's
    distribution scope and retraces the train step, which then updates
    `model.ema_generator` after every generator update:
    `ema <- decay * ema + (1 - decay) * weights` (batch-norm statistics are copied).
    `model.generate` and the exporters use the average; it is saved with the model. A
    model that already keeps an EMA only gets its decay and start set.

    The same as `GANModel(..., ema_decay=decay)`, for scripts that do not build the model.

    Args:
        decay: The EMA decay in (0, 1) (default 0.999).
        start: Generator updates during which the copy follows the generator before it
            starts averaging (default 0; `GANModel.enable_ema`'s `start`).

    Example:
    >>> import keras, numpy as np, keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,), seed=0)
    >>> gan.compile("adam", "adam")
    >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    >>> _ = gan.fit(x, batch_size=32, epochs=1, verbose=0, callbacks=[EMAGenerator(0.9)])
    >>> gan.ema_decay, gan.ema_generator is not None
    (0.9, True)

    Reference:
        Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019;
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018.
    """

    def __init__(self, decay=0.999, start=0):
        super().__init__()
        if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0 < decay < 1:
            raise ValueError(f"`decay` must be a number in (0, 1). Received: decay={decay!r}")
        self.decay = float(decay)
        self.start = non_negative_int(start, "start")

    def on_train_begin(self, logs=None):
        model = self.model
        if not hasattr(model, "enable_ema"):
            raise TypeError(
                f"EMAGenerator works with a keras_gans.GANModel. Received: a {type(model).__name__}"
            )
        current = (model.ema_decay, model.ema_start)
        if model.ema_generator is not None and current == (self.decay, self.start):
            return
        with model.distribute_strategy.scope():
            model.enable_ema(self.decay, start=self.start)
        model.make_train_function(force=True)  # the traced step must include the update

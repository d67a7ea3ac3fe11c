"""A `fit` that ends by an exception (a second Ctrl-C, a failing callback) leaves the
process' SIGINT/SIGTERM handlers as they were, and the next `fit` is not stopped."""

import os
import signal

import keras
import numpy as np
import pytest

from keras_gans.callbacks import GANCheckpoint, StopSignals
from keras_gans.testing import tiny_gan

_X = np.random.default_rng(0).normal(size=(96, 2)).astype("float32")


def _gan():
    gan = tiny_gan(seed=0)
    gan.compile("adam", "adam")
    return gan


class _CtrlCTwice(keras.callbacks.Callback):
    """An impatient user: Ctrl-C, then Ctrl-C again, before batch 2."""

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 1:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)


class _Fails(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        raise RuntimeError("a callback failed")


def _next_fit_runs_to_the_end(tmp_path):
    checkpoint = GANCheckpoint(tmp_path / "next", stop_on_signal=True)
    history = _gan().fit(_X, batch_size=32, epochs=3, verbose=0, callbacks=[checkpoint])
    assert len(history.history["g_loss"]) == 3
    assert checkpoint.stopped_by is None and checkpoint.stopped_at is None
    assert StopSignals.current() is None


@pytest.fixture
def handlers():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_second_ctrl_c_restores_the_handlers(tmp_path, handlers):
    sigterm = signal.getsignal(signal.SIGTERM)
    checkpoint = GANCheckpoint(tmp_path / "first", stop_on_signal=True)
    with pytest.raises(KeyboardInterrupt, match="second SIGINT"):
        _gan().fit(_X, batch_size=32, epochs=1, verbose=0, callbacks=[_CtrlCTwice(), checkpoint])
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is sigterm
    assert StopSignals.current() is None
    _next_fit_runs_to_the_end(tmp_path)


def test_a_fit_failing_otherwise_does_not_swallow_ctrl_c(tmp_path, handlers):
    checkpoint = GANCheckpoint(tmp_path / "first", stop_on_signal=True)
    with pytest.raises(RuntimeError, match="a callback failed"):
        _gan().fit(_X, batch_size=32, epochs=1, verbose=0, callbacks=[checkpoint, _Fails()])
    # GANModel.fit released the handlers as it raised, before anything else asked
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert StopSignals.current() is None
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C after the failed fit: Python's default
        os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    _next_fit_runs_to_the_end(tmp_path)


def test_the_same_checkpoint_can_be_reused_after_a_failed_fit(tmp_path, handlers):
    checkpoint = GANCheckpoint(tmp_path / "ck", stop_on_signal=True)
    gan = _gan()
    with pytest.raises(RuntimeError):
        gan.fit(_X, batch_size=32, epochs=1, verbose=0, callbacks=[checkpoint, _Fails()])
    history = gan.fit(_X, batch_size=32, epochs=2, verbose=0, callbacks=[checkpoint])
    assert len(history.history["g_loss"]) == 2 and checkpoint.stopped_by is None
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_with_block_still_shares_one_record_with_the_checkpoint(tmp_path, handlers):
    with StopSignals() as outer:
        checkpoint = GANCheckpoint(tmp_path / "ck", stop_on_signal=True)
        with pytest.raises(RuntimeError):
            _gan().fit(_X, batch_size=32, epochs=1, verbose=0, callbacks=[checkpoint, _Fails()])
        assert StopSignals.current() is outer  # the block's own object does not lapse
        os.kill(os.getpid(), signal.SIGTERM)
        assert outer.received == "SIGTERM"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

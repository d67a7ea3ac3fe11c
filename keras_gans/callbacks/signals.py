"""`StopSignals`: turn SIGINT/SIGTERM into a request to stop at the next safe point."""

from __future__ import annotations

import signal
import sys
import threading

__all__ = ["StopSignals"]

_NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


class StopSignals:
    """Records the first SIGINT (Ctrl-C) or SIGTERM instead of raising at a random line.

    Python raises `KeyboardInterrupt` wherever the interpreter happens to be, which can be
    inside a checkpoint write or inside Keras' layer tracing (where it surfaces as an
    unrelated error). While a `StopSignals` is active, the first signal only sets
    `received`; the training loop polls it between steps, commits a checkpoint and stops
    cleanly (`GANCheckpoint(stop_on_signal=True)` does that). A second signal of either kind
    raises `KeyboardInterrupt` at once, for a user who does not want to wait.

    Signal handlers can only be installed from the main thread; elsewhere `StopSignals` is
    inactive (`active` is `False`) and signals keep their default behaviour. Nesting is
    allowed: an inner `StopSignals` shares the outer one's record.

    The handlers are put back when the block ends, and also before the second signal's
    `KeyboardInterrupt` is raised. `GANCheckpoint(stop_on_signal=True)` enters one for the
    length of a `fit`, which Keras does not tell a callback about when it raises: that
    `StopSignals` belongs to the running `fit` call and lapses once `fit` is gone. A signal
    arriving after that (or a new `StopSignals`, or `current()`) finds it lapsed, puts the
    previous handlers back and, for a signal, hands it to them (Ctrl-C raises
    `KeyboardInterrupt` again), so a failed `fit` leaves neither a swallowed Ctrl-C nor a
    stale `received` behind.

    Example:
    >>> import os, signal
    >>> with StopSignals() as signals:
    ...     os.kill(os.getpid(), signal.SIGTERM)
    ...     signals.received
    'SIGTERM'
    >>> signals.exit_code
    143
    """

    _current = None

    def __init__(self):
        self.received = None
        self.active = False
        self._previous = {}
        self._outer = None
        self._scope = None  # the running frame this object belongs to (a `fit`), if any

    @classmethod
    def for_caller(cls, function="fit"):
        """A `StopSignals` that lapses once the innermost running `function` call (the
        caller's, found up the stack) has returned or raised (see the class docstring).
        Without such a call on the stack, it behaves as a plain `StopSignals`."""
        signals = cls()
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != function:
            frame = frame.f_back
        signals._scope = frame
        return signals

    def _lapsed(self, frame=None):
        """Whether the call this object belongs to has ended (never, without one)."""
        if self._scope is None:
            return False
        frame = sys._getframe(1) if frame is None else frame
        while frame is not None:
            if frame is self._scope:
                return False
            frame = frame.f_back
        return True

    @property
    def exit_code(self):
        """The shell's exit status for the signal received (130 for SIGINT, 143 for SIGTERM)."""
        codes = {"SIGINT": 128 + signal.SIGINT, "SIGTERM": 128 + signal.SIGTERM}
        return codes.get(self.received, 0)

    def _handle(self, signum, frame):
        if self._lapsed(frame):  # its `fit` raised: act as if it had been exited
            previous = self._previous.get(signum)
            self.__exit__(None, None, None)
            if callable(previous):
                previous(signum, frame)
            elif previous != signal.SIG_IGN:  # SIG_DFL, or a handler set outside Python
                signal.raise_signal(signum)
            return
        if self.received is not None:
            self.__exit__(None, None, None)  # a third signal gets the usual behaviour
            raise KeyboardInterrupt(f"second {_NAMES.get(signum, signum)}: stopping at once")
        self.received = _NAMES.get(signum, str(signum))

    def __enter__(self):
        outer = StopSignals._current
        if outer is not None and outer.active and outer._lapsed():
            outer.__exit__(None, None, None)
            outer = None
        if outer is not None and outer.active:
            self._outer, self.active = outer, False
            return outer
        if threading.current_thread() is not threading.main_thread():
            return self
        for signum in _NAMES:
            self._previous[signum] = signal.signal(signum, self._handle)
        self.active, StopSignals._current = True, self
        return self

    def __exit__(self, *exc_info):
        if self.active:
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)
            self.active, StopSignals._current = False, None
        self._scope = None  # holds the `fit` frame's locals (model, data) alive otherwise
        return False

    @classmethod
    def current(cls):
        """The active `StopSignals` of this process, or `None`."""
        current = cls._current
        if current is not None and current.active and current._lapsed():
            current.__exit__(None, None, None)
        return current if current is not None and current.active else None

"""`StopSignals`: turn SIGINT/SIGTERM into a request to stop at the next safe point."""

from __future__ import annotations

import signal
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

    @property
    def exit_code(self):
        """The shell's exit status for the signal received (130 for SIGINT, 143 for SIGTERM)."""
        codes = {"SIGINT": 128 + signal.SIGINT, "SIGTERM": 128 + signal.SIGTERM}
        return codes.get(self.received, 0)

    def _handle(self, signum, frame):
        if self.received is not None:
            raise KeyboardInterrupt(f"second {_NAMES.get(signum, signum)}: stopping at once")
        self.received = _NAMES.get(signum, str(signum))

    def __enter__(self):
        outer = StopSignals._current
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
        return False

    @classmethod
    def current(cls):
        """The active `StopSignals` of this process, or `None`."""
        return cls._current if cls._current is not None and cls._current.active else None

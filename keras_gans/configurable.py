"""`Configurable`: the `from_config` and `repr` every keras-gans object shares."""

from __future__ import annotations

__all__ = ["Configurable"]


class Configurable:
    """`from_config` and a `repr` built from `get_config`: the boilerplate of every piece.

    A subclass stores each constructor argument as a same-named attribute and returns them
    from `get_config()`.
    """

    def get_config(self):
        """Returns the constructor arguments as a JSON-serialisable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

"""Architecture plugins: generator/discriminator pairs selected by name.

`keras_gans.architectures.names()` lists what is installed in the `keras_gans.architectures`
entry-point group, reading metadata only; `get(name, **kwargs)` imports and builds one.
"""

from keras_gans.architectures.base import Architecture
from keras_gans.registry import Registry, normalize_name

registry = Registry("keras_gans.architectures", kind="architecture", base_class=Architecture)
names = registry.names
get = registry.get
describe = registry.describe
register = registry.register
refresh = registry.refresh

__all__ = [
    "Architecture",
    "describe",
    "get",
    "names",
    "normalize_name",
    "refresh",
    "register",
    "registry",
]

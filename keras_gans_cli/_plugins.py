"""Plugin names from entry-point metadata, read without importing keras_gans or TensorFlow.

`import keras_gans` imports TensorFlow (to register every serialisable class with Keras), so
the command cannot import even `keras_gans.registry` to list plugins or to check a name.
It loads `keras_gans/_entry_points.py` (standard library only: installed metadata, or a plain
checkout's `pyproject.toml`) from its file instead, so the names, the distributions and the
choice between two claimants of one name are the registry's own rules. Once `keras_gans` is
imported in this process (tests, notebooks), the registries themselves answer, so plugins
registered in-process count too.
"""

from __future__ import annotations

import collections
import difflib
import importlib.util
import sys
from pathlib import Path

from keras_gans_cli._common import CommandError

__all__ = [
    "Plugin",
    "check_name",
    "entry_points_module",
    "from_metadata",
    "groups",
    "installed",
    "suggestion",
]

#: Group -> the word the messages use for one of its plugins.
KINDS = {
    "keras_gans.architectures": "architecture",
    "keras_gans.losses": "loss",
    "keras_gans.penalties": "penalty",
    "keras_gans.feature_extractors": "feature extractor",
    "keras_gans.exporters": "exporter",
}

_MODULE = None


def entry_points_module():
    """`keras_gans._entry_points`, loaded from its file unless keras_gans is imported."""
    global _MODULE
    if "keras_gans._entry_points" in sys.modules:
        return sys.modules["keras_gans._entry_points"]
    if _MODULE is None:
        spec = importlib.util.find_spec("keras_gans")  # finds the package, runs none of it
        if spec is None or not spec.submodule_search_locations:
            raise CommandError("keras_gans is not installed: pip install keras-gans")
        path = Path(list(spec.submodule_search_locations)[0]) / "_entry_points.py"
        module_spec = importlib.util.spec_from_file_location("keras_gans_cli._metadata", path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_spec.name] = module  # dataclasses look their module up there
        module_spec.loader.exec_module(module)
        _MODULE = module
    return _MODULE


#: One installed plugin: its registry key, `"<distribution> <version>"`, `"module:attribute"`.
#: `also`: the other distributions' claims of the same name, which the registry ignores.
Plugin = collections.namedtuple("Plugin", ["name", "origin", "value", "also"], defaults=((),))


def groups() -> list[str]:
    """Every plugin kind's entry-point group, sorted (metadata only)."""
    return entry_points_module().plugin_groups()


def installed(group: str) -> list[Plugin]:
    """The plugins of `group`, sorted by name, one per name (the registry's winner).

    Reads metadata only, unless `keras_gans.registry` is already imported: then the
    registry answers, in-process registrations included.
    """
    registry = sys.modules.get("keras_gans.registry")
    if registry is not None:
        try:
            infos = registry.registry_for(group).describe()
        except ImportError:
            infos = None
        if infos is not None:
            return [Plugin(info.name, info.origin, info.value) for info in infos]
    return from_metadata(group)


def from_metadata(group: str) -> list[Plugin]:
    """The plugins of `group` as entry-point metadata declares them, sorted by name; of two
    claims of one name, the one `keras_gans.registry` would choose (the others are in the
    plugin's `also`, as `"module:attribute (origin)"`). Imports nothing."""
    module = entry_points_module()
    claims = {}
    for entry in module.declared(group):
        name, value = entry.entry_point.name, entry.entry_point.value
        if not name.strip():
            continue
        origin = f"{entry.distribution} {entry.version or ''}".strip()
        rank = module.preference(entry.distribution, value)
        claims.setdefault(module.registry_key(name), {})[(entry.distribution, value)] = (
            rank,
            origin,
            value,
        )
    plugins = []
    for key, found in sorted(claims.items()):
        (_, origin, value), *others = sorted(found.values())
        also = tuple(f"{other_value} ({other_origin})" for _, other_origin, other_value in others)
        plugins.append(Plugin(key, origin, value, also))
    return plugins


def suggestion(name: str, choices) -> str:
    """`" Did you mean 'x'?"` for names close to `name` among `choices`, else `""`."""
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    quoted = [repr(c) for c in close]
    either = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" Did you mean {either}?"


def check_name(flag: str, name: str, group: str, extra: tuple[str, ...] = ()) -> str:
    """Returns the registry key of `name`, or raises a one-line `CommandError` listing the
    installed names of `group` (with a "did you mean" for close ones). Metadata only.

    Args:
        flag: The flag for the message, e.g. `"--arch"`.
        name: The name given.
        group: The entry-point group, e.g. `"keras_gans.architectures"`.
        extra: Names the flag accepts besides the plugins (e.g. `"none"`).
    """
    key = entry_points_module().registry_key(name)
    names = [plugin.name for plugin in installed(group)]
    if key in names or key in extra:
        return key
    choices = [*names, *extra]
    kind = KINDS.get(group, "plugin")
    listed = ", ".join(choices) if choices else f"none (no distribution declares '{group}')"
    raise CommandError(
        f"{flag} {name}: Unknown {kind} {name!r}.{suggestion(key, choices)} Installed: {listed} "
        "(keras-gans list)."
    )
